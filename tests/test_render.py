"""Views checked on content: fields written from numpy, pictures read back and compared with
the fields' own pattern and with physical expectations (night darker than day, sea bluer
than land), never with numbers taken from an earlier render."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from planetsim.analysis import Grid
from planetsim.analysis.images import linear_to_srgb, srgb_to_linear
from planetsim.core.errors import PlanetsimError
from planetsim.core.shaders import assemble, resolve_path
from planetsim.render import (
    GLOBE_VIEW,
    LAYERS,
    MAP_VIEW,
    OVERLAYS,
    RENDER_PASSES,
    Camera,
    day_camera,
    format_value,
    legend_labels,
    legend_range,
    render_frame,
    render_into,
)
from planetsim.render.clouds import equalise_by_area
from planetsim.render.decls import BAKED, CLOUD_NOISE, VIEW_BAKE, view_decl
from planetsim.render.views import views_of


def _lum(img: np.ndarray) -> np.ndarray:
    return img.astype(np.float64) @ np.array([0.2126, 0.7152, 0.0722])


def _write(sim, name: str, **channels: np.ndarray | float) -> None:
    a = sim.field(name).read()
    for c, v in channels.items():
        a[..., "xyzw".index(c)] = v
    sim.field(name).write(a.astype(np.float32))


def _globe_lonlat(n: int, camera: Camera) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For an n x n ortho picture of the camera at yaw 0, pitch 0: lon, lat (deg) of each
    pixel's point on the sphere (seen from +x; right is east, up is north) and the disc mask."""
    hh = camera.distance * math.tan(math.radians(camera.fov) / 2)
    c = (np.arange(n) + 0.5) / n * 2 - 1
    east = c[None, :] * hh * np.ones((n, 1))
    up = -c[:, None] * hh * np.ones((1, n))
    r2 = east**2 + up**2
    disc = r2 < 0.97
    x = np.sqrt(np.clip(1 - r2, 0, 1))
    return np.degrees(np.arctan2(east, x)), np.degrees(np.arcsin(np.clip(up, -1, 1))), disc


def test_render_shaders_declare_nothing_of_their_own():
    """The views follow the pass contract's text rules: a header saying what they read,
    no uniform of their own (all generated), only their declared target written (the view;
    the baked cloud pattern; the view bake's textures)."""
    for decl in RENDER_PASSES:
        body = resolve_path(decl.shader).read_text()
        assert re.search(r"^//.*Reads", body, re.M)
        full = assemble(decl.shader).text
        assert not re.search(r"^\s*uniform\s", full, re.M), f"{decl.name} declares a uniform"
        assert set(re.findall(r"\bo_(\w+)\s*=", full)) == set(decl.writes), decl.name
        assert decl.writes == ["view"] or decl is CLOUD_NOISE or decl.writes == list(BAKED)
    assert VIEW_BAKE.writes == list(BAKED)


def test_layer_ids_match_the_shaders():
    src = resolve_path("render/common.glsl").read_text()
    ids = {m[0].lower(): int(m[1]) for m in re.findall(r"const int L_(\w+) = (\d+);", src)}
    assert ids == {name: layer.index for name, layer in LAYERS.items()}


@pytest.mark.parametrize("view", ["map", "globe"])
def test_every_layer_renders_on_empty_fields_at_any_size(make_sim, view):
    """Every layer with every overlay, before any stage ran; the programs together use every
    declared input and uniform (the pass contract, over the layer variants)."""
    sim = make_sim()
    before = {n: f.read() for n, f in sim.fields.items()}
    active: set[str] = set()
    for name, layer in LAYERS.items():
        img = render_frame(sim, view, name, (97, 45), Camera(), label=True, overlays=OVERLAYS)
        assert img.shape == (45, 97, 3) and img.dtype == np.uint8
        # The picture itself, not its label or legend: the layer draws something.
        bare = render_frame(sim, view, name, (97, 45), Camera(), label=False, legend=False,
                            overlays=OVERLAYS)  # fmt: skip
        assert bare.max() > 0, f"{view}/{name} is black"
        active |= set(sim.runner.compile(view_decl(view, layer.index, 15)).program)
    for n, f in sim.fields.items():  # views read fields, never write them
        np.testing.assert_array_equal(f.read(), before[n])
    decl = MAP_VIEW if view == "map" else GLOBE_VIEW
    for f in decl.fields:
        assert not f.reads or f"t_{f.field}" in active, f"{view}: input {f.field} unused"
    for u in decl.uniforms:
        assert u.glsl in active, f"{view}: uniform {u.name} unused"


