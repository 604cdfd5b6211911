"""Biomes and plant cover on land, by the rule the views draw them with.

The biome rule is biome_weights()/biome_index() of shaders/render/common.glsl, written out in
numpy (a Whittaker-style diagram of temperature and precipitation), with the land-snow rule
of shaders/lib/climate.glsl (snow below LAND_SNOW_BELOW_C = 0 C, softened over 6 K):

    ice        = clamp((0 - T) / 6 + 0.5, 0, 1)
    tundra     = (1 - ice) * smoothstep(5, -1, T)
    warm       = 1 - ice - tundra
    desert     = smoothstep(400, 150, P)
    rainforest = smoothstep(16, 22, T) * smoothstep(1500, 2200, P)
    forest     = (1 - rainforest) * smoothstep(450, 900, P)
    grassland  = max(1 - desert - rainforest - forest, 0)
    the last four are normalised by their sum and multiplied by warm;

with T the surface temperature (C), P the precipitation (mm/yr), and smoothstep(a, b, x) =
t^2 (3 - 2t), t = clamp((x - a) / (b - a), 0, 1) (GLSL's, also for a > b). A cell's biome is
the one of largest weight (the first on a tie). The globe blends this colour with bare ground
by plant cover, plants / plants_full (plants_full = 0.5 x life_capacity in the views).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ._util import grid_for
from .grid import Grid

# In the order of the shaders' B_* ids and planetsim.render.layers.BIOMES.
BIOMES: tuple[str, ...] = ("ice", "tundra", "forest", "grassland", "desert", "rainforest")

# Land counts as vegetated where plants >= VEGETATED_COVER * plants_full: at least half the
# cover the globe view draws as fully green.
VEGETATED_COVER = 0.5


def smoothstep(a: float, b: float, x: np.ndarray) -> NDArray[np.float64]:
    """GLSL smoothstep(a, b, x), also for a > b (falling)."""
    t = np.clip((np.asarray(x, dtype=float) - a) / (b - a), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def biome_weights(temp_c: np.ndarray, precip_mm_yr: np.ndarray) -> NDArray[np.float64]:
    """(6, ...) weight of each biome (BIOMES order) for temperature (C) and precipitation
    (mm/yr) arrays of one shape; the weights of a cell sum to 1."""
    t = np.asarray(temp_c, dtype=float)
    p = np.asarray(precip_mm_yr, dtype=float)
    ice = np.clip((0.0 - t) / 6.0 + 0.5, 0.0, 1.0)
    tundra = (1.0 - ice) * smoothstep(5.0, -1.0, t)
    warm = 1.0 - ice - tundra
    desert = smoothstep(400.0, 150.0, p)
    rain = smoothstep(16.0, 22.0, t) * smoothstep(1500.0, 2200.0, p)
    forest = (1.0 - rain) * smoothstep(450.0, 900.0, p)
    grass = np.maximum(1.0 - desert - rain - forest, 0.0)
    n = np.maximum(desert + rain + forest + grass, 1e-6)
    return np.stack([ice, tundra, warm * forest / n, warm * grass / n, warm * desert / n,
                     warm * rain / n])  # fmt: skip


def biome_index(temp_c: np.ndarray, precip_mm_yr: np.ndarray) -> NDArray[np.int64]:
    """Biome id (index into BIOMES) of the largest weight; the first wins a tie, as in GLSL."""
    return np.argmax(biome_weights(temp_c, precip_mm_yr), axis=0).astype(np.int64)


def biome_shares(
    temp_c: np.ndarray, precip_mm_yr: np.ndarray, land: np.ndarray, grid: Grid | None = None
) -> dict[str, float]:
    """Area share of land (0..1) of each biome, keyed by name; nan without land."""
    t = np.asarray(temp_c, dtype=float)
    g = grid_for(t, grid)
    w = g.cell_area_m2 * np.asarray(land, dtype=bool)
    total = float(w.sum())
    if total <= 0:
        return {b: float("nan") for b in BIOMES}
    per = np.bincount(biome_index(t, precip_mm_yr).ravel(), weights=w.ravel(), minlength=6)
    return {b: float(per[i] / total) for i, b in enumerate(BIOMES)}


def vegetated_share(
    plants: np.ndarray,
    land: np.ndarray,
    grid: Grid | None = None,
    plants_full: float = 0.5,
) -> float:
    """Area share of land (0..1) with plants >= VEGETATED_COVER * plants_full (plants in the
    life field's units; the views' plants_full is 0.5 x life_capacity); nan without land."""
    x = np.asarray(plants, dtype=float)
    g = grid_for(x, grid)
    land = np.asarray(land, dtype=bool)
    w = g.cell_area_m2 * land
    total = float(w.sum())
    if total <= 0:
        return float("nan")
    return float((w * (x >= VEGETATED_COVER * plants_full)).sum() / total)
