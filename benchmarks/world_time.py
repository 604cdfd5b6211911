"""Where a snapshot's wall time goes (issue 19): the same work as `planetsim snapshot --preset
P --size WxH --seed N --at end`, in one process, split into its phases.

    python benchmarks/world_time.py                      # world, 512x256, seed 1
    python benchmarks/world_time.py --size 1024x512 --json phases.json

Phases: importing planetsim, creating the GL context, the fields (textures), compiling the
passes the story uses (the first run of each: see first_run_timed), each epoch's steps (less
those first runs), and the snapshot's file writes (its map views compile there). Run it
twice to see the Mesa shader cache at work: the first run of a new planetsim fills it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

T0 = time.perf_counter()


def phases(preset: str, size_text: str, seed: int, out: Path) -> dict[str, Any]:
    t = time.perf_counter()
    import planetsim.core.runner as runner_mod
    from planetsim.core.context import create_context, renderer_info
    from planetsim.core.simulation import Simulation
    from planetsim.frontends.args import parse_size
    from planetsim.frontends.snapshot import save_snapshot

    size = parse_size(size_text)  # after the import, which is timed
    times: dict[str, float] = {"python start": t - T0, "import planetsim": time.perf_counter() - t}
    # A pass is compiled when it first runs; llvmpipe compiles its shader variant at that
    # first draw too (what the Mesa shader cache keeps), so the first run of each pass counts
    # as compiling, the GPU finished on both sides.
    compile_s = [0.0]
    seen: set[str] = set()
    inner = runner_mod.PassRunner.run

    def first_run_timed(self: Any, decl: Any, *a: Any, **k: Any) -> Any:
        if decl.name in seen:
            return inner(self, decl, *a, **k)
        seen.add(decl.name)
        self.ctx.finish()
        c = time.perf_counter()
        try:
            return inner(self, decl, *a, **k)
        finally:
            self.ctx.finish()
            compile_s[0] += time.perf_counter() - c

    runner_mod.PassRunner.run = first_run_timed  # type: ignore[method-assign]
    t = time.perf_counter()
    ctx = create_context("egl")
    ctx.finish()
    times["GL context"] = time.perf_counter() - t
    t = time.perf_counter()
    sim = Simulation(preset, size, seed, ctx=ctx)
    sim.finish()
    times["fields"] = time.perf_counter() - t
    epochs: dict[str, float] = {}
    while sim.frame < sim.timeline.total_frames:
        name = sim.epoch.name
        before = compile_s[0]
        t = time.perf_counter()
        sim.step(1)
        sim.finish()
        epochs[name] = epochs.get(name, 0.0) + time.perf_counter() - t - (compile_s[0] - before)
    times["compile passes (first runs)"] = compile_s[0]
    compiled = len(seen)
    for name, s in epochs.items():
        times[f"steps: {name}"] = s
    t = time.perf_counter()
    save_snapshot(sim, out, force=True)
    times["snapshot files (and their views)"] = time.perf_counter() - t
    info = renderer_info(ctx)
    sim.close()
    ctx.release()
    return {
        "preset": preset,
        "size": list(size),
        "seed": seed,
        "renderer": info["renderer"],
        "passes_compiled": compiled,
        "phases_s": times,
        "total_s": sum(times.values()),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preset", default="world")
    ap.add_argument("--size", default="512x256", help="grid WxH (checked after the import)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="snapshot folder (default: temporary)")
    ap.add_argument("--json", type=Path, default=None, help="write the phases as JSON")
    args = ap.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="world-time-") as tmp:
        out = args.out if args.out is not None else Path(tmp) / "snap"
        try:
            r = phases(args.preset, args.size, args.seed, out)
        except Exception as exc:  # one line for a bad preset or size, as the CLI gives
            print(f"world_time.py: error: {exc}", file=sys.stderr)
            return 2
    for k, v in r["phases_s"].items():
        print(f"{k:<34} {v:7.2f} s")
    print(f"{'total':<34} {r['total_s']:7.2f} s  ({r['passes_compiled']} passes, {r['renderer']})")
    if args.json is not None:
        args.json.write_text(json.dumps(r, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