def test_unknown_names_are_one_line_errors(make_sim):
    sim = make_sim()
    with pytest.raises(PlanetsimError, match="unknown layer 'lava'"):
        render_frame(sim, "map", "lava")
    with pytest.raises(PlanetsimError, match="unknown view 'cube'"):
        render_frame(sim, "cube")
    with pytest.raises(PlanetsimError, match="unknown overlay"):
        render_frame(sim, "map", overlays=("grid",))


def test_map_shows_the_field_pattern(make_sim):
    """Temperature written from numpy; the map (4x the grid, any size) decoded back to values
    through its own legend colours follows the written pattern."""
    sim = make_sim()
    g = sim.grid
    lat, lon = np.radians(g.lat2d), np.radians(g.lon2d)
    temp = 25 * np.cos(lat) * np.cos(2 * lon) + 10 * np.sin(lat) - 2
    _write(sim, "air", x=1013.0, y=temp)
    img = render_frame(sim, "map", "temperature", (256, 128), label=False, overlays=())
    lo, hi = legend_range(sim, "temperature")
    bar = views_of(sim).bar(LAYERS["temperature"], lo, hi, 256).astype(np.float64)
    d = ((img.reshape(-1, 1, 3).astype(np.float64) - bar[None]) ** 2).sum(-1)
    decoded = (lo + (hi - lo) * d.argmin(1) / 255.0).reshape(128, 256)
    expect = np.repeat(np.repeat(temp[::-1], 4, axis=0), 4, axis=1)  # image rows: north first
    r = np.corrcoef(decoded.ravel(), expect.ravel())[0, 1]
    assert r > 0.97
    assert np.median(np.abs(decoded - expect)) < 0.05 * (hi - lo)


def test_log_scales_put_the_geometric_mean_mid_bar(make_sim):
    """CO2's colours are logarithmic (100..3000 ppm): with the field spanning exactly that,
    a cell at the geometric mean sqrt(100 x 3000) = 548 ppm has the colour of the bar's
    middle, and one at the arithmetic mean 1550 ppm does not (a linear scale would swap
    them). The ends have the bar's end colours. A map at the grid's size samples cell
    centres exactly."""
    sim = make_sim()
    g = sim.grid
    co2 = np.full(g.shape, 1550.0)
    co2[5, 7], co2[20, 40] = 100.0, 3000.0
    co2[10:14, 10:14] = np.sqrt(100.0 * 3000.0)
    _write(sim, "moisture", w=co2)
    assert legend_range(sim, "co2") == pytest.approx((100.0, 3000.0))
    img = render_frame(sim, "map", "co2", g.size, label=False, overlays=()).astype(int)
    bar = views_of(sim).bar(LAYERS["co2"], 100.0, 3000.0, 3).astype(int)
    h = g.height
    assert np.abs(img[h - 1 - 5, 7] - bar[0]).max() <= 2
    assert np.abs(img[h - 1 - 20, 40] - bar[2]).max() <= 2
    assert np.abs(img[h - 1 - 12, 12] - bar[1]).max() <= 2  # the geometric mean: mid-bar
    assert np.abs(img[h - 1 - 25, 25] - bar[1]).max() > 10  # the arithmetic mean: not


def test_legend_values_match_the_field_range(make_sim):
    sim = make_sim()
    rng = np.random.default_rng(3)
    p = rng.uniform(300.0, 2400.0, sim.grid.shape)
    p[5, 7], p[20, 40] = 12.5, 3987.0
    _write(sim, "moisture", y=p)
    assert legend_range(sim, "precipitation") == (12.5, 3987.0)
    assert legend_labels(sim, "precipitation")[1:] == [format_value(12.5), format_value(3987.0)]
    # The bar's ends have the colours the map gives the driest and the wettest cell (a map at
    # the grid's size samples cell centres exactly).
    img = render_frame(sim, "map", "precipitation", sim.grid.size, label=False, overlays=())
    bar = views_of(sim).bar(LAYERS["precipitation"], 12.5, 3987.0, 2).astype(int)
    h = sim.grid.height
    assert np.abs(img[h - 1 - 5, 7].astype(int) - bar[0]).max() <= 2
    assert np.abs(img[h - 1 - 20, 40].astype(int) - bar[1]).max() <= 2
    # A new field: the legend follows it (no stale cache).
    _write(sim, "moisture", y=p * 0 + 700.0)
    assert legend_range(sim, "precipitation") == (700.0, 700.0)
    wind = np.zeros(sim.grid.shape)
    wind[3, 3] = 5.0
    _write(sim, "air", z=3.0 * (wind > 0), w=4.0 * (wind > 0))
    assert legend_range(sim, "wind") == (0.0, 5.0)


