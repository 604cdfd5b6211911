"""The window (planetsim.frontends.window): pacing, file naming and the no-display error here; the
window itself under Xvfb, in a subprocess (GLX there, the session EGL context here), driven
by key presses sent through the viewer's own GLFW callbacks.

Run as a script, this file is that subprocess: `python tests/test_viewer.py drive OUTDIR`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from planetsim.core.errors import PlanetsimError
from planetsim.frontends import window as viewer

HERE = Path(__file__).resolve()
WINDOW = (192, 128)  # 3:2, so the map (2:1) gets bars and the globe fills the window
GRID = (64, 32)
FRAMES = 120
# The driver's own short story (not quick.toml, which grows with the project): 40 frames.
STORY = """name = "viewer-test"
description = "a short story for the window test"
[grid]
size = [64, 32]
seed = 1
[[epoch]]
name = "relief"
frames = 40
years = [-4.5e9, -4.0e9]
stages = ["relief"]
steps_per_frame = 2
"""


def parse_view_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    viewer.add_arguments(p)
    return p.parse_args(argv)


# ---- no window needed --------------------------------------------------------------------------
def test_no_display_is_one_line_pointing_to_render(monkeypatch, capsys):
    if not sys.platform.startswith("linux"):
        pytest.skip("DISPLAY decides only on Linux/BSD")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(PlanetsimError) as err:
        viewer.run(parse_view_args(["--size", "64x32"]))
    msg = str(err.value)
    assert "\n" not in msg
    assert "no display" in msg and "planetsim render" in msg
    assert err.value.exit_code != 0
    # Through the command: that line on stderr, exit 2, no traceback.
    from planetsim.frontends.cli import main

    assert main(["view", "--size", "64x32"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("planetsim: error: no display")


def test_unreachable_display_is_one_line(monkeypatch, tmp_path):
    if not sys.platform.startswith("linux"):
        pytest.skip("X11 displays: Linux/BSD")
    free = next(n for n in range(4321, 4400) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    monkeypatch.setenv("DISPLAY", f":{free}")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(PlanetsimError) as err:
        viewer.run(parse_view_args(["--size", "64x32"]))
    msg = str(err.value)
    assert "\n" not in msg and "planetsim render" in msg


def test_bad_options_are_one_line(tmp_path):
    existing = tmp_path / "mine.png"
    existing.write_bytes(b"the user's picture")
    cases = [
        ["--screenshot-at", f"10:{existing}"],  # would overwrite
        ["--screenshot-at", f"10:{tmp_path / 'a.jpg'}"],
        ["--max-frames", "5", "--screenshot-at", f"10:{tmp_path / 'b.png'}"],
        ["--layer", "no-such-layer"],
        ["--view", "sideways"],
    ]
    for argv in cases:
        with pytest.raises(PlanetsimError) as err:
            viewer.run(parse_view_args(argv))
        assert "\n" not in str(err.value), argv
    assert existing.read_bytes() == b"the user's picture"
    for bad in (
        ["--screenshot-at", "x.png"],
        ["--screenshot-at", "0:x.png"],
        ["--speed", "0"],
        ["--render-scale", "3"],
    ):
        with pytest.raises(SystemExit):
            parse_view_args(bad)


def test_controls_table_names_every_control():
    keys = " ".join(k for k, _ in viewer.CONTROLS)
    for must in ("drag", "scroll", "M", "Tab", "Space", "Right", "+", ".", "R", "S", "H", "Esc"):
        assert must in keys, must


def test_pacer_fixed_runs_what_the_epoch_asks():
    p = viewer.Pacer(1 / 60, adaptive=False)
    assert [p.plan(3.0) for _ in range(4)] == [3, 3, 3, 3]
    assert [p.plan(0.5) for _ in range(4)] == [0, 1, 0, 1]  # half speed: every other frame
    p.record(1.0, 3)  # a slow frame changes nothing when fixed
    assert p.plan(40.0) == 40


def _paced(want: float, frames: int) -> list[int]:
    """Steps per frame on a machine where a frame costs 4 ms + 2 ms a step (60 fps target)."""
    p = viewer.Pacer(1 / 60)
    runs = []
    for _ in range(frames):
        n = p.plan(want)
        p.record(0.004 + 0.002 * n, n)
        runs.append(n)
    return runs


def test_pacer_adapts_steps_to_the_frame_budget():
    runs = _paced(100.0, 300)[100:]  # about 6 steps fit in 16.7 ms
    late = [n for n in runs if 0.004 + 0.002 * n > 1.15 / 60]
    assert 4 <= np.mean(runs) <= 6.4
    assert len(late) <= 10  # probing for more now and then, never stuck late
    # A cheap epoch: the budget never makes the story run faster than it asks.
    cheap = _paced(3.0, 200)
    assert max(cheap) == 3 and cheap[-50:] == [3] * 50


def test_resolution_drops_only_when_steps_cannot():
    target = 1 / 60
    r = viewer.Resolution(None)
    r.record(0.1, target, at_min_steps=False)  # the pacer can still shed steps
    assert r.scale == 1.0
    for _ in range(20):  # a picture that costs 50 ms at full size (cost ~ pixels)
        r.record(0.05 * r.scale**2, target, at_min_steps=True)
    assert 0.25 <= r.scale <= 0.6 and 0.05 * r.scale**2 <= 1.25 * target
    assert (r.scale * 16) == int(r.scale * 16)  # sixteenths: few picture sizes
    for _ in range(30):  # a fast machine: back to full size
        r.record(0.002, target, at_min_steps=True)
    assert r.scale == 1.0
    fixed = viewer.Resolution(0.5)
    fixed.record(1.0, target, at_min_steps=True)
    assert fixed.scale == 0.5


def test_fit_rect_keeps_the_map_aspect():
    assert viewer.fit_rect((400, 100), 2.0) == (100, 0, 200, 100)
    assert viewer.fit_rect((200, 300), 2.0) == (0, 100, 200, 100)
    assert viewer.fit_rect((640, 360), None) == (0, 0, 640, 360)


def test_screenshot_names_never_overwrite(tmp_path):
    (tmp_path / "planetsim-0001.png").write_bytes(b"keep")
    img = np.zeros((4, 8, 3), np.uint8)
    meta = {"planetsim_version": "test", "comment": "test"}
    a = viewer.save_png_new(img, tmp_path, meta)
    b = viewer.save_png_new(img, tmp_path, meta)
    assert (a.name, b.name) == ("planetsim-0002.png", "planetsim-0003.png")
    assert (tmp_path / "planetsim-0001.png").read_bytes() == b"keep"


# ---- the window, under Xvfb --------------------------------------------------------------------
@pytest.fixture(scope="module")
def xdisplay():
    """A private Xvfb; its display number comes from Xvfb itself (-displayfd), so two test
    runs never fight over one. -noreset: an X server resets when its last client leaves, and
    a window opened during the reset fails."""
    exe = shutil.which("Xvfb")
    if exe is None:
        pytest.skip("Xvfb is not installed (Debian/Ubuntu: apt-get install xvfb)")
    r, w = os.pipe()
    log = tempfile.TemporaryFile()  # not a pipe: a server that talks must never block on it
    proc = subprocess.Popen(
        [exe, "-displayfd", str(w), "-screen", "0", "640x480x24", "-nolisten", "tcp", "-noreset"],
        pass_fds=(w,),
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    os.close(w)
    with os.fdopen(r) as f:
        number = f.readline().strip()
    if not number:
        # Installed but broken is a failure, not a skip: CI installs Xvfb for these tests.
        proc.kill()
        proc.wait()
        log.seek(0)
        err = log.read().decode(errors="replace")[-500:]
        pytest.fail(f"Xvfb is installed ({exe}) but did not start: {err}")
    yield f":{number}"
    proc.terminate()
    proc.wait(timeout=10)


def run_here(args: list[str], display: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
    env["DISPLAY"] = display
    cmd = [sys.executable, *args] if args[0] == "-m" else [sys.executable, str(HERE), *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def drive(xdisplay, tmp_path_factory):
    out = tmp_path_factory.mktemp("viewer")
    (out / "planetsim-0001.png").write_bytes(b"a file the user had")
    res = run_here(["drive", str(out)], xdisplay)
    assert res.returncode == 0, res.stderr[-3000:]
    return out, json.loads((out / "report.json").read_text())


def _png(path: Path) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"))


def test_window_plays_120_frames_with_keys(drive):
    out, rep = drive
    assert rep["frames"] == FRAMES and rep["more_after_max"] is False
    assert rep["speed_up"] == 2.0 and rep["speed_down"] == 1.0
    # Space: the story stops; '.': exactly one story frame more.
    assert rep["paused_frames_moved"] == 0
    assert rep["dot_moved"] == 1
    # Unpaused again, the story plays to its end and pauses itself there.
    assert rep["ended"] and rep["paused_at_end"]
    # R: a new planet from frame 0.
    assert rep["seed_after_r"] != rep["seed_before_r"]
    assert rep["frame_after_r"] == 0
    assert rep["steps_per_frame_max"] <= rep["want_max"]
    assert rep["title"].startswith("planetsim - ") and "fps" in rep["title"]
    # Drag right turns the globe east-to-west (yaw falls), down tilts it; scroll in zooms.
    dyaw, dpitch, ddist = rep["camera_moved"]
    assert -90 < (dyaw + 180) % 360 - 180 < 0 and dpitch > 0 and ddist < 0
    assert rep["camera_reset"]


def test_window_run_matches_headless_stepping(drive, make_sim):
    """The window's stepping, half a story frame per window frame after R, does the same work
    as Simulation.step."""
    out, rep = drive
    assert (rep["final_frame"], rep["final_step_count"]) == ((FRAMES - 90) // 2, FRAMES - 90)
    sim = make_sim(preset=out / "story.toml", size=GRID, seed=rep["seed_after_r"])
    sim.step(rep["final_frame"])
    assert sim.step_count == rep["final_step_count"]
    np.testing.assert_array_equal(sim.field("terrain").read(), np.load(out / "terrain.npy"))


def test_screenshots_are_saved_and_never_overwrite(drive):
    out, rep = drive
    assert (out / "planetsim-0001.png").read_bytes() == b"a file the user had"
    assert rep["saved"] == [f"planetsim-000{i}.png" for i in (2, 3, 4, 5)]
    shot = _png(out / "at-120.png")  # --screenshot-at 120:at-120.png
    assert shot.shape[2] == 3 and shot.std() > 1.0  # a picture, not a blank
    globe = _png(out / "planetsim-0002.png")
    assert globe.shape[:2] == (WINDOW[1], WINDOW[0])  # the globe fills the window
    from PIL import Image

    meta = json.loads(Image.open(out / "planetsim-0002.png").text["planetsim"])
    assert (meta["view"], meta["layer"], meta["seed"]) == ("globe", rep["layers"][0], 1)
    left = {p.name for p in out.iterdir() if p.suffix in (".png", ".part", "")}
    assert left == {"at-120.png", "planetsim-0001.png", *rep["saved"]}  # no temporary files


def test_map_keeps_its_aspect_when_toggled_and_resized(drive):
    out, rep = drive
    assert rep["view_after_m"] == "map"
    h, w, _ = _png(out / "planetsim-0004.png").shape
    assert (w, h) == (WINDOW[0], WINDOW[0] // 2)  # 192x128 window: a 192x96 map with bars
    h, w, _ = _png(out / "planetsim-0005.png").shape
    fw, fh = rep["resized_to"]
    assert w == 2 * h and (w == fw or h == fh) and w <= fw and h <= fh


def test_screenshot_changes_with_the_layer(drive):
    """Tab switches to the next of planetsim.render.LAYERS, and the picture follows."""
    out, rep = drive
    assert rep["layer_after_tab"] == rep["layers"][1]
    a, b = _png(out / "planetsim-0002.png"), _png(out / "planetsim-0003.png")
    assert a.shape == b.shape
    assert np.abs(a.astype(int) - b.astype(int)).mean() > 2.0


def test_window_shows_the_picture_with_bars_around_the_map(drive):
    out, rep = drive
    win = np.load(out / "window_map.npy")  # the window's pixels, top row first
    pic = np.load(out / "picture_map.npy")  # the same frame's map, 2:1, as render draws it
    bar = (win.shape[0] - pic.shape[0]) // 2
    assert bar > 0 and win[-bar:].max() == 0  # (the HUD may cover the top bar)
    # Below the HUD (top left), the window shows the picture pixel for pixel.
    rows = slice(pic.shape[0] - 12, pic.shape[0])
    np.testing.assert_array_equal(win[bar:-bar][rows], pic[rows])


def test_cli_entry_runs_and_saves(xdisplay, tmp_path):
    shot = tmp_path / "end.png"
    res = run_here(
        ["-m", "planetsim", "view", "--size", "64x32", "--width", "160", "--height", "80",
         "--view", "map", "--max-frames", "8", "--screenshot-at", f"8:{shot}"],
        xdisplay,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    assert "viewed 8 frames" in res.stdout
    assert _png(shot).shape == (80, 160, 3)


def test_five_runs_under_load_exit_0_with_their_screenshots(xdisplay, tmp_path):
    """Issue 20: with the CPU busy the adaptive pacing draws the picture at changing sizes,
    and the screenshots (full size, with a legend) came between them; a legend's colour bar
    could then release the frame's own target. Five runs in a row must all finish."""
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        for i in range(5):
            a, b = tmp_path / f"a{i}.png", tmp_path / f"b{i}.png"
            res = run_here(
                ["-m", "planetsim", "view", "--preset", "quick", "--size", "128x64",
                 "--width", "320", "--height", "180", "--max-frames", "60",
                 "--screenshot-at", f"30:{a}", "--screenshot-at", f"60:{b}",
                 "--screenshot-dir", str(tmp_path)],
                xdisplay,
            )  # fmt: skip
            assert res.returncode == 0, f"run {i + 1}: {res.stderr[-2000:]}"
            for shot in (a, b):
                assert _png(shot).shape == (180, 320, 3) and _png(shot).std() > 1.0
    finally:
        busy.kill()
        busy.wait()
    assert not list(tmp_path.glob("*.ckpt"))  # no run failed and saved a rescue


