"""Conservation laws as properties (hypothesis): random small grids and random fields,
beside the hand-made cases of the stage tests. Each law is written here from its own
statement (a total on the sphere), not from the shaders or planetsim.reference.

- carbon: buried carbon + the CO2 in the air (area-weighted mean ppm x 2.13 GtC/ppm) is the
  same before and after any number of people + carbon steps (burning moves it, transport
  mixes it);
- life: the exchange between cells (diffusion over land, growth off) keeps each population's
  area-weighted total and never crosses into the sea;
- rain: flow accumulation weighted by rain delivers, at the outlets, exactly the rain that
  fell on land;
- rock: the crust's flow in the plates' frames (gravitational spreading, any diffusivity)
  keeps each plate's continental volume and never sharpens the crust (its variance);
- sediment: erosion and deposition keep the rock: the terrain's volume on the sphere plus the
  sediment still on its way is the same after any number of erosion runs;
- vapour: the water cycle's transport keeps the vapour on the sphere: its total changes, step
  by step, only by the evaporation minus the rain (any wind smooth on the sphere, over the
  poles too, any temperatures, land and soil).
"""

from __future__ import annotations

import numpy as np
from conftest import NEUTRAL, plates_only  # noqa: I001  (the tests' own helpers, after the package)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planetsim
from planetsim.core.presets import parse
from planetsim.stages.climate import water_run

PPM_GTC = 2.13  # GtC per ppm of CO2 in the whole atmosphere (the people stage's booking)
SIZES = [(16, 8), (32, 16), (48, 24), (64, 32)]
PROPERTY = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,  # the same examples in CI every run; failures reproduce
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_SIMS: dict[tuple[int, int], planetsim.Simulation] = {}


def sim_of(ctx, size: tuple[int, int]) -> planetsim.Simulation:
    """One simulation per grid size for the whole module (compiling is the slow part), reset
    before each example."""
    sim = _SIMS.get(size)
    if sim is None:
        sim = planetsim.Simulation(parse(NEUTRAL), size=size, ctx=ctx)
        _SIMS[size] = sim
    sim.reset(1)
    return sim


def teardown_module() -> None:
    for sim in _SIMS.values():
        sim.close()
    _SIMS.clear()


def fields(sim: planetsim.Simulation, rng: np.random.Generator, land_share: float) -> np.ndarray:
    """Random terrain (land where a smoothed noise is in its top land_share), air and rain."""
    shape = sim.grid.shape
    noise = rng.normal(size=shape)
    for _ in range(3):  # a little smoothing: land comes in patches, not single cells
        noise = (noise + np.roll(noise, 1, 0) + np.roll(noise, 1, 1)) / 3.0
    cut = np.quantile(noise, 1.0 - land_share)
    elev = np.where(noise > cut, 100.0 + 2000.0 * (noise - cut), -3000.0).astype(np.float32)
    t = np.zeros((*shape, 4), np.float32)
    t[..., 0] = elev
    sim.field("terrain").write(t)
    a = np.zeros((*shape, 4), np.float32)
    a[..., 0] = 1013.0
    a[..., 1] = rng.uniform(-10.0, 32.0, shape)
    a[..., 2] = rng.uniform(-15.0, 15.0, shape)
    a[..., 3] = rng.uniform(-10.0, 10.0, shape)
    sim.field("air").write(a)
    return elev


grids = st.sampled_from(SIZES)
seeds = st.integers(0, 2**31 - 1)
shares = st.floats(0.15, 0.85)


