"""Timelapses, snapshots and metrics: what the files hold, read back with independent readers
(imageio/ffmpeg, Pillow, numpy, tifffile), and that outputs are never clobbered or left
half-written."""

from __future__ import annotations

import json
import subprocess

import imageio.v3 as iio
import numpy as np
import pytest
import tifffile
from PIL import Image

import planetsim
from planetsim.core.metrics import NAMES, metrics
from planetsim.core.outfiles import OutputError
from planetsim.frontends.export import output_kind, render_video
from planetsim.frontends.snapshot import decode_heightmap, save_snapshot

SIZE = (128, 64)


def quick(make_sim) -> planetsim.Simulation:
    return make_sim(preset="quick", size=SIZE)


def changed(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def test_mp4_has_24_frames_of_the_requested_size_that_change(make_sim, tmp_path):
    sim = quick(make_sim)
    out = tmp_path / "quick.mp4"
    res = render_video(sim, out, stop=24, size=SIZE, progress=False)
    assert res.pictures == 24 and res.frames == (1, 24)
    video = iio.imread(out, index=None)
    assert video.shape == (24, SIZE[1], SIZE[0], 3)
    assert changed(video[0], video[-1]) > 1.0
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left beside it


def test_mp4_records_the_run_in_its_metadata(make_sim, tmp_path):
    import imageio_ffmpeg

    sim = quick(make_sim)
    out = tmp_path / "q.mp4"
    render_video(sim, out, stop=3, size=SIZE, progress=False)
    probe = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(out)],
        capture_output=True,
        text=True,
    ).stderr
    comment = next(line for line in probe.splitlines() if line.strip().startswith("comment"))
    for word in (planetsim.__version__, "preset quick", "seed 1", sim.renderer):
        assert word in comment
    assert "h264" in probe


def test_gif_frames_and_comment(make_sim, tmp_path):
    sim = quick(make_sim)
    out = tmp_path / "quick.gif"
    render_video(sim, out, stop=24, size=SIZE, fps=10, progress=False)
    frames = iio.imread(out, index=None)
    # GIF merges identical neighbours, so at most 24; first and last differ.
    assert 2 <= frames.shape[0] <= 24 and frames.shape[1:3] == (SIZE[1], SIZE[0])
    assert changed(frames[0][..., :3], frames[-1][..., :3]) > 1.0
    with Image.open(out) as im:
        assert b"preset quick" in im.info["comment"]


def test_png_folder_numbered_with_provenance(make_sim, tmp_path):
    sim = quick(make_sim)
    out = tmp_path / "frames"
    render_video(sim, out, stop=24, size=SIZE, every=2, progress=False)
    names = sorted(p.name for p in out.glob("frame_*.png"))
    assert names == [f"frame_{i:05d}.png" for i in range(12)]  # frames 1, 3, ..., 23
    first, last = (np.asarray(Image.open(out / n)) for n in (names[0], names[-1]))
    assert first.shape == (SIZE[1], SIZE[0], 3) and changed(first, last) > 1.0
    with Image.open(out / names[-1]) as im:
        meta = json.loads(im.text["planetsim"])
    assert meta["frame"] == 23 and meta["preset"] == "quick" and meta["seed"] == 1
    assert meta["renderer"] == sim.renderer and meta["planetsim_version"] == planetsim.__version__
    assert json.loads((out / "render.json").read_text())["every"] == 2


def test_single_png_is_the_last_picture(make_sim, tmp_path):
    sim = quick(make_sim)
    shots = []
    render_video(
        sim, tmp_path / "end.png", stop=5, size=SIZE, progress=False,
        on_picture=lambda f, img: shots.append(img),
    )  # fmt: skip
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "end.png")), shots[-1])


def test_existing_output_is_kept_without_force(make_sim, tmp_path):
    out = tmp_path / "keep.mp4"
    out.write_bytes(b"mine")
    with pytest.raises(OutputError, match="--force"):
        render_video(quick(make_sim), out, stop=2, size=SIZE, progress=False)
    assert out.read_bytes() == b"mine"
    render_video(quick(make_sim), out, stop=2, size=SIZE, progress=False, force=True)
    assert iio.imread(out, index=None).shape[0] == 2


