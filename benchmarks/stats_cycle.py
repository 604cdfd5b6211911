"""What `planetsim stats` costs, and how settled its seasonal cycle is.

Runs a preset's story to a frame, then times (median of --repeat runs):
* measuring without the seasonal cycle (read_arrays + measure_arrays, and measure_arrays
  alone; the first call also builds the per-grid caches, so it is printed apart);
* the seasonal cycle at the default 40 steps a month (+ a month of spin-up) and, for
  comparison, with real-length months (122 steps of 6 h, 30.5 days) and a longer spin-up;
and prints how far the climate figures of the short cycle are from the long one's.

    python benchmarks/stats_cycle.py --preset quick --size 512x256 --frame 200
"""

from __future__ import annotations

import argparse
import statistics
import time

import planetsim
from planetsim.frontends.args import parse_size
from planetsim.stats import (
    SeasonalClimate,
    measure_arrays,
    read_arrays,
    seasonal_cycle,
    with_climate,
)

CLIMATE_KEYS = (
    "mean_temperature_c",
    "mean_precipitation_mm_yr",
    "precip_band_0_10",
    "precip_band_20_30",
    "precip_band_40_55",
    "mean_cloud_cover",
    "koppen_A",
    "koppen_B",
    "koppen_C",
    "koppen_D",
    "koppen_E",
)


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="quick")
    ap.add_argument("--size", type=parse_size, default=(512, 256))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--frame", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--long-month", type=int, default=122, help="steps of the long cycle")
    args = ap.parse_args()

    with planetsim.Simulation(preset=args.preset, size=args.size, seed=args.seed) as sim:
        t = time.perf_counter()
        sim.step(args.frame)
        sim.finish()
        w, h = args.size
        print(f"{args.preset} {w}x{h} seed {args.seed}: frame {sim.frame} ({sim.year_label}), "
              f"story {time.perf_counter() - t:.1f} s [{sim.renderer}]")  # fmt: skip

        arrays = read_arrays(sim)
        t = time.perf_counter()
        measure_arrays(arrays)
        print(
            f"measure_arrays, first call (builds the grid caches): {time.perf_counter() - t:.2f} s"
        )
        dt, _ = timed(lambda: measure_arrays(read_arrays(sim)), args.repeat)
        print(f"measuring without the seasonal cycle (readback + figures): {dt:.2f} s")

        short = long = None
        for spm, spin, name in ((40, 1, "short"), (args.long_month, 2, "long")):

            def cycle(s: int = spm, p: int = spin) -> SeasonalClimate:
                return seasonal_cycle(sim, steps_per_month=s, spinup_months=p)

            dt, cyc = timed(cycle, args.repeat)
            print(f"seasonal cycle, {spm} steps a month + {spin} month(s) spin-up "
                  f"({cyc.steps} steps): {dt:.2f} s")  # fmt: skip
            figs = measure_arrays(with_climate(arrays, cyc))
            if name == "short":
                short = figs
            else:
                long = figs
        assert short is not None and long is not None
        print(f"{'figure':28s} {'40/month':>10s} {f'{args.long_month}/month':>10s} {'diff':>8s}")
        for k in CLIMATE_KEYS:
            a, b = short[k], long[k]
            print(f"{k:28s} {a:10.4f} {b:10.4f} {a - b:8.4f}")


if __name__ == "__main__":
    main()
