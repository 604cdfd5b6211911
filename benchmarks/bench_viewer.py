"""Frames per second of the window (`planetsim view`) on whatever display is present, with the
GL renderer string. No frame cap and no vsync: the figures are what the machine reaches.
Rows: the globe turning while paused (drawing only), fixed pace at full resolution (every
frame runs what the epoch asks, the picture at the window's size), and the default window
(adaptive pace and picture scale) at speed 1 and at a high speed.

    python benchmarks/bench_viewer.py [--size 512x256] [--window 1280x720] [--frames 200]
    xvfb-run -s "-screen 0 1920x1080x24" python benchmarks/bench_viewer.py   # no display
"""

from __future__ import annotations

import argparse
import time

import glfw

from planetsim.frontends import window as viewer


def measure(
    opts: viewer.ViewerOptions, frames: int, turn: bool
) -> tuple[float, float, float, float]:
    """(fps, mean sim steps per frame, steps the epoch asked per frame, picture scale at the
    end) over `frames` frames after a warm-up (shader compile, the pacer settling)."""
    with viewer.Viewer(opts) as v:
        for _ in range(5):  # the story's first frames (its init passes) in every row
            v.frame()
        v.paused = turn

        def one() -> None:
            if turn:
                v.rotate(3.0, 0.0)  # as if dragged: the picture is drawn again every frame
            v.frame()

        for _ in range(min(frames, 40)):
            one()
        v.ctx.finish()
        steps0, frame0 = v.sim.step_count, v.frames
        t = time.perf_counter()
        for _ in range(frames):
            one()
        v.ctx.finish()
        dt = time.perf_counter() - t
        spf = (v.sim.step_count - steps0) / (v.frames - frame0)
        return frames / dt, spf, 0.0 if turn else v.want, v.resolution.scale


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--preset", default="quick")
    ap.add_argument("--size", default="512x256", help="grid WxH")
    ap.add_argument("--window", default="1280x720", help="window WxH")
    ap.add_argument("--view", default="globe")
    ap.add_argument("--frames", type=int, default=200)
    ap.add_argument("--speed", type=float, default=16.0, help="speed of the last row")
    args = ap.parse_args()
    gw, gh = (int(v) for v in args.size.split("x"))
    ww, wh = (int(v) for v in args.window.split("x"))

    def opts(**kw: object) -> viewer.ViewerOptions:
        base: dict[str, object] = dict(
            preset=args.preset,
            size=(gw, gh),
            width=ww,
            height=wh,
            view=args.view,
            fps=0.0,  # no cap
            vsync=False,
            pause_at_end=False,  # the clock goes on past the story's last frame
        )
        base.update(kw)
        return viewer.ViewerOptions(**base)  # type: ignore[arg-type]

    rows = [
        ("globe turning, paused, full size", opts(render_scale=1.0), True),
        ("fixed pace x1, full size", opts(pace="fixed", render_scale=1.0), False),
        ("default (adaptive) x1", opts(), False),
        (f"default (adaptive) x{args.speed:g}", opts(speed=args.speed), False),
    ]
    with viewer.Viewer(opts()) as v:
        renderer = v.ctx.info["GL_RENDERER"]
        fb = glfw.get_framebuffer_size(v.window)
    print(
        f"renderer: {renderer}; grid {gw}x{gh}; window {fb[0]}x{fb[1]}; view {args.view}; "
        f"preset {args.preset}"
    )
    print("| run | fps | sim steps/frame | epoch asks/frame | picture scale |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, o, turn in rows:
        fps, spf, want, scale = measure(o, args.frames, turn)
        print(f"| {name} | {fps:.1f} | {spf:.2f} | {want:g} | {scale:g} |")


if __name__ == "__main__":
    main()
