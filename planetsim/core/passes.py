"""Passes as data. A PassDecl names its shader, the fields it reads and writes (with intent),
its uniforms (with defaults and units) and its stage. The GLSL declarations of samplers,
uniforms and outputs are generated from it (names are typed once); one generic runner
(planetsim.core.runner) executes any declaration.

Naming in GLSL: field `terrain` read -> `uniform sampler2D t_terrain;`, written ->
`out vec4 o_terrain;`; uniform `K` -> `uniform float u_K;`. The globals below are declared in
every pass and set by the pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Intent = Literal["in", "out", "inout"]

GLSL_TYPES = {"float": 1, "int": 1, "bool": 1, "vec2": 2, "vec3": 3, "vec4": 4, "ivec2": 2}
_ARRAY = re.compile(r"^(float|vec2|vec3|vec4)\[(\d+)\]$")


def type_size(glsl_type: str) -> int | None:
    """Numbers in a value of this uniform type (an array such as vec3[16] counts them all);
    None for a type the runner does not set."""
    if glsl_type in GLSL_TYPES:
        return GLSL_TYPES[glsl_type]
    m = _ARRAY.match(glsl_type)
    return GLSL_TYPES[m.group(1)] * int(m.group(2)) if m else None


@dataclass(frozen=True)
class Uniform:
    name: str
    type: str
    default: float | int | bool | tuple[float, ...]
    units: str
    doc: str
    min: float | None = None
    max: float | None = None

    def __post_init__(self) -> None:
        if type_size(self.type) is None:
            raise ValueError(f"uniform {self.name}: unsupported type {self.type}")

    @property
    def declaration(self) -> str:
        """The GLSL declaration: `uniform vec3 u_x[16];` for an array type."""
        m = _ARRAY.match(self.type)
        if m:
            return f"uniform {m.group(1)} {self.glsl}[{m.group(2)}];"
        return f"uniform {self.type} {self.glsl};"

    @property
    def glsl(self) -> str:
        return f"u_{self.name}"

    def check(self, value: object) -> float | int | bool | tuple[float, ...]:
        """Coerce `value` to this uniform's type or raise TypeError/ValueError saying why."""
        n = type_size(self.type)
        assert n is not None
        if self.type == "bool":
            if not isinstance(value, bool | int) or value not in (0, 1):
                raise TypeError(f"'{self.name}' is a bool, got {value!r}")
            return bool(value)
        if n == 1:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"'{self.name}' is a {self.type} ({self.units}), got {value!r}")
            if self.type == "int" and float(value) != int(value):
                raise TypeError(f"'{self.name}' is an int, got {value!r}")
            v: float | int = int(value) if self.type == "int" else float(value)
            if (self.min is not None and v < self.min) or (self.max is not None and v > self.max):
                raise ValueError(
                    f"'{self.name}' must be in [{self.min}, {self.max}] {self.units}, got {v}"
                )
            return v
        try:
            seq = tuple(float(x) for x in value)  # type: ignore[attr-defined]
        except TypeError:
            raise TypeError(f"'{self.name}' is a {self.type}, got {value!r}") from None
        if len(seq) != n:
            raise TypeError(f"'{self.name}' is a {self.type} ({n} numbers), got {value!r}")
        return seq


@dataclass(frozen=True)
class FieldUse:
    field: str
    intent: Intent
    doc: str
    channels: str = "xyzw"  # channels this pass changes (the rest it must pass through)

    @property
    def reads(self) -> bool:
        return self.intent in ("in", "inout")

    @property
    def writes(self) -> bool:
        return self.intent in ("out", "inout")


