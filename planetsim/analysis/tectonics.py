"""Where mountains stand against where the plates make them: Earth's high ground lies at
active convergent margins (the Andes, Japan) and in young collision belts (the Himalaya,
Tibet, the Alps); old orogens are worn down (the Appalachians, the Urals stand under 2 km).
Also the continental crust's share of the surface."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ._util import grid_for
from .grid import Grid
from .land import land_fraction

Array = NDArray[np.float64]


def high_land_near_orogens(
    elevation: np.ndarray,
    sea_level: float,
    margin_km: np.ndarray,
    collision_age_myr: np.ndarray,
    grid: Grid | None = None,
    above_m: float = 3000.0,
    within_km: float = 600.0,
    young_myr: float = 300.0,
) -> float:
    """The area share of the land above `above_m` (m above sea level) that lies within
    `within_km` of an active convergent margin (margin_km: distance to one, km) or in a
    collision orogen younger than `young_myr` (collision_age_myr: Myr since the collision
    that last thickened the crust there, nan where there was none). nan without such land."""
    z = np.asarray(elevation, float)
    g = grid_for(z, grid)
    high = z - float(sea_level) > above_m
    w = g.area_weight * high
    total = float(w.sum())
    if total <= 0:
        return float("nan")
    age = np.asarray(collision_age_myr, float)
    near = (np.asarray(margin_km, float) <= within_km) | (np.isfinite(age) & (age <= young_myr))
    return float((w * near).sum() / total)


def continental_share(thickness_km: np.ndarray, grid: Grid | None = None,
                      continental_km: float = 15.0) -> float:  # fmt: skip
    """The area share of the surface with continental crust (at least `continental_km`)."""
    return land_fraction(np.asarray(thickness_km, float) >= continental_km, grid)
