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


def character(sim) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """What the README's presets table promises, measured before people change the air: the
    ocean's share of the globe, the largest landmass's share of the land, and (from one
    seasonal cycle, 10 steps a month) the share of the globe under ice or snow in the annual
    mean and the share of the band within 30 degrees of the equator that is."""
    from planetsim.analysis.land import landmasses
    from planetsim.stages.climate import land_snow, sea_ice
    from planetsim.stats.seasons import seasonal_cycle

    g = sim.grid
    land = sim.elevation() > float(sim.values["sea_level"])
    temp = seasonal_cycle(sim, steps_per_month=10).temperature_c
    ice = sea_ice(temp, land) | land_snow(temp, land)
    low = np.abs(g.lat2d) < 30.0
    return {
        "ocean": g.area_mean((~land).astype(float)),
        "largest": landmasses(land, g).largest_share,
        "ice": g.area_mean(ice.astype(float)),
        "ice_low": g.area_mean((ice & low).astype(float)) / g.area_mean(low.astype(float)),
    }


# The README's presets table, as ranges (measured at 64x32 and 128x64, seed of the preset).
CHARACTER = {
    "waterworld": lambda c: 0.93 <= c["ocean"] <= 0.98,  # "95 % ocean"
    "dune": lambda c: 0.13 <= c["ocean"] <= 0.23,  # "18 % ocean"
    "pangaea": lambda c: c["largest"] >= 0.8,  # "one supercontinent"
    "snowball": lambda c: c["ice"] >= 0.5 and c["ice_low"] >= 0.2,  # "ice to low latitudes"
    "hothouse": lambda c: c["ice"] <= 0.12,  # "ice only on the winter poles": 4-9 % of the globe
    "earth": lambda c: 0.12 <= c["ice"] <= 0.3,  # polar caps
}


@pytest.mark.parametrize("name", sorted(available()))
def test_every_preset_runs_its_whole_story_without_nan(make_sim, name):
    """The whole story on 64x32 (the smallest grid every stage runs on as it does at any
    size), headless: every field finite at the end of every epoch, populations never
    negative; and before people appear, the planet the README's table promises."""
    sim = make_sim(preset=name, size=(64, 32))
    measured = None
    for e in sim.timeline.epochs:
        if measured is None and "people" in e.stages and name in CHARACTER:
            measured = character(sim)
        sim.step(e.frames)
        for fname in ("terrain", "water", "air", "moisture", "life", "civ"):
            a = sim.field(fname).read()
            assert np.isfinite(a).all(), f"{name}: {fname} not finite after '{e.name}'"
        assert (sim.field("life").read()[..., :3] >= 0).all()
        assert (sim.field("civ").read()[..., :3] >= 0).all()
    assert sim.frame == sim.timeline.total_frames
    if name in CHARACTER:
        assert measured is not None and CHARACTER[name](measured), (name, measured)
