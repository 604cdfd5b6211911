"""The window's command line and options: `planetsim view` arguments, the options they
make, and the checks that run before a window opens (one line each)."""

from __future__ import annotations

import argparse
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...core.errors import PlanetsimError
from ..args import add_world_args, pixels, positive_float, positive_int

# What each key and mouse action does; the on-screen help (H) and the README show this table.
CONTROLS: tuple[tuple[str, str], ...] = (
    ("drag (left button)", "rotate the globe"),
    ("scroll", "zoom in / out"),
    ("M", "toggle map / globe"),
    ("1..9, 0 / Tab, Shift+Tab", "choose a layer / next, previous layer"),
    ("Space", "pause / resume"),
    ("Right or + / Left or -", "faster / slower (x2 each press)"),
    (".", "step one frame (pauses)"),
    ("R", "restart the story with a new seed"),
    ("S", "save a screenshot PNG (numbered, never overwrites)"),
    ("C", "reset the camera"),
    ("F or F11", "toggle fullscreen"),
    ("H or F1", "show / hide this help"),
    ("Esc or Q", "quit"),
)


MAP_ASPECT = 2.0  # the equirectangular map is twice as wide as high
SPEED_MIN, SPEED_MAX = 1.0 / 64.0, 256.0
DEFAULT_FPS = 60.0

_NO_DISPLAY = (
    "no display to open a window on ({why}); use `planetsim render` to make pictures "
    "headless, or run under a virtual display (xvfb-run planetsim view)"
)


def no_display(why: str) -> PlanetsimError:
    return PlanetsimError(_NO_DISPLAY.format(why=why))


def parse_screenshot_at(text: str) -> tuple[int, Path]:
    """'FRAME:PATH' -> (frame, path); FRAME counts window frames from 1."""
    frame, sep, path = text.partition(":")
    try:
        n = int(frame)
    except ValueError:
        n = 0
    if not sep or not path or n < 1:
        raise argparse.ArgumentTypeError(
            f"--screenshot-at wants FRAME:PATH with FRAME >= 1, e.g. 120:shot.png; got '{text}'"
        )
    return n, Path(path)


