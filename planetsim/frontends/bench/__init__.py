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
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ...core.passes import STAGES, STORY_ORDER

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


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"bad size '{text}' (expected WxH, e.g. 512x256)") from None
    if w < 2 or h < 2:
        raise ValueError(f"bad size '{text}' (at least 2x2)")
    return w, h


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
):
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
def numpy_ms(sim: Any) -> dict[str, float]:
    """ms of one numpy step of geology, climate and life on the sim's current state, with the
    GPU schedule's `every` amortisation (tectonics_every, life_every, people_every)."""
    from ...reference import climate as rc
    from ...reference import geology as rg
    from ...reference import life as rl

    g, v = sim.grid, sim.values
    f = {n: sim.field(n).read() for n in ("terrain", "water", "air", "moisture", "life", "civ")}
    t64 = f["terrain"].astype(np.float64)
    water = f["water"].astype(np.float64)
    rng = np.random.default_rng(0)
    sea = float(v["sea_level"])
    dt = float(v["dt"])
    out: dict[str, float] = {}

    t0 = time.perf_counter()
    t64[..., 0] = rg.impacts_step(
        t64[..., 0],
        g,
        rng,
        rate=v["impact_rate"],
        size_km=v["impact_size"],
        depth=v["impact_depth"],
        surface_heat=v["surface_heat"],
    )
    t1 = time.perf_counter()
    every = max(int(v["tectonics_every"]), 1)
    crust = rg.plates_step(t64, g, rng, dt=dt * every, sea=sea, **rg.plates_args(v))
    t64 = rg.uplift_step(crust, g, dt=dt * every, sea=sea, **rg.uplift_args(v))
    t2 = time.perf_counter()
    z = t64[..., 0]
    fr = rg.flow_step(z, water, np.ones(g.shape), g, sea, False)
    water[..., 0], water[..., 1] = fr[..., 0], fr[..., 1]
    ta = time.perf_counter()
    water[..., 2] = rg.basins_step(z, water, g, sea)
    tb = time.perf_counter()
    rg.erode_step(
        z,
        water[..., 0],
        water[..., 1].astype(np.int64),
        g,
        K=v["K"],
        m=v["m"],
        n=v["n"],
        dt=dt,
        sea=sea,
        marine=v["marine_sediment"],
    )
    t3 = time.perf_counter()
    # The same schedule as the GPU's: flow and erode every erosion_every steps, basins every
    # erosion_every * basins_every (a fair comparison of one story step).
    e_every = max(int(v.get("erosion_every", 1)), 1)
    b_every = e_every * max(int(v.get("basins_every", 1)), 1)
    fluvial = ((ta - t2) + (t3 - tb)) / e_every + (tb - ta) / b_every
    out["geology"] = ((t1 - t0) + (t2 - t1) / every + fluvial) * 1e3

    p = rc.ClimateParams(**{k: v[k] for k in rc.ClimateParams.__dataclass_fields__ if k in v})
    elev = f["terrain"][..., 0].astype(np.float64)
    moist = f["moisture"].astype(np.float64)
    sigma = float(v["pressure_blur_sigma"])
    t0 = time.perf_counter()
    land = elev > p.sea_level
    annual, seasonal = rc.raw_pressure(land, g)
    sx, sy = rc.surface_slope(elev, p.sea_level, g)
    a = rc.blur_sphere(annual, g, sigma)
    s = rc.blur_sphere(seasonal, g, sigma)
    t1 = time.perf_counter()
    w = rc.weather(a, s, sx, sy, elev, moist[..., 3], g, p)
    rc.vapour_step(
        moist, w["temp"], w["u"], w["v"], w["ascent"] + w["slope_ascent"], w["land"], g, p
    )
    t2 = time.perf_counter()
    # The maps follow the land: with tectonics on it moves every step it runs.
    maps_every = max(int(v["climate_maps_every"]), int(v["tectonics_every"]), 1)
    out["climate+water"] = ((t1 - t0) / maps_every + (t2 - t1)) * 1e3

    t0 = time.perf_counter()
    life, civ = rl.life_step(f["life"], f["terrain"], f["air"], f["moisture"], f["civ"], g, v)
    t1 = time.perf_counter()
    civ = rl.people_step(civ, f["air"], life, g, v)
    rl.carbon_step(f["moisture"], f["air"], civ, g, v, 0)
    t2 = time.perf_counter()
    out["life+people"] = (
        (t1 - t0) / max(int(v["life_every"]), 1) + (t2 - t1) / max(int(v["people_every"]), 1)
    ) * 1e3
    out["story"] = out["geology"] + out["climate+water"] + out["life+people"]
    return out


