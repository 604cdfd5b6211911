"""The views' declarations: the map and globe render passes (PassDecls with stage
"render"), their uniforms, the overlay bits and the per-layer program variants."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ..core.errors import PlanetsimError
from ..core.passes import FieldUse, PassDecl, Uniform
from ..stages.protoplanet import SURFACE_HEAT

VIEWS = ("globe", "map")

# Overlay bits of shaders/render/common.glsl (O_*).
OVERLAYS = {"plates": 1, "rivers": 2, "wind": 4, "coast": 8}
DEFAULT_OVERLAYS = {"map": ("coast",), "globe": ("rivers",)}

_READS = tuple(
    FieldUse(name, "in", doc)
    for name, doc in (
        ("terrain", "elevation, plate ids"),
        ("water", "flow, receivers, basins"),
        ("air", "pressure, temperature, wind"),
        ("moisture", "precipitation, clouds, CO2"),
        ("life", "plants, herbivores, carnivores"),
        ("civ", "people, night light"),
    )
)
_OUT = FieldUse("view", "out", "RGBA8 picture (not a field: a target texture)")
# Not a field either: the pattern the globe's clouds are cut from (Views.cloud_noise).
_CLOUD_NOISE = FieldUse("cloud_noise", "in", "baked cloud pattern, uniform 0..1 by area")
_CLOUD_TYPES = FieldUse("cloud", "in", "each cloud type's cover: the clouds' optical thickness")
# Not fields: what the view bake (render/bake.frag) gathers from them once a frame, grid-sized.
_BAKED = {
    "view_surf": "elevation, temperature, precipitation, lake depth (for the splines)",
    "view_aux": "two-cell elevation differences east and north, plants, cloud cover",
    "view_sky": "the clouds' optical thickness, night light",
    "view_rivers": "river strength, receiver, main tributary, the receiver's receiver",
}
BAKED = tuple(_BAKED)  # the bake's outputs in order (Views.bake's textures)


def _baked(*names: str, intent: Literal["in", "out"] = "in") -> tuple[FieldUse, ...]:
    return tuple(FieldUse(n, intent, _BAKED[n] + " (a texture, not a field)") for n in names)


COMMON_UNIFORMS = (
    Uniform("flow_max", "float", 1.0, "cells", "largest flow accumulation: river colour scale"),
    Uniform("life_max", "vec3", (1.0, 1.0, 1.0), "", "largest of each population: life colours"),
    Uniform("river_min", "float", 50.0, "cells", "smallest flow drawn as a river", 1.0),
    Uniform("plants_full", "float", 0.5, "plants", "plants of full vegetation cover", 1e-6),
    Uniform("relief_exaggeration", "float", 30.0, "", "slope factor of hillshade/relief", 0.0),
    Uniform("anim_time", "float", 0.0, "s", "animation clock of the wind streaks"),
)


@dataclass(frozen=True)
class ViewDecl(PassDecl):
    """A view pass with compile-time constants: #defines after the generated header (the
    layer id, the overlay bits, whether the surface glows), one program per variant."""

    defines: tuple[tuple[str, int], ...] = ()

    def header(self) -> str:
        return "\n".join([super().header(), *(f"#define {k} {v}" for k, v in self.defines)])


MAP_VIEW = ViewDecl(
    name="view_map",
    shader="render/map.frag",
    stage="render",
    doc="equirectangular map of one layer with overlays; or the layer's legend bar",
    fields=(*_READS, *_baked("view_surf", "view_aux", "view_rivers"), _OUT),
    uniforms=(
        *COMMON_UNIFORMS,
        Uniform("map_rect", "vec4", (0.0, 0.0, 1.0, 1.0), "px", "map x, y, w, h in the frame"),
        Uniform("bar", "bool", False, "", "draw the legend bar instead of the map"),
        Uniform("bar_lo", "float", 0.0, "layer units", "legend bar's left value"),
        Uniform("bar_hi", "float", 1.0, "layer units", "legend bar's right value"),
        Uniform("bar_log", "bool", False, "", "legend bar spaced logarithmically"),
    ),
)

GLOBE_VIEW = ViewDecl(
    name="view_globe",
    shader="render/globe.frag",
    stage="render",
    doc="lit sphere: ocean glint, biomes, ice, clouds, rim, molten glow, night lights",
    fields=(
        *_READS,
        *_baked("view_surf", "view_aux", "view_sky", "view_rivers"),
        _CLOUD_NOISE,
        _OUT,
    ),
    uniforms=(
        *COMMON_UNIFORMS,
        *(
            Uniform(
                f"inv_vp{i}",
                "vec4",
                tuple(float(i == j) for j in range(4)),
                "",
                f"column {i} of the inverse view-projection matrix",
            )
            for i in range(4)
        ),
        Uniform(
            "light_spacing",
            "float",
            0.01,
            "planet radii",
            "night lights' lattice spacing (render.views.light_spacing: a few pixels)",
            1e-5,
        ),
        SURFACE_HEAT,  # the protoplanet's own uniform: the story ramps it
    ),
)

CLOUD_NOISE = PassDecl(
    name="cloud_noise",
    shader="render/cloud_noise.frag",
    stage="render",
    doc="the globe's cloud pattern: warped fBM on the sphere, baked once per seed",
    fields=(FieldUse("noise", "out", "x: the pattern, about -1..1 (a texture, not a field)"),),
    uniforms=(Uniform("bake_size", "ivec2", (1024, 512), "texels", "baked texture size"),),
)
VIEW_BAKE = ViewDecl(
    name="view_bake",
    shader="render/bake.frag",
    stage="render",
    doc="what the views read at every pixel, gathered once a frame at the grid's size",
    fields=(
        *_READS,
        _CLOUD_TYPES,
        *_baked(*BAKED, intent="out"),
    ),
    uniforms=tuple(u for u in COMMON_UNIFORMS if u.name in ("flow_max", "river_min")),
)
RENDER_PASSES = (MAP_VIEW, GLOBE_VIEW, CLOUD_NOISE, VIEW_BAKE)
# The bake without the river network (#define RIVERS 0) where no river is drawn: its
# neighbour loop is a third of the bake's cost.
_BAKE_VARIANTS = {
    rivers: dataclasses.replace(
        VIEW_BAKE, name=f"view_bake[{int(rivers)}]", defines=(("RIVERS", int(rivers)),)
    )
    for rivers in (False, True)
}


def bake_decl(rivers: bool) -> ViewDecl:
    """The view bake's program, with or without the river network."""
    return _BAKE_VARIANTS[rivers]


