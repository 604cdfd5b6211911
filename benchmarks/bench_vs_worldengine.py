"""planetsim's `world` snapshot and `worldengine world` side by side on one machine (issue 19):
the wall time of each command as a whole process, and both worlds measured by planetsim's
stats functions, in one markdown table with issue 19's Earth ranges, and a picture of the two
biome maps.

    python benchmarks/bench_vs_worldengine.py                     # 512x256 and 1024x512, seed 1
    python benchmarks/bench_vs_worldengine.py --sizes 128x64 --repeats 1 --preset quick
    python benchmarks/bench_vs_worldengine.py --seeds 1,2,3 --json vs.json --md vs.md

For each size and seed it runs `planetsim snapshot --preset P --size WxH --seed N --at end`
and `worldengine world -x W -y H -s N -q PLATES` (PLATES: the preset's plate_count) once cold
and --repeats times more, interleaved; "median" is the median of those, "cold" the first run.
planetsim's cold run gets an empty Mesa shader cache (MESA_SHADER_CACHE_DIR and
XDG_CACHE_HOME in a fresh temporary folder, which the later runs of that size then reuse: the
cache as a user has it after a first run). WorldEngine is installed, when
WE_VENV/bin/worldengine is missing, into its own virtual environment (--we-venv, default
benchmarks/.worldengine-venv); installing is not timed, and nothing of planetsim imports it.

WorldEngine's world is read by benchmarks/worldengine_arrays.py (run by its environment's
python) and measured with planetsim.stats.measure_arrays: its ocean is its ocean layer, its
rows flipped to planetsim's (row 0 south). Its elevation has no units, so its heights are
scaled 1 unit = 1 km above or below its sea level, a stand-in that lets the rivers be routed;
the hypsometry modes are not comparable, and its climate (normalised, no months) is not
measured. Köppen shares for planetsim come from `planetsim stats --preset P ... --at end`
(a seasonal cycle; one more, untimed story run per size and seed; --no-koppen skips it).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
HELPER = HERE / "worldengine_arrays.py"
DEFAULT_VENV = HERE / ".worldengine-venv"
WORLDENGINE_SPEC = "worldengine==0.20.0"  # works with numpy 2 on Python 3.11
WE_UNIT_M = 1000.0  # WorldEngine's unitless elevation: 1 unit = 1 km, a stand-in
KOPPEN = ("A", "B", "C", "D", "E")
PROGRAMS = ("planetsim", "worldengine")
NAMES = {"planetsim": "planetsim", "worldengine": "WorldEngine"}


class BenchError(Exception):
    """One line for the user; the benchmark exits with `code` (2: bad input, 1: a failure)."""

    def __init__(self, msg: str, code: int = 1) -> None:
        super().__init__(msg)
        self.code = code


@dataclass
class Timing:
    cold_s: float = math.nan
    runs_s: list[float] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(self.runs_s) if self.runs_s else self.cold_s


@dataclass
class Case:
    size: tuple[int, int]
    seed: int
    times: dict[str, Timing] = field(default_factory=lambda: {p: Timing() for p in PROGRAMS})
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    koppen: dict[str, float] = field(default_factory=dict)
    folders: dict[str, Path] = field(default_factory=dict)
    land: dict[str, np.ndarray] = field(default_factory=dict)  # (H, W) bool, row 0 south
    cache: Path | None = None  # planetsim's Mesa shader cache, as the cold run left it
    phases: dict[str, float] = field(default_factory=dict)  # where planetsim's time goes
    # planetsim's heightmap pixels, a hash a run (the same seed: the same every run)
    heightmaps: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.size[0]}x{self.size[1]}"

    @property
    def ratio(self) -> float:
        we = self.times["worldengine"].median_s
        return self.times["planetsim"].median_s / we if we > 0 else math.nan


# ---- the arguments --------------------------------------------------------------------------
def _sizes(text: str) -> list[tuple[int, int]]:
    from planetsim.frontends.args import parse_size

    sizes = [parse_size(t.strip()) for t in text.split(",") if t.strip()]
    if not sizes:
        raise argparse.ArgumentTypeError("no size given")
    return sizes


def _seeds(text: str) -> list[int]:
    try:
        seeds = [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"seeds must be whole numbers, got '{text}'") from None
    if not seeds or min(seeds) < 0:
        raise argparse.ArgumentTypeError(f"seeds must be whole numbers >= 0, got '{text}'")
    return seeds


def _repeats(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {n}")
    return n


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0].replace("\n", " "),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join((__doc__ or "").split("\n\n")[1:]),
    )
    ap.add_argument("--preset", default="world", help="planetsim preset (default: world)")
    ap.add_argument(
        "--sizes",
        type=_sizes,
        default=_sizes("512x256,1024x512"),
        help="grids WxH, comma-separated (default: 512x256,1024x512)",
    )
    ap.add_argument("--seeds", type=_seeds, default=[1], help="seeds, comma-separated (default 1)")
    ap.add_argument(
        "--repeats", type=_repeats, default=3, help="timed runs after the cold one (default 3)"
    )
    ap.add_argument(
        "--we-venv",
        type=Path,
        default=DEFAULT_VENV,
        help="WorldEngine's virtual environment, made when missing "
        "(default: benchmarks/.worldengine-venv)",
    )
    ap.add_argument("--json", type=Path, help="write every figure and time as JSON")
    ap.add_argument("--md", type=Path, help="write the markdown table")
    ap.add_argument(
        "--picture",
        type=Path,
        default=Path("docs/vs_worldengine.png"),
        help="the biome maps side by side (default: docs/vs_worldengine.png)",
    )
    ap.add_argument("--no-picture", action="store_true", help="write no picture")
    ap.add_argument(
        "--no-phases",
        action="store_true",
        help="skip the split of planetsim's time (benchmarks/world_time.py, first seed)",
    )
    ap.add_argument(
        "--picture-size", type=_sizes, help="the grid it shows (default: the largest of --sizes)"
    )
    ap.add_argument(
        "--no-koppen",
        action="store_true",
        help="skip the untimed `planetsim stats` run (Köppen shares)",
    )
    ap.add_argument(
        "--work", type=Path, help="keep every run's output here (default: a temporary folder)"
    )
    return ap.parse_args(argv)


# ---- running things -------------------------------------------------------------------------
def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _run(cmd: list[str], env: dict[str, str] | None = None, what: str = "") -> float:
    """Wall seconds of one whole process; BenchError with the tail of its stderr if it fails."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        raise BenchError(f"{what or cmd[0]} failed (exit {proc.returncode}): {tail[0]}")
    return seconds