def test_globe_night_is_dark_except_where_people_are(make_sim):
    sim = make_sim()
    sim.set_uniform("surface_heat", 0.0)  # a cooled planet, whatever the preset's start
    lat, lon = sim.grid.lat2d, sim.grid.lon2d
    _write(sim, "terrain", x=300.0)
    city = (np.abs(lat) < 15) & (lon > -60) & (lon < -30)
    _write(sim, "civ", x=500.0 * city, w=1.0 * city)
    sim.set_uniform("sun_dir", (0.0, 1.0, 0.0))  # noon at 90 E: the west half is night
    cam = Camera(yaw=0.0, pitch=0.0, ortho=True)
    img = render_frame(sim, "globe", "elevation", (128, 128), cam, label=False, overlays=())
    lum = _lum(img)
    plon, plat, disc = _globe_lonlat(128, cam)
    day = disc & (plon > 25)
    night = disc & (plon < -25) & ~((np.abs(plat) < 20) & (plon > -65) & (plon < -25))
    lit_city = disc & (np.abs(plat) < 8) & (plon > -52) & (plon < -38)
    assert lum[day].mean() > 4 * lum[night].mean() + 10
    assert lum[lit_city].mean() > 5 * lum[night].mean() + 20
    # The same city on the day side adds no light worth the name.
    sim.set_uniform("sun_dir", (0.0, -1.0, 0.0))
    img2 = render_frame(sim, "globe", "elevation", (128, 128), cam, label=False, overlays=())
    assert _lum(img2)[lit_city].mean() < 1.3 * _lum(img2)[night & (plon < -60)].mean() + 5


def test_oceans_are_bluer_than_land(make_sim):
    sim = make_sim()
    sim.set_uniform("surface_heat", 0.0)  # a cooled planet, whatever the preset's start
    lon = sim.grid.lon2d
    _write(sim, "terrain", x=np.where(lon < 0, -3000.0, 600.0))
    sim.set_uniform("sun_dir", (1.0, 0.0, 0.0))
    cam = Camera(yaw=0.0, pitch=0.0, ortho=True)
    plon, plat, disc = _globe_lonlat(128, cam)
    sea = disc & (plon < -15) & (np.abs(plat) < 40)
    land = disc & (plon > 15) & (np.abs(plat) < 40)
    for img in (
        render_frame(sim, "globe", "elevation", (128, 128), cam, label=False, overlays=()),
        render_frame(sim, "globe", "biome", (128, 128), cam, label=False, overlays=()),
    ):
        f = img.astype(np.float64) + 1
        blue = f[..., 2] / f.sum(-1)
        assert blue[sea].mean() > blue[land].mean() + 0.1
    m = render_frame(sim, "map", "biome", (128, 64), label=False).astype(np.float64) + 1
    blue = m[..., 2] / m.sum(-1)
    assert blue[16:48, 8:56].mean() > blue[16:48, 72:120].mean() + 0.1


def test_molten_surface_glows_and_cools(make_sim):
    sim = make_sim()
    sim.set_uniform("sun_dir", (-1.0, 0.0, 0.0))  # we look at the night side
    cam = Camera(yaw=0.0, pitch=0.0, ortho=True)
    _, _, disc = _globe_lonlat(96, cam)
    hot = dict(sim.values)
    sim.values["surface_heat"] = 1.0
    img_hot = render_frame(sim, "globe", "elevation", (96, 96), cam, label=False).astype(float)
    sim.values.clear()
    sim.values.update(hot)
    sim.values["surface_heat"] = 0.0
    img_cold = render_frame(sim, "globe", "elevation", (96, 96), cam, label=False).astype(float)
    assert img_hot[disc, 0].mean() > 80 and img_hot[disc, 0].mean() > 2 * img_hot[disc, 2].mean()
    assert img_cold[disc].mean() < 20


def test_wind_streaks_move_with_the_clock(make_sim):
    sim = make_sim()
    _write(sim, "air", x=1013.0, z=15.0, w=0.0)
    a = render_frame(sim, "map", "wind", (128, 64), label=False, time=0.0).astype(int)
    b = render_frame(sim, "map", "wind", (128, 64), label=False, time=0.7).astype(int)
    assert (a != b).any(axis=-1).mean() > 0.02  # streaks slide along
    assert (a.min(-1) > 170).mean() > 0.01  # whitish streaks over the 15 m/s green
    _write(sim, "air", z=0.0)
    calm = render_frame(sim, "map", "wind", (128, 64), label=False, time=0.0)
    assert (calm.min(-1) > 170).mean() == 0


