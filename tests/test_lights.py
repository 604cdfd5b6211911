"""Night lights as settlements (shaders/render/lights.glsl): points of light at the picture's
resolution, not blocks of the grid, brightest where people are densest; and the lattice the
settlements sit on covers the sphere evenly."""

from __future__ import annotations

import re

import numpy as np
import pytest

from planetsim.analysis.images import flat_share, linear_luminance
from planetsim.core.shaders import resolve_path
from planetsim.render import Camera, render_frame

GRID = (128, 64)
PICTURE = 512  # a 512 x 512 globe: ~12 pixels a cell at the disc's centre, 4x the grid and more


def _write(sim, name: str, **channels: np.ndarray | float) -> None:
    a = sim.field(name).read()
    for c, v in channels.items():
        a[..., "xyzw".index(c)] = v
    sim.field(name).write(a.astype(np.float32))


def _people(sim) -> np.ndarray:
    """A coast along 20 W (sea to the west), bent by a wave; on land a sparse hinterland of 2
    people/km^2, towns and cities around 30 centres whose sizes follow Zipf's law (the k-th
    holds 1/k of the first) strung along the coast, and a dense city region at 10 N 10 W.
    Writes the light field as the people pass does (w = 1 - exp(-N / people_light), 20/km^2)
    and returns the people per km^2."""
    g = sim.grid
    lat, lon = g.lat2d, g.lon2d
    coast = lon + 20 + 6 * np.sin(np.radians(5 * lat))
    land = coast > 0
    _write(sim, "terrain", x=np.where(land, 30.0 + 40.0 * coast, -3000.0))
    rng = np.random.default_rng(7)
    people = np.full(lat.shape, 2.0)
    for k in range(1, 31):
        la, lo = rng.uniform(-40, 40), -20 + rng.exponential(10)
        d2 = (lat - la) ** 2 + ((lon - lo) * np.cos(np.radians(lat))) ** 2
        people += 120.0 / k * np.exp(-0.5 * d2 / 3.0**2)
    d2 = (lat - 10) ** 2 + ((lon + 10) * np.cos(np.radians(lat))) ** 2
    people += 150.0 * np.exp(-0.5 * d2 / 5.0**2)
    people = np.where(land, people, 0.0)
    _write(sim, "civ", x=people, w=1.0 - np.exp(-people / 20.0))
    return people


def _night_globe(sim, size: int = PICTURE) -> np.ndarray:
    """The night side, seen from over 0 N 0 E (the sun behind the planet), no cloud."""
    sim.set_uniform("surface_heat", 0.0)
    sim.set_uniform("sun_dir", (-1.0, 0.0, 0.0))
    cam = Camera(yaw=0.0, pitch=0.0, ortho=True)
    return render_frame(sim, "globe", "elevation", (size, size), cam, label=False, overlays=())


