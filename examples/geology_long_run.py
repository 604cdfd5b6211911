"""A long geological run at 512x256: a cratered protoplanet cools under a fading bombardment,
the ocean condenses, then plates drift, collide and rift while rivers carve their valleys.
Writes docs/geology.png (the elevation map at twice the grid's size, with the coastlines and
the rivers and lakes of the flow field drawn by the map view's overlays) and prints the
renderer and the timings.

    python examples/geology_long_run.py [--steps 1500] [--size 512x256] [--out docs/geology.png]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import planetsim
from planetsim.render import render_frame


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", default="512x256")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--proto-steps", type=int, default=120)
    ap.add_argument("--steps", type=int, default=1500, help="tectonics + erosion steps")
    ap.add_argument("--out", default="docs/geology.png")
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.split("x"))

    sim = planetsim.Simulation(preset="quick", size=(w, h), seed=args.seed)
    print(f"renderer: {sim.renderer}")
    t0 = time.perf_counter()
    # Protoplanet: 4.5-4.4 Gyr ago, 1 Myr per step; the bombardment fades, the surface cools
    # and the ocean condenses once the crust has solidified.
    sim.set_uniform("dt", 1e6)
    for i in range(args.proto_steps):
        f = i / max(args.proto_steps - 1, 1)
        sim.set_uniform("impact_rate", 4.0 * (1.0 - f))
        sim.set_uniform("surface_heat", 1.0 - 0.8 * f)
        sim.set_uniform("ocean_fill", min(1.0, max(0.0, 2.0 * f - 0.6)))
        sim.run_stage("protoplanet")
    # Plates and rivers: 0.2 Myr per step (1500 steps = 300 Myr).
    sim.set_uniform("dt", 2e5)
    for _ in range(args.steps):
        sim.run_stage("tectonics")
        sim.run_stage("erosion")
    sim.finish()
    secs = time.perf_counter() - t0
    z = sim.elevation()
    sea = sim.values["sea_level"]
    land = sim.grid.area_mean((z > sea).astype(float))
    print(
        f"{args.proto_steps} + {args.steps} steps in {secs:.1f} s; land {land:.0%}, "
        f"elevation {z.min() - sea:.0f} .. {z.max() - sea:.0f} m about sea level {sea:.0f} m"
    )
    img = render_frame(
        sim, "map", "elevation", (2 * w, 2 * h), label=False, overlays=("coast", "rivers")
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    import imageio.v3 as iio  # an optional dependency of the examples, not of the core

    iio.imwrite(out, np.ascontiguousarray(img), optimize=True)
    print(f"wrote {out} ({out.stat().st_size // 1024} KB)")
    sim.close()


if __name__ == "__main__":
    main()