_VARIANTS: dict[tuple[str, int, int, bool, bool], ViewDecl] = {}


def view_decl(
    view: str, layer: int, overlay_bits: int, molten: bool = False, lights: bool = True
) -> ViewDecl:
    """The view's program for one layer id and overlay set (kept, so the runner's compiled
    program is reused); the globe's night lights compiled in only with `lights` (llvmpipe
    pays for every branch in every pixel, lit or not)."""
    key = (view, layer, overlay_bits, molten, lights)
    d = _VARIANTS.get(key)
    if d is None:
        base = MAP_VIEW if view == "map" else GLOBE_VIEW
        defines = (
            ("LAYER", layer),
            ("OVERLAY_BITS", overlay_bits),
            ("MOLTEN", int(molten)),
            ("IS_GLOBE", int(view == "globe")),
            ("LIGHTS", int(lights)),
        )
        name = f"{base.name}[{layer},{overlay_bits},{int(molten)},{int(lights)}]"
        d = dataclasses.replace(base, name=name, defines=defines)
        _VARIANTS[key] = d
    return d


def overlay_bits(view: str, overlays: Iterable[str] | None) -> int:
    bits = 0
    for o in DEFAULT_OVERLAYS[view] if overlays is None else overlays:
        if o not in OVERLAYS:
            raise PlanetsimError(f"unknown overlay '{o}' (overlays: {', '.join(OVERLAYS)})")
        bits |= OVERLAYS[o]
    return bits
