"""Small helpers shared by the measuring modules: the grid an array lives on, its wrapped
neighbour pairs, connected components with the grid's wrap and pole rules, and area-weighted
quantiles."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .grid import Grid

# The eight D8 offsets (dx, dy), in a fixed order used wherever a direction index is kept.
D8_OFFSETS: tuple[tuple[int, int], ...] = (
    (1, 0),
    (1, 1),
    (0, 1),
    (-1, 1),
    (-1, 0),
    (-1, -1),
    (0, -1),
    (1, -1),
)


def grid_for(a: np.ndarray, grid: Grid | None) -> Grid:
    """The grid of an (H, W) array: `grid` if given (checked against the shape), else an
    Earth-radius Grid of that shape."""
    if a.ndim != 2:
        raise ValueError(f"expected an (H, W) array, got shape {a.shape}")
    if grid is None:
        return Grid(a.shape[1], a.shape[0])
    if grid.shape != a.shape:
        raise ValueError(f"array shape {a.shape} does not match grid {grid.shape}")
    return grid


def neighbour_flat(grid: Grid, dx: int, dy: int) -> NDArray[np.int64]:
    """(H, W) flat index of the (dx, dy) neighbour of every cell (wrap and pole rules)."""
    rows, cols = grid.neighbour_index(dx, dy)
    return (rows * grid.width + cols).astype(np.int64)


def sorted_unique(a: np.ndarray) -> np.ndarray:
    """np.unique(a) of a 1-D array by a sort: numpy 2.4's hashed unique takes ~90x longer on
    millions of distinct int64 keys (3.8 s against 0.04 s for 4 million here)."""
    s = np.sort(np.asarray(a).ravel())
    if s.size == 0:
        return s
    keep = np.empty(s.size, dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


@lru_cache(maxsize=8)
def d8_pairs(grid: Grid) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every undirected 8-neighbour pair (i < j) of the grid once, as flat indices (read-only,
    cached per grid). Across a pole two offsets can name the same pair, so the pairs are made
    unique."""
    n = grid.width * grid.height
    here = np.arange(n, dtype=np.int64)
    keys = []
    for dx, dy in D8_OFFSETS:
        there = neighbour_flat(grid, dx, dy).ravel()
        lo = np.minimum(here, there)
        hi = np.maximum(here, there)
        keep = lo != hi
        keys.append(lo[keep] * n + hi[keep])
    k = sorted_unique(np.concatenate(keys))
    i, j = k // n, k % n
    i.setflags(write=False)
    j.setflags(write=False)
    return i, j


def label_wrapped(mask: np.ndarray, grid: Grid) -> tuple[NDArray[np.int64], int]:
    """8-connected components of a boolean (H, W) mask, joined across the +-180 deg seam and
    across the pole rows the way the grid's neighbours are. Returns (labels, count): labels
    are 1..count on the mask, 0 off it."""
    mask = np.asarray(mask, dtype=bool)
    n = mask.size
    flat = mask.ravel()
    i, j = d8_pairs(grid)
    keep = flat[i] & flat[j]
    idx = np.flatnonzero(flat)
    labels = np.zeros(n, dtype=np.int64)
    if idx.size == 0:
        return labels.reshape(mask.shape), 0
    # Components of the sub-graph on the masked cells only.
    pos = np.full(n, -1, dtype=np.int64)
    pos[idx] = np.arange(idx.size)
    g = coo_matrix(
        (np.ones(int(keep.sum()), dtype=np.int8), (pos[i[keep]], pos[j[keep]])),
        shape=(idx.size, idx.size),
    )
    count, comp = connected_components(g, directed=False)
    labels[idx] = comp + 1
    return labels.reshape(mask.shape), int(count)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The smallest value v with (weight of values <= v) >= q * (total weight): the inverse of
    the weighted distribution function, without interpolation. nan when the weight is 0."""
    v = np.asarray(values, dtype=float).ravel()
    w = np.asarray(weights, dtype=float).ravel()
    keep = w > 0
    v, w = v[keep], w[keep]
    if v.size == 0:
        return float("nan")
    order = np.argsort(v, kind="stable")
    cum = np.cumsum(w[order])
    k = int(np.searchsorted(cum, q * cum[-1], side="left"))
    return float(v[order][min(k, v.size - 1)])
