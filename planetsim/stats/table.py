"""The stats table: one row per statistic, one column per moment, Earth beside it.

    print(format_table([figures_a, figures_b], grid=(256, 128)))

Columns: statistic (with its display unit), this planet at each moment (a mark after each
value: inside Earth's range or not, none where Earth has no range), Earth (value, range),
and Earth's source in short (the full sources are in earth.toml and the JSON). The
grid-dependent figures (coastline index, landmasses) use Earth's figure on this grid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..analysis.biomes import BIOMES
from ..analysis.climate import EARTH_PRECIP_BANDS, KOPPEN_CLASSES
from ..analysis.earth import EarthReference, Figure, GridLike, load_earth
from .measure import band_key

INSIDE, OUTSIDE = "✓", "✗"
ASCII_MARKS = {"✓": "+", "✗": "x", "–": "-", "°": " deg ", "θ": "theta", "ö": "o"}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    kind: str  # display: pct, m, count, num, num2, myr, mm, c, ppm, people
    source: str = ""  # Earth's source, short
    climate: bool = False  # of the climate arrays: marked when they are of one moment


_KIND = {  # scale, decimals
    "pct": (100.0, 1),
    "m": (1.0, 0),
    "count": (1.0, 0),
    "num": (1.0, 1),
    "num2": (1.0, 2),
    "myr": (1.0, 0),
    "mm": (1.0, 0),
    "c": (1.0, 1),
    "ppm": (1.0, 0),
    "people": (1e-9, 3),  # 3 significant digits
    "kgm2": (1.0, 1),
}

_GLOBE = "GLOBE mask (benchmark)"
_PEEL = "Peel et al. 2007"
_GPCP = "GPCP (Adler 2003, 2018)"

SECTIONS: tuple[tuple[str, tuple[Row, ...]], ...] = (
    ("Land and sea", (
        Row("land_fraction", "Land fraction (%)", "pct", "ETOPO5; GLOBE"),
        Row("landmass_count", "Landmasses (count)", "count", _GLOBE),
        Row("largest_landmass_share", "Largest landmass (% of land)", "pct", _GLOBE),
        Row("four_largest_share", "Four largest landmasses (% of land)", "pct", _GLOBE),
        Row("coastline_index", "Coastline index (edges/sqrt cells)", "num", "issue 14; GLOBE"),
    )),
    ("Hypsometry", (
        Row("land_mode_m", "Land mode (m)", "m", "ETOPO5 (Dutch)"),
        Row("ocean_floor_mode_m", "Ocean-floor mode (m)", "m", "ETOPO5; ETOPO1"),
        Row("mean_land_height_m", "Mean land height (m)", "m", "hypsographic curve"),
        Row("mean_ocean_depth_m", "Mean ocean depth (m)", "m", "Charette & Smith 2010"),
        Row("share_below_2km", "Surface below -2 km (%)", "pct", "ETOPO5 (Dutch)"),
        Row("share_below_4km", "Surface below -4 km (%)", "pct", "ETOPO5 (Dutch)"),
        Row("highest_m", "Highest cell (m)", "m", "Everest (a summit)"),
    )),
    ("Ocean floor", (
        Row("seafloor_mean_age_myr", "Mean sea-floor age (Myr)", "myr", "Mueller et al. 2008"),
        Row("seafloor_p99_age_myr", "99th-percentile age (Myr)", "myr", "Mueller et al. 2008"),
        Row("continental_crust_share", "Continental crust (% of surface)", "pct", "Cogley 1984"),
        Row("high_land_near_orogens", "Land > 3 km by orogens (%)", "pct", "issue 15"),
    )),
    ("Rivers", (
        Row("largest_basin_share", "Largest basin (% of land)", "pct", "Amazon"),
        Row("second_basin_share", "Second basin (% of land)", "pct", "Congo"),
        Row("third_basin_share", "Third basin (% of land)", "pct", "Nile"),
        Row("basins_over_half_percent", "Basins over 0.5 % of land", "count", "GRDC; issue 14"),
        Row("concavity", "Concavity θ (Flint)", "num2", "Flint 1974; Whipple 2004"),
        Row("hack_exponent", "Hack exponent h", "num2", "Hack 1957; Rigon 1996"),
        Row("endorheic_share", "Closed basins (% of land)", "pct", "Wang et al. 2018",
            climate=True),
    )),
    ("Climate", (
        Row("mean_temperature_c", "Mean temperature (°C)", "c", "Jones et al. 1999", True),
        Row("mean_precipitation_mm_yr", "Mean precipitation (mm/yr)", "mm", _GPCP, True),
        *(Row(band_key(lo, hi), f"Precipitation {lo:.0f}–{hi:.0f}° (mm/yr)", "mm", _GPCP, True)
          for lo, hi in EARTH_PRECIP_BANDS),
        Row("mean_cloud_cover", "Cloud cover (%)", "pct", "MODIS (King 2013)", True),
        Row("cloud_cover_sea", "Cloud cover over sea (%)", "pct", "MODIS (King 2013)", True),
        Row("cloud_cover_land", "Cloud cover over land (%)", "pct", "MODIS (King 2013)", True),
        Row("mean_vapour_kg_m2", "Water vapour (kg/m²)", "kgm2", "Trenberth 2005", True),
        *(Row(f"koppen_{c}", f"Köppen {c} (% of land)", "pct", _PEEL, True)
          for c in KOPPEN_CLASSES),
    )),
    ("Life and people", (
        Row("vegetated_share", "Vegetated land (%)", "pct"),
        *(Row(f"biome_{b}", f"Biome {b} (% of land)", "pct", climate=True) for b in BIOMES),
        Row("people", "People (billion)", "people", "UN WPP 2022 (today)"),
        Row("mean_co2_ppm", "CO2 (ppm)", "ppm", "IPCC AR6 (1750)"),
        Row("carbon_burnt_share", "Fossil reserve burnt (%)", "pct"),
        Row("warming_since_people_c", "Warming since people (K)", "num2",
            "IPCC AR6 (since 1850-1900)", True),
    )),
)  # fmt: skip
ROWS: tuple[Row, ...] = tuple(r for _, rows in SECTIONS for r in rows)


def format_number(v: Any, kind: str) -> str:
    """A figure in its display unit (percent for shares, people in billions, ...)."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "n/a"
    scale, decimals = _KIND[kind]
    x = float(v) * scale
    text = f"{x:.3g}" if kind == "people" else f"{x:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text  # no "-0.0"


