"""The crust and plates the tectonics stage starts from, computed in numpy from the seed as
functions of position on the sphere (unit vectors), never of cell indices, so the same seed
gives the same continents and plates at every grid size.

- Continents: the union of a few dozen cratons (caps at random centres and radii) whose rims
  are roughened by fractal value noise on the sphere; the crust is continental where that
  score is in its top `continental_fraction` of the surface (by area), without specks (land
  masses under 0.5 % of the continental area go back to ocean, small holes fill).
- Thickness: 30 km at a continent's edge (a drowned shelf) to 38 km inland, a craton's
  (Christensen & Mooney 1995: shields and platforms about 40 km), standing some 500 m high.
- Ocean floor: young (10-30 Myr: the early planet is hot and its crust recycles fast).
- Plates: noise-warped Voronoi cells around `plate_count` random points, each with a random
  Euler pole and a speed of 2-6 cm/yr.
- From a heightmap instead (the user's own start): crust inverted from the elevation by the
  same isostasy and age-depth law the shaders use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...analysis.grid import Grid
from ...analysis.land import label_landmasses
from ...reference.plates import CONTINENTAL_KM
from .forces import buoyancy
from .table import CM_PER_YR_PER_RAD_PER_MYR, MAX_PLATES, PlateTable

SPECK_SHARE = 0.005  # continental pieces below this share of the continental area drown


def _hash01(ix: np.ndarray, iy: np.ndarray, iz: np.ndarray, seed: int, stream: int) -> np.ndarray:
    """A uniform [0, 1) value per integer lattice point (a 32-bit integer hash, PCG-style)."""
    v = (
        ix.astype(np.uint64) * np.uint64(0x8DA6B343)
        ^ iy.astype(np.uint64) * np.uint64(0xD8163841)
        ^ iz.astype(np.uint64) * np.uint64(0xCB1AB31F)
        ^ np.uint64((seed * 0x9E3779B1 + stream * 0x85EBCA77) & 0xFFFFFFFF)
    ) & np.uint64(0xFFFFFFFF)
    for _ in range(2):
        v = (v * np.uint64(747796405) + np.uint64(2891336453)) & np.uint64(0xFFFFFFFF)
        word = ((v >> ((v >> np.uint64(28)) + np.uint64(4))) ^ v) * np.uint64(277803737)
        v = ((word >> np.uint64(22)) ^ word) & np.uint64(0xFFFFFFFF)
    return v.astype(np.float64) / 4294967296.0


def _lattice(p: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """The lattice cell of each point p (..., 3) and its 8 corners' quintic-faded weights."""
    i = np.floor(p)
    f = p - i
    f = f * f * f * (f * (f * 6 - 15) + 10)
    g = 1 - f
    fx, fy, fz, gx, gy, gz = f[..., 0], f[..., 1], f[..., 2], g[..., 0], g[..., 1], g[..., 2]
    weights = [
        (fx if c & 1 else gx) * (fy if c & 2 else gy) * (fz if c & 4 else gz) for c in range(8)
    ]
    return i.astype(np.int64), weights


def _noise_at(i: np.ndarray, weights: list[np.ndarray], seed: int, stream: int) -> np.ndarray:
    lo = i.reshape(-1, 3).min(axis=0)
    n = i.reshape(-1, 3).max(axis=0) - lo + 2  # lattice points of the box, corners included
    out = np.zeros(i.shape[:-1])
    if int(np.prod(n)) < i[..., 0].size:
        # Fewer lattice points in the points' bounding box than points (the low octaves on
        # a sphere): hash the box once and look the corners up. The same values, cheaper.
        bx, by, bz = np.meshgrid(*(np.arange(lo[k], lo[k] + n[k]) for k in range(3)), indexing="ij")
        table = 2 * _hash01(bx.ravel(), by.ravel(), bz.ravel(), seed, stream) - 1
        base = ((i[..., 0] - lo[0]) * n[1] + (i[..., 1] - lo[1])) * n[2] + (i[..., 2] - lo[2])
        for corner in range(8):
            off = (corner & 1) * n[1] * n[2] + ((corner >> 1) & 1) * n[2] + ((corner >> 2) & 1)
            out += weights[corner] * table[base + off]
        return out
    for corner in range(8):
        o0, o1, o2 = corner & 1, (corner >> 1) & 1, (corner >> 2) & 1
        h = _hash01(i[..., 0] + o0, i[..., 1] + o1, i[..., 2] + o2, seed, stream)
        out += weights[corner] * (2 * h - 1)
    return out


def value_noise(p: np.ndarray, seed: int, stream: int) -> np.ndarray:
    """3D value noise in [-1, 1] at points p (..., 3), quintic-faded trilinear interpolation of
    lattice values: smooth, no seam at +-180 deg and no pinch at the poles on the sphere."""
    return _noise_at(*_lattice(p), seed, stream)


def fbm(p: np.ndarray, seed: int, stream: int, octaves: int = 5, gain: float = 0.5) -> np.ndarray:
    return fbm_streams(p, seed, (stream,), octaves, gain)[..., 0]


