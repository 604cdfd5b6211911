"""The benchmark's story and its timing: the preset it runs, a story step as Simulation.step
does it, batches bracketed by glFinish, and the figures of one grid size (every stage, the
story step, a globe render, a shown frame) or its per-pass profile."""

from __future__ import annotations

import argparse
import functools
import math
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from ...core.registry import STAGES, STORY_ORDER
from .numpy_side import numpy_ms

DEFAULT_SIZES = "256x128,512x256,1024x512,2048x1024"
QUICK_SIZES = "256x128,512x256,1024x512"

# One epoch with every stage on and every uniform at its default: the benchmark's story.
# (A preset file given with --preset replaces it.)
ALL_STAGES_PRESET = f"""
name = "bench"
description = "every stage on, defaults"
[grid]
size = [512, 256]
seed = 1
[[epoch]]
name = "everything"
frames = 1000000
years = [-1.0e6, 0.0]
stages = [{", ".join(f'"{s}"' for s in STORY_ORDER if s != "relief")}]
steps_per_frame = 1
set = {{ impact_rate = 0.0 }}
"""
# The story step: every stage the earth story runs (relief is only a developer's starter
# world), after the bombardment has faded (impacts end before plates, climate and life start).

# Stages timed together, as the table's groups (numpy columns line up with them).
GROUPS: dict[str, tuple[str, ...]] = {
    "geology": ("relief", "protoplanet", "tectonics", "erosion"),
    "climate+water": ("climate", "water_cycle"),
    "life+people": ("life", "people"),
}


def story_preset_text() -> tuple[str, str]:
    """(TOML, where from): the earth preset's stage tables (its tuning: schedules such as
    climate_maps_every) with its epochs replaced by one epoch of every stage; the defaults
    alone where earth.toml is missing."""
    from ...core.resources import presets_dir

    path = presets_dir() / "earth.toml"
    try:
        text = path.read_text()
    except OSError:
        return ALL_STAGES_PRESET, "defaults (no presets/earth.toml)"
    head = text.split("[[epoch]]", 1)[0]
    epoch = ALL_STAGES_PRESET.split("[[epoch]]", 1)[1]
    return head + "\n[[epoch]]" + epoch, "presets/earth.toml tables, one epoch of every stage"


def make_sim(ctx: Any, size: tuple[int, int], preset: Any, seed: int = 1) -> Any:
    from ...core.presets import parse
    from ...core.simulation import Simulation

    p = parse(story_preset_text()[0]) if preset is None else preset
    return Simulation(p, size=size, seed=seed, ctx=ctx)


def story_step(sim: Any) -> None:
    """One sim step of every stage of the current epoch (Simulation.advance, no frame sync)."""
    sim.advance(1)


def warm_up(sim: Any, steps: int = 6) -> None:
    """Init passes, one-off hooks (first people), compile every pass once, then a few steps."""
    for _ in range(steps):
        story_step(sim)
    sim.finish()


def schedule_period(sim: Any) -> int:
    """Steps after which every `every` schedule of the epoch's stages has come round: timed
    batches are a whole number of these, so passes run every N steps count their true share."""
    period = 1
    for name in sim.epoch.stages:
        for st in STAGES[name].steps:
            every = st.every if isinstance(st.every, int) else int(sim.values[st.every])
            period = math.lcm(period, max(every, 1))
    return period


def time_batch(
    fn: Callable[[], None],
    sync: Callable[[], None],
    min_time: float,
    repeats: int,
    period: int = 1,
) -> tuple[float, list[float], float]:
    """(median seconds per call of `fn`, each batch's, median CPU seconds per call of the
    whole process): batches of whole `period`s sized to take >= min_time, glFinish (sync)
    before and after each. With a CPU driver (llvmpipe) the CPU time hardly changes when other
    programs take cores, while the wall time does: it tells real change from noise."""
    for _ in range(period):
        fn()
    sync()
    n = period
    while True:
        t = time.perf_counter()
        for _ in range(n):
            fn()
        sync()
        dt = time.perf_counter() - t
        if dt >= min_time or n >= 1 << 16:
            break
        grow = min(8.0, max(2.0, min_time / max(dt, 1e-6) * 1.1))
        n = period * max(1, math.ceil(n * grow / period))
    runs, cpu = [], []
    for _ in range(repeats):
        c = time.process_time()  # all threads of the process: llvmpipe's workers too
        t = time.perf_counter()
        for _ in range(n):
            fn()
        sync()
        runs.append((time.perf_counter() - t) / n)
        cpu.append((time.process_time() - c) / n)
    return statistics.median(runs), runs, statistics.median(cpu)


