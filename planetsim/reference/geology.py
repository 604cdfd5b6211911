"""numpy references for the geology passes (shaders/sim/flow, basins, erode, plates, uplift,
craters, impacts), written from the equations in the pass headers. Used by the tests as
independent references and by planetsim.frontends.bench as the CPU side."""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..analysis.grid import Grid
from .relief import D8, step_distance

# ---- hashing (lib/hash.glsl), for placing craters like the GPU does -------------------------
M32 = np.uint64(0xFFFFFFFF)


def _u32(a: np.ndarray) -> np.ndarray:
    return (np.asarray(a, np.uint64) & M32).astype(np.uint64)


def hash_u32(v: np.ndarray) -> np.ndarray:
    state = _u32(_u32(v) * 747796405 + 2891336453)
    word = _u32(((state >> ((state >> 28) + 4)) ^ state) * 277803737)
    return _u32((word >> 22) ^ word)


def hash_u32x4(x: Any, y: Any, z: Any, w: Any) -> tuple[np.ndarray, ...]:
    v = [_u32(_u32(a) * 1664525 + 1013904223) for a in (x, y, z, w)]

    def mix(v: list[np.ndarray]) -> None:
        v[0] = _u32(v[0] + v[1] * v[3])
        v[1] = _u32(v[1] + v[2] * v[0])
        v[2] = _u32(v[2] + v[0] * v[1])
        v[3] = _u32(v[3] + v[1] * v[2])

    mix(v)
    v = [_u32(a ^ (a >> 16)) for a in v]
    mix(v)
    return tuple(v)


def rand4_static(key: np.ndarray, seed: int, stream: int) -> np.ndarray:
    """(..., 4) floats in [0, 1), as lib/hash.glsl's rand4_static(ivec3 key, stream)."""
    key = np.asarray(key, np.int64) & 0xFFFFFFFF
    s = hash_u32(np.uint64(seed) ^ _u32(np.uint64(stream) * 0x85EBCA6B))
    h = hash_u32x4(key[..., 0], key[..., 1], key[..., 2], np.broadcast_to(s, key.shape[:-1]))
    return np.stack([(a >> 8).astype(np.float64) / 16777216.0 for a in h], axis=-1)


