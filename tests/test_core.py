"""The spine: fields, shader loading, the pass runner, neighbours on the sphere, determinism."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import planetsim
from planetsim.analysis import Grid
from planetsim.core.errors import ContextError, FieldError, ShaderError
from planetsim.core.passes import FieldUse, PassDecl, Uniform
from planetsim.reference.relief import hillslope_step

HERE = Path(__file__).parent / "shaders"

PROBE = PassDecl(
    name="test_neighbour_probe",
    shader=str(HERE / "neighbour_probe.frag"),
    stage="test",
    doc="copies the neighbour at a given offset",
    fields=(FieldUse("terrain", "in", "cell ids"), FieldUse("water", "out", "neighbour ids")),
    uniforms=(
        Uniform("probe_dx", "int", 0, "cells", "x offset"),
        Uniform("probe_dy", "int", 0, "cells", "y offset"),
    ),
)


def cell_ids(h: int, w: int) -> np.ndarray:
    a = np.zeros((h, w, 4), np.float32)
    yy, xx = np.mgrid[0:h, 0:w]
    a[..., 0] = yy * w + xx  # exact in float32 for small grids
    a[..., 1] = yy
    a[..., 2] = xx
    return a


@pytest.mark.parametrize("size", [(64, 32), (128, 64), (96, 48)])  # 96x48: not 2^n
@pytest.mark.parametrize(
    "offset",
    [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1), (3, -2), (0, 2)],
)
def test_neighbour_fetch_matches_numpy(make_sim, size, offset):
    sim = make_sim(size=size)
    grid = sim.grid
    ids = cell_ids(*grid.shape)
    sim.field("terrain").write(ids)
    sim.values["probe_dx"], sim.values["probe_dy"] = offset
    sim.run_decl(PROBE)
    got = sim.field("water").read()
    want = grid.neighbour(ids[..., 0], *offset)
    np.testing.assert_array_equal(got[..., 0], want)
    if max(abs(offset[0]), abs(offset[1])) <= 1:  # neighbour_cell, the select-only form
        np.testing.assert_array_equal(got[..., 3], want)


def test_neighbour_wraps_and_crosses_poles(make_sim):
    """The facts themselves, independent of the numpy helper: x wraps at +-180 deg and the
    cell across a pole is the same row half a turn around."""
    sim = make_sim(size=(64, 32))
    h, w = sim.grid.shape
    ids = cell_ids(h, w)
    sim.field("terrain").write(ids)
    for (dx, dy), check in {
        (-1, 0): lambda g: (g[:, 0, 2] == w - 1).all() and (g[:, 0, 1] == np.arange(h)).all(),
        (1, 0): lambda g: (g[:, w - 1, 2] == 0).all(),
        (0, -1): lambda g: (
            (g[0, :, 1] == 0).all() and (g[0, :, 2] == (np.arange(w) + w // 2) % w).all()
        ),
        (0, 1): lambda g: (
            (g[h - 1, :, 1] == h - 1).all()
            and (g[h - 1, :, 2] == (np.arange(w) + w // 2) % w).all()
        ),
    }.items():
        sim.values["probe_dx"], sim.values["probe_dy"] = dx, dy
        sim.run_decl(PROBE)
        assert check(sim.field("water").read()), (dx, dy)


def test_grid_neighbour_reference_facts():
    g = Grid(8, 4)
    a = np.arange(32).reshape(4, 8)
    assert g.neighbour(a, 0, -1)[0, 0] == a[0, 4]  # across the south pole: half a turn
    assert g.neighbour(a, 0, 1)[3, 6] == a[3, 2]  # across the north pole
    assert g.neighbour(a, -1, 0)[2, 0] == a[2, 7]  # wrap at -180
    assert abs(g.cell_area_m2.sum() / (4 * np.pi * g.radius**2) - 1) < 1e-12


def test_field_round_trip_is_exact(make_sim):
    sim = make_sim()
    rng = np.random.default_rng(3)
    a = rng.standard_normal((32, 64, 4)).astype(np.float32) * 1e4
    a[0, 0] = [np.finfo(np.float32).max, np.finfo(np.float32).tiny, -0.0, 1e-45]
    f = sim.field("civ")
    f.write(a)
    b = f.read()
    assert b.dtype == np.float32 and b.shape == (32, 64, 4)
    assert a.tobytes() == b.tobytes()


def test_field_row_zero_is_south(make_sim):
    """A pass that writes latitude shows row 0 is the south edge."""
    sim = make_sim()
    sim.field("terrain").write(cell_ids(32, 64))
    sim.values["probe_dx"], sim.values["probe_dy"] = 0, 0
    sim.run_decl(PROBE)
    got = sim.field("water").read()
    assert (got[0, :, 1] == 0).all() and (got[-1, :, 1] == 31).all()


@pytest.mark.parametrize(
    "bad, words",
    [
        (np.zeros((32, 64, 3), np.float32), ["shape", "(32, 64, 4)", "(32, 64, 3)"]),
        (np.zeros((64, 32, 4), np.float32), ["shape", "(64, 32, 4)"]),
        (np.zeros((32, 64, 4), np.float64), ["dtype", "float32", "float64"]),
        ([[0.0]], ["numpy array", "list"]),
    ],
)
def test_field_refuses_bad_arrays(make_sim, bad, words):
    sim = make_sim()
    with pytest.raises(FieldError) as info:
        sim.field("terrain").write(bad)
    msg = str(info.value)
    assert "terrain" in msg and "\n" not in msg
    for w in words:
        assert w in msg


def test_field_refuses_nan_and_says_where(make_sim):
    sim = make_sim()
    a = np.zeros((32, 64, 4), np.float32)
    a[5, 7, 2] = np.nan
    a[9, 1, 0] = np.inf
    before = sim.field("air").read()
    with pytest.raises(FieldError, match=r"2 non-finite values \(first at row 5, column 7, "):
        sim.field("air").write(a)
    assert sim.field("air").read().tobytes() == before.tobytes()  # untouched


def test_error_in_included_file_names_that_file_and_line(make_sim):
    sim = make_sim()
    decl = PassDecl(
        name="test_broken",
        shader=str(HERE / "broken_main.frag"),
        stage="test",
        doc="does not compile",
        fields=(FieldUse("water", "out", "nothing"),),
    )
    with pytest.raises(ShaderError) as info:
        sim.run_decl(decl)
    first = str(info.value).splitlines()[0]
    assert "broken_helper.glsl:4" in first, first


def test_include_of_missing_file_is_named(make_sim, tmp_path):
    src = tmp_path / "p.frag"
    src.write_text('#include "lib/grid.glsl"\n#include "lib/nope.glsl"\nvoid main() {}\n')
    decl = PassDecl("test_missing", str(src), "test", "", (FieldUse("water", "out", ""),))
    with pytest.raises(ShaderError, match=r"nope.glsl.*p.frag:2"):
        make_sim().run_decl(decl)


def test_each_include_once(tmp_path):
    from planetsim.core.shaders import assemble

    src = tmp_path / "p.frag"
    src.write_text(
        '#include "lib/grid.glsl"\n#include "lib/noise.glsl"\n#include "lib/grid.glsl"\n'
    )
    text = assemble(src).text
    assert text.count("ivec2 wrap_cell(") == 1
    assert text.count("const float PI") == 1
    assert text.count("uint hash_u32(") == 1


@pytest.mark.parametrize("metric", ["flat", "sphere"])
def test_diffusion_matches_numpy(make_sim, metric):
    """hillslope: N GPU steps equal N steps of the numpy stencil to 1e-5 relative."""
    sim = make_sim(size=(64, 32), metric=metric)
    rng = np.random.default_rng(7)
    z = (1000.0 + 500.0 * rng.standard_normal((32, 64))).astype(np.float32)
    a = np.zeros((32, 64, 4), np.float32)
    a[..., 0] = z
    a[..., 3] = 42.0
    sim.field("terrain").write(a)
    D, dt = (0.05, 1.0) if metric == "flat" else (2.0e9, 1.0)  # sphere: some cells hit the cap
    sim.set_uniform("hillslope_D", D)
    sim.set_uniform("hillslope_dt", dt)
    n = 25
    sim.run_pass("hillslope", repeat=n)
    got = sim.field("terrain").read()
    want = z.astype(np.float64)
    for _ in range(n):
        want = hillslope_step(want, sim.grid, D, dt, metric == "flat")
    np.testing.assert_allclose(got[..., 0], want, rtol=1e-5)
    assert (got[..., 3] == 42.0).all()  # untouched channels pass through
    assert np.abs(got[..., 0] - z).max() > 1.0  # it really diffused


def test_diffusion_spreads_a_hill_as_the_heat_equation_does(make_sim):
    """Physics, not the stencil: under dz/dt = D laplacian(z) (flat metric, unit cells) a hill
    keeps its volume and its variance along each axis grows by exactly 2 D t, whatever its
    shape (the second moment of the heat equation); a Gaussian hill's peak falls as
    s0^2 / (s0^2 + 2 D t). (A grid tall enough that nothing reaches the poles, whose
    neighbours lie half a turn away.)"""
    sim = make_sim(size=(128, 64), metric="flat")
    y, x = np.mgrid[0:64, 0:128].astype(np.float64)
    s0 = 2.5
    z = 1000.0 * np.exp(-((x - 64.0) ** 2 + (y - 32.0) ** 2) / (2 * s0**2))
    a = np.zeros((64, 128, 4), np.float32)
    a[..., 0] = z
    sim.field("terrain").write(a)
    D, n = 0.1, 40  # cells^2 per step, below the stability cap
    sim.set_uniform("hillslope_D", D)
    sim.set_uniform("hillslope_dt", 1.0)
    sim.run_pass("hillslope", repeat=n)
    got = sim.field("terrain").read()[..., 0].astype(np.float64)

    def moments(h: np.ndarray) -> tuple[float, float, float]:
        m = h.sum()
        return m, ((x - 64.0) ** 2 * h).sum() / m, ((y - 32.0) ** 2 * h).sum() / m

    m0, vx0, vy0 = moments(z)
    m1, vx1, vy1 = moments(got)
    assert m1 == pytest.approx(m0, rel=1e-5)
    assert vx1 - vx0 == pytest.approx(2 * D * n, rel=1e-3)
    assert vy1 - vy0 == pytest.approx(2 * D * n, rel=1e-3)
    assert got.max() == pytest.approx(1000.0 * s0**2 / (s0**2 + 2 * D * n), rel=0.02)


def test_same_seed_same_bits_other_seed_differs(make_sim):
    def run(seed: int) -> bytes:
        sim = make_sim(seed=seed)
        sim.step(3)
        return sim.field("terrain").read().tobytes()

    a, b, c = run(5), run(5), run(6)
    assert a == b
    assert a != c


def test_set_uniform_checks_name_and_type(make_sim):
    sim = make_sim()
    sim.set_uniform("hillslope_D", 3)
    assert sim.uniform("hillslope_D") == 3.0
    with pytest.raises(planetsim.PlanetsimError, match="unknown uniform 'nope'"):
        sim.set_uniform("nope", 1.0)
    with pytest.raises(planetsim.PlanetsimError, match="hillslope_D"):
        sim.set_uniform("hillslope_D", "fast")
    with pytest.raises(planetsim.PlanetsimError, match=r"must be in \[0.0"):
        sim.set_uniform("hillslope_D", -1.0)


def test_clock_follows_the_story(make_sim):
    sim = make_sim()
    e = sim.timeline.epochs[0]
    sim.step(4)
    assert sim.frame == 4
    assert sim.step_count == 4 * e.steps_per_frame
    assert sim.year == pytest.approx(e.years[0] + 4 * e.years_per_frame)
    assert sim.uniform("dt") == pytest.approx(e.years_per_frame / e.steps_per_frame)


def test_missing_context_is_one_clear_line():
    with pytest.raises(ContextError) as info:
        planetsim.core.context.create_context("no-such-backend")
    msg = str(info.value)
    assert "\n" not in msg and "OpenGL 3.3" in msg and "apt-get install" in msg


def test_advance_in_pieces_equals_whole_frames(make_sim):
    a, b = make_sim(seed=4), make_sim(seed=4)
    spf = a.epoch.steps_per_frame
    a.step(3)
    for n in (1, spf * 2, spf - 1):  # 3 frames' steps, split across frame boundaries
        b.advance(n)
    assert (b.frame, b.substep, b.step_count) == (a.frame, 0, a.step_count)
    assert a.field("terrain").read().tobytes() == b.field("terrain").read().tobytes()
    b.advance(1)  # part-way into a frame: step() finishes that frame first
    b.step(1)
    a.step(1)
    assert (b.frame, b.step_count) == (a.frame, a.step_count)


READS_STORY = """
name = "plates-reads"
description = "test story: plates in 1 Myr steps, then climate and life"
[grid]
size = [64, 32]
seed = 2
[[epoch]]
name = "oceans"
frames = 2
years = [-4.5e9, -4.4e9]
stages = ["protoplanet"]
set = { ocean_fill = 1.0, impact_rate = 0.0 }
[[epoch]]
name = "plates"
frames = 200
years = [-4.4e9, -4.2e9]
stages = ["tectonics"]
[[epoch]]
name = "climate and life"
frames = 100
years = [-4.2e9, -4.0e9]
stages = ["climate", "water_cycle", "life"]
"""


def test_no_readback_in_the_stepping_loop(make_sim, monkeypatch):
    """The README's promise, counted: every read of a texture, framebuffer or buffer goes
    through a counter. 100 steps of climate, water cycle and life read nothing back; 200
    steps of plates at 1 Myr a step read back only on the documented cadences (the sea level
    every sea_level_every_myr = 5 Myr, one read; the plates' decisions every 10 Myr, two)."""
    import moderngl

    from planetsim.core.presets import parse

    reads = {"n": 0}
    for cls in (moderngl.Texture, moderngl.Framebuffer, moderngl.Buffer):
        for name in ("read", "read_into"):
            real = getattr(cls, name)

            def counted(self, *a, _real=real, **k):  # type: ignore[no-untyped-def]
                reads["n"] += 1
                return _real(self, *a, **k)

            monkeypatch.setattr(cls, name, counted)
    sim = make_sim(preset=parse(READS_STORY), size=None)
    plates, climate = sim.timeline.epochs[1], sim.timeline.epochs[2]
    sim.step(2)
    reads["n"], steps_read = 0, 0
    for _ in range(plates.frames):
        before = reads["n"]
        sim.step(1)
        steps_read += reads["n"] > before
    myr = 200.0
    assert 0 < steps_read <= myr / sim.values["sea_level_every_myr"] + 1
    assert reads["n"] <= myr / 5.0 + 2 * (myr / 10.0) + 2
    reads["n"] = 0
    sim.step(climate.frames)
    assert reads["n"] == 0
