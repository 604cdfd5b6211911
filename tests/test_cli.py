"""The `planetsim` command: each subcommand works, and every bad input gives exit code 2 and
one line on stderr (no traceback), never touching a file the user already had."""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import pytest

from planetsim.frontends.args import parse_when
from planetsim.frontends.cli import main

SMALL = ["--width", "128", "--height", "64"]


def run(capsys, gl, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), ctx=gl)
    out, err = capsys.readouterr()
    return code, out, err


def test_render_mp4_quietly(capsys, gl, tmp_path):
    out = tmp_path / "quick.mp4"
    code, stdout, err = run(capsys, gl, "render", "--to", "24", *SMALL, "--out", str(out), "-q")
    assert (code, stdout, err) == (0, "", "")
    assert iio.imread(out, index=None).shape == (24, 64, 128, 3)


def _x264_options(path: Path) -> bytes:
    """The option string x264 writes into its stream ("... cabac=1 ref=3 ...")."""
    data = path.read_bytes()
    i = data.find(b"x264 - core")
    assert i >= 0, "no x264 options in the stream"
    return data[i : data.find(b"\x00", i)]


def test_x264_preset_reaches_the_encoder_and_a_resume(capsys, gl, tmp_path):
    """x264 records its options in the stream: ultrafast turns CABAC off and uses one
    reference frame, medium uses CABAC and three. A resumed render keeps the preset."""
    fast, ck = tmp_path / "fast.mp4", tmp_path / "ck"
    argv = ["--x264-preset", "ultrafast", "--checkpoint-every", "3", str(ck)]
    code, _, err = run(capsys, gl, "render", "--to", "6", *SMALL, "--out", str(fast), "-q", *argv)
    assert code == 0, err
    assert b"cabac=0" in _x264_options(fast) and b" ref=1 " in _x264_options(fast)
    default = tmp_path / "default.mp4"
    code, _, err = run(capsys, gl, "render", "--to", "6", *SMALL, "--out", str(default), "-q")
    assert code == 0, err
    assert b"cabac=1" in _x264_options(default) and b" ref=3 " in _x264_options(default)
    again = tmp_path / "again.mp4"
    code, _, err = run(capsys, gl, "resume", str(ck / "frame_000003.ckpt"), "--out", str(again),
                       "-q")  # fmt: skip
    assert code == 0, err
    assert b"cabac=0" in _x264_options(again)
    code, _, err = run(capsys, gl, "render", "--to", "2", *SMALL, "--out", str(tmp_path / "x.mp4"),
                       "--x264-preset", "quick")  # fmt: skip
    assert code == 2 and len(err.splitlines()) == 1 and "'quick' is not one of" in err


def test_render_reports_progress_and_summary(capsys, gl, tmp_path):
    out = tmp_path / "f"
    code, stdout, err = run(capsys, gl, "render", "--to", "6", "--view", "map", *SMALL,
                            "--out", str(out))  # fmt: skip
    assert code == 0
    assert "wrote" in stdout and "sim steps/s" in stdout
    assert "steps/s" in err and "6/6" in err  # tqdm's bar (stderr)
    assert len(list(out.glob("frame_*.png"))) == 6


def test_years_select_the_range(capsys, gl, tmp_path):
    # quick's story opens with 30 frames over -4.5 .. -4.45 Gyr (1/0.6 Myr a frame), so
    # 4.4875 Gya .. 4.4625 Gya is frames 8..23 (the first frame at or after each year).
    out = tmp_path / "y"
    code, _, err = run(capsys, gl, "render", "--from", "4.4875Gya", "--to", "-4.4625e9y",
                       *SMALL, "--out", str(out), "-q")  # fmt: skip
    assert code == 0, err
    assert len(list(out.glob("frame_*.png"))) == 16


