"""Checkpoints: resuming equals an uninterrupted run bit for bit; a damaged or truncated file
is refused with a clear message; writes are atomic."""

from __future__ import annotations

import numpy as np
import pytest

import planetsim
from planetsim.core.checkpoint import (
    CheckpointError,
    load_checkpoint,
    read_checkpoint,
    save_checkpoint,
)
from planetsim.core.outfiles import OutputError
from planetsim.core.presets import available


def bits(a: np.ndarray) -> np.ndarray:
    return a.view(np.uint32)  # compares NaN payloads and signed zeros too


def assert_same_run(a: planetsim.Simulation, b: planetsim.Simulation) -> None:
    assert (a.frame, a.step_count, a.land_version) == (b.frame, b.step_count, b.land_version)
    assert a.values == b.values
    for name in a.fields:
        np.testing.assert_array_equal(
            bits(a.field(name).read()), bits(b.field(name).read()), err_msg=name
        )


@pytest.mark.parametrize("preset", sorted(available()))
def test_resume_equals_uninterrupted_run(make_sim, gl, tmp_path, preset):
    total = make_sim(preset=preset).timeline.total_frames
    cut, more = min(3, total - 1), min(5, total - 3)
    a = make_sim(preset=preset)
    a.step(cut)
    path = save_checkpoint(a, tmp_path / "run.ckpt")
    a.step(more)
    b = load_checkpoint(path, ctx=gl)
    try:
        assert b.frame == cut
        b.step(more)
        assert_same_run(a, b)
    finally:
        b.close()


def test_checkpoint_records_the_run(make_sim, tmp_path):
    sim = make_sim(preset="quick", seed=7)
    sim.step(2)
    meta, fields = read_checkpoint(save_checkpoint(sim, tmp_path / "c.ckpt"))
    assert meta["planetsim_version"] == planetsim.__version__
    assert (meta["preset"], meta["seed"], meta["size"]) == ("quick", 7, [64, 32])
    assert meta["renderer"] == sim.renderer
    assert meta["state"]["frame"] == 2 and meta["preset_text"] == sim.preset.text
    assert set(fields) == set(sim.fields)


def test_truncated_checkpoint_is_refused(make_sim, gl, tmp_path):
    sim = make_sim(preset="quick")
    sim.step(2)
    path = save_checkpoint(sim, tmp_path / "c.ckpt")
    data = path.read_bytes()
    for cut in (len(data) - 100, len(data) // 2, 10, 0):
        path.write_bytes(data[:cut])
        with pytest.raises(CheckpointError) as info:
            load_checkpoint(path, ctx=gl)
        msg = str(info.value)
        assert "truncated" in msg or "not a planetsim checkpoint" in msg
        assert "\n" not in msg


def test_damaged_field_is_refused(make_sim, gl, tmp_path):
    sim = make_sim(preset="quick")
    sim.step(2)
    path = save_checkpoint(sim, tmp_path / "c.ckpt")
    data = bytearray(path.read_bytes())
    # Flip a byte inside the terrain array: the zip still opens, the checksum catches it.
    assert data.find(b"field.terrain.npy") >= 0
    at = data.find(b"field.terrain.npy") + 200
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="damaged"):
        load_checkpoint(path, ctx=gl)


def test_checkpoint_write_is_atomic(make_sim, tmp_path, monkeypatch):
    sim = make_sim(preset="quick")
    path = save_checkpoint(sim, tmp_path / "c.ckpt")
    good = path.read_bytes()
    with pytest.raises(OutputError, match="--force"):
        save_checkpoint(sim, path)

    def broken_savez(fh, **arrays):
        fh.write(b"PK\x03\x04 half a checkpoint")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", broken_savez)
    sim.step(1)
    with pytest.raises(OSError):
        save_checkpoint(sim, path, force=True)
    assert path.read_bytes() == good  # the good one is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["c.ckpt"]  # no temporary left


def test_get_state_set_state_round_trip(make_sim):
    a = make_sim(preset="quick")
    a.step(4)
    b = make_sim(preset="quick")
    b.set_state(a.get_state())
    assert_same_run(a, b)
    a.step(2)
    b.step(2)
    assert_same_run(a, b)


def test_resume_with_every_stage_running(make_sim, gl, tmp_path):
    """Stage bookkeeping (init done, land_changed, every-N schedules) survives a checkpoint."""
    from planetsim.core.presets import parse
    from planetsim.core.registry import STAGES, STORY_ORDER
    from planetsim.core.simulation import STATE_HOOKS

    # A stage hook that keeps Python-side state (a cached readback, the step it last ran)
    # must register it with planetsim.core.registry.register_state; people's hook keeps its state in
    # uniforms, erosion's in its fields (the lakes) and the stage's run count. Every stage runs
    # here.
    state_in_uniforms = {"people", "erosion", "water_cycle"}  # water: its fields and run count
    keep = [s for s in STORY_ORDER if s in STAGES]
    for s in keep:
        assert STAGES[s].hook is None or s in STATE_HOOKS or s in state_in_uniforms, s
    stages = ", ".join(f'"{s}"' for s in keep)
    text = (
        'name = "all"\n[grid]\nsize = [64, 32]\nseed = 3\n'
        f'[[epoch]]\nname = "all"\nframes = 40\nyears = [-1.0e6, 0.0]\nstages = [{stages}]\n'
        "steps_per_frame = 3\n"
        # find the sea level and take plate decisions often, so the hooks' state matters
        "set = { sea_level_every_myr = 0.01, plate_decision_myr = 0.1, people_on = true }\n"
        "ramp = { ocean_fill = [0.5, 1.0] }\n"
    )
    preset = parse(text)
    a = make_sim(preset=preset)
    a.step(4)
    path = save_checkpoint(a, tmp_path / "all.ckpt")
    a.step(25)  # 75 steps: past the ocean cache refresh (64) and several re-levellings
    b = load_checkpoint(path, ctx=gl)
    try:
        b.step(25)
        assert_same_run(a, b)
    finally:
        b.close()


def test_registered_python_state_travels(make_sim, gl, tmp_path):
    from planetsim.core.registry import STATE_HOOKS, register_state

    kept: dict[int, dict] = {}

    def get(sim):
        return kept.get(id(sim))

    def put(sim, d):
        if d is not None:
            kept[id(sim)] = d

    register_state("test_cache", get, put)
    try:
        a = make_sim(preset="quick")
        kept[id(a)] = {"curve": np.linspace(0.0, 1.0, 7), "step": 12, "frac": 0.7}
        path = save_checkpoint(a, tmp_path / "c.ckpt")
        b = load_checkpoint(path, ctx=gl)
        try:
            got = kept[id(b)]
            np.testing.assert_array_equal(got["curve"], np.linspace(0.0, 1.0, 7))
            assert (got["step"], got["frac"]) == (12, 0.7)
        finally:
            b.close()
    finally:
        del STATE_HOOKS["test_cache"]
