"""The water cycle on synthetic continents (issue 17): layouts built here in numpy, at
128x64, all else ocean at 4 km depth; the climate and water cycle spun up for 200 steps
through a whole seasonal cycle (6 h of air a step), then one seasonal year measured with the
stats module's seasonal_cycle (40 steps a month, a month of spin-up). The targets are Earth's
contrasts: wet equatorial interiors, dry subtropical west sides, rain shadows, monsoons."""

from __future__ import annotations

import numpy as np

from planetsim.stats.seasons import SeasonalClimate, seasonal_cycle

EARTH_KM = 6371.0
SPIN_STEPS = 200


def km_per_deg_lon(lat_deg: float) -> float:
    return 2 * np.pi * EARTH_KM * np.cos(np.radians(lat_deg)) / 360


def climate_of(sim, land: np.ndarray, height: np.ndarray | float = 300.0, plants: float = 0.0):
    """The layout's seasonal climate: land at `height` m, plants covering `plants` of it."""
    g = sim.grid
    t = np.zeros((*g.shape, 4), np.float32)
    t[..., 0] = np.where(land, height, -4000.0)
    sim.field("terrain").write(t)
    life = np.zeros((*g.shape, 4), np.float32)
    life[..., 0] = land * plants
    sim.field("life").write(life)
    sim.mark_land_changed()
    sim.set_uniform("climate_maps_every", 1)
    sim.set_uniform("weather_every", 1)
    for i in range(SPIN_STEPS):  # a whole year of seasons, January to January
        sim.set_uniform("season", float(np.cos(2 * np.pi * i / SPIN_STEPS)))
        sim.run_stage("climate")
        sim.run_stage("water_cycle")
    return seasonal_cycle(sim)


def test_an_equatorial_rainforest_is_wet_deep_inland(make_sim):
    """10 S - 10 N, 3 000 km east-west, under full plant cover: 1 000 km in from the coasts it
    still gets at least 1 500 mm a year (the soil gives the rain back, as in the Congo)."""
    sim = make_sim(size=(128, 64))
    g = sim.grid
    half = 1500 / km_per_deg_lon(0)
    land = (np.abs(g.lat2d) < 10) & (np.abs(g.lon2d) < half)
    c: SeasonalClimate = climate_of(sim, land, plants=1.0)
    inland = land & (np.abs(np.abs(g.lon2d) - (half - 1000 / km_per_deg_lon(0))) < 3)
    assert inland.any()
    assert c.precipitation_mm_yr[inland].mean() >= 1500, c.precipitation_mm_yr[inland].mean()


def test_a_subtropical_continent_is_a_desert_in_its_west(make_sim):
    """15 - 35 N, 5 000 km east-west: its western half gets under 250 mm a year (the
    subtropical high's sinking, diverging air, as over the Sahara)."""
    sim = make_sim(size=(128, 64))
    g = sim.grid
    half = 2500 / km_per_deg_lon(25)
    land = (g.lat2d > 15) & (g.lat2d < 35) & (np.abs(g.lon2d) < half)
    c = climate_of(sim, land)
    west = land & (g.lon2d < 0)
    assert c.precipitation_mm_yr[west].mean() < 250, c.precipitation_mm_yr[west].mean()
    # ... while the same latitudes over the open ocean far away are not a desert everywhere
    assert c.precipitation_mm_yr[~land & (g.lat2d > 15) & (g.lat2d < 35)].mean() > 250


def test_a_range_across_the_westerlies_is_three_times_wetter_on_its_windward_side(make_sim):
    """A north-south range 3 km high and 300 km wide at 45 N, on a continent 35 - 55 N and 60
    deg wide: the 6 deg west of it get at least 3 times the rain of the 6 deg east of it."""
    sim = make_sim(size=(128, 64))
    g = sim.grid
    half = 150 / km_per_deg_lon(45)
    land = (g.lat2d > 35) & (g.lat2d < 55) & (np.abs(g.lon2d) < 30)
    height = 200.0 + 3000.0 * (np.abs(g.lon2d) < max(half, 180 / g.width))
    c = climate_of(sim, land, height)
    rows = (g.lat2d > 40) & (g.lat2d < 50)
    ridge = np.abs(g.lon2d) < max(half, 180 / g.width)
    edge = np.abs(g.lon2d[ridge]).max()
    windward = rows & (g.lon2d < -edge) & (g.lon2d > -edge - 6)
    lee = rows & (g.lon2d > edge) & (g.lon2d < edge + 6)
    p = c.precipitation_mm_yr
    assert p[windward].mean() >= 3 * p[lee].mean(), (p[windward].mean(), p[lee].mean())


def test_a_tropical_continent_has_a_summer_monsoon_on_its_southern_coast(make_sim):
    """5 - 35 N, 6 000 km east-west: its southern coast gets at least 65 % of its rain in the
    northern summer half-year (April - September)."""
    sim = make_sim(size=(128, 64))
    g = sim.grid
    half = 3000 / km_per_deg_lon(20)
    land = (g.lat2d > 5) & (g.lat2d < 35) & (np.abs(g.lon2d) < half)
    c = climate_of(sim, land, plants=0.5)
    coast = land & (g.lat2d < 5 + 1.5 * 180 / g.height)
    monthly = c.precipitation_monthly_mm_yr
    share = monthly[3:9].sum(0)[coast].sum() / monthly.sum(0)[coast].sum()
    assert share >= 0.65, share