@PROPERTY
@given(size=grids, seed=seeds, land_share=shares, steps=st.integers(1, 12))
def test_carbon_is_conserved_under_burning_and_transport(ctx, size, seed, land_share, steps):
    sim = sim_of(ctx, size)
    rng = np.random.default_rng(seed)
    elev = fields(sim, rng, land_share)
    land = elev > 0
    shape = sim.grid.shape
    m = np.zeros((*shape, 4), np.float32)
    m[..., 3] = rng.uniform(200.0, 3000.0, shape)  # CO2, ppm, uneven
    sim.field("moisture").write(m)
    life = np.zeros((*shape, 4), np.float32)
    life[..., 0] = rng.uniform(0.0, 1.0, shape) * land
    life[..., 3] = land
    sim.field("life").write(life)
    civ = np.zeros((*shape, 4), np.float32)
    civ[..., 0] = rng.uniform(0.0, 80.0, shape) * land  # people already there
    civ[..., 1] = rng.uniform(0.0, 3.0, shape) * land  # buried carbon, GtC per cell
    sim.field("civ").write(civ)
    sim.values.update(
        dt=float(rng.uniform(0.2, 2.0)),
        people_every=1,
        people_appeared=True,  # no appearance step: the buried carbon keeps its own total
        people_burn=float(rng.uniform(0.5, 20.0)),
        people_era=float(rng.uniform(0.5, 5.0)),
    )
    w = np.asarray(sim.grid.area_weight, np.float64)

    def total() -> float:
        c = sim.field("civ").read().astype(np.float64)
        co2 = sim.field("moisture").read()[..., 3].astype(np.float64)
        return float(c[..., 1].sum() + PPM_GTC * (co2 * w).sum())

    before = total()
    buried0 = float(civ[..., 1].astype(np.float64).sum())
    sim.run_stage("people", steps)
    after = total()
    buried = float(sim.field("civ").read()[..., 1].astype(np.float64).sum())
    assert buried <= buried0 + 1e-6  # people only burn
    assert buried < buried0 - 1e-6  # ... and they do: the law is tested on a moving budget
    np.testing.assert_allclose(after, before, rtol=2e-6)
    assert not np.array_equal(sim.field("moisture").read()[..., 3], m[..., 3])  # CO2 moved
    assert sim.field("moisture").read()[..., 3].min() >= 0.0


@PROPERTY
@given(size=grids, seed=seeds, land_share=shares, steps=st.integers(1, 60))
def test_life_exchange_keeps_each_population(ctx, size, seed, land_share, steps):
    sim = sim_of(ctx, size)
    rng = np.random.default_rng(seed)
    elev = fields(sim, rng, land_share)
    land = elev > 0
    shape = sim.grid.shape
    d = tuple(float(x) for x in rng.uniform(0.0, 0.25, 3))
    sim.values.update(life_dt=0.0, life_seed_rate=0.0, life_diffusion=d)
    life = np.zeros((*shape, 4), np.float32)
    life[..., :3] = rng.uniform(0.0, 2.0, (*shape, 3)) * land[..., None]
    life[..., 3] = land
    sim.field("life").write(life)
    w = np.asarray(sim.grid.area_weight, np.float64)[..., None]
    before = (life[..., :3].astype(np.float64) * w).sum(axis=(0, 1))
    sim.run_pass("life", steps)
    after_f = sim.field("life").read()
    after = (after_f[..., :3].astype(np.float64) * w).sum(axis=(0, 1))
    np.testing.assert_allclose(after, before, rtol=1e-5)
    assert (after_f[~land][..., :3] == 0).all()
    assert after_f[..., :3].min() >= 0.0
    # Something was exchanged wherever a population can move (land beside land, d > 0).
    g = sim.grid
    rows = np.arange(g.height)[:, None]
    paired = np.zeros_like(land)
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        paired |= land & g.neighbour(land, dx, dy) & (rows + dy >= 0) & (rows + dy < g.height)
    for k in range(3):
        if d[k] > 1e-3 and paired.any():
            assert np.abs(after_f[..., k] - life[..., k]).max() > 0.0, k


def _outlets(rec: np.ndarray, land: np.ndarray, grid) -> np.ndarray:
    """Land cells whose water leaves the land: no receiver, or a receiver at sea."""
    offsets = [(0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1)]  # N..NW
    out = land & (rec == 0)
    for k, (dx, dy) in enumerate(offsets, start=1):
        rows, cols = grid.neighbour_index(dx, dy)
        out |= land & (rec == k) & ~land[rows, cols]
    return out


