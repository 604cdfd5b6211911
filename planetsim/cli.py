"""The `planetsim` command. Exit codes: 0 success, 2 bad usage or input (one line, no
traceback), 1 internal failure."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import PlanetsimError


class UsageError(PlanetsimError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        raise UsageError(f"{self.prog}: {message}")


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 256x128, got '{text}'") from None
    if w != 2 * h or h < 4 or h % 2:
        raise argparse.ArgumentTypeError(f"size must be W x H with W = 2*H, H even, got {text}")
    return (w, h)


def add_world_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--preset", default="quick", help="preset name or path to a .toml file")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the preset's)")
    p.add_argument("--size", type=parse_size, default=None, help="grid WxH, e.g. 512x256")


def check_output(path: Path, force: bool) -> None:
    """Refuse to clobber a user's file or to write where we cannot."""
    if path.exists() and not force:
        raise UsageError(f"{path} exists; use --force to overwrite it")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"cannot write {path}: folder {parent} does not exist")


def cmd_render(args: argparse.Namespace) -> int:
    from PIL import Image

    from .render import render_map
    from .simulation import Simulation

    out = Path(args.out)
    if out.suffix.lower() != ".png":
        raise UsageError(f"unsupported output extension '{out.suffix}' (supported: .png)")
    check_output(out, args.force)
    with Simulation(preset=args.preset, size=args.size, seed=args.seed) as sim:
        sim.step(args.frames if args.frames is not None else sim.timeline.total_frames)
        img = render_map(sim, (args.width, args.width // 2))
    tmp = out.with_name(out.name + ".part")
    Image.fromarray(img).save(tmp, format="PNG")
    tmp.replace(out)
    print(f"wrote {out} ({sim.year_label})")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from ._version import __version__
    from .context import create_context, renderer_info

    ctx = create_context(args.backend)
    print(f"planetsim {__version__}")
    for k, v in renderer_info(ctx).items():
        print(f"{k}: {v}")
    ctx.release()
    return 0


def cmd_presets(args: argparse.Namespace) -> int:
    from .presets import available, load

    for name in available():
        p = load(name)
        print(f"{name:12s} {p.description}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from ._version import __version__

    parser = _Parser(prog="planetsim", description="GPU planetary evolution simulator")
    parser.add_argument("--version", action="version", version=f"planetsim {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, required=True)

    p = sub.add_parser("render", help="run the story headless and save a picture")
    add_world_args(p)
    p.add_argument("--out", default="planet.png", help="output file (.png)")
    p.add_argument("--frames", type=int, default=None, help="frames to run (default: all)")
    p.add_argument("--width", type=int, default=1024, help="picture width in pixels")
    p.add_argument("--force", action="store_true", help="overwrite an existing output")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("info", help="print the OpenGL renderer, version and limits")
    p.add_argument("--backend", default="egl", help="egl (default) or default")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("presets", help="list the shipped presets")
    p.set_defaults(func=cmd_presets)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    run: Callable[[argparse.Namespace], int]
    try:
        args = build_parser().parse_args(argv)
        run = args.func
        return run(args)
    except PlanetsimError as exc:
        print(f"planetsim: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("planetsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
