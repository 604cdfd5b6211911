"""The window: `planetsim view` plays the story live in a GLFW window (OpenGL 3.3 core).

The Simulation runs on the window's own context, so the fields never leave the GPU between
sim steps. Each window frame runs as many sim steps as the epoch asks for at the chosen
speed, but no more than fit the frame budget (a 60 fps target by default): the `Pacer`
measures each frame's time and adapts. Pictures come from planetsim.render.

    planetsim view --preset quick --size 512x256
    planetsim view --max-frames 120 --screenshot-at 120:shot.png     # scripted, e.g. under Xvfb
"""

from .app import Viewer, WindowError, run
from .controls import Controls
from .hud import fit_rect, help_lines, text_image
from .options import CONTROLS, ViewerOptions, add_arguments, check_display, check_options
from .pacing import Pacer, Resolution, advance
from .shots import next_free_path, save_png_new

__all__ = [
    "CONTROLS",
    "Controls",
    "Pacer",
    "Resolution",
    "Viewer",
    "ViewerOptions",
    "WindowError",
    "add_arguments",
    "advance",
    "check_display",
    "check_options",
    "fit_rect",
    "help_lines",
    "next_free_path",
    "run",
    "save_png_new",
    "text_image",
]