def planetsim_exe() -> Path:
    exe = Path(sys.executable).parent / "planetsim"
    if not exe.is_file():
        raise BenchError(f"no planetsim executable next to {sys.executable}")
    return exe


def ensure_worldengine(venv: Path) -> Path:
    """WE_VENV/bin/worldengine, installing WorldEngine into its own venv when missing."""
    exe = venv / "bin" / "worldengine"
    if exe.is_file():
        return exe
    _log(f"installing {WORLDENGINE_SPEC} into {venv} (not timed)")
    try:
        if not (venv / "bin" / "python").is_file():
            subprocess.run(
                [sys.executable, "-m", "venv", str(venv)],
                check=True,
                capture_output=True,
                text=True,
            )
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", WORLDENGINE_SPEC],
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as exc:
        tail = (exc.stderr or exc.stdout or "").strip().splitlines()[-1:] or ["no output"]
        raise BenchError(f"installing WorldEngine into {venv} failed: {tail[0]}") from None
    if not exe.is_file():
        raise BenchError(f"installed WorldEngine into {venv}, but {exe} is missing")
    return exe


def plate_count(preset: str) -> int:
    """The preset's plate_count (the tectonics stage's default where the preset sets none)."""
    from planetsim.core.errors import PresetError
    from planetsim.core.presets import load
    from planetsim.core.registry import stage_uniforms

    try:
        p = load(preset)
    except PresetError as exc:
        raise BenchError(str(exc), 2) from None
    value = p.params.get("tectonics", {}).get("plate_count")
    if value is None:
        value = stage_uniforms("tectonics")["plate_count"].default
    if not isinstance(value, int | float):
        raise BenchError(f"preset {preset}: plate_count is not a number", 2)
    return int(round(value))


