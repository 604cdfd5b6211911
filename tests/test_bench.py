"""`planetsim bench`: it runs from one command on a tiny grid, writes the table it prints as
markdown and JSON, times whole schedule periods, and refuses bad input in one line without
touching a file the user had. (Its speed figures live in the README, not in assertions.)"""

from __future__ import annotations

import json

import pytest

from planetsim.core.registry import STAGES, STORY_ORDER
from planetsim.frontends import bench

TINY = ["--sizes", "64x32", "--min-time", "0.01", "--repeats", "2", "--render", "48x32"]


def test_bench_prints_and_writes_the_table(capsys, tmp_path):
    js, md = tmp_path / "b.json", tmp_path / "b.md"
    code = bench.main([*TINY, "--steps-per-frame", "2", "--json", str(js), "--md", str(md)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert md.read_text() == out  # the file holds what was printed
    res = json.loads(js.read_text())
    assert res["renderer"] and res["steps_per_frame"] == 2
    (row,) = res["rows"]
    assert row["grid"] == "64x32" and row["cells"] == 64 * 32
    stages = [s for s in STORY_ORDER if s != "relief"]
    for col in (*stages, *bench.GROUPS, "story", "globe", "frame"):
        assert row["ms"][col] > 0 or col == "protoplanet", col  # bombardment over: ~0
        assert len(row["runs_ms"][col]) == 2  # one figure per repeat; the median reported
    # A displayed frame holds two story steps and a finished globe render.
    assert row["ms"]["frame"] > row["ms"]["globe"]
    assert set(row["numpy_ms"]) == {*bench.GROUPS, "story"}
    # The markdown's fps is 1000 / frame ms, and its speed-up rows are numpy / GLSL.
    line = next(v for v in out.splitlines() if v.startswith("| 64x32 |") and "x |" not in v)
    assert float(line.split("|")[-2]) == pytest.approx(1e3 / row["ms"]["frame"], rel=0.01)
    story = next(v for v in out.splitlines() if v.startswith("| 64x32 | story |"))
    speedup = float(story.split("|")[5].strip().rstrip("x"))
    want = row["numpy_ms"]["story"] / row["ms"]["story"]
    assert speedup == pytest.approx(want, rel=0.06, abs=0.06)


def test_batches_are_whole_schedule_periods():
    calls, syncs = [], []
    sec, runs, _ = bench.time_batch(
        lambda: calls.append(1), lambda: syncs.append(len(calls)), 0.001, 3, period=6
    )
    assert len(runs) == 3 and sec == sorted(runs)[1]
    # Every sync (the warm-up's, each sizing batch's, each timed batch's) falls on a whole
    # number of periods, so a pass run every 2 or 3 steps counts its true share.
    assert syncs and all(n % 6 == 0 for n in syncs)


def test_schedule_period_is_the_lcm_of_the_epochs_schedules(gl):
    """The period is the least number of steps after which every `every` schedule of the
    epoch has come round: each one divides it, and no smaller count has that property."""
    sim = bench.make_sim(gl, (64, 32), None)
    try:
        everys = {
            max(st.every if isinstance(st.every, int) else int(sim.values[st.every]), 1)
            for name in sim.epoch.stages
            for st in STAGES[name].steps
        }
        want = bench.schedule_period(sim)
        assert all(want % e == 0 for e in everys)
        assert not any(all(n % e == 0 for e in everys) for n in range(1, want))
        assert want > 1  # the earth settings do schedule slow processes every N steps
    finally:
        sim.close()


@pytest.mark.parametrize(
    "argv, says",
    [
        (["--sizes", "64by32"], "bad size '64by32'"),
        (["--render", "0x0"], "bad size '0x0'"),
        (["--steps-per-frame", "0"], "--steps-per-frame must be at least 1"),
        (["--preset", "nope"], "unknown preset 'nope'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, says):
    assert bench.main([*TINY, *argv]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and says in err and err.startswith("planetsim bench: ")


def test_an_existing_output_is_kept_without_force(capsys, tmp_path):
    mine = tmp_path / "mine.json"
    mine.write_text("my notes")
    assert bench.main([*TINY, "--json", str(mine)]) == 2
    err = capsys.readouterr().err
    assert "exists; use --force" in err and mine.read_text() == "my notes"
    assert bench.main([*TINY, "--no-numpy", "--json", str(mine), "--force"]) == 0
    assert json.loads(mine.read_text())["rows"][0]["grid"] == "64x32"
