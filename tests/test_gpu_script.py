"""benchmarks/gpu/run.sh, the one command for a GPU machine's figures, tried on this CPU with
tiny sizes: every part it is asked for runs, exits 0 and leaves its file, so the script a
GPU session depends on cannot rot unseen. (Its tests part is not run here: it would recurse.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_gpu_script_runs_bench_and_story(tmp_path):
    out = tmp_path / "gpu"
    env = {
        **os.environ,
        "OUT": str(out),
        "PYTHON": sys.executable,
        "WHEELS": str(tmp_path / "none"),  # this Python's packages, not prepare.sh's wheels
        "PARTS": "bench story",
        "SIZES": "64x32",
        "RENDER": "160x90",
        "PRESET": "quick",
        "BENCH_ARGS": "--min-time 0.01 --repeats 2",
        "STORY_ARGS": "--to 12 --size 64x32",
    }
    p = subprocess.run(
        ["bash", str(ROOT / "benchmarks/gpu/run.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    names = {f.name for f in out.iterdir()}
    want = {"machine.txt", "bench.log", "bench.md", "bench_A.json", "bench_B.json"}
    assert want | {"story.txt", "story_frames.png"} == names
    assert len(names) <= 8  # a device call brings back at most 8 files
    log = (out / "bench.log").read_text()
    assert "bench A: exit 0" in log and "bench B: exit 0" in log
    a, b = (json.loads((out / f"bench_{r}.json").read_text()) for r in "AB")
    assert a["rows"][0]["grid"] == "64x32" and a["rows"][0]["numpy_ms"]
    assert "numpy_ms" not in b["rows"][0]  # numpy once: it does not depend on the GPU
    assert (out / "bench.md").read_text().count("| 64x32 | ") >= 2
    story = (out / "story.txt").read_text()
    assert "exit 0" in story.splitlines()[0]
    assert iio.imread(out / "story_frames.png").shape == (540, 4 * 960, 3)
