"""The plates over one supercontinent cycle, as a small GIF: the earth story (seed 1) from
the first assembly to the next, a map of the elevation every `--every` Myr with the plate
boundaries drawn over it. Writes docs/plates_cycle.gif (kept under 2 MB).

    python examples/plates_cycle.py [--size 256x128] [--from-gya 1.1] [--myr 600] [--every 15]

About 5 minutes at 256x128 on a 2-core CPU (llvmpipe), most of it the story to the first picture.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import imageio.v3 as iio
import numpy as np
from PIL import Image

import planetsim
from planetsim.render import render_frame

MAX_BYTES = 2_000_000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="256x128")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--from-gya", type=float, default=1.1, help="first picture, Gyr ago")
    ap.add_argument("--myr", type=float, default=600.0, help="how long, Myr")
    ap.add_argument("--every", type=float, default=15.0, help="Myr between pictures")
    ap.add_argument("--width", type=int, default=512, help="picture width, px")
    ap.add_argument("--out", default="docs/plates_cycle.gif")
    a = ap.parse_args()
    size = tuple(int(v) for v in a.size.lower().split("x"))
    t0 = time.perf_counter()
    frames: list[np.ndarray] = []
    with planetsim.Simulation("earth", size=size, seed=a.seed) as sim:
        tl = sim.timeline
        sim.step(int(round(tl.frame_of_year(-a.from_gya * 1e9))) - sim.frame)
        year0 = sim.year
        n = int(a.myr / a.every) + 1
        for i in range(n):
            target = tl.frame_of_year(year0 + i * a.every * 1e6)
            sim.step(max(int(round(target)) - sim.frame, 0))
            # The plate boundaries (in red) and coastlines over the relief.
            img = render_frame(
                sim, "map", "elevation", (a.width, a.width // 2), overlays=("plates", "coast")
            )
            frames.append(img)
            print(f"  {sim.year_label:>14s}  ({time.perf_counter() - t0:.0f} s)", flush=True)
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for width in (a.width, a.width * 3 // 4, a.width // 2):
        small = [np.array(Image.fromarray(f).resize((width, width // 2))) for f in frames]
        iio.imwrite(out, small, duration=120, loop=0)
        if out.stat().st_size <= MAX_BYTES:
            break
    print(f"wrote {out} ({len(frames)} pictures, {out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
