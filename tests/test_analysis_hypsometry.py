"""Hypsometry and sea-floor age on terrains that depend on latitude only, so that the area at
each elevation is a sum of row areas computed here from the sphere (sin of the row edges)."""

from __future__ import annotations

import numpy as np
import pytest

from planetsim.analysis.grid import Grid
from planetsim.analysis.hypsometry import elevation_histogram, hypsometry, seafloor_age

G = Grid(72, 36)
EDGES = np.radians(np.linspace(-90, 90, 37))
ROW_SHARE = (np.sin(EDGES[1:]) - np.sin(EDGES[:-1])) / 2  # area share of each row
Z_ROW = -5500.0 + 300.0 * np.arange(36)  # -5500 .. 5000 m; every fifth row on a bin edge


def by_row(values: np.ndarray) -> np.ndarray:
    return np.repeat(np.asarray(values, float)[:, None], G.width, axis=1)


def test_histogram_shares_are_row_areas_in_lo_hi_bins() -> None:
    edges, share = elevation_histogram(by_row(Z_ROW), G, bin_m=250.0)
    assert share.sum() == pytest.approx(1.0)
    assert np.all(np.diff(edges) == 250.0) and 0.0 in edges
    for k in range(share.size):
        lo, hi = edges[k], edges[k + 1]
        expected = ROW_SHARE[(Z_ROW > lo) & (Z_ROW <= hi)].sum()
        assert share[k] == pytest.approx(expected, abs=1e-15), (lo, hi)
    # -5500 is an edge: it sits in the bin (-5750, -5500].
    assert edges[0] == -5750.0 and share[0] == pytest.approx(ROW_SHARE[0])


def test_sea_level_cell_is_in_the_bin_below_zero() -> None:
    z = np.full(G.shape, 1000.0)
    z[5] = 0.0
    edges, share = elevation_histogram(z, G)
    k = int(np.flatnonzero(edges == -250.0)[0])
    assert share[k] == pytest.approx(ROW_SHARE[5])


def test_hypsometric_figures() -> None:
    h = hypsometry(by_row(Z_ROW), G)
    land = Z_ROW > 0
    sea = ~land
    assert h.mean_land_height_m == pytest.approx(
        (Z_ROW * ROW_SHARE)[land].sum() / ROW_SHARE[land].sum()
    )
    assert h.mean_ocean_depth_m == pytest.approx(
        (-Z_ROW * ROW_SHARE)[sea].sum() / ROW_SHARE[sea].sum()
    )
    assert h.share_below_2km == pytest.approx(ROW_SHARE[Z_ROW < -2000].sum())
    assert h.share_below_4km == pytest.approx(ROW_SHARE[Z_ROW < -4000].sum())
    assert h.highest_m == 5000.0 and h.deepest_m == -5500.0
    # Each row has a bin of its own, so the modes are the largest rows: the land row nearest
    # the equator (z = 200, bin (0, 250]) and the deep row nearest it (z = -1000).
    assert h.land_mode_m == 125.0
    assert h.ocean_floor_mode_m == -1125.0


def test_modes_pick_the_most_area() -> None:
    # Land: 700 m over the tropics beats 100 m in a polar cap; sea floor: a large -4 400 m
    # abyss beats a small -3 000 m ridge, and the shelf at -100 m (largest of all) is ignored.
    z = np.full(G.shape, -100.0)
    z[14:22] = -4400.0
    z[12:14] = -3000.0
    z[24:28] = 700.0
    z[33:] = 100.0
    h = hypsometry(z, G)
    assert h.land_mode_m == 625.0
    assert h.ocean_floor_mode_m == -4375.0
    assert hypsometry(z + 50.0, G, sea_level=50.0).land_mode_m == 625.0


def test_seafloor_age_mean_and_percentile() -> None:
    lat = G.lat2d
    z = np.full(G.shape, -3000.0)
    # Old floor beyond 80 deg: 2 (1 - sin 80) = 3.0 % of the sphere, more than 1 %.
    age = np.where(np.abs(lat) > 80, 150.0, 20.0)
    cap = 1 - np.sin(np.radians(80))
    a = seafloor_age(age, z, G)
    assert a.mean_myr == pytest.approx(20.0 + 130.0 * cap)
    assert a.p99_myr == 150.0
    # Beyond 85 deg it is 0.76 %: the 99th percentile is the young floor.
    age = np.where(np.abs(lat) > 85, 150.0, 20.0)
    assert seafloor_age(age, z, G).p99_myr == 20.0


def test_seafloor_age_ignores_land_and_weighs_area() -> None:
    age_row = np.linspace(0.0, 175.0, 36)
    z = by_row(np.where(np.arange(36) % 4 == 0, 500.0, -4000.0))  # every 4th row is land
    a = seafloor_age(by_row(age_row), z, G)
    sea = np.arange(36) % 4 != 0
    assert a.mean_myr == pytest.approx((age_row * ROW_SHARE)[sea].sum() / ROW_SHARE[sea].sum())
    # The 99th percentile by hand: rows in age order, first whose cumulative area >= 99 %.
    order = np.argsort(age_row[sea])
    cum = np.cumsum(ROW_SHARE[sea][order]) / ROW_SHARE[sea].sum()
    assert a.p99_myr == pytest.approx(age_row[sea][order][np.searchsorted(cum, 0.99)])
    assert np.isnan(seafloor_age(by_row(age_row), np.ones(G.shape), G).mean_myr)
