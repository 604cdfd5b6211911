"""Plate tectonics on the sphere: rigid plates turning about Euler poles carry continental and
oceanic crust in frames of their own; boundaries are classified by the plates' relative
motion (subduction with trenches and arcs, collisions that thicken and suture, ridges of new
ocean floor, transforms); elevation follows from the crust by Airy isostasy and the ocean
age-depth law; sea level from a fixed volume of water; a supercontinent cycle.

The stage's hook (driver.py) runs its passes itself, in this order each run:
  frames_update (every frames_every runs, or when the plates have moved fold_cells since
  the last fold) -> the plate table turns (table.py) -> plates_mask -> plates_gather ->
  plates_aux; every sea_level_every_myr the sea level is found from the water volume, and
  every plate_decision_myr the plate-level decisions are taken (dynamics.py; the
  speeds from the forces, forces.py; the sums they read, sums.py).
"""

from __future__ import annotations

from ...core.fields import FieldSpec, register_field
from ...core.passes import FieldUse, PassDecl, Stage, Uniform
from ...core.registry import register, register_stage, register_state
from .table import MAX_PLATES

CRUST = register_field(
    FieldSpec(
        "crust",
        (
            "continental crust thickness, km (0: ocean floor)",
            "crust age, Myr (of the ocean floor; since it opened)",
            "plate id, 0..15 (the slot of the plate table)",
            "base elevation from the crust, m (isostasy, age-depth, offset carried, trench)",
        ),
        "the world's crust, gathered from the plates' frames each tectonics step",
        scratch=True,
    )
)
PLATE_AUX = register_field(
    FieldSpec(
        "plate_aux",
        (
            "distance to the subduction boundary this plate overrides, km (1e5: none near)",
            "distance to the trench where this plate subducts, km",
            "closing rate at that overriding boundary, cm/yr",
            "distance to a continental collision front, km",
        ),
        "plate boundaries' reach into the plates",
        scratch=True,
    )
)
OROGENY = register_field(
    FieldSpec(
        "orogeny",
        (
            "last orogeny: type * 10000 + Myr since 5 Gyr ago (type 1 arc, 2 collision)",
            "candidate plates of the gather, a bit per plate slot",
            "gap state: Myr since 5 Gyr ago the cell opened (>= 0), -1 crust, -2 stacked",
            "boundary class: 0 inside, 1 overriding, 2 subducting, 3 collision, 4 opening,"
            " 5 sliding",
        ),
        "where mountains come from: the orogeny record and the active boundaries",
        scratch=True,
    )
)
PLATE_REMAP = register_field(
    FieldSpec(
        "plate_remap",
        ("the plate a world cell goes to at the next remap, -1 none", "unused", "unused", "unused"),
        "written by the stage when plates split, suture or tidy up (not a state of its own)",
        scratch=True,
    )
)
FRAMES = register_field(
    FieldSpec(
        "frames",
        (
            "continental crust thickness, km",
            "crust age, Myr; -1 where the plate has no crust",
            "surface offset the crust carries (erosion, sediment, craters), m",
            "orogeny code (as orogeny.x)",
        ),
        "each plate's crust in its own turning frame: an atlas of 4 x 4 grid-sized tiles",
        scratch=True,
        tiles=(4, 4),
    )
)

# ---- uniforms ---------------------------------------------------------------------------------
PLATE_ROT = Uniform(
    "plate_rot",
    f"vec3[{3 * MAX_PLATES}]",
    tuple(float(v) for _ in range(MAX_PLATES) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1)),
    "",
    "columns of each plate's rotation: world = R frame (set by the stage)",
)
PLATE_OMEGA = Uniform(
    "plate_omega",
    f"vec3[{MAX_PLATES}]",
    tuple(0.0 for _ in range(3 * MAX_PLATES)),
    "rad/Myr",
    "each plate's angular velocity, world frame (set by the stage)",
)
PLATE_ACTIVE = Uniform("plate_active", "int", 0, "", "bit mask of live plate slots (set)")
PLATE_OVER = Uniform(
    "plate_over",
    f"float[{MAX_PLATES}]",
    tuple(0.0 for _ in range(MAX_PLATES)),
    "",
    "bit mask per plate: the plates it rides over where ocean floor meets ocean floor (set)",
)
PLATE_RANK = Uniform(
    "plate_rank",
    f"float[{MAX_PLATES}]",
    tuple(float(-k) for k in range(MAX_PLATES)),
    "",
    "buoyancy order: the higher-ranked plate overrides at a boundary (set by the stage)",
)
CRUST_UNIFORMS = (
    Uniform("crust_sea_level_km", "float", 35.0, "km", "continental crust at the datum", 1.0),
    Uniform("crust_density", "float", 2.75, "g/cm^3", "continental crust density", 1.0),
    Uniform("mantle_density", "float", 3.3, "g/cm^3", "mantle density", 1.5),
    Uniform("crust_full_km", "float", 25.0, "km", "thinner continental crust is a margin", 1.0),
)
CRUST_MAX = Uniform("crust_max_km", "float", 80.0, "km", "thickest crust (collision stacks)", 1.0)
TRENCH = (
    Uniform("trench_depth", "float", 3000.0, "m", "trench below the ocean floor", 0.0),
    Uniform("trench_width", "float", 60.0, "km", "e-folding width of a trench", 1.0),
)
FOLDED = Uniform("folded", "bool", False, "", "the residual was just folded (set)")
FRAMES_LAG = Uniform("frames_lag", "float", 0.0, "Myr", "since the frames' last update (set)", 0.0)
MASK_ALL = Uniform("mask_all", "bool", False, "", "look up every live plate (set)")
MASK_REACH = (
    Uniform("mask_reach", "float", 0.0, "rows", "how far a plate moved this run (set)", 0.0),
    Uniform("mask_dilations", "int", 1, "cells", "reach of the candidate mask (set)", 0),
)