def test_interrupted_render_leaves_no_file(make_sim, tmp_path):
    def interrupt(frame: int, img: np.ndarray) -> None:
        if frame == 3:
            raise KeyboardInterrupt

    for name in ("cut.mp4", "cut.gif", "cut.csv"):
        out = tmp_path / name
        target = out if name != "cut.csv" else tmp_path / "cut.mp4"
        metrics_file = out if name == "cut.csv" else None
        with pytest.raises(KeyboardInterrupt):
            render_video(
                quick(make_sim), target, stop=10, size=SIZE, progress=False,
                metrics=metrics_file, on_picture=interrupt,
            )  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_output_kinds():
    assert output_kind("a.mp4") == "mp4" and output_kind("a.GIF") == "gif"
    assert output_kind("a.png") == "png" and output_kind("frames/") == "frames"
    assert output_kind("frames") == "frames"
    with pytest.raises(OutputError, match="unsupported output extension '.avi'"):
        output_kind("a.avi")


def band_weights(h: int, w: int) -> np.ndarray:
    """Exact area fractions of equirectangular cells: sin(top) - sin(bottom) per row."""
    edges = np.radians(np.linspace(-90.0, 90.0, h + 1))
    rows = np.diff(np.sin(edges)) / 2.0
    return np.repeat(rows[:, None], w, axis=1) / w


def test_metrics_are_area_weighted(make_sim):
    sim = make_sim(preset="quick", size=(64, 32))
    sim.step(5)
    m = metrics(sim)
    assert set(m) == set(NAMES)
    elev = sim.elevation().astype(np.float64)
    wts = band_weights(*elev.shape)
    assert m["land_fraction"] == pytest.approx(wts[elev > sim.uniform("sea_level")].sum(), abs=1e-9)
    assert m["mean_elevation"] == pytest.approx((wts * elev).sum(), rel=1e-6, abs=1e-6)
    assert m["max_elevation"] == pytest.approx(elev.max())
    # A uniform field's area-weighted mean is its value; totals scale with the planet's area.
    sim.field("air").clear((1000.0, 15.0, 0.0, 0.0))
    sim.field("civ").clear((2.0, 0.0, 0.5, 0.0))
    m = metrics(sim)
    assert m["mean_temperature"] == pytest.approx(15.0)
    area_km2 = 4 * np.pi * (sim.grid.radius / 1e3) ** 2
    assert m["people"] == pytest.approx(2.0 * area_km2, rel=1e-9)
    assert m["emissions"] == pytest.approx(0.5 * 64 * 32)


def test_metrics_csv_has_one_row_per_frame(make_sim, tmp_path):
    sim = quick(make_sim)
    render_video(
        sim, tmp_path / "f", start=4, stop=9, every=3, size=SIZE, progress=False,
        metrics=tmp_path / "m.csv",
    )  # fmt: skip
    lines = (tmp_path / "m.csv").read_text().splitlines()
    assert lines[0].split(",") == list(NAMES)
    rows = [dict(zip(NAMES, map(float, line.split(",")), strict=True)) for line in lines[1:]]
    assert [int(r["frame"]) for r in rows] == [4, 5, 6, 7, 8, 9]
    assert all(0.0 <= r["land_fraction"] <= 1.0 for r in rows)
    assert rows[-1]["year"] == pytest.approx(sim.year)
    # Each row holds its own frame's figures: a twin of the story, stepped frame by frame,
    # measured with metrics() (the same driver: bit for bit).
    twin = quick(make_sim)
    twin.step(4 - twin.frame)
    for r in rows:
        want = metrics(twin)
        assert r == {k: float(want[k]) for k in NAMES}, int(r["frame"])
        twin.step(1)