def test_render_into_a_callers_framebuffer_matches_render_frame(make_sim, gl):
    sim = make_sim()
    sim.run_stage("relief")
    cam = Camera(yaw=40.0)
    cached = len(sim.runner._fbos)
    # The caller releases its target between frames (a resized window): GL may give the new
    # texture the old one's name, and the picture must still land in the new one.
    for size in ((160, 90), (160, 90), (96, 64)):
        tex = gl.texture(size, 4)
        fbo = gl.framebuffer(color_attachments=[tex])
        try:
            render_into(sim, fbo, view="globe", layer="elevation", camera=cam, time=0.0)
            got = np.frombuffer(tex.read(), np.uint8).reshape(size[1], size[0], 4)[::-1, :, :3]
        finally:
            fbo.release()
            tex.release()
        want = render_frame(sim, "globe", "elevation", size, cam, label=False, time=0.0)
        np.testing.assert_array_equal(got, want)
    assert len(sim.runner._fbos) == cached  # nothing of ours refers to the caller's textures


def test_label_and_legend_are_drawn(make_sim):
    sim = make_sim()
    sim.run_stage("relief")
    bare = render_frame(sim, "map", "elevation", (320, 180), label=False)
    lab = render_frame(sim, "map", "elevation", (320, 180), label=True)
    diff = np.abs(lab.astype(int) - bare.astype(int)).sum(-1) > 30
    assert diff[:40, :100].mean() > 0.05  # year label, top left
    assert diff[-50:, :140].mean() > 0.05  # legend, bottom left
    assert diff[60:120, 150:300].mean() == 0  # the middle of the map is untouched


def test_equalised_pattern_cuts_any_share_of_the_sphere():
    """equalise_by_area against the sphere's cell areas (planetsim.analysis.grid): the cells above
    1 - c are the share c of the area, for any c, and the values keep their order."""
    rng = np.random.default_rng(3)
    raw = rng.normal(size=(64, 128)) + np.linspace(-2, 2, 64)[:, None]  # poles differ
    u = equalise_by_area(raw)
    area = Grid(128, 64).area_weight
    for c in (0.05, 0.3, 0.5, 0.77, 0.95):
        assert area[u > 1 - c].sum() == pytest.approx(c, abs=area.max())
    order = np.argsort(raw, axis=None)
    assert (np.diff(u.ravel()[order]) > 0).all()


def _sunlit_ocean(make_sim, cover: float, cam: Camera, kind: str = "y") -> np.ndarray:
    """The globe over a warm sea under cloud cover `cover` of one type (the cloud field's
    channel `kind`: x humidity, y convective, z stratocumulus, w storm)."""
    sim = make_sim()
    sim.set_uniform("surface_heat", 0.0)
    _write(sim, "terrain", x=-3000.0)
    _write(sim, "air", y=15.0)  # no sea ice
    _write(sim, "moisture", z=cover)
    _write(sim, "cloud", **{kind: cover})
    sim.set_uniform("sun_dir", (1.0, 0.0, 0.0))  # noon where we look
    img = render_frame(sim, "globe", "biome", (128, 128), cam, label=False, overlays=(), time=0)
    return img.astype(np.float64).mean(-1)


def test_thin_cloud_lets_the_sea_show_and_thick_cloud_reflects_as_its_optical_depth_says(make_sim):
    """A full deck of one cloud type over a dark sea at noon: each pixel lies between the
    two-stream reflectance R = tau / (tau + 7.7) of the type's optical thickness (ISCCP:
    humidity cloud 2, deep convection 24) thinned to 0.2 tau at the rims and thickened to
    1.6 tau inside: R times the sunlight plus the sea seen through, (1 - R)^2 of it (the
    light passes the cloud down and up), added in linear light and encoded as sRGB. The
    thickness follows the cloud pattern, uniform by area: the median pixel is 0.9 tau."""
    cam = Camera(yaw=0.0, pitch=0.0, ortho=True)
    lon, lat, disc = _globe_lonlat(128, cam)
    mu = np.cos(np.radians(lat)) * np.cos(np.radians(lon))
    centre = disc & (mu > 0.9)
    clear = _sunlit_ocean(make_sim, 0.0, cam) / 255
    centre &= clear < 0.98  # not the sun's glint, clipped at white in the clear picture
    # The sky's haze (grey mean 0.025 by day) is added to the sRGB picture above the cloud;
    # the sea's own albedo (under 0.1) in the bounce term would move this by < 1 %.
    haze = 0.025
    sea = srgb_to_linear(clear - haze)
    for kind, tau in (("x", 2.0), ("y", 24.0)):
        got = _sunlit_ocean(make_sim, 1.0, cam, kind) / 255
        lo, mid, hi = [], [], []
        for t, out in ((0.2 * tau, lo), (0.9 * tau, mid), (1.6 * tau, hi)):
            r = t / (t + 7.7)
            lit = r * 0.97 * (0.04 + 0.96 * mu) + sea * (1 - r) ** 2
            out.append(linear_to_srgb(lit) + haze)
        c = centre
        # (0.035: the 8-bit picture, the sky's haze rounded to its mean, and the few texels
        # where the pattern is 0, which stay clear even at full cover)
        assert (got[c] >= lo[0][c] - 0.035).all() and (got[c] <= hi[0][c] + 0.035).all(), kind
        assert np.median(got[c]) == pytest.approx(np.median(mid[0][c]), abs=0.04), kind


