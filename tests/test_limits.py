"""Grids and pictures too large for the driver or the memory (issue 21): refused in one line
before anything is allocated, saying what was asked, the limit and the largest grid that
fits. The limits are patched so CI needs no big memory; the real four commands of the issue
run as subprocesses against this machine's own limits."""

from __future__ import annotations

import math
import subprocess
import sys
import time

import moderngl
import numpy as np
import pytest

import planetsim
from planetsim.core import limits
from planetsim.core.fields import texel_load
from planetsim.core.limits import GIB, GridTooLarge, Limits
from planetsim.frontends.cli import main


def _expected_largest(memory: int, max_side: int) -> tuple[int, int]:
    """The documented estimate, written out: (2 textures per grid-sized field or atlas tile
    + 2 numpy copies) x 16 bytes a cell x 1.1 overhead; W = 2H, H a multiple of 64, and the
    widest atlas (the plates' frames, 4 grids wide) within the driver's texture size."""
    n, widest = texel_load()
    per_cell = (2 * n + 2) * 16 * 1.1
    h = min(max_side // (2 * widest), math.isqrt(int(memory / (2 * per_cell))))
    h -= h % 64
    return 2 * h, h


@pytest.fixture
def small_driver(monkeypatch):
    """A driver with 2048-texel textures and 1 GiB: what a small laptop GPU might report."""
    lim = Limits(2048, 2048, (2048, 2048), 1 * GIB, "free video memory (test)")
    monkeypatch.setattr(limits, "driver_limits", lambda ctx: lim)
    return lim


@pytest.fixture
def big_texture_driver(monkeypatch):
    """A driver with 16384-texel textures and 1 GiB: memory is what limits it."""
    lim = Limits(16384, 16384, (16384, 16384), 1 * GIB, "free video memory (test)")
    monkeypatch.setattr(limits, "driver_limits", lambda ctx: lim)
    return lim


@pytest.fixture
def allocations(monkeypatch):
    """Every texture, framebuffer and numpy zeros array made while the test runs."""
    made: list[str] = []
    for name in ("texture", "framebuffer"):
        orig = getattr(moderngl.Context, name)

        def counted(self, *a, _orig=orig, _name=name, **kw):
            made.append(_name)
            return _orig(self, *a, **kw)

        monkeypatch.setattr(moderngl.Context, name, counted)
    return made


def test_a_grid_over_the_memory_is_refused_before_anything_is_allocated(
    gl, big_texture_driver, allocations, neutral
):
    w, h = 2048, 1024
    need = (2 * texel_load()[0] + 2) * w * h * 16 * 1.1
    with pytest.raises(GridTooLarge) as err:
        planetsim.Simulation(preset=neutral, size=(w, h), ctx=gl)
    bw, bh = _expected_largest(GIB, 16384)
    assert str(err.value) == (
        f"grid {w}x{h} needs about {need / GIB:.1f} GiB of texture memory; this renderer has "
        f"about 1.0 GiB (free video memory (test)); the largest grid that fits is {bw}x{bh}"
    )
    assert allocations == []
    assert isinstance(err.value, planetsim.PlanetsimError) and err.value.exit_code == 2
    # The largest grid it names does fit, and one step more does not.
    with planetsim.Simulation(preset=neutral, size=(bw, bh), ctx=gl):
        pass
    with pytest.raises(GridTooLarge):
        limits.check_grid(gl, (bw + 128, bh + 64), texel_load()[0])


def test_a_grid_over_the_texture_size_is_refused(gl, small_driver, allocations, neutral):
    with pytest.raises(GridTooLarge) as err:
        planetsim.Simulation(preset=neutral, size=(4096, 2048), ctx=gl)
    assert "GL_MAX_TEXTURE_SIZE 2048, 4 grid widths for the plates' frames" in str(err.value)
    bw, bh = _expected_largest(GIB, 2048)
    assert bw <= 2048 and str(err.value).endswith(f"the largest grid that fits is {bw}x{bh}")
    assert allocations == []


def test_the_cli_names_the_flag_and_the_preset(capsys, gl, small_driver, tmp_path, neutral):
    code = main(["render", "--size", "4096x2048", "--out", str(tmp_path / "x.png")], ctx=gl)
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 1
    assert err[0].startswith("planetsim: error: --size 4096x2048 is wider than this driver")
    big = tmp_path / "big.toml"
    big.write_text(neutral.text.replace("size = [64, 32]", "size = [8192, 4096]"))
    code = main(["snapshot", "--preset", str(big), "--out", str(tmp_path / "s")], ctx=gl)
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 1
    assert "grid 8192x4096 of preset 'neutral'" in err[0]
    assert not (tmp_path / "s").exists() and not (tmp_path / "x.png").exists()


def test_pictures_beyond_the_driver_are_refused(capsys, gl, monkeypatch, make_sim, tmp_path):
    sim = make_sim()
    lim = Limits(1024, 1024, (1024, 512), None, "not reported by this driver")
    monkeypatch.setattr(limits, "driver_limits", lambda ctx: lim)
    with pytest.raises(GridTooLarge) as err:
        planetsim.render.render_frame(sim, "map", "elevation", (1024, 600))
    assert "picture 1024x600 is larger than this driver draws (1024x512 at most" in str(err.value)
    img = planetsim.render.render_frame(sim, "map", "elevation", (1024, 512), label=False)
    assert img.shape == (512, 1024, 3)  # at the limit: drawn
    code = main(["render", "--size", "64x32", "--width", "2048", "--height", "512",
                 "--out", str(tmp_path / "x.png")], ctx=gl)  # fmt: skip
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 1 and "--width/--height picture 2048x512" in err[0]


def test_info_prints_the_limits_and_the_largest_grid(capsys, gl, small_driver):
    assert main(["info"], ctx=gl) == 0
    out = capsys.readouterr().out
    bw, bh = _expected_largest(GIB, 2048)
    assert f"largest grid: {bw}x{bh}" in out
    assert "memory: 1.0 GiB (free video memory (test))" in out
    assert "max_viewport_dims: 2048x2048" in out


def test_gl_integers_are_read_from_the_current_context(gl):
    """The loader for the memory extensions' enums, checked on one moderngl knows."""
    assert limits._gl_get_integers(0x0D33, 1) == [int(gl.info["GL_MAX_TEXTURE_SIZE"])]


ISSUE_COMMANDS = {
    "65536x32768": ["render", "--size", "65536x32768", "--out", "x.png"],
    "32768x16384": ["render", "--size", "32768x16384", "--out", "x.png"],
    "16384x8192": ["render", "--size", "16384x8192", "--to", "1", "--out", "x.png"],
    "20000x10000": ["snapshot", "--size", "20000x10000", "--out", "snap"],
}


@pytest.mark.parametrize("size", list(ISSUE_COMMANDS))
def test_the_issue_commands_answer_at_once_on_this_machine(gl, size, tmp_path):
    """Real limits: each grid is over this machine's texture size or memory (where the
    machine could hold it, the case says so and is skipped)."""
    w, h = (int(v) for v in size.split("x"))
    lim = limits.driver_limits(gl)
    fits_size = max(w, h) * texel_load()[1] <= lim.max_side
    fits_memory = lim.memory_bytes is None or limits.grid_bytes(w, h, texel_load()[0]) <= (
        lim.memory_bytes
    )
    if fits_size and fits_memory:
        pytest.skip(f"this machine could hold a {size} grid ({lim.memory_bytes} bytes free)")
    t0 = time.perf_counter()
    p = subprocess.run(
        [sys.executable, "-m", "planetsim", *ISSUE_COMMANDS[size]],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    took = time.perf_counter() - t0
    assert p.returncode == 2, p.stderr[-2000:]
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in p.stderr
    assert lines[0].startswith(f"planetsim: error: --size {size} ")
    assert "the largest grid that fits is " in lines[0]
    assert took < 5.0, f"{took:.1f} s"
    assert list(tmp_path.iterdir()) == []
    np.testing.assert_equal(p.stdout, "")
