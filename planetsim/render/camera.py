"""Where the globe is seen from: a Camera (pyglm matrices), and where the sun is."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

try:
    from pyglm import glm
except ImportError:  # pragma: no cover - PyGLM before 2.8
    import glm  # type: ignore[no-redef]

if TYPE_CHECKING:
    from ..core.simulation import Simulation


@dataclass
class Camera:
    """Where the globe is seen from: yaw/pitch in degrees (yaw 0 looks at longitude 0 from
    above it, pitch 20 from 20 deg north), distance in planet radii from the centre, vertical
    field of view in degrees (ortho: the view spans what that angle spans at the centre)."""

    yaw: float = 0.0
    pitch: float = 20.0
    distance: float = 3.2
    fov: float = 40.0  # the whole planet fits a 16:9 frame at the default distance
    ortho: bool = False

    def eye(self) -> glm.vec3:
        y, p = math.radians(self.yaw), math.radians(max(min(self.pitch, 89.9), -89.9))
        d = max(self.distance, 1.01)
        return glm.vec3(
            d * math.cos(p) * math.cos(y), d * math.cos(p) * math.sin(y), d * math.sin(p)
        )

    def matrices(self, aspect: float) -> tuple[glm.mat4, glm.mat4]:
        """(view, projection) as pyglm matrices; the planet is the unit sphere, z north."""
        eye = self.eye()
        d = float(glm.length(eye))
        view = glm.lookAt(eye, glm.vec3(0.0), glm.vec3(0.0, 0.0, 1.0))
        near, far = max(d - 1.5, 1e-3), d + 1.5
        if self.ortho:
            hh = d * math.tan(math.radians(self.fov) / 2)
            proj = glm.ortho(-hh * aspect, hh * aspect, -hh, hh, d - 1.5, far)
        else:
            proj = glm.perspective(math.radians(self.fov), aspect, near, far)
        return view, proj

    def inverse_view_projection(self, aspect: float) -> list[tuple[float, ...]]:
        view, proj = self.matrices(aspect)
        inv = glm.inverse(proj * view)
        return [tuple(float(x) for x in inv[i]) for i in range(4)]


def sun_longitude(sim: Simulation) -> float:
    """Longitude (deg) of the subsolar point now: aim a camera's yaw at it to see the day side."""
    s = sim.values.get("sun_dir", (1.0, 0.0, 0.0))
    return math.degrees(math.atan2(s[1], s[0]))


def day_camera(sim: Simulation, offset_deg: float = 30.0) -> Camera:
    """The default camera of a picture: over the sunlit side, offset_deg west of the
    subsolar point (the terminator's relief shading in view, the night side out of it)."""
    return Camera(yaw=(sun_longitude(sim) - offset_deg) % 360.0)
