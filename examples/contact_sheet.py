"""A contact sheet of one story: the same seed at 8 moments, each as a globe and a map, with
the year and epoch on every picture. Writes docs/contact_sheet.png (kept under 600 KB).

    python examples/contact_sheet.py [--preset earth] [--size 512x256] [--tile 320]
        [--layer elevation] [--out docs/contact_sheet.png]

The default preset is `earth` when it is shipped, else `quick`.
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

import numpy as np
from PIL import Image

import planetsim
from planetsim.core.presets import available
from planetsim.render import Camera, render_frame, sun_longitude

MOMENTS = 8
MAX_BYTES = 600_000


def moments(total: int, n: int = MOMENTS) -> list[int]:
    """n frames spread over the story: just after the start, then evenly to the end."""
    first = max(1, total // 100)
    return sorted({int(round(f)) for f in np.linspace(first, total, n)})


def save_small(img: np.ndarray, out: Path) -> int:
    """PNG under MAX_BYTES: full colour if it fits, else 256 colours (median cut)."""
    im = Image.fromarray(img)
    for colours in (None, 256, 128):
        buf = io.BytesIO()
        q = im if colours is None else im.quantize(colours, Image.Quantize.MEDIANCUT)
        q.save(buf, format="PNG", optimize=True)
        if buf.tell() <= MAX_BYTES or colours == 128:
            break
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buf.getvalue())
    return buf.tell()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="earth" if "earth" in available() else "quick")
    ap.add_argument("--size", default=None, help="grid WxH (default: the preset's)")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--tile", type=int, default=320, help="width of each picture, px")
    ap.add_argument("--layer", default="elevation", help="the maps' layer")
    ap.add_argument("--out", default="docs/contact_sheet.png")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.lower().split("x")) if args.size else None

    tw, th = args.tile, args.tile * 9 // 16
    rows = []
    t0 = time.perf_counter()
    with planetsim.Simulation(preset=args.preset, size=size, seed=args.seed) as sim:
        print(
            f"{sim.preset.name}: {sim.grid.width}x{sim.grid.height}, seed {sim.seed}, "
            f"{sim.timeline.total_frames} frames, on {sim.renderer}"
        )
        pair = []
        for frame in moments(sim.timeline.total_frames):
            sim.step(frame - sim.frame)
            # Look at the evening side: the terminator, and city lights once there are people.
            cam = Camera(yaw=sun_longitude(sim) - 35.0, pitch=18.0, distance=3.4)
            globe = render_frame(sim, "globe", "elevation", (tw, th), cam, legend=False)
            flat = render_frame(sim, "map", args.layer, (tw, th))
            pair.append(np.concatenate([globe, flat], axis=1))
            print(
                f"  frame {frame:6d}  {sim.year_label:>14s}  {sim.epoch.name}"
                f"  ({time.perf_counter() - t0:.0f} s)"
            )
            if len(pair) == 2:
                rows.append(np.concatenate(pair, axis=1))
                pair = []
        if pair:
            pair.append(np.zeros_like(pair[0]))
            rows.append(np.concatenate(pair, axis=1))
    sheet = np.concatenate(rows, axis=0)
    n = save_small(sheet, Path(args.out))
    print(f"wrote {args.out} ({sheet.shape[1]}x{sheet.shape[0]}, {n // 1024} KB)")


if __name__ == "__main__":
    main()
