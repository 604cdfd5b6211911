"""The figures of a planet, as a flat dict of plain numbers (and a few small lists for the
report card), computed by planetsim.analysis on plain arrays.

    figures = measure(sim)                 # the planet now; sim is left as it was
    figures = measure_arrays(arrays)       # any PlanetArrays (planetsim's or not)

Keys are those of planetsim/analysis/earth.toml where Earth has a figure. Shares are
fractions 0..1, heights m, ages Myr, precipitation mm/yr, temperatures C. A figure that
cannot be measured is nan, and `missing` (a dict) says why.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..analysis import (
    EARTH_PRECIP_BANDS,
    KOPPEN_CLASSES,
    climate_stats,
    coastline_index,
    global_mean,
    hypsometry,
    land_fraction,
    landmasses,
    river_stats,
    route,
    seafloor_age,
    zonal_mean_profile,
)
from ..analysis.biomes import BIOMES, VEGETATED_COVER, biome_shares, vegetated_share
from ..analysis.rivers import slope_area
from ..analysis.tectonics import continental_share, high_land_near_orogens
from .arrays import PlanetArrays, read_arrays
from .seasons import SPINUP_MONTHS, STEPS_PER_MONTH, SeasonalClimate, seasonal_cycle

if TYPE_CHECKING:
    from ..core.simulation import Simulation

NAN = float("nan")
TOP = 10  # landmasses and basins listed for the report card


def band_key(lo: float, hi: float) -> str:
    return f"precip_band_{lo:.0f}_{hi:.0f}"


def with_climate(arrays: PlanetArrays, cycle: SeasonalClimate) -> PlanetArrays:
    """The arrays with the climate replaced by a seasonal cycle's annual and monthly means."""
    return dataclasses.replace(
        arrays,
        temperature_c=cycle.temperature_c,
        precipitation_mm_yr=cycle.precipitation_mm_yr,
        cloud_cover=cycle.cloud_cover,
        vapour_kg_m2=cycle.vapour_kg_m2,
        temperature_monthly_c=cycle.temperature_monthly_c,
        precipitation_monthly_mm_yr=cycle.precipitation_monthly_mm_yr,
        climate="annual",
    )


def _f(v: Any) -> float:
    return float(v) if v is not None else NAN


def _land_and_sea(a: PlanetArrays, land: np.ndarray, out: dict[str, Any]) -> None:
    g = a.grid
    lm = landmasses(land, g)
    out["land_fraction"] = land_fraction(land, g)
    out["landmass_count"] = lm.count
    out["largest_landmass_share"] = lm.largest_share
    out["four_largest_share"] = lm.four_largest_share
    out["coastline_index"] = coastline_index(land)
    total = lm.land_area_m2
    out["landmass_shares"] = [float(x / total) for x in lm.areas_m2[:TOP]] if total > 0 else []

    h = hypsometry(a.elevation_m, g, a.sea_level_m)
    for k in ("land_mode_m", "ocean_floor_mode_m", "mean_land_height_m", "mean_ocean_depth_m",
              "share_below_2km", "share_below_4km", "highest_m", "deepest_m"):  # fmt: skip
        out[k] = float(getattr(h, k))
    keep = h.share > 0  # the histogram's edges span every elevation; drop empty bins' ends
    lo, hi = int(np.argmax(keep)), len(keep) - int(np.argmax(keep[::-1]))
    out["hypsometry_edges_m"] = [float(x) for x in h.edges_m[lo : hi + 1]]
    out["hypsometry_share"] = [float(x) for x in h.share[lo:hi]]

    if a.crust_age_myr is not None:
        age = seafloor_age(a.crust_age_myr, a.elevation_m, g, a.sea_level_m)
        out["seafloor_mean_age_myr"] = age.mean_myr
        out["seafloor_p99_age_myr"] = age.p99_myr
    if a.crust_thickness_km is not None:
        out["continental_crust_share"] = continental_share(a.crust_thickness_km, g)
    if a.margin_km is not None and a.collision_age_myr is not None:
        out["high_land_near_orogens"] = high_land_near_orogens(
            a.elevation_m, a.sea_level_m, a.margin_km, a.collision_age_myr, g
        )


