"""Depression filling, routing, accumulation and the river figures, against terrains whose
answers are known by construction and against a plain heapq Priority-Flood written here."""

from __future__ import annotations

import heapq

import numpy as np
import pytest

from planetsim.analysis.grid import Grid
from planetsim.analysis.rivers import (
    channel_mask,
    closed_basins,
    concavity,
    hack_exponent,
    potential_evaporation_mm_yr,
    power_law_exponent,
    river_stats,
    slope_area,
)
from planetsim.analysis.routing import (
    Routing,
    drainage_basins,
    fill_depressions,
    main_stream_length_m,
    route,
)

R = 6.371e6
OFFSETS = [(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)]


def neighbours(g: Grid) -> list[tuple[np.ndarray, np.ndarray]]:
    return [g.neighbour_index(dx, dy) for dx, dy in OFFSETS]


def reference_priority_flood(z: np.ndarray, g: Grid, sea_level: float = 0.0) -> np.ndarray:
    """Barnes et al. 2014 Priority-Flood, seeded at every sea cell, 8 neighbours with the
    grid's wrap and pole rules; a plain loop over cells."""
    nb = neighbours(g)
    filled = z.astype(float).copy()
    done = z <= sea_level
    heap = [(float(z[y, x]), int(y), int(x)) for y, x in zip(*np.nonzero(done), strict=True)]
    heapq.heapify(heap)
    while heap:
        level, y, x = heapq.heappop(heap)
        for rows, cols in nb:
            ny, nx = int(rows[y, x]), int(cols[y, x])
            if not done[ny, nx]:
                done[ny, nx] = True
                filled[ny, nx] = max(z[ny, nx], level)
                heapq.heappush(heap, (filled[ny, nx], ny, nx))
    return filled


def haversine(g: Grid, a: tuple[int, int], b: tuple[int, int]) -> float:
    """Great-circle distance (m) between the centres of cells a = (y, x) and b."""
    la1, la2 = np.radians(g.lat[a[0]]), np.radians(g.lat[b[0]])
    dlo = np.radians(g.lon[b[1]] - g.lon[a[1]])
    h = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin(dlo / 2) ** 2
    return float(2 * g.radius * np.arcsin(np.sqrt(h)))


def row_area(g: Grid, y: int) -> float:
    e = np.radians(np.linspace(-90, 90, g.height + 1))
    return R**2 * np.radians(360 / g.width) * (np.sin(e[y + 1]) - np.sin(e[y]))


def path(routing: Routing, y: int, x: int) -> list[tuple[int, int]]:
    """The cells from (y, x) down to the first sea cell, by following receivers."""
    w = routing.grid.width
    out = [(y, x)]
    while routing.land[y, x]:
        r = int(routing.receiver[y, x])
        y, x = divmod(r, w)
        out.append((y, x))
        assert len(out) <= routing.receiver.size, "receivers loop"
    return out


