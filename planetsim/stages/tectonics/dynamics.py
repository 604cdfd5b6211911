"""Plate-level decisions, taken on a fixed schedule in Myr from one readback of the world's
crust (sums.py): which collisions suture, when the supercontinent breaks up, where old ocean
floor starts to subduct, which slivers join a neighbour. Every decision uses areas and lengths
on the sphere (not cell counts), so every grid size takes the same decisions at the same
times. The forces that set the plates' speeds are in forces.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...analysis._util import neighbour_flat, sorted_unique
from ...analysis.grid import Grid
from ...analysis.land import label_landmasses
from .forces import _omega
from .sums import _D8, CONTINENTAL_KM, PlateSums, _unit
from .table import MAX_PLATES, PlateTable


@dataclass
class NewPlate:
    """A plate born from `parent` (same rotation at birth, so its crust moves over exactly)."""

    slot: int
    parent: int
    omega: np.ndarray  # rad/Myr
    rank: float


@dataclass
class Plan:
    """What the decisions change: world cells that go to another plate (remap, -1 keeps),
    new plates, plates that end (all their cells remapped), new velocities of parents."""

    remap: np.ndarray
    new: list[NewPlate] = field(default_factory=list)
    retire: list[int] = field(default_factory=list)
    omega: dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.new or self.retire) and not (self.remap >= 0).any()


@dataclass
class CycleState:
    """The supercontinent cycle: where continents gather, and what phase it is in."""

    downwelling: np.ndarray = field(default_factory=lambda: np.array([0.0, 0.0, 1.0]))
    phase: str = "assembly"  # assembly -> assembled -> dispersal -> assembly ...
    phase_since: float = 0.0  # Myr (story time) the phase began
    tenure: float = 0.0  # Myr the continents have stayed gathered
    centre: np.ndarray = field(default_factory=lambda: np.array([1.0, 0.0, 0.0]))
    breakups: int = 0
    final_done: bool = False
    reorganize_at: float = float("nan")  # story time (Myr) of the next plate reorganization
    collisions: dict[tuple[int, int], float] = field(default_factory=dict)  # Myr of contact

    def state(self) -> dict[str, Any]:
        return {
            "downwelling": self.downwelling.tolist(),
            "phase": self.phase,
            "phase_since": self.phase_since,
            "tenure": self.tenure,
            "centre": self.centre.tolist(),
            "breakups": self.breakups,
            "final_done": self.final_done,
            "reorganize_at": self.reorganize_at,
            "collisions": [[a, b, t] for (a, b), t in sorted(self.collisions.items())],
        }

    @classmethod
    def from_state(cls, d: dict[str, Any]) -> CycleState:
        return cls(
            downwelling=np.asarray(d["downwelling"], np.float64),
            phase=str(d["phase"]),
            phase_since=float(d["phase_since"]),
            tenure=float(d["tenure"]),
            centre=np.asarray(d["centre"], np.float64),
            breakups=int(d["breakups"]),
            final_done=bool(d["final_done"]),
            reorganize_at=float(d["reorganize_at"]),
            collisions={(int(a), int(b)): float(t) for a, b, t in d["collisions"]},
        )


def decide(
    table: PlateTable, sums: PlateSums, cycle: CycleState, v: dict[str, Any], now: float,
    dt: float, rng: np.random.Generator, grid: Grid, pid: np.ndarray, h: np.ndarray,
    age: np.ndarray,
) -> Plan:  # fmt: skip
    """Update the cycle and the collisions' persistence, and plan the plate changes to carry
    out now (now, dt: story time and the interval, Myr; pid: the world's plate ids)."""
    plan = Plan(remap=np.full(grid.shape, -1, np.int32))
    free = [int(k) for k in np.flatnonzero(~table.active)]
    busy: set[int] = set()
    x = grid.unit_vectors()
    sphere = float(sums.area.sum()) or 1.0
    ocean = h < CONTINENTAL_KM
    if not np.isfinite(cycle.reorganize_at):
        cycle.reorganize_at = now + float(v["reorganize_myr"])
    elif float(v["reorganize_myr"]) > 0 and now >= cycle.reorganize_at:
        cycle.reorganize_at = now + float(v["reorganize_myr"])
        return _reorganize(plan, table, sums, v, grid, pid, ~ocean, rng, free, age)
    # The supercontinent breaks up along rifts through its middle.
    if _cycle(cycle, sums, v, now, dt, rng):
        speed = float(v["assembly_speed"]) + 1.0
        for k in [k for k in sums.largest_plates if table.active[k]][:2]:
            if not free:
                break
            normal = _unit(np.cross(sums.supercontinent_centre, rng.normal(size=3)))
            axis = np.cross(sums.supercontinent_centre, normal)
            _split(plan, table, k, free.pop(0), normal, x, pid, grid, rng, _omega(axis, speed))
            busy.add(k)
    # Sutures: a continental collision that has lasted suture_myr over suture_length_km.
    for pair in list(cycle.collisions):
        if pair not in sums.collision_km:
            del cycle.collisions[pair]
    couple = 1.0 - np.exp(-dt / max(float(v["collision_stall_myr"]), 1e-6))
    for pair, length in sorted(sums.collision_km.items()):
        a, b = pair
        if not (table.active[a] and table.active[b]):
            continue
        if length >= float(v["suture_length_km"]):
            cycle.collisions[pair] = cycle.collisions.get(pair, 0.0) + dt
            # Continents resist subduction: the collision stalls, the two plates' motions
            # draw together (weighted by area) before they suture.
            wa, wb = sums.area[a], sums.area[b]
            mean = (table.omega[a] * wa + table.omega[b] * wb) / max(wa + wb, 1e-30)
            table.omega[a] += (mean - table.omega[a]) * couple
            table.omega[b] += (mean - table.omega[b]) * couple
        if cycle.collisions.get(pair, 0.0) >= float(v["suture_myr"]) and not busy & {a, b}:
            big, small = (a, b) if sums.area[a] >= sums.area[b] else (b, a)
            _merge(plan, small, big, pid)
            wa, wb = sums.area[big], sums.area[small]
            plan.omega[big] = (table.omega[big] * wa + table.omega[small] * wb) / (wa + wb)
            busy |= {a, b}
            cycle.collisions.pop(pair, None)
    # Old ocean floor at a passive margin starts to subduct (Stern 2004, EPSL 226:275): the
    # plate's floor older than old_ocean_myr becomes a plate of its own that closes on the
    # plate's continent, so a trench opens at the continent's edge.
    old_floor = ocean & (age > float(v["old_ocean_myr"]))
    wa = np.broadcast_to(grid.area_weight, grid.shape)
    for kk in np.flatnonzero(table.active):
        k = int(kk)
        if not free or k in busy or sums.continental[k] < 0.01 * sphere:
            continue
        piece = _largest_part(old_floor & (pid == k) & (plan.remap < 0), grid)
        if float(wa[piece].sum()) < 0.005:  # smaller pockets: a reorganization takes them
            continue
        slot = free.pop(0)
        plan.remap[piece] = slot
        c = _unit((x[piece] * np.broadcast_to(grid.area_weight, grid.shape)[piece][:, None]).sum(0))
        toward = np.cross(c, sums.continental_centroid[k])
        plan.new.append(NewPlate(slot=slot, parent=k, omega=table.omega[k] + _omega(toward, 5.0),
                                 rank=float(table.rank[k]) - 0.5))  # fmt: skip
        busy |= {k}
    # A plate shrunk to a sliver joins the neighbour it shares the most boundary with.
    for kk in np.flatnonzero(table.active):
        k = int(kk)
        if k in busy or sums.area[k] >= float(v["plate_min_share"]) * sphere:
            continue
        into = _best_neighbour(k, sums, table, busy)
        if into is not None:
            _merge(plan, k, into, pid)
            busy |= {k, into}
    # Too few plates of size: the largest plate rifts through its middle (a new ridge).
    sizable = sums.area >= 0.02 * sphere
    live = int((table.active & sizable).sum()) + len(plan.new) - len(plan.retire)
    if live < int(v["plate_count"]) - 1 and free:
        ocean_area = sums.area - sums.continental
        for k in [int(k) for k in np.argsort(-ocean_area) if table.active[k]]:
            if k not in busy:
                c = sums.ocean_centroid[k]
                normal = _unit(np.cross(c, rng.normal(size=3)))
                spread = float(v["plate_speed_min"]) + 2.0
                axis = np.cross(c, normal)
                _split(plan, table, k, free.pop(0), normal, x, pid, grid, rng,
                       _omega(axis, spread), keep=table.omega[k], only=ocean)  # fmt: skip
                busy.add(k)
                break
    # Stray fragments (a plate's pieces apart from its main one) join their neighbours.
    _tidy(plan, table, pid, grid, busy, ocean)
    return plan


def _reorganize(
    plan: Plan, table: PlateTable, sums: PlateSums, v: dict[str, Any], grid: Grid,
    pid: np.ndarray, continental: np.ndarray, rng: np.random.Generator, free: list[int],
    age: np.ndarray,
) -> Plan:  # fmt: skip
    """A plate reorganization (Earth has them, e.g. about 50 and 100 Ma): the plates are
    drawn anew around the continents, each continent of size (a connected piece of
    continental crust over 1 % of the surface) at the heart of a plate of its own, with fresh
    ocean plates between them: noise-warped Voronoi cells, no boundary through a continent.
    A continent's plate keeps the slot (and so the rotation) of the plate that carries it."""
    from ...analysis.land import label_landmasses
    from .start import continent_layout

    w = np.asarray(np.broadcast_to(grid.area_weight, grid.shape))
    x = grid.unit_vectors()
    labels, n = label_landmasses(continental, grid)
    sizes = np.bincount(labels.ravel(), weights=w.ravel(), minlength=n + 1)
    sizes[0] = 0.0
    big = [int(lab) for lab in np.argsort(-sizes) if lab > 0 and sizes[lab] >= 0.01]
    pool = list(free)
    used: set[int] = set()
    slots: list[int] = []
    seeds: list[np.ndarray] = []
    parents: list[int] = []
    for lab in big:
        sel = labels == lab
        owners = pid[sel]
        owners = owners[(owners >= 0) & table.active[np.clip(owners, 0, MAX_PLATES - 1)]]
        owner = int(np.bincount(owners).argmax()) if owners.size else -1
        c = _unit((x[sel] * w[sel][:, None]).sum(axis=0))
        if owner >= 0 and owner not in used:
            slots.append(owner)  # the plate that carries it keeps its slot
            used.add(owner)
        elif pool:
            slots.append(pool.pop(0))
        else:
            continue
        seeds.append(c)
        parents.append(owner if owner >= 0 else 0)
    n_ocean = min(max(int(v["plate_count"]) - len(slots), 2), len(pool))
    # Ocean plates gather around the oldest floor: the old ocean is what sinks next.
    ocean_cells = np.flatnonzero(~continental.ravel())
    weights = w.ravel()[ocean_cells] * np.maximum(age.ravel()[ocean_cells], 1.0) ** 2
    weights /= weights.sum() if weights.sum() > 0 else 1.0
    for _ in range(n_ocean):
        slots.append(pool.pop(0))
        cell = int(rng.choice(ocean_cells, p=weights)) if ocean_cells.size else 0
        seeds.append(x.reshape(-1, 3)[cell])
        parents.append(-1)
    if not slots:
        return plan
    fixed = {lab: i for i, lab in enumerate(big) if i < len(seeds) and parents[i] >= 0}
    layout = continent_layout(grid, continental, np.stack(seeds), int(rng.integers(1 << 30)),
                              fixed=fixed)  # fmt: skip
    target = np.asarray(slots)[layout]
    plan.remap = np.where(target != pid, target, -1).astype(np.int32)
    live_before = {int(k) for k in np.flatnonzero(table.active)}
    for slot, parent in zip(slots, parents, strict=True):
        if slot in live_before:
            continue  # an existing plate: it keeps its motion
        sel = target == slot
        if parent < 0:  # an ocean plate: rotation from the plate that owns most of it; it
            # closes on the nearest continent (the old floor it holds subducts there)
            owners = pid[sel]
            owners = owners[owners >= 0]
            parent = int(np.bincount(owners).argmax()) if owners.size else slots[0]
            here = _unit((x[sel] * w[sel][:, None]).sum(axis=0))
            conts = [seeds[i] for i in range(len(seeds)) if parents[i] >= 0]
            if conts:
                near = max(conts, key=lambda c: float(c @ here))
                omega = _omega(np.cross(here, near), rng.uniform(3.0, 7.0))
            else:
                omega = _omega(_unit(rng.normal(size=3)), rng.uniform(2.0, 6.0))
        else:  # a continent leaves its plate: it starts with that motion, a little changed
            omega = table.omega[parent] + _omega(_unit(rng.normal(size=3)), rng.uniform(0.5, 2.0))
        plan.new.append(NewPlate(slot=slot, parent=parent, omega=omega,
                                 rank=float(rng.uniform(0.3, 0.9))))  # fmt: skip
    plan.retire.extend(k for k in live_before if k not in slots)
    return plan


def _merge(plan: Plan, plate: int, into: int, pid: np.ndarray) -> None:
    sel = (pid == plate) & (plan.remap < 0)
    plan.remap[sel] = into
    plan.retire.append(plate)


def _best_neighbour(k: int, sums: PlateSums, table: PlateTable, busy: set[int]) -> int | None:
    shared = {(b if a == k else a): km for (a, b), km in sums.pair_km.items() if k in (a, b)}
    shared = {j: km for j, km in shared.items() if table.active[j] and j not in busy}
    return max(shared, key=lambda j: (shared[j], -j)) if shared else None


def _rift_side(x: np.ndarray, normal: np.ndarray, seed: int) -> np.ndarray:
    """The far side of a great circle bent by noise (lib's fbm is the GPU's; this is the
    numpy one of start.py): the same line at every grid size."""
    from .start import fbm

    return x @ normal + 0.15 * fbm(3.0 * x, seed, 71, octaves=4) > 0.0


def _split(
    plan: Plan, table: PlateTable, k: int, slot: int, normal: np.ndarray, x: np.ndarray,
    pid: np.ndarray, grid: Grid, rng: np.random.Generator, spread: np.ndarray,
    keep: np.ndarray | None = None, only: np.ndarray | None = None,
) -> None:  # fmt: skip
    """Plate k breaks along a rift: its cells on the far side (their largest connected part;
    of `only` those cells, if given) become plate `slot`, moving apart from k by `spread`
    (each side half of it)."""
    mine = (pid == k) & (plan.remap < 0)
    if only is not None:
        mine &= only
    far = mine & _rift_side(x, normal, int(rng.integers(1 << 30)))
    piece = _largest_part(far, grid)
    if not piece.any() or piece.sum() == mine.sum():
        return
    plan.remap[piece] = slot
    base = table.omega[k] if keep is None else keep
    plan.new.append(NewPlate(slot=slot, parent=k, omega=base + 0.5 * spread,
                             rank=float(table.rank[k]) - 1e-3))  # fmt: skip
    plan.omega[k] = base - 0.5 * spread


def _largest_part(mask: np.ndarray, grid: Grid) -> np.ndarray:
    labels, n = label_landmasses(mask, grid)
    if n == 0:
        return mask & False
    w = np.asarray(np.broadcast_to(grid.area_weight, grid.shape))
    area = np.bincount(labels.ravel(), weights=w.ravel(), minlength=n + 1)
    area[0] = 0.0
    return labels == int(np.argmax(area))


def _tidy(
    plan: Plan, table: PlateTable, pid: np.ndarray, grid: Grid, busy: set[int],
    ocean: np.ndarray,
) -> None:  # fmt: skip
    """Each plate keeps its largest connected piece; other pieces of ocean floor (under a
    third of it; continents are never cut) go to the plate that borders them most."""
    w = np.asarray(np.broadcast_to(grid.area_weight, grid.shape))
    for kk in np.flatnonzero(table.active):
        k = int(kk)
        if k in busy:
            continue
        mine = (pid == k) & (plan.remap < 0)
        labels, n = label_landmasses(mine, grid)
        if n < 2:
            continue
        area = np.bincount(labels.ravel(), weights=w.ravel(), minlength=n + 1)
        area[0] = 0.0
        main = int(np.argmax(area))
        # Small pieces of pure ocean floor; continental ones are never cut.
        dry = np.bincount(labels.ravel(), weights=(~ocean).ravel(), minlength=n + 1)
        small = (area <= area[main] / 3.0) & (dry == 0)
        small[0] = small[main] = False
        if not small.any():
            continue
        # Every piece's border in one go: the (piece, cell) pairs where a cell of another
        # plate touches the piece in D8, each cell counted once per piece it borders.
        flat = labels.ravel()
        cells = np.flatnonzero(small[flat])
        pairs = []
        for dx, dy in _D8:
            q = neighbour_flat(grid, dx, dy).ravel()[cells]
            other = pid.ravel()[q]
            keep = (other >= 0) & (other != k)
            pairs.append(flat[cells[keep]].astype(np.int64) * pid.size + q[keep])
        border = sorted_unique(np.concatenate(pairs))
        part_of, cell = np.divmod(border, pid.size)
        votes = np.zeros((n + 1, MAX_PLATES), np.int64)
        np.add.at(votes, (part_of, pid.ravel()[cell]), 1)
        for part in np.flatnonzero(votes.sum(axis=1) > 0):
            plan.remap[labels == part] = int(votes[part].argmax())  # ties: the lower id


def _cycle(
    cycle: CycleState, sums: PlateSums, v: dict[str, Any], now: float, dt: float,
    rng: np.random.Generator,
) -> bool:  # fmt: skip
    """Advance the supercontinent cycle; True when the supercontinent breaks up now."""
    gathered = sums.supercontinent_share >= float(v["supercontinent_share"])
    final_at = float(v["final_breakup_myr"])
    final_due = final_at > 0.0 and not cycle.final_done and now >= -final_at
    if cycle.phase == "dispersal" and now - cycle.phase_since >= float(v["dispersal_myr"]):
        cycle.phase, cycle.phase_since = "assembly", now
    if cycle.phase == "assembly" and gathered:
        cycle.phase, cycle.phase_since, cycle.tenure = "assembled", now, 0.0
    if cycle.phase == "assembled":
        cycle.tenure += dt
        if sums.supercontinent_share < 0.5 * float(v["supercontinent_share"]):
            cycle.phase, cycle.phase_since = "assembly", now  # it fell apart by itself
    tenure = float(v["supercontinent_tenure_myr"])
    tenure_done = cycle.phase == "assembled" and cycle.tenure >= tenure
    forced = final_due and sums.supercontinent_share >= 0.45
    # A supercontinent that never quite closes still breaks up: the mantle under its largest
    # mass warms all the same (Gurnis 1988, Nature 332:695).
    stalled = cycle.phase == "assembly" and now - cycle.phase_since >= float(v["assembly_max_myr"])
    if final_due and not forced:
        # Already dispersed when the last breakup was due: the continents stay apart from
        # then on (no late supercontinent that has had no time to break up), moving away from
        # the largest of them rather than from where the last supercontinent stood.
        cycle.final_done = True
        cycle.centre = sums.supercontinent_centre
        cycle.phase, cycle.phase_since, cycle.tenure = "dispersal", now, 0.0
        return False
    if not (tenure_done or forced or stalled):
        return False
    if final_due:
        cycle.final_done = True
    cycle.centre = sums.supercontinent_centre
    cycle.downwelling = _unit(np.cross(cycle.centre, rng.normal(size=3)))  # 90 deg away
    cycle.phase, cycle.phase_since, cycle.tenure = "dispersal", now, 0.0
    cycle.breakups += 1
    return True
