"""Baseline: passes per second and megapixels per second of a 9-neighbour pass (hillslope
diffusion) at several grid sizes, with the GL renderer string.

    python benchmarks/bench_nine_point.py [--repeats 5] [--sizes 256x128,512x256,...]
"""

from __future__ import annotations

import argparse
import statistics
import time

import planetsim
from planetsim.core.context import create_context


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="256x128,512x256,1024x512,2048x1024")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=0.3, help="seconds per repeat, at least")
    args = ap.parse_args()
    ctx = create_context()
    print(f"renderer: {ctx.info['GL_RENDERER']} ({ctx.info['GL_VERSION']})")
    print("| grid | passes/s | Mpixel/s |")
    print("| --- | ---: | ---: |")
    for text in args.sizes.split(","):
        w, h = (int(v) for v in text.split("x"))
        sim = planetsim.Simulation(ctx=ctx, size=(w, h))
        sim.run_pass("relief_noise")
        sim.run_pass("hillslope", 3)  # warm-up: compile, first allocation
        sim.finish()
        n = 1
        while True:  # find a batch that takes min_time
            t = time.perf_counter()
            sim.run_pass("hillslope", n)
            sim.finish()
            if time.perf_counter() - t > args.min_time or n > 100000:
                break
            n *= 2
        rates = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            sim.run_pass("hillslope", n)
            sim.finish()  # glFinish: the GPU work is really counted
            rates.append(n / (time.perf_counter() - t))
        r = statistics.median(rates)
        print(f"| {w}x{h} | {r:.1f} | {r * w * h / 1e6:.1f} |")
        sim.close()


if __name__ == "__main__":
    main()
