"""Hydraulic erosion (Barnes 2019): D8 receivers and flow accumulation passed one cell per
step, drainage basins labelled from their outlets, stream-power incision."""

from __future__ import annotations

from ..core.passes import FieldUse, PassDecl, Stage, Step, Uniform
from ..core.registry import register, register_stage

FLOW = PassDecl(
    name="flow",
    shader="sim/flow.frag",
    stage="erosion",
    doc="D8 receivers and flow accumulation, one cell downstream per step",
    fields=(
        FieldUse("terrain", "in", "elevation, m"),
        FieldUse("moisture", "in", "y: precipitation, mm/yr (rainfall weight)"),
        FieldUse(
            "water", "inout", "x: flow accumulation, y: receiver, w: lake depth", channels="xyw"
        ),
    ),
    uniforms=(
        Uniform(
            "flow_rain",
            "float",
            0.0,
            "0..1",
            "rainfall weight: 0 one per cell, 1 precipitation / 1000 mm/yr",
            0.0,
            1.0,
        ),
    ),
)

BASINS = PassDecl(
    name="basins",
    shader="sim/basins.frag",
    stage="erosion",
    doc="drainage basin ids from the outlets, one cell upstream per step",
    fields=(
        FieldUse("terrain", "in", "elevation, m (land mask)"),
        FieldUse("water", "inout", "z: basin id", channels="z"),
    ),
)

# Schedules (Step.every counts runs of the erosion stage). Flow and erode run every
# erosion_every steps, erode counting erosion_every * u_dt years (rates kept; the flow field
# then moves one cell per run, i.e. per erosion_every steps). Default 1; a story's geological
# epochs may set 2 (saves ~12 ms CPU a step at 512x256 on llvmpipe). Basins are labels that
# climb one cell per run and carry no rate: every BASINS_EVERY runs of the stage (a label is
# at most that many steps behind), which saves ~2 ms a step.
EROSION_EVERY = Uniform(
    "erosion_every", "int", 1, "steps", "run flow and erode every N steps (erode counts N dt)", 1
)
BASINS_EVERY = Uniform(
    "basins_every", "int", 4, "steps", "propagate basin labels every N runs of the stage", 1
)

ERODE = PassDecl(
    name="erode",
    shader="sim/erode.frag",
    stage="erosion",
    doc="stream-power incision floored at the receiver; pits and sea floor fill",
    fields=(
        FieldUse("water", "in", "x: flow accumulation, y: receiver, w: lake depth"),
        FieldUse("terrain", "inout", "x: elevation; y, z, w kept", channels="x"),
    ),
    uniforms=(
        Uniform("K", "float", 1.5e-4, "m/yr", "erodibility: rate at A = 1 km^2, S = 1", 0.0),
        Uniform("m", "float", 0.8, "", "drainage-area exponent", 0.0, 3.0),
        Uniform("n", "float", 2.0, "", "slope exponent", 0.0, 4.0),
        Uniform("marine_sediment", "float", 2.0, "m/Myr", "sea-floor sedimentation", 0.0),
        EROSION_EVERY,
    ),
)

register(FLOW, BASINS, ERODE)
register_stage(
    Stage(
        name="erosion",
        doc="rivers find their way, carve valleys and drain into basins",
        steps=(
            Step("flow", every="erosion_every"),
            Step("basins", every="basins_every"),
            Step("erode", every="erosion_every"),
        ),
        params=(BASINS_EVERY,),
    )
)
