"""The report card (`planetsim stats --png`): one figure of six panels, each moment beside
Earth. Drawn with matplotlib (the optional extra `plots`), from measure() results alone.

    hypsometric curve          elevation per 1 km band       zonal-mean precipitation
    landmass sizes             river slope vs drained area   Koppen main classes
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.climate import KOPPEN_CLASSES
from ..analysis.earth import EarthReference, load_earth
from ..core.errors import PlanetsimError
from ..core.outfiles import write_bytes
from .table import moment_label

EARTH_COLOUR = "0.25"
INSTALL_HINT = "pip install 'planetsim[plots]'"


class PlotsUnavailable(PlanetsimError):
    """matplotlib is not installed (one line, exit 2)."""


def require_matplotlib() -> None:
    """Raise PlotsUnavailable (one line with the install command) without matplotlib."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PlotsUnavailable(f"--png needs matplotlib: {INSTALL_HINT}") from None


def _colours(n: int) -> list[Any]:
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    return [cmap(0.15 + 0.7 * i / max(n - 1, 1)) for i in range(n)] if n > 1 else ["tab:blue"]


STYLES = ("-", "--", ":", "-.")  # one per moment, so equal curves stay visible


def _style(i: int) -> str:
    return STYLES[i % len(STYLES)]


def _cumulative(edges: np.ndarray, share: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(edges, fraction of the surface at or below each edge)."""
    return edges, np.concatenate([[0.0], np.cumsum(share)])


def _no_data(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.4")


def _hypsometric(ax: Any, cols: Sequence[dict[str, Any]], colours: list[Any], ref: Any) -> None:
    c = ref.curve("hypsometry")
    z, below = _cumulative(c.x_edges, c.y["y"] / c.y["y"].sum())
    ax.plot(100 * (1 - below), z / 1000, color=EARTH_COLOUR, lw=2.5, label="Earth (ETOPO5)")
    for i, (col, colour) in enumerate(zip(cols, colours, strict=True)):
        if col.get("hypsometry_share"):
            z, below = _cumulative(np.asarray(col["hypsometry_edges_m"]),
                                   np.asarray(col["hypsometry_share"]))  # fmt: skip
            ax.plot(100 * (1 - below), z / 1000, _style(i), color=colour, lw=1.8,
                    label=moment_label(col))  # fmt: skip
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set(xlabel="% of the surface higher", ylabel="elevation above sea level, km",
           title="Hypsometric curve", xlim=(0, 100))  # fmt: skip


def _bands(ax: Any, cols: Sequence[dict[str, Any]], colours: list[Any], ref: Any) -> None:
    c = ref.curve("hypsometry")
    edges = c.x_edges
    mids = 0.5 * (edges[1:] + edges[:-1]) / 1000
    height = np.diff(edges) / 1000
    ax.barh(mids, c.y["y"], height=height * 0.9, color="0.8", label="Earth (ETOPO5)")
    for i, (col, colour) in enumerate(zip(cols, colours, strict=True)):
        if not col.get("hypsometry_share"):
            continue
        z, below = _cumulative(np.asarray(col["hypsometry_edges_m"]),
                               np.asarray(col["hypsometry_share"]))  # fmt: skip
        share = np.diff(np.interp(edges, z, below, left=0.0, right=1.0)) * 100
        ax.stairs(share, edges / 1000, orientation="horizontal", color=colour, lw=1.8,
                  linestyle=_style(i), label=moment_label(col))  # fmt: skip
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set(xlabel="% of the surface in the band", ylabel="elevation above sea level, km",
           title="Elevation, 1 km bands")  # fmt: skip


def _precipitation(ax: Any, cols: Sequence[dict[str, Any]], colours: list[Any], ref: Any) -> None:
    c = ref.curve("zonal_precipitation")
    e = c.x_edges
    lo, hi = (np.append(c.y[k], c.y[k][-1]) for k in ("y_lo", "y_hi"))
    ax.fill_between(e, lo, hi, step="post", color="0.8", label="Earth (GPCP range)")
    for i, (col, colour) in enumerate(zip(cols, colours, strict=True)):
        if col.get("zonal_precip_mm_yr"):
            p = np.asarray(col["zonal_precip_mm_yr"], dtype=float)
            label = moment_label(col) + (" (moment)" if col.get("climate") == "moment" else "")
            ax.stairs(p, np.asarray(col["zonal_precip_edges_deg"]), color=colour, lw=1.8,
                      linestyle=_style(i), label=label)  # fmt: skip
    ax.set(xlabel="|latitude|, degrees (both hemispheres)", ylabel="precipitation, mm/yr",
           title="Zonal-mean precipitation", xlim=(0, 90))  # fmt: skip


def _landmasses(ax: Any, cols: Sequence[dict[str, Any]], colours: list[Any], ref: Any) -> None:
    c = ref.curve("landmasses")
    rank = 0.5 * (c.x_edges[1:] + c.x_edges[:-1])
    ax.plot(rank, c.y["y"], "s", color=EARTH_COLOUR, ms=6, label="Earth's landmasses")
    for i, (col, colour) in enumerate(zip(cols, colours, strict=True)):
        s = np.asarray(col.get("landmass_shares", []), dtype=float) * 100
        if s.size:
            ax.plot(np.arange(1, s.size + 1), s, "o" + _style(i), color=colour, lw=1.4,
                    ms=7 - 2 * (i % 3), label=moment_label(col))  # fmt: skip
    ax.set_yscale("log")
    ax.set(xlabel="landmass rank, largest first", ylabel="% of land area",
           title="Landmass sizes", xticks=range(1, 11))  # fmt: skip


def _slope_area(ax: Any, cols: Sequence[dict[str, Any]], colours: list[Any]) -> None:
    drawn = False
    n = len(cols)
    for i, (col, colour) in enumerate(zip(cols, colours, strict=True)):
        a = np.asarray(col.get("slope_area_km2", []), dtype=float)
        if not a.size:
            continue
        drawn = True
        shift = 10 ** (0.03 * (i - (n - 1) / 2))  # side by side, so equal bins stay visible
        med = np.asarray(col["slope_area_median"])
        err = [med - np.asarray(col["slope_area_p10"]), np.asarray(col["slope_area_p90"]) - med]
        ax.errorbar(a * shift, med, yerr=err, fmt="o", color=colour, ms=4, lw=0.8, capsize=2,
                    label=f"{moment_label(col)}: median, 10-90 %")  # fmt: skip
        theta, k = col.get("concavity"), col.get("flint_log10_k")
        if theta is not None and k is not None and math.isfinite(theta) and math.isfinite(k):
            x = np.array([a.min(), a.max()])
            ax.plot(x, 10**k * x ** (-theta), _style(i + 1), color=colour, lw=1.4,
                    label=f"Flint fit: θ = {theta:.2f}")  # fmt: skip
    if not drawn:
        _no_data(ax, "no river channels")
        return
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set(xlabel="drained area, km²", ylabel="channel slope, m/m",
           title="River slope vs drained area (Earth θ 0.4-0.6)")  # fmt: skip


def _koppen(ax: Any, cols: Sequence[dict[str, Any]], colours: list[Any], ref: Any) -> None:
    def known(c: dict[str, Any]) -> bool:
        return all(math.isfinite(c.get(f"koppen_{x}") or math.nan) for x in KOPPEN_CLASSES)

    have = [(c, k) for c, k in zip(cols, colours, strict=True) if known(c)]
    groups = [("Earth (Peel 2007)", [ref.value(f"koppen_{x}") for x in KOPPEN_CLASSES], "0.6")]
    groups += [(moment_label(c), [c[f"koppen_{x}"] for x in KOPPEN_CLASSES], k) for c, k in have]
    width = 0.8 / len(groups)
    x = np.arange(len(KOPPEN_CLASSES))
    for i, (label, shares, colour) in enumerate(groups):
        ax.bar(x + (i - (len(groups) - 1) / 2) * width, 100 * np.asarray(shares, dtype=float),
               width=width, color=colour, label=label)  # fmt: skip
    ax.set_xticks(x, ["A tropical", "B arid", "C temperate", "D cold", "E polar"])
    ax.set(ylabel="% of land", title="Köppen main classes")
    if len(have) < len(cols):
        _no_data(ax, "\n\nn/a for a snapshot:\nneeds 12 monthly means")


def report_card(
    columns: Sequence[dict[str, Any]],
    path: str | Path,
    *,
    title: str,
    earth: EarthReference | None = None,
) -> Path:
    """Draw the report card of measure() results (one per moment) and write it as a PNG
    (atomically; the caller has checked that it may)."""
    require_matplotlib()
    import matplotlib

    matplotlib.use("Agg")  # no display: pictures only
    import matplotlib.pyplot as plt

    ref = earth or load_earth()
    colours = _colours(len(columns))
    fig, axes = plt.subplots(2, 3, figsize=(16, 9.5), dpi=100)
    try:
        _hypsometric(axes[0, 0], columns, colours, ref)
        _bands(axes[0, 1], columns, colours, ref)
        _precipitation(axes[0, 2], columns, colours, ref)
        _landmasses(axes[1, 0], columns, colours, ref)
        _slope_area(axes[1, 1], columns, colours)
        _koppen(axes[1, 2], columns, colours, ref)
        for ax in axes.flat:
            ax.grid(True, color="0.9", lw=0.6)
            ax.set_axisbelow(True)
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=8, loc="best", framealpha=0.85)
        fig.suptitle(title, fontsize=13)
        fig.tight_layout(rect=(0, 0, 1, 0.96))
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    finally:
        plt.close(fig)
    path = Path(path)
    write_bytes(path, buf.getvalue())
    return path


def card_title(preset: str, seed: Any, grid: Sequence[int], moments: Sequence[str]) -> str:
    """The card's title: preset, seed ("?" when unknown), grid and moments."""
    w, h = grid
    seed = "?" if seed is None else seed
    return f"planetsim stats: preset {preset}, seed {seed}, grid {w}×{h}, at {', '.join(moments)}"
