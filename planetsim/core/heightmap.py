"""A custom start: a heightmap or land mask image (8- or 16-bit grayscale PNG, or a numpy .npy)
of any size, resampled to the grid and written into the terrain as metres.

Images are equirectangular like the grid: the top row is the north pole edge, the left column
longitude -180 deg. A heightmap's black..white maps linearly onto elevation_range (m); sea level
is then `sea_level` (m, in the same datum). A land mask (land_mask=True, or an image with only
two grey levels) puts white at land_height above sea level and black at sea_depth below it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..analysis.sea_level import hypsometric_curve, sea_level_for_fraction
from .errors import PresetError

if TYPE_CHECKING:
    from .simulation import Simulation

LAND_HEIGHT = 400.0  # m above sea level for white in a land mask
SEA_DEPTH = -3000.0  # m (relative to sea level) for black in a land mask


def load_image(path: str | Path) -> np.ndarray:
    """The image's grey values as float64 (H, W) in 0..1 (the file's own bit depth), top row
    north. Raises PresetError with one line for a missing or unreadable file."""
    p = Path(path)
    if not p.is_file():
        raise PresetError(f"heightmap not found: {p}")
    if p.suffix.lower() == ".npy":
        try:
            a = np.load(p, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise PresetError(f"cannot read heightmap {p}: not a numpy .npy file ({exc})") from None
        if a.ndim == 3 and a.shape[2] == 1:
            a = a[..., 0]
        if a.ndim != 2 or a.shape[0] < 2 or a.shape[1] < 2:
            raise PresetError(f"heightmap {p}: expected a 2-D array (H, W), got shape {a.shape}")
        if not np.issubdtype(a.dtype, np.number) or np.issubdtype(a.dtype, np.complexfloating):
            raise PresetError(f"heightmap {p}: expected real numbers, got dtype {a.dtype}")
        a = a.astype(np.float64)
        if not np.isfinite(a).all():
            raise PresetError(f"heightmap {p}: contains NaN or infinite values")
        return a  # raw values: apply_heightmap scales them like an image's 0..1
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(p) as im:
            im.load()
            mode = im.mode
            if mode in ("I;16", "I;16B", "I;16L", "I"):
                a = np.asarray(im, dtype=np.float64)
                top = 65535.0
            elif mode in ("L", "P", "1", "LA", "RGB", "RGBA"):
                a = np.asarray(im.convert("L"), dtype=np.float64)  # colour: its luminance
                top = 255.0
            elif mode == "F":
                a = np.asarray(im, dtype=np.float64)
                top = 1.0
            else:
                raise PresetError(f"heightmap {p}: unsupported image mode {mode} (use grayscale)")
    except (OSError, UnidentifiedImageError, SyntaxError) as exc:
        raise PresetError(f"cannot read heightmap {p}: {str(exc).splitlines()[0]}") from None
    if a.ndim != 2 or a.shape[0] < 2 or a.shape[1] < 2:
        raise PresetError(f"heightmap {p}: expected a 2-D grayscale image, got shape {a.shape}")
    return a / top


def resample(a: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """(H, W) array resampled to size (W, H) with Pillow's bilinear filter (float32 image),
    box-filtered when shrinking; top row stays north."""
    from PIL import Image

    w, h = size
    im = Image.fromarray(np.ascontiguousarray(a, dtype=np.float32), mode="F")
    return np.asarray(im.resize((w, h), Image.Resampling.BILINEAR, reducing_gap=2.0), np.float32)


def heightmap_elevation(
    a: np.ndarray,
    size: tuple[int, int],
    sea_level: float = 0.0,
    elevation_range: tuple[float, float] = (-4000.0, 4000.0),
    land_mask: bool | None = None,
) -> np.ndarray:
    """Elevation (H, W) float32 in m, row 0 south (the grid's order), from image values `a`
    (top row north). An image's 0..1 (a .npy's min..max) spans elevation_range; a land mask
    (two levels, or land_mask=True) puts its bright side land_height above sea level."""
    lo, hi = (float(v) for v in elevation_range)
    if not hi > lo:
        raise PresetError(f"elevation_range must be [low, high] with low < high, got {[lo, hi]}")
    levels = np.unique(a)
    if land_mask is None:
        land_mask = levels.size <= 2
    if land_mask:
        cut = 0.5 * (float(a.min()) + float(a.max())) if levels.size > 1 else 0.5
        land = resample((a > cut).astype(np.float32), size)
        # The resampled mask's 0.5 is the coastline; a ramp either side of it.
        up = 1.0 + LAND_HEIGHT * (land - 0.5) * 2.0  # 1 m at the coast .. LAND_HEIGHT inland
        down = -1.0 + SEA_DEPTH * (0.5 - land) * 2.0  # -1 m at the coast .. SEA_DEPTH offshore
        z = sea_level + np.where(land >= 0.5, up, down)
    else:
        amin, amax = float(a.min()), float(a.max())
        if amax > 1.0 or amin < 0.0:  # raw numbers (a .npy): their own range
            a = (a - amin) / (amax - amin) if amax > amin else np.zeros_like(a)
        z = lo + (hi - lo) * resample(a, size)
    return np.ascontiguousarray(z[::-1], dtype=np.float32)


def apply_heightmap(
    sim: Simulation,
    path: str | Path,
    sea_level: float = 0.0,
    elevation_range: tuple[float, float] = (-4000.0, 4000.0),
    land_mask: bool | None = None,
    land_fraction: float | None = None,
) -> np.ndarray:
    """Write a heightmap or land mask file into sim's terrain (elevation; plates none, stress
    and age cleared), set the sea level, and tell land-dependent passes. Returns the elevation
    (H, W), row 0 south. land_fraction (0..1), if given, moves the sea level so that this share
    of the surface (by area) is land, instead of `sea_level`."""
    z = heightmap_elevation(load_image(path), sim.grid.size, sea_level, elevation_range, land_mask)
    if land_fraction is not None:
        if not 0.0 <= land_fraction <= 1.0:
            raise PresetError(f"land_fraction must be in [0, 1], got {land_fraction}")
        z_sorted, cum = hypsometric_curve(z, sim.grid.area_weight)
        sea_level = sea_level_for_fraction(z_sorted, cum, 1.0 - land_fraction)
    t = np.zeros((*sim.grid.shape, 4), np.float32)
    t[..., 0] = z
    t[..., 1] = -1.0  # no plates yet: tectonics seeds them if it runs
    sim.field("terrain").write(t)
    sim.set_uniform("sea_level", float(sea_level))
    # The ocean keeps the share the map gives it when tectonics re-levels the sea.
    ocean = float((sim.grid.area_weight * (z <= sea_level)).sum())
    if "ocean_fraction" in sim.values:
        sim.set_uniform("ocean_fraction", min(max(ocean, 0.0), 1.0))
    sim.keep_start_terrain()
    sim.mark_land_changed()
    return z
