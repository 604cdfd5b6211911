"""What each `planetsim` command does, once its arguments are parsed. Heavy modules (the
simulation, imageio, the window, the benchmark) are imported inside the command that needs
them, so `planetsim --help` is quick and a missing optional part breaks only its command."""

from __future__ import annotations

import argparse
import functools
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..args import UsageError, resolve_when
from .options import apply_start_args, check_start_args, checkpoint_opt

if TYPE_CHECKING:
    from ...core.simulation import Simulation


def make_sim(args: argparse.Namespace) -> Simulation:
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
    from ..files import layers, views

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
    every_n, ckpt_dir = checkpoint_opt(args.checkpoint_every)
    check_start_args(args)
    _check_layer_view(args.view, args.layer)
    size = default_size(args.view, args.width, args.height)
    if kind == "mp4" and (size[0] % 2 or size[1] % 2):
        raise UsageError(f"an .mp4 needs an even width and height, got {size[0]}x{size[1]}")
    with make_sim(args) as sim:
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
    every_n, ckpt_dir = checkpoint_opt(args.checkpoint_every)
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
    with make_sim(args) as sim:
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
        from ...core.fields import texel_load
        from ...core.limits import describe

        for line in describe(ctx, *texel_load()):
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
    from ...core.passes import PassDecl
    from ...core.registry import PASSES
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
            report(name, decls[name].shader, functools.partial(runner.compile, decls[name]))
        # Window shaders: plain programs under shaders/ui/ (no declaration).
        from ...core.resources import shaders_dir

        for path in sorted((shaders_dir() / "ui").glob("*.frag")):
            rel = f"ui/{path.name}"
            report(rel, rel, functools.partial(_compile_ui, ctx, rel))
    finally:
        runner.release()
    print(f"shaders: {total - failed} ok, {failed} failed")
    return 1 if failed else 0


def _compile_ui(ctx: Any, rel: str) -> None:
    from ...core.shaders import assemble, compile_program

    compile_program(ctx, assemble(rel), rel).release()


def cmd_presets(args: argparse.Namespace) -> int:
    from ...core.presets import available, load

    for name in available():
        p = load(name)
        w, h = p.size
        print(f"{name:12s} {w}x{h}, {p.timeline.total_frames:6d} frames  {p.description}")
    return 0


def missing(module: str, exc: ModuleNotFoundError) -> bool:
    return exc.name == module


def cmd_view(args: argparse.Namespace) -> int:
    from .. import window as viewer

    return int(viewer.run(args))


def view_unavailable(args: argparse.Namespace) -> int:
    raise UsageError(
        "`planetsim view` is not available in this build (no planetsim.frontends.window)"
    )


def run_bench(argv: list[str]) -> int:
    try:
        bench = importlib.import_module("planetsim.frontends.bench")
    except ModuleNotFoundError as exc:
        if not missing("planetsim.frontends.bench", exc):
            raise
        raise UsageError("`planetsim bench` is not available in this build") from None
    return int(bench.main(argv))
