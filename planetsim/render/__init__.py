"""Views: shaders in shaders/render/ that read fields and never change them, drawn into an
RGBA8 target of any size and read back as a numpy RGB array (row 0 at the top, as images)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..passes import FieldUse, PassDecl

if TYPE_CHECKING:
    from ..simulation import Simulation

MAP_ELEVATION = PassDecl(
    name="map_elevation",
    shader="render/map_elevation.frag",
    stage="render",
    doc="equirectangular elevation map",
    fields=(FieldUse("terrain", "in", "elevation"), FieldUse("view", "out", "RGBA8 picture")),
)


def render_map(sim: Simulation, size: tuple[int, int] | None = None) -> np.ndarray:
    """The elevation map as uint8 (height, width, 3), north up."""
    w, h = size if size is not None else sim.grid.size
    target = sim.ctx.texture((w, h), 4, dtype="f1")
    try:
        sim.runner.run(MAP_ELEVATION, sim.values, targets=[target])
        data = np.frombuffer(target.read(), np.uint8).reshape(h, w, 4)
    finally:
        target.release()
    return np.ascontiguousarray(data[::-1, :, :3])


@dataclass
class Camera:
    """Where the globe is seen from: yaw/pitch in degrees (yaw 0 looks at longitude 0),
    distance in planet radii from the centre, vertical field of view in degrees."""

    yaw: float = 0.0
    pitch: float = 20.0
    distance: float = 3.2
    fov: float = 35.0
    ortho: bool = False


def render_frame(
    sim: Simulation,
    view: str = "globe",
    layer: str = "elevation",
    size: tuple[int, int] = (640, 360),
    camera: Camera | None = None,
    label: bool = True,
) -> np.ndarray:
    """One picture of the planet as uint8 (height, width, 3), top row first.
    (First version: the elevation map for every view; the views issue fills this in.)"""
    return render_map(sim, size)


__all__ = ["Camera", "render_frame", "render_map"]
