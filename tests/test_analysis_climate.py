"""Climate figures: zonal means against row areas computed here, Koppen classes on each side
of each of Peel et al.'s (2007) thresholds."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest

from planetsim.analysis.climate import (
    EARTH_PRECIP_BANDS,
    KOPPEN_CLASSES,
    band_mean,
    climate_stats,
    global_mean,
    koppen_main_classes,
    koppen_shares,
    zonal_band_means,
    zonal_mean_profile,
)
from planetsim.analysis.grid import Grid


def row_sin_overlap(g: Grid, lo: float, hi: float) -> np.ndarray:
    """Area weight (sin units) of each row inside the signed band lo..hi deg."""
    e = np.linspace(-90, 90, g.height + 1)
    a = np.radians(np.maximum(e[:-1], lo))
    b = np.radians(np.minimum(e[1:], hi))
    return np.maximum(np.sin(b) - np.sin(a), 0.0)


def test_global_mean_is_area_weighted() -> None:
    g = Grid(72, 36)
    f = np.where(np.abs(g.lat2d) < 30, 1.0, 0.0)  # the tropics are half the sphere
    assert global_mean(f, g) == pytest.approx(0.5)


def test_zonal_band_means_on_a_1_degree_grid() -> None:
    g = Grid(360, 180)
    lat = g.lat2d
    rng = np.random.default_rng(0)
    p = 1000.0 + 800.0 * np.cos(np.radians(3 * lat)) + rng.uniform(0, 50, g.shape)
    row = p.mean(axis=1)
    got = zonal_band_means(p, g)
    assert set(got) == set(EARTH_PRECIP_BANDS)
    for lo, hi in EARTH_PRECIP_BANDS:
        w = row_sin_overlap(g, lo, hi) + row_sin_overlap(g, -hi, -lo)
        assert got[(lo, hi)] == pytest.approx((w * row).sum() / w.sum(), rel=1e-12)


def test_band_mean_weighs_rows_that_straddle_the_band() -> None:
    g = Grid(8, 4)  # rows 45 deg tall: -90..-45, -45..0, 0..45, 45..90
    f = np.repeat(np.array([10.0, 20.0, 30.0, 40.0])[:, None], 8, axis=1)

    def s(deg: float) -> float:
        return float(np.sin(np.radians(deg)))

    # 40..55 N: part of row 2 (40..45) and of row 3 (45..55).
    w2, w3 = s(45) - s(40), s(55) - s(45)
    assert band_mean(f, g, 40, 55, both_hemispheres=False) == pytest.approx(
        (30 * w2 + 40 * w3) / (w2 + w3)
    )
    # Both hemispheres: the mirror rows 1 and 0 with the same weights.
    assert band_mean(f, g, 40, 55) == pytest.approx(
        (30 * w2 + 40 * w3 + 20 * w2 + 10 * w3) / (2 * (w2 + w3))
    )


def test_zonal_mean_profile() -> None:
    g = Grid(72, 36)
    f = np.repeat(np.arange(36.0)[:, None], 72, axis=1)  # one value per 5-degree row
    edges, means = zonal_mean_profile(f, g, band_deg=10.0)
    assert edges[0] == -90 and edges[-1] == 90 and means.size == 18
    w0, w1 = row_sin_overlap(g, -90, -80)[:2]  # rows 0 (value 0) and 1 (value 1)
    assert means[0] == pytest.approx(w1 / (w0 + w1))
    w18, w19 = row_sin_overlap(g, 0, 10)[18:20]
    assert means[9] == pytest.approx((18 * w18 + 19 * w19) / (w18 + w19))
    edges, means = zonal_mean_profile(f, g, band_deg=30.0, fold_hemispheres=True)
    np.testing.assert_array_equal(edges, [0, 30, 60, 90])
    assert means[0] == pytest.approx(17.5)  # rows 12..23 pair off symmetrically around 17.5


# ---------------------------------------------------------------- Koppen

G = Grid(8, 4)  # rows at -67.5, -22.5, 22.5, 67.5 deg
NORTH, SOUTH = 2, 1  # a row in each hemisphere


def season(warm: float, cold: float, north: bool = True) -> np.ndarray:
    """12 monthly temperatures, warmest in July (north) or January (south)."""
    phase = np.cos(2 * np.pi * (np.arange(12) - 6) / 12)  # +1 in July, -1 in January
    if not north:
        phase = -phase
    return (warm + cold) / 2 + (warm - cold) / 2 * phase


Unit = Literal["mm/month", "mm/yr"]


def classify(t12: np.ndarray, p12: np.ndarray, row: int = NORTH, unit: Unit = "mm/month") -> str:
    t = np.zeros((12, 4, 8))
    p = np.zeros((12, 4, 8))
    t[:, row, 3] = t12
    p[:, row, 3] = p12
    return KOPPEN_CLASSES[int(koppen_main_classes(t, p, G, precip_unit=unit)[row, 3])]


WET = np.full(12, 150.0)  # 1 800 mm/yr, evenly


def test_tropical_against_temperate_at_18() -> None:
    assert classify(season(28, 18.2), WET) == "A"
    assert classify(season(28, 18.0), WET) == "A"  # T_cold >= 18
    assert classify(season(28, 17.8), WET) == "C"


def test_temperate_against_cold_at_0() -> None:
    assert classify(season(22, 0.2), WET) == "C"
    assert classify(season(22, 0.0), WET) == "D"  # T_cold <= 0
    assert classify(season(22, -0.2), WET) == "D"


def test_polar_at_10() -> None:
    assert classify(season(9.9, -20), WET) == "E"
    assert classify(season(10.1, -20), WET) == "D"
    assert classify(season(10.0, -20), WET) == "D"  # Peel's E is T_hot < 10
    # E is tested before B: a dry tundra with MAT above 0 stays E ...
    dry = np.full(12, 5.0)  # 60 mm/yr
    assert classify(season(9.0, 2.0), dry) == "E"
    # ... unless asked for B first.
    t = np.zeros((12, 4, 8))
    p = np.full((12, 4, 8), 5.0)
    t[:, NORTH, 3] = season(9.0, 2.0)
    c = koppen_main_classes(t, p, G, e_before_b=False)
    assert KOPPEN_CLASSES[int(c[NORTH, 3])] == "B"


def rain_in(months: list[int], total: float) -> np.ndarray:
    p = np.zeros(12)
    p[months] = total / len(months)
    return p


AMJJAS = [3, 4, 5, 6, 7, 8]
ONDJFM = [9, 10, 11, 0, 1, 2]


@pytest.mark.parametrize(
    "north, rainy, extra",
    [
        # Northern hemisphere: summer is AMJJAS.
        (True, ONDJFM, 0.0),  # all rain in winter: P_threshold = 2 MAT
        (True, AMJJAS, 28.0),  # all in summer: 2 MAT + 28
        (True, [0, 1, 5, 6], 14.0),  # half and half: 2 MAT + 14
        # Southern hemisphere: summer is ONDJFM, so the same months swap roles.
        (False, AMJJAS, 0.0),
        (False, ONDJFM, 28.0),
        (False, [0, 1, 5, 6], 14.0),
    ],
)
def test_arid_threshold_cases(north: bool, rainy: list[int], extra: float) -> None:
    t = season(30.0, 10.0, north)
    mat = t.mean()
    threshold = 10 * (2 * mat + extra)  # MAP below it is B
    row = NORTH if north else SOUTH
    assert classify(t, rain_in(rainy, threshold - 5), row) == "B"
    assert classify(t, rain_in(rainy, threshold + 5), row) == "C"


def test_seventy_percent_boundary() -> None:
    t = season(30.0, 10.0)
    mat = t.mean()
    # 70.5 % in winter counts as winter rain (threshold 20 MAT); 69.5 % does not.
    for share, threshold in [(0.705, 20 * mat), (0.695, 20 * mat + 140)]:
        for total, cls in [(threshold - 3, "B"), (threshold + 3, "C")]:
            p = rain_in(ONDJFM, share * total) + rain_in(AMJJAS, (1 - share) * total)
            assert classify(t, p) == cls, (share, total)


def test_precip_as_mm_per_year_rates() -> None:
    t = season(30.0, 10.0)
    p = rain_in(AMJJAS, 700.0)
    for total in (600.0, 900.0):
        p = rain_in(AMJJAS, total)
        assert classify(t, p * 12, unit="mm/yr") == classify(t, p)
    with pytest.raises(ValueError):
        classify(t, p, unit="inches")  # type: ignore[arg-type]


def test_koppen_shares_of_land() -> None:
    g = Grid(72, 36)
    classes = np.zeros(g.shape, np.uint8)
    classes[:, 36:] = 1  # B on the eastern half
    classes[30:] = 4  # E north of 60 N
    land = np.zeros(g.shape, bool)
    land[24:, :] = True  # land north of 30 N
    a = (np.sin(np.radians(60)) - np.sin(np.radians(30))) / 2  # per half, 30..60 N
    e = 1 - np.sin(np.radians(60))
    shares = koppen_shares(classes, land, g)
    total = 2 * a + e
    assert shares == pytest.approx({"A": a / total, "B": a / total, "C": 0, "D": 0, "E": e / total})
    assert all(np.isnan(v) for v in koppen_shares(classes, np.zeros(g.shape, bool), g).values())


def test_climate_stats() -> None:
    g = Grid(72, 36)
    s = climate_stats(
        temp_c=np.full(g.shape, 14.0),
        precip_mm_yr=np.full(g.shape, 1000.0),
        cloud_fraction=np.full(g.shape, 0.67),
        grid=g,
    )
    assert s.mean_temperature_c == pytest.approx(14.0)
    assert s.mean_precipitation_mm_yr == pytest.approx(1000.0)
    assert s.band_precipitation_mm_yr[(0.0, 10.0)] == pytest.approx(1000.0)
    assert s.mean_cloud_cover == pytest.approx(0.67)
    assert s.koppen_shares == {}
    assert np.isnan(climate_stats(grid=g).mean_temperature_c)