MASK = PassDecl(
    name="plates_mask",
    shader="sim/plates_mask.frag",
    stage="tectonics",
    doc="which plates the gather looks up at each cell (a dilation of the plate ids)",
    fields=(
        FieldUse("crust", "in", "z: plate id"),
        FieldUse("orogeny", "inout", "y: candidate plates", channels="y"),
    ),
    uniforms=(Uniform("mask_from_ids", "bool", True, "", "start from the plate ids (set)"),),
)
GATHER = PassDecl(
    name="plates_gather",
    shader="sim/plates_gather.frag",
    stage="tectonics",
    doc="the world's crust from the plates' frames; elevation from the crust",
    fields=(
        FieldUse("frames", "in", "the plates' crust"),
        FieldUse("crust", "inout", "thickness, age, plate, base elevation"),
        FieldUse("terrain", "inout", "elevation; plate; thickness; age"),
        FieldUse("orogeny", "inout", "x: orogeny code, z: gap state", channels="xz"),
        FieldUse("plate_aux", "in", "y: distance to a trench"),
    ),
    uniforms=(
        PLATE_ROT,
        PLATE_ACTIVE,
        PLATE_RANK,
        PLATE_OVER,
        *CRUST_UNIFORMS,
        CRUST_MAX,
        *TRENCH,
        FOLDED,
        FRAMES_LAG,
        MASK_ALL,
        *MASK_REACH,
    ),  # fmt: skip
)
AUX = PassDecl(
    name="plates_aux",
    shader="sim/plates_aux.frag",
    stage="tectonics",
    doc="boundaries by relative motion; distances to them through each plate",
    fields=(
        FieldUse("crust", "in", "thickness, age, plate id"),
        FieldUse("plate_aux", "inout", "distances, closing rate"),
        FieldUse("orogeny", "inout", "w: boundary class", channels="w"),
    ),
    uniforms=(
        PLATE_OMEGA,
        PLATE_RANK,
        PLATE_OVER,
        Uniform("converge_min", "float", 0.3, "cm/yr", "slower is a sliding boundary", 0.0),
        Uniform("aux_fresh", "bool", False, "", "forget the last distances (set)"),
    ),
)
FRAMES_UPDATE = PassDecl(
    name="frames_update",
    shader="sim/frames_update.frag",
    stage="tectonics",
    doc="ridges join, subducted crust leaves, stacks thicken, arcs grow, crust flows; fold",
    fields=(
        FieldUse("frames", "inout", "the plates' crust"),
        FieldUse("crust", "in", "the world's crust"),
        FieldUse("orogeny", "in", "orogeny code, gap state"),
        FieldUse("plate_aux", "in", "distance to the overridden boundary, closing rate"),
        FieldUse("terrain", "in", "x: elevation (the fold)"),
    ),
    uniforms=(
        PLATE_ROT,
        PLATE_ACTIVE,
        CRUST_MAX,
        Uniform("frame_dt", "float", 0.0, "Myr", "time since the last update (set)", 0.0),
        Uniform("fold", "bool", False, "", "fold the residual into the crust (set)"),
        Uniform("arc_rate", "float", 0.12, "km/Myr per cm/yr", "arc thickening at its peak", 0.0),
        Uniform("arc_distance", "float", 200.0, "km", "arc from the subduction boundary", 0.0),
        Uniform("arc_width", "float", 80.0, "km", "spread of the arc", 1.0),
        Uniform("arc_max_km", "float", 55.0, "km", "arcs thicken no further", 1.0),
        Uniform("arc_island_km", "float", 30.0, "km", "island arcs on ocean floor, at most", 1.0),
        Uniform("arc_scale", "float", 1.0, "", "arc output, held to the crust budget (set)", 0.0),
        Uniform(
            "crust_recycling",
            "float",
            0.05,
            "km/Myr per cm/yr",
            "subduction erosion of the overriding margin at its most",
            0.0,
        ),
        Uniform("recycling_scale", "float", 0.0, "", "recycling, held to the budget (set)", 0.0),
        Uniform("crust_relax_km", "float", 40.0, "km", "thicker crust flows out", 1.0),
        Uniform("crust_flow", "float", 2000.0, "km^2/Myr", "flow of thick crust", 0.0),
        Uniform("crust_creep", "float", 30.0, "km^2/Myr", "slow spreading of all crust", 0.0),
    ),  # fmt: skip
)
FRAMES_INIT = PassDecl(
    name="frames_init",
    shader="sim/frames_init.frag",
    stage="tectonics",
    doc="each plate's frame from the world's crust (the start, a new table)",
    fields=(
        FieldUse("crust", "in", "thickness, age, owner"),
        FieldUse("terrain", "in", "x: elevation"),
        FieldUse("orogeny", "in", "x: orogeny code"),
        FieldUse("frames", "out", "the plates' crust"),
    ),
    uniforms=(PLATE_ROT, PLATE_ACTIVE, *CRUST_UNIFORMS),
)
FRAMES_REMAP = PassDecl(
    name="frames_remap",
    shader="sim/frames_remap.frag",
    stage="tectonics",
    doc="world cells change plate (splits, sutures, slivers, stray pieces): crust moves over",
    fields=(
        FieldUse("frames", "inout", "the plates' crust"),
        FieldUse("crust", "in", "z: the owner of each world cell"),
        FieldUse("plate_remap", "in", "x: the new plate of each world cell, -1 keep"),
    ),
    uniforms=(PLATE_ROT, CRUST_MAX),
)

