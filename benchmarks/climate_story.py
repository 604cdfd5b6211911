"""The climate measured against issue 17's targets through the `earth` story: at the end of
"life spreads" (12 kyr ago, just before people appear) the climate figures of planetsim stats
over its seasonal year, and the globe's disc-mean luminance at full phase
(globe_luminance.py). Several seeds, two grids; then one markdown table.

    python benchmarks/climate_story.py run --seed 1 --size 256x128 --out climate-1-256.json
    python benchmarks/climate_story.py run --checkpoint story.ckpt --out climate.json
    python benchmarks/climate_story.py table climate-*.json          # prints the markdown

A 256x128 story to 12 kyr ago takes about 5 minutes on a 2-core CPU (llvmpipe).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

# (key, label, target low, target high) in the figures' own units; None: report only.
TARGETS = (
    ("precip_band_0_10", "P 0-10° (mm/yr)", 1500, 2500),
    ("precip_band_20_30", "P 20-30°", 400, 900),
    ("precip_band_40_55", "P 40-55°", 800, 1300),
    ("precip_band_70_90", "P 70-90°", 100, 400),
    ("mean_precipitation_mm_yr", "P global", 900, 1200),
    ("mean_vapour_kg_m2", "vapour (kg/m²)", 20, 30),
    ("mean_cloud_cover", "cloud", 0.6, 0.72),
    ("cloud_cover_sea", "cloud over sea (MODIS 0.72)", None, None),
    ("cloud_cover_land", "cloud over land (MODIS 0.55)", None, None),
    ("koppen_A", "Köppen A", None, None),
    ("koppen_B", "Köppen B", 0.2, 0.4),
    ("koppen_C", "Köppen C", None, None),
    ("koppen_D", "Köppen D", None, None),
    ("koppen_E", "Köppen E", None, None),
    ("land_fraction", "land", None, None),
    ("globe_luminance", "globe luminance", 0.25, 0.40),
)


def run(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from globe_luminance import full_phase_views, story_state

    from planetsim.stats.measure import measure

    sim, story_s = story_state(args.checkpoint, args.size, args.seed)
    figures = measure(sim, seasonal=True)
    out = {k: figures.get(k, math.nan) for k, *_ in TARGETS if k != "globe_luminance"}
    # the storm track's belt against the subtropics': above it?
    out["storm_track_above_subtropics"] = bool(
        figures["precip_band_40_55"] > figures["precip_band_20_30"]
    )
    out["every_koppen_class"] = all(figures.get(f"koppen_{c}", 0.0) > 0 for c in "ABCDE")
    views, _ = full_phase_views(sim)
    out["globe_luminance"] = float(sum(views.values()) / len(views))
    w, h = sim.grid.width, sim.grid.height
    meta = {"seed": int(sim.seed), "size": f"{w}x{h}", "renderer": sim.renderer,
            "story_s": story_s}  # fmt: skip
    sim.close()
    Path(args.out).write_text(json.dumps({**meta, **out}, indent=1))
    print(json.dumps({**meta, **out}))


def mark(v: float, lo: float | None, hi: float | None) -> str:
    if lo is None or hi is None or v != v:
        return ""
    return " ✓" if lo <= v <= hi else " ✗"


def table(paths: list[str]) -> None:
    runs = [json.loads(Path(p).read_text()) for p in paths]
    runs.sort(key=lambda r: (int(r["size"].split("x")[0]), r["seed"]))
    head = ["target"] + [f"seed {r['seed']}, {r['size'].replace('x', '×')}" for r in runs]
    print("| " + " | ".join(head) + " |")
    print("| " + " | ".join("---" for _ in head) + " |")
    for key, label, lo, hi in TARGETS:
        pct = key.startswith("koppen")
        name = (
            label if lo is None or hi is None
            else f"{label} {100 * lo:g}–{100 * hi:g} %" if pct else f"{label} {lo:g}–{hi:g}"
        )  # fmt: skip
        cells = []
        for r in runs:
            v = float(r[key])
            share = key.startswith(("koppen", "cloud", "mean_cloud", "land_fraction"))
            text = (
                f"{100 * v:.0f} %"
                if share and key.startswith(("koppen", "land"))
                else (f"{v:.2f}" if share or key == "globe_luminance" else f"{v:.0f}")
            )
            cells.append(text + mark(v, lo, hi))
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| storm track above the subtropics | " + " | ".join(
        "✓" if r["storm_track_above_subtropics"] else "✗" for r in runs) + " |")  # fmt: skip
    print("| every Köppen class | " + " | ".join(
        "✓" if r["every_koppen_class"] else "✗" for r in runs) + " |")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--size", default="256x128")
    r.add_argument("--checkpoint", help="measure this state instead of running the story")
    r.add_argument("--out", required=True)
    t = sub.add_parser("table")
    t.add_argument("paths", nargs="+")
    a = ap.parse_args(argv)
    if a.cmd == "run":
        run(a)
    else:
        table(a.paths)
    return 0


if __name__ == "__main__":
    sys.exit(main())
