"""Preset loading: every key and type checked, errors name the key and its line."""

from __future__ import annotations

import numpy as np
import pytest

from planetsim.core.errors import PresetError
from planetsim.core.presets import load, parse
from planetsim.core.timeline import Timeline, format_year

GOOD = """\
name = "t"
description = "test"
[grid]
size = [64, 32]
seed = 3

[relief]
hillslope_D = 10.0

[[epoch]]
name = "one"
frames = 10
years = [-1.0e9, -0.5e9]
stages = ["relief"]
steps_per_frame = 2
ramp = { sea_level = [0.0, 100.0] }

[[epoch]]
name = "two"
frames = 5
years = [1800.0, 1805.0]
stages = ["relief"]
"""


def test_good_preset_parses():
    p = parse(GOOD)
    assert p.size == (64, 32) and p.seed == 3
    assert p.params["relief"] == {"hillslope_D": 10.0}
    assert [e.name for e in p.epochs] == ["one", "two"]
    assert p.epochs[0].ramp == {"sea_level": (0.0, 100.0)}
    assert p.timeline.total_frames == 15


@pytest.mark.parametrize(
    "edit, key, line",
    [
        (("seed = 3", "seed = 3\ncolour = 1"), "grid.colour", 6),
        (("seed = 3", 'seed = "three"'), "grid.seed", 5),
        (("frames = 10", "frames = -10"), "epoch[0].frames", 12),
        (('name = "two"\n', ""), "epoch[1].name", 18),
        (("hillslope_D = 10.0", "hillslope_D = 10.0\nbogus = 1"), "relief.bogus", 9),
        (("hillslope_D = 10.0", 'hillslope_D = "x"'), "relief.hillslope_D", 8),
        (('stages = ["relief"]\nsteps', 'stages = ["nope"]\nsteps'), "epoch[0].stages", 14),
        (("years = [1800.0, 1805.0]", "years = [1805.0, 1800.0]"), "epoch[1].years", 21),
        (("sea_level = [0.0, 100.0]", "nonsense = [0.0, 1.0]"), "epoch[0].ramp.nonsense", 16),
        (('name = "t"', 'name = "t"\nfoo = 2'), "foo", 2),
    ],
)
def test_bad_preset_names_key_and_line(edit, key, line):
    old, new = edit
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    with pytest.raises(PresetError) as info:
        parse(text)
    msg = str(info.value)
    assert "\n" not in msg
    assert f"'{key}'" in msg, msg
    assert msg.startswith(f"preset:{line}:"), msg


def test_unknown_key_lists_allowed_values():
    with pytest.raises(PresetError, match=r"allowed: .*metric.*seed.*size"):
        parse(GOOD.replace("seed = 3", "sead = 3"))


def test_malformed_toml_is_one_line():
    with pytest.raises(PresetError, match="malformed TOML") as info:
        parse(GOOD.replace("[grid]", "[grid"))
    assert "\n" not in str(info.value)


def test_story_needs_an_epoch():
    with pytest.raises(PresetError, match="epoch"):
        parse('name = "x"\n')


def test_unknown_preset_name_lists_shipped():
    with pytest.raises(PresetError, match=r"unknown preset 'atlantis' \(shipped: .*quick"):
        load("atlantis")


def test_year_labels():
    assert format_year(-4.5e9) == "4.50 Gyr ago"
    assert format_year(-2.3e8) == "230 Myr ago"
    assert format_year(-12000) == "12 kyr ago"
    assert format_year(-3000) == "3000 BCE"
    assert format_year(1850) == "1850 CE"


def test_timeline_frames_and_years():
    t = Timeline(parse(GOOD).epochs)
    assert t.moment(0).year == -1.0e9
    assert t.moment(5).year == pytest.approx(-0.75e9)
    assert t.moment(10).epoch.name == "two" and t.moment(10).year == 1800.0
    assert t.frame_of_year(1802.0) == 12
    assert t.frame_of_year(-0.75e9) == 5
    # a ramp moves linearly across its epoch
    assert t.moment(5).ramped()["sea_level"] == pytest.approx(50.0)


# ---- the shipped presets -------------------------------------------------------------------
from planetsim.core.presets import available  # noqa: E402


def test_the_shipped_worlds_are_there():
    assert {"earth", "quick", "waterworld", "pangaea", "snowball", "hothouse"} <= set(available())
    assert len(available()) >= 7


def test_quick_story_follows_its_toml(make_sim):
    from planetsim.core.presets import tomllib  # tomli on Python 3.10

    text = (available()["quick"]).read_text()
    raw = tomllib.loads(text)
    sim = make_sim(preset="quick", size=(64, 32))
    assert sim.timeline.total_frames == sum(e["frames"] for e in raw["epoch"])
    # Every stage of the story runs in quick.
    assert {s for e in raw["epoch"] for s in e["stages"]} >= {
        "protoplanet",
        "tectonics",
        "erosion",
        "climate",
        "water_cycle",
        "life",
        "people",
    }
    start = 0
    for e in raw["epoch"]:
        m = sim.timeline.moment(start)
        assert m.epoch.name == e["name"] and m.year == e["years"][0]
        assert format_year(m.year) == format_year(e["years"][0])
        mid = sim.timeline.moment(start + e["frames"] // 2)
        a, b = e["years"]
        assert mid.year == pytest.approx(a + (b - a) * (e["frames"] // 2) / e["frames"])
        start += e["frames"]
    sim.step(sim.timeline.total_frames)
    assert sim.year_label == format_year(raw["epoch"][-1]["years"][1])


@pytest.mark.parametrize("name", sorted(available()))
def test_every_preset_runs_its_whole_story_without_nan(make_sim, name):
    """The whole story on 64x32 (the smallest grid every stage runs on as it does at any
    size), headless: every field finite at the end of every epoch,
    populations never negative."""
    sim = make_sim(preset=name, size=(64, 32))
    for e in sim.timeline.epochs:
        sim.step(e.frames)
        for fname in ("terrain", "water", "air", "moisture", "life", "civ"):
            a = sim.field(fname).read()
            assert np.isfinite(a).all(), f"{name}: {fname} not finite after '{e.name}'"
        assert (sim.field("life").read()[..., :3] >= 0).all()
        assert (sim.field("civ").read()[..., :3] >= 0).all()
    assert sim.frame == sim.timeline.total_frames