def test_globe_clouds_cover_their_share_of_the_sky_in_patches(make_sim):
    """Cloud cover c (moisture.z) is the share of the sky that is cloud: with c everywhere,
    about c of the sunlit disc is white cloud and the rest clear sea, with few pixels in
    between (patches, not an even veil of opacity c)."""
    cam = Camera(yaw=0.0, pitch=0.0, ortho=True)
    lon, lat, disc = _globe_lonlat(128, cam)
    clear, full = _sunlit_ocean(make_sim, 0.0, cam), _sunlit_ocean(make_sim, 1.0, cam)
    # (deep convective cloud, optical thickness 32: bright white, the ground hidden)
    lit = disc & (full - clear > 80)
    assert lit.mean() > 0.4
    # Shares by area on the sphere: an ortho pixel covers 1 / mu of it (mu the cosine
    # between the surface's normal and the view), so the limb's pixels weigh more.
    mu = np.cos(np.radians(lat)) * np.cos(np.radians(lon))
    area = 1.0 / np.maximum(mu[lit], 0.05)
    for c in (0.25, 0.6):
        a = (_sunlit_ocean(make_sim, c, cam) - clear)[lit] / (full - clear)[lit]
        cloudy = a > 0.5
        share = float((cloudy * area).sum() / area.sum())
        # One hemisphere holds a few dozen cloud systems: its share is near, not at, c
        # (0.235 and 0.622 measured).
        assert share == pytest.approx(c, abs=0.05)
        assert ((a > 0.15) & (a < 0.85)).mean() < 0.25


# ---- render targets (issue 20: a legend drawn mid-frame released the frame's own target) ----
def test_target_cache_keeps_its_limit_and_never_releases_a_pinned_target(gl):
    from planetsim.render.targets import TargetCache

    cache = TargetCache(gl, 2)
    with cache.pinned((8, 4)) as (tex, fbo):
        for n in range(5):  # more sizes than the cache holds, asked for while (8, 4) is drawn
            cache.get((n + 1, 1))
            assert (8, 4) in cache and len(cache) <= 3
        fbo.use()  # still a live framebuffer: an evicted one would raise here
        fbo.clear(1.0, 0.0, 0.0, 1.0)
        assert np.frombuffer(tex.read(), np.uint8)[:4].tolist() == [255, 0, 0, 255]
    assert len(cache) == 2  # the pin is gone: back within the limit
    assert set(cache.sizes()) == {(8, 4), (5, 1)}  # the pinned one and the newest
    cache.get((8, 4))
    cache.get((9, 9))
    assert cache.sizes() == [(8, 4), (9, 9)]  # least recently used first, not oldest made
    cache.release()


def test_pictures_at_more_sizes_than_kept_with_legends_draw_into_live_targets(make_sim):
    """Sizes and legends in the order that used to release the frame's own target: a map at
    A and B with a colour bar, then A again with the biome legend (a new bar size) while A was
    the oldest target held. Every picture must equal the same picture drawn alone."""
    from planetsim.render.views import PICTURE_TARGETS

    sim = make_sim(size=(32, 16))
    sizes = [(64 + 16 * i, 32 + 8 * i) for i in range(PICTURE_TARGETS + 2)]
    order = [(sizes[0], "temperature"), (sizes[1], "temperature"), (sizes[0], "biome")]
    order += [(s, lay) for s in sizes for lay in ("precipitation", "biome")]
    order += [(sizes[0], "elevation"), (sizes[-1], "co2"), (sizes[0], "people")]
    got = [render_frame(sim, "map", lay, s, label=True) for s, lay in order]
    assert len(views_of(sim).targets) <= PICTURE_TARGETS
    alone = make_sim(size=(32, 16))  # the same empty world, a fresh set of targets each time
    for (s, lay), img in zip(order, got, strict=True):
        assert img.shape == (s[1], s[0], 3)
        views_of(alone).release()
        np.testing.assert_array_equal(img, render_frame(alone, "map", lay, s, label=True))