def _pixels_hash(png: Path) -> str:
    """A hash of a PNG's pixels (not its bytes: the text chunks carry no time, but say so)."""
    import hashlib

    from PIL import Image

    with Image.open(png) as im:
        return hashlib.sha256(np.asarray(im).tobytes()).hexdigest()


def time_case(
    case: Case, preset: str, plates: int, repeats: int, ps: Path, we: Path, work: Path
) -> None:
    """1 cold + `repeats` runs of each command, interleaved (the order alternates)."""
    w, h = case.size
    name = f"we_{w}x{h}_s{case.seed}"
    ps_out = work / f"planetsim_{w}x{h}_s{case.seed}"
    we_out = work / name
    cache = Path(tempfile.mkdtemp(prefix="mesa-cache-", dir=work))
    case.cache = cache
    ps_env = dict(os.environ, MESA_SHADER_CACHE_DIR=str(cache), XDG_CACHE_HOME=str(cache))
    ps_cmd = [
        str(ps),
        "snapshot",
        "--preset",
        preset,
        "--size",
        f"{w}x{h}",
        "--seed",
        str(case.seed),
        "--at",
        "end",
        "--out",
        str(ps_out),
        "--force",
        "-q",
    ]
    we_cmd = [
        str(we),
        "world",
        "-x",
        str(w),
        "-y",
        str(h),
        "-s",
        str(case.seed),
        "-q",
        str(plates),
        "-n",
        name,
        "-o",
        str(we_out),
    ]
    we_out.mkdir(parents=True, exist_ok=True)
    for i in range(repeats + 1):
        order = PROGRAMS if i % 2 == 0 else PROGRAMS[::-1]
        for prog in order:
            if prog == "planetsim":
                s = _run(ps_cmd, ps_env, f"planetsim snapshot ({case.label}, seed {case.seed})")
                case.heightmaps.append(_pixels_hash(ps_out / "heightmap.png"))
            else:
                s = _run(we_cmd, None, f"worldengine world ({case.label}, seed {case.seed})")
            t = case.times[prog]
            if i == 0:
                t.cold_s = s
            else:
                t.runs_s.append(s)
            _log(
                f"  {case.label} seed {case.seed} {NAMES[prog]:<11} "
                f"{'cold' if i == 0 else f'run {i}'}: {s:.2f} s"
            )
    case.folders = {"planetsim": ps_out, "worldengine": we_out / f"{name}.world"}


# ---- measuring ------------------------------------------------------------------------------
def _scalars(figures: dict[str, Any]) -> dict[str, Any]:
    """The single numbers (and words) of measure_arrays' figures, as plain Python values."""
    out: dict[str, Any] = {}
    for k, v in figures.items():
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, int | float | str | bool):
            out[k] = v
    return out


def worldengine_arrays(npz: Path) -> Any:
    """A PlanetArrays of WorldEngine's world: its ocean layer is the ocean (ocean <= 0 < land
    in stand-in metres), rows flipped to row 0 south."""
    from planetsim.stats.arrays import PlanetArrays

    with np.load(npz, allow_pickle=False) as d:
        elev = np.flipud(np.asarray(d["elevation"], np.float64))
        ocean = np.flipud(np.asarray(d["ocean"], bool))
        sea = float(d["sea_level"])
        extra = {
            "precipitation": np.flipud(d["precipitation"]),
            "temperature": np.flipud(d["temperature"]),
            "biome": np.flipud(d["biome"]),
            "worldengine_version": str(d["version"]),
        }
    metres = (elev - sea) * WE_UNIT_M
    # Land below its sea level (WorldEngine fills the ocean from the edges) is put just above.
    extra["land_raised_cells"] = int(((~ocean) & (metres <= 0)).sum())
    extra["ocean_lowered_cells"] = int((ocean & (metres > 0)).sum())
    shifted = np.where(ocean, np.minimum(metres, 0.0), np.maximum(metres, 0.0) + 1.0)
    return PlanetArrays(elevation_m=shifted, sea_level_m=0.0, extra=extra)


