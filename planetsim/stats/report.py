"""The stats JSON document: every figure of every moment, the Earth reference used beside
them, and where the planet came from. nan (a figure that could not be measured) is null."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..analysis.earth import EarthReference, GridLike, load_earth
from ..core.outfiles import write_text
from .table import ROWS, earth_figure, moment_label

FORMAT = "planetsim-stats"
FORMAT_VERSION = 1
CURVES = ("hypsometry", "zonal_precipitation", "landmasses")


def plain(v: Any) -> Any:
    """JSON-safe: nan and infinities become None, tuples lists, numpy scalars Python's."""
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def earth_used(grid: GridLike | None, ref: EarthReference | None = None) -> dict[str, Any]:
    """Earth's figures (on this grid) for every statistic of the table, and the curves of the
    report card, with units, sources and notes."""
    ref = ref or load_earth()
    stats: dict[str, Any] = {}
    for r in ROWS:
        fig = earth_figure(ref, r.key, grid)
        if fig is None:
            continue
        stats[r.key] = {
            "value": fig.value,
            "range": list(fig.range) if fig.range else None,
            "units": ref.stat(r.key).units,
            "source": fig.source,
            "note": fig.note,
        }
    curves = {}
    for name in CURVES:
        c = ref.curve(name)
        curves[name] = {
            "x_label": c.x_label,
            "x_edges": c.x_edges.tolist(),
            "y_label": c.y_label,
            **{k: y.tolist() for k, y in c.y.items()},
            "source": c.source,
            "note": c.note,
        }
    return {"stats": stats, "curves": curves}


def stats_document(
    columns: Sequence[dict[str, Any]],
    *,
    provenance: dict[str, Any],
    source: dict[str, Any],
    grid: GridLike | None,
    earth: EarthReference | None = None,
) -> dict[str, Any]:
    """The JSON document of one stats run: provenance (planetsim version, preset, seed,
    grid, renderer), what was measured (story, checkpoint or snapshot), the moments and
    their figures, and Earth's reference."""
    return plain(
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "provenance": provenance,
            "source": source,
            "moments": [moment_label(c) for c in columns],
            "figures": list(columns),
            "earth": earth_used(grid, earth),
        }
    )


def write_json(path: str | Path, document: dict[str, Any]) -> None:
    """Write atomically (the caller has checked that it may)."""
    write_text(Path(path), json.dumps(document, indent=1, allow_nan=False) + "\n")