@PROPERTY
@given(size=grids, seed=seeds, land_share=shares)
def test_rain_weight_reaches_the_outlets(ctx, size, seed, land_share):
    sim = sim_of(ctx, size)
    rng = np.random.default_rng(seed)
    elev = fields(sim, rng, land_share)
    land = elev > 0
    shape = sim.grid.shape
    rain = rng.uniform(0.0, 4000.0, shape).astype(np.float32)
    m = np.zeros((*shape, 4), np.float32)
    m[..., 1] = rain
    sim.field("moisture").write(m)
    sim.values.update(flow_rain=1.0, K=0.0)
    sim.run_stage("erosion")  # the stage's first run fills, routes and accumulates exactly
    water = sim.field("water").read()
    rec = np.rint(water[..., 1]).astype(np.int64)
    out = _outlets(rec, land, sim.grid)
    delivered = float(water[..., 0][out].astype(np.float64).sum())
    fell = float((rain[land].astype(np.float64) / 1000.0).sum())  # m/yr per cell
    np.testing.assert_allclose(delivered, fell, rtol=1e-5)


@PROPERTY
@given(
    size=grids, seed=seeds, land_share=shares, G=st.floats(0.0, 5.0),
    marine=st.floats(0.0, 1.0), runs=st.integers(1, 12),
)  # fmt: skip
def test_erosion_and_deposition_keep_the_rock(ctx, size, seed, land_share, G, marine, runs):
    sim = sim_of(ctx, size)
    rng = np.random.default_rng(seed)
    fields(sim, rng, land_share)
    sim.field("lake").clear()
    sim.values.update(
        dt=1e5, K=3e-5, sediment_G=G, sediment_marine=marine, marine_sediment=0.0,
        route_every=1,
    )  # fmt: skip
    # km^2 per cell as the erode pass books it: row spacing x column spacing at its latitude
    g = sim.grid
    area = (np.pi * g.radius / g.height) * (2 * np.pi * g.radius / g.width) * 1e-6
    area = area * np.cos(np.radians(g.lat2d))

    def rock() -> float:
        z = sim.field("terrain").read()[..., 0].astype(np.float64)
        return float((z * area).sum() + sim.field("lake").read()[..., 2].astype(np.float64).sum())

    before = rock()
    moved = 0.0
    for _ in range(runs):
        z0 = sim.field("terrain").read()[..., 0].astype(np.float64)
        sim.run_stage("erosion")
        z1 = sim.field("terrain").read()[..., 0].astype(np.float64)
        moved += float((np.abs(z1 - z0) * area).sum())
    scale = float((np.abs(sim.field("terrain").read()[..., 0]) * area).sum())
    assert moved > 0.0  # the rivers did cut: the budget is tested on rock that moved
    assert abs(rock() - before) <= 1e-6 * scale + 1e-4 * moved


TECTONICS = plates_only(
    (32, 16), tectonics_every=1, frames_every=1, arc_rate=0.0, crust_recycling=0.0
)
_TECTONIC: dict[tuple[int, int], planetsim.Simulation] = {}