def measure_case(case: Case, we_venv: Path, work: Path) -> None:
    from planetsim.analysis.land import land_mask
    from planetsim.stats.arrays import load_snapshot
    from planetsim.stats.measure import measure_arrays

    arrays, _ = load_snapshot(case.folders["planetsim"])
    case.figures["planetsim"] = _scalars(measure_arrays(arrays))
    case.land["planetsim"] = land_mask(arrays.elevation_m, arrays.sea_level_m)
    npz = work / f"we_{case.label}_s{case.seed}.npz"
    world = case.folders["worldengine"]
    _run(
        [str(we_venv / "bin" / "python"), str(HELPER), str(world), str(npz)],
        None,
        f"reading {world}",
    )
    we = worldengine_arrays(npz)
    case.land["worldengine"] = we.elevation_m > we.sea_level_m
    figures = _scalars(measure_arrays(we))
    figures.update({k: v for k, v in we.extra.items() if isinstance(v, int | str)})
    case.figures["worldengine"] = figures


def koppen_case(case: Case, preset: str, ps: Path, work: Path) -> None:
    """Köppen shares of planetsim's world from `planetsim stats` (its seasonal cycle)."""
    out = work / f"stats_{case.label}_s{case.seed}.json"
    _run(
        [
            str(ps),
            "stats",
            "--preset",
            preset,
            "--size",
            case.label,
            "--seed",
            str(case.seed),
            "--at",
            "end",
            "--json",
            str(out),
            "--force",
            "-q",
        ],
        None,
        f"planetsim stats ({case.label}, seed {case.seed})",
    )
    fig = json.loads(out.read_text())["figures"][-1]
    case.koppen = {c: float(fig.get(f"koppen_{c}", math.nan)) for c in KOPPEN}


def phases_case(case: Case, preset: str, work: Path) -> None:
    """Where planetsim's time goes: benchmarks/world_time.py once, with the size's warm
    shader cache (one more, untimed story run)."""
    out = work / f"phases_{case.label}_s{case.seed}.json"
    env = dict(os.environ)
    if case.cache is not None:
        env.update(MESA_SHADER_CACHE_DIR=str(case.cache), XDG_CACHE_HOME=str(case.cache))
    cmd = [sys.executable, str(HERE / "world_time.py"), "--preset", preset, "--size", case.label]
    _run([*cmd, "--seed", str(case.seed), "--json", str(out)], env, f"phases ({case.label})")
    case.phases = json.loads(out.read_text())["phases_s"]


def cross_size(cases: list[Case]) -> list[tuple[int, str, str, dict[str, float]]]:
    """For each seed, each size against the finest: (seed, coarse label, fine label, IoU by
    program)."""
    from planetsim.analysis.land import land_iou, take_down

    out = []
    for seed in sorted({c.seed for c in cases}):
        mine = sorted((c for c in cases if c.seed == seed), key=lambda c: c.size)
        fine = mine[-1]
        for c in mine[:-1]:
            ious = {}
            for p in PROGRAMS:
                if p in c.land:
                    try:
                        down = take_down(fine.land[p], c.land[p].shape)
                    except ValueError as exc:
                        raise BenchError(str(exc)) from None
                    ious[p] = land_iou(c.land[p], down)
            out.append((seed, c.label, fine.label, ious))
    return out


# ---- the table ------------------------------------------------------------------------------
Check = Callable[[float, tuple[int, int]], bool]


