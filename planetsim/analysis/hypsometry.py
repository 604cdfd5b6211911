"""Hypsometry: how the sphere's area is spread over elevation, and the ocean floor's age.

Elevations are in metres; every figure is relative to sea_level and area-weighted on the
sphere. Histogram bins are (lo, hi] so that a cell exactly at sea level (which is sea, see
land.land_mask) falls in the bin just below 0.

Earth (ETOPO5 5-minute relief, tabulated by S. Dutch, Univ. Wisconsin-Green Bay, "Global
Topographic Summary"): land mode 0-500 m, deep-ocean mode 4-5 km down (the ETOPO1 histogram of
NOAA NCEI puts the abyssal peak near -4 300 m), 59 % of the surface below -2 km and 37 % below
-4 km; mean land height about 840 m and mean ocean depth 3 682 m (Charette & Smith 2010,
Oceanography 23(2):112).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._util import grid_for, weighted_quantile
from .grid import Grid


def elevation_histogram(
    elevation: np.ndarray,
    grid: Grid | None = None,
    sea_level: float = 0.0,
    bin_m: float = 250.0,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Area histogram of elevation relative to sea level.

    Returns (edges_m, share): edges are multiples of bin_m (so 0 is an edge), share[k] is the
    fraction of the whole sphere with edges[k] < z - sea_level <= edges[k + 1]; shares sum
    to 1."""
    z = np.asarray(elevation, dtype=float)
    g = grid_for(z, grid)
    rel = z - sea_level
    # (lo, hi] bins: index = ceil(rel / bin) - 1.
    k = np.ceil(rel / bin_m).astype(np.int64) - 1
    k0 = int(k.min())
    counts = np.bincount((k - k0).ravel(), weights=g.area_weight.ravel()).astype(np.float64)
    edges = (np.arange(counts.size + 1) + k0) * bin_m
    return edges.astype(float), counts


@dataclass(frozen=True)
class Hypsometry:
    """Hypsometric figures; heights and depths in metres relative to sea level, shares 0..1."""

    edges_m: NDArray[np.float64]  # histogram bin edges (bin_m apart)
    share: NDArray[np.float64]  # area share of the sphere per (lo, hi] bin
    land_mode_m: float  # centre of the most common land bin (Earth: 0-500 m)
    ocean_floor_mode_m: float  # centre of the most common bin below floor_below_m (-4.5 km)
    mean_land_height_m: float  # Earth about 840 m
    mean_ocean_depth_m: float  # positive down; Earth 3 682 m
    share_below_2km: float  # of the whole surface; Earth 0.59
    share_below_4km: float  # Earth 0.37
    highest_m: float  # highest cell (a cell mean, so lower than a summit)
    deepest_m: float  # lowest cell, negative below sea level


def _mode_centre(edges: np.ndarray, share: np.ndarray, sel: np.ndarray) -> float:
    if not sel.any() or share[sel].max() <= 0:
        return float("nan")
    k = np.flatnonzero(sel)[int(np.argmax(share[sel]))]
    return float(0.5 * (edges[k] + edges[k + 1]))


def hypsometry(
    elevation: np.ndarray,
    grid: Grid | None = None,
    sea_level: float = 0.0,
    bin_m: float = 250.0,
    floor_below_m: float = -1000.0,
) -> Hypsometry:
    """All hypsometric figures of one elevation field (m).

    The land mode is the most common bin above sea level; the ocean-floor mode is the most
    common bin wholly below floor_below_m (default -1 km), so that the continental shelf, which
    on Earth fills its one 0 to -250 m bin about as much as the abyssal plains fill theirs,
    cannot win. Means are nan where there is no land (or no sea)."""
    z = np.asarray(elevation, dtype=float)
    g = grid_for(z, grid)
    edges, share = elevation_histogram(z, g, sea_level, bin_m)
    rel = z - sea_level
    land = rel > 0
    w = g.area_weight
    land_w = float((w * land).sum())
    sea_w = float((w * ~land).sum())
    mean_land = float((w * rel * land).sum() / land_w) if land_w > 0 else float("nan")
    mean_depth = float((w * -rel * ~land).sum() / sea_w) if sea_w > 0 else float("nan")
    return Hypsometry(
        edges_m=edges,
        share=share,
        land_mode_m=_mode_centre(edges, share, edges[:-1] >= 0),
        ocean_floor_mode_m=_mode_centre(edges, share, edges[1:] <= floor_below_m),
        mean_land_height_m=mean_land,
        mean_ocean_depth_m=mean_depth,
        share_below_2km=float((w * (rel < -2000.0)).sum()),
        share_below_4km=float((w * (rel < -4000.0)).sum()),
        highest_m=float(rel.max()),
        deepest_m=float(rel.min()),
    )


@dataclass(frozen=True)
class SeafloorAge:
    """Age of the sea floor, Myr, area-weighted over sea cells."""

    mean_myr: float  # Earth about 64 Myr (Mueller et al. 2008)
    p99_myr: float  # 99th percentile; Earth's oldest in place is about 180-200 Myr


def seafloor_age(
    age_myr: np.ndarray,
    elevation: np.ndarray,
    grid: Grid | None = None,
    sea_level: float = 0.0,
) -> SeafloorAge:
    """Mean and 99th-percentile crust age (Myr) of the sea floor (elevation <= sea_level).

    Cells whose age is negative or nan are not ocean floor (drowned continental crust: a
    continental shelf has no sea-floor age) and are left out. The percentile is the smallest
    age a with (sea-floor area of age <= a) >= 0.99 of the sea-floor area (the weighted
    distribution's inverse, no interpolation). nan without sea."""
    age = np.asarray(age_myr, dtype=float)
    z = np.asarray(elevation, dtype=float)
    g = grid_for(z, grid)
    if age.shape != z.shape:
        raise ValueError(f"age shape {age.shape} does not match elevation {z.shape}")
    oceanic = np.isfinite(age) & (age >= 0)
    w = g.area_weight * ((z <= sea_level) & oceanic)
    age = np.where(oceanic, age, 0.0)
    total = float(w.sum())
    if total <= 0:
        return SeafloorAge(float("nan"), float("nan"))
    return SeafloorAge(
        mean_myr=float((w * age).sum() / total),
        p99_myr=weighted_quantile(age, w, 0.99),
    )
