"""Cost of the life and people stages per sim step, next to the numpy reference.

For each grid: milliseconds per run of each pass (life, people, carbon), the two stages' cost
per sim step as scheduled (run_stage: life every `life_every` steps, people and carbon every
`people_every`, the hook's mipmaps included), a 9-point hillslope pass for scale, and one
step of the numpy references (planetsim.reference.life). Best of --repeats batches (a shared
machine's noise only ever adds time). Prints a markdown table with the GL renderer.

    python benchmarks/bench_life.py [--sizes 256x128,512x256,1024x512] [--repeats 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import planetsim
from planetsim.context import create_context
from planetsim.reference.life import carbon_step, life_step, people_step


def setup(sim: planetsim.Simulation) -> None:
    """A living, populated world with numpy climate fields (no climate stage needed)."""
    g = sim.grid
    sim.run_pass("relief_noise")
    land = sim.field("terrain").read()[..., 0] > 0
    lat = np.radians(g.lat2d)
    air = np.zeros((*g.shape, 4), np.float32)
    air[..., 1] = 45 * np.cos(lat) ** 2 - 20
    air[..., 2] = 15 * np.cos(3 * lat)
    air[..., 3] = 3 * np.sin(2 * lat)
    sim.field("air").write(air)
    m = np.zeros((*g.shape, 4), np.float32)
    m[..., 1] = 1500 * np.cos(lat) ** 2
    m[..., 3] = 400.0
    sim.field("moisture").write(m)
    life = np.zeros((*g.shape, 4), np.float32)
    life[..., :3] = 0.5 * land[..., None]
    life[..., 3] = land
    sim.field("life").write(life)
    civ = np.zeros((*g.shape, 4), np.float32)
    civ[..., 0] = 20.0 * land
    civ[..., 1] = 1.0 * land
    sim.field("civ").write(civ)
    sim.values.update(dt=1.0, people_appeared=True)


def best_ms(fn, n: int, repeats: int, sync) -> float:
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn(n)
        sync()
        best = min(best, (time.perf_counter() - t) / n)
    return best * 1e3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="256x128,512x256,1024x512")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=0.2, help="seconds per batch, at least")
    args = ap.parse_args()
    ctx = create_context()
    print(f"renderer: {ctx.info['GL_RENDERER']} ({ctx.info['GL_VERSION']})")
    print(
        "| grid | life pass ms | people pass ms | carbon pass ms | life + people stages ms/step"
        " | hillslope pass ms | numpy reference, one step ms |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for text in args.sizes.split(","):
        w, h = (int(v) for v in text.split("x"))
        sim = planetsim.Simulation(ctx=ctx, size=(w, h))
        setup(sim)

        def stages(k: int, s: planetsim.Simulation = sim) -> None:
            for _ in range(k):
                s.run_stage("life")
                s.step_count -= 1  # one sim step runs both stages
                s.run_stage("people")

        ms = {}
        for name in ("hillslope", "life", "people", "carbon", "stages"):
            if name == "hillslope":
                saved = sim.field("terrain").read()
            run = stages if name == "stages" else (lambda k, p=name, s=sim: s.run_pass(p, k))
            run(4)  # warm-up: compile, first allocation
            sim.finish()
            n = 4
            while True:  # a batch that takes min_time
                t = time.perf_counter()
                run(n)
                sim.finish()
                if time.perf_counter() - t > args.min_time or n > 10000:
                    break
                n *= 2
            ms[name] = best_ms(run, n, args.repeats, sim.finish)
            if name == "hillslope":
                sim.field("terrain").write(saved)
        v = sim.values
        fields = {n: sim.field(n).read() for n in ("terrain", "air", "moisture", "life", "civ")}
        t = time.perf_counter()
        life, civ = life_step(
            fields["life"],
            fields["terrain"],
            fields["air"],
            fields["moisture"],
            fields["civ"],
            sim.grid,
            v,
        )
        civ = people_step(civ, fields["air"], life, sim.grid, v)
        carbon_step(fields["moisture"], fields["air"], civ, sim.grid, v, 0)
        ref = (time.perf_counter() - t) * 1e3
        print(
            f"| {w}x{h} | {ms['life']:.2f} | {ms['people']:.2f} | {ms['carbon']:.2f} "
            f"| {ms['stages']:.2f} | {ms['hillslope']:.2f} | {ref:.0f} |"
        )
        sim.close()


if __name__ == "__main__":
    main()
