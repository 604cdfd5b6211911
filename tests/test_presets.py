"""Preset loading: every key and type checked, errors name the key and its line."""

from __future__ import annotations

import pytest

from planetsim.errors import PresetError
from planetsim.presets import load, parse
from planetsim.timeline import Timeline, format_year

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