def fbm_streams(
    p: np.ndarray, seed: int, streams: tuple[int, ...], octaves: int = 5, gain: float = 0.5
) -> np.ndarray:
    """fbm of several streams at the same points (..., len(streams)): the lattice and its
    weights are shared, only the lattice values differ."""
    total = np.zeros((*p.shape[:-1], len(streams)))
    amp, norm = 1.0, 0.0
    for k in range(octaves):
        i, weights = _lattice(p)
        for j, stream in enumerate(streams):
            total[..., j] += amp * _noise_at(i, weights, seed, stream + 101 * k)
        norm += amp
        amp *= gain
        p = p * 2.03 + np.array([17.1, -3.7, 9.2])
    return total / norm


def random_unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.normal(size=(n, 3))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def area_quantile(values: np.ndarray, weight: np.ndarray, share: float) -> float:
    """The value above which `share` of the total weight lies."""
    order = np.argsort(values, axis=None)
    cum = np.cumsum(np.broadcast_to(weight, values.shape).ravel()[order])
    cum /= cum[-1]
    i = int(np.searchsorted(cum, 1.0 - share))
    return float(values.ravel()[order][min(i, order.size - 1)])


def continent_score(x: np.ndarray, seed: int, cratons: int = 30, focus: np.ndarray | None = None,
                    focus_weight: float = 0.0) -> np.ndarray:  # fmt: skip
    """A smooth score on the sphere whose upper part is continental crust."""
    rng = np.random.default_rng([seed, 7331])
    centres = random_unit_vectors(rng, cratons)
    radii = rng.uniform(0.12, 0.42, cratons)  # rad: 750-2700 km caps
    weights = rng.uniform(0.6, 1.0, cratons)
    score = np.full(x.shape[:-1], -1.0)
    for c, r, w in zip(centres, radii, weights, strict=True):
        ang = np.arccos(np.clip(x @ c, -1.0, 1.0))
        score = np.maximum(score, w * (1.0 - (ang / r) ** 2))
    score += 0.35 * fbm(2.5 * x, seed, 11, octaves=5)
    if focus is not None and focus_weight > 0.0:  # one supercontinent (pangaea)
        score += focus_weight * (x @ focus)
    return score


@dataclass
class StartCrust:
    """The world arrays the stage starts from, (H, W) each."""

    thickness_km: np.ndarray
    age_myr: np.ndarray
    plate: np.ndarray  # int, 0..plates-1
    offset_m: np.ndarray  # surface offset the crust carries (craters remembered)
    table: PlateTable


