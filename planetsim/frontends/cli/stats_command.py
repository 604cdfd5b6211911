"""`planetsim stats`: the planet measured against Earth, as a table, a JSON file and a report
card. Three sources:

    planetsim stats [--preset P] [--seed N] [--size WxH] [--at WHEN,...]   runs the story
    planetsim stats CHECKPOINT       measures a saved state (only the seasonal cycle runs)
    planetsim stats SNAPSHOT_DIR     measures a snapshot's fields without GL (no seasons)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...stats.seasons import STEPS_PER_MONTH
from ..args import WHEN_HELP, UsageError, add_world_args, parse_when, positive_int, resolve_when

if TYPE_CHECKING:
    from ...core.simulation import Simulation

MARKS = "✓✗–°²θö"


def parse_moments(text: str) -> list[tuple[str, float]]:
    """--at WHEN[,WHEN...]: one parse_when() value per moment."""
    parts = [t for t in (s.strip() for s in text.split(",")) if t]
    if not parts:
        raise argparse.ArgumentTypeError("--at needs at least one WHEN")
    return [parse_when(t) for t in parts]


def add_stats_parser(sub: Any) -> None:
    """The `stats` subcommand (sub: the parser's subparsers)."""
    p = sub.add_parser(
        "stats",
        help="measure the planet against Earth: a table, --json, a report card --png",
        description="Measure a planet against Earth: land and sea, hypsometry, ocean floor, "
        "rivers, climate (annual means over a seasonal cycle), life and people. Without "
        "CHECKPOINT|SNAPSHOT_DIR it runs the story to each --at moment. Exit codes: 0 ok, "
        "2 bad usage or input, 1 internal failure.",
    )
    add_world_args(p)
    p.set_defaults(preset=None)  # None: not given (refused beside a CHECKPOINT); then quick
    p.add_argument(
        "--at",
        type=parse_moments,
        default=None,
        metavar="WHEN[,WHEN...]",
        help=f"moments to measure, one column each (default: end). {WHEN_HELP}",
    )
    p.add_argument("--json", type=Path, default=None, metavar="FILE", help="every figure as JSON")
    p.add_argument("--png", type=Path, default=None, metavar="FILE", help="the report card")
    p.add_argument(
        "--steps-per-month",
        type=positive_int,
        default=STEPS_PER_MONTH,
        metavar="N",
        help=f"sim steps per month of the seasonal cycle (default {STEPS_PER_MONTH}; "
        "6 h of atmosphere each)",
    )
    p.add_argument("--force", action="store_true", help="overwrite existing --json/--png files")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar or file lines")
    p.add_argument(
        "source",
        nargs="?",
        type=Path,
        default=None,
        metavar="CHECKPOINT|SNAPSHOT_DIR",
        help="a .ckpt file or a folder written by `planetsim snapshot` (default: run the story)",
    )
    p.set_defaults(func=cmd_stats)


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse existing or unwritable outputs, and --png without matplotlib, before any work."""
    from ...core.outfiles import check_output
    from ...stats import require_matplotlib

    if args.png is not None:
        require_matplotlib()
    for out in (args.json, args.png):
        if out is not None:
            check_output(out, args.force)
    if args.json is not None and args.png is not None and args.json == args.png:
        raise UsageError("--json and --png name the same file")


def _measure_story(args: argparse.Namespace) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from ...core.outfiles import provenance
    from ...stats import StoryNotes
    from .commands import make_sim

    if args.preset is None:
        args.preset = "quick"
    with make_sim(args) as sim:
        whens = args.at or [("end", 0.0)]
        frames = sorted({int(resolve_when(w, sim.timeline, "--at") or 0) for w in whens})
        notes = StoryNotes(steps_per_month=args.steps_per_month)
        cols = _run_to(sim, frames, notes, args)
        prov = {**provenance(sim), "moments": [c["year_label"] for c in cols]}
        prov["frames"] = frames
        for k in ("frame", "year", "year_label"):
            prov.pop(k, None)
    return cols, {**prov, "source": {"kind": "story"}}


def _run_to(sim: Simulation, frames: list[int], notes: Any, args: argparse.Namespace) -> list:
    from ...stats import measure

    cols: list[dict[str, Any]] = []
    bar = None
    if not args.quiet and frames[-1] > 0:
        from tqdm import tqdm

        bar = tqdm(total=frames[-1], unit="frame", desc="stats", dynamic_ncols=True)
    try:
        for target in frames:
            while sim.frame < target:
                sim.step(1)
                notes.observe(sim)
                if bar is not None:
                    bar.update(1)
            if bar is not None:
                bar.set_postfix_str(f"measuring {sim.year_label}")
            cols.append(measure(sim, steps_per_month=args.steps_per_month, notes=notes))
            if bar is not None:
                bar.set_postfix_str("")
    finally:
        if bar is not None:
            bar.close()
    return cols


def _story_options_given(args: argparse.Namespace) -> list[str]:
    given = [("--preset", args.preset), ("--seed", args.seed), ("--size", args.size)]
    given.append(("--at", args.at))
    return [flag for flag, v in given if v is not None]


def _measure_saved(args: argparse.Namespace) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    src: Path = args.source
    if not src.exists():
        raise UsageError(f"no checkpoint or snapshot folder at {src}")
    if src.is_dir():
        return _measure_snapshot(src)
    from ...core.checkpoint import load_checkpoint
    from ...core.outfiles import provenance
    from ...stats import measure

    with load_checkpoint(src, ctx=args.ctx) as sim:
        cols = [measure(sim, steps_per_month=args.steps_per_month)]
        prov = provenance(sim)
    prov["moments"] = [cols[0]["year_label"]]
    return cols, {**prov, "source": {"kind": "checkpoint", "path": str(src)}}


def _measure_snapshot(folder: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from ..._version import __version__
    from ...stats import load_snapshot, measure_arrays

    arrays, meta = load_snapshot(folder)
    figures = measure_arrays(
        arrays,
        unknown_baseline="unknown for a snapshot: the temperature when people appeared is "
        "noted only when stats runs the story itself",
    )
    why = "a snapshot holds one moment of the climate, and Koppen needs 12 monthly means"
    figures["missing"].update({f"koppen_{c}": why for c in "ABCDE"})
    for k in ("frame", "year", "year_label"):
        if k in meta:
            figures[k] = meta[k]
    figures.setdefault("year_label", folder.name)
    w, h = figures["grid"]
    prov = {
        "planetsim_version": __version__,
        "snapshot_planetsim_version": meta.get("planetsim_version"),
        "preset": meta.get("preset", "unknown"),
        "seed": meta.get("seed"),
        "size": [w, h],
        "renderer": meta.get("renderer"),
        "moments": [figures["year_label"]],
        "source": {"kind": "snapshot", "path": str(folder), "climate": "moment"},
    }
    return [figures], prov


def cmd_stats(args: argparse.Namespace) -> int:
    from ...stats import card_title, format_table, report_card, stats_document, write_json

    if args.source is not None and (given := _story_options_given(args)):
        raise UsageError(
            f"{', '.join(given)} run a story; {args.source} is measured as it is (leave them out)"
        )
    _check_outputs(args)
    if args.source is None:
        cols, prov = _measure_story(args)
    else:
        cols, prov = _measure_saved(args)
    source = prov.pop("source")
    grid = tuple(prov["size"])
    enc = sys.stdout.encoding or "ascii"
    try:
        MARKS.encode(enc)
        ascii_only = False
    except (UnicodeEncodeError, LookupError):
        ascii_only = True
    print(format_table(cols, grid=grid, ascii_only=ascii_only), end="")
    if args.json is not None:
        doc = stats_document(cols, provenance=prov, source=source, grid=grid)
        write_json(args.json, doc)
        if not args.quiet:
            print(f"wrote {args.json}")
    if args.png is not None:
        title = card_title(str(prov["preset"]), prov.get("seed"), grid, prov["moments"])
        report_card(cols, args.png, title=title)
        if not args.quiet:
            print(f"wrote {args.png}")
    return 0
