"""Every shipped preset stays finite for at least 20 000 plate steps (issue 15): its whole
story at 64x32, then its last plate epoch's stages again (one sim step of each, as the
story runs them) until the plates have run 20 000 steps in all. Every field is read back
every 1000 steps and at each epoch's end; a non-finite value or a negative population is a
failure, named with the step. Prints one line per preset and exits 1 if any failed.

    python benchmarks/finite_stories.py [--size 64x32] [--steps 20000] [--seed 0]

About 1 minute a preset on a 2-core CPU (llvmpipe). The test suite runs the stories
themselves (tests/test_presets.py); this goes on past their end.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

FIELDS = ("terrain", "water", "air", "moisture", "life", "civ", "crust", "frames")


def broken(sim) -> str | None:  # type: ignore[no-untyped-def]
    for name in FIELDS:
        a = sim.field(name).read()
        if not np.isfinite(a).all():
            return f"{name} not finite"
    for name in ("life", "civ"):
        if (sim.field(name).read()[..., :3] < 0).any():
            return f"{name} negative"
    return None


def run(name: str, size: tuple[int, int], steps: int, seed: int) -> tuple[bool, str]:
    import planetsim

    sim = planetsim.Simulation(name, size=size, seed=seed)
    plate_steps = 0
    last = None
    for e in sim.timeline.epochs:
        sim.step(e.frames)
        if "tectonics" in e.stages:
            plate_steps += e.frames * e.steps_per_frame
            last = e
        if why := broken(sim):
            return False, f"{why} after '{e.name}'"
    if last is None:
        return True, "no plate epoch"
    story_steps = plate_steps
    while plate_steps < steps:
        for _ in range(min(1000, steps - plate_steps)):
            for stage in last.stages:
                sim.run_stage(stage)
            plate_steps += 1
        if why := broken(sim):
            return False, f"{why} after {plate_steps} plate steps"
    sea = float(sim.values["sea_level"])
    z = sim.elevation()
    land = float(sim.grid.area_mean((z > sea).astype(float)))
    return True, (
        f"{plate_steps} plate steps ({story_steps} in the story), finite; land {land:.0%}, "
        f"elevation {z.min() - sea:.0f}..{z.max() - sea:.0f} m about the sea"
    )


def main(argv: list[str] | None = None) -> int:
    from planetsim.core.presets import available

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="64x32")
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    w, h = (int(x) for x in a.size.split("x"))
    ok_all = True
    for name in sorted(available()):
        t0 = time.perf_counter()
        ok, words = run(name, (w, h), a.steps, a.seed)
        ok_all &= ok
        print(f"{'ok ' if ok else 'FAIL'} {name:11s} {words} ({time.perf_counter() - t0:.0f} s)")
        sys.stdout.flush()
    return 0 if ok_all else 1


if __name__ == "__main__":
    raise SystemExit(main())