def render_scale(text: str) -> float | None:
    if text == "auto":
        return None
    v = positive_float(text)
    if not 0.1 <= v <= 1.0:
        raise argparse.ArgumentTypeError(f"want auto or a number in 0.1..1, got '{text}'")
    return v


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `planetsim view` options (the CLI adds them to its `view` subcommand)."""
    from ..files import layers

    parser.formatter_class = argparse.RawDescriptionHelpFormatter  # keep the table's lines
    parser.description = "Play the story in a window: the globe or the map of any layer."
    width = max(len(k) for k, _ in CONTROLS)
    parser.epilog = "controls:\n" + "\n".join(f"  {k.ljust(width)}  {v}" for k, v in CONTROLS)
    add_world_args(parser)
    parser.add_argument("--width", type=pixels, default=1280, help="window width, px")
    parser.add_argument("--height", type=pixels, default=720, help="window height, px")
    parser.add_argument("--fullscreen", action="store_true", help="start fullscreen")
    parser.add_argument(
        "--resume",
        type=Path,
        default=None,
        metavar="CKPT",
        help="continue the story from a checkpoint (from `render --checkpoint-every`, or the "
        "one the window saves if it fails); its preset, grid and seed replace --preset, "
        "--size and --seed",
    )
    parser.add_argument("--view", default="globe", help="first view shown: globe or map")
    parser.add_argument("--layer", default=None, help=f"first layer shown: {', '.join(layers())}")
    parser.add_argument(
        "--speed",
        type=positive_float,
        default=1.0,
        help="story frames per window frame (1: the preset's pace at 60 fps)",
    )
    parser.add_argument(
        "--max-frames", type=positive_int, default=None, help="quit after N window frames"
    )
    parser.add_argument(
        "--screenshot-at",
        type=parse_screenshot_at,
        action="append",
        default=[],
        metavar="FRAME:PATH",
        help="save the picture after window frame FRAME to PATH (.png; repeatable)",
    )
    parser.add_argument(
        "--screenshot-dir", type=Path, default=Path("."), help="where the S key saves pictures"
    )
    parser.add_argument(
        "--force", action="store_true", help="let --screenshot-at overwrite existing files"
    )
    parser.add_argument(
        "--fps",
        type=float,
        default=None,
        help="target frame rate (default: the display's refresh, else 60; 0: no cap)",
    )
    parser.add_argument("--no-vsync", action="store_true", help="do not wait for the display")
    parser.add_argument(
        "--pace",
        choices=("adaptive", "fixed"),
        default="adaptive",
        help="adaptive: fewer steps per frame when frames run late; fixed: always what the "
        "epoch asks (reproducible runs)",
    )
    parser.add_argument(
        "--render-scale",
        type=render_scale,
        default=None,
        metavar="auto|S",
        help="draw the picture at this fraction (0.1..1) of the window's size; auto (default): "
        "lower it while frames run late even at one sim step a frame (a CPU renderer)",
    )


@dataclass
class ViewerOptions:
    preset: Any = "quick"  # a name, a path or a Preset
    size: tuple[int, int] | None = None
    seed: int | None = None
    width: int = 1280
    height: int = 720
    fullscreen: bool = False
    view: str = "globe"
    layer: str | None = None
    speed: float = 1.0
    max_frames: int | None = None
    screenshots: list[tuple[int, Path]] = field(default_factory=list)
    screenshot_dir: Path = Path(".")
    force: bool = False
    fps: float | None = None  # None: the display's refresh rate; 0: no cap
    vsync: bool = True
    pace: str = "adaptive"
    render_scale: float | None = None  # None: adaptive (at most 1); a number: fixed
    pause_at_end: bool = True
    title: str = "planetsim"
    resume: Path | None = None  # a checkpoint to continue instead of starting the preset


def options_from_args(args: argparse.Namespace) -> ViewerOptions:
    return ViewerOptions(
        preset=args.preset,
        size=args.size,
        seed=args.seed,
        width=args.width,
        height=args.height,
        fullscreen=args.fullscreen,
        view=args.view,
        layer=args.layer,
        speed=args.speed,
        max_frames=args.max_frames,
        screenshots=list(args.screenshot_at),
        screenshot_dir=args.screenshot_dir,
        force=args.force,
        fps=args.fps,
        vsync=not args.no_vsync,
        pace=args.pace,
        render_scale=args.render_scale,
        resume=args.resume,
    )


def check_options(o: ViewerOptions) -> None:
    """Everything that can be wrong before a window opens, as one line."""
    from ...core.outfiles import check_output
    from ..files import layers, views

    if o.view not in views():
        raise PlanetsimError(f"unknown view '{o.view}' (views: {', '.join(views())})")
    if o.layer is not None and o.layer not in layers():
        raise PlanetsimError(f"unknown layer '{o.layer}' (layers: {', '.join(layers())})")
    if o.render_scale is not None and not 0.1 <= o.render_scale <= 1.0:
        raise PlanetsimError(f"--render-scale must be auto or in 0.1..1, got {o.render_scale}")
    if o.fps is not None and (o.fps < 0 or not math.isfinite(o.fps)):
        raise PlanetsimError(f"--fps must be >= 0, got {o.fps}")
    for frame, path in o.screenshots:
        if path.suffix.lower() != ".png":
            raise PlanetsimError(f"screenshot {path}: unsupported extension (supported: .png)")
        if o.max_frames is not None and frame > o.max_frames:
            raise PlanetsimError(
                f"--screenshot-at {frame}:{path} comes after --max-frames {o.max_frames}"
            )
        check_output(path, o.force)
    if not o.screenshot_dir.is_dir():
        raise PlanetsimError(f"--screenshot-dir {o.screenshot_dir} is not a folder")
    if o.resume is not None:
        from ...core.checkpoint import read_checkpoint

        read_checkpoint(o.resume)  # a missing or damaged checkpoint: one line, no window


def check_display() -> None:
    """Raise the one-line error when this process has no display to open a window on."""
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            raise no_display("DISPLAY and WAYLAND_DISPLAY are unset")