# ---- numpy side: one step of the same rules (planetsim.reference) ----------------------------
def bench_size(ctx: Any, size: tuple[int, int], args: argparse.Namespace) -> dict[str, Any]:
    from ...render import Camera, render_texture

    sim = make_sim(ctx, size, args.preset_obj)
    try:
        warm_up(sim)
        cells = size[0] * size[1]
        period = schedule_period(sim)
        row: dict[str, Any] = {"grid": f"{size[0]}x{size[1]}", "cells": cells, "ms": {}}

        def timed(name: str, fn: Callable[[], None], every: int = period) -> None:
            """Batches of `every` calls of fn (whole schedule periods of sim steps)."""
            print(f"    {name} ...", file=sys.stderr, flush=True)
            sec, runs, cpu = time_batch(fn, sim.finish, args.min_time, args.repeats, every)
            row["ms"][name] = sec * 1e3
            row.setdefault("cpu_ms", {})[name] = cpu * 1e3
            row.setdefault("runs_ms", {})[name] = [r * 1e3 for r in runs]

        if cells <= args.stage_max_cells:
            for st in STORY_ORDER:
                if st in sim.epoch.stages:
                    timed(st, functools.partial(sim.run_stage, st))
            for grp, names in GROUPS.items():
                on = [n for n in names if n in sim.epoch.stages]
                if on:
                    timed(grp, functools.partial(_stages_step, sim, on))
        timed("story", lambda: story_step(sim))
        cam = Camera(yaw=30.0, pitch=15.0)

        # Each render is finished before the next, as a displayed frame is: llvmpipe drops
        # the earlier of two whole-screen opaque draws into one target that nothing read in
        # between, so an unsynced batch of renders times a fraction of them (10 ms against
        # 42 ms for the 1280x720 globe).
        def globe() -> None:
            render_texture(sim, "globe", "biome", args.render, cam, label=False)
            sim.finish()

        timed("globe", globe, every=1)  # a render advances no schedule

        def frame() -> None:
            for _ in range(args.steps_per_frame):
                story_step(sim)
            globe()

        spf = args.steps_per_frame
        timed("frame", frame, every=math.lcm(period, spf) // spf)  # frames of whole periods
        row["steps_per_frame"] = args.steps_per_frame
        if not args.no_numpy:
            if cells <= args.numpy_max_cells:
                row["numpy_ms"] = numpy_ms(sim)
            else:
                row["numpy_ms"] = None
        return row
    finally:
        sim.close()


def _stages_step(sim: Any, names: list[str]) -> None:
    """One sim step of these stages, as Simulation.step() runs them (one step count)."""
    for n in names:
        sim._run_stage_once(STAGES[n])
    sim.step_count += 1


def profile(ctx: Any, size: tuple[int, int], args: argparse.Namespace) -> dict[str, Any]:
    """ms per pass (and per stage hook) over `--profile-steps` story steps, each pass
    bracketed by glFinish; 'per step' is the pass's share of one story step."""
    sim = make_sim(ctx, size, args.preset_obj)
    try:
        warm_up(sim)
        acc: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}
        runner = sim.runner
        inner = runner.run

        def run(decl: Any, values: Any, targets: Any = None) -> None:
            ctx.finish()
            c = time.process_time()
            t = time.perf_counter()
            inner(decl, values, targets)
            ctx.finish()
            acc.setdefault(decl.name, []).append(time.perf_counter() - t)
            cpu.setdefault(decl.name, []).append(time.process_time() - c)

        hooks = {n: STAGES[n].hook for n in STAGES}
        setattr(runner, "run", run)  # noqa: B010  (a timing wrapper, put back below)
        steps = args.profile_steps
        total_t = 0.0
        try:
            for _ in range(3):
                story_step(sim)  # warm the wrapper
            acc.clear()
            cpu.clear()
            sim.finish()
            t0 = time.perf_counter()
            for _ in range(steps):
                story_step(sim)
            sim.finish()
            total_t = time.perf_counter() - t0
        finally:
            setattr(runner, "run", inner)  # noqa: B010
        del hooks
        rows = []
        for name, ts in sorted(acc.items(), key=lambda kv: -statistics.median(kv[1]) * len(kv[1])):
            rows.append(
                {
                    "pass": name,
                    "stage": _stage_of(name),
                    "runs_per_step": len(ts) / steps,
                    "ms_per_run": statistics.median(ts) * 1e3,
                    # median x runs: robust to a shared machine's stalls
                    "ms_per_step": statistics.median(ts) * len(ts) / steps * 1e3,
                    "ms_total_per_step": sum(ts) / steps * 1e3,
                    "cpu_ms_per_run": statistics.median(cpu[name]) * 1e3,
                }
            )
        passes_ms = sum(r["ms_per_step"] for r in rows)
        return {
            "grid": f"{size[0]}x{size[1]}",
            "steps": steps,
            "passes": rows,
            "passes_ms_per_step": passes_ms,
            "step_ms_with_sync": total_t / steps * 1e3,
        }
    finally:
        sim.close()


def _stage_of(pass_name: str) -> str:
    from ...core.registry import PASSES

    return PASSES[pass_name].stage if pass_name in PASSES else "?"


# ---- output ------------------------------------------------------------------------------------
