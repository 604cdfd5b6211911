"""Timelapses: run the story headless and write what the views draw to an .mp4 (H.264 through
imageio-ffmpeg), a .gif, a folder of numbered PNGs or one .png (the last picture).

    from planetsim.frontends.export import render_video
    with planetsim.Simulation("quick") as sim:
        render_video(sim, "quick.mp4", stop=240, size=(640, 360))

The story loop is in .story, the writers in .writers, camera paths in .camera. Every output
says which run made it (mp4 title/comment metadata, PNG text chunks, GIF comment, a
render.json beside PNG frames).
"""

from __future__ import annotations

from ..files import layers, png_info, save_png, views
from .camera import CameraPath, render_picture
from .story import RenderResult, RenderSettings, default_size, output_kind, render_video
from .writers import X264_PRESETS, EncoderError, make_writer

__all__ = [
    "X264_PRESETS",
    "CameraPath",
    "EncoderError",
    "RenderResult",
    "RenderSettings",
    "default_size",
    "layers",
    "make_writer",
    "output_kind",
    "png_info",
    "render_picture",
    "render_video",
    "save_png",
    "views",
]
