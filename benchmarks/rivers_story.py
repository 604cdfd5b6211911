"""The rivers measured against issue 16's targets through the `earth` story: at the end of
"life spreads" (12 kyr ago) the river figures of planetsim stats (with the seasonal cycle,
which the closed basins need), and the project's own flow field at each big basin's outlet
against the stats module's routing of the same terrain (unweighted on both sides: the flow
field is routed once more with flow_rain = 0 for the comparison). Several seeds, two grids;
then one markdown table.

    python benchmarks/rivers_story.py run --seed 1 --size 256x128 --out rivers-1-256.json
    python benchmarks/rivers_story.py table rivers-*.json          # prints the markdown

A 256x128 run takes about 4 minutes on a 2-core CPU (llvmpipe), a 512x256 run about 20.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

FIGURES = (
    "largest_basin_share", "second_basin_share", "basins_over_half_percent", "concavity",
    "hack_exponent", "endorheic_share", "land_fraction", "mean_land_height_m", "land_mode_m",
)  # fmt: skip


def outlet_agreement(sim, settle: bool) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The flow field at the outlets of the basins over 0.5 % of the land against the stats
    routing's drained cells there: the largest and median relative difference, how many
    outlets and how many within 5 %. The flow field is routed once more, one per cell, as
    the stage's next routing run would route it (its lake sweeps from the lakes as the story
    left them, then the routing), or (settle) from lakes filled to convergence first.
    Afterwards the state is not the story's any more (the lakes, the flow weights)."""
    from planetsim.analysis.routing import drainage_basins, route
    from planetsim.stages import erosion

    sea = float(sim.values["sea_level"])
    sim.values["flow_rain"] = 0.0
    if settle:
        erosion.fill_lakes(sim)
    else:
        erosion.sweep_lakes(sim)
    erosion.route(sim)  # receivers and flow of this terrain (erode not run: it stays)
    flow = sim.field("water").read()[..., 0].astype(np.float64).ravel()
    r = route(sim.elevation().astype(np.float64), sim.grid, sea)
    basins = drainage_basins(r)
    big = basins.outlets[basins.shares > 0.005]
    want = r.drained_cells.ravel()[big].astype(np.float64)
    rel = np.abs(flow[big] - want) / np.maximum(want, 1.0)
    tag = "settled_" if settle else "live_"
    return {tag + "outlets": int(big.size), tag + "within_5pc": int((rel <= 0.05).sum()),
            tag + "max_rel": float(rel.max(initial=0.0)),
            tag + "median_rel": float(np.median(rel)) if rel.size else float("nan")}  # fmt: skip


def run(seed: int, size: tuple[int, int], out: Path, preset: str = "earth") -> None:
    import planetsim
    from planetsim.stats import measure

    sim = planetsim.Simulation(preset, size=size, seed=seed)
    tl = sim.timeline
    last = [e for e in tl.epochs if "erosion" in e.stages][-1]
    t0 = time.perf_counter()
    sim.step(tl.frame_of_year(last.years[1]) - sim.frame)
    story_s = time.perf_counter() - t0
    m = measure(sim, seasonal=True)
    row = {k: m.get(k) for k in FIGURES}
    pits = sim.field("water").read()[..., 1] == 0
    row["land_pits"] = int((pits & (sim.elevation() > float(sim.values["sea_level"]))).sum())
    row.update(outlet_agreement(sim, settle=False))
    row.update(outlet_agreement(sim, settle=True))
    result = {"seed": seed, "size": list(size), "preset": preset, "year": sim.year,
              "renderer": sim.renderer, "story_seconds": story_s, **row}  # fmt: skip
    print("  " + "  ".join(f"{k}={v:.3g}" for k, v in row.items()), file=sys.stderr)
    sim.close()
    out.write_text(json.dumps(result))


# Issue 16's targets on the earth story: (figure, test, words).
TARGETS = (
    ("largest basin >= 3 % of land", lambda r: r["largest_basin_share"] >= 0.03,
     lambda r: f"{100 * r['largest_basin_share']:.1f} %"),
    ("at least 10 basins over 0.5 %", lambda r: r["basins_over_half_percent"] >= 10,
     lambda r: f"{r['basins_over_half_percent']}"),
    ("concavity 0.35-0.65", lambda r: 0.35 <= r["concavity"] <= 0.65,
     lambda r: f"{r['concavity']:.3f}"),
    ("Hack 0.45-0.65", lambda r: 0.45 <= r["hack_exponent"] <= 0.65,
     lambda r: f"{r['hack_exponent']:.3f}"),
    ("closed basins 5-30 % of land", lambda r: 0.05 <= r["endorheic_share"] <= 0.30,
     lambda r: f"{100 * r['endorheic_share']:.1f} %"),
    ("flow at the outlets within 5 % of stats, as the next routing run routes it",
     lambda r: r["live_max_rel"] <= 0.05,
     lambda r: f"{r['live_within_5pc']} of {r['live_outlets']} "
               f"(max {100 * r['live_max_rel']:.0f} %)"),
    ("the same after the lakes settle (fill_lakes)", lambda r: r["settled_max_rel"] <= 0.05,
     lambda r: f"{r['settled_within_5pc']} of {r['settled_outlets']} "
               f"(max {100 * r['settled_max_rel']:.1f} %)"),
)  # fmt: skip


def table(paths: list[Path]) -> str:
    runs = sorted((json.loads(p.read_text()) for p in paths), key=lambda r: (r["size"], r["seed"]))
    head = "| target | " + " | ".join(
        f"seed {r['seed']}, {r['size'][0]}×{r['size'][1]}" for r in runs
    )
    lines = [head + " |", "|" + " --- |" * (len(runs) + 1)]
    for words, ok, show in TARGETS:
        cells = [f"{show(r)} {'✓' if ok(r) else '✗'}" for r in runs]
        lines.append(f"| {words} | " + " | ".join(cells) + " |")
    extra = (("land", "land_fraction", 100, ".1f", " %"), ("mean land height", "mean_land_height_m",
             1, ".0f", " m"), ("land cells with no receiver (lakes not settled)", "land_pits", 1,
             ".0f", ""), ("story", "story_seconds", 1, ".0f", " s"))  # fmt: skip
    for words, key, k, fmt, unit in extra:
        lines.append(f"| {words} | " + " | ".join(f"{k * r[key]:{fmt}}{unit}" for r in runs) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--size", default="256x128")
    r.add_argument("--preset", default="earth")
    r.add_argument("--out", type=Path, required=True)
    t = sub.add_parser("table")
    t.add_argument("paths", type=Path, nargs="+")
    args = ap.parse_args()
    if args.cmd == "run":
        from planetsim.frontends.args import parse_size

        run(args.seed, parse_size(args.size), args.out, args.preset)
    else:
        print(table(args.paths))


if __name__ == "__main__":
    main()
