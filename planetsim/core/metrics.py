"""Global figures of a planet, area-weighted on the sphere, from field readbacks. Reading the
fields back stalls the GPU, so these are computed only when someone asks (--metrics)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .simulation import Simulation

# Column, units, meaning: the CSV header is the first column of this table.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("frame", "", "story frame"),
    ("year", "yr", "story year (negative: ago)"),
    ("land_fraction", "0..1", "area fraction with elevation above sea level"),
    ("sea_level", "m", "ocean surface in the elevation datum"),
    ("mean_elevation", "m", "area-weighted mean elevation (datum)"),
    ("max_elevation", "m", "highest cell (datum)"),
    ("mean_temperature", "degC", "area-weighted mean surface temperature"),
    ("mean_precipitation", "mm/yr", "area-weighted mean precipitation"),
    ("co2", "ppm", "area-weighted mean CO2"),
    ("plants", "field units", "area-weighted global mean of life.x"),
    ("herbivores", "field units", "area-weighted global mean of life.y"),
    ("carnivores", "field units", "area-weighted global mean of life.z"),
    ("people", "people", "total people (density per km^2 times cell area)"),
    ("emissions", "GtC/yr", "total emission rate (sum over cells)"),
    ("buried_carbon", "GtC", "fossil carbon still in the ground (sum over cells)"),
    ("people_tropics", "0..1", "share of the people within 20 deg of the equator"),
)
NAMES = tuple(c[0] for c in COLUMNS)


def metrics(sim: Simulation) -> dict[str, float]:
    """The planet's global figures now (one readback of each field involved)."""
    g = sim.grid
    w = g.area_weight
    terrain = sim.field("terrain").read()
    air = sim.field("air").read()
    moisture = sim.field("moisture").read()
    life = sim.field("life").read()
    civ = sim.field("civ").read()
    elev = terrain[..., 0].astype(np.float64)
    sea = float(sim.values.get("sea_level", 0.0))
    area_km2 = g.cell_area_m2 / 1e6

    heads = civ[..., 0].astype(np.float64) * area_km2

    def mean(a: np.ndarray) -> float:
        return float((a.astype(np.float64) * w).sum())

    return {
        "frame": sim.frame,
        "year": float(sim.year),
        "land_fraction": float(w[elev > sea].sum()),
        "sea_level": sea,
        "mean_elevation": mean(elev),
        "max_elevation": float(elev.max()),
        "mean_temperature": mean(air[..., 1]),
        "mean_precipitation": mean(moisture[..., 1]),
        "co2": mean(moisture[..., 3]),
        "plants": mean(life[..., 0]),
        "herbivores": mean(life[..., 1]),
        "carnivores": mean(life[..., 2]),
        "people": float(heads.sum()),
        "emissions": float(civ[..., 2].astype(np.float64).sum()),
        "buried_carbon": float(civ[..., 1].astype(np.float64).sum()),
        "people_tropics": float(heads[np.abs(g.lat) < 20].sum() / max(heads.sum(), 1e-30)),
    }


def csv_header() -> str:
    return ",".join(NAMES) + "\n"


def csv_row(m: dict[str, float]) -> str:
    buf = io.StringIO()
    # repr-exact floats: a row read back gives the same numbers.
    csv.writer(buf, lineterminator="\n").writerow([repr(m[k]) for k in NAMES])
    return buf.getvalue()


__all__ = ["COLUMNS", "NAMES", "csv_header", "csv_row", "metrics"]