def test_the_default_globe_looks_at_the_sunlit_side(make_sim):
    """render_frame without a camera looks at the day side wherever the sun stands: with the
    subsolar point at 120 E (the old default camera, over 0 E, saw mostly night), the default
    picture's disc is as bright as one taken over 120 E and far brighter than one over 60 W."""
    sim = make_sim()
    sim.set_uniform("surface_heat", 0.0)
    _write(sim, "terrain", x=500.0)  # all land: nothing glints
    _write(sim, "air", y=15.0)
    lon = math.radians(120.0)
    sim.set_uniform("sun_dir", (math.cos(lon), math.sin(lon), 0.0))
    size = (160, 90)

    def brightness(cam: Camera | None) -> float:
        return float(render_frame(sim, "globe", "biome", size, cam, label=False).mean())

    default = brightness(None)
    assert default > 0.8 * brightness(Camera(yaw=120.0))
    assert default > 4 * brightness(Camera(yaw=300.0))


def _blobs(g, rng, n: int, r_deg: float) -> np.ndarray:
    """n Gaussian bumps (heights 0.5-1.5, radii 0.5-1.5 r_deg on the sphere) centred within 45
    deg of the equator, where the map's projection stretches them little."""
    lat, lon = np.radians(g.lat2d), np.radians(g.lon2d)
    out = np.zeros(g.shape)
    for _ in range(n):
        la, lo = np.arcsin(rng.uniform(-0.7, 0.7)), np.radians(rng.uniform(-180, 180))
        c = np.sin(lat) * np.sin(la) + np.cos(lat) * np.cos(la) * np.cos(lon - lo)
        d = np.degrees(np.arccos(np.clip(c, -1, 1)))
        r = r_deg * rng.uniform(0.5, 1.5)
        out += rng.uniform(0.5, 1.5) * np.exp(-0.5 * (d / r) ** 2)
    return out


def test_pictures_drawn_larger_than_the_grid_do_not_show_its_cells(make_sim):
    """A 256x128 world built here (islands of every shape, a diagonal temperature front,
    rain in round patches) drawn at 1024x512 as the maps of elevation, biome, temperature and
    precipitation and as a 1280x720 day globe: at most 30 % of each picture's strong edges
    (the top 10 % of Sobel gradient magnitude) lie within 10 deg of the pixel axes (smooth
    contours of every orientation give about 22 %; with each cell drawn as a square, 58-70 %)."""
    from planetsim.analysis.images import axis_aligned_edge_share

    sim = make_sim(size=(256, 128))
    g = sim.grid
    rng = np.random.default_rng(5)
    front = np.sin(np.radians(g.lon2d + 1.5 * g.lat2d))  # diagonal, and whole around the globe
    _write(sim, "terrain", x=2500.0 * _blobs(g, rng, 40, 9.0) - 1500.0)
    _write(
        sim,
        "air",
        x=1012.0,
        y=12 + 14 * np.tanh(3 * front) + 8 * np.tanh(_blobs(g, rng, 25, 12.0) - 1),
    )
    _write(sim, "moisture", y=200.0 + 2000.0 * _blobs(g, rng, 30, 10.0), w=280.0)
    _write(sim, "life", x=0.5)
    sim.set_uniform("surface_heat", 0.0)
    for layer in ("elevation", "biome", "temperature", "precipitation"):
        img = render_frame(sim, "map", layer, (1024, 512), label=False, overlays=(), legend=False)
        assert axis_aligned_edge_share(img) <= 0.30, layer
    img = render_frame(sim, "globe", "biome", (1280, 720), label=False, overlays=())
    cam = day_camera(sim)  # the default camera: only the disc, not the stars around it
    hh = cam.distance * math.tan(math.radians(cam.fov) / 2)
    y = (np.arange(720) + 0.5 - 360) / 360 * hh
    x = (np.arange(1280) + 0.5 - 640) / 360 * hh
    disc = x[None, :] ** 2 + y[:, None] ** 2 < 0.9**2
    assert axis_aligned_edge_share(img, disc) <= 0.30


