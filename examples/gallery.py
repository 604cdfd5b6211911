"""The README's gallery, from the `earth` story: a day globe at full phase before people, a night
globe with their lights near the end, the map of every layer there, and a small GIF of the
whole story (under 2 MB). Writes docs/gallery/. The globes leave out the rivers' overlay (at
128x64 its lines are a cell wide, and drawn unlit they glow on the night side).

    python examples/gallery.py [--size 128x64] [--seed 1] [--out docs/gallery]

At 128x64 the story takes a couple of minutes on llvmpipe.
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

import planetsim
from planetsim.render import LAYERS, Camera, render_frame, sun_longitude

GIF_FRAMES = 72
GIF_SIZE = (320, 180)
MAX_GIF_BYTES = 2_000_000


MAX_PNG_BYTES = 600_000


def save_png(img: np.ndarray, path: Path) -> None:
    """A PNG under MAX_PNG_BYTES: full colour if it fits, else 256 colours (median cut)."""
    im = Image.fromarray(img)
    for colours in (None, 256):
        buf = io.BytesIO()
        (im if colours is None else im.quantize(colours, Image.Quantize.MEDIANCUT)).save(
            buf, format="PNG", optimize=True
        )
        if buf.tell() <= MAX_PNG_BYTES:
            break
    path.write_bytes(buf.getvalue())


def layer_sheet(sim: planetsim.Simulation, tile: tuple[int, int], cols: int = 4) -> np.ndarray:
    """Every layer's map, `cols` to a row, each with its name."""
    tiles = []
    for name in LAYERS:
        img = Image.fromarray(render_frame(sim, "map", name, tile, label=False, legend=True))
        ImageDraw.Draw(img).text((tile[0] - 8, 6), name, fill=(255, 255, 255), anchor="ra")
        tiles.append(np.asarray(img))
    while len(tiles) % cols:
        tiles.append(np.zeros_like(tiles[0]))
    rows = [np.concatenate(tiles[i : i + cols], axis=1) for i in range(0, len(tiles), cols)]
    return np.concatenate(rows, axis=0)


def save_gif(frames: list[np.ndarray], path: Path) -> int:
    """An animated GIF of the frames (one shared 128-colour palette), smaller frames until it
    is under MAX_GIF_BYTES."""
    scale = 1.0
    while True:
        ims = [Image.fromarray(f) for f in frames]
        if scale < 1.0:
            w, h = ims[0].size
            ims = [im.resize((int(w * scale), int(h * scale)), Image.LANCZOS) for im in ims]
        pal = ims[len(ims) // 2].quantize(128, Image.Quantize.MEDIANCUT)
        q = [im.quantize(palette=pal, dither=Image.Dither.NONE) for im in ims]
        buf = io.BytesIO()
        q[0].save(buf, format="GIF", save_all=True, append_images=q[1:], duration=120, loop=0)
        if buf.tell() <= MAX_GIF_BYTES or scale < 0.3:
            path.write_bytes(buf.getvalue())
            return buf.tell()
        scale *= 0.8


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="128x64", help="grid WxH")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="docs/gallery")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.lower().split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with planetsim.Simulation(preset="earth", size=size, seed=args.seed) as sim:
        total = sim.timeline.total_frames
        starts = {
            e.name: sum(x.frames for x in sim.timeline.epochs[:i])
            for i, e in enumerate(sim.timeline.epochs)
        }
        before_people = starts["people"] - 1
        night_at = total - total // 40  # near the end: people and their lights
        stops = sorted({*np.linspace(1, total, GIF_FRAMES).astype(int), before_people, night_at})
        gif = []
        for frame in stops:
            sim.step(frame - sim.frame)
            sun = sun_longitude(sim)
            if frame in np.linspace(1, total, GIF_FRAMES).astype(int):
                gif.append(render_frame(sim, "globe", "elevation", GIF_SIZE, legend=False))
            if frame == before_people:
                # full phase: the sun behind the camera
                day = Camera(yaw=sun, pitch=10.0)
                save_png(
                    render_frame(sim, "globe", "elevation", (1280, 720), day, overlays=()),
                    out / "day.png",
                )
            if frame == night_at:
                night = Camera(yaw=sun + 180.0, pitch=15.0)
                img = render_frame(sim, "globe", "elevation", (1280, 720), night, overlays=())
                save_png(img, out / "night.png")
                save_png(layer_sheet(sim, (480, 240)), out / "layers.png")
            print(f"  frame {frame:6d}  {sim.year_label:>14s}  ({time.perf_counter() - t0:.0f} s)")
    n = save_gif(gif, out / "story.gif")
    print(
        f"wrote {out}/day.png, night.png, layers.png, story.gif ({n // 1024} KB) "
        f"in {time.perf_counter() - t0:.0f} s"
    )


if __name__ == "__main__":
    main()
