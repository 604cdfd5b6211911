"""The globe's cloud pattern: warped fBM on the sphere baked once per seed by the
cloud_noise pass, then equalised by area with numpy so that cells above 1 - c cover the share
c of the sphere, for every c (the clouds cover what the cloud-cover field says)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import moderngl
import numpy as np

from ..analysis.grid import Grid
from .decls import CLOUD_NOISE

if TYPE_CHECKING:
    from ..core.simulation import Simulation

CLOUD_BAKE_SIZE = (1024, 512)  # 20 km texels: finer than the globe shows below 4K pictures


def equalise_by_area(values: np.ndarray) -> np.ndarray:
    """Values of an equirectangular (H, W) grid, rows south to north, mapped to 0..1 by their
    rank weighted by each cell's area on the sphere: afterwards cells holding a value above
    1 - c make up the share c of the sphere's area, for every c. (The globe's clouds are
    where the pattern is above 1 - cover: they cover what the cloud-cover field says.)"""
    h, w = values.shape
    weight = np.broadcast_to(Grid(w, h).area_weight, values.shape).ravel()
    order = np.argsort(values, axis=None, kind="stable")
    cdf = np.cumsum(weight[order]) - 0.5 * weight[order]  # mid-rank: symmetric about 1/2
    out = np.empty(values.size, np.float32)
    out[order] = cdf / weight.sum()
    return out.reshape(h, w)


# Baked and equalised patterns by (seed, size): the same for every simulation of a seed.
_CLOUD_PATTERNS: dict[tuple[int, tuple[int, int]], np.ndarray] = {}


def cloud_pattern(sim: Simulation) -> np.ndarray:
    """The equalised pattern of sim's seed, (H, W) float32 0..1: baked on the first call."""
    size = CLOUD_BAKE_SIZE
    key = (int(sim.seed), size)
    pattern = _CLOUD_PATTERNS.get(key)
    if pattern is None:
        ctx = sim.ctx
        before = ctx.fbo
        tex = ctx.texture(size, 4, dtype="f4")
        fbo = ctx.framebuffer(color_attachments=[tex])
        try:
            vals = {**sim.values, "bake_size": size}
            sim.runner.run(CLOUD_NOISE, vals, into=fbo)
            raw = np.frombuffer(tex.read(), np.float32).reshape(size[1], size[0], 4)
        finally:
            if before is not None:  # as render_into: never leave a released one bound
                before.use()
            fbo.release()
            tex.release()
        pattern = equalise_by_area(raw[..., 0])
        _CLOUD_PATTERNS[key] = pattern
    return pattern


def cloud_texture(sim: Simulation) -> moderngl.Texture:
    """The pattern as a one-channel float texture on sim's context."""
    pattern = cloud_pattern(sim)
    return sim.ctx.texture(CLOUD_BAKE_SIZE, 1, pattern.tobytes(), dtype="f4")