def _coast_ok(v: float, size: tuple[int, int]) -> bool:
    from planetsim.analysis.earth import load_earth

    earth = load_earth().value("coastline_index", size)
    return earth is not None and v <= 1.3 * earth


# (key, label, Earth's range in words, its test, format, comparable for WorldEngine)
ROWS: list[tuple[str, str, str, Check | None, str, bool]] = [
    ("land_fraction", "land (%)", "25-35", lambda v, s: 0.25 <= v <= 0.35, "pct", True),
    (
        "largest_landmass_share",
        "largest landmass (% of land)",
        "35-70",
        lambda v, s: 0.35 <= v <= 0.70,
        "pct",
        True,
    ),
    (
        "four_largest_share",
        "four largest (% of land)",
        ">= 85",
        lambda v, s: v >= 0.85,
        "pct",
        True,
    ),
    ("coastline_index", "coastline index", "<= 1.3 x Earth's on the grid", _coast_ok, ".1f", True),
    (
        "largest_basin_share",
        "largest basin (% of land)",
        ">= 3",
        lambda v, s: v >= 0.03,
        "pct",
        True,
    ),
    (
        "basins_over_half_percent",
        "basins over 0.5 % of land",
        ">= 10",
        lambda v, s: v >= 10,
        ".0f",
        True,
    ),
    ("concavity", "Flint's θ", "0.35-0.65", lambda v, s: 0.35 <= v <= 0.65, ".2f", True),
    ("hack_exponent", "Hack's h", "0.45-0.65", lambda v, s: 0.45 <= v <= 0.65, ".2f", True),
    (
        "land_mode_m",
        "hypsometry: land mode (m)",
        "0-1000",
        lambda v, s: 0 <= v <= 1000,
        ".0f",
        False,
    ),
    (
        "ocean_floor_mode_m",
        "hypsometry: ocean-floor mode (m)",
        "-5500 to -3500",
        lambda v, s: -5500 <= v <= -3500,
        ".0f",
        False,
    ),
]


