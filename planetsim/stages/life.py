"""Life: Lotka-Volterra plants, herbivores and carnivores on land, spreading by diffusion
between land cells, with plant matter buried as fossil carbon over geological time.

One pass, `life` (shaders/sim/life.frag); its rule is written out in the shader header and in
planetsim.reference.life. Ecology runs in its own time unit: `life_dt` per sim step, whatever
the clock's dt, because real ecological cycles (years) are shorter than any step of the story;
burial uses the clock (u_dt, years). The pass runs every `life_every` sim steps (default 2, to
keep within the frame budget); burial then counts life_every * u_dt years per run.
"""

from __future__ import annotations

from ..core.passes import FieldUse, PassDecl, Stage, Step, Uniform
from ..core.registry import register, register_stage

LIFE_EVERY = Uniform(
    "life_every", "int", 2, "steps", "run life every N sim steps (burial counts N dt)", 1
)
LIFE_UNIFORMS: tuple[Uniform, ...] = (
    LIFE_EVERY,
    Uniform("life_dt", "float", 0.1, "eco time/step", "Lotka-Volterra step per sim step", 0.0, 0.5),
    Uniform("life_growth", "float", 3.0, "1/eco time", "plant growth G at best climate", 0.0),
    Uniform("life_decay", "float", 0.2, "1/eco time", "plant loss m (g = G*wet*warm - m)", 0.0),
    Uniform("life_capacity", "float", 1.0, "plants", "plant crowding scale K (dx -= x/K)", 1e-3),
    Uniform("life_reproduction", "float", 2.0, "1/plants", "herbivore reproduction r", 0.0),
    Uniform("life_predation", "float", 2.0, "1/animals", "predation p", 0.0),
    Uniform("life_precip_half", "float", 300.0, "mm/yr", "precipitation of half growth", 1.0),
    Uniform("life_t_min", "float", -5.0, "degC", "nothing grows below (ice)"),
    Uniform("life_t_max", "float", 45.0, "degC", "nothing grows above (hot desert)"),
    Uniform("life_t_ramp", "float", 10.0, "degC", "width of the window's edges", 0.1),
    Uniform(
        "life_diffusion",
        "vec3",
        (0.02, 0.1, 0.2),
        "1/step",
        "exchange per face per step of plants, herbivores, carnivores (each <= 0.25)",
    ),
    Uniform("life_seed_rate", "float", 1e-3, "1/step", "chance a bare land cell is seeded", 0.0),
    Uniform("life_seed", "float", 0.05, "", "population a seeding sets, each species", 0.0),
    Uniform("bury_time", "float", 1.0e8, "yr", "time to fill a cell's burial target", 1.0),
    Uniform("carbon_density", "float", 1.0e-4, "GtC/km^2", "fossil carbon at full fertility", 0.0),
    Uniform("bury_plant_ref", "float", 1.0, "plants", "plants giving full fertility", 1e-3),
    Uniform("bury_lowland", "float", 500.0, "m", "no burial above this height over sea", 1.0),
    Uniform("bury_shelf", "float", 200.0, "m", "no burial in water deeper than this", 1.0),
    Uniform("bury_marine", "float", 0.3, "", "fertility of warm shallow seas (0..1)", 0.0),
)

LIFE = PassDecl(
    name="life",
    shader="sim/life.frag",
    stage="life",
    doc="Lotka-Volterra food chain with diffusion between land cells; fossil-carbon burial",
    fields=(
        FieldUse(
            "life", "inout", "x plants, y herbivores, z carnivores; w land mask (4 neighbours)"
        ),
        FieldUse("terrain", "in", "x elevation, m: land where above sea level"),
        FieldUse("air", "in", "y temperature, degC: the growth window"),
        FieldUse("moisture", "in", "y precipitation, mm/yr: growth"),
        FieldUse("civ", "inout", "y buried fossil carbon, GtC per cell; x, z, w kept", "y"),
    ),
    uniforms=LIFE_UNIFORMS,
)

register(LIFE)
register_stage(
    Stage(
        name="life",
        doc="plants, herbivores and carnivores; fossil carbon laid down where life is rich",
        steps=(Step("life", every="life_every"),),
    )
)
