"""Hydraulic erosion (Barnes 2019): D8 receivers and flow accumulation passed one cell per
step, drainage basins labelled from their outlets, stream-power incision."""

from __future__ import annotations

from ..passes import FieldUse, PassDecl, Stage, Step, Uniform, register, register_stage

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
    ),
)

register(FLOW, BASINS, ERODE)
register_stage(
    Stage(
        name="erosion",
        doc="rivers find their way, carve valleys and drain into basins",
        steps=(Step("flow"), Step("basins"), Step("erode")),
    )
)
