"""numpy references for the geology passes (shaders/sim/flow, basins, erode, craters,
impacts; the plates are in reference/plates.py), written from the equations in the pass
headers. Used by the tests as independent references and by planetsim.frontends.bench as the
CPU side."""

from __future__ import annotations

import heapq
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
