"""Earth's reference values (earth.toml beside this file) as plain dataclasses.

    ref = load_earth()
    ref.value("coastline_index", grid=(256, 128))   # 31.0
    ref.inside("land_fraction", 0.31)               # False
    ref.curve("hypsometry").x_edges

A statistic has one figure (value, range, source, note) for every grid, and may have figures
for particular grids (keyed "WxH"); a grid without its own figure gets the general one.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .grid import Grid

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser as the tomli package
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

EARTH_TOML = Path(__file__).with_name("earth.toml")

GridLike = Grid | tuple[int, int] | str


def grid_key(grid: GridLike) -> str:
    """ "WxH" for a Grid, a (W, H) pair or a "WxH" string."""
    if isinstance(grid, Grid):
        return f"{grid.width}x{grid.height}"
    if isinstance(grid, str):
        w, h = (int(v) for v in grid.lower().split("x"))
        return f"{w}x{h}"
    w, h = grid
    return f"{int(w)}x{int(h)}"


@dataclass(frozen=True)
class Figure:
    """One reference figure: value and/or [lo, hi] range, with its source."""

    value: float | None
    range: tuple[float, float] | None
    source: str
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)  # e.g. computed_area, computed_centre

    def inside(self, measured: float) -> bool | None:
        """Whether measured lies in [lo, hi]; None when there is no range."""
        if self.range is None:
            return None
        if measured is None or not math.isfinite(measured):
            return False
        return self.range[0] <= measured <= self.range[1]


@dataclass(frozen=True)
class Statistic:
    name: str
    units: str
    general: Figure
    grids: dict[str, Figure]

    def at(self, grid: GridLike | None = None) -> Figure:
        """The figure for this grid if the file has one, else the general figure."""
        if grid is not None:
            fig = self.grids.get(grid_key(grid))
            if fig is not None:
                return fig
        return self.general


@dataclass(frozen=True)
class Curve:
    """A reference curve: bands between x_edges with y per band (y, or y_lo/y_hi ranges)."""

    name: str
    x_label: str
    x_edges: NDArray[np.float64]
    y_label: str
    y: dict[str, NDArray[np.float64]]
    source: str
    note: str = ""


@dataclass(frozen=True)
class EarthReference:
    stats: dict[str, Statistic]
    curves: dict[str, Curve]

    def stat(self, name: str) -> Statistic:
        try:
            return self.stats[name]
        except KeyError:
            raise KeyError(f"no Earth reference for {name!r}") from None

    def figure(self, name: str, grid: GridLike | None = None) -> Figure:
        return self.stat(name).at(grid)

    def value(self, name: str, grid: GridLike | None = None) -> float | None:
        return self.figure(name, grid).value

    def range(self, name: str, grid: GridLike | None = None) -> tuple[float, float] | None:
        return self.figure(name, grid).range

    def inside(self, name: str, measured: float, grid: GridLike | None = None) -> bool | None:
        """Whether a measured figure is inside Earth's range (None: no range to judge by)."""
        return self.figure(name, grid).inside(measured)

    def curve(self, name: str) -> Curve:
        try:
            return self.curves[name]
        except KeyError:
            raise KeyError(f"no Earth curve {name!r}") from None


_FIGURE_KEYS = {"value", "range", "source", "note", "units", "grid"}


def _figure(where: str, t: dict[str, Any], source: str) -> Figure:
    value = t.get("value")
    rng = t.get("range")
    if rng is not None:
        if len(rng) != 2 or not rng[0] <= rng[1]:
            raise ValueError(f"{where}: range must be [lo, hi] with lo <= hi, got {rng}")
        rng = (float(rng[0]), float(rng[1]))
    src = t.get("source", source)
    if not src:
        raise ValueError(f"{where}: no source")
    extra = {k: float(v) for k, v in t.items() if k not in _FIGURE_KEYS}
    return Figure(
        value=None if value is None else float(value),
        range=rng,
        source=str(src),
        note=str(t.get("note", "")),
        extra=extra,
    )


def parse_earth(data: dict[str, Any]) -> EarthReference:
    """Build the reference from parsed TOML (checks: every figure has a source, every range
    is ordered, curves have one y per band)."""
    stats: dict[str, Statistic] = {}
    for name, t in data.get("stat", {}).items():
        general = _figure(f"stat.{name}", t, "")
        grids = {
            grid_key(k): _figure(f"stat.{name}.grid.{k}", g, general.source)
            for k, g in t.get("grid", {}).items()
        }
        stats[name] = Statistic(name, str(t.get("units", "")), general, grids)
    curves: dict[str, Curve] = {}
    for name, t in data.get("curve", {}).items():
        edges = np.asarray(t["x_edges"], dtype=float)
        ys = {
            k: np.asarray(v, dtype=float)
            for k, v in t.items()
            if k == "y" or (k.startswith("y_") and k != "y_label")
        }
        for k, y in ys.items():
            if y.size != edges.size - 1:
                raise ValueError(f"curve.{name}.{k}: {y.size} values for {edges.size - 1} bands")
        if not t.get("source"):
            raise ValueError(f"curve.{name}: no source")
        curves[name] = Curve(
            name=name,
            x_label=str(t.get("x_label", "")),
            x_edges=edges,
            y_label=str(t.get("y_label", "")),
            y=ys,
            source=str(t["source"]),
            note=str(t.get("note", "")),
        )
    return EarthReference(stats, curves)


@lru_cache(maxsize=4)
def load_earth(path: str | Path | None = None) -> EarthReference:
    """Earth's reference values from earth.toml (or another file of the same layout)."""
    with open(EARTH_TOML if path is None else path, "rb") as f:
        return parse_earth(tomllib.load(f))
