"""The erosion stage's rivers against independent references: lakes against a heap
Priority-Flood (reference.rivers) and the stats module's spanning-tree fill, the flow field
against a topological-order D8 accumulation, basins against walking each path, steady
uplift against Flint's law S = (U / K)^(1/n) A^(-m/n), and the sediment budget against the
rock it started with."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_geology import smooth_random

from planetsim.analysis.routing import fill_depressions
from planetsim.reference import geology as ref
from planetsim.reference import rivers as rr
from planetsim.stages import erosion


def put_terrain(sim, z):
    t = np.zeros((*sim.grid.shape, 4), np.float32)
    t[..., 0] = z
    t[..., 1] = -1.0
    sim.field("terrain").write(t)
    sim.field("water").clear()
    sim.field("lake").clear()


def lake_state(sim):
    lake = sim.field("lake").read()
    return lake[..., 0].astype(np.float64), lake[..., 1].astype(np.int64)


def bowl(grid, cx, cy, r, depth):
    """A round hollow of radius r cells and this depth, centred at column cx, row cy (m)."""
    x = np.arange(grid.width)[None, :]
    y = np.arange(grid.height)[:, None]
    dx = np.minimum(np.abs(x - cx), grid.width - np.abs(x - cx))  # across +-180 deg
    d = np.hypot(dx, y - cy)
    return np.where(d < r, -depth * (1.0 - (d / r) ** 2), 0.0)


def synthetic(grid, kind):
    """Land on a gentle slope down to a sea in the south, with hollows."""
    y = np.arange(grid.height)[:, None]
    z = np.where(y < 3, -500.0, 50.0 + 20.0 * y + 0.0 * np.arange(grid.width)[None, :])
    if kind == "bowl":
        z = z + bowl(grid, 20, 16, 6, 300.0)
    elif kind == "nested":  # a small deep hollow inside a large one, and a rim between
        z = z + bowl(grid, 30, 18, 9, 150.0) + bowl(grid, 27, 18, 3, 100.0)
    elif kind == "seam":  # a hollow whose middle is on the +-180 deg meridian
        z = z + bowl(grid, 0, 15, 7, 300.0)
    return z.astype(np.float32)


@pytest.mark.parametrize("seeded", [False, True], ids=["from-inf", "seeded"])
@pytest.mark.parametrize("kind", ["bowl", "nested", "seam"])
def test_lakes_fill_to_their_spill_points(make_sim, kind, seeded):
    """From F = +inf (the GPU alone) and seeded from the CPU's filling, the sweeps end at the
    numpy Priority-Flood's levels and the flats' hop counts."""
    sim = make_sim(size=(64, 32))
    g = sim.grid
    z = synthetic(g, kind)
    put_terrain(sim, z)
    erosion.fill_lakes(sim, seeded=seeded)
    f, hops = lake_state(sim)
    want = rr.priority_flood(z, g, 0.0)
    np.testing.assert_array_equal(f, want)
    land = z > 0
    np.testing.assert_array_equal(f[land], fill_depressions(z, g, 0.0)[land])  # a 2nd method
    lake = land & (f > z)
    assert lake.sum() > 20  # there is a lake, and it is level with its spill point
    spill = np.isin(f, np.unique(f[lake])) & ~lake & (hops == 0)
    assert spill.any()
    np.testing.assert_array_equal(hops[land], rr.flat_distance(want, z, g, 0.0)[land])
    if kind == "seam":
        assert lake[:, 0].any() and lake[:, -1].any()
    if kind == "nested":  # the inner hollow fills to the outer lake's level, not its own rim
        assert len(np.unique(f[lake])) == 1


@pytest.mark.parametrize("seed,metric", [(0, "flat"), (1, "sphere"), (2, "sphere")])
def test_flow_is_exact_d8_on_the_filled_surface_after_one_run(make_sim, seed, metric):
    sim = make_sim(size=(64, 32), metric=metric)
    g = sim.grid
    y = np.arange(g.height)[:, None]
    relief = smooth_random(g, np.random.default_rng(seed), 300.0) + 30.0 * (y - 3)
    z = np.where(y < 3, -400.0, relief).astype(np.float32)  # long rivers to a southern sea
    put_terrain(sim, z)
    sim.values["K"] = 0.0  # the terrain stays as it is
    sim.values["sediment_G"] = 0.0
    sim.run_stage("erosion")  # one run: lakes filled from scratch, routed, accumulated
    filled = rr.priority_flood(z, g, 0.0)
    hops = rr.flat_distance(filled, z, g, 0.0)
    rec = rr.receivers_on_filled(filled, hops, z, g, 0.0, metric == "flat")
    w = sim.field("water").read()
    np.testing.assert_array_equal(w[..., 1].astype(np.int64), rec)
    land = z > 0
    got = w[..., 0]
    want = ref.flow_accumulation(rec, np.ones(g.shape), land, g)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(w[..., 2].astype(np.int64), ref.basins_exact(rec, land, g))
    np.testing.assert_allclose(w[..., 3], np.where(land, filled - z, 0.0), atol=1e-3)
    # far fewer runs than the longest river (one here)
    idx = ref.receiver_index(rec, g).ravel()
    longest = 0
    for i in np.flatnonzero(land.ravel()):
        n, j = 0, i
        while idx[j] >= 0 and land.ravel()[idx[j]]:
            j, n = idx[j], n + 1
        longest = max(longest, n)
    assert longest >= 20


def test_rain_weighted_flow_delivers_the_rain_to_the_outlets(make_sim):
    sim = make_sim(size=(64, 32))
    g = sim.grid
    rng = np.random.default_rng(7)
    z = smooth_random(g, rng).astype(np.float32)
    put_terrain(sim, z)
    precip = rng.uniform(0.0, 3000.0, g.shape).astype(np.float32)
    moist = np.zeros((*g.shape, 4), np.float32)
    moist[..., 1] = precip
    sim.field("moisture").write(moist)
    sim.values.update(flow_rain=1.0, K=0.0)
    sim.run_stage("erosion")
    w = sim.field("water").read()
    rec = w[..., 1].astype(np.int64)
    land = z > 0
    rain = precip.astype(np.float64) / 1000.0
    want = ref.flow_accumulation(rec, rain, land, g)
    np.testing.assert_allclose(w[..., 0], want, rtol=1e-5, atol=1e-4)
    outlets = np.flatnonzero(land.ravel())
    basin = w[..., 2].astype(np.int64).ravel()
    out = np.unique(basin[outlets]) - 1
    assert math.isclose(w[..., 0].ravel()[out].sum(), rain[land].sum(), rel_tol=1e-5)


def test_warm_lakes_follow_a_changing_terrain(make_sim):
    """Two sweeps a run from the last fill: after the terrain rises and falls in places
    (outlets included), the lakes settle to the fill of the new terrain."""
    sim = make_sim(size=(64, 32))
    g = sim.grid
    rng = np.random.default_rng(4)
    z = (smooth_random(g, rng) + 200.0).astype(np.float32)
    put_terrain(sim, z)
    erosion.fill_lakes(sim)
    for rises_only in (False, True, True):
        t = sim.field("terrain").read()
        dz = rng.normal(0.0, 100.0, g.shape) * (rng.random(g.shape) < 0.3)
        t[..., 0] += (np.abs(dz) if rises_only else dz).astype(np.float32)
        sim.field("terrain").write(t)
        want = rr.priority_flood(t[..., 0], g, 0.0)
        # within 4 x lake_fill's hop cap (32 cells at this grid) of sweeps
        for _ in range(64):
            for _ in range(2):
                sim.runner.run(erosion.LAKE_FILL, sim.values)
            if np.array_equal(lake_state(sim)[0], want):
                break
        np.testing.assert_array_equal(lake_state(sim)[0], want)


def uplift_block(sim, steps, U, **values):
    """A block of land rising at U m/yr out of a sea, eroded for `steps` runs of the stage."""
    g = sim.grid
    y = np.arange(g.height)[:, None]
    x = np.arange(g.width)[None, :]
    block = (y >= 3) & (y <= g.height - 4) & (x >= 3) & (x <= g.width - 4)
    rng = np.random.default_rng(0)
    put_terrain(sim, np.where(block, 10.0 + rng.random(g.shape), -5000.0).astype(np.float32))
    sim.values.update(route_every=1, marine_sediment=0.0, **values)
    for _ in range(steps):
        sim.run_stage("erosion")
        t = sim.field("terrain").read()
        t[..., 0] += np.where(block, U * sim.values["dt"], 0.0).astype(np.float32)
        sim.field("terrain").write(t)
    return block


def test_steady_uplift_gives_flints_law(make_sim):
    sim = make_sim(size=(64, 32), metric="flat")
    # U = 4K, so the steepness (U/K)^(1/n) shows (1.36 fitted, ln 4 = 1.39); n = 1 (implicit)
    m, n, U, K = 0.45, 1.0, 4e-4, 1e-4
    block = uplift_block(sim, 1200, U, dt=1e3, K=K, m=m, sediment_G=0.0).ravel()
    g = sim.grid
    z = sim.elevation().astype(np.float64).ravel()
    w = sim.field("water").read()
    rec = w[..., 1].astype(np.int64).ravel()
    idx = ref.receiver_index(rec.reshape(g.shape), g).ravel()
    area = w[..., 0].ravel().astype(np.float64)
    land = z > 0
    inner = land & (idx >= 0) & land[np.maximum(idx, 0)]
    dist = np.where(rec % 2 == 0, math.sqrt(2.0), 1.0)  # codes 2, 4, 6, 8 are diagonal
    slope = (z - z[np.maximum(idx, 0)]) / dist
    # on the block (the sea around it fills with its sediment and turns into a coastal flat)
    ch = inner & block & (area >= 2) & (slope > 0)
    assert ch.sum() > 100
    fit = np.polyfit(np.log(area[ch]), np.log(slope[ch]), 1)
    assert abs(-fit[0] - m / n) < 0.05 * m / n, fit
    # and the steepness is the steady state's: S = (U / K)^(1/n) at A = 1
    assert abs(fit[1] - math.log(U / K) / n) < 0.1


def rock(sim):
    """Rock volume on the grid (m km^2, with the flat metric's unit cells) plus what is on
    its way or held (lake.z > 0 and < 0), in float64."""
    z = sim.elevation().astype(np.float64)
    return float(z.sum() + np.abs(sim.field("lake").read()[..., 2].astype(np.float64)).sum())


@pytest.mark.parametrize("G", [0.0, 1.0])
def test_sediment_budget_closes(make_sim, G):
    sim = make_sim(size=(64, 32), metric="flat")
    g = sim.grid
    z = (smooth_random(g, np.random.default_rng(9), 800.0) + 300.0).astype(np.float32)
    put_terrain(sim, z)
    sim.values.update(dt=1e4, K=2e-7, sediment_G=G, marine_sediment=0.0, route_every=1)
    before = rock(sim)
    eroded = 0.0
    for _ in range(40):
        z0 = sim.elevation().astype(np.float64)
        sim.run_stage("erosion")
        eroded += float(np.maximum(z0 - sim.elevation(), 0.0).sum())
    assert eroded > 1e3
    # what the cells lost is what they gained plus what is on its way, to float precision
    assert abs(rock(sim) - before) < 1e-5 * eroded + 1e-6 * np.abs(z).sum()


@pytest.mark.parametrize("seeded", [False, True], ids=["from-inf", "seeded"])
def test_the_seas_distances_to_land_are_chessboard_hops(make_sim, seeded):
    """lake.y at sea (how far the rivers' sediment goes) after a fill, GPU sweeps alone or
    seeded by analysis.routing.sea_distance: 8-connected hops to the nearest land, at most
    sediment_reach, against scipy's chessboard distance transform (the grid tiled three
    times east-west for the wrap; the land keeps away from the poles)."""
    from scipy.ndimage import distance_transform_cdt

    sim = make_sim(size=(64, 32))
    g = sim.grid
    rng = np.random.default_rng(4)
    land = np.zeros(g.shape, bool)
    land[8:24] = rng.random((16, g.width)) < 0.04
    land[10:14, 60:64] = land[10:14, 0:3] = True  # across the seam
    put_terrain(sim, np.where(land, 100.0, -500.0).astype(np.float32))
    reach = int(sim.values["sediment_reach"])
    sweeps = erosion.fill_lakes(sim, seeded=seeded)
    y = sim.field("lake").read()[..., 1].astype(np.float64)
    tiled = np.tile(~land, (1, 3))
    want = np.minimum(distance_transform_cdt(tiled, metric="chessboard")[:, g.width : 2 * g.width],
                      reach)  # fmt: skip
    np.testing.assert_array_equal(y[~land], want[~land])
    assert (want[~land] == reach).any() and (want[~land] == 1).any()
    if seeded:  # the CPU's seed is the sweeps' fixed point already: one sweep confirms it
        from planetsim.analysis.routing import sea_distance

        np.testing.assert_array_equal(sea_distance(np.where(land, 1.0, -1.0), g, 0.0, reach),
                                      np.where(land, 0.0, want))  # fmt: skip
        assert sweeps == 1
        # Across the poles too: land at both polar rows, against Jacobi steps over
        # Grid.neighbour_index's eight neighbours.
        polar = land.copy()
        polar[0, 5] = polar[-1, 40] = True
        ref_y = np.where(polar, 0.0, float(reach))
        for _ in range(reach):
            step = np.full(g.shape, float(reach))
            for dx, dy in rr.D8:
                rows, cols = g.neighbour_index(dx, dy)
                step = np.minimum(step, np.where(polar[rows, cols], 1.0, ref_y[rows, cols] + 1.0))
            ref_y = np.where(polar, 0.0, step)
        got = sea_distance(np.where(polar, 1.0, -1.0), g, 0.0, reach)
        np.testing.assert_array_equal(got, ref_y)
        assert got[0, 5 + g.width // 2] == 1.0 and got[1, 5 + g.width // 2 + 1] == 2.0


def test_a_load_at_the_shelf_edge_builds_out_instead_of_up(make_sim):
    # A cell whose receiver takes nothing in (here a flat of sea floor whose outer
    # neighbours lie beyond sediment_reach) lays its load down only up to sea level + 1 m and
    # holds the rest: a river's load arriving at once builds a delta out, cell by cell, and
    # no cell rises above the land it came from, with rock kept to float precision.
    sim = make_sim(size=(64, 32), metric="flat")
    z = np.full(sim.grid.shape, -1000.0, np.float32)
    z[16, 32] = 10.0  # one cell of land
    put_terrain(sim, z)
    lake = sim.field("lake").read()
    lake[16, 32, 2] = 1e6  # what the land cell sent on in its last run, m km^2
    sim.field("lake").write(lake)
    sim.values.update(dt=1e4, K=0.0, sediment_G=1.0, marine_sediment=0.0, route_every=1,
                      sediment_reach=2)  # fmt: skip
    before = rock(sim)
    for run in range(30):
        sim.run_stage("erosion")
        z1 = sim.elevation()
        assert z1.max() <= 10.0 + 1e-3, (run, float(z1.max()))
        assert abs(rock(sim) - before) < 1e-6 * 1e6 + 1e-7 * np.abs(z).sum()
    grown = (z1 > 0.0) & (z <= 0.0)
    assert grown.sum() >= 5  # the load built land out into the sea
    assert z1[grown].max() <= 1.0 + 1e-3  # a delta plain, at the sea's surface


def test_a_river_builds_a_delta(make_sim):
    sim = make_sim(size=(64, 32), metric="flat")
    g = sim.grid
    x = np.arange(g.width)[None, :]
    y = np.arange(g.height)[:, None]
    # A valley between ridges, its river running south into a sea that deepens offshore;
    # sea on either side of it too.
    d = np.abs(x - 32)
    land = 200.0 + 40.0 * (y - 12) + 30.0 * d
    sea = -20.0 - 30.0 * np.maximum(12 - y, 0) - 5.0 * d
    z = np.where((y >= 12) & (d <= 8), land, sea).astype(np.float32)
    put_terrain(sim, z)
    sim.values.update(dt=1e4, K=2e-7, sediment_G=1.0, sediment_marine=0.5, route_every=1)
    sim.values["marine_sediment"] = 0.0
    for _ in range(150):
        sim.run_stage("erosion")
    z1 = sim.elevation()
    mouth = (slice(6, 12), slice(28, 37))
    assert (z1[mouth] - z[mouth]).mean() > 5.0  # the sea floor off the mouth rose
    far = (slice(6, 12), slice(0, 10))
    # far less along the rest of the coast
    assert np.abs(z1[far] - z[far]).max() < 0.01 * (z1[mouth] - z[mouth]).mean()
    assert (z1[11, 28:37] > 0).any()  # and land grew out into the sea there


@pytest.mark.parametrize("kind", ["bowl", "nested", "seam", "terraces"])
def test_cpu_filling_and_flat_hops_match_the_reference(make_sim, kind):
    """analysis.routing's filled levels and flat hop counts (fill_lakes' seed) against the
    numpy reference's Priority-Flood and breadth-first search, on lakes and on terraces
    (elevations rounded to 50 m: wide flats, some with no lower neighbour of their own)."""
    from planetsim.analysis.routing import flat_hops

    sim = make_sim(size=(64, 32))
    g = sim.grid
    if kind == "terraces":
        z = np.round((smooth_random(g, np.random.default_rng(7)) + 150.0) / 50.0) * 50.0
        z = z.astype(np.float32)
    else:
        z = synthetic(g, kind)
    want = rr.priority_flood(z, g, 0.0)
    land = z > 0
    got = np.where(land, fill_depressions(z, g, 0.0), 0.0).astype(np.float32)  # sea: its level
    np.testing.assert_array_equal(got, want)
    hops = flat_hops(got, z, g, 0.0)
    assert hops[land].max() >= 2  # there are flats to cross
    np.testing.assert_array_equal(hops[land], rr.flat_distance(want, z, g, 0.0)[land])
