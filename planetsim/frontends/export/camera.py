"""How the camera moves through a render (spin, day, fixed) and the picture drawn from it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ...core.errors import PlanetsimError

if TYPE_CHECKING:
    from ...core.simulation import Simulation

SPIN_DEG_PER_S = 18.0  # one turn of the globe in 20 s of video
SPIN_LIGHT_DEG = 40.0  # a spinning camera's light: this far east of where it looks


@dataclass(frozen=True)
class CameraPath:
    """How the camera moves through a render:

    spin[:DEG_PER_S]   circles the globe (default 18 deg per second of video). Where the
                       story's days are frozen (a frame spans years), the picture is lit from
                       beside the camera, so the turning globe stays in daylight; where days
                       turn, the real sun lights it and night sides show their lights.
    day[:OFFSET]       stays over the sunlit side (OFFSET deg west of the subsolar point,
                       default 30): where days turn, the planet turns under it.
    fixed[:YAW[,PITCH]] never moves (yaw = the longitude looked at, pitch = latitude)."""

    mode: str = "spin"
    yaw: float = 0.0
    pitch: float = 20.0
    deg_per_s: float = SPIN_DEG_PER_S
    offset: float = 30.0

    @classmethod
    def parse(cls, text: str) -> CameraPath:
        mode, _, rest = text.partition(":")
        nums: list[float] | None
        try:
            nums = [float(v) for v in rest.split(",")] if rest else []
        except ValueError:
            nums = None
        if nums is not None and all(math.isfinite(v) for v in nums):
            if mode == "spin" and len(nums) <= 1:
                return cls("spin", deg_per_s=nums[0] if nums else SPIN_DEG_PER_S)
            if mode == "day" and len(nums) <= 1:
                return cls("day", offset=nums[0] if nums else 30.0)
            if mode == "fixed" and len(nums) <= 2:
                yaw = nums[0] if nums else 0.0
                pitch = nums[1] if len(nums) > 1 else 20.0
                return cls("fixed", yaw=yaw, pitch=pitch)
        raise PlanetsimError(
            f"bad camera '{text}' (use spin, spin:DEG_PER_S, day, day:OFFSET, fixed, "
            "fixed:YAW or fixed:YAW,PITCH)"
        )

    def at(self, seconds: float, sim: Simulation | None = None) -> Any:
        from ...render import Camera, sun_longitude

        if self.mode == "spin":
            return Camera(yaw=(self.yaw + self.deg_per_s * seconds) % 360.0, pitch=self.pitch)
        if self.mode == "day" and sim is not None:
            return Camera(yaw=(sun_longitude(sim) - self.offset) % 360.0, pitch=self.pitch)
        return Camera(yaw=self.yaw, pitch=self.pitch)

    def display_sun(self, sim: Simulation, camera: Any) -> tuple[float, float, float] | None:
        """The sun direction to draw with, or None for the story's own. Only a spinning
        camera in an epoch whose frames span many days changes it: the time of day is
        arbitrary there, so the light comes from beside the camera (the season is kept)."""
        e = sim.epoch
        if self.mode != "spin" or e.frames_per_day or abs(e.years_per_frame) < 1.0:
            return None
        x, y, z = sim.values["sun_dir"]
        decl = math.asin(max(-1.0, min(1.0, z)))
        lon = math.radians(camera.yaw + SPIN_LIGHT_DEG)
        return (math.cos(decl) * math.cos(lon), math.cos(decl) * math.sin(lon), math.sin(decl))


def render_picture(
    sim: Simulation,
    cam: CameraPath,
    view: str,
    layer: str,
    size: tuple[int, int],
    seconds: float,
    label: bool,
) -> np.ndarray:
    from ... import render

    camera = cam.at(seconds, sim)
    sun = cam.display_sun(sim, camera) if view == "globe" else None
    saved = sim.values["sun_dir"]
    if sun is not None:
        sim.values["sun_dir"] = sun  # for this picture only: the story's sun comes back below
    try:
        # Video time drives the camera and the wind streaks' animation.
        return render.render_frame(sim, view, layer, size, camera, label, time=seconds)
    finally:
        sim.values["sun_dir"] = saved
