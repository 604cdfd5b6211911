"""The plates (issue 15): rigid rotations carry crust exactly, boundaries do what their
relative motion says, the ridge follows the age-depth law, the sea fills its basins with a
fixed volume of water. Each against an independent answer: the rotation itself, GDH1
(Stein & Stein 1992), a numpy bisection; the tectonics stage's hook is driven from a start the test
builds (planetsim.stages.tectonics.start.StartCrust)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import plates_only  # noqa: I001  (the tests' own helpers, after the package)

from planetsim.analysis.grid import Grid
from planetsim.analysis.sea_level import air_rise, ocean_volume, sea_level_for_volume
from planetsim.core.presets import parse
from planetsim.reference.plates import frames_of
from planetsim.stages.tectonics.driver import driver_of
from planetsim.stages.tectonics.start import StartCrust
from planetsim.stages.tectonics.table import CM_PER_YR_PER_RAD_PER_MYR, PlateTable


def plates_sim(make_sim, size, **tectonics):
    return make_sim(preset=parse(plates_only(size, **tectonics)), size=size)


def begin(sim, h, age, plate, omegas, ranks=None):
    """Start the plates from these arrays: omegas (rad/Myr vectors) per plate slot."""
    t = PlateTable()
    t.active[: len(omegas)] = True
    for k, w in enumerate(omegas):
        t.omega[k] = t.drift[k] = w
        t.rank[k] = 1.0 - 0.1 * k if ranks is None else ranks[k]
    driver_of(sim).begin(sim, StartCrust(h, age, plate, np.zeros(sim.grid.shape), t))


def frames_volume(sim, k):
    """Continental volume (area-weighted thickness) held in plate k's own frame."""
    tile = frames_of(sim.field("frames").read(), sim.grid)[k]
    present = tile[..., 1] >= 0
    return float((sim.grid.area_weight * tile[..., 0] * present).sum())


def myr_per_step(sim):
    return float(sim.values["dt"]) * 1e-6


def cm_yr(speed):
    return speed / CM_PER_YR_PER_RAD_PER_MYR


