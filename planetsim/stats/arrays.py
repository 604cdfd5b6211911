"""The planet as plain numpy arrays: the one place that knows which field channel holds what.

read_arrays(sim) reads a simulation back (one readback per field); arrays_from_fields() does
the same for field arrays from elsewhere (a snapshot's fields.npz, a checkpoint), and
load_snapshot() reads a folder written by `planetsim snapshot`. The measures in
planetsim.stats.measure take a PlanetArrays, so they never touch GL themselves.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from ..analysis.grid import EARTH_RADIUS_M, Grid
from ..core.errors import PlanetsimError

if TYPE_CHECKING:
    from ..core.simulation import Simulation

Array = NDArray[np.float64]
ClimateKind = Literal["moment", "annual"]


class StatsInputError(PlanetsimError):
    """Something stats was asked to measure cannot be read (one line, exit 2)."""


@dataclass(frozen=True)
class PlanetArrays:
    """One planet on the lat/lon grid, (H, W) float64 arrays (row 0 south, x = 0 at -180 deg).
    Only elevation is required; a measure whose arrays are missing gives nan."""

    elevation_m: Array
    sea_level_m: float = 0.0
    radius_m: float = EARTH_RADIUS_M
    crust_age_myr: Array | None = None
    temperature_c: Array | None = None
    precipitation_mm_yr: Array | None = None
    cloud_cover: Array | None = None
    vapour_kg_m2: Array | None = None
    co2_ppm: Array | None = None
    plants: Array | None = None
    people_per_km2: Array | None = None
    buried_carbon_gtc: Array | None = None  # GtC per cell
    # The plates: continental crust thickness (km), distance to an active convergent margin
    # (km), and the age (Myr) of the collision that last thickened the crust (nan: none).
    crust_thickness_km: Array | None = None
    margin_km: Array | None = None
    collision_age_myr: Array | None = None
    # (12, H, W) monthly means, January first, for Koppen (only from a seasonal cycle).
    temperature_monthly_c: Array | None = None
    precipitation_monthly_mm_yr: Array | None = None
    # "annual": the climate arrays are annual means; "moment": one instant of the climate.
    climate: ClimateKind = "moment"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def grid(self) -> Grid:
        h, w = self.elevation_m.shape
        return Grid(w, h, self.radius_m)

    @property
    def land(self) -> NDArray[np.bool_]:
        return self.elevation_m > self.sea_level_m


# The fields stats reads (docs/architecture.md lists their channels).
READ_FIELDS = ("terrain", "air", "moisture", "life", "civ")
# The tectonics stage's fields, where a simulation has them (older snapshots do not).
PLATE_FIELDS = ("orogeny", "plate_aux")
OROGENY_COLLISION = 2  # orogeny code: type * 10000 + Myr since 5 Gyr ago


def _channel(fields: Mapping[str, np.ndarray], name: str, c: int) -> Array | None:
    a = fields.get(name)
    if a is None:
        return None
    return np.asarray(a[..., c], dtype=np.float64)


def _plates(fields: Mapping[str, np.ndarray], year: float | None) -> dict[str, Array | None]:
    """The plate figures' arrays (orogeny, plate_aux; the collision's age needs the year)."""
    out: dict[str, Array | None] = {"margin_km": None, "collision_age_myr": None}
    aux = fields.get("plate_aux")
    if aux is not None:
        a = np.asarray(aux, np.float64)
        out["margin_km"] = np.minimum(np.minimum(a[..., 0], a[..., 1]), a[..., 3])
    oro = fields.get("orogeny")
    if oro is not None and year is not None:
        code = np.asarray(oro, np.float64)[..., 0]
        kind = np.floor(code / 10000.0)
        age = year * 1e-6 + 5000.0 - np.mod(code, 10000.0)
        out["collision_age_myr"] = np.where(kind == OROGENY_COLLISION, age, np.nan)
    return out


def arrays_from_fields(
    fields: Mapping[str, np.ndarray], sea_level_m: float, radius_m: float = EARTH_RADIUS_M,
    year: float | None = None,
) -> PlanetArrays:  # fmt: skip
    """A PlanetArrays from field arrays (H, W, 4) keyed by field name, the channels as
    docs/architecture.md lists them. Only `terrain` is required; `year` (the story's) dates
    the orogeny record."""
    if "terrain" not in fields:
        raise StatsInputError("no 'terrain' field: nothing to measure")
    terrain = np.asarray(fields["terrain"])
    if terrain.ndim != 3 or terrain.shape[2] != 4:
        raise StatsInputError(f"field 'terrain' has shape {terrain.shape}, expected (H, W, 4)")
    for name in READ_FIELDS + PLATE_FIELDS:  # others (the plates' frames) have other sizes
        if name in fields and np.shape(fields[name]) != terrain.shape:
            raise StatsInputError(
                f"field '{name}' has shape {np.shape(fields[name])}, not {terrain.shape}"
            )
    plates = _plates(fields, year)
    return PlanetArrays(
        elevation_m=np.asarray(terrain[..., 0], dtype=np.float64),
        sea_level_m=float(sea_level_m),
        radius_m=float(radius_m),
        crust_age_myr=_channel(fields, "terrain", 3),
        temperature_c=_channel(fields, "air", 1),
        precipitation_mm_yr=_channel(fields, "moisture", 1),
        cloud_cover=_channel(fields, "moisture", 2),
        vapour_kg_m2=_channel(fields, "moisture", 0),
        co2_ppm=_channel(fields, "moisture", 3),
        plants=_channel(fields, "life", 0),
        people_per_km2=_channel(fields, "civ", 0),
        buried_carbon_gtc=_channel(fields, "civ", 1),
        crust_thickness_km=_channel(fields, "terrain", 2) if "orogeny" in fields else None,
        margin_km=plates["margin_km"],
        collision_age_myr=plates["collision_age_myr"],
    )


def read_arrays(sim: Simulation) -> PlanetArrays:
    """The simulation's planet now (one readback of each field stats uses)."""
    names = READ_FIELDS + tuple(n for n in PLATE_FIELDS if n in sim.fields)
    fields = {name: sim.field(name).read() for name in names}
    return arrays_from_fields(
        fields, float(sim.values.get("sea_level", 0.0)), sim.grid.radius, float(sim.year)
    )


# ---- snapshots ------------------------------------------------------------------------------
def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise StatsInputError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise StatsInputError(f"{path} is not a snapshot's JSON object")
    return data


def load_snapshot(folder: str | Path) -> tuple[PlanetArrays, dict[str, Any]]:
    """(arrays, snapshot.json) of a folder written by `planetsim snapshot`; the climate
    arrays are of that moment. StatsInputError says in one line what is wrong."""
    folder = Path(folder)
    if not folder.is_dir():
        raise StatsInputError(f"{folder} is not a snapshot folder")
    npz = folder / "fields.npz"
    if not npz.is_file():
        raise StatsInputError(f"{folder} is not a snapshot folder: no fields.npz in it")
    meta_path = folder / "snapshot.json"
    meta = _read_json(meta_path) if meta_path.is_file() else {}
    try:
        with np.load(npz, allow_pickle=False) as data:
            fields = {k: np.asarray(data[k]) for k in data.files}
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
        raise StatsInputError(f"{npz} is truncated or damaged ({type(exc).__name__})") from None
    hm_path = folder / "heightmap.json"
    hm = _read_json(hm_path) if hm_path.is_file() else {}
    # An older or hand-made snapshot may hold the sea level in heightmap.json only.
    sea = meta.get("sea_level_m", hm.get("sea_level_m", 0.0))
    radius = float(hm.get("radius_m", EARTH_RADIUS_M))
    year = meta.get("year")
    arrays = arrays_from_fields(
        fields, float(sea), radius, float(year) if year is not None else None
    )
    try:
        arrays.grid  # noqa: B018  (the grid's own check: W = 2H, H even)
    except ValueError as exc:
        raise StatsInputError(f"{npz}: {exc}") from None
    return arrays, meta