# ---- craters ----------------------------------------------------------------------------------
def nearest_crater(grid: Grid, seed: int, frequency: float, level: int) -> np.ndarray:
    """(H, W) distance to the nearest crater of one level in crater radii (capped at 2), the
    rule of craters.frag's nearest_crater, in float64."""
    q = grid.unit_vectors() * frequency
    base = np.floor(q).astype(np.int64)
    best = np.full(grid.shape, 2.0)
    for k in range(27):
        o = np.array([k % 3 - 1, (k // 3) % 3 - 1, k // 9 - 1])
        g = base + o
        r = rand4_static(g, seed, 100 + level)
        c = g + 0.2 + 0.6 * r[..., :3]
        rad = 0.25 + 0.25 * np.mod(r[..., 3] * 5.3333, 1.0)
        d = np.linalg.norm(q - c, axis=-1) / rad
        best = np.where(r[..., 3] < 0.75, np.minimum(best, d), best)
    return best


def crater_floor_mask(grid: Grid, seed: int, frequency: float = 2.0, levels: int = 3) -> np.ndarray:
    """Cells inside the inner half of a crater of the largest `levels` levels."""
    mask = np.zeros(grid.shape, bool)
    for level in range(levels):
        mask |= nearest_crater(grid, seed, frequency * 2.0**level, level) < 0.5
    return mask


# ---- D8 flow (flow.frag, basins.frag) ---------------------------------------------------------
def d8_receivers(z: np.ndarray, grid: Grid, sea: float, flat: bool) -> np.ndarray:
    """(H, W) receiver codes 1..8 (N..NW) of steepest descent, 0 for pits and sea cells.
    The first of equal slopes wins, in N, NE, .., NW order."""
    z = np.asarray(z, np.float64)
    best = np.zeros(grid.shape)
    rec = np.zeros(grid.shape, np.int64)
    for k, (dx, dy) in enumerate(D8):
        slope = (z - grid.neighbour(z, dx, dy)) / step_distance(grid, dx, dy, flat)
        better = slope > best
        best = np.where(better, slope, best)
        rec = np.where(better, k + 1, rec)
    rec[z <= sea] = 0
    return rec


def receiver_index(rec: np.ndarray, grid: Grid) -> np.ndarray:
    """(H, W) flat index of each cell's receiver (-1 for none)."""
    out = np.full(grid.shape, -1, np.int64)
    for k, (dx, dy) in enumerate(D8):
        rows, cols = grid.neighbour_index(dx, dy)
        sel = rec == k + 1
        out[sel] = rows[sel] * grid.width + cols[sel]
    return out


def flow_accumulation(
    rec: np.ndarray, weight: np.ndarray, land: np.ndarray, grid: Grid
) -> np.ndarray:
    """Exact D8 accumulation: each land cell's weight plus everything upstream (0 at sea),
    by visiting cells in topological order (donors before receivers)."""
    idx = receiver_index(rec, grid).ravel()
    n = idx.size
    acc = np.where(land, weight, 0.0).astype(np.float64).ravel()
    indeg = np.bincount(idx[idx >= 0], minlength=n)
    stack = list(np.flatnonzero(indeg == 0))
    while stack:
        i = stack.pop()
        r = idx[i]
        if r >= 0:
            acc[r] += acc[i]
            indeg[r] -= 1
            if indeg[r] == 0:
                stack.append(r)
    acc[~land.ravel()] = 0.0
    return acc.reshape(grid.shape)


def basins_exact(rec: np.ndarray, land: np.ndarray, grid: Grid) -> np.ndarray:
    """Basin id of each land cell: 1 + flat index of the outlet it drains to (0 at sea). An
    outlet is a land cell with no receiver or with a receiver at sea."""
    idx = receiver_index(rec, grid).ravel()
    lnd = land.ravel()
    basin = np.zeros(idx.size, np.int64)
    for i in np.flatnonzero(lnd):
        path = []
        j = i
        while basin[j] == 0:
            path.append(j)
            r = idx[j]
            if r < 0 or not lnd[r]:
                basin[j] = j + 1
                break
            j = r
        b = basin[j]
        for p in path:
            basin[p] = b
    return basin.reshape(grid.shape)


def flow_step(
    z: np.ndarray, water: np.ndarray, weight: np.ndarray, grid: Grid, sea: float, flat: bool
) -> np.ndarray:
    """One parallel step of flow.frag: new (acc, receiver) from the last step's water."""
    rec = d8_receivers(z, grid, sea, flat)
    acc = weight.astype(np.float64).copy()
    old_acc, old_rec = water[..., 0], np.rint(water[..., 1]).astype(np.int64)
    here = np.arange(grid.width * grid.height).reshape(grid.shape)
    old_idx = receiver_index(old_rec, grid)
    for dx, dy in D8:
        rows, cols = grid.neighbour_index(dx, dy)
        acc += np.where(old_idx[rows, cols] == here, old_acc[rows, cols], 0.0)
    land = z > sea
    return np.stack([np.where(land, acc, 0.0), rec], axis=-1)


def basins_step(z: np.ndarray, water: np.ndarray, grid: Grid, sea: float) -> np.ndarray:
    """One parallel step of basins.frag: (H, W) new basin ids."""
    land = z > sea
    idx = receiver_index(np.rint(water[..., 1]).astype(np.int64), grid)
    own = np.arange(grid.width * grid.height).reshape(grid.shape) + 1
    safe = np.maximum(idx, 0)
    rec_land = (idx >= 0) & land.ravel()[safe]
    up = np.where(rec_land, water[..., 2].ravel()[safe], own)
    return np.where(land, up, 0.0)


# ---- erosion (erode.frag) ---------------------------------------------------------------------
def cell_area_km2(grid: Grid, flat: bool) -> np.ndarray:
    if flat:
        return np.ones((grid.height, 1))
    from .relief import col_spacing

    return (grid.row_spacing_m * col_spacing(grid, False) * 1e-6)[:, None]


def erode_step(
    z: np.ndarray, acc: np.ndarray, rec: np.ndarray, grid: Grid, *, K: float, m: float,
    n: float, dt: float, sea: float, marine: float = 0.0, flat: bool = False,
) -> np.ndarray:  # fmt: skip
    """One step of erode.frag's rule, in float64."""
    z = np.asarray(z, np.float64)
    area = np.broadcast_to(cell_area_km2(grid, flat), grid.shape)
    h, w = grid.shape
    idx = receiver_index(rec, grid)
    safe = np.maximum(idx, 0).ravel()
    zr = z.ravel()[safe].reshape(grid.shape)
    dist = np.ones(grid.shape)
    for k, (dx, dy) in enumerate(D8):
        dist = np.where(rec == k + 1, step_distance(grid, dx, dy, flat), dist)
    e = K * np.maximum(acc * area, 1e-12) ** m * (np.maximum(z - zr, 0) / dist) ** n * dt
    land = z > sea
    # pit fill: what donors lose, at most half the gap to the lowest neighbour
    gap = np.full(grid.shape, np.inf)
    for dx, dy in D8:
        gap = np.minimum(gap, grid.neighbour(z, dx, dy) - z)
    donor_e = np.minimum(e, 0.5 * (z - zr)) * area
    gain = np.zeros(h * w)
    has = idx.ravel() >= 0
    np.add.at(gain, idx.ravel()[has], donor_e.ravel()[has])
    fill = np.maximum(0.0, np.minimum(0.5 * gap, gain.reshape(grid.shape) / area))
    pit = land & (rec == 0)
    rec_pit = pit.ravel()[safe].reshape(grid.shape) & (idx >= 0)
    floor = np.where(
        zr <= sea,
        np.minimum(z, sea + 1.0),
        zr + np.where(rec_pit, fill.ravel()[safe].reshape(grid.shape), 0),
    )
    out = np.where(rec > 0, np.maximum(z - e, floor), z + np.where(pit, fill, 0.0))
    sea_z = np.maximum(z, np.minimum(z + marine * 1e-6 * dt, sea - 50.0))
    return np.where(land, out, sea_z)


def fill_pits(z: np.ndarray, grid: Grid, sea: float, eps: float = 0.5) -> np.ndarray:
    """Priority-flood with epsilon (Barnes, Lehman & Mulla 2014): raise every land cell so a
    strictly descending path leads to the sea. The outlets are land cells next to the sea."""
    z = np.asarray(z, np.float64).copy()
    h, w = grid.shape
    done = np.zeros(grid.shape, bool)
    heap: list[tuple[float, int, int]] = []
    ocean = z <= sea
    done[ocean] = True
    nbr = [grid.neighbour_index(dx, dy) for dx, dy in D8]
    for y, x in zip(*np.nonzero(ocean), strict=True):
        heapq.heappush(heap, (float(z[y, x]), int(y), int(x)))
    while heap:
        zc, y, x = heapq.heappop(heap)
        for rows, cols in nbr:
            ny, nx = int(rows[y, x]), int(cols[y, x])
            if done[ny, nx]:
                continue
            done[ny, nx] = True
            z[ny, nx] = max(z[ny, nx], max(zc, sea) + eps)
            heapq.heappush(heap, (float(z[ny, nx]), ny, nx))
    return z


# ---- plates (plates.frag, uplift.frag) -------------------------------------------------------
def encode_plate_id(ve: float, vn: float, tag: float = 0.5) -> float:
    """Plate id of a plate moving (ve, vn) x plate_speed, each in [-1, 1] (rounded to 1/31)."""
    e = int(round((ve + 1.0) * 31.0))
    n = int(round((vn + 1.0) * 31.0))
    return float(np.float32((e + 64 * n + 0.001 + 0.998 * tag) / 4096.0))


def plate_velocity_frac(pid: np.ndarray) -> np.ndarray:
    """(..., 2) velocity (east, north) / plate_speed encoded in plate ids."""
    q = np.floor(np.asarray(pid, np.float64) * 4096.0).astype(np.int64)
    return np.stack([q % 64, q // 64], axis=-1) / 31.0 - 1.0


def move_probabilities(pid: np.ndarray, speed_cm_yr: float, dt: float, grid: Grid) -> np.ndarray:
    """(..., 2) probabilities per step of a one-cell move east/west and north/south."""
    v = plate_velocity_frac(pid) * speed_cm_yr * 0.01 * dt
    p = np.abs(v) / np.array(
        [2 * np.pi * grid.radius / grid.width, np.pi * grid.radius / grid.height]
    )
    s = p.sum(axis=-1, keepdims=True)
    return np.where(s > 1, p / np.maximum(s, 1e-30), p)


def plates_args(values: Mapping[str, Any]) -> dict[str, Any]:
    """plates_step's tuning keywords from a simulation's uniform values (one mapping, shared
    by the tests and the benchmark)."""
    return {
        "speed": values["plate_speed"],
        "rift_depth": values["rift_depth"],
        "collision_stress": values["collision_stress"],
    }


def uplift_args(values: Mapping[str, Any]) -> dict[str, Any]:
    """uplift_step's tuning keywords from a simulation's uniform values."""
    return {
        "uplift_rate": values["uplift_rate"],
        "max_elevation": values["max_elevation"],
        "stress_decay": values["stress_decay"],
        "talus": values["talus_slope"],
        "stress_spread": values["stress_spread"],
        "subsidence_rate": values["subsidence_rate"],
    }


def plates_step(
    t: np.ndarray, grid: Grid, rng: np.random.Generator, *, speed: float, dt: float,
    sea: float, rift_depth: float, collision_stress: float,
) -> np.ndarray:  # fmt: skip
    """One step of plates.frag's rule with numpy's random numbers (the benchmark's CPU side)."""
    ids = t[..., 1]
    uniq, inv = np.unique(ids, return_inverse=True)
    prob = move_probabilities(uniq, speed, dt, grid)
    r = rng.random(uniq.size)
    vel = plate_velocity_frac(uniq)
    mx = np.where(r < prob[:, 0], np.sign(vel[:, 0]), 0)
    my = np.where((r >= prob[:, 0]) & (r < prob[:, 0] + prob[:, 1]), np.sign(vel[:, 1]), 0)
    mx[uniq < 0] = 0
    my[uniq < 0] = 0
    mvx = mx[inv].reshape(grid.shape)
    mvy = my[inv].reshape(grid.shape)
    claimed = ids >= 0
    stay = (mvx == 0) & (mvy == 0) & claimed
    n = stay.astype(np.int64)
    best = np.where(stay[..., None], t, np.array([-1e30, -2, 0, 0]))
    second = np.full(grid.shape, -1e30)
    rows = np.arange(grid.height)[:, None]
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        s = np.stack([grid.neighbour(t[..., c], -dx, -dy) for c in range(4)], axis=-1)
        arrive = (grid.neighbour(mvx, -dx, -dy) == dx) & (grid.neighbour(mvy, -dx, -dy) == dy)
        arrive &= s[..., 1] >= 0
        # nothing arrives across a pole
        arrive &= ~(((rows == 0) & (dy > 0)) | ((rows == grid.height - 1) & (dy < 0)))
        n += arrive
        better = arrive & (
            (s[..., 0] > best[..., 0]) | ((s[..., 0] == best[..., 0]) & (s[..., 1] > best[..., 1]))
        )
        second = np.where(better, np.maximum(second, best[..., 0]), second)
        second = np.where(arrive & ~better, np.maximum(second, s[..., 0]), second)
        best = np.where(better[..., None], s, best)
    out = best.copy()
    out[..., 2] = np.where(n > 1, np.minimum(1.0, out[..., 2] + collision_stress), out[..., 2])
    out[..., 0] += np.where(n > 1, 0.5 * np.maximum(0.0, second - (sea - 2000.0)), 0.0)
    out[..., 3] += dt * 1e-6
    trail = ids.copy()
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        sel = (mvx == dx) & (mvy == dy)
        trail = np.where(sel, grid.neighbour(ids, -dx, -dy), trail)
    empty = n == 0
    keep = empty & (~claimed | (trail < 0))  # still growing: the rock stays, unclaimed
    rift = empty & ~keep
    out[keep] = t[keep]
    out[keep, 1] = -1.0
    out[keep, 3] += dt * 1e-6
    out[rift, 0] = sea - rift_depth
    out[rift, 1] = trail[rift]
    out[rift, 2:] = 0.0
    # aggregation: unclaimed cells join a random claimed neighbour, half the time
    k0 = rng.integers(0, 8, grid.shape)
    join = rng.random(grid.shape) < 0.5
    found = np.full(grid.shape, -1.0)
    for i in range(8):
        k = (k0 + i) % 8
        nid = np.zeros(grid.shape)
        for kk, (dx, dy) in enumerate(D8):
            nid = np.where(k == kk, grid.neighbour(ids, dx, dy), nid)
        found = np.where((found < 0) & (nid >= 0), nid, found)
    grow = (out[..., 1] < 0) & (found >= 0) & join
    out[..., 1] = np.where(grow, found, out[..., 1])
    return out


def uplift_step(
    c: np.ndarray,
    grid: Grid,
    *,
    dt: float,
    sea: float,
    uplift_rate: float,
    max_elevation: float,
    stress_decay: float,
    talus: float,
    stress_spread: float = 400.0,
    subsidence_rate: float = 50.0,
    flat: bool = False,
) -> np.ndarray:
    """One step of uplift.frag's rule."""
    z, pid, s0 = c[..., 0], c[..., 1], c[..., 2]
    ssum = np.zeros(grid.shape)
    cnt = np.zeros(grid.shape)
    thermal = np.zeros(grid.shape)
    w = np.ones(grid.shape) if flat else np.cos(np.radians(grid.lat2d))
    for dx, dy in D8:
        nb = grid.neighbour(c, dx, dy)
        same = nb[..., 1] == pid
        ssum += np.where(same, nb[..., 2], 0)
        cnt += same
        dz = nb[..., 0] - z
        share = np.minimum(w, grid.neighbour(w, dx, dy)) / w  # equal volumes each way
        thermal += (
            np.sign(dz) * np.maximum(np.abs(dz) - talus * step_distance(grid, dx, dy, flat), 0)
        ) * share
    h_km = np.pi * grid.radius * 1e-3 / grid.height
    a = min(0.25, stress_spread**2 * dt * 1e-6 / (stress_decay * h_km**2))
    s = np.where(cnt > 0, s0 + a * (ssum / np.maximum(cnt, 1) - s0), s0)
    s = s * np.exp(-dt * 1e-6 / stress_decay)
    room = np.maximum(0.0, 1.0 - (z - sea) / max_elevation)
    z2 = z + uplift_rate * 1e-3 * dt * s * room + thermal / 16.0
    target = sea - 2500.0 - 350.0 * np.sqrt(np.clip(c[..., 3], 0.0, 64.0))
    sink = (z < sea - 1000.0) & (z > target)
    z2 = np.where(sink, np.minimum(z2, np.maximum(target, z - subsidence_rate * 1e-6 * dt)), z2)
    return np.stack([z2, pid, s, c[..., 3]], axis=-1)


# ---- impacts (impacts.frag) -------------------------------------------------------------------
def crater_profile(r: np.ndarray, rim: float) -> np.ndarray:
    inside = r * r - 1.0 + rim * np.sin(0.5 * np.pi * np.minimum(r, 1.0)) ** 4
    return np.where(r < 1.0, inside, rim * np.exp(-3.0 * (r - 1.0)))


def impacts_step(
    z: np.ndarray, grid: Grid, rng: np.random.Generator, *, rate: float, size_km: float,
    depth: float, surface_heat: float,
) -> np.ndarray:  # fmt: skip
    """One step of impacts.frag's rule with numpy's random numbers."""
    u = grid.unit_vectors()
    out = np.asarray(z, np.float64).copy()
    soft = 1.0 - 0.8 * min(max(surface_heat, 0.0), 1.0)
    for _ in range(4):
        r = rng.random(4)
        if r[0] >= 0.25 * rate:
            continue
        cz = 2 * r[1] - 1
        phi = 2 * np.pi * r[2]
        c = np.array([np.sqrt(1 - cz * cz) * np.cos(phi), np.sqrt(1 - cz * cz) * np.sin(phi), cz])
        rad = size_km * (0.4 + 1.6 * r[3] ** 3)
        dist = np.arccos(np.clip(u @ c, -1, 1)) * grid.radius * 1e-3
        rr = dist / rad
        d = depth * np.sqrt(rad / size_km) * soft
        out += np.where(rr <= 4.0, d * crater_profile(rr, 0.3), 0.0)
    return out
