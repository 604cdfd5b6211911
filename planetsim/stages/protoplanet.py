"""Protoplanet: a cratered surface, a bombardment that fades, a molten glow that cools and an
ocean that condenses to a target fraction of the surface."""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from ..analysis.sea_level import hypsometric_curve, sea_level_for_fraction
from ..core.passes import FieldUse, PassDecl, Stage, Step, Uniform
from ..core.registry import register, register_stage, register_state

CRATERS = PassDecl(
    name="craters",
    shader="sim/craters.frag",
    stage="protoplanet",
    doc="five levels of craters on jittered 3D grids with fBM roughness",
    fields=(FieldUse("terrain", "out", "cratered elevation; no plates; stress, age 0"),),
    uniforms=(
        Uniform("crater_relief", "float", 5000.0, "m", "elevation span of the crater field", 0.0),
        Uniform("crater_frequency", "float", 2.0, "1/radius", "grid of the largest craters", 0.25),
        Uniform("crater_roughness", "float", 0.15, "", "fBM roughness mixed into each level", 0.0),
        Uniform("crater_sharpness", "float", 1.6, "", "power that sharpens the sum", 0.1, 8.0),
    ),
)

SURFACE_HEAT = Uniform(
    "surface_heat", "float", 0.0, "0..1", "molten surface glow (1 molten, 0 cold)", 0.0, 1.0
)

IMPACTS = PassDecl(
    name="impacts",
    shader="sim/impacts.frag",
    stage="protoplanet",
    doc="bombardment: hashed impacts carve craters, fewer as impact_rate ramps down",
    fields=(FieldUse("terrain", "inout", "x: craters carved; y, z, w kept", channels="x"),),
    uniforms=(
        Uniform("impact_rate", "float", 1.0, "impacts/step", "expected impacts per step", 0.0, 4.0),
        Uniform("impact_size", "float", 250.0, "km", "typical impact crater radius", 1.0),
        Uniform("impact_depth", "float", 1500.0, "m", "depth of a typical crater", 0.0),
        SURFACE_HEAT,
    ),
)

register(CRATERS, IMPACTS)

# Ocean condensation: the hook keeps sea_level at the elevation that leaves
# ocean_fraction * ocean_fill of the surface (by area) under water. It reads the terrain back
# once when it starts and again only when the target moves and its copy is over
# OCEAN_REFRESH_STEPS steps old (never every step). An epoch that ramps or sets sea_level
# itself takes precedence.
OCEAN_REFRESH_STEPS = 64
_hypsometry: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def condense_ocean(sim: Any) -> None:
    epoch = sim.epoch
    if "sea_level" in epoch.ramp or "sea_level" in epoch.set:
        return
    frac = float(sim.values["ocean_fraction"]) * float(sim.values["ocean_fill"])
    st = _hypsometry.get(sim)
    if st is not None and st["frac"] == frac and sim.step_count >= st["step"]:
        return
    if (
        st is None
        or sim.step_count < st["step"]
        or (sim.step_count - st["step"] >= OCEAN_REFRESH_STEPS)
    ):
        z, cum = hypsometric_curve(sim.elevation(), sim.grid.cell_area_m2)
        st = {"z": z, "cum": cum, "step": sim.step_count, "frac": None}
        _hypsometry[sim] = st
    st["frac"] = frac
    sea = sea_level_for_fraction(st["z"], st["cum"], frac)
    if sea != sim.values["sea_level"]:
        sim.values["sea_level"] = sea
        sim.mark_land_changed()


register_stage(
    Stage(
        name="protoplanet",
        doc="cratered protoplanet, fading bombardment, cooling surface, condensing ocean",
        init=(Step("craters"),),
        # At impact_rate 0 the pass copies the terrain: skip it (~7 ms at 512x256, llvmpipe).
        steps=(Step("impacts", when="nonzero:impact_rate"),),
        moves_land=True,
        params=(
            Uniform(
                "ocean_fraction",
                "float",
                0.7,
                "0..1",
                "surface share the ocean covers (with plates: once their floor has aged)",
                0.0,
                1.0,
            ),
            Uniform(
                "ocean_fill",
                "float",
                1.0,
                "0..1",
                "share of the ocean condensed so far (ramp it 0 -> 1 as the surface cools)",
                0.0,
                1.0,
            ),
        ),
        hook=condense_ocean,
    )
)


def _get_ocean_state(sim: Any) -> dict[str, Any] | None:
    st = _hypsometry.get(sim)
    return None if st is None else dict(st)


def _put_ocean_state(sim: Any, d: dict[str, Any] | None) -> None:
    if d is None:
        _hypsometry.pop(sim, None)
        return
    frac = d.get("frac")
    _hypsometry[sim] = {
        "z": np.asarray(d["z"]),
        "cum": np.asarray(d["cum"]),
        "step": int(d["step"]),
        "frac": None if frac is None else float(frac),
    }


# The cached hypsometric curve decides when the next readback happens: checkpoints carry it.
register_state("protoplanet", _get_ocean_state, _put_ocean_state)
