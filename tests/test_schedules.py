"""The performance schedules keep the physics: a skipped pass is one that would change
nothing, and a pass run every N steps counts N steps of time."""

from __future__ import annotations

import numpy as np


def test_impacts_skipped_at_rate_zero_run_otherwise(make_sim):
    sim = make_sim()
    sim.run_stage("protoplanet")  # init: craters
    terrain = sim.field("terrain")
    sim.values["impact_rate"] = 0.0
    v = terrain.version
    sim.run_stage("protoplanet", 3)
    assert terrain.version == v  # not drawn at all (it would only copy the terrain)
    sim.values["impact_rate"] = 1.0
    sim.run_stage("protoplanet")
    assert terrain.version == v + 1


def _valley_relief(sim) -> np.ndarray:
    """V valleys every 16 columns running south to a sea at row 4 (elevation, m)."""
    g = sim.grid
    x = np.arange(g.width)[None, :]
    y = np.arange(g.height)[:, None]
    d = np.mod(x - 20, 16)
    z = np.where(y < 4, -1000.0, 100.0 + 100.0 * (y - 4) + 60.0 * np.minimum(d, 16 - d))
    t = np.zeros((*g.shape, 4), np.float32)
    t[..., 0] = z
    t[..., 1] = -1.0
    sim.field("terrain").write(t)
    sim.field("water").clear()
    sim.values.update(dt=1e5, K=1e-4)
    return t[..., 0]


def test_erosion_every_n_steps_erodes_n_steps_of_time(make_sim):
    a, b = make_sim(), make_sim()
    z0 = _valley_relief(a)
    _valley_relief(b)
    a.values["erosion_every"] = 2
    a.run_stage("erosion", 2)  # the stage runs once, eroding 2 dt
    b.values["dt"] = 2e5
    b.run_stage("erosion")
    np.testing.assert_array_equal(a.elevation(), b.elevation())
    assert (a.elevation() < z0).any()  # it did erode


def test_flow_is_routed_every_n_runs_of_the_stage(make_sim):
    sim = make_sim()
    _valley_relief(sim)
    sim.values["route_every"] = 3
    flows = []
    for _ in range(4):
        sim.run_stage("erosion")
        flows.append(sim.field("water").read()[..., 0].copy())
        t = sim.field("terrain").read()
        t[20:, 18:23, 0] += 5000.0  # a new range across a valley: the rivers must change
        sim.field("terrain").write(t)
    # Routed on the stage's runs 0 and 3 only: the flow field changes then, never between.
    assert np.array_equal(flows[1], flows[0]) and np.array_equal(flows[2], flows[0])
    assert not np.array_equal(flows[3], flows[2])


def test_the_water_cycle_every_n_steps_with_n_times_the_hours_keeps_the_rain(make_sim):
    """water_every = 2 with 12 h a run: the passes run on every other step only, and a
    sea planet's rain after a day of air matches 6 h every step within a few percent."""
    rains = []
    for every, hours in ((1, 6.0), (2, 12.0)):
        sim = make_sim(size=(64, 32))
        t = np.zeros((*sim.grid.shape, 4), np.float32)
        t[..., 0] = -4000.0
        sim.field("terrain").write(t)
        sim.mark_land_changed()
        sim.values.update(water_every=every, vapour_step_hours=hours, season=0.0)
        sim.run_stage("climate")
        moisture = sim.field("moisture")
        ran = 0
        for _ in range(80):  # 20 days of air
            v = moisture.version
            sim.run_stage("water_cycle")
            ran += moisture.version != v
        if every == 2:
            assert ran == 40
        rains.append(sim.grid.area_mean(moisture.read()[..., 1]))
    assert abs(rains[1] / rains[0] - 1) < 0.05, rains
