"""numpy references for the geology passes (craters, impacts; the rivers are in
reference/rivers.py, the plates in reference/plates.py), written from the equations in the
pass headers, and the D8 helpers the rivers tests share (receiver_index, a topological-order
flow_accumulation, basins_exact). Used by the tests as independent references and by
planetsim.frontends.bench as the CPU side."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..analysis.grid import Grid
from .relief import D8

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


# ---- D8 helpers the rivers tests share -------------------------------------------------------
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


# ---- erosion (erode.frag) ---------------------------------------------------------------------
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
