"""The registry: every pass, stage and piece of checkpointed Python state that exists, by name.
It is the one entry point through which stages enter the simulation. A stage module calls
register(...) and register_stage(...) when it is imported; the package root (planetsim/
__init__.py) imports planetsim.stages, so the built-in stages are registered before any
Simulation exists, and the core itself names no stage. A developer's own stage registers the
same way: import its module before making a Simulation (STORY_ORDER gives each stage its
place in a sim step)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .passes import GLOBAL_NAMES, GLOBALS, PassDecl, Stage, Uniform

PASSES: dict[str, PassDecl] = {}
STAGES: dict[str, Stage] = {}

# Within one sim step, the stages of an epoch run in this order (the story's causal order).
STORY_ORDER = (
    "relief",
    "protoplanet",
    "tectonics",
    "erosion",
    "climate",
    "water_cycle",
    "life",
    "people",
)


def register(*decls: PassDecl) -> None:
    for d in decls:
        if d.name in PASSES and PASSES[d.name] != d:
            raise ValueError(f"pass '{d.name}' registered twice")
        for u in d.uniforms:
            if u.name in GLOBAL_NAMES:
                raise ValueError(f"pass '{d.name}': uniform '{u.name}' shadows a global")
        PASSES[d.name] = d


def register_stage(stage: Stage) -> Stage:
    if stage.name not in STORY_ORDER:
        raise ValueError(f"stage '{stage.name}' has no place in STORY_ORDER")
    STAGES[stage.name] = stage
    return stage


def all_uniforms(decls: Sequence[PassDecl] | None = None) -> dict[str, Uniform]:
    """Every declared uniform by name: globals, pass uniforms and stage params. A name
    declared by two passes must mean the same thing (same type, units and default)."""
    out = {u.name: u for u in GLOBALS}
    for d in decls if decls is not None else PASSES.values():
        for u in d.uniforms:
            prev = out.get(u.name)
            if prev is not None and (prev.type, prev.units, prev.default) != (
                u.type,
                u.units,
                u.default,
            ):
                raise ValueError(f"uniform '{u.name}' is declared twice with different meaning")
            out[u.name] = u
    for st in STAGES.values():
        for u in st.params:
            out.setdefault(u.name, u)
    return out


def stage_uniforms(stage: str) -> dict[str, Uniform]:
    """Uniforms a preset's [stage] table may set: those of the stage's passes and params."""
    st = STAGES[stage]
    out: dict[str, Uniform] = {}
    for name in st.pass_names:
        for u in PASSES[name].uniforms:
            out[u.name] = u
    for u in st.params:
        out[u.name] = u
    return out


# Python-side state a stage keeps outside the fields and uniforms (a cached readback, say)
# must travel in checkpoints for a bit-exact resume: register_state(name, get, put), where
# get(sim) returns a dict of numpy arrays and JSON-able values (or None: nothing to keep) and
# put(sim, that dict or None) restores it (None: a sim that never had it).
StateGet = Callable[[Any], dict[str, Any] | None]
StatePut = Callable[[Any, dict[str, Any] | None], None]
STATE_HOOKS: dict[str, tuple[StateGet, StatePut]] = {}


def register_state(name: str, get: StateGet, put: StatePut) -> None:
    if "." in name:
        raise ValueError(f"state name '{name}' must not contain '.'")
    STATE_HOOKS[name] = (get, put)