def _num(v: Any, fmt: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return f"{100 * v:.1f}" if fmt == "pct" else f"{v:{fmt}}"


def _cell(v: Any, fmt: str, check: Check | None, size: tuple[int, int]) -> str:
    text = _num(v, fmt)
    if check is None or text == "n/a":
        return text
    return f"{'✓' if check(float(v), size) else '✗'} {text}"


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _iou_ok(v: float, size: tuple[int, int]) -> bool:
    return v >= 0.7


def table(cases: list[Case], preset: str, plates: int) -> str:
    from planetsim.analysis.earth import load_earth

    earth = load_earth()
    cols = [(c, p) for c in cases for p in PROGRAMS]
    head = ["figure", "Earth (issue 19)"] + [f"{c.label} s{c.seed} {NAMES[p]}" for c, p in cols]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]

    def row(label: str, earth_text: str, cells: list[str]) -> None:
        lines.append(_md_row([label, earth_text, *cells]))

    row("median wall (s)", "", [f"{c.times[p].median_s:.2f}" for c, p in cols])
    row("cold wall (s)", "", [f"{c.times[p].cold_s:.2f}" for c, p in cols])
    row(
        "planetsim / WorldEngine (median)",
        "<= 1.5, goal < 1",
        [
            _cell(c.ratio, ".2f", lambda v, s: v <= 1.5, c.size) if p == "planetsim" else ""
            for c, p in cols
        ],
    )
    row(
        "same seed: the same heightmap every run",
        "identical",
        [
            (("✓ " if len(set(c.heightmaps)) == 1 else "✗ ") + f"{len(c.heightmaps)} runs")
            if p == "planetsim" and c.heightmaps
            else ""
            for c, p in cols
        ],
    )
    for key, label, earth_text, check, fmt, comparable in ROWS:
        cells = []
        for c, p in cols:
            v = c.figures.get(p, {}).get(key, math.nan)
            cell = _cell(v, fmt, check, c.size)
            cells.append(cell if p == "planetsim" or comparable else f"n/c ({_num(v, fmt)})")
        row(label, earth_text, cells)
    for k in KOPPEN:
        rng = earth.range(f"koppen_{k}")
        text = f"{100 * rng[0]:.0f}-{100 * rng[1]:.0f} (Peel 2007)" if rng else ""

        def koppen_ok(v: float, s: tuple[int, int], name: str = f"koppen_{k}") -> bool:
            return bool(earth.inside(name, v))

        row(
            f"Köppen {k} (% of land)",
            text,
            [
                "n/a (no months)"
                if p != "planetsim"
                else _cell(c.koppen[k], "pct", koppen_ok, c.size)
                if c.koppen
                else "not run (--no-koppen)"
                for c, p in cols
            ],
        )
    pairs = cross_size(cases)
    if pairs:
        head2 = ["same continents at another size (land IoU)", "issue 19"]
        lines += ["", _md_row(head2 + [NAMES[p] for p in PROGRAMS])]
        lines.append(_md_row(["---"] * (2 + len(PROGRAMS))))
        for seed, lo, hi, ious in pairs:
            cells = [
                _cell(ious.get(p, math.nan), ".2f", _iou_ok if p == "planetsim" else None, (0, 0))
                for p in PROGRAMS
            ]
            lines.append(_md_row([f"seed {seed}: {lo} vs {hi} taken down", ">= 0.7", *cells]))
    timed = [c for c in cases if c.phases]
    if timed:
        keys = list(dict.fromkeys(k for c in timed for k in c.phases))
        head3 = ["where planetsim's time goes (s, one run, warm cache)"]
        lines += ["", _md_row(head3 + [f"{c.label} s{c.seed}" for c in timed])]
        lines.append(_md_row(["---"] * (1 + len(timed))))
        for k in keys:
            lines.append(_md_row([k] + [f"{c.phases.get(k, math.nan):.2f}" for c in timed]))
        lines.append(
            _md_row(["total in one process"] + [f"{sum(c.phases.values()):.2f}" for c in timed])
        )
    version = next(
        (
            str(c.figures["worldengine"].get("worldengine_version"))
            for c in cases
            if "worldengine" in c.figures
        ),
        "?",
    )
    notes = [
        f"planetsim `snapshot --preset {preset} --at end` vs WorldEngine {version} `world` "
        f"with {plates} plates (the preset's plate_count); wall time of each whole process, "
        "median of the timed runs after a cold first one, interleaved. planetsim's cold run "
        "had an empty Mesa shader cache (a fresh MESA_SHADER_CACHE_DIR and XDG_CACHE_HOME), "
        "the timed runs that cache as the cold run left it.",
        "Both worlds measured by planetsim.stats.measure_arrays; WorldEngine's ocean is its "
        "ocean layer. ✓ inside issue 19's Earth range, ✗ outside; n/c: not comparable "
        f"(WorldEngine's elevation has no units; scaled here 1 unit = {WE_UNIT_M:.0f} m); "
        "Köppen needs monthly means (planetsim's from `planetsim stats`, a seasonal cycle).",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}.",
    ]
    return "\n".join(lines) + "\n\n" + "\n\n".join(notes) + "\n"


