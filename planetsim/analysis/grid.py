"""The equirectangular latitude/longitude grid of DESIGN.md, on the CPU side.

Row 0 is the south edge, x = 0 is longitude -180 deg; pixel centres at
lon = (x + 0.5)/W*360 - 180, lat = (y + 0.5)/H*180 - 90. The same rules live in
shaders/lib/grid.glsl for the GPU.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

EARTH_RADIUS_M = 6.371e6


@dataclass(frozen=True)
class Grid:
    width: int
    height: int
    radius: float = EARTH_RADIUS_M

    def __post_init__(self) -> None:
        if self.width != 2 * self.height or self.height < 2 or self.height % 2:
            raise ValueError(
                f"grid must be W x H with W = 2*H and H even, got {self.width}x{self.height}"
            )

    @property
    def shape(self) -> tuple[int, int]:
        """numpy shape (H, W)."""
        return (self.height, self.width)

    @property
    def size(self) -> tuple[int, int]:
        """GL size (W, H)."""
        return (self.width, self.height)

    @cached_property
    def lat(self) -> np.ndarray:
        """(H,) latitude of row centres, degrees."""
        return (np.arange(self.height) + 0.5) / self.height * 180.0 - 90.0

    @cached_property
    def lon(self) -> np.ndarray:
        """(W,) longitude of column centres, degrees."""
        return (np.arange(self.width) + 0.5) / self.width * 360.0 - 180.0

    @cached_property
    def lat2d(self) -> np.ndarray:
        return np.broadcast_to(self.lat[:, None], self.shape)

    @cached_property
    def lon2d(self) -> np.ndarray:
        return np.broadcast_to(self.lon[None, :], self.shape)

    @property
    def row_spacing_m(self) -> float:
        """North-south size of one row, m (pi R / H)."""
        return float(np.pi * self.radius / self.height)

    @cached_property
    def cell_area_m2(self) -> np.ndarray:
        """(H, W) exact area of each cell on the sphere, m^2 (sums to 4 pi R^2)."""
        edges = np.radians(np.linspace(-90.0, 90.0, self.height + 1))
        band = 2 * np.pi * self.radius**2 * (np.sin(edges[1:]) - np.sin(edges[:-1]))
        return np.broadcast_to((band / self.width)[:, None], self.shape)

    @cached_property
    def area_weight(self) -> np.ndarray:
        """(H, W) cell area / total area: weights for global means."""
        return self.cell_area_m2 / self.cell_area_m2.sum()

    def unit_vectors(self) -> np.ndarray:
        """(H, W, 3) unit vectors of cell centres: x toward lon 0 on the equator, z north."""
        la = np.radians(self.lat2d)
        lo = np.radians(self.lon2d)
        return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)

    def wrap_index(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, cols) of any cell indices folded onto the grid, with the longitude wrap and
        the pole crossing of DESIGN.md (a row beyond a pole: mirrored, W/2 around). Valid for
        rows within H of the grid."""
        h, w = self.shape
        y = np.array(rows, dtype=np.int64, copy=True)
        x = np.array(cols, dtype=np.int64, copy=True)
        south = y < 0
        north = y >= h
        y[south] = -1 - y[south]
        y[north] = 2 * h - 1 - y[north]
        x[south | north] += w // 2
        return y, np.mod(x, w)

    @cached_property
    def _neighbour_cache(self) -> dict[tuple[int, int], tuple[np.ndarray, np.ndarray]]:
        return {}

    def neighbour_index(self, dx: int, dy: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, cols) index arrays of the neighbour at offset (dx, dy) of every cell (see
        wrap_index). Valid for |dy| < H. Read-only and kept per offset: the plates' CPU side
        asks for the same few offsets thousands of times a run."""
        key = (int(dx), int(dy))
        hit = self._neighbour_cache.get(key)
        if hit is None:
            h, w = self.shape
            y = np.broadcast_to(np.arange(h)[:, None] + dy, (h, w))
            x = np.broadcast_to(np.arange(w)[None, :] + dx, (h, w))
            rows, cols = self.wrap_index(y, x)
            rows.flags.writeable = cols.flags.writeable = False
            hit = self._neighbour_cache[key] = (rows, cols)
        return hit

    def neighbour(self, a: np.ndarray, dx: int, dy: int) -> np.ndarray:
        rows, cols = self.neighbour_index(dx, dy)
        return a[rows, cols]

    def area_mean(self, a: np.ndarray, mask: np.ndarray | None = None) -> float:
        w = self.area_weight if mask is None else self.area_weight * mask
        total = float(w.sum())
        return float((a * w).sum() / total) if total > 0 else 0.0
