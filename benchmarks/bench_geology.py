"""Steps per second of the whole geology stage (one sim step of protoplanet impacts,
tectonics and erosion: impacts, plates + uplift (every tectonics_every steps), flow, basins,
erode) on the GPU, next to one step of the same rules and schedule in numpy
(planetsim.reference.geology), at several grid sizes.

    python benchmarks/bench_geology.py [--sizes 256x128,512x256,1024x512] [--min-time 0.5]

Prints a markdown table with the GL renderer string.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import planetsim
from planetsim.context import create_context
from planetsim.reference import geology as ref

DT = 2e5  # yr per step: a geological epoch


def prepare(ctx, w: int, h: int) -> planetsim.Simulation:
    """A planet part-way through its geology: cratered, with plates and rivers."""
    sim = planetsim.Simulation(ctx=ctx, size=(w, h), seed=1)
    sim.values["dt"] = DT
    sim.run_stage("protoplanet", 2)
    for _ in range(30):
        geology_step(sim)
    sim.finish()
    return sim


def geology_step(sim: planetsim.Simulation) -> None:
    for st in ("protoplanet", "tectonics", "erosion"):
        sim.run_stage(st)


def gpu_rate(sim: planetsim.Simulation, min_time: float, repeats: int) -> float:
    n = 1
    while True:
        t = time.perf_counter()
        for _ in range(n):
            geology_step(sim)
        sim.finish()
        if time.perf_counter() - t > min_time or n > 100000:
            break
        n *= 2
    rates = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(n):
            geology_step(sim)
        sim.finish()  # glFinish: the GPU work is really counted
        rates.append(n / (time.perf_counter() - t))
    return statistics.median(rates)


def numpy_step_seconds(sim: planetsim.Simulation) -> float:
    """Wall time of one numpy step of the same rules on the same state."""
    g = sim.grid
    v = sim.values
    t = sim.field("terrain").read().astype(np.float64)
    water = sim.field("water").read().astype(np.float64)
    rng = np.random.default_rng(0)
    sea = float(v["sea_level"])
    every = int(v["tectonics_every"])  # plates + uplift run every this many steps
    start = time.perf_counter()
    z = ref.impacts_step(
        t[..., 0],
        g,
        rng,
        rate=v["impact_rate"],
        size_km=v["impact_size"],
        depth=v["impact_depth"],
        surface_heat=v["surface_heat"],
    )
    t[..., 0] = z
    t_tect = time.perf_counter()
    crust = ref.plates_step(
        t,
        g,
        rng,
        speed=v["plate_speed"],
        dt=DT,
        sea=sea,
        rift_depth=v["rift_depth"],
        collision_stress=v["collision_stress"],
    )
    t = ref.uplift_step(
        crust,
        g,
        dt=DT,
        sea=sea,
        uplift_rate=v["uplift_rate"],
        max_elevation=v["max_elevation"],
        stress_decay=v["stress_decay"],
        talus=v["talus_slope"],
        stress_spread=v["stress_spread"],
        subsidence_rate=v["subsidence_rate"],
    )
    tect = time.perf_counter() - t_tect
    z = t[..., 0]
    fr = ref.flow_step(z, water, np.ones(g.shape), g, sea, False)
    water[..., 0], water[..., 1] = fr[..., 0], fr[..., 1]
    water[..., 2] = ref.basins_step(z, water, g, sea)
    ref.erode_step(
        z,
        water[..., 0],
        water[..., 1].astype(np.int64),
        g,
        K=v["K"],
        m=v["m"],
        n=v["n"],
        dt=DT,
        sea=sea,
        marine=v["marine_sediment"],
    )
    # Like the GPU schedule: the tectonics share counts once every `every` steps.
    return time.perf_counter() - start - tect * (1.0 - 1.0 / every)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="256x128,512x256,1024x512")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=0.5, help="seconds per repeat, at least")
    args = ap.parse_args()
    ctx = create_context()
    print(f"renderer: {ctx.info['GL_RENDERER']} ({ctx.info['GL_VERSION']})")
    print()
    print("| grid | GPU steps/s | ms/step | numpy steps/s | speed-up |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for text in args.sizes.split(","):
        w, h = (int(x) for x in text.split("x"))
        sim = prepare(ctx, w, h)
        rate = gpu_rate(sim, args.min_time, args.repeats)
        cpu = min(numpy_step_seconds(sim) for _ in range(2))
        print(f"| {w}x{h} | {rate:.1f} | {1000 / rate:.1f} | {1 / cpu:.2f} | {rate * cpu:.0f}x |")
        sim.close()


if __name__ == "__main__":
    main()
