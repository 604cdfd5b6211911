"""`planetsim stats` and planetsim.stats: measure() on fields written here from numpy gives
the analytic figures (and analysis' figures on the same arrays), leaves the simulation as it
was, its seasonal cycle sweeps the seasons; the command measures a story, a checkpoint and a
snapshot; every bad input is one line, exit 2, and nothing is overwritten."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from planetsim.analysis import land_fraction, river_stats, route
from planetsim.analysis.grid import EARTH_RADIUS_M, Grid
from planetsim.core.checkpoint import read_checkpoint, save_checkpoint
from planetsim.frontends.cli import main
from planetsim.stats import format_table, measure, seasonal_cycle

W, H = 64, 32  # rows and columns 5.625 degrees
DEG = 180.0 / H


def run(capsys, gl, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), ctx=gl)
    out, err = capsys.readouterr()
    return code, out, err


def band(lat0: float, lat1: float, dlon: float) -> float:
    """Area share of the sphere of a lat/lon box (degrees)."""
    s = np.sin(np.radians([lat0, lat1]))
    return dlon / 360.0 * (s[1] - s[0]) / 2.0


# Box A: rows 21..26 (28.125..61.875 N), columns 60..63 and 0..3 (across +-180 deg).
# Box B: rows 6..9 (56.25..33.75 S), columns 20..29. Heights relative to sea level 0.
A_ROWS, A_COLS = slice(21, 27), np.r_[60:64, 0:4]
B_ROWS, B_COLS = slice(6, 10), np.r_[20:30]
A_SHARE = band(21 * DEG - 90, 27 * DEG - 90, 8 * 360 / W)
B_SHARE = band(6 * DEG - 90, 10 * DEG - 90, 10 * 360 / W)
RELIEF = np.array([60.0, 20.0, -20.0, -60.0, -60.0, -20.0, 20.0, 60.0])  # zero mean a row


def planet_fields() -> dict[str, np.ndarray]:
    g = Grid(W, H)
    lat = g.lat2d
    f = {k: np.zeros((H, W, 4), np.float32) for k in ("terrain", "air", "moisture", "life", "civ")}
    elev = np.full((H, W), -4500.0)
    elev[A_ROWS, A_COLS] = 500.0 + RELIEF
    elev[B_ROWS, B_COLS] = 500.0
    land = elev > 0
    f["terrain"][..., 0] = elev
    f["terrain"][..., 3] = np.where(land, 1000.0, 50.0)  # crust age, Myr
    f["air"][..., 0] = 1012.0
    f["air"][..., 1] = np.where(lat > 0, 10.0, 20.0)
    f["moisture"][..., 0] = 20.0
    f["moisture"][..., 1] = np.where(np.abs(lat) < 30, 1000.0, 500.0)
    f["moisture"][..., 2] = 0.5
    f["moisture"][..., 3] = 400.0
    a = np.zeros((H, W), bool)
    a[A_ROWS, A_COLS] = True
    f["life"][..., 0] = np.where(a, 1.0, 0.0)  # plants on A only
    f["life"][..., 3] = land
    f["civ"][..., 0] = np.where(a, 10.0, 0.0)  # people per km^2 on A
    f["civ"][..., 1] = np.where(land, 1.0, 0.0)  # 1 GtC under every land cell
    return f


def write_planet(sim) -> dict[str, np.ndarray]:
    fields = planet_fields()
    for name, a in fields.items():
        sim.field(name).write(a)
    sim.set_uniform("sea_level", 0.0)
    return fields


def test_measure_gives_the_figures_of_the_arrays(make_sim):
    sim = make_sim(size=(W, H))
    fields = write_planet(sim)
    got = measure(sim, seasonal=False)
    land = A_SHARE + B_SHARE
    assert got["land_fraction"] == pytest.approx(land, rel=1e-9)
    assert got["landmass_count"] == 2
    assert got["largest_landmass_share"] == pytest.approx(max(A_SHARE, B_SHARE) / land)
    assert got["coastline_index"] == pytest.approx((28 + 28) / np.sqrt(48 + 40))
    assert got["mean_land_height_m"] == pytest.approx(500.0)
    assert got["mean_ocean_depth_m"] == pytest.approx(4500.0)
    assert got["share_below_2km"] == pytest.approx(1 - land)
    assert got["share_below_4km"] == pytest.approx(1 - land)
    # Bins are (lo, hi]: 440 and 480 m (and B's 500 m) fill (250, 500]; -4500 m (-4750, -4500].
    assert got["land_mode_m"] == 375.0 and got["ocean_floor_mode_m"] == -4625.0
    assert got["highest_m"] == 560.0
    assert got["seafloor_mean_age_myr"] == pytest.approx(50.0)
    assert got["seafloor_p99_age_myr"] == pytest.approx(50.0)
    # Climate of the moment: northern hemisphere 10 C, southern 20 C; rain 1000 on the rows
    # whose centres are within 30 deg of the equator (edges at 28.125 deg), 500 beyond.
    assert got["climate"] == "moment"
    assert got["mean_temperature_c"] == pytest.approx(15.0)
    wet = np.sin(np.radians(5 * DEG))
    assert got["mean_precipitation_mm_yr"] == pytest.approx(1000.0 * wet + 500.0 * (1 - wet))
    assert got["precip_band_0_10"] == pytest.approx(1000.0)
    assert got["precip_band_40_55"] == pytest.approx(500.0)
    assert got["mean_cloud_cover"] == pytest.approx(0.5)
    assert np.isnan(got["koppen_A"]) and "monthly" in got["missing"]["koppen_A"]
    # Life and people.
    area_km2 = 4 * np.pi * EARTH_RADIUS_M**2 / 1e6
    assert got["people"] == pytest.approx(10.0 * A_SHARE * area_km2, rel=1e-6)
    assert got["mean_co2_ppm"] == pytest.approx(400.0)
    assert got["buried_carbon_gtc"] == pytest.approx(88.0)
    assert got["vegetated_share"] == pytest.approx(A_SHARE / land)
    # Rivers: the analysis functions on the arrays written here.
    elev = fields["terrain"][..., 0].astype(float)
    rs = river_stats(route(elev), fields["moisture"][..., 1], fields["air"][..., 1])
    assert got["largest_basin_share"] == pytest.approx(rs.largest_basin_shares[0])
    assert got["basins_over_half_percent"] == rs.basins_over_half_percent
    np.testing.assert_equal(got["endorheic_share"], rs.endorheic_share)
    np.testing.assert_equal(got["concavity"], rs.concavity)


def test_measure_gives_the_river_figures_of_planets_whose_answers_are_known() -> None:
    """The river figures measure() reports are the known ones, not only the analysis
    functions' answers passed along: the fishbone's stem has Flint's theta 0.45 by
    construction; the nested bowls of test_analysis_rivers in a desert drain their catchment
    (the bowls, their rims and one spill cell) to no sea, that area over the land's; with no
    rain given the share is unknown (nan)."""
    from test_analysis_rivers import THETA, fishbone, nested_bowls
    from test_analysis_rivers import G as G10

    from planetsim.stats.arrays import PlanetArrays
    from planetsim.stats.measure import measure_arrays

    z, g, _ = fishbone()
    got = measure_arrays(PlanetArrays(elevation_m=z, radius_m=g.radius))
    assert got["concavity"] == pytest.approx(THETA, abs=1e-9)
    assert np.isnan(got["endorheic_share"]) and "endorheic_share" in got["missing"]

    z, ring = nested_bowls()
    rain = np.where(ring <= 2, 2500.0, 0.0)  # a wet inner bowl in a desert
    arrays = PlanetArrays(elevation_m=z, precipitation_mm_yr=rain,
                          temperature_c=np.full(G10.shape, 25.0))  # fmt: skip
    catchment = ring <= 3
    catchment[9, 13] = True
    land = z > 0
    want = G10.cell_area_m2[catchment].sum() / G10.cell_area_m2[land].sum()
    assert measure_arrays(arrays)["endorheic_share"] == pytest.approx(want, rel=1e-9)


def _same_state(a: dict, b: dict) -> None:
    fa, fb = a.pop("fields"), b.pop("fields")
    assert fa.keys() == fb.keys()
    for k in fa:
        assert np.array_equal(fa[k], fb[k]), k
    assert json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def test_measure_leaves_the_story_as_it_was(make_sim):
    one = make_sim(preset="quick", size=(W, H))
    two = make_sim(preset="quick", size=(W, H))
    one.step(70)  # drifting plates: tectonics, erosion, climate and the water cycle
    two.step(70)
    before = one.get_state()
    figures = measure(one, steps_per_month=3)
    assert figures["climate"] == "annual" and figures["seasonal_steps"] == 13 * 3
    _same_state(before, one.get_state())
    one.step(4)
    two.step(4)
    _same_state(one.get_state(), two.get_state())


def test_the_seasonal_cycle_sweeps_the_seasons(make_sim):
    sim = make_sim(size=(W, H))
    g = Grid(W, H)
    terrain = np.zeros((H, W, 4), np.float32)
    north = (g.lat2d > 30) & (g.lat2d < 60) & (np.abs(g.lon2d) < 90)
    terrain[..., 0] = np.where(north, 200.0, -4000.0)
    sim.field("terrain").write(terrain)
    sim.set_uniform("sea_level", 0.0)
    before = sim.get_state()
    cyc = seasonal_cycle(sim, steps_per_month=4)
    _same_state(before, sim.get_state())
    t = cyc.temperature_monthly_c
    jan, jul = t[0][north].mean(), t[6][north].mean()
    assert jul > jan + 5.0, (jan, jul)
    south = g.lat2d < -30
    assert t[0][south].mean() > t[6][south].mean() + 2.0
    np.testing.assert_allclose(cyc.temperature_c, t.mean(axis=0), rtol=1e-12)
    assert cyc.steps == 13 * 4


def test_table_marks_and_grid_figures():
    figs = {"land_fraction": 0.29, "coastline_index": 40.0, "highest_m": 5000.0,
            "landmass_count": float("nan"), "year_label": "now", "grid": [256, 128],
            "missing": {"landmass_count": "no land here"}}  # fmt: skip
    rows = {line.split("  ")[0]: line for line in format_table([figs]).splitlines()}
    assert "29.0 ✓" in rows["Land fraction (%)"]
    assert "40.0 ✗" in rows["Coastline index (edges/sqrt cells)"]
    assert "31.0 (27.5–31.2)" in rows["Coastline index (edges/sqrt cells)"]  # 256x128's figure
    highest = rows["Highest cell (m)"]
    assert "5000" in highest and "✓" not in highest and "✗" not in highest
    assert "n/a" in rows["Landmasses (count)"]
    text = format_table([figs])
    assert "no land here" in text
    assert "✓" not in format_table([figs], ascii_only=True)


# ---- the command -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def checkpoint(ctx, tmp_path_factory) -> Path:
    from planetsim.core.simulation import Simulation

    path = tmp_path_factory.mktemp("ck") / "quick_70.ckpt"
    with Simulation(preset="quick", size=(W, H), ctx=ctx) as sim:
        sim.step(70)
        save_checkpoint(sim, path)
    return path


def _matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def test_stats_of_a_checkpoint(capsys, gl, tmp_path, checkpoint):
    before = checkpoint.read_bytes()
    out = tmp_path / "ck.json"
    out.write_text("old")
    code, stdout, err = run(capsys, gl, "stats", str(checkpoint), "--json", str(out), "--force",
                            "--steps-per-month", "3", "-q")  # fmt: skip
    assert code == 0, err
    assert "Land fraction (%)" in stdout and "Köppen A" in stdout
    doc = json.loads(out.read_text())
    (fig,) = doc["figures"]
    meta, fields = read_checkpoint(checkpoint)
    sea = meta["state"]["values"]["sea_level"]
    assert fig["frame"] == 70 and doc["source"]["kind"] == "checkpoint"
    assert fig["land_fraction"] == pytest.approx(land_fraction(fields["terrain"][..., 0] > sea))
    assert fig["climate"] == "annual" and fig["koppen_A"] is not None
    assert doc["provenance"]["preset"] == "quick" and doc["provenance"]["size"] == [W, H]
    assert doc["earth"]["stats"]["land_fraction"]["source"]
    assert checkpoint.read_bytes() == before


def test_stats_of_a_story_at_two_moments(capsys, gl, tmp_path, make_sim):
    js, png = tmp_path / "s.json", tmp_path / "s.png"
    argv = ["stats", "--preset", "quick", "--size", f"{W}x{H}", "--at", "20,10",
            "--steps-per-month", "2", "--json", str(js)]  # fmt: skip
    if _matplotlib():
        argv += ["--png", str(png)]
    code, stdout, err = run(capsys, gl, *argv)
    assert code == 0, err
    doc = json.loads(js.read_text())
    assert [f["frame"] for f in doc["figures"]] == [10, 20]  # in story order
    assert doc["provenance"]["frames"] == [10, 20] and doc["source"]["kind"] == "story"
    assert f"wrote {js}" in stdout and "stats" in err  # the progress bar
    twin = make_sim(preset="quick", size=(W, H))
    twin.step(20)
    sea = twin.values["sea_level"]
    assert doc["figures"][1]["land_fraction"] == pytest.approx(
        land_fraction(twin.elevation() > sea)
    )
    header = stdout.splitlines()[0]
    assert header.index(doc["moments"][0]) < header.index(doc["moments"][1])
    if not _matplotlib():
        pytest.skip("matplotlib is not installed: the --png part needs planetsim[plots]")
    from PIL import Image

    with Image.open(png) as im:
        assert im.format == "PNG" and im.size[0] >= 1200


def test_stats_of_a_snapshot_folder(capsys, gl, tmp_path):
    snap = tmp_path / "snap"
    snap.mkdir()
    np.savez_compressed(snap / "fields.npz", **planet_fields())
    meta = {"preset": "hand", "seed": 3, "frame": 7, "year": -1e6, "year_label": "1 Myr ago",
            "sea_level_m": 0.0}  # fmt: skip
    (snap / "snapshot.json").write_text(json.dumps(meta))
    out = tmp_path / "snap.json"
    code, stdout, err = run(capsys, gl, "stats", str(snap), "--json", str(out), "-q")
    assert code == 0, err
    assert "not an annual mean" in stdout and "snapshot" in stdout
    doc = json.loads(out.read_text())
    (fig,) = doc["figures"]
    assert fig["land_fraction"] == pytest.approx(A_SHARE + B_SHARE)
    assert fig["mean_temperature_c"] == pytest.approx(15.0)
    assert fig["climate"] == "moment" and fig["koppen_A"] is None
    assert "snapshot" in fig["missing"]["koppen_A"]
    assert doc["provenance"]["seed"] == 3 and doc["moments"] == ["1 Myr ago"]


def test_stats_of_a_written_snapshot(capsys, gl, tmp_path):
    snap = tmp_path / "s"
    code, _, err = run(capsys, gl, "snapshot", "--size", f"{W}x{H}", "--at", "5", "--width",
                       "64", "--out", str(snap), "-q")  # fmt: skip
    assert code == 0, err
    code, stdout, err = run(capsys, gl, "stats", str(snap), "-q")
    assert code == 0, err
    with np.load(snap / "fields.npz") as f:
        elev = f["terrain"][..., 0]
    sea = json.loads((snap / "snapshot.json").read_text())["sea_level_m"]
    line = next(s for s in stdout.splitlines() if s.startswith("Land fraction"))
    assert f"{100 * land_fraction(elev > sea):.1f}" in line


def test_each_bad_input_is_one_line_and_exit_2(capsys, gl, tmp_path, checkpoint, monkeypatch):
    cut = tmp_path / "cut.ckpt"
    cut.write_bytes(checkpoint.read_bytes()[:4000])
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("")
    mine = tmp_path / "mine.json"
    mine.write_text("mine")
    pic = tmp_path / "mine.png"
    pic.write_bytes(b"mine")
    story = ["--preset", "quick", "--size", f"{W}x{H}"]
    cases = {
        "missing source": ["stats", str(tmp_path / "nothing")],
        "truncated checkpoint": ["stats", str(cut)],
        "folder without fields.npz": ["stats", str(empty)],
        "--at past the end": ["stats", *story, "--at", "10,100000"],
        "--at outside the story": ["stats", *story, "--at", "2500CE"],
        "bad --at": ["stats", *story, "--at", "12parsecs"],
        "unknown preset": ["stats", "--preset", "nope"],
        "existing --json": ["stats", *story, "--at", "3", "--json", str(mine)],
        "existing --png": ["stats", str(checkpoint), "--png", str(pic)],
        "story options with a checkpoint": ["stats", str(checkpoint), "--at", "10"],
    }
    for what, argv in cases.items():
        code, out, err = run(capsys, gl, *argv)
        assert code == 2, (what, err)
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("planetsim: error: "), (what, err)
        assert out == "", what
    assert mine.read_text() == "mine" and pic.read_bytes() == b"mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.ckpt", "empty", "mine.json",
                                                          "mine.png"]  # fmt: skip

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    code, out, err = run(capsys, gl, "stats", str(checkpoint), "--png", str(tmp_path / "n.png"))
    assert code == 2 and len(err.splitlines()) == 1 and out == ""
    assert "pip install 'planetsim[plots]'" in err


def test_help(capsys):
    with pytest.raises(SystemExit) as info:
        main(["stats", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: planetsim stats" in out and "CHECKPOINT|SNAPSHOT_DIR" in out
