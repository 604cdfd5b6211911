"""Geology stages (protoplanet, tectonics, erosion) against numpy references and facts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from planetsim.reference import geology as ref
from planetsim.reference.relief import D8


def smooth_random(grid, rng, scale=1500.0, smooth=3):
    """A random terrain with some large-scale relief (numpy box blur of white noise)."""
    z = rng.standard_normal(grid.shape)
    for _ in range(smooth):
        acc = z.copy()
        for dx, dy in D8:
            acc += grid.neighbour(z, dx, dy)
        z = acc / 9.0
    z = z / z.std() * scale
    return z + 0.3 * scale * rng.standard_normal(grid.shape) * 0.1


def write_terrain(sim, z, plate=-1.0):
    t = np.zeros((*sim.grid.shape, 4), np.float32)
    t[..., 0] = z
    t[..., 1] = plate
    sim.field("terrain").write(t)
    sim.field("water").clear()


def longest_path(rec, grid) -> int:
    idx = ref.receiver_index(rec, grid).ravel()
    depth = np.zeros(idx.size, np.int64)
    best = 0
    for i in range(idx.size):
        n, j = 0, i
        while idx[j] >= 0 and n <= idx.size:
            j = idx[j]
            n += 1
        best = max(best, n)
        depth[i] = n
    return best


# ---- craters ----------------------------------------------------------------------------------
def crater_field(make_sim, seed, size=(128, 64)):
    sim = make_sim(size=size, seed=seed)
    sim.run_pass("craters")
    return sim, sim.elevation().astype(np.float64)


def test_craters_continuous_across_seam_and_poles(make_sim):
    sim, z = crater_field(make_sim, 5)
    g = sim.grid
    east = np.abs(g.neighbour(z, 1, 0) - z)
    north = np.abs(g.neighbour(z, 0, 1) - z)
    interior_e = east[:, :-1].max()
    interior_n = north[:-1, :].max()
    assert east[:, -1].max() <= interior_e  # across +-180 deg
    assert north[-1, :].max() <= interior_n  # across the north pole
    south = np.abs(g.neighbour(z, 0, -1) - z)
    assert south[0, :].max() <= np.abs(south[1:, :]).max()  # across the south pole
    # and the typical step across the seam is like the typical step elsewhere
    assert np.median(east[:, -1]) < 3 * np.median(east[:, :-1])


def test_crater_statistics_in_documented_range(make_sim):
    """Documented (README): relief spans 50-100 % of crater_relief (6 km by default); 3-20 %
    of the surface lies in crater floors (the inner half of a crater of the three largest
    levels, placed by numpy from the same hash), and floors lie lower than the rest by at
    least 15 % of crater_relief."""
    sim, z = crater_field(make_sim, 5)
    relief = sim.values["crater_relief"]
    assert 0.5 * relief <= z.max() - z.min() <= relief
    floors = ref.crater_floor_mask(sim.grid, 5, sim.values["crater_frequency"])
    frac = sim.grid.area_mean(floors.astype(float))
    assert 0.03 <= frac <= 0.20
    w = sim.grid.area_weight
    mean_in = (z * w)[floors].sum() / w[floors].sum()
    mean_out = (z * w)[~floors].sum() / w[~floors].sum()
    assert mean_out - mean_in > 0.15 * relief


def test_crater_seeds_differ_and_repeat(make_sim):
    _, a = crater_field(make_sim, 1, (64, 32))
    _, b = crater_field(make_sim, 2, (64, 32))
    _, a2 = crater_field(make_sim, 1, (64, 32))
    assert np.array_equal(a, a2)
    assert abs(np.corrcoef(a.ravel(), b.ravel())[0, 1]) < 0.5


def test_impacts_fade_with_rate_and_ocean_condenses(make_sim):
    sim = make_sim(size=(64, 32), seed=4)
    sim.run_stage("protoplanet")  # init: craters; the ocean fills 70 % by default
    z = sim.elevation()
    wet = sim.grid.area_mean((z <= sim.values["sea_level"]).astype(float))
    assert abs(wet - 0.7) < 0.01
    sim.values["impact_rate"] = 0.0
    sim.run_stage("protoplanet", 5)
    assert np.array_equal(sim.elevation(), z)  # no impacts, no change
    sim.values["impact_rate"] = 4.0
    sim.values["impact_size"] = 800.0
    sim.run_stage("protoplanet", 10)
    assert np.abs(sim.elevation() - z).max() > 100.0
    sim.values["ocean_fill"] = 0.5  # half the ocean condensed: sea level follows
    v = sim.land_version
    sim.run_stage("protoplanet")
    z = sim.elevation()
    wet = sim.grid.area_mean((z <= sim.values["sea_level"]).astype(float))
    assert abs(wet - 0.35) < 0.02 and sim.land_version > v


# ---- flow -------------------------------------------------------------------------------------
def run_flow_to_convergence(sim, z, extra=2):
    rec = ref.d8_receivers(z, sim.grid, sim.values["sea_level"], sim.metric == "flat")
    n = longest_path(rec, sim.grid) + extra
    sim.run_pass("flow", n)
    return rec


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_flow_matches_numpy_d8_on_pit_filled_terrain(make_sim, seed):
    sim = make_sim(size=(64, 32), metric="flat")
    g = sim.grid
    rng = np.random.default_rng(seed)
    z = ref.fill_pits(smooth_random(g, rng) + 300.0, g, 0.0).astype(np.float32)
    write_terrain(sim, z)
    land = z > 0
    assert (ref.d8_receivers(z, g, 0.0, True)[land] > 0).all()  # no pits left
    rec = run_flow_to_convergence(sim, z)
    w = sim.field("water").read()
    np.testing.assert_array_equal(w[..., 1].astype(np.int64), rec)
    want = ref.flow_accumulation(rec, np.ones(g.shape), land, g)
    np.testing.assert_array_equal(w[..., 0], want)


def test_flow_conserves_rainfall_on_the_sphere(make_sim):
    sim = make_sim(size=(64, 32))
    g = sim.grid
    rng = np.random.default_rng(7)
    z = smooth_random(g, rng).astype(np.float32)  # with pits: they are outlets too
    write_terrain(sim, z)
    precip = rng.uniform(0.0, 3000.0, g.shape).astype(np.float32)
    moist = np.zeros((*g.shape, 4), np.float32)
    moist[..., 1] = precip
    sim.field("moisture").write(moist)
    sim.values["flow_rain"] = 1.0
    run_flow_to_convergence(sim, z)
    w = sim.field("water").read()
    rec = w[..., 1].astype(np.int64)
    land = z > 0
    idx = ref.receiver_index(rec, g)
    to_sea = (idx >= 0) & ~land.ravel()[np.maximum(idx, 0)]
    outlet = land & ((rec == 0) | to_sea)
    rain = precip.astype(np.float64) / 1000.0
    assert math.isclose(w[..., 0][outlet].sum(), rain[land].sum(), rel_tol=1e-5)
    # and cell for cell like the numpy accumulation over the same receivers
    want = ref.flow_accumulation(rec, rain, land, g)
    np.testing.assert_allclose(w[..., 0], want, rtol=1e-5, atol=1e-5)
    assert (rec[land] == ref.d8_receivers(z, g, 0.0, False)[land]).mean() > 0.99


def test_flow_one_step_matches_reference_step(make_sim):
    sim = make_sim(size=(64, 32), metric="flat")
    g = sim.grid
    z = smooth_random(g, np.random.default_rng(3)).astype(np.float32)
    write_terrain(sim, z)
    sim.run_pass("flow", 3)
    before = sim.field("water").read()
    sim.run_pass("flow")
    got = sim.field("water").read()
    want = ref.flow_step(z, before, np.ones(g.shape), g, 0.0, True)
    np.testing.assert_array_equal(got[..., :2], want)


# ---- basins -----------------------------------------------------------------------------------
def test_basins_follow_receivers_and_have_one_outlet(make_sim):
    sim = make_sim(size=(64, 32))
    g = sim.grid
    z = smooth_random(g, np.random.default_rng(11)).astype(np.float32)
    write_terrain(sim, z)
    rec = ref.d8_receivers(z, g, 0.0, False)
    n = longest_path(rec, g) + 2
    for _ in range(n):
        sim.run_pass("flow")
        sim.run_pass("basins")
    w = sim.field("water").read()
    rec = w[..., 1].astype(np.int64)
    basin = w[..., 2].astype(np.int64)
    land = z > 0
    idx = ref.receiver_index(rec, g).ravel()
    b = basin.ravel()
    lnd = land.ravel()
    inner = lnd & (idx >= 0) & lnd[np.maximum(idx, 0)]
    assert (b[inner] == b[idx[inner]]).all()  # each land cell's basin is its receiver's
    outlet = lnd & ~inner
    assert (b[outlet] == np.flatnonzero(outlet) + 1).all()
    ids, counts = np.unique(b[outlet], return_counts=True)
    assert (counts == 1).all() and set(np.unique(b[lnd])) == set(ids)  # one outlet each
    assert (basin[~land] == 0).all()
    np.testing.assert_array_equal(basin, ref.basins_exact(rec, land, g))


# ---- erode ------------------------------------------------------------------------------------
def land_volume(sim, z):
    return float((np.maximum(z - sim.values["sea_level"], 0.0) * sim.grid.cell_area_m2).sum())


def test_erode_floor_volume_and_reference(make_sim):
    sim = make_sim(size=(64, 32))
    g = sim.grid
    z = (smooth_random(g, np.random.default_rng(5), 2500.0) + 500.0).astype(np.float32)
    write_terrain(sim, z)
    sim.values.update(dt=1e6, K=2e-5)
    sim.run_pass("flow", 20)
    vol = land_volume(sim, sim.elevation())
    changed = 0.0
    for i in range(15):
        t0 = sim.elevation().astype(np.float64)
        sim.run_pass("flow")
        w = sim.field("water").read()
        sim.run_pass("erode")
        z1 = sim.elevation().astype(np.float64)
        rec = w[..., 1].astype(np.int64)
        idx = ref.receiver_index(rec, g).ravel()
        has = idx >= 0
        assert (z1.ravel()[has] >= z1.ravel()[idx[has]]).all(), f"below receiver at step {i}"
        v = land_volume(sim, z1)
        assert v <= vol * (1 + 1e-7), f"land volume grew at step {i}"
        changed += vol - v
        vol = v
        if i == 0:
            want = ref.erode_step(
                t0, w[..., 0], rec, g, K=2e-5, m=0.8, n=2.0, dt=1e6, sea=0.0, marine=2.0
            )
            np.testing.assert_allclose(z1, want, rtol=0, atol=2e-3 * np.abs(t0).max() * 1e-3)
    assert changed > 0


def test_v_valley_deepens_along_channel(make_sim):
    sim = make_sim(size=(64, 32))
    g = sim.grid
    h, w = g.shape
    x = np.arange(w)[None, :]
    y = np.arange(h)[:, None]
    # V valleys every 16 columns (one along column 20) running south to the sea at row 4:
    # channels fall 100 m per row, flanks rise 60 m per column to ridges 8 columns away
    d = np.mod(x - 20, 16)
    z = 100.0 + 100.0 * (y - 4) + 60.0 * np.minimum(d, 16 - d)
    z = np.where(y < 4, -1000.0, z).astype(np.float32)
    write_terrain(sim, z)
    sim.values.update(dt=1e5, K=1e-4)
    sim.run_pass("flow", 40)
    for _ in range(10):
        sim.run_stage("erosion")
    z1 = sim.elevation()
    drop = (z - z1)[8:24]
    assert (drop[:, 20] > 2 * drop[:, 17]).all() and (drop[:, 20] > 2 * drop[:, 23]).all()
    assert drop[:, 20].mean() > 1.0


# ---- plates -----------------------------------------------------------------------------------
def test_plates_grow_until_every_cell_is_claimed(make_sim):
    sim = make_sim(size=(64, 32), seed=9)
    sim.values.update(plate_reform_interval=0, tectonics_every=1)
    sim.run_pass("craters")
    sim.run_pass("plates_seed")
    ids = sim.field("terrain").read()[..., 1]
    seeds = np.unique(ids[ids >= 0])
    assert 3 <= seeds.size <= 30 and (ids < 0).mean() > 0.9
    for _ in range(120):
        sim.run_pass("plates")
        sim.run_pass("uplift")
    ids = sim.field("terrain").read()[..., 1]
    assert (ids >= 0).all()
    assert set(np.unique(ids)) <= set(seeds)  # grown from the seeds, nothing invented


def dt_for(sim, prob, speed=5.0):
    """dt (yr) at which a plate at full east speed moves one column with probability prob."""
    return prob * (2 * math.pi * sim.grid.radius / sim.grid.width) / (speed * 0.01)


def test_plate_centroid_drifts_at_set_velocity(make_sim):
    sim = make_sim(size=(64, 32), seed=2)
    g = sim.grid
    ocean = ref.encode_plate_id(0.0, 0.0, 0.3)
    cont = ref.encode_plate_id(1.0, 0.0, 0.7)  # east at plate_speed
    t = np.zeros((*g.shape, 4), np.float32)
    t[..., 0] = -3000.0
    t[..., 1] = ocean
    box = (slice(10, 22), slice(8, 20))
    t[box + (0,)] = 800.0
    t[box + (1,)] = cont
    sim.field("terrain").write(t)
    sim.values.update(plate_reform_interval=0, tectonics_every=1, dt=dt_for(sim, 0.9))
    steps, every = 400, 5

    def centroid_lon() -> tuple[float, np.ndarray]:
        ids = sim.field("terrain").read()[..., 1]
        mine = ids == np.float32(cont)
        ang = 2 * np.pi * (np.nonzero(mine)[1] + 0.5) / g.width
        return math.atan2(np.sin(ang).mean(), np.cos(ang).mean()), mine

    lon, _ = centroid_lon()
    travelled = 0.0  # unwrapped: a few columns between looks, the plate goes round
    for _ in range(steps // every):
        for _ in range(every):
            sim.run_pass("plates")
            sim.run_pass("uplift")
        new, mine = centroid_lon()
        travelled += (new - lon + math.pi) % (2 * math.pi) - math.pi
        lon = new
    assert mine.sum() == 12 * 12  # rigid: nothing subducted, nothing added
    moved_m = travelled * g.radius
    v_set = 1.0 * sim.values["plate_speed"] * 0.01  # m/yr
    v_seen = moved_m / (steps * sim.values["dt"])
    assert abs(v_seen / v_set - 1) < 0.10
    rows = np.nonzero(mine)[0]
    assert rows.min() == 10 and rows.max() == 21  # no north-south drift


def two_plates(sim, elev=500.0):
    g = sim.grid
    a = ref.encode_plate_id(1.0, 0.0, 0.2)  # east
    b = ref.encode_plate_id(-1.0, 0.0, 0.8)  # west
    t = np.zeros((*g.shape, 4), np.float32)
    t[..., 0] = elev
    t[..., 1] = np.where(np.arange(g.width)[None, :] < g.width // 2, a, b)
    t[..., 3] = 100.0  # old crust, Myr
    sim.field("terrain").write(t)
    return a, b


def test_head_on_collision_raises_a_ridge(make_sim):
    sim = make_sim(size=(64, 32))
    a, b = two_plates(sim)
    sim.values.update(
        plate_reform_interval=0, tectonics_every=1, dt=dt_for(sim, 0.3), talus_slope=0.05
    )
    for _ in range(40):
        sim.run_pass("plates")
        sim.run_pass("uplift")
    t = sim.field("terrain").read()
    z = t[..., 0]
    ids = t[..., 1]
    # the converging boundary: where the east-moving plate meets the west-moving one
    conv = (ids == np.float32(a)) & (np.roll(ids, -1, axis=1) == np.float32(b))
    band = z[4:-4]  # away from the poles
    ridge = np.array(
        [
            row[max(0, int(np.argmax(c)) - 2) : int(np.argmax(c)) + 3].max()
            for row, c in zip(band, conv[4:-4], strict=True)
        ]
    )
    assert ridge.min() > 1500.0  # mountains along the whole boundary
    interior = np.median(band)
    assert interior < 1000.0  # the plate interiors stay low
    assert t[..., 2].max() > 0.1  # collision stress


def test_divergence_opens_rift_at_ocean_depth_with_age_zero(make_sim):
    sim = make_sim(size=(64, 32))
    two_plates(sim)
    sim.values.update(
        plate_reform_interval=0, tectonics_every=1, dt=dt_for(sim, 1.0), sea_level=120.0
    )
    sim.run_pass("plates")
    c = sim.field("crust").read()
    # x = 0 is where the west-moving plate (right half, wrapping) leaves the east-moving one
    w = sim.grid.width
    for col in (0, w - 1):
        assert (c[:, col, 0] == np.float32(120.0 - sim.values["rift_depth"])).all()
        assert (c[:, col, 3] == 0.0).all()
    assert (c[:, 5, 3] > 100.0).all()  # elsewhere crust ages


def test_plates_and_uplift_match_numpy_reference(make_sim):
    """With every plate moving every step (probability 1), plates.frag's gather is
    deterministic: compare it and uplift.frag cell for cell with the numpy rules."""
    sim = make_sim(size=(64, 32))
    g = sim.grid
    rng = np.random.default_rng(4)
    vel = [(1, 0), (-1, 0), (0, 1), (0, -1), (0, 0), (1, 0)]
    ids = [ref.encode_plate_id(ve, vn, 0.1 + 0.15 * i) for i, (ve, vn) in enumerate(vel)]
    x = np.arange(g.width)[None, :]
    y = np.arange(g.height)[:, None]
    which = (x // 11 + 2 * (y // 12)) % len(ids)
    t = np.zeros((*g.shape, 4), np.float32)
    t[..., 0] = rng.uniform(-4000, 3000, g.shape)
    t[..., 1] = np.array(ids, np.float32)[which]
    t[..., 2] = rng.uniform(0, 0.5, g.shape)
    t[..., 3] = rng.uniform(0, 200, g.shape)
    sim.field("terrain").write(t)
    sim.values.update(
        plate_reform_interval=0, tectonics_every=1, dt=dt_for(sim, 1.0), sea_level=-100.0
    )
    sim.run_pass("plates")
    got = sim.field("crust").read()
    v = sim.values
    want = ref.plates_step(
        t.astype(np.float64),
        g,
        np.random.default_rng(0),
        dt=v["dt"],
        sea=-100.0,
        **ref.plates_args(v),
    )
    np.testing.assert_array_equal(got[..., 1], want[..., 1].astype(np.float32))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-4)
    assert (want[..., 2] > t[..., 2] + 0.2).sum() > 10  # collisions happened
    sim.run_pass("uplift")
    got2 = sim.field("terrain").read()
    want2 = ref.uplift_step(got.astype(np.float64), g, dt=v["dt"], sea=-100.0, **ref.uplift_args(v))
    np.testing.assert_allclose(got2, want2, rtol=1e-5, atol=0.05)


def test_plates_reform_periodically(make_sim):
    sim = make_sim(size=(64, 32), seed=3)
    sim.run_pass("craters")
    sim.values.update(plate_reform_interval=150, tectonics_every=1)
    sim.run_stage("tectonics", 150 - sim.step_count % 150)  # up to the step of a re-forming
    before = sim.field("terrain").read()[..., 1]
    assert (before >= 0).all()
    sim.run_stage("tectonics")  # this step's `plates` dissolves and re-seeds
    after = sim.field("terrain").read()[..., 1]
    assert (after < 0).mean() > 0.9
    assert not set(np.unique(after[after >= 0])) & set(np.unique(before))  # new plates
    sim.run_stage("tectonics", 120)
    assert (sim.field("terrain").read()[..., 1] >= 0).all()


def test_tectonics_keeps_the_ocean_fraction(make_sim):
    sim = make_sim(size=(64, 32), seed=3)
    sim.run_pass("craters")
    sim.values.update(ocean_track_interval=10, ocean_fraction=0.6, sea_level=-9000.0)
    sim.run_stage("tectonics")
    z = sim.elevation()
    wet = sim.grid.area_mean((z <= sim.values["sea_level"]).astype(float))
    assert abs(wet - 0.6) < 0.02
