"""One EGL context for the whole session (like moderngl's own tests); GL errors are checked
around every test that uses it."""

from __future__ import annotations

import moderngl
import pytest

import planetsim
from planetsim.core.context import create_context


@pytest.fixture(scope="session")
def ctx() -> moderngl.Context:
    c = create_context("egl")
    yield c
    c.release()


@pytest.fixture
def gl(ctx: moderngl.Context) -> moderngl.Context:
    ctx.error  # clear any earlier error  # noqa: B018
    yield ctx
    assert ctx.error == "GL_NO_ERROR"


# The world unit tests start from unless they name a preset: every parameter at its declared
# default and one plain epoch, so the shipped stories can change without moving the tests.
NEUTRAL = """
name = "neutral"
description = "unit tests: declared defaults, one relief epoch"
[grid]
size = [64, 32]
seed = 1
[[epoch]]
name = "relief"
frames = 60
years = [-4.5e9, -4.0e9]
stages = ["relief"]
steps_per_frame = 2
"""


def plates_only(size: tuple[int, int], **tectonics: object) -> str:
    """A story of the tectonics stage alone (1 Gyr in 4000 steps) on this grid, its plate
    decisions and sea level off unless `tectonics` sets them: the plates tests' world."""
    keys = {"plate_decision_myr": 1.0e6, "sea_level_every_myr": 1.0e6, **tectonics}
    body = "\n".join(f"{k} = {v!r}" for k, v in keys.items())
    return (
        'name = "plates-only"\ndescription = "the tectonics stage alone"\n'
        f"[grid]\nsize = [{size[0]}, {size[1]}]\nseed = 1\n[tectonics]\n{body}\n"
        '[[epoch]]\nname = "plates"\nframes = 4000\nyears = [-1.0e9, 0.0]\n'
        'stages = ["tectonics"]\nsteps_per_frame = 1\n'
    )


@pytest.fixture
def neutral():
    """The NEUTRAL preset, parsed (for a test that builds its own Simulation)."""
    from planetsim.core.presets import parse

    return parse(NEUTRAL)


@pytest.fixture
def make_sim(gl: moderngl.Context):
    """make_sim(**kw) -> Simulation on the shared context, closed after the test. Without a
    preset it is NEUTRAL (defaults only), not a shipped story."""
    from planetsim.core.presets import parse

    sims: list[planetsim.Simulation] = []

    def make(**kw) -> planetsim.Simulation:
        kw.setdefault("size", (64, 32))
        if "preset" not in kw:
            kw["preset"] = parse(NEUTRAL)
        sim = planetsim.Simulation(ctx=gl, **kw)
        sims.append(sim)
        return sim

    yield make
    for s in sims:
        s.close()
