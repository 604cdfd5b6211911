"""A custom start: images the tests make become the planet's terrain, coastlines where the
image says; unreadable files give one-line PresetErrors."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from planetsim.core.errors import PresetError
from planetsim.core.heightmap import apply_heightmap


def _continent(h: int, w: int) -> np.ndarray:
    """(h, w) bool, top row north: a round continent in the north-west and a strip in the
    south-east."""
    y, x = np.mgrid[0:h, 0:w]
    disc = (x - 0.25 * w) ** 2 + ((y - 0.3 * h) * 2) ** 2 < (0.15 * w) ** 2
    strip = (x > 0.6 * w) & (x < 0.8 * w) & (y > 0.65 * h) & (y < 0.85 * h)
    return disc | strip


def _on_grid(img_land: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Nearest-neighbour reference of an image mask on the grid, row 0 south."""
    h, w = img_land.shape
    gh, gw = shape
    rows = ((np.arange(gh) + 0.5) / gh * h).astype(int)
    cols = ((np.arange(gw) + 0.5) / gw * w).astype(int)
    return img_land[rows][:, cols][::-1]


def test_16bit_heightmap_becomes_terrain(make_sim, tmp_path):
    h, w = 150, 300  # not the grid's size
    land = _continent(h, w)
    y = np.linspace(0, 1, h)[:, None]
    grey = np.where(land, 0.55 + 0.4 * y, 0.1 + 0.3 * y)  # sea below 0.5, land above
    path = tmp_path / "world16.png"
    Image.fromarray((grey * 65535).astype(np.uint16)).save(path)
    assert Image.open(path).mode.startswith("I")
    sim = make_sim()
    z = apply_heightmap(sim, path, sea_level=0.0, elevation_range=(-5000.0, 5000.0))
    terrain = sim.field("terrain").read()
    np.testing.assert_array_equal(terrain[..., 0], z)
    ref = _on_grid(land, sim.grid.shape)
    agree = ((terrain[..., 0] > 0) == ref).mean()
    assert agree > 0.95
    # Where the continent is: north-west (row 0 is south).
    gh, gw = sim.grid.shape
    nw = terrain[gh // 2 :, : gw // 2, 0] > 0
    assert nw.mean() > 0.1
    assert (terrain[gh // 2 :, gw // 2 :, 0] > 0).mean() == 0  # nothing in the north-east
    assert -5000.0 <= z.min() and z.max() <= 5000.0
    assert (terrain[..., 1] == -1).all()  # no plates yet
    # The values, not only their sign: away from the coasts and the image's edges the sea's
    # linear ramp comes through resampling exactly, z = -5000 + 10000 (0.1 + 0.3 y) at the
    # cell centre's image row, within 4 m (16 bits: 0.15 m a level; 8 bits would be 39 m).
    lat = sim.grid.lat2d
    y_img = ((90.0 - lat) / 180.0 * h - 0.5) / (h - 1)  # the ramp's y at each cell centre
    want = -5000.0 + 10000.0 * (0.1 + 0.3 * y_img)
    near = ref.copy()
    for dx in (-2, -1, 0, 1, 2):
        for dy in (-2, -1, 0, 1, 2):
            near |= np.roll(np.roll(ref, dx, 1), dy, 0)
    inner = ~near & (np.abs(lat) < 80.0)
    assert inner.mean() > 0.4
    np.testing.assert_allclose(z[inner], want[inner], atol=4.0)  # resampling: 1.5 m seen


def test_8bit_land_mask_puts_coasts_where_the_image_says(make_sim, tmp_path):
    land = _continent(40, 80)
    path = tmp_path / "mask.png"
    Image.fromarray(np.where(land, 255, 0).astype(np.uint8)).save(path)
    sim = make_sim(size=(128, 64))
    z = apply_heightmap(sim, path, sea_level=250.0)
    assert sim.uniform("sea_level") == 250.0
    ref = _on_grid(land, sim.grid.shape)
    got = z > 250.0
    assert (got == ref).mean() > 0.95
    # Coast cells (land next to sea) lie on the image's coastline: every land cell's
    # land/sea status agrees with the reference wherever the reference is not at a coast.
    interior = (
        ref & np.roll(ref, 1, 0) & np.roll(ref, -1, 0) & np.roll(ref, 1, 1) & np.roll(ref, -1, 1)
    )
    assert got[interior].all()
    open_sea = ~(ref | np.roll(ref, 1, 0) | np.roll(ref, -1, 0) | np.roll(ref, 1, 1))
    assert not got[open_sea & ~np.roll(ref, -1, 1)].any()


def test_npy_heightmap_spans_the_elevation_range(make_sim, tmp_path):
    a = np.linspace(-1.0, 3.0, 50 * 100).reshape(50, 100)  # any numbers: their own range
    path = tmp_path / "dem.npy"
    np.save(path, a)
    sim = make_sim()
    z = apply_heightmap(sim, path, elevation_range=(-2000.0, 6000.0))
    assert z.min() == pytest.approx(-2000.0, abs=200)
    assert z.max() == pytest.approx(6000.0, abs=200)
    assert z[0].mean() > z[-1].mean()  # the array's top row (its lowest values) is north


def test_custom_start_renders_with_its_coasts(make_sim, tmp_path):
    from planetsim.render import render_frame

    land = _continent(32, 64)
    path = tmp_path / "mask.png"
    Image.fromarray(np.where(land, 255, 0).astype(np.uint8)).save(path)
    sim = make_sim()
    apply_heightmap(sim, path)
    img = render_frame(sim, "map", "biome", (128, 64), label=False).astype(float) + 1
    blue = img[..., 2] / img.sum(-1)
    big = np.repeat(np.repeat(land, 2, 0), 2, 1)
    assert blue[~big].mean() > blue[big].mean() + 0.1


@pytest.mark.parametrize(
    "name, content, match",
    [
        ("missing.png", None, "heightmap not found"),
        ("broken.png", b"\x89PNG\r\n\x1a\n not really", "cannot read heightmap"),
        ("text.npy", b"hello", "not a numpy .npy file"),
    ],
)
def test_unreadable_files_are_one_line_errors(make_sim, tmp_path, name, content, match):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    sim = make_sim()
    with pytest.raises(PresetError, match=match) as err:
        apply_heightmap(sim, path)
    assert "\n" not in str(err.value)


def test_bad_shapes_and_ranges_are_errors(make_sim, tmp_path):
    sim = make_sim()
    path = tmp_path / "cube.npy"
    np.save(path, np.zeros((4, 4, 4)))
    with pytest.raises(PresetError, match="expected a 2-D array"):
        apply_heightmap(sim, path)
    good = tmp_path / "ok.npy"
    np.save(good, np.random.default_rng(0).random((8, 16)))
    with pytest.raises(PresetError, match="elevation_range"):
        apply_heightmap(sim, good, elevation_range=(100.0, -100.0))
    np.save(path, np.full((8, 16), np.nan))
    with pytest.raises(PresetError, match="NaN"):
        apply_heightmap(sim, path)


def test_land_fraction_sets_the_sea_level(make_sim, tmp_path):
    """land_fraction is a share of the sphere's area: on a ramp that rises to the north the
    coast lies at asin(1 - 2 x 0.3) = 23.6 deg N (counting rows would put it at 36 deg N),
    and the land's area share is 0.3 to within the area of the row the coast falls in."""
    path = tmp_path / "ramp.npy"
    np.save(path, np.tile(np.linspace(1.0, 0.0, 32)[:, None], (1, 64)))  # top row (north) high
    sim = make_sim()
    z = apply_heightmap(sim, path, land_fraction=0.3)
    land = z > sim.uniform("sea_level")
    g = sim.grid
    share = float((g.area_weight * land).sum())
    row = 180.0 / g.height
    coast = np.degrees(np.arcsin(0.4))
    edges = np.radians(np.floor(coast / row) * row + np.array([0.0, row]))
    row_share = float(np.sin(edges[1]) - np.sin(edges[0])) / 2  # 0.044 (counting rows: 0.094 off)
    assert share == pytest.approx(0.3, abs=row_share)
    south_edge = float(g.lat[land.any(axis=1)].min()) - 0.5 * row  # the coast, a row edge
    assert abs(south_edge - coast) <= row


def test_preset_start_table_uses_the_image_and_the_story_keeps_it(make_sim, tmp_path):
    """A preset's [start] heightmap (path relative to the preset) becomes the terrain; stages
    that would paint their own start (relief, craters) leave it; coasts stay where drawn."""
    from planetsim.core.presets import load

    land = _continent(64, 128)
    Image.fromarray(np.where(land, 255, 0).astype(np.uint8)).save(tmp_path / "mask.png")
    (tmp_path / "mine.toml").write_text(
        'name = "mine"\n[grid]\nsize = [128, 64]\n'
        '[start]\nheightmap = "mask.png"\nsea_level = 0.0\n'
        '[[epoch]]\nname = "e"\nframes = 3\nyears = [0.0, 3.0]\n'
        'stages = ["relief", "protoplanet", "climate", "water_cycle"]\n'
        "set = { impact_rate = 0.0 }\n"
    )
    sim = make_sim(preset=load(tmp_path / "mine.toml"), size=(128, 64))
    sim.step(3)
    z = sim.field("terrain").read()[..., 0]
    ref = _on_grid(land, sim.grid.shape)
    assert ((z > sim.uniform("sea_level")) == ref).mean() > 0.97
    assert sim.uniform("ocean_fraction") == pytest.approx(1 - (sim.grid.area_weight * ref).sum())


def test_preset_start_with_missing_image_is_one_line(tmp_path):
    import planetsim

    (tmp_path / "bad.toml").write_text(
        '[start]\nheightmap = "nope.png"\n'
        '[[epoch]]\nname = "e"\nframes = 3\nyears = [0.0, 3.0]\nstages = ["climate"]\n'
    )
    with pytest.raises(planetsim.PlanetsimError, match="nope.png") as info:
        planetsim.Simulation(preset=str(tmp_path / "bad.toml"), size=(64, 32))
    assert "\n" not in str(info.value)
