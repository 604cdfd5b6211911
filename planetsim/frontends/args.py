"""Command-line argument types shared by every front end that parses arguments (the
`planetsim` command and the window): sizes, WHEN values, pixels, positive numbers, and the
world options. Each type raises argparse.ArgumentTypeError with one line."""

from __future__ import annotations

import argparse
import math
import re
from typing import TYPE_CHECKING

from ..core.errors import PlanetsimError

if TYPE_CHECKING:
    from ..core.timeline import Timeline


class UsageError(PlanetsimError):
    """Bad usage on the command line: one line, exit 2."""


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 256x128, got '{text}'") from None
    if w != 2 * h or h < 4 or h % 2:
        raise argparse.ArgumentTypeError(f"size must be W x H with W = 2*H, H even, got {text}")
    return (w, h)


def positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {v}")
    return v


def pixels(text: str) -> int:
    v = positive_int(text)
    if v < 2 or v > 16384:
        raise argparse.ArgumentTypeError(f"expected 2..16384 pixels, got {v}")
    return v


def positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got '{text}'") from None
    if not (v > 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return v


def float_pair(text: str) -> tuple[float, float]:
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
        from ..core.timeline import format_year

        raise UsageError(
            f"{flag} year {format_year(v)} is outside the story ({format_year(first)} .. "
            f"{format_year(last)})"
        )
    return timeline.frame_of_year(v)


def add_world_args(p: argparse.ArgumentParser) -> None:
    """--preset, --seed, --size (the viewer uses these too)."""
    p.add_argument("--preset", default="quick", help="preset name or path to a .toml file")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the preset's)")
    p.add_argument("--size", type=parse_size, default=None, help="grid WxH, e.g. 512x256")
