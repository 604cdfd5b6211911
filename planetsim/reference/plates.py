"""The plates' gather in numpy: the world's crust looked up in each plate's own frame through
the plate's rotation, the same rules as shaders/sim/plates_gather.frag written independently
(vectorised over cells, one plate at a time). The tests hold the shader to it, and the
benchmark times it beside the GLSL step.

Frames: (16, H, W, 4) arrays of (continental thickness km, crust age Myr or -1 where the plate
has no crust, surface offset m, orogeny code), a lat/lon grid per plate that turns with it.
Rotations: (16, 3, 3) matrices R_k, world point = R_k frame point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analysis.grid import Grid

CONTINENTAL_KM = 15.0  # crust at least this thick counts as continental (lib/crust.glsl)
OCEANIC_MAX_KM = 1.0  # thinner: oceanic crust, the only crust with a sea-floor age


def ocean_depth(age: np.ndarray) -> np.ndarray:
    """Ocean depth (m) of floor `age` Myr old: GDH1 (Stein & Stein 1992), 2600 + 365 sqrt(t)
    for t < 20 Myr, 5651 - 2473 exp(-0.0278 t) beyond."""
    t = np.maximum(np.asarray(age, dtype=np.float64), 0.0)
    return np.where(t < 20.0, 2600.0 + 365.0 * np.sqrt(t), 5651.0 - 2473.0 * np.exp(-0.0278 * t))


def crust_elevation(
    h: np.ndarray, age: np.ndarray, *, crust_sea_level_km: float, rho_crust: float,
    rho_mantle: float, crust_full_km: float,
) -> np.ndarray:  # fmt: skip
    """Elevation (m) of a crust column: Airy isostasy for continental crust h km thick, the
    age-depth law for ocean floor, blended over thinned margins (0 < h < crust_full_km)."""
    h = np.asarray(h, dtype=np.float64)
    cont = (h - crust_sea_level_km) * (1.0 - rho_crust / rho_mantle) * 1000.0
    u = np.clip(h / crust_full_km, 0.0, 1.0)
    s = u * u * (3 - 2 * u)
    depth = ocean_depth(age)
    return -depth + (cont + depth) * s


def frame_pixels(grid: Grid, rot: np.ndarray) -> np.ndarray:
    """(H, W, 2) continuous pixel coordinates (x, y; centres at +0.5) in the frame whose
    rotation is rot, of every world cell's centre: the frame point R^T x."""
    x = grid.unit_vectors() @ rot  # row vectors: x R = (R^T x)^T
    lat = np.arcsin(np.clip(x[..., 2], -1.0, 1.0))
    lon = np.arctan2(x[..., 1], x[..., 0])
    px = (lon + np.pi) / (2 * np.pi) * grid.width
    py = (lat + 0.5 * np.pi) / np.pi * grid.height
    return np.stack([px, py], axis=-1)


def _texels(grid: Grid, frame: np.ndarray, ix: np.ndarray, iy: np.ndarray) -> np.ndarray:
    """frame[iy, ix] with the longitude wrap and the pole crossing (DESIGN.md)."""
    rows, cols = grid.wrap_index(iy, ix)
    return frame[rows, cols]


def over(a: int, b: int, over_bits: np.ndarray, rank: np.ndarray) -> bool:
    """Whether plate a's ocean floor rides over plate b's: the boundary's recorded polarity,
    else the buoyancy order."""
    if over_bits[a, b]:
        return True
    if over_bits[b, a]:
        return False
    return bool(rank[a] > rank[b])


@dataclass
class Gathered:
    """The world's crust from the frames: winner plate (-1: nobody's, an opening), its
    thickness (km; the stack's sum where continents overlap), age (Myr), the number of
    claimants, and whether continental crust stacked."""

    plate: np.ndarray
    thickness: np.ndarray
    age: np.ndarray
    claims: np.ndarray
    stacked: np.ndarray


