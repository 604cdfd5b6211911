"""The `planetsim` command. Exit codes: 0 success, 2 bad usage or input (one line, no
traceback), 1 internal failure.

    planetsim render --preset quick --out quick.mp4
    planetsim snapshot --at 1Gya --out snap/
    planetsim resume ckpt/frame_000120.ckpt
    planetsim stats --preset earth --at 12kya,end --json stats.json --png card.png
    planetsim presets | info [--shaders] | view | bench

The parser is here; what each command does is in .commands, their option groups in
.options, and the argument types shared with the window in planetsim.frontends.args.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ...core.errors import PlanetsimError
from ..args import WHEN_HELP, UsageError, add_world_args, parse_when, pixels
from .commands import (
    cmd_info,
    cmd_presets,
    cmd_render,
    cmd_resume,
    cmd_snapshot,
    cmd_view,
    missing,
    run_bench,
    view_unavailable,
)
from .options import add_output_args, add_start_args
from .stats_command import add_stats_parser

if TYPE_CHECKING:
    import moderngl


class _Parser(argparse.ArgumentParser):
    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        # Let option values start with a minus and a digit (`--from -1e9y`), as Python 3.13
        # does: no planetsim option looks like a negative number.
        self._negative_number_matcher = re.compile(r"^-\.?\d")

    def error(self, message: str) -> NoReturn:  # one line, exit 2
        raise UsageError(f"{self.prog}: {message}")


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
    p.add_argument("--width", type=pixels, default=None, help="layer map width, px (default 1024)")
    p.add_argument("--force", action="store_true", help="write into a folder that has files")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    p.set_defaults(func=cmd_snapshot)

    add_stats_parser(sub)

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
            if not missing("planetsim.frontends.window", exc):
                raise
            p.set_defaults(func=view_unavailable)
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