def test_low_sun_reddens_as_rayleigh_extinction_says(make_sim):
    """A snowfield under a clear sky, the sun 7 to 45 deg up over the disc's centre: the
    drawn red/blue ratio of the ground follows the sunlight's Rayleigh extinction,
    exp(-tau m) with tau from Hansen & Travis 1974 (eq. 2.29, at the sRGB primaries' dominant
    wavelengths 611 and 464 nm) and the air mass m of Kasten & Young 1989, within 3 % (measured
    0.3-0.7 %). The extinction is relative to the zenith's (the palette is the colour under a
    high sun), the snow's own tint is taken from a 60 deg sun's picture, and the picture's sky
    haze and 0.3 % skylight floor (shaders/render/globe.frag) are part of the model. Without the
    extinction the 7 deg sun's ratio is 0.44 of the law's."""
    sim = make_sim()
    sim.set_uniform("surface_heat", 0.0)
    _write(sim, "terrain", x=500.0)
    _write(sim, "air", x=1013.0, y=-30.0)  # all snow
    cam = Camera(yaw=0.0, pitch=0.0, ortho=True)
    n = 64
    lon, lat, _ = _globe_lonlat(n, cam)
    centre = (np.abs(lon) < 4) & (np.abs(lat) < 4)
    nx = np.cos(np.radians(lat)) * np.cos(np.radians(lon))
    nz = np.sin(np.radians(lat))

    def tau(um: float) -> float:
        return 0.008569 * um**-4 * (1 + 0.0113 * um**-2 + 0.00013 * um**-4)

    def air_mass(mu: np.ndarray) -> np.ndarray:
        z = np.degrees(np.arccos(mu))
        return 1 / (mu + 0.50572 * (96.07995 - z) ** -1.6364)

    haze = 0.5 * np.array([0.02, 0.04, 0.09])  # the sky haze globe.frag adds to the picture

    def drawn_ratio(elev: float) -> tuple[np.ndarray, np.ndarray]:
        e = np.radians(elev)
        sim.set_uniform("sun_dir", (float(np.sin(e)), 0.0, float(np.cos(e))))
        img = render_frame(sim, "globe", "elevation", (n, n), cam, label=False, overlays=())
        lin = srgb_to_linear(img[centre] / 255.0 - haze)
        mu = nx[centre] * np.sin(e) + nz[centre] * np.cos(e)
        return lin[:, 0] / lin[:, 2], mu

    def law(mu: np.ndarray) -> np.ndarray:
        m = air_mass(mu) - 1  # relative to the zenith's
        red = 0.003 + 0.997 * mu * np.exp(-tau(0.6113) * m)
        blue = 0.003 + 0.997 * mu * np.exp(-tau(0.4643) * m)
        return red / blue

    # the reference: a high sun (at noon the snow's blue clips at white)
    high, mu_high = drawn_ratio(60.0)
    snow = np.median(high / law(mu_high))
    for elev in (7.0, 10.0, 15.0, 25.0, 45.0):
        got, mu = drawn_ratio(elev)
        assert np.median(got / (snow * law(mu))) == pytest.approx(1.0, abs=0.03), elev


def test_clouds_on_the_night_side_are_dark(make_sim):
    """A full deck of thick cloud at night is lit by nothing but the night (the 4 % skylight
    floor of the clouds' lighting is a daytime sky's): the night half of the disc stays as
    dark as clear night ground, under 8/255 in luminance (with the floor at night it was a
    grey 46/255)."""
    sim = make_sim()
    sim.set_uniform("surface_heat", 0.0)
    _write(sim, "terrain", x=-3000.0)
    _write(sim, "moisture", z=1.0)
    _write(sim, "cloud", y=1.0)  # deep convection: thick, bright by day
    sim.set_uniform("sun_dir", (0.0, 1.0, 0.0))  # noon at 90 E: the west half is night
    cam = Camera(yaw=0.0, pitch=0.0, ortho=True)
    img = render_frame(sim, "globe", "elevation", (128, 128), cam, label=False, overlays=())
    lon, _, disc = _globe_lonlat(128, cam)
    day = disc & (lon > 30)
    night = disc & (lon < -30) & (lon > -80)
    lum = _lum(img)
    assert lum[day].mean() > 100  # the deck is there, and bright by day
    assert lum[night].mean() < 8, lum[night].mean()