def test_a_rotating_plate_carries_its_continent_exactly_also_over_a_pole(make_sim):
    """256x128, a continent about 20 cells across at 60 N on plate 0, rotated about an axis
    in the equator's plane so that it passes over the north pole; no boundaries act (no arcs,
    no flow, plate 1 still). Its centroid follows the rotation within 2 %, its shape keeps
    IoU >= 0.95 after moving 20 cells, its volume within 0.5 % over 10 frame updates."""
    sim = plates_sim(make_sim, (256, 128), arc_rate=0.0, crust_flow=0.0, crust_creep=0.0)
    g = sim.grid
    x = g.unit_vectors()
    lat0 = math.radians(60.0)
    c0 = np.array([math.cos(lat0), 0.0, math.sin(lat0)])
    radius = 10 * math.pi / g.height  # 10 rows: about 20 cells across
    ang = np.arccos(np.clip(x @ c0, -1, 1))
    # A continent with a shelf: full thickness inland, thinning over its outer 3 rows.
    edge = np.clip((radius - ang) / (3 * math.pi / g.height), 0.0, 1.0)
    h = 38.0 * edge * edge * (3 - 2 * edge)
    plate = np.where(ang < 3 * radius, 0, 1)
    axis = np.array([0.0, 1.0, 0.0])  # turns (lat 60, lon 0) over the pole toward lon 180
    omega = 0.01  # rad/Myr
    begin(sim, h, np.full(g.shape, 20.0), plate, [axis * -omega, np.zeros(3)])
    w = g.area_weight
    v0 = float((w * h).sum())
    f0 = frames_volume(sim, 0)
    row = math.pi / g.height
    steps = int(math.ceil(20 * row / (omega * myr_per_step(sim))))  # 20 cells along the way
    volumes = []
    for _ in range(10):
        sim.run_stage("tectonics", max(steps // 10, 1))
        c = sim.field("crust").read()
        volumes.append(float((w * c[..., 0]).sum()))
    myr = (steps // 10) * 10 * myr_per_step(sim)
    c = sim.field("crust").read()
    got = c[..., 0] >= 15.0
    centroid = (x * (w * got)[..., None]).sum(axis=(0, 1))
    centroid /= np.linalg.norm(centroid)
    turned = math.acos(float(np.clip(centroid @ c0, -1, 1)))
    assert turned == pytest.approx(omega * myr, rel=0.02)
    # Northward along lon 0 by that angle: the centroid at ~88 N, the continent (14 deg in
    # radius) now over the pole.
    assert math.asin(float(centroid[2])) == pytest.approx(lat0 + turned, abs=math.radians(1.5))
    # The expected shape: the start rotated by exactly that angle (Rodrigues' formula).
    th = -omega * myr
    k = axis
    rot = (
        math.cos(th) * np.eye(3) + math.sin(th) * np.array(
            [[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]]
        ) + (1 - math.cos(th)) * np.outer(k, k)
    )  # fmt: skip
    want = np.arccos(np.clip(x @ (rot @ c0), -1, 1)) < radius - 3 * math.pi / g.height * 0.5
    iou = (got & want).sum() / (got | want).sum()
    assert iou >= 0.95, iou
    # The crust itself (the plate's frame) is never resampled: its volume stays to float
    # precision; the world's view of it samples the frame, within 0.5 %.
    assert frames_volume(sim, 0) == pytest.approx(f0, rel=1e-6)
    assert max(abs(v / v0 - 1) for v in volumes) < 0.005


def test_ocean_under_a_continent_makes_a_trench_and_a_range_inland(make_sim):
    """512x256: an ocean plate closing on a continent at 5 cm/yr. The ocean floor subducts:
    a trench offshore, the deepest floor within 150 km of the plate boundary; the continent
    thickens into a range whose crest stands arc_distance (200 km) inland, within a cell and
    a half."""
    sim = plates_sim(make_sim, (512, 256), crust_flow=0.0, crust_creep=0.0)
    g = sim.grid
    lon, lat = g.lon2d, g.lat2d
    cont = (lon > 0) & (lon < 40) & (np.abs(lat) < 30)
    h = np.where(cont, 35.0, 0.0)
    plate = np.where(lon > 0, 1, 0)
    v = cm_yr(5.0)
    begin(sim, h, np.full(g.shape, 80.0), plate, [np.array([0, 0, 1.0]) * v, np.zeros(3)])
    sim.run_stage("tectonics", int(40 / myr_per_step(sim)))  # 40 Myr of subduction
    z = sim.field("terrain").read()[..., 0]
    c = sim.field("crust").read()
    row = g.height // 2
    ids = np.rint(c[row, :, 2]).astype(int)
    edge = int(np.flatnonzero((ids[:-1] == 0) & (ids[1:] == 1))[0]) + 1  # first plate-1 cell
    km_per_col = 2 * math.pi * g.radius / g.width * 1e-3
    ocean = z[row, edge - 6 : edge]
    assert np.argmin(ocean) >= 4  # the trench lies at the boundary
    assert ocean.min() < z[row, edge - 12] - 1500.0  # well below the open floor
    inland = z[row, edge : edge + 10]
    crest_km = (int(np.argmax(inland)) + 0.5) * km_per_col
    arc_km = float(sim.values["arc_distance"])
    assert abs(crest_km - arc_km) <= 1.5 * km_per_col, crest_km
    assert inland.max() > z[row, edge + 20] + 1000.0  # a range, not the plain


def collide(make_sim, stall_myr: float, west_big: bool = False, ranks=None):  # type: ignore[no-untyped-def]
    """Two continents closing at 4 cm/yr (2 each); steps 10 at a time until they suture or
    100 Myr. Returns the sim, the thickest crust seen and [(collision Myr so far, |omega_a -
    omega_b|)] at each look. west_big: the west plate (0) also holds the ocean east of
    150 E, so it is the larger and survives the suture; ranks: the plates' buoyancy order
    (by default plate 0 overrides)."""
    sim = plates_sim(
        make_sim,
        (256, 128),
        suture_myr=20.0,
        suture_length_km=300.0,
        plate_decision_myr=5.0,
        reorganize_myr=0.0,
        plate_count=2.0,
        collision_stall_myr=stall_myr,
    )
    g = sim.grid
    lon, lat = g.lon2d, g.lat2d
    a = (lon > -40) & (lon < -2) & (np.abs(lat) < 25)
    b = (lon > 2) & (lon < 40) & (np.abs(lat) < 25)
    h = np.where(a | b, 36.0, 0.0)
    plate = np.where((lon < 0) | (west_big & (lon > 150)), 0, 1)
    v = cm_yr(2.0)
    begin(sim, h, np.full(g.shape, 40.0), plate,
          [np.array([0, 0, 1.0]) * v, np.array([0, 0, -1.0]) * v], ranks)  # fmt: skip
    drv = driver_of(sim)
    thick = 0.0
    rel = []
    for _ in range(40):  # up to 100 Myr
        sim.step(10)
        c = sim.field("crust").read()
        thick = max(thick, float(c[..., 0].max()))
        if drv.table.active.sum() == 1:
            break
        t = drv.table
        rel.append(
            (drv.cycle.collisions.get((0, 1), 0.0), float(np.linalg.norm(t.omega[0] - t.omega[1])))
        )
    return sim, thick, rel


def test_colliding_continents_thicken_stall_and_suture(make_sim):
    """Two continents closing at 4 cm/yr: the collision zone thickens past 60 km (some 4 km
    high); the collision stalls: their relative rotation, which the driving forces alone
    speed up (x1.35 here with the stall off), falls, the coupling taking exp(-t /
    collision_stall_myr) off it against the uncoupled run (within 25 %); after suture_myr
    of collision (not before) the two plates are one."""
    sim, thick, rel = collide(make_sim, 20.0)
    drv = driver_of(sim)
    assert thick > 60.0
    assert drv.table.active.sum() == 1  # sutured
    ids = np.rint(sim.field("crust").read()[..., 2]).astype(int)
    assert np.unique(ids).size == 1
    assert max(t for t, _ in rel) >= sim.values["suture_myr"] - sim.values["plate_decision_myr"]
    # The sutured stack keeps its record: a collision orogen (kind 2, lib/crust.glsl's code
    # kind * 10000 + Myr since 5 Gyr ago), dated within the collision, so the stats count
    # the plateau as an orogen (an arc's record, kind 1, counts only beside a live margin).
    collision, age = collision_record(sim)
    assert collision.size >= 5
    assert collision.all(), np.unique(collision, return_counts=True)
    assert age.max() <= max(t for t, _ in rel) + 10.0
    _, _, free = collide(make_sim, 1e6)
    t_last, stalled = rel[-1]
    contact = rel[0][1]
    assert t_last >= 10.0
    assert stalled < 0.85 * contact
    unstalled = dict(free)[t_last]
    assert unstalled > contact  # without the stall nothing slows them
    assert stalled / unstalled == pytest.approx(math.exp(-t_last / 20.0), rel=0.25)


def collision_record(sim):
    """Over the thickened crust (over 40 km, from 36): whether the stats read a collision
    orogen there (kind 2), and its age (Myr), as planetsim stats decodes the orogeny record."""
    from planetsim.stats.arrays import arrays_from_fields

    fields = {n: sim.field(n).read() for n in ("terrain", "orogeny")}
    age = arrays_from_fields(fields, float(sim.values["sea_level"]), year=sim.year)
    stack = sim.field("crust").read()[..., 0] > 40.0
    collision_age = np.asarray(age.collision_age_myr)[stack]
    return np.isfinite(collision_age), collision_age


def test_a_suture_onto_the_plate_underneath_keeps_the_collision_record(make_sim):
    """The larger plate survives a suture. Where it was the one underneath, its hidden
    texels take the overriding plate's crust at the suture (frames_remap), and with it the
    collision's record: the stack reads as a collision orogen, dated within the collision."""
    sim, thick, rel = collide(make_sim, 20.0, west_big=True, ranks=[0.9, 1.0])
    assert driver_of(sim).table.active.sum() == 1
    assert driver_of(sim).table.active[0]  # the big plate, which went under, is the one left
    collision, age = collision_record(sim)
    assert collision.size >= 50
    # Most of it (0.78 on llvmpipe; none before the suture kept the record): the rest is
    # crust the stack's flow thickened and texels the gather and the frames map apart.
    assert collision.mean() >= 0.6, np.unique(collision, return_counts=True)
    assert age[collision].max() <= max(t for t, _ in rel) + 10.0


def test_opening_plates_make_a_ridge_that_deepens_with_age(make_sim):
    """Two ocean plates parting at 2 cm/yr each: new floor of age 0 at the ridge; the floor's
    age grows with distance as distance / half-rate (the slope within 5 %), the old floor
    ages with the clock, and the depth follows GDH1 (Stein & Stein 1992) within 5 %."""
    sim = plates_sim(make_sim, (256, 128))
    g = sim.grid
    lon = g.lon2d
    v = cm_yr(2.0)
    begin(sim, np.zeros(g.shape), np.full(g.shape, 100.0), np.where(lon < 0, 0, 1),
          [np.array([0, 0, -1.0]) * v, np.array([0, 0, 1.0]) * v])  # fmt: skip
    sim.run_stage("tectonics", int(30 / myr_per_step(sim)))
    c = sim.field("crust").read()
    z = sim.field("terrain").read()[..., 0] - float(sim.values["sea_level"])
    row = g.height // 2
    cols = np.arange(g.width // 2, g.width // 2 + 4)  # east of the ridge: the new floor
    age = c[row, cols, 1].astype(float)
    dist_km = g.lon[cols] * math.pi / 180 * g.radius * 1e-3
    half_rate = 20.0  # km/Myr: 2 cm/yr
    # The clock: age grows across the new floor as distance / half-rate (slope within 5 %;
    # a clock 25 % fast fails), from about zero at the ridge (within a step's age: new floor
    # is made at the steps), and the old floor aged by the 30 Myr exactly.
    slope = np.polyfit(dist_km, age, 1)[0]
    assert slope == pytest.approx(1.0 / half_rate, rel=0.05)
    assert age[0] <= myr_per_step(sim) + 1e-3
    assert c[row, g.width // 4 * 3, 1] == pytest.approx(100.0 + 30.0, rel=0.01)
    # The datum: the old floor far from both boundaries, at its own age's depth, so the test
    # needs no sea level (that follows from the water volume, which this test leaves alone).
    far = g.width // 4 * 3
    law = gdh1(age)
    depth = gdh1(np.array([c[row, far, 1]]))[0] + z[row, far] - z[row, cols]
    np.testing.assert_allclose(depth, law, rtol=0.05)


def gdh1(age):
    """GDH1, Stein & Stein (1992), Nature 359:123: ocean depth (m) against sea-floor age
    (Myr), 2600 + 365 sqrt(t) to 20 Myr, 5651 - 2473 exp(-0.0278 t) beyond."""
    a = np.asarray(age, dtype=float)
    return np.where(a < 20.0, 2600 + 365 * np.sqrt(a), 5651 - 2473 * np.exp(-0.0278 * a))


def test_sea_level_over_the_peaks_and_past_a_broken_cell():
    """More water than the basins hold stands above the highest cell by exactly the
    excess over the area; a non-finite cell (a bug elsewhere) is left out, never hangs."""
    z = np.array([[-4000.0, -1000.0], [500.0, 2000.0]])
    area = np.array([[1.0, 2.0], [3.0, 4.0]])
    full = ocean_volume(z, area, 2000.0)
    assert sea_level_for_volume(z, area, full + 10.0 * area.sum()) == pytest.approx(
        2010.0, abs=0.01
    )
    z[0, 1] = -np.inf
    # The finite cells: -4000 m (area 1), 500 m (3), 2000 m (4); 1000 m holds 5000 + 1500.
    assert sea_level_for_volume(z, area, 6500.0) == pytest.approx(1000.0, abs=0.01)


@pytest.mark.parametrize(
    ("land", "height", "rise"),
    [(0.29, 840.0, 9.6), (0.82, 1800.0, 1242.0), (0.05, 1000.0, 0.0)],
)
def test_the_air_reference_level_stands_where_the_relief_puts_it(land, height, rise):
    """Earth (29 % land at a mean 840 m): the 1013-hPa level is the sea, within tens of
    metres, as its temperatures were fitted; land over most of a planet (dune) lifts it to
    share * height - 234 m above a sea in the deepest basins; never below the sea."""
    g = Grid(64, 32)
    area = np.asarray(np.broadcast_to(g.cell_area_m2, g.shape))
    z = np.full(g.shape, -4000.0)
    order = np.argsort(np.random.default_rng(2).uniform(size=g.shape), axis=None)
    share = np.cumsum(area.ravel()[order]) / area.sum()
    z.ravel()[order[share <= land]] = 100.0 + height  # the sea at 100 m
    exact = area.ravel()[order[share <= land]].sum() / area.sum()
    assert air_rise(z, area, 100.0) == pytest.approx(max(exact * height - 234.0, 0.0), abs=0.01)
    assert air_rise(z, area, 100.0) == pytest.approx(rise, abs=0.02 * height)
    z[0, 0] = np.nan  # a broken cell is left out
    assert np.isfinite(air_rise(z, area, 100.0))


def test_sea_level_from_a_known_water_volume_matches_a_numpy_bisection(make_sim):
    """The stage fills the basins with the water it kept since the plates started: the level
    it finds equals a plain numpy bisection on the same elevations and cell areas."""
    sim = plates_sim(make_sim, (128, 64), sea_level_every_myr=1.0)
    g = sim.grid
    rng = np.random.default_rng(4)
    h = np.where(rng.uniform(size=g.shape) < 0.35, 38.0 + 4 * rng.uniform(size=g.shape), 0.0)
    age = rng.uniform(0, 150, g.shape)
    begin(sim, h, age, np.zeros(g.shape, int), [np.zeros(3)])
    drv = driver_of(sim)
    z = sim.elevation().astype(np.float64)
    area = np.asarray(np.broadcast_to(g.cell_area_m2, g.shape))
    volume = drv.water_m3

    def vol(s):
        return float((np.maximum(s - z, 0.0) * area).sum())

    lo, hi = float(z.min()), float(z.max())
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if vol(mid) < volume else (lo, mid)
    drv.sea_level(sim)
    assert sim.values["sea_level"] == pytest.approx(0.5 * (lo + hi), abs=0.05)
    # The air's 1013-hPa level, set beside it: 0.234 km below the mean of land and sea.
    top = np.maximum(z, sim.values["sea_level"])
    rise = (top * area).sum() / area.sum() - sim.values["sea_level"] - 234.0
    assert sim.values["air_rise"] == pytest.approx(max(rise, 0.0), abs=0.1)
    assert sea_level_for_volume(z, area, volume) == pytest.approx(0.5 * (lo + hi), abs=0.01)
    assert ocean_volume(z, area, sim.values["sea_level"]) == pytest.approx(volume, rel=1e-6)


def test_the_ocean_is_poured_for_its_floor_once_aged(make_sim):
    """The water is set when the plates start so that the ocean covers ocean_fraction once
    the young first floor has aged to Earth's steady distribution (area per age falling
    linearly to zero at old_ocean_myr, Parsons 1982). With every floor cell under water
    either way (the level lies on the continents' slopes), that is the young planet's water
    at ocean_fraction plus the floor's area times the deepening from 10 Myr to the mean
    depth of that distribution, integrated here over GDH1."""
    sim = plates_sim(make_sim, (128, 64))
    g = sim.grid
    rng = np.random.default_rng(8)
    frac = float(sim.values["ocean_fraction"]) * float(sim.values["ocean_fill"])
    continent = rng.uniform(size=g.shape) < 1.0 - frac + 0.15  # floor: under frac
    h = np.where(continent, 36.0 + 10.0 * rng.uniform(size=g.shape), 0.0)
    begin(sim, h, np.full(g.shape, 10.0), np.zeros(g.shape, int), [np.zeros(3)])
    z = sim.elevation().astype(np.float64)
    area = np.asarray(np.broadcast_to(g.cell_area_m2, g.shape))
    order = np.argsort(z.ravel())
    covered = np.cumsum(area.ravel()[order]) / area.sum()
    young_level = z.ravel()[order][np.searchsorted(covered, frac)]
    assert young_level > z[~continent].max()  # the level lies on the continents
    t_old = float(sim.values["old_ocean_myr"])
    t = np.linspace(0.0, t_old, 200_001)
    pdf = 2.0 / t_old * (1.0 - t / t_old)
    f = gdh1(t) * pdf
    mean_depth = float(((f[1:] + f[:-1]) * 0.5 * np.diff(t)).sum())  # the trapezoid rule
    deepening = mean_depth - float(gdh1(np.array([10.0]))[0])
    expected = ocean_volume(z, area, young_level) + deepening * float(area[~continent].sum())
    assert driver_of(sim).water_m3 == pytest.approx(expected, rel=2e-3)
    # The young planet's sea then stands higher than the share alone would put it.
    assert sim.values["sea_level"] > young_level


def test_the_gather_matches_a_numpy_gather_of_the_same_frames(make_sim):
    """128x64, the seed's own start with its plates moving for 20 Myr: the world's crust
    (owner, thickness, age) equals planetsim.reference.plates.gather on the frames and
    rotations read back. Owners may differ only where a cell centre lies within float
    rounding of a texel edge (at most 0.5 % of cells)."""
    from planetsim.reference.plates import gather
    from planetsim.stages.tectonics.table import quat_matrix

    sim = plates_sim(make_sim, (128, 64))
    g = sim.grid
    sim.run_stage("tectonics", int(20 / myr_per_step(sim)))
    t = driver_of(sim).table
    atlas = sim.field("frames").read().astype(np.float64)
    frames = frames_of(atlas, g)
    ref = gather(g, frames, quat_matrix(t.rotation), t.active, t.rank, t.over,
                 crust_max_km=float(sim.values["crust_max_km"]),
                 frames_lag=driver_of(sim).frames_dt)  # fmt: skip
    c = sim.field("crust").read()
    ids = np.rint(c[..., 2]).astype(int)
    claimed = ref.plate >= 0
    assert t.active.sum() >= 3 and claimed.mean() > 0.9
    same = claimed & (ids == ref.plate)
    assert (claimed & ~same).mean() <= 0.005
    np.testing.assert_allclose(c[..., 0][same], ref.thickness[same], atol=0.01)
    near = claimed & ~ref.stacked
    assert np.array_equal(ref.claims[near] > 0, c[..., 1][near] >= 0)
    # Age is the nearest texel's: a centre within rounding of a texel edge may take the other.
    assert np.mean(np.abs(c[..., 1] - ref.age)[same] > 0.05) <= 0.001
    # The sea-floor age (terrain.w) is the age of oceanic crust only, as Mueller et al.'s
    # grids: -1 wherever 1 km or more of continental or arc crust lies.
    ter = sim.field("terrain").read()
    oceanic = same & (ref.thickness < 0.99)
    crusted = same & (ref.thickness > 1.01)
    assert oceanic.any() and crusted.any()
    assert (ter[..., 3][crusted] == -1.0).all()
    assert np.mean(np.abs(ter[..., 3] - ref.age)[oceanic] > 0.05) <= 0.001
