"""Render times of the views: globe and map at 640x360 and 1920x1080 from a 512x256 grid with
every field filled (the rivers routed D8 over the relief by analysis.routing), drawn on the
GPU only (render_texture) and read back to numpy (render_frame), with the GL renderer string.
--rebake draws every picture as if the fields had changed since the last (a story's frames):
the views' bake runs each time instead of being kept for an unchanged state.

    python benchmarks/bench_views.py [--grid 512x256] [--sizes 640x360,1920x1080] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import planetsim
from planetsim.analysis.routing import route
from planetsim.reference.relief import D8
from planetsim.render import Camera, render_frame, render_texture


def fill(sim: planetsim.Simulation) -> None:
    """Plausible values in every field (a relief, its rivers and lakes, a zonal climate, life,
    people)."""
    sim.run_stage("relief", 3)
    g = sim.grid
    lat, lon = np.radians(g.lat2d), np.radians(g.lon2d)
    z = sim.field("terrain").read()[..., 0]
    rng = np.random.default_rng(1)
    temp = 28 - 52 * np.sin(lat) ** 2 - 6.5e-3 * np.maximum(z, 0)
    rain = (200 + 1800 * np.exp(-((np.degrees(lat) / 12) ** 2))) * (0.6 + 0.8 * rng.random(z.shape))
    zero = np.zeros_like(z)
    fields = {
        "water": _rivers(g, z),
        "air": (1013 + 10 * np.cos(3 * lat), temp, -8 * np.cos(3 * lat), 3 * np.sin(2 * lon)),
        "moisture": (rain / 100, rain, np.clip(np.sin(5 * lon + 3 * lat), 0, 1), zero + 280),
        "life": (np.clip((rain - 200) / 1500, 0, 1), zero + 0.1, zero + 0.05, zero),
        "civ": (zero, zero, zero, np.where(z > 0, rng.random(z.shape) ** 8, 0)),
    }
    for name, chans in fields.items():
        sim.field(name).write(np.stack(chans, -1).astype(np.float32))


def _rivers(g, z: np.ndarray) -> tuple[np.ndarray, ...]:
    """The water field's flow (cells drained), receiver codes 1..8 and lake depth."""
    r = route(z, g)
    code = np.zeros(z.shape)
    for k, (dx, dy) in enumerate(D8):
        rows, cols = g.neighbour_index(dx, dy)
        code[r.land & (r.receiver == rows * g.width + cols)] = k + 1
    land = r.land
    return (np.where(land, r.drained_cells, 0.0), code, np.zeros_like(z), r.lake_depth_m)


def timed(fn, repeats: int) -> float:
    fn()  # warm-up: compile, allocate
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out) * 1000.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--grid", default="512x256")
    ap.add_argument("--sizes", default="640x360,1920x1080")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--rebake", action="store_true", help="fields changed before every picture")
    args = ap.parse_args()
    gw, gh = (int(v) for v in args.grid.split("x"))
    with planetsim.Simulation(size=(gw, gh)) as sim:
        fill(sim)
        print(f"renderer: {sim.renderer}; grid {gw}x{gh}; rebake {args.rebake}")
        print("| view | picture | GPU only, ms | to numpy, ms | to numpy + label/legend, ms |")
        print("| --- | --- | ---: | ---: | ---: |")
        cam = Camera(yaw=30.0)
        for text in args.sizes.split(","):
            size = tuple(int(v) for v in text.split("x"))
            cases = (
                ("globe", "elevation", None),  # default overlays: rivers
                ("globe", "elevation", ()),
                ("map", "elevation", None),  # default overlays: coastlines
                ("map", "wind", None),  # animated streaks
            )
            for view, layer, ov in cases:

                def changed() -> None:
                    if args.rebake:  # as a pass's swap does (what the views' bake keys on)
                        for f in sim.fields.values():
                            f.version += 1

                def gpu(view=view, layer=layer, size=size, ov=ov) -> None:
                    changed()
                    render_texture(sim, view, layer, size, cam, label=False, overlays=ov)
                    sim.finish()

                def bare(view=view, layer=layer, size=size, ov=ov) -> None:
                    changed()
                    render_frame(sim, view, layer, size, cam, label=False, overlays=ov)

                def full(view=view, layer=layer, size=size, ov=ov) -> None:
                    changed()
                    render_frame(sim, view, layer, size, cam, label=True, overlays=ov)

                ms = [timed(f, args.repeats) for f in (gpu, bare, full)]
                what = "default overlays" if ov is None else "no overlays"
                name = f"{view} ({layer}, {what})"
                print(f"| {name} | {text} | {ms[0]:.1f} | {ms[1]:.1f} | {ms[2]:.1f} |")


if __name__ == "__main__":
    main()
