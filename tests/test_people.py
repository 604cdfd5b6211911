"""The people stage: the people and carbon passes against their numpy references, logistic
growth against its analytic solution, conservative CO2 transport, carbon bookkeeping, and the
warming that empties the tropics (with the real climate stage)."""

from __future__ import annotations

import numpy as np
import pytest
from test_life import island, read, world

from planetsim.core.registry import STAGES
from planetsim.reference.life import carbon_step, people_step


def test_people_pass_matches_reference(make_sim):
    sim = make_sim(size=(64, 32))
    grid = sim.grid
    v = sim.values
    rng = np.random.default_rng(11)
    world(sim, rng.uniform(-500, 800, grid.shape), rng.uniform(-20, 45, grid.shape), 800.0)
    life = rng.uniform(0, 1, (*grid.shape, 4)).astype(np.float32)
    civ = np.zeros((*grid.shape, 4), np.float32)
    civ[..., 0] = rng.uniform(0, 150, grid.shape)
    civ[..., 1] = rng.uniform(0, 5, grid.shape)
    sim.field("life").write(life)
    v["people_origin"] = (float(grid.lat[20]), float(grid.lon[40]))
    for dt in (1.0, 30.0, 1.0e5):
        v["dt"] = dt
        sim.field("civ").write(civ)
        want = people_step(civ, read(sim, "air"), life, grid, v)
        sim.run_pass("people")
        # atol: carbon left after burning is C - B in float32 (C up to 5 GtC, ulp ~5e-7), so a
        # cell burnt almost to nothing carries a few tens of ulps of absolute error.
        np.testing.assert_allclose(read(sim, "civ"), want, rtol=2e-4, atol=2e-5, err_msg=str(dt))


def test_logistic_growth_matches_the_analytic_solution(make_sim):
    """Uniform habitable land: N(t) = K / (1 + (K/N0 - 1) exp(-r t)), K from plants."""
    sim = make_sim(size=(8, 4))
    v = sim.values
    v.update(people_spread=0.0, people_burn=0.0, dt=1.0, people_every=1)
    world(sim, 200.0, 15.0, 1000.0)
    life = np.zeros((*sim.grid.shape, 4), np.float32)
    life[..., 0] = 0.5 * v["people_plant_ref"]  # food for half the capacity
    life[..., 3] = 1.0  # all land
    sim.field("life").write(life)
    n0 = 2.0
    civ = np.zeros((*sim.grid.shape, 4), np.float32)
    civ[..., 0] = n0
    sim.field("civ").write(civ)
    k = 0.5 * v["people_capacity"]
    r = v["people_growth"]
    for t in (20, 100, 200, 400):
        sim.run_pass("people", t - sim.step_count)
        want = k / (1 + (k / n0 - 1) * np.exp(-r * t))
        np.testing.assert_allclose(read(sim, "civ")[..., 0], want, rtol=1e-3)


def winds(grid, rng) -> tuple[np.ndarray, np.ndarray]:
    lat = np.radians(grid.lat2d)
    u = 12 * np.cos(3 * lat) + rng.normal(0, 3, grid.shape)
    v = 4 * np.sin(2 * lat) * np.cos(np.radians(grid.lon2d) * 2) + rng.normal(0, 2, grid.shape)
    return u, v


def carbon_world(sim, rng) -> tuple[np.ndarray, np.ndarray]:
    """Winds, uneven CO2 (200..900 ppm) and emissions from 10% of the cells; (civ, air)."""
    grid = sim.grid
    world(sim, 0.0, 10.0, 500.0, wind=winds(grid, rng), co2=0.0)
    m = read(sim, "moisture").astype(np.float32)
    m[..., 3] = rng.uniform(200, 900, grid.shape)
    sim.field("moisture").write(m)
    civ = np.zeros((*grid.shape, 4), np.float32)
    civ[..., 2] = rng.uniform(0, 0.01, grid.shape) * (rng.uniform(size=grid.shape) < 0.1)
    sim.field("civ").write(civ)
    return civ, read(sim, "air")


@pytest.mark.parametrize("dt", [1.0 / 365.0, 1.0])
def test_carbon_pass_matches_reference(make_sim, dt):
    """Several steps, so the butterfly partner walks through x and y offsets."""
    sim = make_sim(size=(64, 32))
    grid = sim.grid
    v = sim.values
    v["dt"] = dt
    civ, air = carbon_world(sim, np.random.default_rng(7))
    for _ in range(13):
        want = carbon_step(read(sim, "moisture"), air, civ, grid, v, sim.step_count)
        sim.run_pass("carbon")
        np.testing.assert_allclose(read(sim, "moisture"), want, rtol=2e-5, atol=1e-3)


