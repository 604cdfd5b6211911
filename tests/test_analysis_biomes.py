"""Biomes and plant cover: the views' Whittaker-style rule (shaders/render/common.glsl) on
each side of its thresholds, worked out by hand, and shares against analytic areas."""

from __future__ import annotations

import numpy as np
import pytest

from planetsim.analysis.biomes import (
    BIOMES,
    VEGETATED_COVER,
    biome_index,
    biome_shares,
    biome_weights,
    smoothstep,
    vegetated_share,
)
from planetsim.analysis.grid import Grid


def test_names_follow_the_views_order() -> None:
    from planetsim.render.layers import BIOMES as VIEW_BIOMES

    assert BIOMES == VIEW_BIOMES


def test_smoothstep_as_glsl_also_falling() -> None:
    assert smoothstep(0.0, 1.0, np.array(0.25)) == pytest.approx(0.25**2 * (3 - 0.5))
    assert smoothstep(400.0, 150.0, np.array(300.0)) == pytest.approx(0.4**2 * (3 - 0.8))
    assert smoothstep(5.0, -1.0, np.array([10.0, -5.0])).tolist() == [0.0, 1.0]


# (T degC, P mm/yr, biome), each worked out from the rule in planetsim/analysis/biomes.py:
CASES = [
    (-10.0, 500.0, "ice"),  # ice weight 1 below -3 C
    (-2.0, 500.0, "ice"),  # ice 0.833 > tundra 0.167
    (1.0, 1000.0, "tundra"),  # ice 1/3, tundra 2/3 * smoothstep(5,-1,1)=0.494, warm 0.173
    (10.0, 1000.0, "forest"),  # warm 1, forest smoothstep(450,900,1000) = 1
    (10.0, 300.0, "grassland"),  # desert smoothstep(400,150,300) = 0.352, grass 0.648
    (10.0, 100.0, "desert"),  # desert 1
    (25.0, 3000.0, "rainforest"),  # rain 1, forest 0
    (18.0, 3000.0, "forest"),  # rain smoothstep(16,22,18) = 0.259 < forest 0.741
    (21.0, 3000.0, "rainforest"),  # rain 0.926 > forest 0.074
]


@pytest.mark.parametrize(("t", "p", "name"), CASES)
def test_biome_of_hand_worked_cells(t: float, p: float, name: str) -> None:
    assert BIOMES[int(biome_index(np.array(t), np.array(p)))] == name


def test_weights_sum_to_one() -> None:
    t, p = np.meshgrid(np.linspace(-30, 40, 71), np.linspace(0, 4000, 81))
    np.testing.assert_allclose(biome_weights(t, p).sum(axis=0), 1.0, atol=1e-5)


def test_shares_and_vegetation_on_latitude_bands() -> None:
    g = Grid(72, 36)
    lat = g.lat2d
    land = lat > 0  # the northern hemisphere is land
    # Desert north of 30 N, forest between the equator and 30 N; plants only in the forest.
    temp = np.full(g.shape, 15.0)
    precip = np.where(lat > 30, 100.0, 1000.0)
    plants = np.where(lat > 30, 0.0, 1.0)
    shares = biome_shares(temp, precip, land, g)
    forest = np.sin(np.radians(30.0))  # area share of 0..30 N within 0..90 N
    assert shares["forest"] == pytest.approx(forest)
    assert shares["desert"] == pytest.approx(1 - forest)
    assert sum(shares.values()) == pytest.approx(1.0)
    assert vegetated_share(plants, land, g) == pytest.approx(forest)
    # The threshold: plants just under VEGETATED_COVER * plants_full do not count.
    low = np.full(g.shape, VEGETATED_COVER * 0.5 * 0.99)
    assert vegetated_share(low, land, g, plants_full=0.5) == 0.0
    assert np.isnan(vegetated_share(plants, np.zeros(g.shape, bool), g))