def format_earth(fig: Figure | None, kind: str) -> str:
    if fig is None:
        return ""
    rng = ""
    if fig.range is not None:
        lo, hi = (format_number(x, kind) for x in fig.range)
        rng = f"{lo} to {hi}" if fig.range[0] < 0 else f"{lo}–{hi}"
    if fig.value is None:
        return rng
    val = format_number(fig.value, kind)
    return f"{val} ({rng})" if rng else val


def earth_figure(ref: EarthReference, key: str, grid: GridLike | None) -> Figure | None:
    """Earth's figure for a statistic on this grid, None where Earth has none (also where
    a grid-dependent statistic has no figure for this grid)."""
    if key not in ref.stats:
        return None
    fig = ref.figure(key, grid)
    return fig if fig.value is not None or fig.range is not None else None


def moment_label(figures: dict[str, Any]) -> str:
    return str(figures.get("year_label") or figures.get("label") or f"frame {figures.get('frame')}")


def format_table(
    columns: Sequence[dict[str, Any]],
    *,
    grid: GridLike | None = None,
    earth: EarthReference | None = None,
    ascii_only: bool = False,
) -> str:
    """The table of one or more measure() results (one column each, in the given order)."""
    ref = earth or load_earth()
    if grid is None and columns and "grid" in columns[0]:
        w, h = columns[0]["grid"]
        grid = (int(w), int(h))
    moment_climate = any(c.get("climate") == "moment" for c in columns)
    heads = ["Statistic", *(moment_label(c) for c in columns), "Earth", "Earth's source"]
    body: list[list[str] | str] = []
    reasons: dict[str, list[str]] = {}
    for section, rows in SECTIONS:
        body.append(section)
        for r in rows:
            fig = earth_figure(ref, r.key, grid)
            label = r.label + (" *" if r.climate and moment_climate else "")
            cells = [label]
            for c in columns:
                v = c.get(r.key)
                text = format_number(v, r.kind)
                if text == "n/a":
                    why = c.get("missing", {}).get(r.key)
                    if why:
                        reasons.setdefault(why, []).append(r.label.split(" (")[0])
                elif fig is not None and (inside := fig.inside(float(v or 0.0))) is not None:
                    text += " " + (INSIDE if inside else OUTSIDE)
                cells.append(text)
            cells += [format_earth(fig, r.kind), r.source if fig is not None else ""]
            body.append(cells)
    widths = [len(h) for h in heads]
    for row in body:
        if isinstance(row, list):
            widths = [max(w, len(x)) for w, x in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [cells[0].ljust(widths[0])]
        parts += [x.rjust(w) for x, w in zip(cells[1:-2], widths[1:-2], strict=True)]
        parts += [cells[-2].rjust(widths[-2]), cells[-1].ljust(widths[-1])]
        return "  ".join(parts).rstrip()

    out = [line(heads), "  ".join("-" * w for w in widths)]
    for row in body:
        out.append(line(row) if isinstance(row, list) else f"[{row}]")
    out.append("")
    out.append(f"{INSIDE} inside Earth's range, {OUTSIDE} outside; no mark: Earth has no range.")
    if moment_climate:
        out.append("* climate of one moment (a snapshot), not an annual mean over the seasons.")
    for why, labels in reasons.items():
        out.append(f"n/a: {', '.join(dict.fromkeys(labels))}: {why}.")
    text = "\n".join(out) + "\n"
    if ascii_only:
        for k, v in ASCII_MARKS.items():
            text = text.replace(k, v)
        text = text.replace("²", "2").encode("ascii", "replace").decode()
    return text
