"""numpy reference for the hillslope diffusion pass (shaders/sim/hillslope.frag)."""

from __future__ import annotations

import numpy as np

from ..analysis.grid import Grid

D8 = [(0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1)]


def col_spacing(grid: Grid, flat: bool) -> np.ndarray:
    """(H,) east-west size of one column, m (1 if flat)."""
    if flat:
        return np.ones(grid.height)
    return 2 * np.pi * grid.radius / grid.width * np.cos(np.radians(grid.lat))


def step_distance(grid: Grid, dx: int, dy: int, flat: bool) -> np.ndarray:
    """(H, 1) distance to the neighbour (dx, dy) from each row, as grid.glsl's step_distance."""
    if flat:
        return np.full((grid.height, 1), float(np.hypot(dx, dy)))
    cs = col_spacing(grid, False)
    y2 = np.clip(np.arange(grid.height) + dy, 0, grid.height - 1)
    cx = 0.5 * (cs + cs[y2])
    return np.hypot(dx * cx, dy * grid.row_spacing_m)[:, None]


def hillslope_step(z: np.ndarray, grid: Grid, D: float, dt: float, flat: bool) -> np.ndarray:
    z = z.astype(np.float64)
    acc = np.zeros_like(z)
    norm = np.zeros_like(z)
    for dx, dy in D8:
        w = 1 / 3 if dx and dy else 2 / 3
        wk = w / step_distance(grid, dx, dy, flat) ** 2
        acc += wk * (grid.neighbour(z, dx, dy) - z)
        norm += wk
    a = np.minimum(D * dt, 0.45 / norm)
    return z + a * acc
