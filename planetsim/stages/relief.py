"""Relief: a smooth fBM starting terrain and linear hillslope diffusion. The simplest world
there is; the protoplanet and tectonics stages build real ones."""

from __future__ import annotations

from ..core.passes import FieldUse, PassDecl, Stage, Step, Uniform
from ..core.registry import register, register_stage

RELIEF_NOISE = PassDecl(
    name="relief_noise",
    shader="sim/relief_noise.frag",
    stage="relief",
    doc="fBM elevation from the cell's 3D position on the sphere",
    fields=(FieldUse("terrain", "out", "elevation from noise; no plates; stress, age 0"),),
    uniforms=(
        Uniform("relief_amplitude", "float", 4000.0, "m", "elevation of the noise's extremes"),
        Uniform("relief_frequency", "float", 2.0, "1/radius", "base noise frequency", 0.01),
        Uniform("relief_offset", "float", 0.0, "m", "added to every cell (moves the coast)"),
    ),
)

HILLSLOPE = PassDecl(
    name="hillslope",
    shader="sim/hillslope.frag",
    stage="relief",
    doc="linear hillslope diffusion of elevation on a 9-point stencil",
    fields=(FieldUse("terrain", "inout", "x: elevation diffused; y, z, w kept"),),
    uniforms=(
        Uniform("hillslope_D", "float", 1.0e5, "m^2/yr", "hillslope diffusivity", 0.0),
        Uniform("hillslope_dt", "float", 0.0, "yr", "step length; 0: use the clock's dt", 0.0),
    ),
)

register(RELIEF_NOISE, HILLSLOPE)
register_stage(
    Stage(
        name="relief",
        doc="noise terrain, smoothed by hillslope diffusion",
        init=(Step("relief_noise"),),
        steps=(Step("hillslope"),),
        moves_land=False,
    )
)
