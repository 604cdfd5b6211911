"""Plate tectonics: plates grown by aggregation from random seeds, moved a whole cell at a
time at random steps so their mean velocity is kept, colliding (subduction, uplift stress,
mountains), rifting (new ocean floor), re-forming periodically; thermal erosion."""

from __future__ import annotations

import weakref
from typing import Any

from ..analysis.sea_level import hypsometric_curve, sea_level_for_fraction
from ..core.fields import FieldSpec, register_field
from ..core.passes import FieldUse, PassDecl, Stage, Step, Uniform
from ..core.registry import register, register_stage, register_state

register_field(
    FieldSpec(
        "crust",
        (
            "elevation after plate motion, m",
            "plate id after motion",
            "uplift stress after collisions, 0..1",
            "crust age, Myr",
        ),
        "terrain moved by `plates`, finished by `uplift` (scratch)",
        scratch=True,
    )
)

PLATE_COUNT = Uniform("plate_count", "float", 8.0, "plates", "expected plates per re-forming", 1.0)

TECTONICS_EVERY = Uniform(
    "tectonics_every",
    "int",
    2,
    "steps",
    "run plates and uplift every N sim steps, each covering N steps' time",
    1,
)

PLATES_SEED = PassDecl(
    name="plates_seed",
    shader="sim/plates_seed.frag",
    stage="tectonics",
    doc="dissolve plates and scatter new seeds with random velocities",
    fields=(FieldUse("terrain", "inout", "y: plate ids (seeds or -1)", channels="y"),),
    uniforms=(PLATE_COUNT,),
)

PLATES = PassDecl(
    name="plates",
    shader="sim/plates.frag",
    stage="tectonics",
    doc="plate growth, motion, collisions, rifts, re-forming; crust ageing",
    fields=(
        FieldUse("terrain", "in", "elevation, plate id, stress, age"),
        FieldUse("crust", "out", "the moved terrain"),
    ),
    uniforms=(
        Uniform("plate_speed", "float", 5.0, "cm/yr", "top plate speed (per axis)", 0.0),
        Uniform(
            "plate_reform_interval", "int", 2000, "steps", "re-form plates every N (0 never)", 0
        ),
        Uniform("rift_depth", "float", 2500.0, "m", "new ocean floor below sea level", 0.0),
        Uniform("collision_stress", "float", 0.25, "0..1", "stress added per collision", 0.0),
        PLATE_COUNT,
        TECTONICS_EVERY,
    ),
)

UPLIFT = PassDecl(
    name="uplift",
    shader="sim/uplift.frag",
    stage="tectonics",
    doc="stress diffusion and decay, mountain uplift, thermal erosion",
    fields=(
        FieldUse("crust", "in", "the moved terrain"),
        FieldUse("terrain", "out", "x raised/relaxed, z stress; y, w copied", channels="xyzw"),
    ),
    uniforms=(
        Uniform("uplift_rate", "float", 1.0, "mm/yr", "uplift at full stress", 0.0),
        Uniform("max_elevation", "float", 8000.0, "m", "uplift stops this high", 1.0),
        Uniform("stress_decay", "float", 20.0, "Myr", "e-folding time of uplift stress", 1e-3),
        Uniform("stress_spread", "float", 400.0, "km", "how far stress spreads into a plate", 0.0),
        Uniform("subsidence_rate", "float", 50.0, "m/Myr", "deep sea floor sinking with age", 0.0),
        Uniform("talus_slope", "float", 0.06, "m/m", "thermal erosion above this slope", 0.0),
        TECTONICS_EVERY,
    ),
)

TERRAIN_SHIFT = PassDecl(
    name="terrain_shift",
    shader="sim/terrain_shift.frag",
    stage="tectonics",
    doc="move every elevation by one offset (run by the sea-level hook, not scheduled)",
    fields=(FieldUse("terrain", "inout", "x shifted; y, z, w kept", channels="x"),),
    uniforms=(Uniform("terrain_shift", "float", 0.0, "m", "offset added to every elevation"),),
)

register(PLATES_SEED, PLATES, UPLIFT, TERRAIN_SHIFT)


def keep_ocean_fraction(sim: Any) -> None:
    """Every ocean_track_interval steps, set sea_level so the ocean still covers
    ocean_fraction of the surface (the water does not change, the basins do: uplift and rifts
    move rock up and down). One readback per interval, none in between. An epoch that ramps
    or sets sea_level itself takes precedence; interval 0 keeps sea level fixed."""
    every = int(sim.values["ocean_track_interval"])
    epoch = sim.epoch
    if every <= 0 or "sea_level" in epoch.ramp or "sea_level" in epoch.set:
        return
    last = _last_track.get(sim)
    if last is not None and 0 <= sim.step_count - last < every:
        return
    _last_track[sim] = sim.step_count
    z, cum = hypsometric_curve(sim.elevation(), sim.grid.cell_area_m2)
    sea = sea_level_for_fraction(z, cum, float(sim.values["ocean_fraction"]))
    shift = float(sim.values["sea_level"]) - sea
    if shift != 0.0:
        # Move the rock, not the sea: elevations stay relative to a steady sea level.
        sim.runner.run(TERRAIN_SHIFT, {**sim.values, "terrain_shift": shift})
        sim.mark_land_changed()


_last_track: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()

register_stage(
    Stage(
        name="tectonics",
        doc="plates grow, drift, collide and rift; mountains rise; slopes relax",
        init=(Step("plates_seed"),),
        steps=(
            Step("plates", every="tectonics_every"),
            Step("uplift", every="tectonics_every"),
        ),
        moves_land=True,
        params=(
            Uniform(
                "ocean_track_interval",
                "int",
                200,
                "steps",
                "re-level the sea to ocean_fraction every N steps (0: sea level fixed)",
                0,
            ),
        ),
        hook=keep_ocean_fraction,
    )
)


def _put_track(sim: Any, d: dict[str, Any] | None) -> None:
    if d is None:
        _last_track.pop(sim, None)
    else:
        _last_track[sim] = int(d["step"])


# When the sea was last re-levelled decides the next time: checkpoints carry it.
register_state(
    "tectonics",
    lambda sim: {"step": _last_track[sim]} if sim in _last_track else None,
    _put_track,
)