@PROPERTY
@given(
    size=grids, seed=seeds, flow=st.floats(0.0, 5000.0), creep=st.floats(0.0, 500.0),
    steps=st.integers(1, 20),
)  # fmt: skip
def test_crust_flow_keeps_each_plates_continental_volume(ctx, size, seed, flow, creep, steps):
    from planetsim.reference.plates import frames_of
    from planetsim.stages.tectonics.driver import driver_of
    from planetsim.stages.tectonics.start import StartCrust
    from planetsim.stages.tectonics.table import PlateTable

    sim = _TECTONIC.get(size)
    if sim is None:
        sim = planetsim.Simulation(parse(TECTONICS), size=size, ctx=ctx)
        _TECTONIC[size] = sim
    sim.reset(1)
    sim.values.update(crust_flow=flow, crust_creep=creep)
    g = sim.grid
    rng = np.random.default_rng(seed)
    h = np.where(rng.uniform(size=g.shape) < 0.5, rng.uniform(15.0, 70.0, g.shape), 0.0)
    plate = np.broadcast_to(np.arange(g.width) * 3 // g.width, g.shape).astype(int)  # bands
    table = PlateTable()
    table.active[:3] = True  # still plates: no boundary acts, only the flow inside each
    driver_of(sim).begin(
        sim, StartCrust(h, np.full(g.shape, 50.0), plate, np.zeros(g.shape), table)
    )
    w = np.asarray(g.area_weight, np.float64)

    def volumes() -> tuple[np.ndarray, float]:
        tiles = frames_of(sim.field("frames").read().astype(np.float64), g)[:3]
        mine = [w * (t[..., 1] >= 0) for t in tiles]
        vol = np.array([(m * t[..., 0]).sum() for m, t in zip(mine, tiles, strict=True)])
        # Area-weighted variance of thickness about each plate's mean: diffusion in flux form
        # with symmetric exchanges never raises it.
        var = sum(
            float((m * (t[..., 0] - v / m.sum()) ** 2).sum())
            for m, t, v in zip(mine, tiles, vol, strict=True)
        )
        return vol, var

    v0, s0 = volumes()
    sim.run_stage("tectonics", steps)
    v1, s1 = volumes()
    np.testing.assert_allclose(v1, v0, rtol=1e-5)
    assert s1 <= s0 * (1 + 1e-5)  # it spreads, never sharpens
    if flow + creep >= 1.0:
        assert s1 < s0 * (1 - 1e-6)  # ... and it does spread


@PROPERTY
@given(
    size=grids, seed=seeds, land_share=shares, turn=st.floats(0.0, 40.0),
    spread=st.floats(0.0, 12.0), steps=st.integers(1, 20),
)  # fmt: skip
def test_vapour_changes_only_by_evaporation_minus_rain(
    ctx, size, seed, land_share, turn, spread, steps
):
    sim = sim_of(ctx, size)
    g = sim.grid
    rng = np.random.default_rng(seed)
    land = fields(sim, rng, land_share) > 0
    shape = g.shape
    # A wind smooth on the sphere: a solid-body turn about a random axis plus the tangential
    # part of a constant vector (which diverges from one point and converges at another).
    lat, lon = np.radians(g.lat2d), np.radians(g.lon2d)
    r = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], -1)
    axis = rng.normal(size=3)
    vec = rng.normal(size=3)
    w = turn * np.cross(axis / np.linalg.norm(axis), r)
    w += spread * (vec - (r @ vec)[..., None] * r) / np.linalg.norm(vec)
    east = np.stack([-np.sin(lon), np.cos(lon), np.zeros_like(lon)], -1)
    north = np.stack([-np.sin(lat) * np.cos(lon), -np.sin(lat) * np.sin(lon), np.cos(lat)], -1)
    air = np.zeros((*shape, 4), np.float32)
    air[..., 1] = rng.uniform(-30.0, 35.0, shape)
    air[..., 2] = (w * east).sum(-1)
    air[..., 3] = (w * north).sum(-1)
    sim.field("air").write(air)
    asc = np.zeros((*shape, 4), np.float32)
    asc[..., 1] = rng.uniform(-0.05, 0.05, shape) * land
    asc[..., 2] = land
    sim.field("ascent").write(asc)
    m = np.zeros((*shape, 4), np.float32)
    m[..., 0] = rng.uniform(0.0, 50.0, shape)
    sim.field("moisture").write(m)
    soil = np.zeros((*shape, 4), np.float32)
    soil[..., 0] = rng.uniform(0.0, 150.0, shape) * land
    sim.field("soil").write(soil)
    area = g.cell_area_m2
    per_step = float(sim.values["vapour_step_hours"]) / (365.25 * 24)  # yr
    for _ in range(steps):
        before = float((sim.field("moisture").read()[..., 0].astype(np.float64) * area).sum())
        water_run(sim)
        out = sim.field("moisture").read().astype(np.float64)
        evap = sim.field("soil").read()[..., 1].astype(np.float64)
        after = float((out[..., 0] * area).sum())
        net = float(((evap - out[..., 1]) * per_step * area).sum())  # kg/m^2 = mm
        np.testing.assert_allclose(after, before + net, rtol=1e-5)
        assert out[..., 0].min() >= 0.0


@given(st.lists(st.integers(-(2**62), 2**62), max_size=200))
def test_sorted_unique_is_numpys_unique(values):
    """The sort-based unique the plates' CPU side uses (numpy's hashed one is slow on large
    int64 arrays) gives np.unique's answer, empty and repeated values included."""
    from planetsim.analysis._util import sorted_unique

    a = np.asarray(values, dtype=np.int64)
    assert np.array_equal(sorted_unique(a), np.unique(a))
