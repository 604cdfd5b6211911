"""Land and sea measures against hand-made masks whose areas and edges are known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from planetsim.analysis.grid import Grid
from planetsim.analysis.land import (
    coastline_edges,
    coastline_index,
    label_landmasses,
    land_fraction,
    land_iou,
    land_mask,
    landmasses,
    take_down,
)

R = 6.371e6
G = Grid(72, 36)  # 5 degree cells


def box_area(lat_s: float, lat_n: float, dlon_deg: float) -> float:
    """Exact area (m^2) of a lat/lon box on the sphere: R^2 dlon (sin lat_n - sin lat_s)."""
    return R**2 * np.radians(dlon_deg) * (np.sin(np.radians(lat_n)) - np.sin(np.radians(lat_s)))


def box(mask: np.ndarray, x0: int, x1: int, y0: int, y1: int) -> np.ndarray:
    """Set cells x0..x1-1 (wrapping) by rows y0..y1-1 to land."""
    w = mask.shape[1]
    cols = np.arange(x0, x1) % w
    mask[y0:y1, cols] = True
    return mask


def test_land_mask_is_strictly_above_sea_level() -> None:
    z = np.array([[-1.0, 0.0, 0.5, 2.0]])
    assert land_mask(z, 0.5).tolist() == [[False, False, False, True]]


def test_box_continents_have_their_spherical_areas() -> None:
    land = np.zeros(G.shape, bool)
    box(land, 10, 22, 20, 26)  # 60 deg of longitude, latitude 10..40 N
    box(land, 40, 46, 6, 10)  # 30 deg of longitude, latitude 60..40 S
    a1 = box_area(10, 40, 60)
    a2 = box_area(-60, -40, 30)
    lm = landmasses(land, G)
    assert lm.count == 2
    np.testing.assert_allclose(lm.areas_m2, [a1, a2], rtol=1e-12)
    assert land_fraction(land, G) == pytest.approx((a1 + a2) / (4 * np.pi * R**2), rel=1e-12)
    assert lm.largest_share == pytest.approx(a1 / (a1 + a2), rel=1e-12)


def test_continent_across_the_seam_is_one_landmass() -> None:
    land = np.zeros(G.shape, bool)
    box(land, 70, 75, 15, 20)  # columns 70, 71 and 0, 1, 2: lon 170 E .. 165 W
    labels, count = label_landmasses(land, G)
    assert count == 1
    assert len(set(labels[land].tolist())) == 1
    lm = landmasses(land, G)
    assert lm.areas_m2[0] == pytest.approx(box_area(-15, 10, 25), rel=1e-12)


def test_polar_cap_is_one_landmass_with_the_cap_area() -> None:
    land = np.zeros(G.shape, bool)
    land[30:, :] = True  # latitude 60..90 N
    lm = landmasses(land, G)
    assert lm.count == 1
    assert lm.areas_m2[0] == pytest.approx(2 * np.pi * R**2 * (1 - np.sin(np.radians(60))))


def test_lands_touching_a_pole_join_across_it() -> None:
    # Two narrow strips on opposite meridians, each touching the north pole row only: they
    # meet across the pole ((x, top) neighbours (x + W/2, top)), nowhere else.
    land = np.zeros(G.shape, bool)
    box(land, 5, 7, 32, 36)
    box(land, 41, 43, 32, 36)
    assert landmasses(land, G).count == 1
    # The same strips stopping one row short of the pole stay apart.
    land[35] = False
    assert landmasses(land, G).count == 2
    # And at the south pole.
    land = np.zeros(G.shape, bool)
    box(land, 10, 11, 0, 3)
    box(land, 47, 48, 0, 3)  # 10 + 36 + 1: a diagonal neighbour across the pole
    assert landmasses(land, G).count == 1


def test_landmasses_are_8_connected() -> None:
    land = np.zeros(G.shape, bool)
    land[10, 10] = land[11, 11] = True  # corner to corner: one landmass
    land[10, 14] = land[10, 16] = True  # one sea cell between: two more
    assert landmasses(land, G).count == 3


def test_four_largest_share() -> None:
    land = np.zeros(G.shape, bool)
    sizes = [(0, 8), (12, 18), (24, 28), (34, 37), (44, 46), (56, 57)]  # column spans
    for x0, x1 in sizes:
        box(land, x0, x1, 17, 19)  # latitude -5..5
    areas = sorted((box_area(-5, 5, 5 * (x1 - x0)) for x0, x1 in sizes), reverse=True)
    lm = landmasses(land, G)
    assert lm.count == 6
    assert lm.four_largest_share == pytest.approx(sum(areas[:4]) / sum(areas), rel=1e-12)
    assert lm.largest_share == pytest.approx(8 / 24, rel=1e-12)


def test_no_land() -> None:
    land = np.zeros(G.shape, bool)
    lm = landmasses(land, G)
    assert lm.count == 0 and np.isnan(lm.largest_share)
    assert np.isnan(coastline_index(land))


def test_coastline_single_cell() -> None:
    land = np.zeros(G.shape, bool)
    land[18, 30] = True
    assert coastline_edges(land) == 4
    assert coastline_index(land) == 4.0


@pytest.mark.parametrize("a, b", [(3, 2), (5, 5), (1, 7)])
def test_coastline_box(a: int, b: int) -> None:
    land = np.zeros(G.shape, bool)
    box(land, 20, 20 + a, 10, 10 + b)
    assert coastline_edges(land) == 2 * (a + b)
    assert coastline_index(land) == pytest.approx(2 * (a + b) / np.sqrt(a * b))


def test_coastline_box_across_the_seam() -> None:
    land = np.zeros(G.shape, bool)
    box(land, 70, 74, 10, 13)  # 4 columns (70, 71, 0, 1) by 3 rows
    assert coastline_edges(land) == 2 * (4 + 3)


def test_coastline_no_edges_across_the_pole() -> None:
    land = np.zeros(G.shape, bool)
    box(land, 20, 23, 33, 36)  # 3 x 3 in the top rows: the north side is the pole
    assert coastline_edges(land) == 3 + 2 * 3
    ring = np.zeros(G.shape, bool)
    ring[20:22] = True  # a full band: no east-west edges, two 72-edge sides
    assert coastline_edges(ring) == 2 * 72
    assert coastline_index(ring) == pytest.approx(144 / np.sqrt(144))


def test_land_iou_of_two_hemispheres_is_a_third() -> None:
    """The northern and the eastern hemisphere share a quarter of the sphere and cover three
    quarters: IoU 1/3 by area, whatever the rows' widths; a mask against itself, 1."""
    north = np.broadcast_to(G.lat2d > 0, G.shape)
    east = np.broadcast_to(G.lon2d > 0, G.shape)
    assert land_iou(north, east, G) == pytest.approx(1.0 / 3.0)
    assert land_iou(north, north, G) == 1.0


def test_land_iou_weighs_cells_by_their_area() -> None:
    """The caps north of 60 and of 30 degrees: IoU (1 - sin 60) / (1 - sin 30) = 0.268 by
    area on the sphere (0.5 by counting cells, which the rows' widths must not give)."""
    cap60 = np.broadcast_to(G.lat2d > 60.0, G.shape)
    cap30 = np.broadcast_to(G.lat2d > 30.0, G.shape)
    want = (1.0 - np.sin(np.radians(60.0))) / (1.0 - np.sin(np.radians(30.0)))
    assert land_iou(cap60, cap30, G) == pytest.approx(want, rel=1e-6)


def test_take_down_keeps_blocks_at_least_half_land() -> None:
    fine = np.zeros((4, 8), bool)
    fine[0:2, 0:2] = [[True, True], [False, False]]  # half: land
    fine[0:2, 2:4] = [[True, False], [False, False]]  # a quarter: sea
    fine[2:4, 6:8] = True
    want = np.zeros((2, 4), bool)
    want[0, 0] = want[1, 3] = True
    np.testing.assert_array_equal(take_down(fine, (2, 4)), want)
    with pytest.raises(ValueError):
        take_down(fine, (3, 4))
