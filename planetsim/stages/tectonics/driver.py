"""The tectonics stage's hook: the plate table, the order of the passes, the sea level from
the water volume and the plate-level decisions. One PlateDriver per simulation; its state
travels in checkpoints (register_state in __init__)."""

from __future__ import annotations

import math
import weakref
from typing import Any

import numpy as np

from ...analysis.sea_level import (
    air_rise,
    hypsometric_curve,
    ocean_volume,
    sea_level_for_fraction,
    sea_level_for_volume,
)
from ...reference.plates import OCEANIC_MAX_KM, crust_elevation
from .dynamics import CycleState, Plan, decide
from .forces import crust_budget, relax_velocities, update_polarity, update_rank, wander
from .forces import target_velocities as forces
from .start import StartCrust, start_from_seed, start_from_terrain
from .sums import plate_sums
from .table import MAX_PLATES, PlateTable

FAR_KM = 1.0e5
# Rows of candidate-mask dilation (a pass each) before a gather looks up every plate instead.
MASK_MAX_ROWS = 8


class PlateDriver:
    def __init__(self) -> None:
        self.table = PlateTable()
        self.cycle = CycleState()
        self.started = False
        self.water_m3 = 0.0
        self.runs = 0  # tectonics runs so far (frames updates count them)
        self.frames_dt = 0.0  # Myr since the frames were last updated
        self.fold_rad = 0.0  # the farthest any plate turned since the last fold, rad
        self.next_sea = -math.inf  # story time (Myr) of the next sea level
        self.next_decision = -math.inf  # and of the next plate-level decisions
        self.mask_all = True  # look up every plate in the next gather (after an event)
        self.events = 0  # splits and merges so far: the random stream of the next one

    # ---- state for checkpoints ---------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        return {
            **{f"table_{k}": v for k, v in self.table.state().items()},
            "cycle": self.cycle.state(),
            "started": self.started,
            "water_m3": self.water_m3,
            "runs": self.runs,
            "frames_dt": self.frames_dt,
            "fold_rad": self.fold_rad,
            "next_sea": self.next_sea,
            "next_decision": self.next_decision,
            "mask_all": self.mask_all,
            "events": self.events,
        }

    @classmethod
    def from_state(cls, d: dict[str, Any]) -> PlateDriver:
        drv = cls()
        drv.table = PlateTable.from_state({k[6:]: v for k, v in d.items() if k[:6] == "table_"})
        drv.cycle = CycleState.from_state(d["cycle"])
        drv.started = bool(d["started"])
        drv.water_m3 = float(d["water_m3"])
        drv.runs = int(d["runs"])
        drv.frames_dt = float(d["frames_dt"])
        drv.fold_rad = float(d["fold_rad"])
        drv.next_sea = float(d["next_sea"])
        drv.next_decision = float(d["next_decision"])
        drv.mask_all = bool(d["mask_all"])
        drv.events = int(d["events"])
        return drv

    # ---- the run -----------------------------------------------------------------------------
    def __call__(self, sim: Any) -> None:
        from . import AUX, FRAMES_UPDATE, GATHER

        every = int(sim.values["tectonics_every"])
        if sim.stage_runs("tectonics") % every:
            return
        if not self.started:
            self.start(sim)
        dt_myr = every * float(sim.values["dt"]) * 1e-6
        now = float(sim.year) * 1e-6
        cell_rad = math.pi / sim.grid.height
        fold = self.fold_rad >= float(sim.values["fold_cells"]) * cell_rad
        self.runs += 1
        if fold or self.runs % int(sim.values["frames_every"]) == 0:
            # The frames see the world as the last gather made it: the rotations of then.
            self.run(sim, FRAMES_UPDATE, frame_dt=self.frames_dt, fold=fold)
            self.frames_dt = 0.0
            if fold:
                self.fold_rad = 0.0
        self.table.advance(dt_myr)
        speeds = np.linalg.norm(self.table.omega, axis=1)
        self.fold_rad += float(speeds[self.table.active].max(initial=0.0)) * dt_myr
        self.frames_dt += dt_myr
        self.publish(sim)
        reach = float(speeds.max(initial=0.0)) * dt_myr / cell_rad  # rows a plate may move
        # A long step (the world preset's) would dilate the mask a pass a row: past
        # MASK_MAX_ROWS the gather looks up every plate instead (the same result, cheaper).
        wide = math.ceil(reach) > MASK_MAX_ROWS
        dilations = 0 if wide else self.mask(sim, reach)
        self.run(
            sim, GATHER, folded=fold, mask_all=self.mask_all or wide,
            frames_lag=self.frames_dt, mask_reach=reach, mask_dilations=dilations,
        )  # fmt: skip
        self.mask_all = False
        # The boundary distances grow a cell a pass: as many passes as the plates moved. Only
        # the first boundary_reach_km matter (arcs, trenches, the stats' 600 km margins), so a
        # longer move starts them afresh and grows them that far: exact within the reach,
        # farther away "none near", in at most that many passes.
        row_km = cell_rad * sim.grid.radius * 1e-3
        cap = max(1, math.ceil(float(sim.values["boundary_reach_km"]) / row_km))
        passes = max(1, math.ceil(reach))
        fresh = passes > cap
        for i in range(min(passes, cap)):
            self.run(sim, AUX, aux_fresh=fresh and i == 0)
        epoch = sim.epoch
        if now >= self.next_sea and "sea_level" not in epoch.ramp and "sea_level" not in epoch.set:
            self.sea_level(sim)
            self.next_sea = now + float(sim.values["sea_level_every_myr"])
        if now >= self.next_decision:
            if self.next_decision > -math.inf:
                self.decisions(sim, now, float(sim.values["plate_decision_myr"]))
            self.next_decision = now + float(sim.values["plate_decision_myr"])

    def run(self, sim: Any, decl: Any, **values: Any) -> None:
        sim.runner.run(decl, {**sim.values, **values})

    def publish(self, sim: Any) -> None:
        sim.values.update(self.table.uniforms())

    def mask(self, sim: Any, rows_per_run: float) -> int:
        """The gather's candidate plates: the plate ids around each cell, dilated as far as a
        plate moves in a run (in rows; near the poles, where that is many columns, the gather
        looks up every plate instead). Returns the reach in cells."""
        from . import MASK

        self.run(sim, MASK, mask_from_ids=True)
        extra = max(1, math.ceil(rows_per_run))
        for _ in range(extra):
            self.run(sim, MASK, mask_from_ids=False)
        return 1 + extra

    # ---- the start ---------------------------------------------------------------------------
    def start(self, sim: Any) -> None:
        """The crust, the plates and the water the stage starts from (one readback)."""
        v = sim.values
        elev = sim.elevation().astype(np.float64)
        if getattr(sim, "start_terrain", False):
            start = start_from_terrain(
                sim.grid, sim.seed, elev, float(v["sea_level"]),
                plate_count=int(v["plate_count"]), crust_sea_level_km=v["crust_sea_level_km"],
                rho_crust=v["crust_density"], rho_mantle=v["mantle_density"],
            )  # fmt: skip
        else:
            start = start_from_seed(
                sim.grid, sim.seed, continental_fraction=float(v["continental_fraction"]),
                plate_count=int(v["plate_count"]), crater_relief=elev,
                crater_memory=float(v["crater_memory"]),
                focus_weight=float(v["supercontinent_start"]),
            )  # fmt: skip
        self.begin(sim, start)

    def begin(self, sim: Any, start: StartCrust, ocean_fraction: float | None = None) -> None:
        """Start the plates from these arrays and table (a test may hand its own): the world's
        fields, the plates' frames, and the water that fills the basins to ocean_fraction
        (default: the preset's ocean share) from then on."""
        from . import FRAMES_INIT

        v = sim.values
        self.write_start(sim, start)
        self.table = start.table
        self.publish(sim)
        self.run(sim, FRAMES_INIT)
        self.started = True
        self.mask_all = True
        z = sim.elevation().astype(np.float64)
        area = sim.grid.cell_area_m2
        zs, cum = hypsometric_curve(z, area)
        if ocean_fraction is None:
            ocean_fraction = float(v.get("ocean_fraction", 0.7)) * float(v.get("ocean_fill", 1.0))
            # The preset's share is the ocean's once its floor has aged: the young first floor
            # deepens by about a kilometre as it ages, and a volume poured on it would leave
            # the continents high and dry later on.
            mature = z + self.aged_floor_m(sim, start)
            zm, cm = hypsometric_curve(mature, area)
            self.water_m3 = ocean_volume(
                mature, area, sea_level_for_fraction(zm, cm, ocean_fraction)
            )
            sea = sea_level_for_volume(z, area, self.water_m3, tol_m=0.01)
        else:  # a test's own planet: the water fills its basins as they are
            sea = sea_level_for_fraction(zs, cum, ocean_fraction)
            self.water_m3 = ocean_volume(z, area, sea)
        sim.values["sea_level"] = sea
        sim.values["air_rise"] = air_rise(z, area, sea)
        sim.mark_land_changed()
        rng = np.random.default_rng([sim.seed, 8080])
        d = rng.normal(size=3)
        self.cycle = CycleState(
            downwelling=d / np.linalg.norm(d), phase_since=float(sim.year) * 1e-6
        )

    @staticmethod
    def aged_floor_m(sim: Any, s: StartCrust) -> np.ndarray:
        """How much the start's ocean floor changes in height (m, negative: deeper) once it
        has Earth's steady age distribution: the area of floor per age falls linearly to
        zero at old_ocean_myr (Parsons 1982, JGR 87:289; Sclater et al. 1980), so the floor's
        cumulative area share F has age T (1 - sqrt(1 - F)), a mean of T / 3. The floor
        keeps its order: the oldest now is the oldest then."""
        v = sim.values
        kw = dict(crust_sea_level_km=v["crust_sea_level_km"], rho_crust=v["crust_density"],
                  rho_mantle=v["mantle_density"], crust_full_km=v["crust_full_km"])  # fmt: skip
        h = np.asarray(s.thickness_km, np.float64)
        age = np.asarray(s.age_myr, np.float64)
        floor = h < OCEANIC_MAX_KM
        w = np.broadcast_to(sim.grid.cell_area_m2, h.shape)[floor]
        order = np.argsort(age[floor], kind="stable")
        share = (np.cumsum(w[order]) - 0.5 * w[order]) / max(float(w.sum()), 1e-30)
        aged = np.empty_like(share)
        aged[order] = float(v["old_ocean_myr"]) * (1.0 - np.sqrt(1.0 - share))
        out = np.zeros(h.shape)
        out[floor] = crust_elevation(h[floor], aged, **kw) - crust_elevation(
            h[floor], age[floor], **kw
        )
        return out

    def write_start(self, sim: Any, s: StartCrust) -> None:
        v = sim.values
        base = crust_elevation(
            s.thickness_km, s.age_myr, crust_sea_level_km=v["crust_sea_level_km"],
            rho_crust=v["crust_density"], rho_mantle=v["mantle_density"],
            crust_full_km=v["crust_full_km"],
        ) + s.offset_m  # fmt: skip
        shape = sim.grid.shape
        crust = np.zeros((*shape, 4), np.float32)
        crust[..., 0], crust[..., 1] = s.thickness_km, s.age_myr
        crust[..., 2], crust[..., 3] = s.plate, base
        sim.field("crust").write(crust)
        ter = sim.field("terrain").read()
        ter[..., 0], ter[..., 1], ter[..., 2] = base, s.plate, s.thickness_km
        ter[..., 3] = np.where(s.thickness_km < OCEANIC_MAX_KM, s.age_myr, -1.0)  # as the gather
        sim.field("terrain").write(ter)
        oro = np.zeros((*shape, 4), np.float32)
        oro[..., 2] = -1.0
        sim.field("orogeny").write(oro)
        aux = np.zeros((*shape, 4), np.float32)
        aux[..., 0], aux[..., 1], aux[..., 3] = FAR_KM, FAR_KM, FAR_KM
        sim.field("plate_aux").write(aux)

    # ---- the sea -----------------------------------------------------------------------------
    def sea_level(self, sim: Any) -> None:
        """The level at which the planet's water fills its basins now, and the air's
        reference level over it (a readback)."""
        z = sim.elevation().astype(np.float64)
        sea = sea_level_for_volume(z, sim.grid.cell_area_m2, self.water_m3, tol_m=0.01)
        sim.values["air_rise"] = air_rise(z, sim.grid.cell_area_m2, sea)
        if sea != sim.values["sea_level"]:
            sim.values["sea_level"] = sea
            sim.mark_land_changed()

    # ---- decisions ---------------------------------------------------------------------------
    def decisions(self, sim: Any, now: float, dt: float) -> None:
        v = sim.values
        crust = sim.field("crust").read()
        orogeny = sim.field("orogeny").read()
        sums = plate_sums(sim.grid, crust, orogeny)
        # Plates that lost all their crust are gone.
        for k in np.flatnonzero(self.table.active & (sums.area <= 0.0)):
            self.table.active[k] = False
            self.table.omega[k] = self.table.drift[k] = 0.0
        rng = np.random.default_rng([sim.seed, 9191, self.events, int(round(now + 5000.0))])
        wander(self.table, rng, dt, v)
        relax_velocities(self.table, forces(self.table, sums, self.cycle, v), dt,
                         float(v["velocity_relax_myr"]))  # fmt: skip
        v["arc_scale"], v["recycling_scale"] = crust_budget(sums, v)
        update_rank(self.table.rank, sums, self.table, dt)
        update_polarity(self.table.over, sums)
        pid = np.rint(crust[..., 2]).astype(np.int64)
        plan = decide(self.table, sums, self.cycle, v, now, dt, rng, sim.grid, pid, crust[..., 0],
                      crust[..., 1])  # fmt: skip
        if not plan.empty:
            self.apply(sim, plan)
            self.events += 1
            self.mask_all = True
        self.publish(sim)

    def apply(self, sim: Any, plan: Plan) -> None:
        """Carry the plan out: new plates take their parents' rotation, the remapped cells'
        crust moves between frames (frames_remap), plates that end leave the table."""
        from . import FRAMES_REMAP

        t = self.table
        for n in plan.new:
            t.active[n.slot] = True
            t.rotation[n.slot] = t.rotation[n.parent]
            t.rank[n.slot] = n.rank
        self.publish(sim)
        remap = np.zeros((*sim.grid.shape, 4), np.float32)
        remap[..., 0] = plan.remap
        sim.field("plate_remap").write(remap)
        self.run(sim, FRAMES_REMAP)
        for n in plan.new:
            t.omega[n.slot] = t.drift[n.slot] = n.omega
        for k, w in plan.omega.items():
            t.omega[k] = t.drift[k] = w
        for k in plan.retire:
            t.active[k] = False
            t.omega[k] = t.drift[k] = 0.0
        for k in (*plan.retire, *(n.slot for n in plan.new)):
            t.over[k, :] = t.over[:, k] = False  # a new boundary finds its polarity anew
        # The world must show the new plates before the frames look at it again (they would
        # take the new plates' crust for crust under another plate).
        from . import AUX, GATHER

        self.publish(sim)
        self.run(sim, GATHER, folded=False, mask_all=True, frames_lag=self.frames_dt,
                 mask_reach=0.0, mask_dilations=1)  # fmt: skip
        self.run(sim, AUX)


_DRIVERS: weakref.WeakKeyDictionary[Any, PlateDriver] = weakref.WeakKeyDictionary()


def driver_of(sim: Any) -> PlateDriver:
    d = _DRIVERS.get(sim)
    if d is None:
        d = PlateDriver()
        _DRIVERS[sim] = d
    return d


def tectonics_hook(sim: Any) -> None:
    driver_of(sim)(sim)


def get_state(sim: Any) -> dict[str, Any] | None:
    d = _DRIVERS.get(sim)
    return None if d is None or not d.started else d.state()


def put_state(sim: Any, d: dict[str, Any] | None) -> None:
    if d is None:
        _DRIVERS.pop(sim, None)
    else:
        _DRIVERS[sim] = PlateDriver.from_state(d)


__all__ = ["MAX_PLATES", "PlateDriver", "driver_of", "get_state", "put_state", "tectonics_hook"]