def _rivers(a: PlanetArrays, out: dict[str, Any], missing: dict[str, str]) -> None:
    g = a.grid
    routing = route(a.elevation_m, g, a.sea_level_m)
    rs = river_stats(routing, a.precipitation_mm_yr, a.temperature_c, top=TOP)
    shares = [float(x) for x in rs.largest_basin_shares]
    for i, k in enumerate(("largest_basin_share", "second_basin_share", "third_basin_share")):
        out[k] = shares[i] if i < len(shares) else NAN
    out["basin_shares"] = shares
    out["basins_over_half_percent"] = rs.basins_over_half_percent
    out["concavity"] = rs.concavity
    out["hack_exponent"] = rs.hack_exponent
    out["endorheic_share"] = rs.endorheic_share
    if math.isnan(rs.endorheic_share) and a.precipitation_mm_yr is None:
        missing["endorheic_share"] = "needs precipitation and temperature"
    sa = slope_area(routing)
    out["flint_log10_k"] = sa.log10_k
    out["slope_area_km2"] = sa.area_km2.tolist()
    out["slope_area_median"] = sa.median_slope.tolist()
    out["slope_area_p10"] = sa.p10_slope.tolist()
    out["slope_area_p90"] = sa.p90_slope.tolist()


def _climate(
    a: PlanetArrays, land: np.ndarray, out: dict[str, Any], missing: dict[str, str]
) -> None:
    g = a.grid
    cs = climate_stats(
        a.temperature_c,
        a.precipitation_mm_yr,
        a.cloud_cover,
        a.temperature_monthly_c,
        a.precipitation_monthly_mm_yr,
        land,
        g,
        precip_unit="mm/yr",
    )
    out["climate"] = a.climate
    out["mean_temperature_c"] = cs.mean_temperature_c
    out["mean_precipitation_mm_yr"] = cs.mean_precipitation_mm_yr
    for lo, hi in EARTH_PRECIP_BANDS:
        out[band_key(lo, hi)] = cs.band_precipitation_mm_yr.get((lo, hi), NAN)
    out["mean_cloud_cover"] = cs.mean_cloud_cover
    for key, where in (("cloud_cover_sea", ~land), ("cloud_cover_land", land)):
        weight = np.broadcast_to(g.area_weight, land.shape) * where
        ok = a.cloud_cover is not None and weight.sum() > 0
        out[key] = float((a.cloud_cover * weight).sum() / weight.sum()) if ok else NAN
    out["mean_vapour_kg_m2"] = NAN if a.vapour_kg_m2 is None else global_mean(a.vapour_kg_m2, g)
    for c in KOPPEN_CLASSES:
        out[f"koppen_{c}"] = cs.koppen_shares.get(c, NAN)
    if not cs.koppen_shares:
        why = "needs 12 monthly means; these climate arrays are one moment"
        missing.update({f"koppen_{c}": why for c in KOPPEN_CLASSES})
    if a.precipitation_mm_yr is not None:
        edges, prof = zonal_mean_profile(a.precipitation_mm_yr, g, 10.0, fold_hemispheres=True)
        out["zonal_precip_edges_deg"] = edges.tolist()
        out["zonal_precip_mm_yr"] = prof.tolist()
    if a.temperature_c is not None and a.precipitation_mm_yr is not None:
        for b, share in biome_shares(a.temperature_c, a.precipitation_mm_yr, land, g).items():
            out[f"biome_{b}"] = share


def measure_arrays(
    arrays: PlanetArrays,
    *,
    plants_full: float = 0.5,
    people_appeared: bool | None = None,
    carbon_at_people_gtc: float | None = None,
    temperature_at_people_c: float | None = None,
    unknown_baseline: str = "the temperature when people appeared is not known",
) -> dict[str, Any]:
    """Every figure of one planet. `plants_full` is the views' full plant cover (0.5 x
    life_capacity); people_appeared (None: judged by whether anyone lives), the buried
    carbon and the annual mean temperature when they appeared give the share of the fossil
    reserve burnt and the warming since (nan, with the reason in `missing`, if unknown)."""
    a = arrays
    g = a.grid
    land = a.land
    out: dict[str, Any] = {"sea_level_m": float(a.sea_level_m), "grid": [g.width, g.height]}
    missing: dict[str, str] = {}
    _land_and_sea(a, land, out)
    _rivers(a, out, missing)
    _climate(a, land, out, missing)

    if a.plants is not None:
        out["vegetated_share"] = vegetated_share(a.plants, land, g, plants_full)
        out["vegetated_threshold_plants"] = VEGETATED_COVER * plants_full
    area_km2 = g.cell_area_m2 / 1e6
    people = NAN if a.people_per_km2 is None else float((a.people_per_km2 * area_km2).sum())
    out["people"] = people
    out["mean_co2_ppm"] = NAN if a.co2_ppm is None else global_mean(a.co2_ppm, g)
    appeared = people_appeared if people_appeared is not None else people > 0
    out["people_appeared"] = bool(appeared)
    carbon = NAN if a.buried_carbon_gtc is None else float(a.buried_carbon_gtc.sum())
    out["buried_carbon_gtc"] = carbon
    out["carbon_burnt_share"] = NAN
    out["warming_since_people_c"] = NAN
    if not appeared:
        missing["carbon_burnt_share"] = "people have not appeared yet"
        missing["warming_since_people_c"] = "people have not appeared yet"
    else:
        if carbon_at_people_gtc and carbon_at_people_gtc > 0 and not math.isnan(carbon):
            out["carbon_burnt_share"] = 1.0 - carbon / carbon_at_people_gtc
        else:
            missing["carbon_burnt_share"] = "the fossil reserve when people appeared is unknown"
        t = out.get("mean_temperature_c", NAN)
        if temperature_at_people_c is not None and not math.isnan(t):
            out["warming_since_people_c"] = t - temperature_at_people_c
            out["temperature_at_people_c"] = temperature_at_people_c
        else:
            missing["warming_since_people_c"] = unknown_baseline
    for k, v in out.items():
        if isinstance(v, float) and math.isnan(v) and k not in missing:
            missing[k] = "no data for it (empty land, sea, rivers or field)"
    out["missing"] = missing
    return out


