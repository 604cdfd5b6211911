"""How bright the day-side globe is at full phase (issue 18): the `earth` story just before
people appear (12 kyr ago), seen from four longitudes on the equator and from 30 deg north and
south, the sun behind the camera. The figure is the disc's mean sRGB-decoded linear luminance
(0.2126 R + 0.7152 G + 0.0722 B). Earth's planetary albedo is about 0.30; a Lambert sphere of
albedo A at full phase shows (2/3) A averaged over its disc (the mean of cos(incidence) over
a disc seen along the sun's direction), 0.20 for Earth. The globe lights its surface and clouds
as Lambert reflectors, so that is the model its figure matches, and the issue's range is
0.25-0.40.

    python benchmarks/globe_luminance.py --seed 1 --size 256x128 [--checkpoint F] [--png F]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from typing import TYPE_CHECKING

import numpy as np

from planetsim.analysis.images import linear_luminance

if TYPE_CHECKING:
    from planetsim.core.simulation import Simulation


def disc_luminance(img: np.ndarray, frac: float) -> float:
    """Mean linear luminance over the disc of an (n, n, 3) ortho picture whose disc spans
    `frac` of its half-width."""
    n = img.shape[0]
    c = (np.arange(n) + 0.5) / n * 2 - 1
    disc = c[None, :] ** 2 + c[:, None] ** 2 < (frac * 0.98) ** 2  # the limb's pixels left out
    return float(linear_luminance(img)[disc].mean())


def story_state(checkpoint: str | None, size: str, seed: int) -> tuple[Simulation, float]:
    """The earth story just before people appear (12 kyr ago), or a checkpoint's state, and
    the seconds that took."""
    from planetsim.core.checkpoint import load_checkpoint
    from planetsim.core.simulation import Simulation
    from planetsim.frontends.args import parse_size

    t0 = time.perf_counter()
    if checkpoint:
        sim = load_checkpoint(checkpoint)
    else:
        sim = Simulation("earth", size=parse_size(size), seed=seed)
        sim.step(sim.timeline.frame_of_year(-12e3) - sim.frame)
    return sim, time.perf_counter() - t0


def full_phase_views(sim: Simulation, pixels: int = 512) -> tuple[dict[str, float], np.ndarray]:
    """The disc-mean luminance from four longitudes on the equator and two at 30 N and 30 S,
    the sun behind the camera each time (the story's sun is put back), and the first view."""
    from planetsim.render.camera import Camera
    from planetsim.render.views import render_frame

    figures: dict[str, float] = {}
    first = None
    saved = sim.values["sun_dir"]
    try:
        for pitch in (0.0, 30.0, -30.0):
            for yaw in (0.0, 90.0, 180.0, 270.0) if pitch == 0.0 else (0.0, 180.0):
                cam = Camera(yaw=yaw, pitch=pitch, ortho=True)
                eye = cam.eye()
                d = math.sqrt(eye.x**2 + eye.y**2 + eye.z**2)
                sim.values["sun_dir"] = (eye.x / d, eye.y / d, eye.z / d)  # full phase
                size = (pixels, pixels)
                img = render_frame(sim, "globe", "biome", size, cam, label=False, time=0)
                first = img if first is None else first
                hh = cam.distance * math.tan(math.radians(cam.fov) / 2)
                figures[f"yaw {yaw:.0f}, pitch {pitch:.0f}"] = disc_luminance(img, 1.0 / hh)
    finally:
        sim.values["sun_dir"] = saved
    assert first is not None
    return figures, first


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size", default="256x128")
    ap.add_argument("--checkpoint", help="a state to load instead of running the story")
    ap.add_argument("--pixels", type=int, default=512)
    ap.add_argument("--png", help="write the first view here")
    ap.add_argument("--json", help="write the figures here")
    a = ap.parse_args(argv)

    sim, story_s = story_state(a.checkpoint, a.size, a.seed)
    figures, first = full_phase_views(sim, a.pixels)
    mean = float(np.mean(list(figures.values())))
    for k, v in figures.items():
        print(f"{k:>20}: {v:.3f}")
    print(f"{'mean':>20}: {mean:.3f}  (issue 18: 0.25-0.40; a Lambert sphere of albedo 0.30: 0.20)")
    print(f"renderer: {sim.renderer}; state: {sim.year_label} ({story_s:.0f} s)")
    if a.png:
        from PIL import Image

        Image.fromarray(first).save(a.png)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"views": figures, "mean": mean, "renderer": sim.renderer}, f, indent=1)
    sim.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
