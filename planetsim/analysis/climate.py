"""Climate figures from annual or monthly mean fields on the lat/lon grid.

Global means are area-weighted. Latitude bands are weighted by the exact area of each row
inside the band (a row that straddles a band edge counts with its part), both hemispheres
together unless stated. Earth: global mean temperature about 14 C (Jones et al. 1999, Rev.
Geophys. 37:173), precipitation about 1 000 mm/yr and its zonal means from GPCP (Adler et al.
2003, J. Hydrometeor. 4:1147; Adler et al. 2018, Atmosphere 9:138), cloud cover about 0.67
(King et al. 2013, IEEE TGRS 51:3826).

Koppen main classes follow Peel, Finlayson & McMahon 2007 (HESS 11:1633, Table 1), from 12
monthly means (January first) of temperature (C) and precipitation:

* MAT, MAP: annual mean temperature, annual precipitation (mm); T_hot, T_cold: the warmest
  and coldest monthly means.
* Summer is the warmer of the six-month halves AMJJAS and ONDJFM, winter the other (Peel's
  definition; it is AMJJAS in the north and ONDJFM in the south wherever seasons are
  ordinary). When both halves are equally warm the hemisphere decides.
* P_threshold = 2 MAT if >= 70 % of MAP falls in winter, 2 MAT + 28 if >= 70 % falls in
  summer, otherwise 2 MAT + 14.
* E if T_hot < 10; otherwise B if MAP < 10 P_threshold; otherwise A if T_cold >= 18, C if
  0 < T_cold < 18, D if T_cold <= 0. Peel's Table 1 gives the criteria without an order; E is
  tested before B as Koppen-Geiger implementations of Kottek et al. 2006 (Meteorol. Z. 15:259)
  and Beck et al. 2018 (Sci. Data 5:180214) do (pass e_before_b=False for the other order).
  A month at exactly T_hot = 10 C, which Peel's E (< 10) and C/D (> 10) both leave out, is not
  E. Earth's land (Peel et al. 2007): A 19.0 %, B 30.2 %, C 13.4 %, D 24.6 %, E 12.8 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ._util import grid_for
from .grid import Grid

# Latitude bands (|lat|, degrees) of the zonal-mean precipitation comparison with GPCP.
EARTH_PRECIP_BANDS: tuple[tuple[float, float], ...] = (
    (0.0, 10.0),
    (10.0, 20.0),
    (20.0, 30.0),
    (40.0, 55.0),
    (70.0, 90.0),
)

KOPPEN_CLASSES = "ABCDE"
_AMJJAS = [3, 4, 5, 6, 7, 8]
_ONDJFM = [9, 10, 11, 0, 1, 2]


def global_mean(field: np.ndarray, grid: Grid | None = None) -> float:
    """Area-weighted mean over the sphere (the field's own units)."""
    f = np.asarray(field, dtype=float)
    return grid_for(f, grid).area_mean(f)


def band_row_weights(
    grid: Grid, lo_deg: float, hi_deg: float, both_hemispheres: bool = True
) -> NDArray[np.float64]:
    """(H,) area (m^2 per column) of each row inside the band lo_deg <= lat <= hi_deg, plus
    the mirror band -hi_deg..-lo_deg when both_hemispheres (then lo_deg, hi_deg are |lat|)."""
    edges = np.linspace(-90.0, 90.0, grid.height + 1)
    s, n = edges[:-1], edges[1:]
    bands = [(lo_deg, hi_deg)]
    if both_hemispheres:
        bands.append((-hi_deg, -lo_deg))
    w = np.zeros(grid.height)
    for lo, hi in bands:
        a = np.radians(np.clip(np.maximum(s, lo), -90.0, 90.0))
        b = np.radians(np.clip(np.minimum(n, hi), -90.0, 90.0))
        w += np.maximum(np.sin(b) - np.sin(a), 0.0)
    return w * 2 * np.pi * grid.radius**2 / grid.width


def band_mean(
    field: np.ndarray,
    grid: Grid | None = None,
    lo_deg: float = 0.0,
    hi_deg: float = 90.0,
    both_hemispheres: bool = True,
) -> float:
    """Area-weighted mean of the field over a latitude band (nan if the band is empty)."""
    f = np.asarray(field, dtype=float)
    g = grid_for(f, grid)
    w = band_row_weights(g, lo_deg, hi_deg, both_hemispheres)
    total = float(w.sum())
    return float((w * f.mean(axis=1)).sum() / total) if total > 0 else float("nan")


def zonal_band_means(
    field: np.ndarray,
    grid: Grid | None = None,
    bands: tuple[tuple[float, float], ...] = EARTH_PRECIP_BANDS,
) -> dict[tuple[float, float], float]:
    """Mean of the field in each |lat| band, both hemispheres together. For precipitation in
    mm/yr GPCP gives roughly 1 800-2 200, 1 200, 700-900, 900-1 100 and 150-300 mm/yr in the
    default bands 0-10, 10-20, 20-30, 40-55 and 70-90 deg."""
    f = np.asarray(field, dtype=float)
    g = grid_for(f, grid)
    return {(lo, hi): band_mean(f, g, lo, hi) for lo, hi in bands}


def zonal_mean_profile(
    field: np.ndarray,
    grid: Grid | None = None,
    band_deg: float = 10.0,
    fold_hemispheres: bool = False,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Zonal means in bands band_deg wide for plotting: (band edges in degrees, means). From
    -90 to 90, or over |lat| from 0 to 90 when fold_hemispheres (the last band may be
    narrower when band_deg does not divide the range)."""
    f = np.asarray(field, dtype=float)
    g = grid_for(f, grid)
    start = 0.0 if fold_hemispheres else -90.0
    edges = np.arange(start, 90.0, band_deg)
    edges = np.append(edges, 90.0)
    means = np.array(
        [band_mean(f, g, edges[k], edges[k + 1], fold_hemispheres) for k in range(edges.size - 1)]
    )
    return edges, means


def koppen_main_classes(
    temp_monthly_c: np.ndarray,
    precip_monthly: np.ndarray,
    grid: Grid | None = None,
    precip_unit: Literal["mm/month", "mm/yr"] = "mm/month",
    e_before_b: bool = True,
) -> NDArray[np.uint8]:
    """(H, W) Koppen main class per cell, 0..4 for A..E (KOPPEN_CLASSES), from (12, H, W)
    monthly mean temperature (C) and precipitation, January first. precip_unit "mm/month"
    means each month's total; "mm/yr" means each month's mean rate as mm per year (divided by
    12 here, months taken equally long). Rules and sources in the module docstring."""
    t = np.asarray(temp_monthly_c, dtype=float)
    p = np.asarray(precip_monthly, dtype=float)
    if t.shape != p.shape or t.ndim != 3 or t.shape[0] != 12:
        raise ValueError(f"expected two (12, H, W) arrays, got {t.shape} and {p.shape}")
    g = grid_for(t[0], grid)
    if precip_unit == "mm/yr":
        p = p / 12.0
    elif precip_unit != "mm/month":
        raise ValueError(f"precip_unit must be 'mm/month' or 'mm/yr', got {precip_unit!r}")

    mat = t.mean(axis=0)
    map_ = p.sum(axis=0)
    t_hot = t.max(axis=0)
    t_cold = t.min(axis=0)
    t_amj = t[_AMJJAS].mean(axis=0)
    t_ond = t[_ONDJFM].mean(axis=0)
    north = (g.lat >= 0)[:, None]
    summer_amj = (t_amj > t_ond) | ((t_amj == t_ond) & north)
    p_summer = np.where(summer_amj, p[_AMJJAS].sum(axis=0), p[_ONDJFM].sum(axis=0))
    p_winter = map_ - p_summer
    p_threshold = np.where(
        p_winter >= 0.7 * map_,
        2 * mat,
        np.where(p_summer >= 0.7 * map_, 2 * mat + 28, 2 * mat + 14),
    )

    polar = t_hot < 10
    arid = map_ < 10 * p_threshold
    if not e_before_b:
        polar = polar & ~arid
    arid = arid & ~polar
    out = np.where(t_cold >= 18, 0, np.where(t_cold > 0, 2, 3))
    out = np.where(arid, 1, out)
    out = np.where(polar, 4, out)
    return out.astype(np.uint8)


def koppen_shares(
    classes: np.ndarray, land: np.ndarray, grid: Grid | None = None
) -> dict[str, float]:
    """Area share of land (0..1) in each Koppen main class, keyed "A".."E"; nan without land.
    Earth (Peel et al. 2007): A 0.190, B 0.302, C 0.134, D 0.246, E 0.128."""
    c = np.asarray(classes)
    land = np.asarray(land, dtype=bool)
    g = grid_for(c, grid)
    w = g.cell_area_m2 * land
    total = float(w.sum())
    counts = np.bincount(c.ravel(), weights=w.ravel(), minlength=len(KOPPEN_CLASSES))
    if total <= 0:
        return {k: float("nan") for k in KOPPEN_CLASSES}
    return {k: float(counts[i] / total) for i, k in enumerate(KOPPEN_CLASSES)}


@dataclass(frozen=True)
class ClimateStats:
    """Climate figures; nan (or empty) for the parts whose fields were not given."""

    mean_temperature_c: float  # Earth pre-industrial about 14 C
    mean_precipitation_mm_yr: float  # about 1 000 mm/yr
    band_precipitation_mm_yr: dict[tuple[float, float], float]  # EARTH_PRECIP_BANDS
    mean_cloud_cover: float  # 0..1; Earth about 0.67
    koppen_shares: dict[str, float]  # of land, "A".."E"


def climate_stats(
    temp_c: np.ndarray | None = None,
    precip_mm_yr: np.ndarray | None = None,
    cloud_fraction: np.ndarray | None = None,
    temp_monthly_c: np.ndarray | None = None,
    precip_monthly: np.ndarray | None = None,
    land: np.ndarray | None = None,
    grid: Grid | None = None,
    precip_unit: Literal["mm/month", "mm/yr"] = "mm/month",
) -> ClimateStats:
    """All climate figures from annual means (temperature C, precipitation mm/yr, cloud
    fraction 0..1) and, for Koppen, 12 monthly means with a land mask."""
    nan = float("nan")
    t = None if temp_c is None else global_mean(temp_c, grid)
    p = None if precip_mm_yr is None else global_mean(precip_mm_yr, grid)
    bands = {} if precip_mm_yr is None else zonal_band_means(precip_mm_yr, grid)
    c = None if cloud_fraction is None else global_mean(cloud_fraction, grid)
    shares: dict[str, float] = {}
    if temp_monthly_c is not None and precip_monthly is not None and land is not None:
        classes = koppen_main_classes(temp_monthly_c, precip_monthly, grid, precip_unit)
        shares = koppen_shares(classes, land, grid)
    return ClimateStats(
        mean_temperature_c=nan if t is None else t,
        mean_precipitation_mm_yr=nan if p is None else p,
        band_precipitation_mm_yr=bands,
        mean_cloud_cover=nan if c is None else c,
        koppen_shares=shares,
    )