def test_the_globe_shows_biomes_snow_sea_ice_and_the_rim(make_sim):
    """The README's globe content, on a built planet at full phase without clouds: snow on
    cold land and ice on a sea below -2 degC are white, a hot dry box is desert tan, a hot
    wet one with plants rainforest green (green above red and blue), a 15 degC sea blue,
    and the atmosphere's rim outside the disc is blue (Rayleigh). The coast and plates
    overlays draw only along the coasts and the plates' boundary."""
    sim = make_sim(size=(128, 64))
    sim.set_uniform("surface_heat", 0.0)
    g = sim.grid
    lat, lon = g.lat2d, g.lon2d

    def box(la0: float, la1: float, lo0: float, lo1: float) -> np.ndarray:
        return (lat > la0) & (lat < la1) & (lon > lo0) & (lon < lo1)

    snow, forest, desert, ice = (box(45, 70, -45, -10), box(-12, 12, -45, -10),
                                 box(12, 40, 10, 45), box(-70, -45, 10, 45))  # fmt: skip
    land = snow | forest | desert
    _write(sim, "terrain", x=np.where(land, 300.0, -3000.0))
    temp = np.where(snow, -20.0, np.where(ice, -12.0, np.where(desert | forest, 27.0, 15.0)))
    _write(sim, "air", x=1012.0, y=temp)
    rain = np.where(desert, 50.0, np.where(forest, 2800.0, 800.0))
    _write(sim, "moisture", x=20.0, y=rain, z=0.0)
    _write(sim, "life", x=np.where(forest, 1.0, 0.0), w=land * 1.0)
    cam = Camera(yaw=0.0, pitch=0.0, ortho=True)
    sim.set_uniform("sun_dir", (1.0, 0.0, 0.0))  # behind the camera: full phase
    n = 256
    img = render_frame(sim, "globe", "biome", (n, n), cam, label=False, overlays=(), time=0)
    rgb = img.astype(np.float64)
    plon, plat, disc = _globe_lonlat(n, cam)

    def at(la0: float, la1: float, lo0: float, lo1: float) -> np.ndarray:
        # the box's inner part (2 cells in from its edges, where colours blend)
        m = disc & (plat > la0 + 6) & (plat < la1 - 6) & (plon > lo0 + 6) & (plon < lo1 - 6)
        assert m.sum() > 20
        return np.median(rgb[m], axis=0)

    r, gr, b = at(45, 70, -45, -10)
    assert min(r, gr, b) > 170 and max(r, gr, b) - min(r, gr, b) < 40, (r, gr, b)  # snow
    r, gr, b = at(-70, -45, 10, 45)
    assert min(r, gr, b) > 150 and max(r, gr, b) - min(r, gr, b) < 50, (r, gr, b)  # sea ice
    r, gr, b = at(12, 40, 10, 45)
    assert r > b + 40 and gr > b + 20, (r, gr, b)  # desert: tan
    r, gr, b = at(-12, 12, -45, -10)
    assert gr > r + 10 and gr > b + 10, (r, gr, b)  # rainforest: green
    r, gr, b = at(-30, 30, 60, 80)
    assert b > r + 30 and b > gr, (r, gr, b)  # the sea
    hh = cam.distance * math.tan(math.radians(cam.fov) / 2)
    c = (np.arange(n) + 0.5) / n * 2 - 1
    rad = np.hypot(c[None, :] * hh, c[:, None] * hh)
    rim = (rad > 1.01) & (rad < 1.04)
    rr, rg, rb = np.median(rgb[rim], axis=0)
    assert rb > rr + 20 and rb > 40, (rr, rg, rb)  # the blue limb
    # The overlays draw where they say: coast lines only along the coasts (pixels with land
    # and sea within 4 deg), plate boundaries only along the boundary at lon 0 (and +-180).
    # (The coast line is drawn over the climate layers; the natural colours draw their own.)
    _write(sim, "terrain", y=np.where(lon < 0, 0.0, 1.0))
    land_at = land[((plat + 90) / 180 * g.height).astype(int).clip(0, g.height - 1),
                   ((plon + 180) / 360 * g.width).astype(int).clip(0, g.width - 1)]  # fmt: skip
    for name, layer in (("coast", "temperature"), ("plates", "biome")):
        base = render_frame(sim, "globe", layer, (n, n), cam, label=False, overlays=(), time=0)
        over = render_frame(sim, "globe", layer, (n, n), cam, label=False, overlays=(name,),
                            time=0)  # fmt: skip
        drawn = disc & (np.abs(over.astype(int) - base.astype(int)).max(-1) > 8)
        assert drawn.sum() > 30, name
        if name == "coast":
            mixed = np.zeros_like(drawn)
            for d_la, d_lo in ((4, 0), (-4, 0), (0, 4), (0, -4)):
                yy = ((plat + d_la + 90) / 180 * g.height).astype(int).clip(0, g.height - 1)
                xx = (((plon + d_lo + 180) % 360) / 360 * g.width).astype(int) % g.width
                mixed |= land[yy, xx] != land_at
            assert mixed[drawn].mean() > 0.95, name
        else:
            assert (np.minimum(np.abs(plon), 180 - np.abs(plon))[drawn] < 5.0).mean() > 0.95
