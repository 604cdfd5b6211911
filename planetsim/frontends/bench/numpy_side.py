"""The numpy side of the benchmark: one step of the same geology, climate and life rules
(planetsim.reference), amortised by the same schedules as the GLSL story step."""

from __future__ import annotations

import time
from typing import Any

import numpy as np


def numpy_ms(sim: Any) -> dict[str, float]:
    """ms of one numpy step of geology, climate and life on the sim's current state, with the
    GPU schedule's `every` amortisation (tectonics_every, life_every, people_every)."""
    from ...reference import climate as rc
    from ...reference import geology as rg
    from ...reference import life as rl
    from ...reference import plates as rp
    from ...reference import rivers as rr
    from ...stages.tectonics.driver import driver_of
    from ...stages.tectonics.table import quat_matrix

    g, v = sim.grid, sim.values
    names = ("terrain", "water", "air", "moisture", "life", "civ", "soil")
    f = {n: sim.field(n).read() for n in names}
    t64 = f["terrain"].astype(np.float64)
    frames = rp.frames_of(sim.field("frames").read().astype(np.float64), g)
    table = driver_of(sim).table
    water = f["water"].astype(np.float64)
    rng = np.random.default_rng(0)
    sea = float(v["sea_level"])
    out: dict[str, float] = {}

    t0 = time.perf_counter()
    t64[..., 0] = rg.impacts_step(
        t64[..., 0],
        g,
        rng,
        rate=v["impact_rate"],
        size_km=v["impact_size"],
        depth=v["impact_depth"],
        surface_heat=v["surface_heat"],
    )
    t1 = time.perf_counter()
    every = max(int(v["tectonics_every"]), 1)
    gathered = rp.gather(
        g, frames, quat_matrix(table.rotation), table.active, table.rank, table.over,
        crust_max_km=float(v["crust_max_km"]),
    )  # fmt: skip
    t64[..., 0] = rp.crust_elevation(
        gathered.thickness, gathered.age, crust_sea_level_km=v["crust_sea_level_km"],
        rho_crust=v["crust_density"], rho_mantle=v["mantle_density"],
        crust_full_km=v["crust_full_km"],
    )  # fmt: skip
    t2 = time.perf_counter()
    z = t64[..., 0]
    lake = sim.field("lake").read().astype(np.float64)
    level, hops = lake[..., 0], lake[..., 1]
    for _ in range(max(int(v["fill_sweeps"]), 1)):
        level, hops = rr.fill_sweep(z, level, hops, g, sea)
    ta = time.perf_counter()
    rec = rr.receivers_on_filled(level, hops, z, g, sea, False)
    water[..., 0] = rr.accumulate(rec, np.ones(g.shape), z > sea, g)
    tb = time.perf_counter()
    # The same schedule as the GPU's: the stage every erosion_every steps, its lake sweeps
    # and routing every route_every runs. The numpy side has no erode of its own: one fill
    # sweep stands in for it (the same eight-neighbour gather over every cell).
    e_every = max(int(v.get("erosion_every", 1)), 1)
    r_every = e_every * max(int(v.get("route_every", 1)), 1)
    sweeps = max(int(v["fill_sweeps"]), 1)
    fluvial = (ta - t2) / sweeps / e_every + (tb - t2) / r_every
    out["geology"] = ((t1 - t0) + (t2 - t1) / every + fluvial) * 1e3

    p = rc.ClimateParams(**{k: v[k] for k in rc.ClimateParams.__dataclass_fields__ if k in v})
    elev = f["terrain"][..., 0].astype(np.float64)
    moist = f["moisture"].astype(np.float64)
    sigma = float(v["pressure_blur_sigma"])
    t0 = time.perf_counter()
    land = elev > p.sea_level
    annual, seasonal = rc.raw_pressure(land, g)
    sx, sy = rc.surface_slope(elev, p.sea_level, g)
    a = rc.blur_sphere(annual, g, sigma)
    s = rc.blur_sphere(seasonal, g, sigma)
    t1 = time.perf_counter()
    w = rc.weather(a, s, sx, sy, elev, moist[..., 3], g, p)
    rc.vapour_step(
        moist, f["soil"].astype(np.float64), w["temp"], w["u"], w["v"], w["slope_ascent"],
        w["land"], f["life"][..., 0], g, p, w["mslp"],
    )  # fmt: skip
    t2 = time.perf_counter()
    # The maps follow the land: with tectonics on it moves every step it runs.
    maps_every = max(int(v["climate_maps_every"]), int(v["tectonics_every"]), 1)
    out["climate+water"] = ((t1 - t0) / maps_every + (t2 - t1)) * 1e3

    t0 = time.perf_counter()
    life, civ = rl.life_step(f["life"], f["terrain"], f["air"], f["moisture"], f["civ"], g, v)
    t1 = time.perf_counter()
    civ = rl.people_step(civ, f["air"], life, g, v)
    rl.carbon_step(f["moisture"], f["air"], civ, g, v, 0)
    t2 = time.perf_counter()
    out["life+people"] = (
        (t1 - t0) / max(int(v["life_every"]), 1) + (t2 - t1) / max(int(v["people_every"]), 1)
    ) * 1e3
    out["story"] = out["geology"] + out["climate+water"] + out["life+people"]
    return out


# ---- GPU side ----------------------------------------------------------------------------------