# ---- GPU side ----------------------------------------------------------------------------------
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
                    timed(st, lambda s=st: sim.run_stage(s))
            for grp, names in GROUPS.items():
                on = [n for n in names if n in sim.epoch.stages]
                if on:
                    timed(grp, lambda on=on: _stages_step(sim, on))
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
        runner.run = run  # type: ignore[method-assign]
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
            runner.run = inner  # type: ignore[method-assign]
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
    from ...core.passes import PASSES

    return PASSES[pass_name].stage if pass_name in PASSES else "?"


# ---- output ------------------------------------------------------------------------------------
COLS = [*STORY_ORDER, *GROUPS, "story", "globe", "frame"]


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"renderer: {result['renderer']} ({result['version']})",
        f"story: {result['story']}",
        "",
    ]
    if result.get("rows"):
        spf = result.get("steps_per_frame", 1)
        lines.append(
            "ms (median of batches, glFinish around each batch); story = one sim step of "
            f"every stage; globe = one globe render at {result['render']}, finished; frame = "
            f"{spf} story step{'s' if spf != 1 else ''} + the globe render, finished (a "
            "displayed frame; fps = 1000 / frame); story CPU ms: CPU time of all the "
            "process's threads per story step (llvmpipe: robust to other programs on the "
            "machine)."
        )
        lines.append("")
        cols = [c for c in COLS if any(c in r["ms"] for r in result["rows"])]
        lines.append(
            "| grid | "
            + " | ".join(cols)
            + " | story steps/s | story Mcells/s | story CPU ms | fps |"
        )
        lines.append("| --- |" + " ---: |" * (len(cols) + 4))
        for r in result["rows"]:
            ms = r["ms"]
            cells = " | ".join(f"{ms[c]:.2f}" if c in ms else "-" for c in cols)
            story = ms["story"]
            cpu = r.get("cpu_ms", {}).get("story", float("nan"))
            lines.append(
                f"| {r['grid']} | {cells} | {1e3 / story:.1f} | {r['cells'] / story / 1e3:.1f} "
                f"| {cpu:.1f} | {1e3 / ms['frame']:.1f} |"
            )
        if any(r.get("numpy_ms") for r in result["rows"]):
            lines += [
                "",
                "GLSL vs numpy (planetsim.reference), ms per step, same schedules:",
                "",
                "| grid | group | GLSL ms | numpy ms | speed-up | GLSL Mcells/s | numpy Mcells/s |",
                "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
            ]
            for r in result["rows"]:
                npm = r.get("numpy_ms")
                if not npm:
                    continue
                for grp in (*GROUPS, "story"):
                    if grp not in r["ms"]:
                        continue
                    gl, nm = r["ms"][grp], npm[grp]
                    lines.append(
                        f"| {r['grid']} | {grp} | {gl:.2f} | {nm:.1f} | {nm / gl:.1f}x "
                        f"| {r['cells'] / gl / 1e3:.1f} | {r['cells'] / nm / 1e3:.2f} |"
                    )
    for p in result.get("profiles", []):
        lines += [
            "",
            f"Per-pass profile at {p['grid']} ({p['steps']} story steps, glFinish around "
            f"each pass; median ms/run x runs/step): passes {p['passes_ms_per_step']:.1f} ms "
            "per step; whole step "
            f"{p['step_ms_with_sync']:.1f} ms with those syncs and the hooks.",
            "",
            "| pass | stage | runs/step | ms/run | ms/step | CPU ms/run |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for r in p["passes"]:
            lines.append(
                f"| {r['pass']} | {r['stage']} | {r['runs_per_step']:.2f} "
                f"| {r['ms_per_run']:.2f} | {r['ms_per_step']:.2f} | {r['cpu_ms_per_run']:.2f} |"
            )
    return "\n".join(lines) + "\n"


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