def test_clouds_follow_the_climate_around_a_subtropical_continent(make_sim):
    """The subtropical continent of the desert test (15 - 35 N, 5 000 km): clear skies over its
    desert; marine stratocumulus thicker off its west coast, where the subtropical high blows
    cool air toward the equator, than off its east coast (Klein & Hartmann 1993); convective
    cloud over the sea's ITCZ at least twice that under the subtropical highs; and the cover
    is the types' random overlap, 1 - prod(1 - C_i)."""
    sim = make_sim(size=(128, 64))
    g = sim.grid
    half = 2500 / km_per_deg_lon(25)
    land = (g.lat2d > 15) & (g.lat2d < 35) & (np.abs(g.lon2d) < half)
    c = climate_of(sim, land)
    w = np.broadcast_to(g.area_weight, g.shape)

    def mean(x: np.ndarray, where: np.ndarray) -> float:
        return float((x * w)[where].sum() / w[where].sum())

    # annual means (the seasonal year) for the cover ...
    assert mean(c.cloud_cover, land & (g.lon2d < 0)) < 0.25
    # ... and the types at the end of the spin-up (January: the subtropical high stands)
    types = sim.field("cloud").read().astype(np.float64)
    rows = ~land & (g.lat2d > 15) & (g.lat2d < 35)
    west = rows & (g.lon2d < -half) & (g.lon2d > -half - 15)
    east = rows & (g.lon2d > half) & (g.lon2d < half + 15)
    assert mean(types[..., 2], west) >= 1.2 * mean(types[..., 2], east)
    itcz = ~land & (np.abs(g.lat2d) < 8)
    highs = ~land & (np.abs(g.lat2d) > 18) & (np.abs(g.lat2d) < 30) & (np.abs(g.lon2d) > 90)
    assert mean(types[..., 1], itcz) >= 2 * mean(types[..., 1], highs)
    cover = sim.field("moisture").read()[..., 2]
    np.testing.assert_allclose(cover, 1 - np.prod(1 - types, axis=-1), atol=1e-5)


def test_the_globe_of_a_built_world_is_as_bright_as_earth_and_its_clouds_follow_the_climate(
    make_sim,
):
    """The subtropical continent's world seen at full phase (the sun behind the camera, over
    the continent, in January): the disc's mean linear luminance (sRGB decoded; 0.2126 R +
    0.7152 G + 0.0722 B) is 0.25-0.40. The globe lights surface and clouds as Lambert
    reflectors, and a Lambert sphere of albedo A shows (2/3) A at full phase, so this is an
    albedo of 0.38-0.60 for a world of 80 % cloud over an ocean. Cloud is drawn where the
    climate puts it: the share of pixels whose cloud opacity exceeds 0.5 (from the pictures
    with and without the clouds: L = a lit + (1 - a) L_clear) over the desert is under half
    that over the ITCZ."""
    from planetsim.analysis.images import linear_luminance
    from planetsim.render.camera import Camera
    from planetsim.render.views import render_frame

    sim = make_sim(size=(128, 64))
    g = sim.grid
    half = 2500 / km_per_deg_lon(25)
    land = (g.lat2d > 15) & (g.lat2d < 35) & (np.abs(g.lon2d) < half)
    climate_of(sim, land)
    sim.set_uniform("surface_heat", 0.0)
    cam = Camera(yaw=0.0, pitch=0.0, ortho=True)
    sim.set_uniform("sun_dir", (1.0, 0.0, 0.0))
    n = 256

    def luminance() -> np.ndarray:
        img = render_frame(sim, "globe", "biome", (n, n), cam, label=False, overlays=(), time=0)
        return linear_luminance(img)

    # each pixel's point on the sphere (seen from +x, ortho): east right, north up
    hh = cam.distance * np.tan(np.radians(cam.fov) / 2)
    u = ((np.arange(n) + 0.5) / n * 2 - 1) * hh
    east, up = np.meshgrid(u, -u)
    disc = east**2 + up**2 < 0.98**2
    x = np.sqrt(np.clip(1 - east**2 - up**2, 0, 1))
    lat, lon = np.degrees(np.arcsin(np.clip(up, -1, 1))), np.degrees(np.arctan2(east, x))
    cloudy = luminance()
    assert 0.25 <= cloudy[disc].mean() <= 0.40, cloudy[disc].mean()
    m = sim.field("moisture").read()
    cover = m[..., 2].copy()
    m[..., 2] = 0.0
    sim.field("moisture").write(m)
    clear = luminance()
    m[..., 2] = 1.0  # the same clouds (types, thickness) covering the whole sky
    sim.field("moisture").write(m)
    full = luminance()
    m[..., 2] = cover
    sim.field("moisture").write(m)
    # How much of the way from the clear ground to a full deck each pixel is: the picture's
    # own references, not the shader's lighting formula.
    opacity = (cloudy - clear) / np.maximum(full - clear, 1e-3)
    desert = disc & (lat > 18) & (lat < 32) & (lon < 0) & (lon > -half + 2)
    itcz = disc & (np.abs(lat) < 8) & (np.abs(lon) < 60)
    assert desert.sum() > 50 and itcz.sum() > 50
    share_desert = (opacity[desert] > 0.5).mean()
    share_itcz = (opacity[itcz] > 0.5).mean()
    assert share_desert < 0.5 * share_itcz, (share_desert, share_itcz)
