"""Views: shaders in shaders/render/ that read fields and never change them, drawn into an
RGBA8 target of any size and read back as a numpy RGB array (row 0 at the top, as images).

    from planetsim.render import Camera, render_frame
    img = render_frame(sim, "globe", "elevation", (1280, 720), Camera(yaw=30, pitch=15))
    img = render_frame(sim, "map", "temperature", (1024, 512))
"""

from __future__ import annotations

from .camera import Camera, day_camera, sun_longitude
from .decls import GLOBE_VIEW, MAP_VIEW, OVERLAYS, RENDER_PASSES, VIEWS
from .layers import BIOMES, LAYERS, Layer, format_value, legend_labels, legend_range
from .views import render_frame, render_into, render_map, render_texture

__all__ = [
    "BIOMES",
    "GLOBE_VIEW",
    "LAYERS",
    "MAP_VIEW",
    "OVERLAYS",
    "RENDER_PASSES",
    "VIEWS",
    "Camera",
    "Layer",
    "format_value",
    "legend_labels",
    "legend_range",
    "render_frame",
    "render_into",
    "render_map",
    "render_texture",
    "sun_longitude",
    "day_camera",
]
