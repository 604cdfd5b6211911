"""The erosion stage's glaciers (erode.frag) against the relaxation they implement: land
above the glacier line, where the surface temperature is glacier_temp, loses
min(e, z - sea - glacier_floor) (1 - exp(-dt / glacier_time)) a run (e its height above
the line), the rock goes on as sediment, and under steady uplift a range stands at the
fixed point of that map, U dt / (1 - exp(-dt / glacier_time)) above the line, whatever
its uplift started from."""

from __future__ import annotations

import math

import numpy as np
from test_rivers import put_terrain, rock

LAPSE = 6.5  # K/km, the stage's default
GLACIER_TEMP = -7.0


def put_air(sim, temp):
    a = np.zeros((*sim.grid.shape, 4), np.float32)
    a[..., 1] = temp
    sim.field("air").write(a)


def cone(grid, top):
    """A smooth mountain in the middle of the grid, top m high, in a sea 2000 m deep."""
    x = np.arange(grid.width)[None, :]
    y = np.arange(grid.height)[:, None]
    d = np.hypot(x - grid.width / 2, (y - grid.height / 2) * 2.0)
    return np.where(d < 14, top * (1.0 - d / 14) + 5.0, -2000.0).astype(np.float32)


def lapse_air(z, sea_temp):
    """Surface temperature with the lapse rate over land (degC)."""
    return sea_temp - LAPSE * np.maximum(z, 0.0) / 1000.0


def test_one_run_wears_the_land_above_the_line_as_the_relaxation_says(make_sim):
    sim = make_sim(size=(64, 32), metric="flat")
    z = cone(sim.grid, 4000.0)
    put_terrain(sim, z)
    rows = np.arange(sim.grid.height)[:, None]
    temp = lapse_air(z, 5.0 + 0.6 * (rows - 16))  # the line (12 + 0.6 (y - 16)) / 6.5 km
    temp[:, : sim.grid.width // 2] += 30.0  # the west half warm: no glacier at all
    put_air(sim, temp)
    tau, every = 2.0, 1
    sim.values.update(dt=1e6, K=0.0, sediment_G=0.0, marine_sediment=0.0, route_every=1,
                      erosion_every=every, glacier_time=tau, glacier_temp=GLACIER_TEMP,
                      glacier_floor=1800.0)  # fmt: skip
    sim.run_stage("erosion")
    above = (GLACIER_TEMP - temp.astype(np.float64)) * 1000.0 / LAPSE
    sea = float(sim.values["sea_level"])
    room = z.astype(np.float64) - sea - 1800.0  # the floor: above the line in the south
    share = 1.0 - math.exp(-1e6 * every * 1e-6 / tau)
    land = z > sea
    want = z - np.where(land, np.clip(np.minimum(above, room), 0.0, None) * share, 0.0)
    got = sim.elevation().astype(np.float64)
    np.testing.assert_allclose(got[land], want[land], atol=0.05)
    worn = land & (want < z - 1.0)
    assert worn.sum() > 20  # the cold half's summit lost rock
    line = z - above  # the glacier line's height
    floor_binds = worn & (line < 1800.0 - 50.0)
    line_binds = worn & (line > 1800.0 + 50.0)
    assert floor_binds.sum() > 5 and line_binds.sum() > 5
    assert worn[:, : sim.grid.width // 2].sum() == 0  # and the warm half none
    assert np.array_equal(got[land & (above <= 0)], z[land & (above <= 0)].astype(np.float64))


def test_the_glaciers_rock_is_kept(make_sim):
    sim = make_sim(size=(64, 32), metric="flat")
    z = cone(sim.grid, 3000.0)
    put_terrain(sim, z)
    sim.values.update(dt=1e6, K=0.0, sediment_G=1.0, marine_sediment=0.0, route_every=1,
                      erosion_every=1, glacier_time=2.0, glacier_temp=GLACIER_TEMP)  # fmt: skip
    before = rock(sim)
    worn = 0.0
    for _ in range(20):
        put_air(sim, lapse_air(sim.elevation(), 5.0))
        z0 = sim.elevation().astype(np.float64)
        sim.run_stage("erosion")
        worn += float(np.maximum(z0 - sim.elevation(), 0.0).sum())
    assert worn > 1e4
    assert abs(rock(sim) - before) < 1e-5 * worn + 1e-6 * np.abs(z).sum()


def test_a_rising_range_stands_at_the_buzzsaws_fixed_point(make_sim):
    # A block rising at U is held at x* = U dt_run / (1 - exp(-dt_run / tau)) above the line
    # (the fixed point of x -> x e + U dt_run), from below and from above alike. The sea-level
    # temperature warms eastward, so the line, and the range held on it, slope down to the
    # east: the range drains and holds no lake, and only the glaciers shape it (K = 0).
    sim = make_sim(size=(64, 32), metric="flat")
    g = sim.grid
    y = np.arange(g.height)[:, None]
    x = np.arange(g.width)[None, :]
    block = (y >= 8) & (y <= 23) & (x >= 16) & (x <= 47)
    dt, tau, U = 1e6, 3.0, 1e-3  # U: 1 mm/yr
    sea_temp = np.broadcast_to(2.0 + 0.4 * (x - 16), g.shape)  # 2 to 14.4 degC
    line = (sea_temp - GLACIER_TEMP) / LAPSE * 1000.0  # 1385 to 3292 m
    fixed = U * dt / (1.0 - math.exp(-dt * 1e-6 / tau))
    sim.values.update(dt=dt, K=0.0, sediment_G=0.0, marine_sediment=0.0, route_every=1,
                      erosion_every=1, glacier_time=tau, glacier_temp=GLACIER_TEMP)  # fmt: skip
    inner = np.zeros_like(block)
    inner[9:23, 17:47] = True  # the rim's cells drain straight to the sea
    for start in (200.0, 3.0 * fixed):
        put_terrain(sim, np.where(block, line + start, -5000.0).astype(np.float32))
        for _ in range(40):
            put_air(sim, sea_temp - LAPSE * np.maximum(sim.elevation(), 0.0) / 1000.0)
            sim.run_stage("erosion")
            t = sim.field("terrain").read()
            t[..., 0] += np.where(block, U * dt, 0.0).astype(np.float32)
            sim.field("terrain").write(t)
        assert sim.field("water").read()[..., 3][block].max() == 0.0  # no lake
        top = sim.elevation().astype(np.float64) - line
        np.testing.assert_allclose(top[inner], fixed, rtol=0.01)
