"""Option groups of the `planetsim` commands: the start terrain (--heightmap) and the render
options that `render` and `resume` share."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..args import (
    WHEN_HELP,
    UsageError,
    float_pair,
    parse_when,
    pixels,
    positive_float,
    positive_int,
)

if TYPE_CHECKING:
    from ...core.simulation import Simulation


def x264_preset(text: str) -> str:
    from ..export import X264_PRESETS

    if text not in X264_PRESETS:
        raise argparse.ArgumentTypeError(f"'{text}' is not one of {', '.join(X264_PRESETS)}")
    return text


def add_start_args(p: argparse.ArgumentParser) -> None:
    """Start from a heightmap instead of the story's first terrain."""
    p.add_argument(
        "--heightmap",
        type=Path,
        default=None,
        help="start from this elevation (a grayscale image or an .npy array of metres)",
    )
    p.add_argument(
        "--sea-level",
        type=float,
        default=None,
        metavar="M",
        help="with --heightmap: sea level in metres of the heightmap's elevation",
    )
    p.add_argument(
        "--elevation-range",
        type=float_pair,
        default=None,
        metavar="MIN,MAX",
        help="with --heightmap (image): metres of its darkest and brightest level",
    )


def check_start_args(args: argparse.Namespace) -> None:
    """Refuse a heightmap that cannot be read before any work is done."""
    hm = getattr(args, "heightmap", None)
    if hm is None:
        if getattr(args, "sea_level", None) is not None or getattr(args, "elevation_range", None):
            raise UsageError("--sea-level and --elevation-range need --heightmap")
        return
    if not hm.is_file():
        raise UsageError(f"heightmap not found: {hm}")
    try:
        if hm.suffix.lower() == ".npy":
            import numpy as np

            a = np.load(hm, allow_pickle=False)
            if a.ndim != 2:
                raise ValueError(f"expected a 2-D array, got shape {a.shape}")
        else:
            from PIL import Image

            with Image.open(hm) as im:
                im.load()
    except Exception as exc:  # Pillow and numpy raise many kinds for a bad file
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(f"cannot read heightmap {hm}: {detail}") from None


def apply_start_args(sim: Simulation, args: argparse.Namespace) -> None:
    hm = getattr(args, "heightmap", None)
    if hm is None:
        return
    from ...core.heightmap import apply_heightmap

    kw: dict[str, Any] = {}
    if args.sea_level is not None:
        kw["sea_level"] = args.sea_level
    if args.elevation_range is not None:
        kw["elevation_range"] = args.elevation_range
    apply_heightmap(sim, hm, **kw)


def add_output_args(p: argparse.ArgumentParser, resume: bool = False) -> None:
    """The render options; for `resume` every default comes from the checkpoint."""

    def d(value: Any) -> Any:
        return None if resume else value

    p.add_argument(
        "--out",
        default=None,
        help="FILE.mp4 (H.264), FILE.gif, FILE.png (the last picture) or a FOLDER/ of "
        "numbered PNGs (default: PRESET.mp4)",
    )
    p.add_argument("--view", default=d("globe"), help="globe (default) or map")
    p.add_argument("--layer", default=d("elevation"), help="layer to show (default elevation)")
    p.add_argument("--fps", type=positive_float, default=d(30.0), help="video frame rate")
    p.add_argument(
        "--x264-preset",
        type=x264_preset,
        default=d("medium"),
        metavar="PRESET",
        help="H.264 speed of an .mp4: ultrafast .. veryslow (default medium; veryfast "
        "encodes about 3x faster at CRF 18, files about the same size)",
    )
    if not resume:
        p.add_argument(
            "--from",
            dest="start",
            type=parse_when,
            default=None,
            metavar="FRAME|YEAR",
            help=f"first picture (default frame 1). {WHEN_HELP}",
        )
    p.add_argument(
        "--to",
        dest="stop",
        type=parse_when,
        default=None,
        metavar="FRAME|YEAR",
        help="last picture, inclusive (default: the story's end)",
    )
    p.add_argument(
        "--every", type=positive_int, default=d(1), metavar="K", help="picture every K frames"
    )
    p.add_argument("--width", type=pixels, default=None, help="picture width, px")
    p.add_argument(
        "--height",
        type=pixels,
        default=None,
        help="picture height, px (default 640x360 globe, 720x360 map)",
    )
    p.add_argument(
        "--camera",
        default=d("spin"),
        help="spin (default; spin:DEG_PER_S: circles the globe, lit from beside the camera while "
        "a frame spans years; once the story's days turn, the night side and its city lights "
        "pass by), day (day:OFFSET: over the sunlit side), fixed (fixed:YAW or fixed:YAW,PITCH)",
    )
    p.add_argument("--no-label", action="store_true", help="leave the year label off")
    p.add_argument(
        "--metrics", default=d(None), metavar="FILE.csv", help="global figures, one row a frame"
    )
    p.add_argument(
        "--checkpoint-every",
        nargs=2,
        default=None,
        metavar=("N", "DIR"),
        help="save a checkpoint in DIR every N frames",
    )
    p.add_argument("--force", action="store_true", help="overwrite existing outputs")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")


def checkpoint_opt(value: list[str] | None) -> tuple[int | None, str | None]:
    if value is None:
        return None, None
    n, folder = value
    try:
        return positive_int(n), folder
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"--checkpoint-every N DIR: {exc}") from None