@pytest.mark.parametrize("dt", [1.0 / 365.0, 0.25])
def test_carbon_global_mixing_through_the_hook_matches_reference(make_sim, dt):
    """The stage hook's mipmaps give the exact global mean: the second run mixes toward it
    (the first finds no fresh mipmaps: nothing written yet)."""
    from planetsim.stages.people import people_hook

    sim = make_sim(size=(64, 32))
    grid = sim.grid
    v = sim.values
    v.update(dt=dt, people_every=1, people_appeared=True)
    civ, air = carbon_world(sim, np.random.default_rng(8))
    for fresh in (False, True, True):
        want = carbon_step(read(sim, "moisture"), air, civ, grid, v, sim.step_count, fresh)
        people_hook(sim)
        sim.run_pass("carbon")
        np.testing.assert_allclose(read(sim, "moisture"), want, rtol=2e-5, atol=1e-3)


def test_carbon_transport_conserves_and_mixes(make_sim):
    """No emissions: the area-weighted CO2 total is kept while winds and mixing even it out."""
    sim = make_sim(size=(128, 64))
    grid = sim.grid
    sim.values.update(dt=1.0 / 12.0, people_every=1)  # one pass a step, as scheduled
    rng = np.random.default_rng(2)
    world(sim, 0.0, 10.0, 500.0, wind=winds(grid, rng), co2=280.0)
    m = read(sim, "moisture").astype(np.float32)
    m[..., 3] = np.where(rng.uniform(size=grid.shape) < 0.02, 5000.0, 280.0)
    sim.field("moisture").write(m)
    w = np.asarray(grid.area_weight)
    before = float((m[..., 3] * w).sum())  # the global mean, ppm
    sim.run_pass("carbon", 48)  # four years of monthly steps: a few mixing times
    c = read(sim, "moisture")[..., 3]
    assert abs((c * w).sum() / before - 1) < 1e-5
    assert c.min() >= 0 and np.ptp(c) < 0.01 * before


@pytest.mark.parametrize("size", [(64, 32), (96, 48)])
def test_people_appear_spread_burn_and_carbon_is_booked(make_sim, size):
    """People appear on the most habitable land, fill the continent, burn the normalised
    reserve; the CO2 added (area-weighted ppm x 2.13) equals the carbon burnt within 1e-5
    (float32 sums; 4e-7 and 9e-7 measured).
    96x48 is not a power of two: no mipmap mean there, the butterfly alone mixes."""
    sim = make_sim(size=size)
    grid = sim.grid
    v = sim.values
    v.update(dt=1.0, people_growth=0.05, people_burn=6.0)
    elev = island(grid)
    land = elev > 0
    temp = 30.0 - 0.5 * np.abs(grid.lat2d)
    rng = np.random.default_rng(4)
    world(sim, elev, temp, 1200.0, wind=winds(grid, rng), co2=280.0)
    life = np.zeros((*grid.shape, 4), np.float32)
    life[..., 0] = land
    life[..., 3] = land  # the life pass's land mask
    sim.field("life").write(life)
    civ = np.zeros((*grid.shape, 4), np.float32)
    civ[..., 1] = land  # any distribution: rescaled to carbon_reserve
    sim.field("civ").write(civ)

    sim.run_stage("people")
    assert v["people_appeared"]
    lat, lon = v["people_origin"]
    y, x = int((lat + 90) / 180 * grid.height), int((lon + 180) / 360 * grid.width)
    assert land[y, x] and 5.0 <= temp[y, x] <= 35.0 - v["people_heat_width"]
    reserve = float(read(sim, "civ")[..., 1].sum())
    assert reserve == pytest.approx(v["carbon_reserve"], rel=1e-3)

    sim.run_stage("people", 399)
    civ = read(sim, "civ")
    people = civ[..., 0]
    assert (people[~land] == 0).all() and people.min() >= 0
    assert (people[land] > 1.0).mean() > 0.9  # spread over the continent
    burnt = reserve - civ[..., 1].sum()
    assert burnt > 0.5 * reserve
    co2 = read(sim, "moisture")[..., 3]
    added = (co2 - 280.0) @ np.ones(grid.width) @ np.asarray(grid.area_weight)[:, 0] * 2.13
    assert added == pytest.approx(burnt, rel=1e-5)
    # Mixed over the globe (yearly steps, a 1-year mixing time): away from this step's
    # emitters the air holds the same CO2 everywhere.
    sea = co2[~land]
    if size == (64, 32):  # (the butterfly alone mixes more slowly: no claim for 96x48)
        assert sea.std() < 0.01 * sea.mean()
    assert (civ[..., 3][land] > 0.5).mean() > 0.9  # the lights are on


def run_stages(sim, stages: list[str], steps: int) -> None:
    """Several stages in story order, `steps` sim steps, on whatever clock values are set."""
    for _ in range(steps):
        for name in stages:
            sim._run_stage_once(STAGES[name])
        sim.step_count += 1


