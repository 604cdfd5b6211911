"""The plates measured against Earth through the `earth` story (issue 15): at 20 moments
evenly spread over the plate epochs (from 200 Myr after the plates start) and just before
people appear (12 kya), the figures planetsim stats gives (no seasonal cycle: these are the
solid planet's), for several seeds and two grids; the land masks at the end of each plate
epoch, for the cross-grid comparison. Then one markdown table of every target.

    python benchmarks/plates_story.py run --seed 1 --size 256x128 --out plates-1-256.json
    python benchmarks/plates_story.py table plates-*.json          # prints the markdown

The 512x256 runs take about 10 minutes each on a 2-core CPU (llvmpipe).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

MOMENTS = 20
FIGURES = (
    "land_fraction", "largest_landmass_share", "four_largest_share", "landmass_count",
    "coastline_index", "land_mode_m", "ocean_floor_mode_m", "mean_land_height_m",
    "seafloor_mean_age_myr", "seafloor_p99_age_myr", "continental_crust_share",
    "high_land_near_orogens",
)  # fmt: skip


def plate_epochs(timeline) -> list:  # type: ignore[no-untyped-def]
    return [e for e in timeline.epochs if "tectonics" in e.stages]


def run(seed: int, size: tuple[int, int], out: Path, preset: str = "earth") -> None:
    import planetsim
    from planetsim.stats import measure

    sim = planetsim.Simulation(preset, size=size, seed=seed)
    tl = sim.timeline
    epochs = plate_epochs(tl)
    start = tl.frame_of_year(epochs[0].years[0] + 200e6)
    stop = tl.frame_of_year(epochs[-1].years[1])  # the end of the last plate epoch: 12 kya
    frames = sorted({int(round(f)) for f in np.linspace(start, stop, MOMENTS)})
    ends = [tl.frame_of_year(e.years[1]) for e in epochs]
    result: dict = {"seed": seed, "size": list(size), "preset": preset, "moments": [],
                    "masks": {}, "ends": [str(f) for f in ends], "years": {},
                    "renderer": sim.renderer}  # fmt: skip
    t0 = time.perf_counter()
    for f in sorted(set(frames) | set(ends)):
        sim.step(f - sim.frame)
        if f in frames:
            m = measure(sim, seasonal=False)
            row = {"frame": f, "year": sim.year, **{k: m.get(k) for k in FIGURES}}
            result["moments"].append(row)
            print(f"  {sim.year_label:>14}  " + "  ".join(
                f"{k[:10]}={row[k]:.3g}" for k in FIGURES if isinstance(row[k], int | float)
            ), file=sys.stderr, flush=True)  # fmt: skip
        land = sim.elevation() > float(sim.values["sea_level"])  # every moment: how long the
        result["masks"][str(f)] = np.packbits(land.ravel()).tolist()  # grids agree
        result["years"][str(f)] = sim.year
    result["seconds"] = time.perf_counter() - t0
    sim.close()
    out.write_text(json.dumps(result))


def _mask(run: dict, frame: str) -> np.ndarray:
    w, h = run["size"]
    return np.unpackbits(np.asarray(run["masks"][frame], np.uint8))[: w * h].reshape(h, w)


def iou_across(fine: dict, coarse: dict) -> dict[str, float]:
    """Land-mask IoU at each moment both runs kept, the finer grid downsampled (a coarse
    cell is land where most of its fine cells are)."""
    out = {}
    for frame in sorted(set(coarse["masks"]) & set(fine["masks"]), key=int):
        a, b = _mask(fine, frame).astype(float), _mask(coarse, frame).astype(bool)
        f = a.shape[0] // b.shape[0]
        down = a.reshape(b.shape[0], f, b.shape[1], f).mean(axis=(1, 3)) > 0.5
        out[frame] = float((down & b).sum() / max((down | b).sum(), 1))
    return out


# Issue 15's targets, each (figure, test over the moments, words).
def checks(rows: list[dict], size: list[int]) -> list[tuple[str, bool, str]]:
    from planetsim.analysis.earth import load_earth

    coast_earth = load_earth().value("coastline_index", tuple(size))
    last = rows[-1]

    def values(key: str) -> list[float]:
        return [r[key] for r in rows if r[key] is not None and r[key] == r[key]]

    def inside(key: str, lo: float, hi: float) -> bool:
        return all(lo <= x <= hi for x in values(key))

    def span(key: str, fmt: str = ".0f") -> str:
        xs = values(key)
        return f"{min(xs):{fmt}}..{max(xs):{fmt}}" if xs else "n/a"

    big = values("largest_landmass_share")
    coast = values("coastline_index")
    p99 = values("seafloor_p99_age_myr")
    near = values("high_land_near_orogens")
    return [
        (
            "land 25-35 % at every moment",
            inside("land_fraction", 0.25, 0.35),
            span("land_fraction", ".3f"),
        ),
        (
            "before people: largest 35-70 %, four largest >= 85 %",
            0.35 <= last["largest_landmass_share"] <= 0.70 and last["four_largest_share"] >= 0.85,
            f"{last['largest_landmass_share']:.2f}, {last['four_largest_share']:.2f}",
        ),
        (
            "a cycle: largest < 45 % once and > 70 % once",
            min(big) < 0.45 and max(big) > 0.70,
            span("largest_landmass_share", ".2f"),
        ),
        (
            "coastline index <= 1.3 x Earth's on the grid",
            max(coast) <= 1.3 * coast_earth,
            f"max {max(coast):.1f} (Earth {coast_earth:g})",
        ),
        ("land mode 0-1 km", inside("land_mode_m", 0, 1000), span("land_mode_m")),
        (
            "ocean-floor mode -3.5..-5.5 km",
            inside("ocean_floor_mode_m", -5500, -3500),
            span("ocean_floor_mode_m"),
        ),
        (
            "mean land height 0.5-1.2 km",
            inside("mean_land_height_m", 500, 1200),
            span("mean_land_height_m"),
        ),
        ("sea-floor p99 age <= 250 Myr", max(p99) <= 250, f"max {max(p99):.0f}"),
        (
            "sea-floor mean age 40-120 Myr",
            inside("seafloor_mean_age_myr", 40, 120),
            span("seafloor_mean_age_myr"),
        ),
        (
            "continental crust 35-45 %",
            inside("continental_crust_share", 0.35, 0.45),
            span("continental_crust_share", ".3f"),
        ),
        (
            "land > 3 km: 90 % by orogens",
            min(near, default=1.0) >= 0.9,
            f"min {min(near, default=float('nan')):.2f}",
        ),
    ]


def _ago(year: float) -> str:
    if year <= -1e9:
        return f"{-year / 1e9:.2f} Gyr ago"
    return f"{-year / 1e6:.0f} Myr ago" if year <= -1e6 else f"{-year / 1e3:.0f} kyr ago"


def table(paths: list[Path]) -> str:
    runs = [json.loads(p.read_text()) for p in paths]
    lines = [
        "| seed | grid | "
        + " | ".join(c[0] for c in checks(runs[0]["moments"], runs[0]["size"]))
        + " | time |"
    ]
    lines.append("| --- | --- |" + " --- |" * (len(lines[0].split("|")) - 4) + " --- |")
    for r in sorted(runs, key=lambda r: (r["size"][0], r["seed"])):
        cs = checks(r["moments"], r["size"])
        cells = [f"{'✓' if ok else '✗'} {fig}" for _, ok, fig in cs]
        lines.append(f"| {r['seed']} | {r['size'][0]}x{r['size'][1]} | " + " | ".join(cells)
                     + f" | {r['seconds'] / 60:.1f} min |")  # fmt: skip
    by = {(r["seed"], r["size"][0]): r for r in runs}
    ious = []
    for (seed, w), r in sorted(by.items()):
        coarse = by.get((seed, w // 2))
        if coarse is not None:
            iou = iou_across(r, coarse)
            ends = [iou[f] for f in r.get("ends", iou) if f in iou]
            text = f"seed {seed}, {w}x{w // 2} vs {w // 2}x{w // 4}: " + ", ".join(
                f"{v:.2f}" for v in ends
            )
            years = r.get("years", {})
            below = [f for f in iou if iou[f] < 0.7 and f in years]
            if years and below:
                text += (
                    f" (IoU first below 0.7 at {_ago(years[below[0]])}, "
                    + ", ".join(f"{iou[f]:.2f}" for f in iou if f in years)
                    + " at the moments)"
                )
            ious.append(text)
    if ious:
        lines += ["", "Land-mask IoU at the end of each plate epoch (finer grid downsampled): "
                  + "; ".join(ious)]  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--size", default="256x128")
    r.add_argument("--preset", default="earth")
    r.add_argument("--out", type=Path, required=True)
    t = sub.add_parser("table")
    t.add_argument("paths", type=Path, nargs="+")
    args = ap.parse_args(argv)
    if args.cmd == "run":
        from planetsim.frontends.args import parse_size

        w, h = parse_size(args.size)
        run(args.seed, (w, h), args.out, args.preset)
    else:
        print(table(args.paths), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
