"""The window's event loop: one Viewer over one Simulation on the window's own context, so
the fields never leave the GPU between sim steps. `frame()` draws one window frame (it runs
the steps the Pacer allows, draws the picture, the HUD and the help); `run()` loops."""

from __future__ import annotations

import argparse
import random
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from ...core.errors import ContextError, PlanetsimError
from ...core.shaders import uniform
from .controls import Controls
from .hud import Overlay, fit_rect, help_lines, speed_text, text_image
from .options import (
    DEFAULT_FPS,
    MAP_ASPECT,
    SPEED_MAX,
    SPEED_MIN,
    ViewerOptions,
    check_display,
    check_options,
    no_display,
    options_from_args,
)
from .pacing import Pacer, Resolution, advance
from .shots import RESCUE_STEM, next_free_path

if TYPE_CHECKING:
    import moderngl

    from ...core.simulation import Simulation
    from ...render import Camera


def run(args: argparse.Namespace) -> int:
    """`planetsim view`: open the window and play until it is closed (or --max-frames)."""
    opts = options_from_args(args)
    check_options(opts)
    check_display()
    with Viewer(opts) as viewer:
        try:
            viewer.run()
        except (PlanetsimError, KeyboardInterrupt):
            raise
        except Exception as exc:  # a GL failure mid-story: one line, the story kept
            raise viewer.failure(exc) from None
        print(viewer.summary())
    return 0


class WindowError(PlanetsimError):
    """The window failed while it played (a GL error, say): an internal failure, exit 1."""

    exit_code = 1