def test_a_gl_failure_is_one_line_exit_1_and_the_story_is_kept(xdisplay, tmp_path, make_sim):
    """A GL error while the window plays (injected: the 12th picture fails as an incomplete
    framebuffer would): one line, exit 1, the screenshot already taken stays, and the story is
    saved as a checkpoint that `view --resume` continues."""
    (tmp_path / "planetsim-rescue-0001.ckpt").write_bytes(b"a file the user had")
    res = run_here(["fail", str(tmp_path)], xdisplay)
    assert res.returncode == 1, res.stderr[-3000:]
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr[-3000:]
    assert lines[0].startswith("planetsim: error: the window failed at story frame")
    assert "framebuffer is not complete" in lines[0]
    assert _png(tmp_path / "early.png").std() > 1.0  # written before the failure, kept
    assert (tmp_path / "planetsim-rescue-0001.ckpt").read_bytes() == b"a file the user had"
    rescue = tmp_path / "planetsim-rescue-0002.ckpt"
    assert f"planetsim view --resume {rescue}" in lines[0]
    from planetsim.core.checkpoint import load_checkpoint

    frame = int(lines[0].split("story frame ")[1].split()[0])
    with load_checkpoint(rescue, ctx=make_sim().ctx) as sim:
        assert sim.frame == frame > 0
        assert np.ptp(sim.field("terrain").read()[..., 0]) > 0  # the planet, not a blank
    after = tmp_path / "after.png"
    res = run_here(
        ["-m", "planetsim", "view", "--resume", str(rescue), "--width", "160", "--height",
         "80", "--pace", "fixed", "--max-frames", "2", "--screenshot-at", f"2:{after}"],
        xdisplay,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    assert f"story frame {frame + 2}," in res.stdout  # two window frames from the checkpoint
    assert _png(after).shape == (80, 160, 3)


# ---- the subprocesses --------------------------------------------------------------------------
def _fail(out: Path) -> None:
    """`planetsim view` whose 12th picture raises the error an incomplete framebuffer gives."""
    import moderngl

    from planetsim.frontends.cli import main
    from planetsim.render import views

    (out / "story.toml").write_text(STORY)
    draw = views.Views.draw
    calls = [0]

    def failing(self, *a, **kw):  # type: ignore[no-untyped-def]
        calls[0] += 1
        if calls[0] == 12:
            raise moderngl.Error("the framebuffer is not complete (INCOMPLETE_ATTACHMENT)")
        return draw(self, *a, **kw)

    views.Views.draw = failing  # type: ignore[method-assign]
    sys.exit(
        main(["view", "--preset", str(out / "story.toml"), "--width", "160", "--height", "80",
              "--pace", "fixed", "--render-scale", "1", "--max-frames", "40",
              "--screenshot-at", f"5:{out / 'early.png'}", "--screenshot-dir", str(out)])
    )  # fmt: skip


def _drive(out: Path) -> None:
    import glfw

    rep: dict = {}
    (out / "story.toml").write_text(STORY)
    opts = viewer.ViewerOptions(
        preset=out / "story.toml",
        size=GRID,
        width=WINDOW[0],
        height=WINDOW[1],
        max_frames=FRAMES,
        screenshots=[(FRAMES, out / "at-120.png")],
        screenshot_dir=out,
        pace="fixed",  # reproducible: every frame runs what the epoch asks
        render_scale=1.0,  # the window shows the picture pixel for pixel
    )
    saved: list[str] = []
    with viewer.Viewer(opts) as v:
        sim = v.sim

        def key(k: int, mods: int = 0) -> None:
            v.on_key(v.window, k, 0, glfw.PRESS, mods)

        def frames(n: int) -> None:
            for _ in range(n):
                assert v.frame()

        def shot() -> None:
            key(glfw.KEY_S)
            saved.append(sorted(p.name for p in out.glob("planetsim-*.png"))[-1])

        want_max = steps_max = 0.0
        frames(10)  # window frame 10
        key(glfw.KEY_RIGHT)
        rep["speed_up"] = v.speed
        frames(5)  # 15
        key(glfw.KEY_MINUS)
        rep["speed_down"] = v.speed
        key(glfw.KEY_SPACE)
        f0 = sim.frame
        frames(10)  # 25
        rep["paused_frames_moved"] = sim.frame - f0
        key(glfw.KEY_PERIOD)
        rep["dot_moved"] = sim.frame - f0
        frames(1)  # 26
        shot()  # globe, first layer
        key(glfw.KEY_TAB)
        rep["layer_after_tab"] = v.layer
        rep["layers"] = list(v.layers)
        frames(1)  # 27
        shot()  # globe, second layer (if any)
        key(glfw.KEY_1)
        key(glfw.KEY_C)
        cam0 = (v.camera.yaw, v.camera.pitch, v.camera.distance)
        v.on_mouse_button(v.window, glfw.MOUSE_BUTTON_LEFT, glfw.PRESS, 0)
        x, y = glfw.get_cursor_pos(v.window)
        v.on_cursor_pos(v.window, x + 20, y + 10)  # drag right and down
        v.on_mouse_button(v.window, glfw.MOUSE_BUTTON_LEFT, glfw.RELEASE, 0)
        v.on_cursor_pos(v.window, x + 80, y + 80)  # released: no effect
        v.on_scroll(v.window, 0, 2)  # zoom in
        rep["camera_moved"] = [
            v.camera.yaw - cam0[0], v.camera.pitch - cam0[1], v.camera.distance - cam0[2]
        ]  # fmt: skip
        key(glfw.KEY_C)
        rep["camera_reset"] = (v.camera.yaw, v.camera.pitch, v.camera.distance) == cam0
        key(glfw.KEY_M)
        rep["view_after_m"] = v.view
        frames(1)  # 28
        shot()  # map
        v._draw()  # what the window shows now (read before a swap, so it is defined)
        fw, fh = glfw.get_framebuffer_size(v.window)
        pix = v.ctx.screen.read(viewport=(0, 0, fw, fh), components=3)
        np.save(out / "window_map.npy", np.frombuffer(pix, np.uint8).reshape(fh, fw, 3)[::-1])
        np.save(out / "picture_map.npy", v.picture(label=False))
        glfw.set_window_size(v.window, 256, 100)
        frames(3)  # 31
        rep["resized_to"] = list(glfw.get_framebuffer_size(v.window))
        shot()  # map in the resized window
        key(glfw.KEY_SPACE)  # play on to the end of the story
        while v.frames < 90:
            want_max = max(want_max, v.want)
            frames(1)
            steps_max = max(steps_max, v.steps_last)
        rep["ended"], rep["paused_at_end"] = v._ended, v.paused
        rep["seed_before_r"] = sim.seed
        key(glfw.KEY_R)
        rep["seed_after_r"], rep["frame_after_r"] = sim.seed, sim.frame
        key(glfw.KEY_LEFT)  # half speed: one sim step a window frame, half a story frame
        frames(FRAMES - v.frames)
        rep["more_after_max"] = v.frame()
        rep["frames"] = v.frames
        rep["want_max"], rep["steps_per_frame_max"] = want_max, steps_max
        rep["final_frame"], rep["final_step_count"] = sim.frame, sim.step_count
        rep["title"] = (
            glfw.get_window_title(v.window) if hasattr(glfw, "get_window_title") else (v._title())
        )
        rep["saved"] = saved
        np.save(out / "terrain.npy", sim.field("terrain").read())
    (out / "report.json").write_text(json.dumps(rep))


if __name__ == "__main__":
    {"drive": _drive, "fail": _fail}[sys.argv[1]](Path(sys.argv[2]))
