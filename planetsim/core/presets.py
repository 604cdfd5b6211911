"""Presets: TOML files that hold a world (grid, seed, stage parameters, start) and its story
(a list of epochs). Every key and type is checked; an error names the key, its line and what
is allowed. Unknown keys are errors."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import PresetError
from .registry import STAGES, all_uniforms, stage_uniforms
from .resources import presets_dir
from .timeline import Epoch, Timeline

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

TOP_KEYS = {"name", "description", "grid", "start", "epoch"}
GRID_KEYS = {"size", "seed", "radius", "metric"}
START_KEYS = {"heightmap", "sea_level", "elevation_range", "land_fraction"}
EPOCH_KEYS = {
    "name",
    "frames",
    "years",
    "stages",
    "steps_per_frame",
    "ramp",
    "set",
    "frames_per_year",
    "frames_per_day",
}
EPOCH_REQUIRED = ("name", "frames", "years", "stages")


@dataclass
class Preset:
    name: str
    description: str
    size: tuple[int, int]
    seed: int
    radius: float
    metric: str
    params: dict[str, dict[str, Any]]  # stage -> {uniform: value}
    epochs: list[Epoch]
    start: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    text: str = ""

    @property
    def timeline(self) -> Timeline:
        return Timeline(self.epochs)


def available() -> dict[str, Path]:
    """Shipped presets by name."""
    return {p.stem: p for p in sorted(presets_dir().glob("*.toml"))}


def resolve(preset: str | Path) -> Path:
    p = Path(preset)
    if p.suffix == ".toml" or p.exists() or "/" in str(preset):
        if not p.is_file():
            raise PresetError(f"preset file not found: {p}")
        return p
    shipped = available()
    if str(preset) not in shipped:
        raise PresetError(
            f"unknown preset '{preset}' (shipped: {', '.join(shipped) or 'none'}; "
            "or give a path to a .toml file)"
        )
    return shipped[str(preset)]


def load(preset: str | Path) -> Preset:
    path = resolve(preset)
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise PresetError(f"cannot read preset {path}: {exc}") from None
    return parse(text, path)


class _Checker:
    def __init__(self, text: str, path: Path | None):
        self.lines = text.splitlines()
        self.path = path

    def line_of(self, keypath: tuple[str | int, ...]) -> int | None:
        """Best-effort line of a key: follow [table] / [[array]] headers, then `key =`."""
        table: tuple[str | int, ...] = ()
        counts: dict[str, int] = {}
        want_table = tuple(keypath[:-1])
        key = keypath[-1]
        for n, raw in enumerate(self.lines, 1):
            line = raw.split("#", 1)[0].strip()
            m = re.match(r"^\[\[\s*([\w.]+)\s*\]\]$", line)
            if m:
                name = m.group(1)
                counts[name] = counts.get(name, -1) + 1
                table = (name, counts[name])
                if table == tuple(keypath) or (isinstance(key, int) and table == keypath):
                    return n
                continue
            m = re.match(r"^\[\s*([\w.]+)\s*\]$", line)
            if m:
                table = tuple(m.group(1).split("."))
                if table == tuple(keypath):
                    return n
                continue
            if (
                table == want_table
                and isinstance(key, str)
                and re.match(rf"^{re.escape(key)}\s*=", line)
            ):
                return n
            # keys inside an inline table: ramp = {{ impact_rate = [...] }}
            if (
                len(keypath) >= 2
                and table == tuple(keypath[:-2])
                and isinstance(key, str)
                and re.match(rf"^{re.escape(str(keypath[-2]))}\s*=", line)
                and re.search(rf"[{{,]\s*{re.escape(key)}\s*=", line)
            ):
                return n
        return None

    def fail(self, keypath: tuple[str | int, ...], msg: str) -> PresetError:
        where = self.path.name if self.path else "preset"
        name = ".".join(f"epoch[{k}]" if isinstance(k, int) else str(k) for k in keypath).replace(
            ".epoch[", "["
        )
        line = self.line_of(keypath)
        if line is None and len(keypath) > 1:  # a missing key: point at its table
            line = self.line_of(keypath[:-1])
        at = f"{where}:{line}" if line else where
        return PresetError(f"{at}: '{name}': {msg}")


def _is_num(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def parse(text: str, path: Path | None = None) -> Preset:
    chk = _Checker(text, path)
    where = path.name if path else "preset"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PresetError(f"{where}: malformed TOML: {exc}") from None

    for k in data:
        if k not in TOP_KEYS and k not in STAGES:
            raise chk.fail(
                (k,),
                f"unknown key (allowed: {', '.join(sorted(TOP_KEYS))}, or a stage table: "
                f"{', '.join(sorted(STAGES))})",
            )
    name = data.get("name", path.stem if path else "preset")
    if not isinstance(name, str):
        raise chk.fail(("name",), "must be a string")
    desc = data.get("description", "")
    if not isinstance(desc, str):
        raise chk.fail(("description",), "must be a string")

    grid = data.get("grid", {})
    if not isinstance(grid, dict):
        raise chk.fail(("grid",), "must be a table")
    for k in grid:
        if k not in GRID_KEYS:
            raise chk.fail(("grid", k), f"unknown key (allowed: {', '.join(sorted(GRID_KEYS))})")
    size = grid.get("size", [128, 64])
    if (
        not isinstance(size, list)
        or len(size) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in size)
        or size[0] != 2 * size[1]
        or size[1] < 4
        or size[1] % 2
    ):
        raise chk.fail(
            ("grid", "size"), f"must be [W, H] integers with W = 2*H, H even, got {size}"
        )
    seed = grid.get("seed", 1)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**31:
        raise chk.fail(("grid", "seed"), f"must be an integer in [0, 2^31), got {seed!r}")
    radius = grid.get("radius", 6.371e6)
    if not _is_num(radius) or radius <= 0:
        raise chk.fail(("grid", "radius"), f"must be a positive number of metres, got {radius!r}")
    metric = grid.get("metric", "sphere")
    if metric not in ("sphere", "flat"):
        raise chk.fail(("grid", "metric"), f"must be 'sphere' or 'flat', got {metric!r}")

    start = data.get("start", {})
    if not isinstance(start, dict):
        raise chk.fail(("start",), "must be a table")
    for k in start:
        if k not in START_KEYS:
            raise chk.fail(("start", k), f"unknown key (allowed: {', '.join(sorted(START_KEYS))})")
    if "heightmap" in start and not isinstance(start["heightmap"], str):
        raise chk.fail(("start", "heightmap"), "must be a path (string) to a PNG or .npy file")
    if "sea_level" in start and not _is_num(start["sea_level"]):
        raise chk.fail(
            ("start", "sea_level"), f"must be a number of metres, got {start['sea_level']!r}"
        )
    er = start.get("elevation_range")
    if er is not None and (
        not isinstance(er, list)
        or len(er) != 2
        or not all(_is_num(v) for v in er)
        or er[0] >= er[1]
    ):
        raise chk.fail(
            ("start", "elevation_range"), f"must be [low, high] metres, low < high, got {er!r}"
        )
    lf = start.get("land_fraction")
    if lf is not None and (not _is_num(lf) or not 0.0 <= lf <= 1.0):
        raise chk.fail(("start", "land_fraction"), f"must be a number in [0, 1], got {lf!r}")
    if start and "heightmap" not in start:
        raise chk.fail(("start",), "a [start] table needs 'heightmap'")

    uniforms = all_uniforms()
    params: dict[str, dict[str, Any]] = {}
    for st in STAGES:
        table = data.get(st, {})
        if not isinstance(table, dict):
            raise chk.fail((st,), "must be a table of the stage's parameters")
        allowed = stage_uniforms(st)
        for k, v in table.items():
            if k not in allowed:
                raise chk.fail(
                    (st, k),
                    f"unknown parameter of stage '{st}' (allowed: {', '.join(sorted(allowed))})",
                )
            try:
                table[k] = allowed[k].check(v)
            except (TypeError, ValueError) as exc:
                raise chk.fail((st, k), str(exc)) from None
        params[st] = dict(table)

    epochs_raw = data.get("epoch")
    if not isinstance(epochs_raw, list) or not epochs_raw:
        raise chk.fail(("epoch",), "the story needs at least one [[epoch]] table")
    epochs = []
    for i, e in enumerate(epochs_raw):
        epochs.append(_epoch(chk, i, e, uniforms))
    return Preset(
        name=name,
        description=desc,
        size=(size[0], size[1]),
        seed=seed,
        radius=float(radius),
        metric=metric,
        params=params,
        epochs=epochs,
        start=start,
        path=path,
        text=text,
    )


def _epoch(chk: _Checker, i: int, e: Any, uniforms: dict) -> Epoch:
    kp: tuple[str | int, ...] = ("epoch", i)
    if not isinstance(e, dict):
        raise chk.fail(kp, "must be a table")
    for k in e:
        if k not in EPOCH_KEYS:
            raise chk.fail((*kp, k), f"unknown key (allowed: {', '.join(sorted(EPOCH_KEYS))})")
    for k in EPOCH_REQUIRED:
        if k not in e:
            raise chk.fail((*kp, k), "missing (every epoch needs name, frames, years, stages)")
    if not isinstance(e["name"], str):
        raise chk.fail((*kp, "name"), "must be a string")
    frames = e["frames"]
    if not isinstance(frames, int) or isinstance(frames, bool) or frames <= 0:
        raise chk.fail((*kp, "frames"), f"must be a positive integer, got {frames!r}")
    years = e["years"]
    if not isinstance(years, list) or len(years) != 2 or not all(_is_num(y) for y in years):
        raise chk.fail((*kp, "years"), f"must be [start, end] numbers, got {years!r}")
    if years[1] <= years[0]:
        raise chk.fail((*kp, "years"), f"end must be after start, got {years}")
    stages = e["stages"]
    if not isinstance(stages, list) or not all(isinstance(s, str) for s in stages):
        raise chk.fail((*kp, "stages"), "must be a list of stage names")
    for s in stages:
        if s not in STAGES:
            raise chk.fail((*kp, "stages"), f"unknown stage '{s}' (allowed: {', '.join(STAGES)})")
    spf = e.get("steps_per_frame", 1)
    if not isinstance(spf, int) or isinstance(spf, bool) or spf < 0:
        raise chk.fail((*kp, "steps_per_frame"), f"must be an integer >= 0, got {spf!r}")
    ramp_raw = e.get("ramp", {})
    if not isinstance(ramp_raw, dict):
        raise chk.fail((*kp, "ramp"), "must be a table of uniform = [start, end]")
    ramp = {}
    for k, v in ramp_raw.items():
        if k not in uniforms or uniforms[k].type != "float":
            allowed = sorted(n for n, u in uniforms.items() if u.type == "float")
            raise chk.fail((*kp, "ramp", k), f"not a float uniform (allowed: {', '.join(allowed)})")
        if not isinstance(v, list) or len(v) != 2 or not all(_is_num(x) for x in v):
            raise chk.fail((*kp, "ramp", k), f"must be [start, end] numbers, got {v!r}")
        try:
            uniforms[k].check(v[0])
            uniforms[k].check(v[1])
        except (TypeError, ValueError) as exc:
            raise chk.fail((*kp, "ramp", k), str(exc)) from None
        ramp[k] = (float(v[0]), float(v[1]))
    set_raw = e.get("set", {})
    if not isinstance(set_raw, dict):
        raise chk.fail((*kp, "set"), "must be a table of uniform = value")
    sets = {}
    for k, v in set_raw.items():
        if k not in uniforms:
            raise chk.fail((*kp, "set", k), "unknown uniform")
        try:
            sets[k] = uniforms[k].check(v)
        except (TypeError, ValueError) as exc:
            raise chk.fail((*kp, "set", k), str(exc)) from None
    per = {}
    for k in ("frames_per_year", "frames_per_day"):
        v = e.get(k)
        if v is not None and (not _is_num(v) or v <= 0):
            raise chk.fail((*kp, k), f"must be a positive number, got {v!r}")
        per[k] = float(v) if v is not None else None
    return Epoch(
        name=e["name"],
        frames=frames,
        years=(float(years[0]), float(years[1])),
        stages=tuple(stages),
        steps_per_frame=spf,
        ramp=ramp,
        set=sets,
        **per,
    )