# ---- the picture ----------------------------------------------------------------------------
def picture(case: Case, out: Path, width: int = 960) -> None:
    from PIL import Image, ImageDraw, ImageFont

    ps = case.folders["planetsim"] / "map_biome.png"
    world = case.folders["worldengine"]
    we = world.with_name(world.stem + "_biome.png")
    tiles = []
    for path, label in (
        (ps, f"planetsim ({case.label}, seed {case.seed})"),
        (we, f"WorldEngine ({case.label}, seed {case.seed})"),
    ):
        if not path.is_file():
            raise BenchError(f"no biome map at {path}")
        im = Image.open(path).convert("RGB")
        h = round(im.height * width / im.width)
        up = width >= im.width  # upscaled: keep the cells square; downscaled: smooth
        how = Image.Resampling.NEAREST if up else Image.Resampling.LANCZOS
        tiles.append((im.resize((width, h), how), label))
    try:
        font: Any = ImageFont.load_default(size=20)
    except TypeError:  # pillow without FreeType sizes
        font = ImageFont.load_default()
    pad, bar = 8, 32
    canvas = Image.new("RGB", (2 * width + pad, max(t.height for t, _ in tiles) + bar), "white")
    draw = ImageDraw.Draw(canvas)
    for i, (im, label) in enumerate(tiles):
        x = i * (width + pad)
        canvas.paste(im, (x, bar))
        draw.text((x + 6, 6), label, fill="black", font=font)
    out.parent.mkdir(parents=True, exist_ok=True)
    canvas.save(out)


# ---- main -----------------------------------------------------------------------------------
def result_json(cases: list[Case], preset: str, plates: int, repeats: int) -> dict[str, Any]:
    return {
        "preset": preset,
        "plate_count": plates,
        "repeats": repeats,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "cold_cache": "planetsim's cold run: fresh MESA_SHADER_CACHE_DIR and XDG_CACHE_HOME; "
        "the timed runs reuse that cache",
        "worldengine_unit_m": WE_UNIT_M,
        "cases": [
            {
                "size": list(c.size),
                "seed": c.seed,
                "ratio": c.ratio,
                "times": {
                    p: {
                        "cold_s": c.times[p].cold_s,
                        "runs_s": c.times[p].runs_s,
                        "median_s": c.times[p].median_s,
                    }
                    for p in PROGRAMS
                },
                "figures": c.figures,
                "koppen": c.koppen,
                "phases_s": c.phases,
                "heightmap_pixel_hashes": c.heightmaps,
            }
            for c in cases
        ],
        "cross_size_iou": [
            {"seed": seed, "coarse": lo, "fine": hi, "iou": ious}
            for seed, lo, hi, ious in cross_size(cases)
        ],
    }


def run(args: argparse.Namespace) -> int:
    plates = plate_count(args.preset)
    ps = planetsim_exe()
    we = ensure_worldengine(args.we_venv.resolve())
    pic_size = args.picture_size[0] if args.picture_size else max(args.sizes)
    if not args.no_picture and pic_size not in args.sizes:
        raise BenchError(f"--picture-size {pic_size[0]}x{pic_size[1]} is not one of --sizes", 2)
    for path in (args.json, args.md):
        if path is not None and not path.parent.is_dir():
            raise BenchError(f"no folder {path.parent} for {path}", 2)
    work = args.work if args.work is not None else Path(tempfile.mkdtemp(prefix="vs-we-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        cases = [Case(size, seed) for size in args.sizes for seed in args.seeds]
        for c in cases:
            _log(f"{c.label} seed {c.seed}: timing ({plates} plates)")
            time_case(c, args.preset, plates, args.repeats, ps, we, work)
            measure_case(c, args.we_venv.resolve(), work)
            if c.seed == args.seeds[0] and not args.no_phases:
                phases_case(c, args.preset, work)
            if not args.no_koppen:
                _log(f"{c.label} seed {c.seed}: Köppen by `planetsim stats` (not timed)")
                koppen_case(c, args.preset, ps, work)
        md = table(cases, args.preset, plates)
        print(md, end="")
        if args.md is not None:
            args.md.write_text(md)
        if args.json is not None:
            data = result_json(cases, args.preset, plates, args.repeats)
            args.json.write_text(json.dumps(data, indent=1, default=float) + "\n")
        if not args.no_picture:
            shown = next(c for c in cases if c.size == pic_size)
            picture(shown, args.picture)
            _log(f"wrote {args.picture}")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except BenchError as exc:
        print(f"bench_vs_worldengine.py: error: {exc}", file=sys.stderr)
        return exc.code


if __name__ == "__main__":
    raise SystemExit(main())
