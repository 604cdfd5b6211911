"""The `planetsim` command. Exit codes: 0 success, 2 bad usage or input (one line, no
traceback), 1 internal failure.

    planetsim render --preset quick --out quick.mp4
    planetsim snapshot --at 1Gya --out snap/
    planetsim resume ckpt/frame_000120.ckpt
    planetsim presets | info [--shaders] | view | bench

Heavy modules (the simulation, imageio, the window, the benchmark) are imported inside the
command that needs them, so `planetsim --help` is quick and a missing optional part breaks
only its own command.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import math
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...core.errors import PlanetsimError

if TYPE_CHECKING:
    import moderngl

    from ...core.simulation import Simulation
    from ...core.timeline import Timeline


class UsageError(PlanetsimError):
    pass


class _Parser(argparse.ArgumentParser):
    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        # Let option values start with a minus and a digit (`--from -1e9y`), as Python 3.13
        # does: no planetsim option looks like a negative number.
        self._negative_number_matcher = re.compile(r"^-\.?\d")

    def error(self, message: str) -> None:  # one line, exit 2
        raise UsageError(f"{self.prog}: {message}")


# ---- argument types ------------------------------------------------------------------------
def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 256x128, got '{text}'") from None
    if w != 2 * h or h < 4 or h % 2:
        raise argparse.ArgumentTypeError(f"size must be W x H with W = 2*H, H even, got {text}")
    return (w, h)


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {v}")
    return v


def _pixels(text: str) -> int:
    v = _positive_int(text)
    if v < 2 or v > 16384:
        raise argparse.ArgumentTypeError(f"expected 2..16384 pixels, got {v}")
    return v


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got '{text}'") from None
    if not (v > 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return v


def _x264_preset(text: str) -> str:
    from ..export import X264_PRESETS

    if text not in X264_PRESETS:
        raise argparse.ArgumentTypeError(f"'{text}' is not one of {', '.join(X264_PRESETS)}")
    return text


def _float_pair(text: str) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected MIN,MAX metres, got '{text}'") from None
    if not (math.isfinite(a) and math.isfinite(b) and b > a):
        raise argparse.ArgumentTypeError(f"expected MIN,MAX with MAX > MIN, got '{text}'")
    return (a, b)


_WHEN = re.compile(
    r"^(?P<num>[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*(?P<unit>y|ya|kya|mya|gya|ce|bce)?$",
    re.IGNORECASE,
)
_AGO = {"ya": 1.0, "kya": 1e3, "mya": 1e6, "gya": 1e9}
WHEN_HELP = (
    "FRAME (a whole number: the state after that many story frames) or YEAR with a unit: "
    "-1e9y (signed years), 1.2Gya / 230Mya / 12kya / 500ya (years ago), 1850CE, 300BCE; "
    "or 'end'"
)


def parse_when(text: str) -> tuple[str, float]:
    """('frame', n) or ('year', y) or ('end', 0) from a --from/--to/--at value."""
    t = text.strip()
    if t.lower() == "end":
        return ("end", 0.0)
    m = _WHEN.match(t)
    if m is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not a frame or a year ({WHEN_HELP})")
    num, unit = m.group("num"), (m.group("unit") or "").lower()
    if not unit:
        if not num.isdigit():
            raise argparse.ArgumentTypeError(
                f"'{text}' is not a frame (a whole number >= 0); write a year with a unit, "
                "e.g. -1e9y, 1Gya or 1850CE"
            )
        return ("frame", float(int(num)))
    v = float(num)
    if unit == "y":
        return ("year", v)
    if unit == "ce":
        return ("year", v)
    if unit == "bce":
        return ("year", -v)
    return ("year", -v * _AGO[unit])


def resolve_when(when: tuple[str, float] | None, timeline: Timeline, flag: str) -> int | None:
    """A frame number for a parse_when() value on this story (None stays None)."""
    if when is None:
        return None
    kind, v = when
    total = timeline.total_frames
    if kind == "end":
        return total
    if kind == "frame":
        if v > total:
            raise UsageError(f"{flag} frame {int(v)} is past the story's end (frame {total})")
        return int(v)
    first, last = timeline.epochs[0].years[0], timeline.epochs[-1].years[1]
    if not first <= v <= last:
        from ...core.timeline import format_year

        raise UsageError(
            f"{flag} year {format_year(v)} is outside the story ({format_year(first)} .. "
            f"{format_year(last)})"
        )
    return timeline.frame_of_year(v)


# ---- shared option groups ------------------------------------------------------------------
def add_world_args(p: argparse.ArgumentParser) -> None:
    """--preset, --seed, --size (the viewer uses these too)."""
    p.add_argument("--preset", default="quick", help="preset name or path to a .toml file")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the preset's)")
    p.add_argument("--size", type=parse_size, default=None, help="grid WxH, e.g. 512x256")


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
        type=_float_pair,
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
    p.add_argument("--fps", type=_positive_float, default=d(30.0), help="video frame rate")
    p.add_argument(
        "--x264-preset",
        type=_x264_preset,
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
        "--every", type=_positive_int, default=d(1), metavar="K", help="picture every K frames"
    )
    p.add_argument("--width", type=_pixels, default=None, help="picture width, px")
    p.add_argument(
        "--height",
        type=_pixels,
        default=None,
        help="picture height, px (default 640x360 globe, 720x360 map)",
    )
    p.add_argument(
        "--camera",
        default=d("spin"),
        help="spin (default; spin:DEG_PER_S), day (day:OFFSET: over the sunlit side), fixed "
        "(fixed:YAW or fixed:YAW,PITCH)",
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


def _checkpoint_opt(value: list[str] | None) -> tuple[int | None, str | None]:
    if value is None:
        return None, None
    n, folder = value
    try:
        return _positive_int(n), folder
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"--checkpoint-every N DIR: {exc}") from None


def _make_sim(args: argparse.Namespace) -> Simulation:
    from ...core.limits import GridTooLarge
    from ...core.simulation import Simulation

    try:
        return Simulation(preset=args.preset, size=args.size, seed=args.seed, ctx=args.ctx)
    except GridTooLarge as exc:
        if args.size is None:  # the preset's own grid: the message names the preset
            raise
        raise exc.named(f"--size {args.size[0]}x{args.size[1]}") from None


def _check_picture(sim: Simulation, size: tuple[int, int], flags: str) -> None:
    """Pictures the driver cannot draw are refused before the story runs."""
    from ...core.limits import check_picture

    check_picture(sim.ctx, size, f"{flags} picture")


def _check_layer_view(view: str, layer: str) -> None:
    from ..export import layers, views

    if view not in views():
        raise UsageError(f"unknown view '{view}' (views: {', '.join(views())})")
    if layer not in layers():
        raise UsageError(f"unknown layer '{layer}' (layers: {', '.join(layers())})")


# ---- commands ------------------------------------------------------------------------------
def cmd_render(args: argparse.Namespace) -> int:
    from ...core.outfiles import check_output
    from ..export import default_size, output_kind, render_video

    out = Path(args.out) if args.out else Path(f"{Path(str(args.preset)).stem}.mp4")
    kind = output_kind(out)
    check_output(out, args.force, folder=kind == "frames")
    every_n, ckpt_dir = _checkpoint_opt(args.checkpoint_every)
    check_start_args(args)
    _check_layer_view(args.view, args.layer)
    size = default_size(args.view, args.width, args.height)
    if kind == "mp4" and (size[0] % 2 or size[1] % 2):
        raise UsageError(f"an .mp4 needs an even width and height, got {size[0]}x{size[1]}")
    with _make_sim(args) as sim:
        _check_picture(sim, size, "--width/--height")
        start = resolve_when(args.start, sim.timeline, "--from")
        stop = resolve_when(args.stop, sim.timeline, "--to")
        if start is not None and stop is not None and stop < start:
            raise UsageError(f"--to (frame {stop}) is before --from (frame {start})")
        apply_start_args(sim, args)
        result = render_video(
            sim,
            out,
            view=args.view,
            layer=args.layer,
            fps=args.fps,
            start=start,
            stop=stop,
            every=args.every,
            size=size,
            camera=args.camera,
            label=not args.no_label,
            metrics=args.metrics,
            checkpoint_every=every_n,
            checkpoint_dir=ckpt_dir,
            progress=not args.quiet,
            force=args.force,
            x264_preset=args.x264_preset,
        )
        if not args.quiet:
            print(f"{result.summary()} [{sim.renderer}]")
    return 0


def cmd_resume(args: argparse.Namespace) -> int:
    from ...core.checkpoint import load_checkpoint, read_checkpoint
    from ..export import RenderSettings, default_size, output_kind, render_video

    meta, _ = read_checkpoint(args.checkpoint)  # refuse a bad file before making a context
    rec_raw = meta.get("extra", {}).get("render")
    rec = RenderSettings(**{**rec_raw, "size": tuple(rec_raw["size"])}) if rec_raw else None
    if args.out is None and rec is None:
        raise UsageError(f"{args.checkpoint} records no render to continue; give --out")

    def pick(name: str, default: Any) -> Any:
        v = getattr(args, name)
        if v is not None:
            return v
        return getattr(rec, name) if rec is not None else default

    out = Path(args.out) if args.out else Path(rec.out)  # type: ignore[union-attr]
    output_kind(out)  # an unsupported extension fails here, before any work
    view, layer = pick("view", "globe"), pick("layer", "elevation")
    _check_layer_view(view, layer)
    if args.width is None and args.height is None and rec is not None:
        size = rec.size
    else:
        size = default_size(view, args.width, args.height)
    every_n, ckpt_dir = _checkpoint_opt(args.checkpoint_every)
    if every_n is None and rec is not None and args.checkpoint_every is None:
        every_n, ckpt_dir = rec.checkpoint_every, rec.checkpoint_dir
    with load_checkpoint(args.checkpoint, ctx=args.ctx) as sim:
        _check_picture(sim, size, "--width/--height")
        stop = resolve_when(args.stop, sim.timeline, "--to")
        if stop is None:
            stop = rec.stop if rec is not None else sim.timeline.total_frames
        if stop < sim.frame:
            raise UsageError(f"--to (frame {stop}) is before the checkpoint's frame {sim.frame}")
        resume = rec if rec is not None and Path(rec.out).resolve() == out.resolve() else None
        if resume is None and rec is not None:  # a new output: numbering starts here
            resume = RenderSettings(**{**rec_raw, "out": str(out), "start": sim.frame})
        result = render_video(
            sim,
            out,
            view=view,
            layer=layer,
            fps=pick("fps", 30.0),
            start=None,
            stop=stop,
            every=pick("every", 1),
            size=size,
            camera=pick("camera", "spin"),
            label=not args.no_label and (rec.label if rec is not None else True),
            metrics=pick("metrics", None),
            checkpoint_every=every_n,
            checkpoint_dir=ckpt_dir,
            progress=not args.quiet,
            force=args.force,
            resume=resume,
            x264_preset=pick("x264_preset", "medium"),
        )
        if not args.quiet:
            print(f"{result.summary()} [{sim.renderer}]")
    return 0


def cmd_snapshot(args: argparse.Namespace) -> int:
    from ...core.outfiles import check_output
    from ..snapshot import save_snapshot

    out = Path(args.out)
    check_output(out, args.force, folder=True)
    check_start_args(args)
    with _make_sim(args) as sim:
        if args.width is not None:
            _check_picture(sim, (args.width, max(args.width // 2, 1)), "--width")
        at = resolve_when(args.at, sim.timeline, "--at")
        at = sim.timeline.total_frames if at is None else at
        apply_start_args(sim, args)
        if args.quiet or at == 0:
            sim.step(at)
        else:
            from tqdm import tqdm

            with tqdm(total=at, unit="frame", desc="snapshot", dynamic_ncols=True) as bar:
                for _ in range(at):
                    sim.step(1)
                    bar.update(1)
        files = save_snapshot(sim, out, width=args.width, force=args.force)
        if not args.quiet:
            print(f"wrote {len(files)} files to {out} (frame {sim.frame}, {sim.year_label})")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from ..._version import __version__
    from ...core.context import create_context, renderer_info

    ctx = args.ctx or create_context(args.backend)
    try:
        print(f"planetsim {__version__}")
        print(f"python: {sys.version.split()[0]}")
        for k, v in renderer_info(ctx).items():
            print(f"{k}: {v}")
        from ...core.fields import FIELDS
        from ...core.limits import describe

        for line in describe(ctx, len(FIELDS)):
            print(line)
        try:
            import imageio_ffmpeg

            print(f"ffmpeg: {imageio_ffmpeg.get_ffmpeg_version()}")
        except Exception as exc:  # a missing ffmpeg only matters for .mp4
            print(f"ffmpeg: unavailable ({str(exc).splitlines()[0] if str(exc) else exc!r})")
        if args.shaders:
            return _check_shaders(ctx)
    finally:
        if args.ctx is None:
            ctx.release()
    return 0


def _check_shaders(ctx: Any) -> int:
    """Compile every registered pass and view; one line each. Exit 1 if any fails."""
    from ... import render
    from ...core.errors import ShaderError
    from ...core.passes import PASSES, PassDecl
    from ...core.runner import PassRunner

    decls = dict(PASSES)
    for value in vars(render).values():
        if isinstance(value, PassDecl):
            decls.setdefault(value.name, value)
    for value in getattr(render, "RENDER_PASSES", ()) or ():
        if isinstance(value, PassDecl):
            decls.setdefault(value.name, value)
    runner = PassRunner(ctx, {})
    failed = 0
    total = 0

    def report(name: str, shader: str, build: Callable[[], object]) -> None:
        nonlocal failed, total
        total += 1
        try:
            build()
            print(f"  ok      {name:24s} {shader}")
        except (ShaderError, OSError) as exc:
            failed += 1
            print(f"  FAILED  {name:24s} {shader}: {str(exc).splitlines()[0]}")

    try:
        for name in sorted(decls):
            report(name, decls[name].shader, lambda d=decls[name]: runner.compile(d))
        # Window shaders: plain programs under shaders/ui/ (no declaration).
        from ...core.resources import shaders_dir
        from ...core.shaders import assemble, compile_program

        for path in sorted((shaders_dir() / "ui").glob("*.frag")):
            rel = f"ui/{path.name}"
            report(rel, rel, lambda rel=rel: compile_program(ctx, assemble(rel), rel).release())
    finally:
        runner.release()
    print(f"shaders: {total - failed} ok, {failed} failed")
    return 1 if failed else 0


def cmd_presets(args: argparse.Namespace) -> int:
    from ...core.presets import available, load

    for name in available():
        p = load(name)
        w, h = p.size
        print(f"{name:12s} {w}x{h}, {p.timeline.total_frames:6d} frames  {p.description}")
    return 0


def _missing(module: str, exc: ModuleNotFoundError) -> bool:
    return exc.name == module


def cmd_view(args: argparse.Namespace) -> int:
    from .. import window as viewer

    return int(viewer.run(args))


def _view_unavailable(args: argparse.Namespace) -> int:
    raise UsageError(
        "`planetsim view` is not available in this build (no planetsim.frontends.window)"
    )


def run_bench(argv: list[str]) -> int:
    try:
        bench = importlib.import_module("planetsim.frontends.bench")
    except ModuleNotFoundError as exc:
        if not _missing("planetsim.frontends.bench", exc):
            raise
        raise UsageError("`planetsim bench` is not available in this build") from None
    return int(bench.main(argv))


# ---- the parser ----------------------------------------------------------------------------
def _command_of(argv: Sequence[str]) -> str | None:
    for a in argv:
        if not a.startswith("-"):
            return a
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; `command` says which subcommand will run, so only the window's options
    import the window module (and only for `view`)."""
    from ..._version import __version__

    parser = _Parser(prog="planetsim", description="GPU planetary evolution simulator")
    parser.add_argument("--version", action="version", version=f"planetsim {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, required=True)

    p = sub.add_parser(
        "render",
        help="run the story headless and write a timelapse (.mp4, .gif, PNG frames)",
        description="Run the story headless and write a timelapse. Exit codes: 0 ok, "
        "2 bad usage or input, 1 internal failure.",
    )
    add_world_args(p)
    add_start_args(p)
    add_output_args(p)
    p.set_defaults(func=cmd_render)

    p = sub.add_parser(
        "snapshot",
        help="every layer as PNG, a 16-bit heightmap + JSON and the raw fields (.npz)",
    )
    add_world_args(p)
    add_start_args(p)
    p.add_argument(
        "--at",
        type=parse_when,
        default=None,
        metavar="FRAME|YEAR",
        help=f"when (default: the story's end). {WHEN_HELP}",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write (created)")
    p.add_argument("--width", type=_pixels, default=None, help="layer map width, px (default 1024)")
    p.add_argument("--force", action="store_true", help="write into a folder that has files")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    p.set_defaults(func=cmd_snapshot)

    p = sub.add_parser(
        "resume",
        help="continue a render from a checkpoint (its settings are the defaults)",
    )
    p.add_argument("checkpoint", type=Path, help="a .ckpt file from --checkpoint-every")
    add_output_args(p, resume=True)
    p.set_defaults(func=cmd_resume)

    p = sub.add_parser("presets", help="list the shipped presets")
    p.set_defaults(func=cmd_presets)

    p = sub.add_parser("info", help="print the OpenGL renderer, version and limits")
    p.add_argument("--backend", default="egl", help="egl (default) or default")
    p.add_argument(
        "--shaders",
        action="store_true",
        help="also compile every registered shader and report each (exit 1 if one fails)",
    )
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("view", help="play the story in a window", add_help=command == "view")
    if command == "view":
        try:
            from .. import window as viewer
        except ModuleNotFoundError as exc:
            if not _missing("planetsim.frontends.window", exc):
                raise
            p.set_defaults(func=_view_unavailable)
        else:
            viewer.add_arguments(p)
            p.set_defaults(func=cmd_view)

    sub.add_parser("bench", help="measure sim steps/s (options: planetsim bench --help)")
    return parser


def main(argv: Sequence[str] | None = None, *, ctx: moderngl.Context | None = None) -> int:
    """Run one command; returns the exit code. `ctx`: an OpenGL context to use instead of a
    new one (tests share one)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        command = _command_of(argv)
        if command == "bench":  # the benchmark parses its own options
            return run_bench(argv[argv.index("bench") + 1 :])
        args = build_parser(command).parse_args(argv)
        args.ctx = ctx
        return int(args.func(args))
    except PlanetsimError as exc:
        print(f"planetsim: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a disk that fills up or vanishes mid-write: say so, no traceback
        name = f" {exc.filename}" if exc.filename else ""
        print(f"planetsim: error:{name} {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("planetsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