def plate_layout(x: np.ndarray, seed: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """Noise-warped Voronoi cells of `count` random points: the plate of each point x."""
    seeds = random_unit_vectors(rng, count)
    return voronoi(x, seeds, seed)


def voronoi(x: np.ndarray, seeds: np.ndarray, seed: int, stream: int = 500) -> np.ndarray:
    """The index of the nearest of `seeds` to each point x, distances bent by noise so the
    boundaries are not straight."""
    dist = np.stack([np.arccos(np.clip(x @ s, -1.0, 1.0)) for s in seeds], axis=-1)
    warp = 0.25 * fbm_streams(3.0 * x, seed, tuple(stream + k for k in range(len(seeds))), 3)
    return np.argmin(dist * (1.0 + warp), axis=-1)


def continent_layout(
    grid: Grid, continental: np.ndarray, seeds: np.ndarray, seed: int,
    fixed: dict[int, int] | None = None,
) -> np.ndarray:  # fmt: skip
    """Plates around continents: ocean floor goes to the nearest seed (warped Voronoi), each
    continent (a connected piece of continental crust) whole to the seed nearest its middle,
    or to `fixed[label]` where given, so no plate boundary cuts a continent."""
    x = grid.unit_vectors()
    plates = voronoi(x, seeds, seed)
    labels, n = label_landmasses(continental, grid)
    w = np.asarray(np.broadcast_to(grid.area_weight, grid.shape))
    for lab in range(1, n + 1):
        sel = labels == lab
        if fixed is not None and lab in fixed:
            plates[sel] = fixed[lab]
            continue
        c = (x[sel] * w[sel][:, None]).sum(axis=0)
        c /= max(float(np.linalg.norm(c)), 1e-12)
        plates[sel] = int(np.argmax(seeds @ c))
    return plates


def start_from_seed(
    grid: Grid,
    seed: int,
    *,
    continental_fraction: float,
    plate_count: int,
    crater_relief: np.ndarray | None = None,
    crater_memory: float = 0.0,
    focus_weight: float = 0.0,
) -> StartCrust:
    x = grid.unit_vectors()
    rng = np.random.default_rng([seed, 4242])
    focus = random_unit_vectors(rng, 1)[0]
    score = continent_score(x, seed, focus=focus, focus_weight=focus_weight)
    w = np.asarray(grid.area_weight)
    thr = area_quantile(score, w, continental_fraction)
    continental = score > thr
    continental = _without_specks(continental, grid)
    inland = np.clip((score - thr) / max(float(score.max() - thr), 1e-9), 0.0, 1.0)
    s = np.clip(inland / 0.35, 0.0, 1.0)
    thickness = np.where(continental, 30.0 + 8.0 * s * s * (3 - 2 * s), 0.0)
    age = 10.0 + 20.0 * (0.5 + 0.5 * fbm(2.0 * x, seed, 77, octaves=3))
    count = int(min(max(plate_count, 2), MAX_PLATES - 2))  # room for splits later
    # Plates around the continents: the largest continents each at the heart of one, the
    # other seeds at random.
    seeds = random_unit_vectors(rng, count)
    labels, n = label_landmasses(continental, grid)
    if n:
        sizes = np.bincount(labels.ravel(), weights=np.broadcast_to(w, grid.shape).ravel())
        sizes[0] = 0.0
        for i, lab in enumerate(np.argsort(-sizes)[: min(n, count // 2)]):
            sel = labels == lab
            c = (x[sel] * np.broadcast_to(w, grid.shape)[sel][:, None]).sum(axis=0)
            seeds[i] = c / max(float(np.linalg.norm(c)), 1e-12)
    plates = continent_layout(grid, continental, seeds, seed)
    offset = np.zeros(grid.shape)
    if crater_relief is not None and crater_memory > 0.0:
        r = crater_relief - np.median(crater_relief)
        offset = crater_memory * np.clip(r, -1500.0, 1500.0)
    table = new_table(plates, thickness, age, grid, count, rng)
    return StartCrust(thickness, age, plates, offset, table)


def _without_specks(continental: np.ndarray, grid: Grid) -> np.ndarray:
    """Drown continental pieces under SPECK_SHARE of the continental area; fill ocean holes
    under it inside the continents."""
    w = np.asarray(np.broadcast_to(grid.area_weight, grid.shape))
    out = continental.copy()
    for value in (True, False):
        mask = out if value else ~out
        labels, n = label_landmasses(mask, grid)
        if n == 0:
            continue
        area = np.bincount(labels.ravel(), weights=w.ravel(), minlength=n + 1)
        total = float(w[continental].sum())
        small = np.flatnonzero(area < SPECK_SHARE * total)
        small = small[small > 0]
        out[np.isin(labels, small)] = not value
    return out


def start_from_terrain(
    grid: Grid, seed: int, elevation: np.ndarray, sea_level: float, *, plate_count: int,
    crust_sea_level_km: float, rho_crust: float, rho_mantle: float,
) -> StartCrust:  # fmt: skip
    """Crust from the user's heightmap: continental where the land (and the shelf to 300 m
    below sea level) is, its thickness by inverting Airy isostasy; ocean floor aged by
    inverting the GDH1 depth law (Stein & Stein 1992)."""
    z = elevation - sea_level
    per_km = (1.0 - rho_crust / rho_mantle) * 1000.0
    continental = z > -300.0
    thickness = np.where(continental, np.clip(crust_sea_level_km + z / per_km, 20.0, 80.0), 0.0)
    depth = np.clip(-z, 2600.0, 5650.0)
    young = ((depth - 2600.0) / 365.0) ** 2
    old = -np.log((5651.0 - depth) / 2473.0) / 0.0278
    age = np.where(depth < 2600.0 + 365.0 * np.sqrt(20.0), young, np.maximum(old, 20.0))
    rng = np.random.default_rng([seed, 4242])
    random_unit_vectors(rng, 1)  # the focus draw of start_from_seed: the same plates after it
    count = int(min(max(plate_count, 2), MAX_PLATES - 2))
    poles = random_unit_vectors(rng, count)
    plates = continent_layout(grid, thickness >= CONTINENTAL_KM, poles, seed)
    age = np.clip(age, 0.0, 200.0)
    table = new_table(plates, thickness, age, grid, count, rng)
    return StartCrust(thickness, age, plates, np.zeros(grid.shape), table)


def new_table(
    plates: np.ndarray, thickness: np.ndarray, age: np.ndarray, grid: Grid, count: int,
    rng: np.random.Generator,
) -> PlateTable:  # fmt: skip
    """Live slots 0..count-1, random Euler poles and speeds of 2-6 cm/yr, the buoyancy order
    from each plate's continent and ocean floor."""
    table = PlateTable()
    table.active[:count] = True
    poles = random_unit_vectors(rng, count)
    speeds = rng.uniform(2.0, 6.0, count)  # cm/yr at 90 deg from the pole
    table.omega[:count] = poles * (speeds / CM_PER_YR_PER_RAD_PER_MYR)[:, None]
    table.drift[:] = table.omega
    w = np.asarray(np.broadcast_to(grid.area_weight, grid.shape))
    cont = thickness >= CONTINENTAL_KM
    for k in range(count):
        mine = plates == k
        area = float(w[mine].sum())
        ocean = float(w[mine & ~cont].sum())
        share = float(w[mine & cont].sum()) / max(area, 1e-30)
        mean_age = float((w * age)[mine & ~cont].sum()) / max(ocean, 1e-30)
        # The buoyancy order, with a small random part so that no two plates tie.
        table.rank[k] = buoyancy(np.float64(share), np.float64(mean_age)) + 0.02 * rng.uniform()
    return table
