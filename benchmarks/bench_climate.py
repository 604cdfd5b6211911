"""Cost per sim step of the climate and water_cycle stages on the GPU (the blurred pressure
maps are only redone when the land changes: that cost is its own column), next to the
geology stages and to one step of the same rules in numpy (planetsim.reference.climate).

    python benchmarks/bench_climate.py [--sizes 256x128,512x256,1024x512] [--min-time 0.5]

Prints a markdown table with the GL renderer string.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

import planetsim
from planetsim.context import create_context
from planetsim.passes import STAGES
from planetsim.reference import climate as ref


def prepare(ctx, w: int, h: int) -> planetsim.Simulation:
    """An earth-like planet (noise relief, about 30 % land) with its climate spun up."""
    sim = planetsim.Simulation(ctx=ctx, size=(w, h), seed=1)
    sim.set_uniform("relief_offset", -900.0)
    sim.run_pass("relief_noise")
    sim.mark_land_changed()
    for _ in range(3):
        one_step(sim, ("climate", "water_cycle"))
    sim.finish()
    return sim


def one_step(sim: planetsim.Simulation, stages: tuple[str, ...]) -> None:
    """One sim step of these stages, as Simulation.step() runs them: every stage sees the same
    step count, so `every` schedules behave as in the story (separate run_stage calls would
    each advance the count)."""
    for name in stages:
        sim._run_stage_once(STAGES[name])
    sim.step_count += 1


def ms_per_call(fn: Callable[[], None], sim: planetsim.Simulation, min_time: float) -> float:
    fn()
    sim.finish()  # warm-up: compile, first allocation
    n = 1
    while True:  # find a batch that takes min_time
        t = time.perf_counter()
        for _ in range(n):
            fn()
        sim.finish()
        dt = time.perf_counter() - t
        if dt > min_time or n > 100000:
            break
        n *= 2
    times = []
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        sim.finish()  # glFinish: the GPU work is really counted
        times.append((time.perf_counter() - t) / n * 1000)
    return statistics.median(times)


def numpy_ms(sim: planetsim.Simulation) -> tuple[float, float]:
    """(maps + blur, weather + vapour) wall time of one numpy step on the same state, ms."""
    g = sim.grid
    v = sim.values
    p = ref.ClimateParams(**{k: v[k] for k in ref.ClimateParams.__dataclass_fields__ if k in v})
    elev = sim.field("terrain").read()[..., 0].astype(np.float64)
    moist = sim.field("moisture").read().astype(np.float64)
    sigma = float(v["pressure_blur_sigma"])
    t0 = time.perf_counter()
    land = elev > p.sea_level
    annual, seasonal = ref.raw_pressure(land, g)
    sx, sy = ref.surface_slope(elev, p.sea_level, g)
    a = ref.blur_sphere(annual, g, sigma)
    s = ref.blur_sphere(seasonal, g, sigma)
    t1 = time.perf_counter()
    w = ref.weather(a, s, sx, sy, elev, moist[..., 3], g, p)
    ref.vapour_step(
        moist, w["temp"], w["u"], w["v"], w["ascent"] + w["slope_ascent"], w["land"], g, p
    )
    t2 = time.perf_counter()
    return (t1 - t0) * 1000, (t2 - t1) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="256x128,512x256,1024x512")
    ap.add_argument("--min-time", type=float, default=0.5, help="seconds per batch, at least")
    ap.add_argument("--no-numpy", action="store_true", help="skip the numpy reference")
    args = ap.parse_args()
    ctx = create_context()
    print(f"renderer: {ctx.info['GL_RENDERER']} ({ctx.info['GL_VERSION']})")
    print()
    print(
        "| grid | climate ms/step | water_cycle ms/step | both ms/step | both, weather_every=2 "
        "| maps (land change) ms | geology ms/step | numpy weather+vapour ms | numpy maps ms |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for text in args.sizes.split(","):
        w, h = (int(v) for v in text.split("x"))
        sim = prepare(ctx, w, h)
        mt = args.min_time
        climate = ms_per_call(lambda s=sim: one_step(s, ("climate",)), sim, mt)
        water = ms_per_call(lambda s=sim: one_step(s, ("water_cycle",)), sim, mt)
        both = ms_per_call(lambda s=sim: one_step(s, ("climate", "water_cycle")), sim, mt)
        sim.set_uniform("weather_every", 2)
        both2 = ms_per_call(lambda s=sim: one_step(s, ("climate", "water_cycle")), sim, mt)
        sim.set_uniform("weather_every", 1)

        def maps(s: planetsim.Simulation = sim) -> None:
            for name in ("pressure", "blur_x_fine", "blur_x", "blur_y_fine", "blur_y"):
                s.run_pass(name)

        land = ms_per_call(maps, sim, mt)
        geo_stages = [st for st in ("tectonics", "erosion") if st in STAGES and STAGES[st].steps]
        geology = float("nan")
        if geo_stages:
            geo = planetsim.Simulation(ctx=ctx, size=(w, h), seed=1)
            geo.run_pass("relief_noise")
            geology = ms_per_call(
                lambda g=geo, sts=tuple(geo_stages): [g.run_stage(st) for st in sts], geo, mt
            )
            geo.close()
        if args.no_numpy:
            np_maps = np_step = float("nan")
        else:
            np_maps, np_step = numpy_ms(sim)
        print(
            f"| {w}x{h} | {climate:.2f} | {water:.2f} | {both:.2f} | {both2:.2f} | {land:.1f} "
            f"| {geology:.1f} | {np_step:.0f} | {np_maps:.0f} |"
        )
        sim.close()
    print()
    print(
        "climate and water_cycle: one sim step each with the land unchanged (weather, vapour); "
        "maps: pressure and the four blur passes, run only when the land changed; "
        "geology: one step of " + (" + ".join(geo_stages) or "(no geology stage)") + "."
    )


if __name__ == "__main__":
    main()
