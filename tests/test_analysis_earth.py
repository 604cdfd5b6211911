"""Earth's reference file: every figure has a source, ranges are ordered, lookups work."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest

from planetsim.analysis.earth import EARTH_TOML, grid_key, load_earth, parse_earth
from planetsim.analysis.grid import Grid

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

GRIDS = ["128x64", "256x128", "512x256", "1024x512"]


@pytest.fixture(scope="module")
def raw() -> dict:
    with open(EARTH_TOML, "rb") as f:
        return tomllib.load(f)


def test_every_entry_has_units_a_source_and_a_figure(raw: dict) -> None:
    assert raw["stat"] and raw["curve"]
    for name, t in raw["stat"].items():
        assert t.get("units"), name
        assert t.get("source"), name
        has_grid = bool(t.get("grid"))
        assert "value" in t or "range" in t or has_grid, name
        for key, g in t.get("grid", {}).items():
            assert key in GRIDS, (name, key)
            assert "value" in g or "range" in g, (name, key)
            assert g.get("source") or t.get("source"), (name, key)
    for name, c in raw["curve"].items():
        assert c.get("source"), name


def test_ranges_are_ordered_and_hold_their_values(raw: dict) -> None:
    entries = []
    for name, t in raw["stat"].items():
        entries.append((name, t))
        entries += [(f"{name}@{k}", g) for k, g in t.get("grid", {}).items()]
    for name, t in entries:
        if "range" in t:
            lo, hi = t["range"]
            assert lo <= hi, name
            if "value" in t:
                assert lo <= t["value"] <= hi, name
            for k in ("computed_area", "computed_centre"):
                if k in t:
                    assert lo <= t[k] <= hi, (name, k)


def test_loader_checks_sources_and_ranges() -> None:
    with pytest.raises(ValueError, match="no source"):
        parse_earth({"stat": {"x": {"value": 1.0}}})
    with pytest.raises(ValueError, match="lo <= hi"):
        parse_earth({"stat": {"x": {"range": [2, 1], "source": "s"}}})
    with pytest.raises(ValueError, match="bands"):
        parse_earth({"curve": {"c": {"x_edges": [0, 1, 2], "y": [1.0], "source": "s"}}})


def test_grid_dependent_lookup() -> None:
    ref = load_earth()
    assert ref.value("coastline_index", (256, 128)) == 31.0
    assert ref.value("coastline_index", Grid(512, 256)) == 38.0
    assert ref.value("coastline_index", "1024X512") == 47.0
    assert ref.value("coastline_index") is None  # no figure without a grid
    assert ref.value("coastline_index", (64, 32)) is None  # nor on an unlisted grid
    fig = ref.figure("coastline_index", (256, 128))
    assert fig.extra["computed_centre"] == pytest.approx(31.2)
    assert fig.source
    # A statistic with a general figure falls back to it on unlisted grids.
    assert ref.value("largest_landmass_share", (64, 32)) == 0.55
    assert grid_key(Grid(128, 64)) == grid_key((128, 64)) == grid_key("128x64") == "128x64"


def test_inside() -> None:
    ref = load_earth()
    assert ref.inside("land_fraction", 0.29) is True
    assert ref.inside("land_fraction", 0.31) is False
    assert ref.inside("land_fraction", math.nan) is False
    assert ref.inside("coastline_index", 30.0, (256, 128)) is True
    assert ref.inside("coastline_index", 30.0, (1024, 512)) is False
    assert ref.inside("highest_m", 8000.0) is None  # no range to judge by
    with pytest.raises(KeyError):
        ref.value("no_such_statistic")


def test_curves() -> None:
    ref = load_earth()
    h = ref.curve("hypsometry")
    assert np.all(np.diff(h.x_edges) > 0)
    assert h.y["y"].sum() == pytest.approx(100.0, abs=0.1)  # percent of the surface
    # The curve agrees with the single figures drawn from the same table.
    below2 = h.y["y"][h.x_edges[1:] <= -2000].sum() / 100
    assert below2 == pytest.approx(ref.value("share_below_2km"), abs=0.001)
    p = ref.curve("zonal_precipitation")
    assert np.all(p.y["y_lo"] <= p.y["y_hi"])
    assert p.x_edges[0] == 0 and p.x_edges[-1] == 90
