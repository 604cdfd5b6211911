"""Land and sea on the lat/lon grid: land fraction, landmasses and the coastline index.

Land is elevation > sea_level (a cell exactly at sea level is sea). Every area figure is an
area on the sphere (Grid.cell_area_m2); the coastline index alone counts cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._util import grid_for, label_wrapped
from .grid import Grid


def land_mask(elevation: np.ndarray, sea_level: float = 0.0) -> NDArray[np.bool_]:
    """(H, W) bool: elevation (m) strictly above sea_level (m)."""
    return np.asarray(elevation) > sea_level


def land_fraction(land: np.ndarray, grid: Grid | None = None) -> float:
    """Area share of the sphere that is land (0..1). Earth: 0.29."""
    land = np.asarray(land, dtype=bool)
    g = grid_for(land, grid)
    return float((g.area_weight * land).sum())


def take_down(land: np.ndarray, shape: tuple[int, int]) -> NDArray[np.bool_]:
    """A land mask taken down to a coarser grid of `shape` (H, W) whose cells are f x f blocks
    of the mask's: land where at least half of a block is land."""
    a = np.asarray(land, dtype=bool)
    h, w = shape
    f = a.shape[0] // h if h else 0
    if f < 1 or a.shape != (h * f, w * f):
        raise ValueError(f"a {a.shape} mask does not take down to {shape} in whole blocks")
    return a.reshape(h, f, w, f).mean(axis=(1, 3)) >= 0.5


def land_iou(a: np.ndarray, b: np.ndarray, grid: Grid | None = None) -> float:
    """Area-weighted intersection over union of two land masks on one grid (nan if neither
    has land): how far two worlds have the same continents."""
    a = np.asarray(a, dtype=bool)
    b = np.asarray(b, dtype=bool)
    w = grid_for(a, grid).area_weight
    union = float((w * (a | b)).sum())
    return float((w * (a & b)).sum()) / union if union > 0 else float("nan")


def label_landmasses(land: np.ndarray, grid: Grid | None = None) -> tuple[NDArray[np.int64], int]:
    """Landmasses: 8-connected land, joined across +-180 deg and across the pole rows (beyond a
    pole the neighbour of (x, y) is (x + W/2, y), as Grid.neighbour_index has it).
    Returns (labels (H, W), count); labels are 1..count on land, 0 at sea."""
    land = np.asarray(land, dtype=bool)
    return label_wrapped(land, grid_for(land, grid))


@dataclass(frozen=True)
class Landmasses:
    """Landmass figures. Shares are of the total land area (0..1)."""

    labels: NDArray[np.int64]  # (H, W), 1..count on land, 0 at sea
    count: int
    areas_m2: NDArray[np.float64]  # (count,) landmass areas, largest first
    land_area_m2: float
    largest_share: float  # Earth (GLOBE mask, 256x128): 0.54-0.55
    four_largest_share: float  # Earth: 0.96


def landmasses(land: np.ndarray, grid: Grid | None = None) -> Landmasses:
    """Count the landmasses and the land-area share of the largest and of the four largest.
    With no land the shares are nan."""
    land = np.asarray(land, dtype=bool)
    g = grid_for(land, grid)
    labels, count = label_landmasses(land, g)
    per_label = np.bincount(labels.ravel(), weights=g.cell_area_m2.ravel(), minlength=count + 1)
    area = np.sort(per_label[1:].astype(np.float64))[::-1]
    total = float(area.sum())
    if total > 0:
        largest = float(area[0] / total)
        four = float(area[:4].sum() / total)
    else:
        largest = four = float("nan")
    return Landmasses(labels, count, area, total, largest, four)


def coastline_edges(land: np.ndarray) -> int:
    """Number of land/sea cell edges, 4-neighbour: east-west edges including the +-180 deg
    seam, north-south edges between rows, none across the poles."""
    land = np.asarray(land, dtype=bool)
    east_west = np.count_nonzero(land != np.roll(land, -1, axis=1))
    north_south = np.count_nonzero(land[1:] != land[:-1])
    return int(east_west + north_south)


def coastline_index(land: np.ndarray) -> float:
    """Coastline edges (coastline_edges) divided by sqrt(number of land cells): a cell count,
    not an area, so it depends on the grid. Earth (issue 14): 25 at 128x64, 31 at 256x128,
    38 at 512x256, about 47 at 1024x512. nan without land. A lone land cell scores 4."""
    land = np.asarray(land, dtype=bool)
    n = int(np.count_nonzero(land))
    if n == 0:
        return float("nan")
    return coastline_edges(land) / float(np.sqrt(n))