def warming_story(make_sim, people: bool) -> dict[str, list[float]]:
    """Relief, then 300 Myr of climate and life in 1-Myr steps (life spreads, carbon is
    buried), then 1000 yearly steps of the industrial era, with or without people."""
    sim = make_sim(size=(64, 32), seed=1)
    grid = sim.grid
    v = sim.values
    sim.run_pass("relief_noise")
    v.update(dt=1.0e6, life_seed_rate=0.05)
    run_stages(sim, ["climate", "water_cycle", "life"], 300)
    v.update(dt=1.0, people_on=people, people_era=5.0, people_growth=0.04)
    out: dict[str, list[float]] = {"temp": [], "share": [], "burnt": [], "co2": []}
    tropics = np.abs(grid.lat2d) <= 15.0
    for _ in range(20):
        run_stages(sim, ["climate", "water_cycle", "life", "people"], 50)
        civ = read(sim, "civ")
        count = civ[..., 0] * grid.cell_area_m2
        out["temp"].append(grid.area_mean(read(sim, "air")[..., 1]))
        out["share"].append(count[tropics].sum() / max(count.sum(), 1e-30))
        out["burnt"].append(v["carbon_reserve"] - civ[..., 1].sum())
        out["co2"].append(grid.area_mean(read(sim, "moisture")[..., 3]))
    return out


def test_burning_the_reserve_warms_the_planet_and_empties_the_tropics(make_sim):
    """With the real climate (greenhouse 3 K per doubling): burning the default reserve ends
    >= 8 degC warmer than the same story without people, and the share of people within 15
    degrees of the equator falls to half its peak or less."""
    with_people = warming_story(make_sim, True)
    without = warming_story(make_sim, False)
    assert with_people["burnt"][-1] > 0.6 * 5000.0
    assert without["co2"][-1] == pytest.approx(280.0, abs=1e-3)
    assert with_people["temp"][-1] - without["temp"][-1] >= 8.0
    peak = max(with_people["share"])
    assert peak > 0.1 and with_people["share"][-1] <= 0.5 * peak


STORY = """
name = "life-and-people"
description = "test story: life in geological steps, then people in decades"
[grid]
size = [64, 32]
seed = 3
[life]
life_seed_rate = 0.05
life_diffusion = [0.05, 0.1, 0.2]
[people]
carbon_reserve = 3000.0
people_growth = 0.05
[[epoch]]
name = "relief"
frames = 1
years = [-6.0e8, -5.99e8]
stages = ["relief"]
[[epoch]]
name = "life"
frames = 100
years = [-5.99e8, -1.0e4]
stages = ["climate", "water_cycle", "life"]
steps_per_frame = 2
[[epoch]]
name = "people"
frames = 150
years = [-1.0e4, 2000.0]
stages = ["climate", "water_cycle", "life", "people"]
steps_per_frame = 4
ramp = { people_era = [0.2, 3.0] }
"""


def test_story_life_then_people(make_sim):
    """Through the preset and timeline: life covers the land and buries carbon in the
    geological epoch; people appear when their stage starts, spread, burn the reserve the
    preset names, and CO2 and night lights rise."""
    from planetsim.core.presets import parse

    sim = make_sim(preset=parse(STORY), size=None)
    sim.step(101)
    land = read(sim, "terrain")[..., 0] > sim.values["sea_level"]
    life = read(sim, "life")
    assert (life[land][..., 0] > 0.01).mean() > 0.5
    assert read(sim, "civ")[..., 1].sum() > 0 and not sim.values["people_appeared"]
    assert read(sim, "civ")[..., 0].max() == 0.0
    sim.step(150)
    assert sim.values["people_appeared"]
    civ = read(sim, "civ")
    assert (civ[..., 0][land] > 1.0).mean() > 0.3 and (civ[..., 0][~land] == 0).all()
    burnt = 3000.0 - civ[..., 1].sum()
    co2 = sim.grid.area_mean(read(sim, "moisture")[..., 3])
    assert burnt > 100.0
    # Booked to 1e-3: after the reserve is spent the mixed CO2 still creeps up by about 4e-7
    # of itself a step (2.2e-4 by the end here, float32 mixing towards a float32 mean).
    assert (co2 - 280.0) * 2.13 == pytest.approx(burnt, rel=1e-3)
    assert civ[..., 3].max() > 0.5


