"""People: settlement, growth to a carrying capacity, burning of buried carbon, night light
(pass `people`), and the CO2 they emit carried by the wind and mixed over the globe
(pass `carbon`).

People appear once, when the stage runs with `people_on` true: the stage hook picks the most
habitable land cell (one readback, once) unless the preset names `people_origin`, and
rescales the buried carbon to `carbon_reserve` GtC (0 keeps what the life stage buried).
Both passes run every `people_every` sim steps (default 4, within the frame budget) on the
same steps, so what `people` emits `carbon` books; carbon that nobody lives on is mined for
the world's demand (the `market` field, a step behind); rates are per year times
dt = people_every * u_dt, with clamps (named in the shader headers) that keep both yearly and
geological steps stable. Before each step the hook also builds the mipmaps of the scratch
field `carbon_mean`, whose 1x1 level is the exact global mean CO2 the carbon pass mixes to.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.fields import FieldSpec, register_field
from ..core.passes import FieldUse, PassDecl, Stage, Step, Uniform
from ..core.registry import register, register_stage

NO_ORIGIN = (-999.0, -999.0)
PEOPLE_EVERY = Uniform(
    "people_every", "int", 4, "steps", "run people and carbon every N steps (dt = N u_dt)", 1
)

# The mip level whose single texel is a grid-sized field's mean: carbon_mean's and the
# market's alike (the stage hook sets it; -1 on grids that are not powers of two).
MEAN_LOD = Uniform(
    "carbon_mean_lod", "int", -1, "", "mip level of a field's 1x1 mean (hook; -1 none)"
)
MARKET = register_field(
    FieldSpec(
        "market",
        (
            "demand the cell's own mines could not meet, GtC/yr",
            "what the cell's carbon could still give at the extraction limit, GtC/yr",
            "1 + the sim step of the people run that wrote it (tells fresh mipmaps)",
            "(unused)",
        ),
        "the fossil-carbon market: the stage hook builds its mipmaps (1x1: the global means)",
        scratch=True,
    )
)

PEOPLE = PassDecl(
    name="people",
    shader="sim/people.frag",
    stage="people",
    doc="logistic growth to a plant/temperature capacity, spread, burning carbon, night light",
    fields=(
        FieldUse("civ", "inout", "x people/km^2, y carbon GtC, z emission GtC/yr, w light"),
        FieldUse("air", "in", "y temperature, degC: comfort and heat limit"),
        FieldUse("life", "in", "x plants: food; w land mask from the life pass (4 neighbours)"),
        FieldUse("market", "inout", "unmet demand, spare supply (1x1 mip: global means)"),
    ),
    uniforms=(
        PEOPLE_EVERY,
        MEAN_LOD,
        Uniform("people_on", "bool", True, "", "people exist (the story switches them on)"),
        Uniform("people_origin", "vec2", NO_ORIGIN, "deg", "lat, lon of the first people"),
        Uniform("people_seed", "float", 1.0, "1/km^2", "density of the first settlement", 0.0),
        Uniform("people_voyage", "float", 2e-5, "1/yr", "settling of a coastal cell by sea", 0.0),
        Uniform("people_capacity", "float", 100.0, "1/km^2", "capacity at best land", 0.0),
        Uniform("people_plant_ref", "float", 0.5, "plants", "plants for full capacity", 1e-3),
        Uniform("people_growth", "float", 0.03, "1/yr", "logistic growth rate r", 0.0),
        Uniform("people_spread", "float", 2.0e4, "km^2/yr", "migration diffusivity", 0.0),
        Uniform("people_cold", "float", -10.0, "degC", "capacity 0 at and below", None),
        Uniform("people_cool", "float", 5.0, "degC", "full capacity from", None),
        Uniform("people_heat_limit", "float", 35.0, "degC", "survivable limit: capacity 0"),
        Uniform("people_heat_width", "float", 8.0, "degC", "capacity falls over this", 0.1),
        Uniform("people_burn", "float", 2.0, "tC/person/yr", "carbon burnt per person", 0.0),
        Uniform("people_era", "float", 1.0, "", "industrial era factor (story ramps it)", 0.0),
        Uniform("people_extract", "float", 0.05, "1/yr", "most of a cell's carbon per yr", 0.0),
        Uniform("people_light", "float", 20.0, "1/km^2", "density of light 1 - 1/e", 1e-3),
    ),
)

CARBON_MEAN = register_field(
    FieldSpec(
        "carbon_mean",
        (
            "CO2 x cell area / mean cell area (its plain mean is the global mean CO2), ppm",
            "1 + the sim step of the carbon run that wrote it (tells fresh mipmaps)",
            "(unused)",
            "(unused)",
        ),
        "what the carbon pass averages globally: the stage hook builds its mipmaps",
        scratch=True,
    )
)

CARBON = PassDecl(
    name="carbon",
    shader="sim/carbon.frag",
    stage="people",
    doc="CO2 emissions into moisture.w, upwind flux-form transport by the wind, global mixing",
    fields=(
        FieldUse("moisture", "inout", "w CO2, ppm; x, y, z kept", "w"),
        FieldUse("air", "in", "z, w wind east/north, m/s (4 neighbours)"),
        FieldUse("civ", "in", "z emission rate, GtC/yr per cell"),
        FieldUse("carbon_mean", "inout", "area-weighted CO2 and its step; 1x1 mip = mean", "xy"),
    ),
    uniforms=(
        PEOPLE_EVERY,
        MEAN_LOD,
        Uniform("co2_mix_time", "float", 1.0, "yr", "global mixing time of the air", 1e-6),
    ),
)

APPEARED = Uniform("people_appeared", "bool", False, "", "set by the stage hook, once")
RESERVE = Uniform(
    "carbon_reserve", "float", 5000.0, "GtC", "buried carbon when people appear (0: as is)", 0.0
)


def habitability(sim: Any) -> np.ndarray:
    """(H, W) score of each cell for the first people: land, comfortable, wet, green."""
    v = sim.values
    terrain = sim.field("terrain").read()
    temp = sim.field("air").read()[..., 1]
    precip = sim.field("moisture").read()[..., 1]
    plants = sim.field("life").read()[..., 0]
    land = terrain[..., 0] > v["sea_level"]
    comfort = comfort_window(temp, v)
    food = np.clip(plants / v["people_plant_ref"], 0.0, 1.0)
    wet = precip / (precip + 500.0)
    return np.where(land, comfort * (0.5 + food) * (0.5 + wet), -1.0)


def comfort_window(temp: np.ndarray, v: dict[str, Any]) -> np.ndarray:
    cold = np.clip((temp - v["people_cold"]) / (v["people_cool"] - v["people_cold"]), 0, 1)
    hot = np.clip((v["people_heat_limit"] - temp) / v["people_heat_width"], 0, 1)
    return cold * hot


def _power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def people_hook(sim: Any) -> None:
    """Before each step of the stage. On a step where carbon runs: build the mipmaps of the
    carbon pass's last output and of the people pass's market (on the GPU, no readback),
    whose 1x1 levels are the exact global mean CO2 and the world's unmet demand and spare
    supply (power-of-two grids only; on others CO2 mixes by the butterfly alone and people
    burn only what they mine themselves). Once, when people
    first appear: pick the origin and rescale the buried carbon (the stage's one readback)."""
    v = sim.values
    g = sim.grid
    if sim.stage_runs("people") % max(int(v["people_every"]), 1) == 0:
        if _power_of_two(g.width) and _power_of_two(g.height):
            sim.field("carbon_mean").front.build_mipmaps()
            sim.field("market").front.build_mipmaps()
            v["carbon_mean_lod"] = int(g.width).bit_length() - 1
        else:
            v["carbon_mean_lod"] = -1
    if v["people_appeared"] or not v["people_on"]:
        return
    v["people_appeared"] = True
    if tuple(v["people_origin"]) == NO_ORIGIN:
        score = habitability(sim)
        y, x = np.unravel_index(int(np.argmax(score)), score.shape)
        v["people_origin"] = (float(g.lat[y]), float(g.lon[x]))
    reserve = float(v["carbon_reserve"])
    if reserve > 0.0:
        civ = sim.field("civ").read()
        total = float(civ[..., 1].astype(np.float64).sum())
        if total <= 0.0:  # nothing was buried (no life stage ran): lay it under the lowlands
            height = sim.field("terrain").read()[..., 0] - v["sea_level"]
            low = (height > 0) * np.clip(1.0 - height / 500.0, 0.0, 1.0)
            civ[..., 1] = low * g.cell_area_m2
            total = float(civ[..., 1].astype(np.float64).sum())
        if total > 0.0:
            civ[..., 1] = (civ[..., 1].astype(np.float64) * (reserve / total)).astype(np.float32)
            sim.field("civ").write(civ)


register(PEOPLE, CARBON)
register_stage(
    Stage(
        name="people",
        doc="settlement, fossil-carbon burning, CO2 carried by the wind, heat that empties land",
        steps=(Step("people", every="people_every"), Step("carbon", every="people_every")),
        params=(APPEARED, RESERVE),
        hook=people_hook,
    )
)
