"""`planetsim bench`: time every stage and a whole story step on this machine's GL driver,
next to one numpy step of the same rules (planetsim.reference), and profile per pass.

    planetsim bench                          # 256x128 .. 2048x1024, markdown table
    planetsim bench --quick                  # 256x128 .. 1024x512, shorter batches
    planetsim bench --sizes 512x256 --json out.json --md out.md
    planetsim bench --profile --sizes 512x256   # ms per pass of one story step

Timing: after a warm-up (compile, first allocation, the stages' init passes and one-off
hooks), a batch of steps is sized to take at least --min-time seconds; each timed batch is
bracketed by ctx.finish() (glFinish) so the GPU work is really counted; the figure is the
median of --repeats batches. The story step runs one sim step of every stage in STORY_ORDER
as Simulation.step() does (schedules with `every` amortised as they run); the story frame
adds a globe render at --render size (no readback). numpy: one step of the same geology,
climate and life rules (planetsim.reference), amortised by the same schedules.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .report import markdown
from .timing import (
    DEFAULT_SIZES,
    GROUPS,
    QUICK_SIZES,
    bench_size,
    make_sim,
    profile,
    schedule_period,
    story_preset_text,
    story_step,
    time_batch,
    warm_up,
)


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"bad size '{text}' (expected WxH, e.g. 512x256)") from None
    if w < 2 or h < 2:
        raise ValueError(f"bad size '{text}' (at least 2x2)")
    return w, h


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="planetsim bench", description="time every stage and a story step on this GPU"
    )
    ap.add_argument("--sizes", default=None, help=f"grids WxH, comma-separated ({DEFAULT_SIZES})")
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_SIZES}, shorter batches")
    ap.add_argument("--repeats", type=int, default=5, help="timed batches (median reported)")
    ap.add_argument("--min-time", type=float, default=0.4, help="seconds per batch, at least")
    ap.add_argument("--render", default="1280x720", help="globe render size of a story frame")
    ap.add_argument(
        "--steps-per-frame",
        type=int,
        default=10,
        help="story steps in a displayed frame (the GPU target: 10 a frame at 60 fps)",
    )
    ap.add_argument("--preset", default=None, help="preset (default: every stage on, defaults)")
    ap.add_argument("--no-numpy", action="store_true", help="skip the numpy reference")
    ap.add_argument(
        "--numpy-max-cells", type=int, default=1024 * 512, help="skip numpy above this many cells"
    )
    ap.add_argument(
        "--stage-max-cells",
        type=int,
        default=1024 * 512,
        help="time each stage only up to this many cells (above: the story and frame only)",
    )
    ap.add_argument("--profile", action="store_true", help="ms per pass instead of the table")
    ap.add_argument("--profile-steps", type=int, default=40, help="story steps profiled")
    ap.add_argument("--json", type=Path, default=None, help="write the results as JSON here")
    ap.add_argument("--md", type=Path, default=None, help="write the markdown table here")
    ap.add_argument("--force", action="store_true", help="overwrite --json/--md files")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from ...core.context import create_context, renderer_info
    from ...core.errors import ContextError, PlanetsimError

    if args.quick:
        args.repeats = min(args.repeats, 3)
        args.min_time = min(args.min_time, 0.25)
    try:
        sizes = [
            parse_size(s)
            for s in (args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES)).split(",")
        ]
        args.render = parse_size(args.render)
        if args.steps_per_frame < 1:
            raise ValueError(f"--steps-per-frame must be at least 1, got {args.steps_per_frame}")
    except ValueError as exc:
        print(f"planetsim bench: {exc}", file=sys.stderr)
        return 2
    from ...core.outfiles import OutputError, check_output, write_text

    try:
        for out in (args.json, args.md):
            if out is not None:  # before the run: minutes of timing, then a refusal, is no use
                check_output(out, args.force)
    except OutputError as exc:
        print(f"planetsim bench: {exc}", file=sys.stderr)
        return 2
    try:
        if args.preset is not None:
            from ...core.presets import load

            args.preset_obj = load(args.preset)
        else:
            args.preset_obj = None
        ctx = create_context()
    except PlanetsimError as exc:
        print(f"planetsim bench: {exc}", file=sys.stderr)
        return 1 if isinstance(exc, ContextError) else 2  # no GL: 1; bad preset: 2
    info = renderer_info(ctx)
    result: dict[str, Any] = {
        "renderer": info["renderer"],
        "version": info.get("version", ""),
        "render": f"{args.render[0]}x{args.render[1]}",
        "story": args.preset or story_preset_text()[1],
        "steps_per_frame": args.steps_per_frame,
        "min_time_s": args.min_time,
        "repeats": args.repeats,
        "rows": [],
        "profiles": [],
    }
    print(f"renderer: {result['renderer']} ({result['version']})", file=sys.stderr)
    for size in sizes:
        print(f"  {size[0]}x{size[1]} ...", file=sys.stderr, flush=True)
        if args.profile:
            result["profiles"].append(profile(ctx, size, args))
        else:
            result["rows"].append(bench_size(ctx, size, args))
    md = markdown(result)
    print(md, end="")
    if args.md is not None:
        write_text(args.md, md)
    if args.json is not None:
        write_text(args.json, json.dumps(result, indent=1))
    ctx.release()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = [
    "GROUPS",
    "bench_size",
    "build_parser",
    "main",
    "make_sim",
    "markdown",
    "parse_size",
    "profile",
    "schedule_period",
    "story_step",
    "time_batch",
    "warm_up",
]
