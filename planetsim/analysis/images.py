"""Figures of pictures rather than planets: how much a rendered picture shows its grid.

A picture drawn from a grid larger than the grid shows the cells where its strong edges run
along the pixel axes: staircase coasts, square biome patches. Smooth contours of every
orientation put about 22 % of their strong edges within 10 deg of an axis (the four
directions' share of the circle, 80 / 360, plus the pixels' own bias); issue 18 asks for at
most 30 %.
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


__all__ = ["axis_aligned_edge_share"]