def _lonlat(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """lon, lat (deg) of each pixel of an n x n picture of the default ortho camera at yaw 0,
    pitch 0 (right is east, up is north), and the disc."""
    cam = Camera(yaw=0.0, pitch=0.0, ortho=True)
    hh = cam.distance * np.tan(np.radians(cam.fov) / 2)
    c = (np.arange(n) + 0.5) / n * 2 - 1
    east = c[None, :] * hh * np.ones((n, 1))
    up = -c[:, None] * hh * np.ones((1, n))
    r2 = east**2 + up**2
    x = np.sqrt(np.clip(1 - r2, 0, 1))
    lon = np.degrees(np.arctan2(east, x))
    return lon, np.degrees(np.arcsin(np.clip(up, -1, 1))), r2 < 1.0


def test_night_lights_are_points_not_blocks_and_brightest_where_people_are_densest(make_sim):
    """The issue's must-show, on the built field drawn at 4x the grid and more: lit pixels
    (brighter than 10 % of the brightest) lie in flat blocks (a cell's footprint, 10-13 pixels
    square here: 9, whose brightness varies by under 10 %) at most 20 % of the time, and at least
    80 % of the brightest 5 % of lit pixels lie in the densest 10 % of the peopled cells. The
    old draw, each cell's sqrt(light) interpolated, fails the first (71 % flat)."""
    sim = make_sim(size=GRID)
    people = _people(sim)
    img = _night_globe(sim)
    lum = linear_luminance(img)
    lon, lat, disc = _lonlat(PICTURE)
    # the populated region near the disc's centre, where a cell is 10-13 pixels on a side
    near = disc & (np.abs(lat) < 35) & (np.abs(lon) < 35)
    lum = np.where(near, lum, 0.0)
    lit = lum > 0.1 * lum.max()
    assert lit.sum() > 500  # there is light to judge
    cell_px = PICTURE / 2 / (Camera().distance * np.tan(np.radians(20))) * np.pi / GRID[1]
    flat = flat_share(lum, lit, int(cell_px * np.cos(np.radians(35))))
    print(f"lit {lit.sum()} flat {flat:.3f}")
    assert flat <= 0.20, flat
    gx = ((lon + 180) / 360 * GRID[0]).astype(int) % GRID[0]
    gy = np.clip(((lat + 90) / 180 * GRID[1]).astype(int), 0, GRID[1] - 1)
    dense = people >= np.quantile(people[people > 0], 0.9)
    top = lit & (lum >= np.quantile(lum[lit], 0.95))
    share = dense[gy[top], gx[top]].mean()
    print(f"brightest in densest {share:.3f}")
    assert share >= 0.80, share


def test_flat_share_tells_blocks_from_points():
    """flat_share on two pictures made here: cells drawn as even squares are all flat, points
    of light on black none."""
    rng = np.random.default_rng(1)
    blocks = np.kron(rng.uniform(0.2, 1.0, (8, 8)), np.ones((12, 12)))
    assert flat_share(blocks, blocks > 0.1, 12) > 0.9
    points = np.zeros((96, 96))
    points[rng.integers(0, 96, 300), rng.integers(0, 96, 300)] = rng.uniform(0.2, 1.0, 300)
    assert flat_share(points, points > 0.1, 12) == 0.0


def test_the_settlement_lattice_covers_the_sphere_evenly():
    """The sites of lights.glsl's lattice counted by Monte Carlo in numpy (a hashed point per
    3D cell projected onto the sphere, kept when the projection stays in the cell's inner box,
    0.1..0.9 of it): as many per spacing^2 of surface as the shader's ACCEPTED says, within
    3 %, and as many near the lattice's axes as between them (within 6 %)."""
    src = resolve_path("render/lights.glsl").read_text()
    accepted = float(re.search(r"const float ACCEPTED = ([0-9.]+);", src).group(1))
    s = 0.03
    r = int(1.1 / s) + 2
    g = np.arange(-r, r)
    c = np.stack(np.meshgrid(g, g, g, indexing="ij"), -1).reshape(-1, 3).astype(float)
    c = c[np.abs(np.linalg.norm((c + 0.5) * s, axis=1) - 1) < 2 * s]
    rng = np.random.default_rng(3)
    p = c + 0.15 + 0.7 * rng.random(c.shape)
    p /= np.linalg.norm(p, axis=1, keepdims=True)
    f = p / s - c
    p = p[np.all((f > 0.1) & (f < 0.9), axis=1)]
    assert len(p) * s * s / (4 * np.pi) == pytest.approx(accepted, rel=0.03)
    # sites per unit area where the normal lies near an axis (max |component| > 0.9, a
    # share 1 - sqrt(1 - ...) of the sphere found by Monte Carlo too) and near a diagonal
    q = rng.normal(size=(400000, 3))
    q = np.abs(q / np.linalg.norm(q, axis=1, keepdims=True)).max(1)
    m = np.abs(p).max(1)
    axis = (m > 0.9).sum() / (q > 0.9).mean()
    diagonal = (m < 0.7).sum() / (q < 0.7).mean()
    assert axis == pytest.approx(diagonal, rel=0.06)