@dataclass(frozen=True)
class PassDecl:
    name: str
    shader: str  # path under shaders/ (or absolute, for developers' own passes)
    stage: str
    doc: str
    fields: tuple[FieldUse, ...]
    uniforms: tuple[Uniform, ...] = ()

    @property
    def reads(self) -> list[str]:
        return [f.field for f in self.fields if f.reads]

    @property
    def writes(self) -> list[str]:
        return [f.field for f in self.fields if f.writes]

    def header(self) -> str:
        """GLSL declarations generated from this declaration, injected after #version."""
        lines = [f"// generated from the declaration of pass '{self.name}'", GLOBALS_GLSL]
        for f in self.fields:
            if f.reads:
                lines.append(f"uniform sampler2D t_{f.field}; // {f.intent}: {f.doc}")
        for u in self.uniforms:
            lines.append(f"{u.declaration} // {u.units}: {u.doc}")
        for i, name in enumerate(self.writes):
            lines.append(f"layout(location = {i}) out vec4 o_{name};")
        return "\n".join(lines)


# Globals every pass sees. Set by the pipeline before each pass from the clock and the
# world state; a shader that does not use one simply leaves it inactive.
GLOBALS: tuple[Uniform, ...] = (
    Uniform("size", "ivec2", (0, 0), "cells", "grid width, height"),
    Uniform("seed", "int", 1, "", "random seed of the run"),
    Uniform("frame", "int", 0, "frames", "story frame"),
    Uniform("step", "int", 0, "steps", "sim step counter (hash key: changes every step)"),
    Uniform("year", "float", 0.0, "yr", "story year (negative = ago; float32, for display)"),
    Uniform("dt", "float", 1.0, "yr", "years per sim step"),
    Uniform("year_phase", "float", 0.0, "0..1", "time of year (0 = 1 January)"),
    Uniform("season", "float", 1.0, "-1..1", "+1 January (northern winter) .. -1 July"),
    Uniform("day_phase", "float", 0.0, "0..1", "time of day at longitude 0"),
    Uniform("sea_level", "float", 0.0, "m", "ocean surface in the elevation datum"),
    Uniform("air_rise", "float", 0.0, "m", "the air's 1013-hPa level above the sea", 0.0),
    Uniform("radius", "float", 6.371e6, "m", "planet radius"),
    Uniform("metric_flat", "bool", False, "", "unit cell spacing instead of the sphere's"),
    Uniform("sun_dir", "vec3", (1.0, 0.0, 0.0), "", "unit vector toward the sun"),
)
GLOBAL_NAMES = {u.name for u in GLOBALS}
GLOBALS_GLSL = "\n".join(f"{u.declaration} // {u.units}: {u.doc}" for u in GLOBALS)


@dataclass(frozen=True)
class Step:
    """One entry of a stage's schedule: run `pass_name` `repeat` times, every `every` sim
    steps (an int, or the name of an int uniform), optionally only `when` a condition holds
    ("land_changed": the land/ocean mask changed since this pass last ran; "nonzero:NAME":
    uniform NAME is not 0, for a pass that is an identity while it is 0)."""

    pass_name: str
    repeat: int = 1
    every: int | str = 1
    when: str | None = None


@dataclass(frozen=True)
class Stage:
    name: str
    doc: str
    steps: tuple[Step, ...]
    init: tuple[Step, ...] = ()  # run once, the first time the stage runs in a simulation
    moves_land: bool = False  # running it may move coastlines (land-dependent passes redo)
    params: tuple[Uniform, ...] = ()  # stage-level knobs read by Python, not by one shader
    # Python called with the Simulation before each sim step of the stage (cheap; it may do a
    # rare readback, e.g. the ocean condensing to a target fraction), or None.
    hook: Callable[[Any], None] | None = None
    # Passes the hook runs itself, on its own schedule (a stage whose order and timing are
    # decided in Python: the plates); checked like steps. And passes it runs at events (a
    # plate splits): exempt from the one-writer rule, as init steps are.
    hook_passes: tuple[str, ...] = ()
    event_passes: tuple[str, ...] = ()

    @property
    def pass_names(self) -> list[str]:
        out: list[str] = []
        names = (*(s.pass_name for s in (*self.init, *self.steps)), *self.hook_passes)
        for name in (*names, *self.event_passes):
            if name not in out:
                out.append(name)
        return out
