"""The window's controls: keys, mouse and the actions they trigger (CONTROLS lists them).
A mixin of Viewer: the methods act on the viewer's state."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .options import SPEED_MAX, SPEED_MIN
from .pacing import advance
from .shots import save_png_new

if TYPE_CHECKING:
    import random

    import numpy as np

    from ...core.simulation import Simulation
    from ...render import Camera
    from .hud import Overlay
    from .options import ViewerOptions
    from .pacing import Pacer


class Controls:
    """Key, mouse and window callbacks (GLFW's signatures) and the actions behind them. The
    state they act on is the Viewer's (declared here for the type checker)."""

    _glfw: Any
    window: Any
    sim: Simulation | None
    opts: ViewerOptions
    camera: Camera
    layers: tuple[str, ...]
    layer: str
    view: str
    speed: float
    paused: bool
    show_help: bool
    substep: int
    pacer: Pacer
    _render: Any
    _dirty: bool
    _hud_stale: bool
    _hud_text: list[str]
    _help: Overlay
    _drag: tuple[float, float] | None
    _windowed: tuple[int, int, int, int]
    _rng: random.Random
    _ended: bool
    frames: int

    def say(self, text: str, seconds: float = 3.0, echo: bool = True) -> None:
        raise NotImplementedError

    def picture(self, label: bool = True, size: tuple[int, int] | None = None) -> np.ndarray:
        raise NotImplementedError

    def provenance(self) -> dict[str, Any]:
        raise NotImplementedError

    def _draw(self) -> None:
        raise NotImplementedError

    def on_key(self, window: Any, key: int, scancode: int, action: int, mods: int) -> None:
        glfw = self._glfw
        if action not in (glfw.PRESS, glfw.REPEAT):
            return
        self._hud_stale = True
        repeatable = action == glfw.REPEAT
        if key in (glfw.KEY_RIGHT, glfw.KEY_EQUAL, glfw.KEY_KP_ADD):
            self.set_speed(self.speed * 2.0)
        elif key in (glfw.KEY_LEFT, glfw.KEY_MINUS, glfw.KEY_KP_SUBTRACT):
            self.set_speed(self.speed / 2.0)
        elif key in (glfw.KEY_PERIOD, glfw.KEY_KP_DECIMAL):
            self.step_one_frame()
        elif repeatable:
            return
        elif key in (glfw.KEY_ESCAPE, glfw.KEY_Q):
            glfw.set_window_should_close(self.window, True)
        elif key in (glfw.KEY_H, glfw.KEY_F1):
            self.show_help = not self.show_help
        elif key == glfw.KEY_SPACE:
            self.paused = not self.paused
        elif key == glfw.KEY_M:
            self.set_view("map" if self.view == "globe" else "globe")
        elif key == glfw.KEY_TAB:
            back = bool(mods & glfw.MOD_SHIFT)
            i = self.layers.index(self.layer)
            self.set_layer(self.layers[(i + (-1 if back else 1)) % len(self.layers)])
        elif glfw.KEY_0 <= key <= glfw.KEY_9 or glfw.KEY_KP_0 <= key <= glfw.KEY_KP_9:
            digit = key - (glfw.KEY_0 if key <= glfw.KEY_9 else glfw.KEY_KP_0)
            i = 9 if digit == 0 else digit - 1
            if i < len(self.layers):
                self.set_layer(self.layers[i])
        elif key == glfw.KEY_R:
            self.restart()
        elif key == glfw.KEY_S:
            self.screenshot()
        elif key == glfw.KEY_C:
            self.camera = self.home_camera()
            self._dirty = True
        elif key in (glfw.KEY_F, glfw.KEY_F11):
            self.toggle_fullscreen()

    def home_camera(self) -> Camera:
        """The default camera, turned to the day side."""
        cam = self._render.Camera()
        cam.yaw = self._render.sun_longitude(self.sim)
        return cam

    def on_mouse_button(self, window: Any, button: int, action: int, mods: int) -> None:
        glfw = self._glfw
        if button != glfw.MOUSE_BUTTON_LEFT:
            return
        if action == glfw.PRESS:
            self._drag = glfw.get_cursor_pos(self.window)
        elif action == glfw.RELEASE:
            self._drag = None

    def on_cursor_pos(self, window: Any, x: float, y: float) -> None:
        if self._drag is None:
            return
        dx, dy = x - self._drag[0], y - self._drag[1]
        self._drag = (x, y)
        self.rotate(dx, dy)

    def on_scroll(self, window: Any, dx: float, dy: float) -> None:
        self.zoom(dy)

    def on_resize(self, window: Any, width: int, height: int) -> None:
        self._dirty = True
        self._help.release()  # rebuilt at the new content scale
        self._hud_text = []
        self._hud_stale = True

    def on_refresh(self, window: Any) -> None:
        # Some platforms block the loop while a window is being resized: draw from here.
        if self.sim is not None and self.frames:
            self._draw()
            self._glfw.swap_buffers(self.window)

    def rotate(self, dx: float, dy: float) -> None:
        """Drag by (dx, dy) window pixels: the surface under the cursor follows it, about."""
        _, wh = self._glfw.get_window_size(self.window)
        c = self.camera
        # The globe spans about 2 / (distance * tan(fov/2)) of the window height in radii.
        radii_per_px = 2.0 * (c.distance - 1.0) * math.tan(math.radians(c.fov) / 2.0)
        deg_per_px = math.degrees(radii_per_px / max(wh, 1))
        deg_per_px = min(max(deg_per_px, 0.02), 1.0)
        c.yaw = (c.yaw - dx * deg_per_px + 180.0) % 360.0 - 180.0
        c.pitch = min(max(c.pitch + dy * deg_per_px, -89.0), 89.0)
        self._dirty = True

    def zoom(self, clicks: float) -> None:
        c = self.camera
        # Zoom toward the surface: the height above it shrinks by 15% a click.
        c.distance = 1.0 + min(max((c.distance - 1.0) * 0.85**clicks, 0.05), 20.0)
        self._dirty = True

    def set_speed(self, speed: float) -> None:
        self.speed = min(max(speed, SPEED_MIN), SPEED_MAX)
        self.pacer.reset()

    def set_view(self, view: str) -> None:
        self.view = view
        self._dirty = True

    def set_layer(self, layer: str) -> None:
        self.layer = layer
        self._dirty = True

    def step_one_frame(self) -> None:
        """Pause, then finish the current story frame (or run one whole frame)."""
        sim = self.sim
        assert sim is not None
        self.paused = True
        self.substep = advance(sim, sim.epoch.steps_per_frame - self.substep, self.substep)
        self._dirty = True

    def restart(self, seed: int | None = None) -> None:
        sim = self.sim
        assert sim is not None
        if seed is None:
            seed = self._rng.randrange(2**31)
            while seed == sim.seed:
                seed = self._rng.randrange(2**31)
        sim.reset(seed)
        self.substep = 0
        self.pacer.reset()
        self.paused = False
        self._ended = False
        self._dirty = True
        self.say(f"new planet, seed {seed}")

    def screenshot(self) -> Path:
        path = save_png_new(self.picture(), self.opts.screenshot_dir, self.provenance())
        print(f"saved {path}", flush=True)
        self.say(f"saved {path.name}", echo=False)
        return path

    def toggle_fullscreen(self) -> None:
        glfw = self._glfw
        if glfw.get_window_monitor(self.window):
            x, y, w, h = self._windowed
            glfw.set_window_monitor(self.window, None, x, y, w, h, 0)
        else:
            monitor = glfw.get_primary_monitor()
            if not monitor:
                return
            x, y = glfw.get_window_pos(self.window)
            self._windowed = (x, y, *glfw.get_window_size(self.window))
            mode = glfw.get_video_mode(monitor)
            glfw.set_window_monitor(
                self.window, monitor, 0, 0, mode.size.width, mode.size.height, mode.refresh_rate
            )
        self._dirty = True
