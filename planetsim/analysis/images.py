"""Figures of pictures rather than planets: how much a rendered picture shows its grid.

A picture drawn from a grid larger than the grid shows the cells where its strong edges run
along the pixel axes: staircase coasts, square biome patches. Smooth contours of every
orientation put about 22 % of their strong edges within 10 deg of an axis (the four
directions' share of the circle, 80 / 360, plus the pixels' own bias); issue 18 asks for at
most 30 %. The same picture's night lights show the cells as flat blocks of light: regions a
cell wide whose brightness hardly varies (flat_share).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage


def axis_aligned_edge_share(
    rgb: NDArray[np.generic],
    mask: NDArray[np.bool_] | None = None,
    top: float = 0.10,
    within_deg: float = 10.0,
) -> float:
    """The share of a picture's strong edges that lie within `within_deg` of the pixel axes.
    rgb: (H, W, 3) picture (any scale); mask: the pixels to count (default all). Strong
    edges: the pixels (inside the mask, where the Sobel gradient of the luminance is not
    zero) in the top `top` share of gradient magnitude. An edge's direction is normal to its
    gradient, so it lies along an axis when the gradient does."""
    lum = np.asarray(rgb, np.float64)[..., :3] @ np.array([0.2126, 0.7152, 0.0722])
    gx = ndimage.sobel(lum, axis=1, mode="nearest")
    gy = ndimage.sobel(lum, axis=0, mode="nearest")
    mag = np.hypot(gx, gy)
    keep = mag > 0
    if mask is not None:
        keep &= mask
    if not keep.any():
        return float("nan")
    strong = keep & (mag >= np.quantile(mag[keep], 1.0 - top))
    angle = np.degrees(np.arctan2(gy[strong], gx[strong])) % 90.0  # 0 and 90: along an axis
    near = (angle <= within_deg) | (angle >= 90.0 - within_deg)
    return float(near.mean())


def srgb_to_linear(c: NDArray[np.generic]) -> NDArray[np.float64]:
    """sRGB-encoded values 0..1 to linear light (IEC 61966-2-1)."""
    x: NDArray[np.float64] = np.clip(np.asarray(c, np.float64), 0.0, 1.0)
    out: NDArray[np.float64] = np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)
    return out


def linear_to_srgb(c: NDArray[np.generic]) -> NDArray[np.float64]:
    """Linear light 0..1 to sRGB-encoded values (IEC 61966-2-1)."""
    x: NDArray[np.float64] = np.clip(np.asarray(c, np.float64), 0.0, 1.0)
    out: NDArray[np.float64] = np.where(x <= 0.0031308, x * 12.92, 1.055 * x ** (1 / 2.4) - 0.055)
    return out


def linear_luminance(rgb8: NDArray[np.generic]) -> NDArray[np.float64]:
    """(H, W) linear luminance 0.2126 R + 0.7152 G + 0.0722 B of an 8-bit sRGB picture."""
    lin = srgb_to_linear(np.asarray(rgb8, np.float64)[..., :3] / 255.0)
    out: NDArray[np.float64] = lin @ np.array([0.2126, 0.7152, 0.0722])
    return out


def flat_share(
    lum: NDArray[np.generic],
    lit: NDArray[np.bool_],
    window: int,
    tol: float = 0.10,
) -> float:
    """The share of the `lit` pixels of a brightness picture `lum` (H, W) that lie in a flat
    block: a `window` x `window` square (say one grid cell's footprint) whose brightness
    varies by under `tol` of its largest, (max - min) < tol max. Points of light give about
    none; each cell drawn as its own even glow, most. An even window is taken one smaller."""
    window = max(int(window) - (1 - int(window) % 2), 1)  # odd: squares centred on pixels
    a = np.asarray(lum, np.float64)
    hi = ndimage.maximum_filter(a, size=window, mode="nearest")
    lo = ndimage.minimum_filter(a, size=window, mode="nearest")
    flat = (hi > 0) & (hi - lo < tol * hi)  # the square centred here is flat
    # a pixel lies in a flat square if any square holding it is: those centred within reach
    inside = ndimage.maximum_filter(flat, size=window, mode="constant")
    keep = np.asarray(lit, bool)
    return float(inside[keep].mean()) if keep.any() else float("nan")


__all__ = [
    "axis_aligned_edge_share",
    "flat_share",
    "linear_luminance",
    "linear_to_srgb",
    "srgb_to_linear",
]