def test_the_world_market_mines_carbon_where_nobody_lives(make_sim):
    """People in one patch, all the carbon in another that nobody reaches: after the first run
    (which leaves the market its numbers), each run burns dt min(D, S) GtC there, D the
    people's demand (people_burn x era x workforce x area) and S = people_extract x the remote
    carbon (the market's law in the pass header), and none where nobody mines on a grid that
    is not a power of two."""
    for size, market in (((64, 32), True), ((48, 24), False)):
        sim = make_sim(size=size)
        g = sim.grid
        v = sim.values
        v.update(
            people_spread=0.0, people_growth=0.0, people_voyage=0.0, people_era=2.0,
            people_burn=6.0, people_extract=0.05, people_every=1, dt=1.0, people_appeared=True,
        )  # fmt: skip
        world(sim, 200.0, 15.0, 1000.0)
        life = np.zeros((*g.shape, 4), np.float32)
        life[..., 0] = 1.0
        life[..., 3] = 1.0  # all land
        sim.field("life").write(life)
        x = np.arange(g.width)[None, :] * np.ones(g.shape)
        people = (x < g.width // 8) & (np.abs(g.lat2d) < 40)
        remote = (x >= g.width // 2) & (x < 3 * g.width // 4)
        civ = np.zeros((*g.shape, 4), np.float32)
        civ[..., 0] = 100.0 * people
        civ[..., 1] = 2.0 * remote
        sim.field("civ").write(civ)
        # The demand, from the documented law: workforce = N + a quarter of the 4 neighbours'.
        n = civ[..., 0].astype(np.float64)
        near = sum(g.neighbour(n, dx, dy) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)))
        near[0] -= g.neighbour(n, 0, -1)[0]  # no neighbour across a pole
        near[-1] -= g.neighbour(n, 0, 1)[-1]
        area_km2 = g.cell_area_m2 * 1e-6
        demand = float((6.0 * 2.0 * (n + 0.25 * near) * area_km2 * 1e-9).sum())
        sim.run_stage("people")  # the first run: the market learns the numbers
        c1 = read(sim, "civ")[..., 1]
        assert np.allclose(c1[remote], 2.0)  # nobody mined there yet
        sim.run_stage("people")
        c2 = read(sim, "civ")[..., 1]
        burnt = float((c1 - c2)[remote].sum())
        if market:
            supply = 0.05 * float(c1[remote].sum())
            want = min(demand, supply)
            assert demand > 0.01 * supply  # the case is not trivial
            np.testing.assert_allclose(burnt, want, rtol=2e-3)
        else:
            assert burnt == 0.0


@pytest.mark.parametrize("voyage", [0.0, 0.002])
def test_sea_voyages_settle_coastal_cells_at_the_documented_rate(make_sim, voyage):
    """With walking and growth off, people reach a cell only by sea: each coastal land cell
    is settled at people_seed with chance p = people_voyage x era x dt a step, so after k
    steps about N (1 - (1 - p)^k) of the N coastal cells hold people (binomial, within 4
    sigma: a rate off by a third fails); inland cells never do, and with people_voyage = 0
    only the first settlement is there. An island with an interior, and an archipelago of
    one-cell islets for the count."""
    sim = make_sim(size=(64, 32))
    grid = sim.grid
    v = sim.values
    elev = island(grid)
    y, x = np.mgrid[0 : grid.height, 0 : grid.width]
    near = elev > 0
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1)):
        near = near | grid.neighbour(elev > 0, dx, dy)
    islets = (x % 2 == 0) & (y % 2 == 0) & ~near & (np.abs(grid.lat2d) < 75)
    elev = np.where(islets, 300.0, elev)
    land = elev > 0
    world(sim, elev, 20.0, 1200.0)
    life = np.zeros((*grid.shape, 4), np.float32)
    life[..., 0] = land
    life[..., 3] = land
    sim.field("life").write(life)
    sim.field("civ").clear()
    oy, ox = np.argwhere(land)[len(np.argwhere(land)) // 2]
    v.update(
        dt=1.0, people_every=1, people_era=1.0, people_growth=0.0, people_spread=0.0,
        people_voyage=voyage, people_appeared=True,
        people_origin=(float(grid.lat[oy]), float(grid.lon[ox])),
    )  # fmt: skip
    k = 400
    for _ in range(k):
        sim.run_pass("people")
        sim.step_count += 1
    settled = read(sim, "civ")[..., 0] > 0
    sea = ~land
    coast = land & np.zeros_like(land)
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        rows = np.arange(grid.height)[:, None] + dy
        inside = (rows >= 0) & (rows < grid.height)
        coast |= land & grid.neighbour(sea, dx, dy) & inside
    coast[oy, ox] = False
    first = np.zeros_like(land)
    first[oy, ox] = True
    assert settled[oy, ox]
    assert not (settled & land & ~coast & ~first).any(), "an inland cell was settled by sea"
    n = int(coast.sum())
    q = 1.0 - (1.0 - voyage) ** k
    got = int((settled & coast).sum())
    assert abs(got - n * q) <= 4.0 * np.sqrt(n * q * (1 - q)) + 1e-9, (got, n, q)
    if voyage > 0:
        assert got > 0
