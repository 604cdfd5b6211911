"""The story's ending measured against issue 17: how much of the buried carbon people burn by
2300 CE, the CO2 peak, the warming from when people appear, and how far the tropics empty
(the share of people within 20 deg of the equator against its peak), from the metrics a
render's --metrics CSV writes. The whole story, or its end from a checkpoint.

    python benchmarks/ending_story.py --preset earth --size 128x64 --seed 1 --out end.json
    python benchmarks/ending_story.py --checkpoint story.ckpt --out end.json

The earth story at 128x64 takes about 3 minutes on a 2-core CPU (llvmpipe).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def measure(sim, every: int = 20) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from planetsim.core.metrics import metrics

    end = sim.timeline.total_frames
    rows = []
    while sim.frame < end:
        sim.step(min(every, end - sim.frame))
        rows.append(metrics(sim))
    lived = [r for r in rows if r["people"] > 0]
    if not lived:
        raise SystemExit("ending_story: no people appeared in this story")
    reserve = float(sim.values["carbon_reserve"])
    by_2300 = [r for r in rows if r["year"] <= 2300.5][-1]
    peak_share = max(r["people_tropics"] for r in lived)
    t0 = lived[0]["mean_temperature"]
    return {
        "reserve_gtc": reserve,
        "burnt_share_by_2300": 1.0 - by_2300["buried_carbon"] / reserve,
        "burnt_share_at_end": 1.0 - rows[-1]["buried_carbon"] / reserve,
        "co2_peak_ppm": max(r["co2"] for r in rows),
        "warming_k": rows[-1]["mean_temperature"] - t0,
        "tropics_share_peak": peak_share,
        "tropics_share_end_over_peak": rows[-1]["people_tropics"] / peak_share,
        "end_year": rows[-1]["year"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--preset", default="earth")
    ap.add_argument("--size", default="128x64")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--checkpoint", type=Path, help="continue this checkpoint to the end")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    import planetsim
    from planetsim.core.checkpoint import load_checkpoint
    from planetsim.frontends.args import parse_size

    t = time.perf_counter()
    if args.checkpoint:
        sim = load_checkpoint(args.checkpoint)
    else:
        sim = planetsim.Simulation(args.preset, size=parse_size(args.size), seed=args.seed)
    row = {"preset": sim.preset.name, "size": list(sim.grid.size), "seed": sim.seed,
           "from_year": sim.year, "renderer": sim.renderer, **measure(sim)}  # fmt: skip
    row["seconds"] = time.perf_counter() - t
    sim.close()
    print("  ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()),
          file=sys.stderr)  # fmt: skip
    args.out.write_text(json.dumps(row, indent=1))


if __name__ == "__main__":
    main()