def test_snapshot_heightmap_round_trip(make_sim, tmp_path):
    sim = quick(make_sim)
    sim.step(10)
    files = save_snapshot(sim, tmp_path / "snap", width=256)
    names = {p.name for p in files}
    assert {"heightmap.png", "heightmap.json", "fields.npz", "snapshot.json"} <= names
    assert "map_elevation.png" in names
    side = json.loads((tmp_path / "snap" / "heightmap.json").read_text())
    with Image.open(tmp_path / "snap" / "heightmap.png") as im:
        levels = np.asarray(im)
        assert im.text["Software"].startswith("planetsim")
    assert levels.dtype == np.uint16 and levels.shape == (64, 128)
    got = decode_heightmap(levels, side)[::-1]  # the image is north up
    want = sim.elevation().astype(np.float64)
    step = side["metres_per_level"]
    assert step < (want.max() - want.min()) / 60000
    assert np.abs(got - want).max() <= step * 0.5 + 1e-6 * np.abs(want).max()
    assert side["sea_level_m"] == sim.values["sea_level"]
    assert side["preset"] == "quick" and side["seed"] == 1 and side["renderer"] == sim.renderer
    with np.load(tmp_path / "snap" / "fields.npz") as npz:
        for name, f in sim.fields.items():
            np.testing.assert_array_equal(npz[name], f.read())
    with Image.open(tmp_path / "snap" / "map_elevation.png") as im:
        assert im.size == (256, 128)


def snapshot_with_land_and_sea(make_sim, folder):
    """A quick-preset snapshot 60 frames in (oceans by then), its fields.npz elevation (row 0 =
    south) and its sidecar's sea level."""
    sim = quick(make_sim)
    sim.step(60)
    files = save_snapshot(sim, folder, width=128)
    with np.load(folder / "fields.npz") as npz:
        elev = npz["terrain"][..., 0]
    sea = json.loads((folder / "heightmap.json").read_text())["sea_level_m"]
    info = json.loads((folder / "snapshot.json").read_text())
    assert {p.name for p in files} >= {"elevation.tif", "mask.png"}
    assert {"elevation.tif", "mask.png"} <= set(info["files"])
    return elev, sea


def test_snapshot_geotiff_is_the_elevation_in_epsg_4326(make_sim, tmp_path):
    elev, sea = snapshot_with_land_and_sea(make_sim, tmp_path / "snap")
    h, w = SIZE[1], SIZE[0]
    with tifffile.TiffFile(tmp_path / "snap" / "elevation.tif") as tif:
        geo = tif.geotiff_metadata
        data = tif.asarray()
        page_tags = tif.pages.first.tags
        assert tif.gdal_metadata is not None and "metre" in tif.gdal_metadata
    assert geo is not None
    assert data.dtype == np.float32 and data.shape == (h, w)
    # The grid's definition: equirectangular cells over the whole globe, row 0 the north edge.
    sx, sy, _ = geo["ModelPixelScale"]
    i, j, _, x, y, _ = geo["ModelTiepoint"]
    assert sx == pytest.approx(360.0 / w) and sy == pytest.approx(180.0 / h)
    west, north = x - i * sx, y + j * sy
    assert (west, west + w * sx) == pytest.approx((-180.0, 180.0))
    assert (north - h * sy, north) == pytest.approx((-90.0, 90.0))
    assert int(geo["GeographicTypeGeoKey"]) == 4326
    assert int(geo["GTModelTypeGeoKey"]) == 2  # geographic
    assert int(geo["GTRasterTypeGeoKey"]) == 1  # PixelIsArea: the tiepoint is a cell corner
    assert "GDAL_NODATA" not in page_tags
    np.testing.assert_array_equal(data, elev[::-1].astype(np.float32))
    assert float(data.min()) < sea < float(data.max())  # there is land and sea to place


def test_snapshot_mask_is_land_above_sea_level(make_sim, tmp_path):
    elev, sea = snapshot_with_land_and_sea(make_sim, tmp_path / "snap")
    with Image.open(tmp_path / "snap" / "mask.png") as im:
        assert im.mode == "L" and im.size == SIZE
        mask = np.asarray(im)
    want = np.where(elev[::-1] > sea, 255, 0)  # north up, like heightmap.png
    assert 0 < (want == 255).mean() < 1
    np.testing.assert_array_equal(mask, want)


def test_snapshot_refuses_a_folder_with_files(make_sim, tmp_path):
    (tmp_path / "snap").mkdir()
    (tmp_path / "snap" / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="--force"):
        save_snapshot(quick(make_sim), tmp_path / "snap")
    save_snapshot(quick(make_sim), tmp_path / "snap", force=True, width=128)
    assert (tmp_path / "snap" / "notes.txt").read_text() == "mine"