class Viewer(Controls):
    """One window over one Simulation. `frame()` draws one window frame; `run()` loops."""

    def __init__(self, opts: ViewerOptions):
        import glfw

        from ... import render
        from ...core.context import create_context
        from ...core.shaders import assemble, compile_program
        from ...core.simulation import Simulation
        from ..files import layers

        check_display()
        self.opts = opts
        self._glfw = glfw
        self._old_reporting = glfw.ERROR_REPORTING
        glfw.ERROR_REPORTING = "ignore"  # failures are checked and said in one line below
        if not glfw.init():
            glfw.ERROR_REPORTING = self._old_reporting
            raise no_display(self._glfw_error("GLFW cannot start"))
        self.window: Any = None
        self.sim: Simulation | None = None
        try:
            self._open_window()
            self.ctx = create_context("window")
            from ...core.limits import GridTooLarge, check_picture

            check_picture(self.ctx, (opts.width, opts.height), "--width/--height window")
            if opts.resume is not None:
                from ...core.checkpoint import load_checkpoint

                self.sim = load_checkpoint(opts.resume, ctx=self.ctx)
            else:
                try:
                    self.sim = Simulation(opts.preset, opts.size, opts.seed, ctx=self.ctx)
                except GridTooLarge as exc:
                    if opts.size is None:
                        raise
                    raise exc.named(f"--size {opts.size[0]}x{opts.size[1]}") from None
            self._blit = compile_program(self.ctx, assemble("ui/blit.frag"), "ui/blit")
            uniform(self._blit, "u_image").value = 0
            self._vao: moderngl.VertexArray | None = self.ctx.vertex_array(self._blit, [])
        except BaseException:
            self.close()
            raise
        self._render = render
        self.layers = tuple(layers())
        self.layer = opts.layer or self.layers[0]
        self.view = opts.view
        self.camera: Camera = self.home_camera()
        self.speed = min(max(opts.speed, SPEED_MIN), SPEED_MAX)
        self.paused = False
        self.show_help = False
        self.substep = self.sim.substep  # a checkpoint may stop part-way through a frame
        self.frames = 0  # window frames drawn
        self.steps_last = 0
        self._rng = random.Random()
        refresh = self._refresh_rate()
        fps = refresh if opts.fps is None else opts.fps
        self.target_fps = fps if fps > 0 else 0.0
        self.pacer = Pacer(1.0 / (self.target_fps or refresh), adaptive=opts.pace == "adaptive")
        self.resolution = Resolution(opts.render_scale)
        self._picture_scale = 0.0  # the scale the picture on screen was drawn at
        self._picture_rect = (0, 0)  # and the on-screen size it was drawn for
        self._rendered = False  # this frame drew the picture at the live scale
        self._rendered_at = 0.0
        self._shots = sorted(opts.screenshots, key=lambda s: s[0])
        # The picture: a texture the views own (planetsim.render.render_texture), drawn on
        # the GPU and shown without a readback; valid until they draw again at that size.
        self._picture: moderngl.Texture | None = None
        self._hud = Overlay(self.ctx)
        self._help = Overlay(self.ctx)
        self._dirty = True  # the picture must be drawn again
        self._hud_text: list[str] = []
        self._hud_at = 0.0
        self._hud_stale = True  # a control changed what the HUD says: redraw it now
        self._message = ""
        self._message_until = 0.0
        self._ended = False
        self._drag: tuple[float, float] | None = None
        self._windowed = (0, 0, opts.width, opts.height)
        # fps and steps per frame over the last half second, for the HUD and the title
        self._stat_t0 = time.perf_counter()
        self._stat_frames = 0
        self._stat_steps = 0
        self.fps = 0.0
        self.steps_per_frame = 0.0
        self._t_start = self._stat_t0
        self._steps_total = 0

    # ---- setup and teardown --------------------------------------------------------------------
    def _glfw_error(self, default: str) -> str:
        code, desc = self._glfw.get_error()
        if not code:
            return default
        return desc.decode(errors="replace") if isinstance(desc, bytes) else str(desc)

    def _open_window(self) -> None:
        glfw, o = self._glfw, self.opts
        glfw.default_window_hints()
        glfw.window_hint(glfw.CONTEXT_VERSION_MAJOR, 3)
        glfw.window_hint(glfw.CONTEXT_VERSION_MINOR, 3)
        glfw.window_hint(glfw.OPENGL_PROFILE, glfw.OPENGL_CORE_PROFILE)
        glfw.window_hint(glfw.OPENGL_FORWARD_COMPAT, True)  # macOS wants it for a core context
        monitor = glfw.get_primary_monitor() if o.fullscreen else None
        w, h = o.width, o.height
        if monitor:
            mode = glfw.get_video_mode(monitor)
            w, h = mode.size.width, mode.size.height
        self.window = glfw.create_window(w, h, o.title, monitor, None)
        if not self.window:
            raise ContextError(
                "cannot open an OpenGL 3.3 core window ("
                + self._glfw_error("no reason given")
                + "); `planetsim render` works without one"
            )
        glfw.make_context_current(self.window)
        glfw.swap_interval(1 if o.vsync else 0)
        glfw.set_key_callback(self.window, self.on_key)
        glfw.set_mouse_button_callback(self.window, self.on_mouse_button)
        glfw.set_cursor_pos_callback(self.window, self.on_cursor_pos)
        glfw.set_scroll_callback(self.window, self.on_scroll)
        glfw.set_framebuffer_size_callback(self.window, self.on_resize)
        glfw.set_window_refresh_callback(self.window, self.on_refresh)

    def _refresh_rate(self) -> float:
        glfw = self._glfw
        monitor = glfw.get_window_monitor(self.window) or glfw.get_primary_monitor()
        mode = glfw.get_video_mode(monitor) if monitor else None
        rate = float(mode.refresh_rate) if mode else 0.0
        return rate if rate > 0 else DEFAULT_FPS  # virtual displays say 0

    def close(self) -> None:
        glfw = self._glfw
        if self.sim is not None:
            for q in (getattr(self, n, None) for n in ("_hud", "_help")):
                if q is not None:
                    q.release()
            self._picture = None  # the views' texture: released with the simulation
            vao = getattr(self, "_vao", None)
            if vao is not None:
                vao.release()
                self._blit.release()
                self._vao = None
            self.sim.close()
            self.sim = None
        if self.window:
            glfw.destroy_window(self.window)
            self.window = None
        glfw.terminate()
        glfw.ERROR_REPORTING = self._old_reporting

    def __enter__(self) -> Viewer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- the loop ------------------------------------------------------------------------------
    def run(self) -> None:
        while self.frame():
            pass

    @property
    def want(self) -> float:
        """Sim steps per window frame that the epoch asks for at this speed."""
        assert self.sim is not None
        return self.speed * self.sim.epoch.steps_per_frame

    def frame(self) -> bool:
        """Draw one window frame; False once the window should close (or max_frames)."""
        glfw, sim = self._glfw, self.sim
        assert sim is not None
        if self.opts.max_frames is not None and self.frames >= self.opts.max_frames:
            return False
        t0 = time.perf_counter()
        glfw.poll_events()
        if glfw.window_should_close(self.window):
            return False
        steps = 0 if self.paused else self.pacer.plan(self.want)
        if steps:
            self.substep = advance(sim, steps, self.substep)
            self._dirty = True
        self._check_end()
        self._draw()
        t_work = time.perf_counter()
        glfw.swap_buffers(self.window)
        t1 = time.perf_counter()
        if self.frames >= 2:  # the first frames compile shaders: no guide to the budget
            self.pacer.record(t1 - t0, steps, t_work - t0)
            if self._rendered:
                at_min = steps == 0 or self.pacer.budget <= 1.0 or not self.pacer.adaptive
                self.resolution.record(t1 - t0, self.pacer.target_s, at_min)
        self.frames += 1
        self.steps_last = steps
        self._count(t1, steps)
        while self._shots and self._shots[0][0] <= self.frames:
            from ..files import save_png

            _, path = self._shots.pop(0)
            save_png(path, self.picture(), self.provenance())
        if self.target_fps:  # no vsync (or a virtual display): do not spin past the target
            rest = 1.0 / self.target_fps - (time.perf_counter() - t0)
            if rest > 0.0005:
                time.sleep(rest)
        return True

    def _count(self, now: float, steps: int) -> None:
        self._stat_frames += 1
        self._stat_steps += steps
        self._steps_total += steps
        dt = now - self._stat_t0
        if dt >= 0.5:
            self.fps = self._stat_frames / dt
            self.steps_per_frame = self._stat_steps / self._stat_frames
            self._stat_t0, self._stat_frames, self._stat_steps = now, 0, 0

    def _check_end(self) -> None:
        sim = self.sim
        assert sim is not None
        if not self._ended and sim.frame >= sim.timeline.total_frames:
            self._ended = True
            if self.opts.pause_at_end:
                self.paused = True
                self.say("the end of the story: Space plays on, R starts again")

    def provenance(self) -> dict[str, Any]:
        """What a screenshot carries in its PNG text chunks: enough to make it again."""
        from ...core.outfiles import provenance, provenance_line

        c, sim = self.camera, self.sim
        assert sim is not None
        return {
            **provenance(sim),
            "view": self.view,
            "layer": self.layer,
            "camera": {"yaw": c.yaw, "pitch": c.pitch, "distance": c.distance, "fov": c.fov},
            "comment": provenance_line(sim),
        }

    def failure(self, exc: BaseException) -> WindowError:
        """The one line for a failure while the window played. The story so far is saved
        first, as a checkpoint beside the screenshots (which stay as they are)."""
        what = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        where = "the window failed"
        sim = self.sim
        if sim is None:
            return WindowError(f"{where} ({what.rstrip(': ')})")
        where += f" at story frame {sim.frame} ({sim.year_label})"
        try:
            from ...core.checkpoint import save_checkpoint

            path = next_free_path(self.opts.screenshot_dir, RESCUE_STEM, ".ckpt")
            save_checkpoint(sim, path)
        except Exception as again:  # the context itself may be gone
            return WindowError(
                f"{where} ({what.rstrip(': ')}); the story could not be saved "
                f"({type(again).__name__})"
            )
        return WindowError(
            f"{where} ({what.rstrip(': ')}); the story so far is saved in {path}: "
            f"planetsim view --resume {path}"
        )

    def summary(self) -> str:
        sim = self.sim
        assert sim is not None
        dt = max(time.perf_counter() - self._t_start, 1e-9)
        return (
            f"viewed {self.frames} frames in {dt:.1f} s ({self.frames / dt:.1f} fps, "
            f"{self._steps_total / max(self.frames, 1):.2f} sim steps/frame); "
            f"story frame {sim.frame}, {sim.year_label}, seed {sim.seed}"
        )

    # ---- drawing -------------------------------------------------------------------------------
    def picture_rect(self) -> tuple[int, int, int, int]:
        """Where the picture goes in the window framebuffer: the map keeps its 2:1 aspect
        (bars around it); the globe view fills the window (its camera handles the aspect)."""
        fb = self._glfw.get_framebuffer_size(self.window)
        return fit_rect(fb, MAP_ASPECT if self.view == "map" else None)

    def picture(self, label: bool = True, size: tuple[int, int] | None = None) -> np.ndarray:
        """The current view as uint8 (h, w, 3) at the on-screen size (what S saves)."""
        if size is None:
            _, _, w, h = self.picture_rect()
            size = (max(w, 1), max(h, 1))
        # It draws into the views' texture of that size, maybe the one on screen: draw again.
        self._dirty = True
        return self._render.render_frame(self.sim, self.view, self.layer, size, self.camera, label)

    def _draw(self) -> None:
        ctx = self.ctx
        fw, fh = self._glfw.get_framebuffer_size(self.window)
        if fw <= 0 or fh <= 0:  # minimised
            return
        x, y, w, h = self.picture_rect()
        now = time.perf_counter()
        self._rendered = False
        s = None
        if self._dirty or self._picture is None or (w, h) != self._picture_rect:
            s = self.resolution.scale
            self._rendered = True
        elif self._picture_scale < self.resolution.high and now - self._rendered_at > 0.4:
            s = self.resolution.high  # nothing moves (paused, no drag): draw the still sharp
        if s is not None:
            self._update_picture((max(1, round(w * s)), max(1, round(h * s))))
            self._dirty = False
            self._picture_rect, self._picture_scale, self._rendered_at = (w, h), s, now
        ctx.screen.viewport = (0, 0, fw, fh)
        ctx.screen.use()
        ctx.disable(ctx.BLEND | ctx.DEPTH_TEST)
        ctx.clear(0.0, 0.0, 0.0, 1.0)
        if self._picture is not None:
            self._blit_texture(self._picture, False, (x, y, w, h))  # GL rows: no flip
        ctx.enable(ctx.BLEND)
        ctx.blend_func = ctx.SRC_ALPHA, ctx.ONE_MINUS_SRC_ALPHA
        scale = self._content_scale()
        px = min(13.0, max(8.0, fh / scale / 28.0)) * scale  # a small window: a small HUD
        if self._hud_stale or now - self._hud_at > 0.25:  # the year ticks every frame
            self._hud_stale, self._hud_at = False, now
            hud = self._hud_lines()
            if hud != self._hud_text:
                self._hud_text = hud
                self._hud.upload(text_image(hud, round(px)))
                self._glfw.set_window_title(self.window, self._title())
        if self._hud.tex is not None:
            hw, hh = self._hud.tex.size
            self._overlay(self._hud, (0, fh - hh, hw, hh))
        if self.show_help:
            if self._help.tex is None:
                self._help.upload(text_image(help_lines(), round(px * 15 / 13), alpha=200))
            assert self._help.tex is not None
            pw, ph = self._help.tex.size
            self._overlay(self._help, ((fw - pw) // 2, (fh - ph) // 2, pw, ph))
        ctx.disable(ctx.BLEND)

    def _update_picture(self, size: tuple[int, int]) -> None:
        # The label (year, legend) is the HUD's job in the window; screenshots carry it.
        self._picture = self._render.render_texture(
            self.sim, self.view, self.layer, size, self.camera, False
        )

    def _overlay(self, q: Overlay, rect: tuple[int, int, int, int]) -> None:
        if q.tex is not None:
            self._blit_texture(q.tex, True, rect)  # numpy rows: top first

    def _blit_texture(
        self, tex: moderngl.Texture, flip: bool, rect: tuple[int, int, int, int]
    ) -> None:
        self.ctx.viewport = rect
        tex.use(location=0)
        uniform(self._blit, "u_flip").value = flip
        if self._vao is not None:
            self._vao.render(vertices=3)

    def _content_scale(self) -> float:
        fw, _ = self._glfw.get_framebuffer_size(self.window)
        ww, _ = self._glfw.get_window_size(self.window)
        return max(1.0, fw / ww) if ww else 1.0

    def _hud_lines(self) -> list[str]:
        sim = self.sim
        assert sim is not None
        m = sim.moment
        n_ep = len(sim.timeline.epochs)
        state = "paused" if self.paused else f"speed x{speed_text(self.speed)}"
        lines = [
            f"{sim.year_label}",
            f"epoch {m.epoch.name} ({m.epoch_index + 1}/{n_ep})  "
            f"frame {sim.frame}/{sim.timeline.total_frames}",
            f"{self.fps:.0f} fps  {self.steps_per_frame:.1f} steps/frame "
            f"(asks {self.want:g})  {state}",
            f"{self.view} / {self.layer}  seed {sim.seed}  H: help",
        ]
        if self._message and time.perf_counter() < self._message_until:
            lines.append(self._message)
        return lines

    def _title(self) -> str:
        sim = self.sim
        assert sim is not None
        return (
            f"{self.opts.title} - {sim.year_label} - {sim.epoch.name} - {self.fps:.0f} fps - "
            f"{self.steps_per_frame:.1f} steps/frame"
        )

    def say(self, text: str, seconds: float = 3.0, echo: bool = True) -> None:
        """A short message under the HUD (screenshot saved, new seed...), also printed."""
        self._message, self._message_until = text, time.perf_counter() + seconds
        self._hud_stale = True
        if echo:
            print(text, flush=True)
