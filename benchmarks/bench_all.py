"""Every stage, a whole story step and a story frame (step + globe render), at 256x128 ..
2048x1024, next to numpy; or a per-pass profile. The same as `planetsim bench`.

    python benchmarks/bench_all.py [--quick] [--sizes 512x256] [--json out.json] [--md out.md]
    python benchmarks/bench_all.py --profile --sizes 512x256

Options: python benchmarks/bench_all.py --help (planetsim.frontends.bench).
"""

from __future__ import annotations

import sys

from planetsim.frontends.bench import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
