"""numpy references for the rivers passes (shaders/sim/lake_fill, lake_route, tour_*, erode),
written from the equations in their headers with other algorithms where one exists:
Priority-Flood with a heap for the lakes (Barnes, Lehman & Mulla 2014), a breadth-first
search for the hop counts across flats, a topological order for the accumulation
(reference.geology.flow_accumulation)."""

from __future__ import annotations

import heapq
from collections import deque

import numpy as np

from ..analysis.grid import Grid
from ..analysis.routing import doubling_depth
from .geology import receiver_index
from .relief import D8, step_distance


def _neighbours(grid: Grid) -> np.ndarray:
    """(8, N) flat index of each cell's D8 neighbours, in D8 order (N, NE, .. NW)."""
    out = []
    for dx, dy in D8:
        rows, cols = grid.neighbour_index(dx, dy)
        out.append((rows * grid.width + cols).ravel())
    return np.stack(out)


def priority_flood(z: np.ndarray, grid: Grid, sea: float) -> np.ndarray:
    """(H, W) filled level: land cells raised to the level they spill at (Priority-Flood,
    seeded at every sea cell, which stands at sea level); sea cells at sea level."""
    zf = np.asarray(z, np.float64).ravel()
    nbr = _neighbours(grid)
    n = zf.size
    level = np.where(zf <= sea, sea, np.inf)
    done = zf <= sea
    heap = [(sea, int(i)) for i in np.flatnonzero(done)]
    heapq.heapify(heap)
    while heap:
        f, i = heapq.heappop(heap)
        for j in nbr[:, i]:
            if not done[j]:
                done[j] = True
                level[j] = max(zf[j], f)
                heapq.heappush(heap, (level[j], int(j)))
    assert done.sum() == n or not (zf <= sea).any()
    return level.reshape(grid.shape)


def flat_distance(filled: np.ndarray, z: np.ndarray, grid: Grid, sea: float) -> np.ndarray:
    """(H, W) hops from each land cell across its flat (cells at one filled level) to a cell
    of that flat with a lower neighbour: breadth-first from those cells. 0 at sea."""
    f = np.asarray(filled, np.float64).ravel()
    land = np.asarray(z).ravel() > sea
    nbr = _neighbours(grid)
    lower = (f[nbr] < f[None, :]).any(axis=0)
    dist = np.full(f.size, -1, np.int64)
    dist[~land] = 0
    start = np.flatnonzero(land & lower)
    dist[start] = 0
    queue = deque(start.tolist())
    while queue:
        i = queue.popleft()
        for j in nbr[:, i]:
            if land[j] and dist[j] < 0 and f[j] == f[i]:
                dist[j] = dist[i] + 1
                queue.append(j)
    return dist.reshape(grid.shape)


def receivers_on_filled(
    filled: np.ndarray, hops: np.ndarray, z: np.ndarray, grid: Grid, sea: float, flat: bool
) -> np.ndarray:
    """(H, W) receiver codes 1..8 on the filled surface (0 at sea): steepest descent, the
    first of equal slopes in D8 order; on a flat, the first neighbour at the same level one
    hop nearer the outlet."""
    f = np.asarray(filled, np.float64)
    land = np.asarray(z) > sea
    best = np.zeros(grid.shape)
    rec = np.zeros(grid.shape, np.int64)
    along = np.zeros(grid.shape, np.int64)
    for k, (dx, dy) in enumerate(D8):
        fq = grid.neighbour(f, dx, dy)
        slope = (f - fq) / step_distance(grid, dx, dy, flat)
        better = slope > best
        best = np.where(better, slope, best)
        rec = np.where(better, k + 1, rec)
        on_flat = (along == 0) & (fq == f) & (grid.neighbour(hops, dx, dy) == hops - 1)
        along = np.where(on_flat, k + 1, along)
    rec = np.where(rec == 0, along, rec)
    return np.where(land, rec, 0)


# ---- the passes' own rules, vectorised: the benchmark's numpy side ---------------------------
UNFILLED = 1e30


def fill_sweep(
    z: np.ndarray, level: np.ndarray, hops: np.ndarray, grid: Grid, sea: float
) -> tuple[np.ndarray, np.ndarray]:
    """One Jacobi sweep of lake_fill: (level, hops) from the last sweep's."""
    cap = float(max(grid.width // 2, 64))
    best_f = np.full(grid.shape, UNFILLED)
    best_d = np.zeros(grid.shape)
    for dx, dy in D8:
        qf = grid.neighbour(level, dx, dy)
        qd = grid.neighbour(hops, dx, dy)
        refused = (qf >= z) & (qd >= cap - 1.0)
        fk = np.where(qf < z, z, qf)
        dk = np.where(qf < z, 0.0, qd + 1.0)
        take = ~refused & ((fk < best_f) | ((fk == best_f) & (dk < best_d)))
        best_f = np.where(take, fk, best_f)
        best_d = np.where(take, dk, best_d)
    land = z > sea
    return np.where(land, best_f, sea), np.where(land, np.minimum(best_d, cap), 0.0)


def accumulate(rec: np.ndarray, weight: np.ndarray, land: np.ndarray, grid: Grid) -> np.ndarray:
    """D8 accumulation over receivers, vectorised: cells grouped by their steps to the
    outlet (pointer doubling), the farthest group added into its receivers first."""
    flat = receiver_index(np.where(land, rec, 0), grid).ravel()
    lnd = land.ravel()
    n = flat.size
    parent = np.where((flat >= 0) & lnd[np.maximum(flat, 0)], flat, np.arange(n))
    depth = doubling_depth(parent)
    acc = np.where(lnd, weight.ravel(), 0.0).astype(np.float64)
    for d in range(int(depth.max(initial=0)), 0, -1):
        cells = np.flatnonzero(depth == d)
        np.add.at(acc, parent[cells], acc[cells])
    return acc.reshape(grid.shape)