def chebyshev_rings(g: Grid, cx: int, cy: int) -> np.ndarray:
    """(H, W) Chebyshev distance from (cx, cy), wrapping in x."""
    dx = np.abs((np.arange(g.width) - cx + g.width // 2) % g.width - g.width // 2)
    dy = np.abs(np.arange(g.height) - cy)
    return np.maximum(dx[None, :], dy[:, None])


G = Grid(36, 18)  # 10 degree cells


def continent() -> np.ndarray:
    """Sea south of -60 deg, a flat plain at 50 m everywhere else."""
    z = np.full(G.shape, 50.0)
    z[:3] = -1000.0
    return z


# ---------------------------------------------------------------- filling and lake routing


def test_bowl_fills_to_its_spill_point_and_drains_through_it() -> None:
    z = continent()
    ring = chebyshev_rings(G, 17, 9)
    rng = np.random.default_rng(3)
    z[ring <= 1] = 100.0 + rng.uniform(0, 20, size=(ring <= 1).sum())
    z[ring == 2] = 1000.0
    z[9, 19] = 600.0  # the spill point
    r = route(z, G)
    expected = z.copy()
    expected[ring <= 1] = 600.0
    np.testing.assert_array_equal(r.filled, expected)
    np.testing.assert_array_equal(fill_depressions(z, G), expected)
    for y, x in zip(*np.nonzero(ring <= 1), strict=True):
        p = path(r, int(y), int(x))
        k = p.index((9, 19))  # the flow leaves through the spill point ...
        assert all(ring[c] <= 1 for c in p[:k])  # ... and stays in the lake until then
    assert r.lake_depth_m[ring <= 1].max() == pytest.approx(500.0, abs=20)


def test_nested_bowls() -> None:
    # Outer bowl spilling at 800 m holds an inner bowl whose own rim spills at 900 m: the
    # inner lake stands at 900 m, the ring between the rims at 800 m.
    z = continent()
    ring = chebyshev_rings(G, 17, 9)
    z[ring <= 1] = 100.0
    z[ring == 2] = 950.0
    z[11, 17] = 900.0  # inner spill
    z[ring == 3] = 200.0
    z[ring == 4] = 1000.0
    z[9, 13] = 800.0  # outer spill
    r = route(z, G)
    expected = z.copy()
    expected[ring <= 1] = 900.0
    expected[ring == 3] = 800.0
    np.testing.assert_array_equal(r.filled, expected)
    p = path(r, 9, 17)
    assert p.index((11, 17)) < p.index((9, 13))  # inner spill, then outer spill
    assert all(ring[c] <= 1 for c in p[: p.index((11, 17))])
    assert all(ring[c] == 3 for c in p[p.index((11, 17)) + 1 : p.index((9, 13))])


def test_bowl_across_the_seam() -> None:
    z = continent()
    ring = chebyshev_rings(G, 0, 9)  # columns 34, 35, 0, 1, 2
    z[ring <= 1] = 100.0
    z[ring == 2] = 1000.0
    z[9, 34] = 700.0  # spill on the western side, west of -180
    r = route(z, G)
    assert np.all(r.filled[ring <= 1] == 700.0)
    assert np.all(r.filled[ring > 1] == z[ring > 1])
    p = path(r, 9, 1)
    assert (9, 34) in p and all(ring[c] <= 1 for c in p[: p.index((9, 34))])


def test_lake_over_the_pole() -> None:
    z = continent()
    z[16:] = 100.0  # a basin round the north pole, connected across it
    z[15] = 1000.0
    z[15, 5] = 600.0
    r = route(z, G)
    assert np.all(r.filled[16:] == 600.0)
    p = path(r, 17, 23)  # on the far side of the pole from the spill point
    assert (15, 5) in p


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("kind", ["noise", "plateaus"])
def test_filling_matches_reference_priority_flood(seed: int, kind: str) -> None:
    g = Grid(32, 16)
    rng = np.random.default_rng(seed)
    if kind == "noise":
        z = rng.normal(300.0, 600.0, g.shape)
    else:  # many equal heights: flats and ties everywhere
        z = rng.integers(-2, 6, g.shape).astype(float) * 100.0
    r = route(z, g)
    np.testing.assert_array_equal(r.filled, reference_priority_flood(z, g))
    np.testing.assert_array_equal(fill_depressions(z, g), r.filled)


# ---------------------------------------------------------------- receivers and accumulation


def random_routing(seed: int, g: Grid | None = None) -> tuple[Routing, Grid]:
    g = g or Grid(32, 16)
    rng = np.random.default_rng(seed)
    z = rng.normal(200.0, 500.0, g.shape)
    return route(z, g), g


@pytest.mark.parametrize("seed", [4, 5])
def test_receivers_descend_to_sea_through_neighbours(seed: int) -> None:
    r, g = random_routing(seed)
    nb = neighbours(g)
    surface = np.where(r.land, r.filled, 0.0)
    for y in range(g.height):
        for x in range(g.width):
            ry, rx = divmod(int(r.receiver[y, x]), g.width)
            if not r.land[y, x]:
                assert (ry, rx) == (y, x)
                continue
            assert any((int(a[y, x]), int(b[y, x])) == (ry, rx) for a, b in nb)
            assert surface[ry, rx] <= surface[y, x]
            # Where some neighbour is lower, the receiver is the steepest one (own distances).
            slopes = []
            for a, b in nb:
                n = (int(a[y, x]), int(b[y, x]))
                slopes.append((surface[y, x] - surface[n]) / haversine(g, (y, x), n))
            if max(slopes) > 0:
                d = haversine(g, (y, x), (ry, rx))
                assert (surface[y, x] - surface[ry, rx]) / d == pytest.approx(max(slopes))
                assert r.slope[y, x] == pytest.approx(max(slopes))
                assert r.distance_m[y, x] == pytest.approx(d)
            assert len(path(r, y, x)) - 1 == r.steps_to_sea[y, x]


@pytest.mark.parametrize("seed", [6, 7, 8])
def test_drained_area_by_brute_force(seed: int) -> None:
    r, g = random_routing(seed)
    area = g.cell_area_m2
    expected = np.zeros(g.shape)
    cells = np.zeros(g.shape, int)
    for y, x in zip(*np.nonzero(r.land), strict=True):
        for c in path(r, int(y), int(x))[:-1]:  # every land cell on the way down
            expected[c] += area[y, x]
            cells[c] += 1
    np.testing.assert_allclose(r.drained_area_m2[r.land], expected[r.land], rtol=1e-12)
    np.testing.assert_array_equal(r.drained_cells[r.land], cells[r.land])


@pytest.mark.parametrize("seed", [9, 10])
def test_basins_sum_to_the_land(seed: int) -> None:
    r, g = random_routing(seed, Grid(64, 32))
    area = g.cell_area_m2
    land_area = area[r.land].sum()
    b = drainage_basins(r)
    assert b.areas_m2.sum() == pytest.approx(land_area)
    assert b.shares.sum() == pytest.approx(1.0)
    assert np.all(np.diff(b.areas_m2) <= 0)
    mouths = r.drained_area_m2.ravel()[b.outlets]
    np.testing.assert_allclose(mouths, b.areas_m2, rtol=1e-12)  # outlet = sum of its cells
    for o in b.outlets[:5]:
        assert r.drained_cells.ravel()[o] == np.count_nonzero(b.labels == o)
        assert not r.land.ravel()[r.receiver.ravel()[o]]  # the outlet drains into the sea
    assert b.count_over(0.0) == b.outlets.size


def test_planet_without_sea_drains_to_its_lowest_cell() -> None:
    z = np.random.default_rng(11).uniform(100.0, 900.0, G.shape)
    r = route(z, G)
    assert np.count_nonzero(~r.land) == 1
    low = int(np.argmin(z))
    into_low = (r.receiver.ravel() == low) & r.land.ravel()
    assert r.drained_cells.ravel()[into_low].sum() == z.size - 1
    assert r.drained_cells.ravel()[low] == z.size


# ---------------------------------------------------------------- Flint and Hack

THETA = 0.45


def fishbone() -> tuple[np.ndarray, Grid, dict[tuple[int, int], tuple[int, int]]]:
    """A main stem flowing south along lon 2.5 E from lat 62.5 N to the sea at the equator,
    fed from each side by 3-cell tributaries flowing along the rows, inside a high ridge.
    Along the stem S = k A^-THETA, with A the area drained (cells of different latitudes,
    so area is not proportional to cell count). Returns (z, grid, intended receivers)."""
    g = Grid(72, 36)
    xm, y0, y1, m = 36, 18, 30, 3
    z = np.full(g.shape, -1000.0)
    z[y0 - 1 : y1 + 2, xm - m - 1 : xm + m + 2] = 20000.0  # the ridge ...
    recv: dict[tuple[int, int], tuple[int, int]] = {}
    drained = {}
    total = 0.0
    for y in range(y1, y0 - 1, -1):
        total += (2 * m + 1) * row_area(g, y)
        drained[y] = total
    k = 0.3
    s_trib = 0.001
    zs = 0.0
    for y in range(y0, y1 + 1):  # stem, from the mouth up
        below = (y - 1, xm)
        zs += k * drained[y] ** -THETA * haversine(g, (y, xm), below)
        z[y, xm] = zs
        recv[(y, xm)] = below
        for side in (-1, 1):
            for j in range(1, m + 1):
                c = (y, xm + side * j)
                down = (y, xm + side * (j - 1))
                z[c] = z[down] + s_trib * haversine(g, c, down)
                recv[c] = down
    z[y0 - 1, xm] = -1000.0  # ... open at the mouth
    return z, g, recv


def test_fishbone_concavity_and_hack_exponent() -> None:
    z, g, recv = fishbone()
    r = route(z, g)
    for (y, x), (ry, rx) in recv.items():
        assert divmod(int(r.receiver[y, x]), g.width) == (ry, rx), (y, x)

    # Independent answers: areas, lengths (longest path up to the divide) on the known tree.
    area = {c: row_area(g, c[0]) for c in recv}
    donors: dict[tuple[int, int], list[tuple[int, int]]] = {c: [] for c in recv}
    for c, d in recv.items():
        if d in donors:
            donors[d].append(c)

    def drained(c: tuple[int, int]) -> float:
        return area[c] + sum(drained(d) for d in donors[c])

    def length(c: tuple[int, int]) -> float:
        return max((length(d) + haversine(g, d, c) for d in donors[c]), default=0.0)

    stem = [c for c in recv if c[1] == 36]
    a = np.array([drained(c) for c in stem])
    ln = np.array([length(c) for c in stem])
    s = np.array([r.slope[c] for c in stem])
    np.testing.assert_allclose([r.drained_area_m2[c] for c in stem], a, rtol=1e-12)
    np.testing.assert_allclose([main_stream_length_m(r)[c] for c in stem], ln, rtol=1e-12)

    ch = channel_mask(r)
    assert {tuple(int(v) for v in c) for c in np.argwhere(ch)} == set(stem)  # min_cells = 5

    assert concavity(r) == pytest.approx(THETA, abs=1e-9)
    h_expected = np.polyfit(np.log(a), np.log(ln), 1)[0]
    assert hack_exponent(r) == pytest.approx(h_expected, abs=1e-9)

    # The test can tell: counting cells instead of areas, or lengths in cells, shifts both.
    cells = np.array([r.drained_cells[c] for c in stem])
    assert abs(-np.polyfit(np.log(cells), np.log(s), 1)[0] - THETA) > 0.02
    steps = np.array([30 - c[0] + 3 for c in stem])
    assert abs(np.polyfit(np.log(a), np.log(steps), 1)[0] - h_expected) > 0.02


def test_slope_area_bins_hold_flints_line() -> None:
    """The fishbone's stem is S = 0.3 A^-THETA (A in m^2): in km^2 the line's intercept is
    log10(0.3) - 6 THETA, and each bin's slopes lie on the line between the bin's edges."""
    z, g, _ = fishbone()
    r = route(z, g)
    sa = slope_area(r, bins_per_decade=4)
    assert sa.theta == pytest.approx(THETA, abs=1e-9)
    assert sa.log10_k == pytest.approx(np.log10(0.3) - 6 * THETA, abs=1e-9)
    assert int(sa.cells.sum()) == int(channel_mask(r).sum())

    def line(a: np.ndarray) -> np.ndarray:
        return 0.3 * (a * 1e6) ** -THETA

    lo_edge, hi_edge = sa.area_km2 / 10**0.125, sa.area_km2 * 10**0.125
    for q in (sa.p10_slope, sa.median_slope, sa.p90_slope):
        assert np.all(line(hi_edge) <= q * (1 + 1e-9)) and np.all(q <= line(lo_edge) * (1 + 1e-9))
    assert np.all(np.diff(np.log10(sa.area_km2)) >= 0.25 - 1e-9)  # bins a quarter decade apart
    flat = slope_area(route(np.full(g.shape, -1.0), g))  # no land, no channels
    assert np.isnan(flat.theta) and flat.area_km2.size == 0


def test_power_law_exponent() -> None:
    x = np.geomspace(1e6, 1e12, 40)
    assert power_law_exponent(x, 3.0 * x**0.37) == pytest.approx(0.37)
    assert power_law_exponent(x, 2.0 * x**-0.5) == pytest.approx(-0.5)
    assert np.isnan(power_law_exponent(np.ones(5), np.arange(1.0, 6.0)))


# ---------------------------------------------------------------- closed basins


def closed_bowl() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A plain at 900 m; a bowl (floor 300 m, rim 1000 m) spilling at 600 m into a channel
    down to the sea. Returns (z, catchment mask = bowl and rim, lake mask)."""
    z = np.full(G.shape, 900.0)
    z[:3] = -1000.0
    ring = chebyshev_rings(G, 17, 10)
    z[ring <= 1] = 300.0
    z[ring == 2] = 1000.0
    z[8, 17] = 600.0  # spill
    z[3:8, 17] = [350.0, 400.0, 450.0, 500.0, 550.0]  # channel to the sea
    lake = ring <= 1
    lake[8, 17] = True  # the spill cell stands at the lake's level: its shore
    return z, ring <= 2, lake


@pytest.mark.parametrize("margin", [-50.0, 50.0])
def test_closed_bowl_water_balance(margin: float) -> None:
    z, catchment, lake = closed_bowl()
    r = route(z, G)
    t = np.full(G.shape, 20.0)
    pet = 58.93 * 20.0
    assert potential_evaporation_mm_yr(t)[0, 0] == pytest.approx(pet)
    a = G.cell_area_m2
    a_lake = a[lake].sum()
    a_rim = a[catchment & ~lake].sum()
    # Rain on the lake 200 mm/yr; on the rim just enough (+- margin) to balance evaporation.
    p_balance = pet + (pet - 200.0) * a_lake / a_rim
    p = np.where(lake, 200.0, p_balance + margin)
    cb = closed_basins(r, p, t)
    assert cb.closed.size == 1
    np.testing.assert_array_equal(cb.lakes >= 0, lake)
    expected_balance = 1e-3 * (margin * a_rim)  # m^3/yr: runoff in minus net evaporation
    assert cb.balance_m3_yr[0] == pytest.approx(expected_balance, rel=1e-6)
    assert cb.spill_to[0] == -1
    land_area = a[z > 0].sum()
    if margin < 0:
        assert cb.closed[0]
        np.testing.assert_array_equal(cb.endorheic, catchment)
        assert cb.share_of_land == pytest.approx(a[catchment].sum() / land_area)
    else:
        assert not cb.closed[0]
        assert not cb.endorheic.any() and cb.share_of_land == 0.0


def nested_bowls() -> tuple[np.ndarray, np.ndarray]:
    """A bowl inside a bowl on the plain: the inner spills into the outer, whose rim drains
    outwards. Returns (z, the Chebyshev rings about the bowls' centre)."""
    z = continent()
    ring = chebyshev_rings(G, 17, 9)
    z[ring <= 1] = 100.0
    z[ring == 2] = 950.0
    z[11, 17] = 900.0
    z[ring == 3] = 200.0
    z[ring == 4] = 1000.0
    z[9, 13] = 800.0
    return z, ring


def test_upstream_lake_spilling_into_a_closed_lake_drains_to_no_sea() -> None:
    z, ring = nested_bowls()
    r = route(z, G)
    t = np.full(G.shape, 25.0)
    inner = ring <= 2
    p = np.where(inner, 2500.0, 0.0)  # a wet inner bowl in a desert
    cb = closed_basins(r, p, t)
    inner_id = int(cb.lakes[9, 17])
    outer_id = int(cb.lakes[9, 14])
    assert inner_id != outer_id and cb.spill_to[inner_id] == outer_id
    assert cb.spill_to[outer_id] == -1
    assert not cb.closed[inner_id] and cb.closed[outer_id]
    # The outer rim drains outwards to the plain; the outer spill point is the lake's shore.
    catchment = ring <= 3
    catchment[9, 13] = True
    assert np.all(cb.terminal[catchment] == outer_id)
    np.testing.assert_array_equal(cb.endorheic, catchment)
    # Wet everywhere: both spill, nothing is closed.
    assert closed_basins(r, np.full(G.shape, 5000.0), t).share_of_land == 0.0
    # Closed lakes become outlets of their own basins.
    s = river_stats(r, p, t)
    b = drainage_basins(r, cb.basin_labels(r))
    closed_label = b.labels[9, 17]
    np.testing.assert_array_equal(b.labels == closed_label, catchment)
    k = int(np.flatnonzero(b.outlets == closed_label)[0])
    assert b.areas_m2[k] == pytest.approx(G.cell_area_m2[catchment].sum())
    assert s.endorheic_share == pytest.approx(cb.share_of_land)
    assert np.isnan(river_stats(r).endorheic_share)


def test_terrain_without_lakes_or_without_land() -> None:
    z, g, _ = fishbone()  # everything drains: no depression anywhere
    r = route(z, g)
    cb = closed_basins(r, np.zeros(g.shape), np.full(g.shape, 30.0))
    assert cb.closed.size == 0 and cb.share_of_land == 0.0
    assert np.all(cb.basin_labels(r) == r.mouth)
    sea = route(np.full(G.shape, -100.0), G)
    assert not sea.land.any() and np.all(sea.mouth == -1)
    s = river_stats(sea, np.zeros(G.shape), np.zeros(G.shape))
    assert s.largest_basin_shares.size == 0 and s.basins_over_half_percent == 0
    assert np.isnan(s.concavity) and np.isnan(s.hack_exponent)
