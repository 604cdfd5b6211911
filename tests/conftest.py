"""One EGL context for the whole session (like moderngl's own tests); GL errors are checked
around every test that uses it."""

from __future__ import annotations

import moderngl
import pytest

import planetsim
from planetsim.context import create_context


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


@pytest.fixture
def make_sim(gl: moderngl.Context):
    """make_sim(**kw) -> Simulation on the shared context, closed after the test."""
    sims: list[planetsim.Simulation] = []

    def make(**kw) -> planetsim.Simulation:
        kw.setdefault("size", (64, 32))
        sim = planetsim.Simulation(ctx=gl, **kw)
        sims.append(sim)
        return sim

    yield make
    for s in sims:
        s.close()