def frames_of(atlas: np.ndarray, grid: Grid, tiles: int = 4) -> np.ndarray:
    """The plates' frames (tiles*tiles, H, W, 4) cut from the frames atlas, tiles across and
    down, plate k at row k // tiles, column k % tiles."""
    w, h = grid.size
    return np.stack([atlas[(k // tiles) * h : (k // tiles + 1) * h,
                           (k % tiles) * w : (k % tiles + 1) * w]
                     for k in range(tiles * tiles)])  # fmt: skip


def gather(
    grid: Grid, frames: np.ndarray, rot: np.ndarray, active: np.ndarray, rank: np.ndarray,
    over_bits: np.ndarray, *, crust_max_km: float, frames_lag: float = 0.0,
) -> Gathered:  # fmt: skip
    """Each world cell's crust: every live plate whose frame holds crust under the cell
    claims it; continental crust beats oceanic, else the polarity decides; two or more
    continental claimants stack (at most crust_max_km). A single claimant's thickness is
    bilinear between its frame's texels that hold crust. The frames' ages are frames_lag Myr
    old (the time since their last update)."""
    shape = grid.shape
    plate = np.full(shape, -1, np.int64)
    best = np.zeros(shape + (4,))
    claims = np.zeros(shape, np.int64)
    continental = np.zeros(shape, np.int64)
    stack = np.zeros(shape)
    smooth = np.zeros(shape)
    for k in np.flatnonzero(active):
        px = frame_pixels(grid, rot[k])
        ix = np.floor(px[..., 0]).astype(np.int64) % grid.width
        iy = np.clip(np.floor(px[..., 1]).astype(np.int64), 0, grid.height - 1)
        m = frames[k][iy, ix]
        mine = m[..., 1] >= 0.0
        cont = mine & (m[..., 0] >= CONTINENTAL_KM)
        claims += mine
        continental += cont
        stack += np.where(cont, m[..., 0], 0.0)
        # Does k beat the best so far? Continental over oceanic, else the polarity.
        held = plate >= 0
        best_cont = best[..., 0] >= CONTINENTAL_KM
        wins = mine & ~held
        contest = mine & held
        wins |= contest & cont & ~best_cont
        same = contest & (cont == best_cont)
        for j in np.unique(plate[same]):
            if over(int(k), int(j), over_bits, rank):
                wins |= same & (plate == j)
        plate[wins] = k
        best[wins] = m[wins]
        smooth[wins] = _bilinear_thickness(grid, frames[k], px)[wins]
    stacked = continental >= 2
    thickness = np.where(stacked, np.minimum(stack, crust_max_km), smooth)
    age = np.where(plate >= 0, best[..., 1] + frames_lag, best[..., 1])
    return Gathered(plate, thickness, age, claims, stacked)


def _bilinear_thickness(grid: Grid, frame: np.ndarray, px: np.ndarray) -> np.ndarray:
    """Thickness bilinear between the four texels around px that hold crust (nearest texel's
    value where none does)."""
    q = px - 0.5
    i0 = np.floor(q).astype(np.int64)
    f = q - i0
    total = np.zeros(grid.shape)
    weight = np.zeros(grid.shape)
    for dx in (0, 1):
        for dy in (0, 1):
            m = _texels(grid, frame, i0[..., 0] + dx, i0[..., 1] + dy)
            w = (f[..., 0] if dx else 1 - f[..., 0]) * (f[..., 1] if dy else 1 - f[..., 1])
            w = np.where(m[..., 1] >= 0.0, w, 0.0)
            total += w * m[..., 0]
            weight += w
    ix = np.floor(px[..., 0]).astype(np.int64) % grid.width
    iy = np.clip(np.floor(px[..., 1]).astype(np.int64), 0, grid.height - 1)
    nearest = frame[iy, ix, 0]
    return np.where(weight > 1e-6, total / np.maximum(weight, 1e-12), nearest)
