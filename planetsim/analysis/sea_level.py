"""Sea level from the hypsometric curve: the level that floods a given share of the surface
(the oceans condensing to `ocean_fraction`, a heightmap given a land fraction). Land is
elevation > sea level. Also the air's reference level, which the planet's relief sets."""

from __future__ import annotations

import numpy as np


def hypsometric_curve(elev: np.ndarray, area: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted elevations, share of the surface at or below each): the hypsometric curve.
    `area` is each cell's area (any units) or a weight of the same shape."""
    order = np.argsort(elev, axis=None)
    z = np.asarray(elev).ravel()[order].astype(np.float64)
    a = np.broadcast_to(np.asarray(area, np.float64), np.shape(elev)).ravel()[order]
    cum = np.cumsum(a) / a.sum()
    return z, cum


def sea_level_for_fraction(z: np.ndarray, cum: np.ndarray, fraction: float) -> float:
    """The sea level (m) that floods `fraction` of the surface, on a hypsometric curve: just at
    the last flooded cell (land is z > sea level). Below every cell for 0, above for 1."""
    if fraction <= 0.0:
        return float(z[0]) - 1.0
    if fraction >= 1.0:
        return float(z[-1]) + 1.0
    i = int(np.searchsorted(cum, fraction))
    return float(z[min(i, len(z) - 1)])


def ocean_volume(elev: np.ndarray, area: np.ndarray, sea_level: float) -> float:
    """The water (m^3, with `area` in m^2) that fills every cell below `sea_level`."""
    depth = np.maximum(float(sea_level) - np.asarray(elev, np.float64), 0.0)
    return float((depth * np.broadcast_to(np.asarray(area, np.float64), depth.shape)).sum())


def sea_level_for_volume(
    elev: np.ndarray, area: np.ndarray, volume: float, tol_m: float = 1e-3
) -> float:
    """The sea level (m) at which `volume` m^3 of water fills the basins, by bisection on
    the hypsometry (ocean_volume rises monotonically with the level). Every cell below the
    level is ocean: the planet's basins, lakes aside, are connected."""
    z = np.asarray(elev, np.float64)
    a = np.broadcast_to(np.asarray(area, np.float64), z.shape)
    finite = np.isfinite(z)
    if not finite.any():
        raise ValueError("no finite elevation to pour the ocean into")
    z, a = z[finite], a[finite]  # a broken cell must not hang the bisection
    lo, hi = float(z.min()), float(z.max())
    if volume <= 0.0:
        return lo
    total = float(a.sum())
    if ocean_volume(z, a, hi) < volume:  # more water than the basins hold: above the peaks
        hi += (volume - ocean_volume(z, a, hi)) / total
    for _ in range(200):  # bounded: halving a finite span reaches tol_m long before
        if hi - lo <= tol_m:
            break
        mid = 0.5 * (lo + hi)
        if ocean_volume(z, a, mid) < volume:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


# The climate's temperatures are fitted at the 1013-hPa level, which on Earth is the sea. A
# planet's air has a given mass, so its mean surface pressure (985.5 hPa on Earth: Trenberth &
# Smith 2005, J. Climate 18) stands over the mean height of what the air rests on (the land,
# and the sea over the basins): the 1013-hPa level is H ln(1013.25 / 985.5) = 0.234 km below
# it, for a scale height H = R T / g = 8.43 km at 288 K. On Earth that is the sea within tens
# of metres; on a planet of high land round a small, deep sea (dune) it stands far above it.
AIR_REFERENCE_BELOW_MEAN_SURFACE_M = 234.0


def air_rise(elev: np.ndarray, area: np.ndarray, sea_level: float) -> float:
    """How far (m, >= 0) the air's 1013-hPa level stands above the sea: the area-mean of
    max(elevation, sea level), less AIR_REFERENCE_BELOW_MEAN_SURFACE_M, above the sea."""
    z = np.asarray(elev, np.float64)
    a = np.broadcast_to(np.asarray(area, np.float64), z.shape)
    finite = np.isfinite(z)
    if not finite.any():
        return 0.0
    top = np.maximum(z[finite], float(sea_level))
    mean = float((top * a[finite]).sum() / a[finite].sum())
    return max(mean - float(sea_level) - AIR_REFERENCE_BELOW_MEAN_SURFACE_M, 0.0)