@dataclass
class StoryNotes:
    """What stats notes while it runs a story itself, on the first frame after people appear
    (no readback on any other frame): the annual mean temperature (a seasonal cycle when
    seasonal, else the moment's global mean) and the buried carbon then."""

    seasonal: bool = True
    steps_per_month: int = STEPS_PER_MONTH
    spinup_months: float = SPINUP_MONTHS
    people_frame: int | None = None
    people_year: float | None = None
    temperature_at_people_c: float | None = None
    carbon_at_people_gtc: float | None = None

    def observe(self, sim: Simulation) -> None:
        """Call after each frame of the story."""
        if self.people_frame is not None or not sim.values.get("people_appeared", False):
            return
        self.people_frame, self.people_year = sim.frame, sim.year
        if self.seasonal:
            cyc = seasonal_cycle(
                sim, steps_per_month=self.steps_per_month, spinup_months=self.spinup_months
            )
            temp = cyc.temperature_c
        else:
            temp = sim.field("air").read()[..., 1].astype(np.float64)
        self.temperature_at_people_c = global_mean(temp, sim.grid)
        civ = sim.field("civ").read()
        self.carbon_at_people_gtc = float(civ[..., 1].astype(np.float64).sum())


def measure(
    sim: Simulation,
    *,
    seasonal: bool = True,
    steps_per_month: int = STEPS_PER_MONTH,
    spinup_months: float = SPINUP_MONTHS,
    notes: StoryNotes | None = None,
) -> dict[str, Any]:
    """The figures of sim's planet now, without changing the simulation. With `seasonal`
    the climate figures are annual means of a seasonal cycle (seasons.seasonal_cycle),
    otherwise those of this moment (no Koppen). `notes` from a story stats ran itself give
    the warming since people appeared; without them it is unknown."""
    arrays = read_arrays(sim)
    cycle = None
    if seasonal:
        cycle = seasonal_cycle(sim, steps_per_month=steps_per_month, spinup_months=spinup_months)
        arrays = with_climate(arrays, cycle)
    v = sim.values
    appeared = bool(v.get("people_appeared", False))
    carbon = notes.carbon_at_people_gtc if notes is not None else None
    if carbon is None and float(v.get("carbon_reserve", 0.0)) > 0:
        carbon = float(v["carbon_reserve"])  # the people stage set the reserve to this
    baseline = notes.temperature_at_people_c if notes is not None else None
    why = (
        "people appeared before the story stats ran"
        if notes is not None
        else "unknown from a saved state: the temperature when people appeared is noted only "
        "when stats runs the story itself"
    )
    out = measure_arrays(
        arrays,
        plants_full=0.5 * float(v.get("life_capacity", 1.0)),
        people_appeared=appeared,
        carbon_at_people_gtc=carbon,
        temperature_at_people_c=baseline,
        unknown_baseline=why,
    )
    out.update(frame=sim.frame, year=float(sim.year), year_label=sim.year_label,
               epoch=sim.epoch.name)  # fmt: skip
    if notes is not None and notes.people_frame is not None:
        out["people_frame"] = notes.people_frame
    if cycle is not None:
        out["seasonal_steps"] = cycle.steps
        out["seasonal_steps_per_month"] = cycle.steps_per_month
        out["seasonal_spinup_steps"] = cycle.spinup_steps
        out["vapour_step_hours"] = cycle.vapour_step_hours
    return out


__all__ = ["BIOMES", "StoryNotes", "band_key", "measure", "measure_arrays", "with_climate"]