def test_parse_when():
    assert parse_when("120") == ("frame", 120.0)
    assert parse_when("-1e9y") == ("year", -1e9)
    assert parse_when("1.2Gya") == ("year", -1.2e9)
    assert parse_when("230Mya") == ("year", -230e6)
    assert parse_when("12kya") == ("year", -12e3)
    assert parse_when("1850CE") == ("year", 1850.0)
    assert parse_when("300BCE") == ("year", -300.0)
    assert parse_when("end") == ("end", 0.0)
    for bad in ("1e9", "-5", "1.5", "soon", "3 Gyr"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_when(bad)


def test_checkpoints_then_resume_gives_the_same_frames(capsys, gl, tmp_path):
    out, ck = tmp_path / "frames", tmp_path / "ck"
    argv = ["render", "--to", "14", *SMALL, "--view", "map", "--out", str(out), "-q"]
    code, _, err = run(capsys, gl, *argv, "--metrics", str(tmp_path / "m.csv"),
                       "--checkpoint-every", "5", str(ck))  # fmt: skip
    assert code == 0, err
    assert sorted(p.name for p in ck.iterdir()) == ["frame_000005.ckpt", "frame_000010.ckpt"]
    whole = tmp_path / "whole"
    shutil.copytree(out, whole)
    shutil.copy(tmp_path / "m.csv", tmp_path / "whole.csv")
    # As if the first run had died at frame 5: every picture and metrics row from there on goes,
    # so a resume that stops early or ignores --metrics cannot match the whole run.
    for p in out.glob("frame_*.png"):
        if int(p.stem.split("_")[1]) >= 5:
            p.unlink()
    rows = (tmp_path / "m.csv").read_text().splitlines(keepends=True)
    kept = [r for r in rows[1:] if int(r.split(",", 1)[0]) < 5]
    assert 0 < len(kept) < len(rows) - 1
    (tmp_path / "m.csv").write_text(rows[0] + "".join(kept))
    code, _, err = run(capsys, gl, "resume", str(ck / "frame_000005.ckpt"), "-q")
    assert code == 0, err
    names = sorted(p.name for p in whole.iterdir())
    assert names == sorted(p.name for p in out.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(whole, out, names, shallow=False)
    assert not mismatch and not errors
    assert (tmp_path / "m.csv").read_text() == (tmp_path / "whole.csv").read_text()


def test_snapshot(capsys, gl, tmp_path):
    code, stdout, err = run(capsys, gl, "snapshot", "--at", "10", "--out", str(tmp_path / "s"),
                            "--width", "128", "-q")  # fmt: skip
    assert code == 0, err
    assert (tmp_path / "s" / "heightmap.png").is_file()
    assert (tmp_path / "s" / "fields.npz").is_file()


def test_presets_and_info(capsys, gl):
    code, out, _ = run(capsys, gl, "presets")
    assert code == 0 and any(line.startswith("quick ") for line in out.splitlines())
    code, out, _ = run(capsys, gl, "info", "--shaders")
    assert code == 0
    assert "renderer:" in out and "max_texture_size:" in out and " 0 failed" in out


def test_help_of_every_command(capsys):
    for cmd in ("render", "snapshot", "resume", "presets", "info", "view"):
        with pytest.raises(SystemExit) as info:
            main([cmd, "--help"])
        assert info.value.code == 0
        assert "usage: planetsim" in capsys.readouterr().out


@pytest.fixture
def bad_inputs(tmp_path: Path) -> dict[str, list[str]]:
    (tmp_path / "bad.toml").write_text('name = "x"\n[grid\nsize = 1\n')
    (tmp_path / "bad.png").write_text("not an image")
    (tmp_path / "mine.mp4").write_bytes(b"mine")
    (tmp_path / "a_file").write_text("")
    out = str(tmp_path / "new.mp4")
    return {
        "unknown preset": ["render", "--preset", "nope", "--out", out],
        "malformed TOML": ["render", "--preset", str(tmp_path / "bad.toml"), "--out", out],
        "unwritable output": ["render", "--out", str(tmp_path / "a_file" / "x.mp4")],
        "unwritable folder": ["render", "--out", "/proc/planetsim-test.mp4"],
        "existing output": ["render", "--out", str(tmp_path / "mine.mp4")],
        "to before from": ["render", "--from", "30", "--to", "10", "--out", out],
        "unsupported extension": ["render", "--out", str(tmp_path / "x.avi")],
        "unreadable heightmap": ["render", "--heightmap", str(tmp_path / "bad.png"), "--out", out],
        "missing heightmap": ["render", "--heightmap", str(tmp_path / "no.png"), "--out", out],
        "year outside story": ["render", "--from", "2500CE", "--out", out],
        "frame past the end": ["render", "--to", "100000", "--out", out],
        "unknown layer": ["render", "--layer", "nope", "--out", out],
        "odd mp4 size": ["render", "--width", "101", "--height", "64", "--out", out],
        "bad size": ["render", "--size", "100x30", "--out", out],
        # Wider than any driver's textures (the memory cases: tests/test_limits.py).
        "grid too large": ["render", "--size", "65536x32768", "--out", out],
        "snapshot grid too large": ["snapshot", "--size", "65536x32768", "--out", out + "d"],
        "missing checkpoint": ["resume", str(tmp_path / "no.ckpt")],
        "not a checkpoint": ["resume", str(tmp_path / "bad.png")],
        "unknown command": ["frobnicate"],
        "snapshot folder with files": ["snapshot", "--out", str(tmp_path)],
    }


def test_each_bad_input_is_one_line_and_exit_2(capsys, gl, tmp_path, bad_inputs):
    for what, argv in bad_inputs.items():
        code, out, err = run(capsys, gl, *argv)
        assert code == 2, (what, err)
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("planetsim: error: "), (what, err)
        assert out == "", what
    assert (tmp_path / "mine.mp4").read_bytes() == b"mine"
    assert not (tmp_path / "new.mp4").exists()


def test_truncated_checkpoint_resume_is_refused(capsys, gl, tmp_path):
    ck = tmp_path / "ck"
    code, _, err = run(capsys, gl, "render", "--to", "5", *SMALL, "--out", str(tmp_path / "f"),
                       "-q", "--checkpoint-every", "5", str(ck))  # fmt: skip
    assert code == 0, err
    path = ck / "frame_000005.ckpt"
    path.write_bytes(path.read_bytes()[:5000])
    code, _, err = run(capsys, gl, "resume", str(path))
    assert code == 2 and "truncated" in err and len(err.splitlines()) == 1


def _cli(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "planetsim", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_subprocess_bad_input_has_no_traceback(tmp_path):
    (tmp_path / "cut.ckpt").write_bytes(b"PK\x03\x04truncated")
    for argv in (["render", "--preset", "nope"], ["resume", "cut.ckpt"]):
        p = _cli(*argv, cwd=tmp_path)
        assert p.returncode == 2, p.stderr
        assert len(p.stderr.splitlines()) == 1 and "Traceback" not in p.stderr
        assert p.stderr.startswith("planetsim: error: ")


def test_subprocess_main_command(tmp_path):
    """The README's main command, shortened to 8 small frames."""
    p = _cli("render", "--preset", "quick", "--to", "8", *SMALL, "--out", "q.mp4", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr and "8/8" in p.stderr
    assert iio.imread(tmp_path / "q.mp4", index=None).shape == (8, 64, 128, 3)


def test_heightmap_start_survives_the_first_frame(capsys, gl, tmp_path):
    import numpy as np

    ramp = np.tile(np.linspace(0.0, 1.0, 128, dtype=np.float32), (64, 1))  # west low, east high
    np.save(tmp_path / "ramp.npy", ramp)
    code, _, err = run(capsys, gl, "snapshot", "--heightmap", str(tmp_path / "ramp.npy"),
                       "--elevation-range=-2000,2000", "--at", "2", "--out", str(tmp_path / "s"),
                       "--width", "128", "-q")  # fmt: skip
    assert code == 0, err
    with np.load(tmp_path / "s" / "fields.npz") as npz:
        elev = npz["terrain"][..., 0]
    assert np.corrcoef(elev.ravel(), ramp.ravel())[0, 1] > 0.95
    assert elev[:, :8].mean() < -1000.0 < 1000.0 < elev[:, -8:].mean()


def test_an_interrupted_render_exits_130_and_leaves_no_file(tmp_path):
    """Ctrl-C during a render: exit 130, one line, no traceback, and neither the video nor a
    half-written temporary file is left behind (outputs are written atomically)."""
    import signal
    import time

    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    cmd = [sys.executable, "-m", "planetsim", "render", "--preset", "quick", *SMALL,
           "--out", "q.mp4"]  # fmt: skip
    p = subprocess.Popen(cmd, cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(tmp_path.iterdir()):
        time.sleep(0.1)  # until the writer has opened its temporary file: frames are running
    assert any(tmp_path.iterdir()), "the render never started writing"
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert err.strip().splitlines()[-1] == "planetsim: interrupted" and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_disk_failure_mid_render_exits_1_with_one_line(capsys, gl, tmp_path, monkeypatch):
    """An OSError while writing (here the disk fills up at the metrics' third row): exit 1,
    one line that says what failed, no traceback, and nothing left at the output paths."""
    import errno

    from planetsim.frontends.export import story

    rows = {"n": 0}
    real = story._MetricsFile.row

    def row(self, sim):  # type: ignore[no-untyped-def]
        rows["n"] += 1
        if rows["n"] == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "m.csv"))
        real(self, sim)

    monkeypatch.setattr(story._MetricsFile, "row", row)
    out = tmp_path / "q.mp4"
    code, _, err = run(capsys, gl, "render", "--to", "6", *SMALL, "--out", str(out), "-q",
                       "--metrics", str(tmp_path / "m.csv"))  # fmt: skip
    assert code == 1, err
    assert err.splitlines() == [f"planetsim: error: {tmp_path / 'm.csv'} No space left on device"]
    assert list(tmp_path.iterdir()) == []  # no video, no metrics, no temporary file


def _picture(capsys, gl, tmp_path: Path, name: str, *argv: str):  # type: ignore[no-untyped-def]
    import numpy as np

    out = tmp_path / f"{name}.png"
    code, _, err = run(capsys, gl, "render", "--to", "3", "--width", "320", "--height", "180",
                       "--out", str(out), "-q", *argv)  # fmt: skip
    assert code == 0, err
    return np.asarray(iio.imread(out), dtype=np.int64)


def test_render_options_reach_the_picture(capsys, gl, tmp_path):
    """--seed, --camera and --no-label each change the picture as they say: the same seed
    and camera give the same bits, another seed or yaw another planet or side; --no-label
    takes away only the year label and the legend (the pixels that differ lie in their panels
    on the left);
    --camera day looks at the sunlit side, whose disc is brighter than the one half a turn
    round (fixed at the sun's longitude + 180 degrees sees the night)."""
    import numpy as np

    a = _picture(capsys, gl, tmp_path, "a", "--seed", "1", "--camera", "fixed:30")
    again = _picture(capsys, gl, tmp_path, "again", "--seed", "1", "--camera", "fixed:30")
    other_seed = _picture(capsys, gl, tmp_path, "s2", "--seed", "2", "--camera", "fixed:30")
    other_yaw = _picture(capsys, gl, tmp_path, "y", "--seed", "1", "--camera", "fixed:120")
    assert np.array_equal(a, again)
    assert np.abs(a - other_seed).mean() > 2.0 and np.abs(a - other_yaw).mean() > 2.0
    bare = _picture(capsys, gl, tmp_path, "bare", "--seed", "1", "--camera", "fixed:30",
                    "--no-label")  # fmt: skip
    rows, cols = np.nonzero(np.abs(a - bare).max(axis=-1))
    assert rows.size > 20, "the label was never drawn"
    assert cols.max() < 0.6 * a.shape[1]  # the panels only: the right of the globe is the same
    day = _picture(capsys, gl, tmp_path, "day", "--seed", "1", "--camera", "day", "--no-label")
    assert day[..., :3].mean() > 1.5 * bare[..., :3].mean() or day[..., :3].mean() > 40


def test_fps_reaches_the_video(capsys, gl, tmp_path):
    out = tmp_path / "q.mp4"
    code, _, err = run(capsys, gl, "render", "--to", "4", *SMALL, "--fps", "12", "--out",
                       str(out), "-q")  # fmt: skip
    assert code == 0, err
    assert iio.immeta(out)["fps"] == pytest.approx(12.0)


def test_sea_level_of_a_heightmap_sets_the_coast(capsys, gl, tmp_path):
    """--sea-level and --elevation-range in the heightmap's metres: a west-east ramp mapped
    onto -2000..2000 m with the sea at 1000 m leaves the eastern quarter dry (a story of
    climate alone, so no stage of the story moves the sea)."""
    import numpy as np

    (tmp_path / "still.toml").write_text(
        'name = "still"\ndescription = "climate on a fixed terrain"\n[grid]\nsize = [128, 64]\n'
        '[[epoch]]\nname = "weather"\nframes = 2\nyears = [0.0, 1.0]\nstages = ["climate"]\n'
    )
    ramp = np.tile(np.linspace(0.0, 1.0, 128, dtype=np.float32), (64, 1))
    np.save(tmp_path / "ramp.npy", ramp)
    code, _, err = run(capsys, gl, "snapshot", "--preset", str(tmp_path / "still.toml"),
                       "--heightmap", str(tmp_path / "ramp.npy"), "--sea-level", "1000",
                       "--elevation-range=-2000,2000", "--at", "end", "--out",
                       str(tmp_path / "s"), "--width", "128", "-q")  # fmt: skip
    assert code == 0, err
    mask = np.asarray(iio.imread(tmp_path / "s" / "mask.png"))
    assert (mask > 0).mean() == pytest.approx(0.25, abs=0.02)
    assert (mask[:, -24:] > 0).all() and (mask[:, :88] == 0).all()