register(MASK, GATHER, AUX, FRAMES_UPDATE, FRAMES_INIT, FRAMES_REMAP)

PARAMS = (
    Uniform("plate_count", "float", 9.0, "plates", "plates at the start", 2.0, 14.0),
    Uniform(
        "continental_fraction",
        "float",
        0.40,
        "0..1",
        "surface share of continental crust",
        0.0,
        0.95,
    ),  # fmt: skip
    Uniform("crater_memory", "float", 0.3, "", "share of the crater relief the crust keeps", 0.0),
    Uniform("supercontinent_start", "float", 0.0, "", "gather the first continents in one", 0.0),
    Uniform(
        "tectonics_every", "int", 8, "steps", "run the plates every N sim steps, N steps' time", 1
    ),
    Uniform("frames_every", "int", 4, "runs", "update the plates' frames every N runs", 1),
    Uniform("fold_cells", "float", 6.0, "cells", "fold erosion into the crust this often", 0.1),
    Uniform("sea_level_every_myr", "float", 5.0, "Myr", "sea level from the water volume", 0.0),
    Uniform("plate_decision_myr", "float", 10.0, "Myr", "plate-level decisions this often", 0.1),
    Uniform("plate_speed_min", "float", 1.0, "cm/yr", "slowest plate driven by slab pull", 0.0),
    Uniform("slab_speed_max", "float", 9.0, "cm/yr", "fastest plate (all trench)", 0.0),
    Uniform("assembly_speed", "float", 4.0, "cm/yr", "continents' drift to the downwelling", 0.0),
    Uniform("velocity_relax_myr", "float", 40.0, "Myr", "plates follow their forces", 0.1),
    Uniform("drift_wander_deg", "float", 25.0, "deg", "a plate's own drift turns per 100 Myr", 0.0),
    Uniform("supercontinent_share", "float", 0.75, "0..1", "gathered: this much in one", 0.0),
    Uniform("assembly_max_myr", "float", 400.0, "Myr", "breaks up even if not gathered", 0.0),
    Uniform("supercontinent_tenure_myr", "float", 150.0, "Myr", "then it breaks up", 0.0),
    Uniform("dispersal_myr", "float", 200.0, "Myr", "continents part before they gather", 0.0),
    Uniform("final_breakup_myr", "float", 0.0, "Myr ago", "a last breakup then (0: none)", 0.0),
    Uniform("suture_myr", "float", 40.0, "Myr", "a lasting collision sutures the plates", 0.0),
    Uniform("collision_stall_myr", "float", 20.0, "Myr", "colliding plates' motions join", 0.1),
    Uniform("suture_length_km", "float", 500.0, "km", "collision front that counts", 0.0),
    Uniform("old_ocean_myr", "float", 180.0, "Myr", "older floor at a passive margin sinks", 0.0),
    Uniform("reorganize_myr", "float", 150.0, "Myr", "ocean plates parted anew (0: never)", 0.0),
    Uniform("plate_min_share", "float", 0.004, "0..1", "smaller plates join a neighbour", 0.0),
    Uniform("boundary_reach_km", "float", 700.0, "km", "boundary distances exact this far", 100.0),
)

from .driver import get_state, put_state, tectonics_hook  # noqa: E402  (uses the declarations)

register_stage(
    Stage(
        name="tectonics",
        doc="plates turn on the sphere, collide and rift; mountains rise; the sea finds its level",
        steps=(),
        moves_land=True,
        params=PARAMS,
        hook=tectonics_hook,
        hook_passes=("frames_update", "plates_mask", "plates_gather", "plates_aux"),
        event_passes=("frames_init", "frames_remap"),
    )
)
register_state("tectonics", get_state, put_state)
