"""The window: `planetsim view` plays the story live in a GLFW window (OpenGL 3.3 core).

The Simulation runs on the window's own context, so the fields never leave the GPU between
sim steps. Each window frame runs as many sim steps as the epoch asks for at the chosen
speed, but no more than fit the frame budget (a 60 fps target by default): the `Pacer`
measures each frame's time and adapts. Pictures come from planetsim.render.

    planetsim view --preset quick --size 512x256
    planetsim view --max-frames 120 --screenshot-at 120:shot.png     # scripted, e.g. under Xvfb
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ...core.errors import ContextError, PlanetsimError

if TYPE_CHECKING:
    import moderngl

    from ...core.simulation import Simulation
    from ...render import Camera

# What each key and mouse action does; the on-screen help (H) and the README show this table.
CONTROLS: tuple[tuple[str, str], ...] = (
    ("drag (left button)", "rotate the globe"),
    ("scroll", "zoom in / out"),
    ("M", "toggle map / globe"),
    ("1..9, 0 / Tab, Shift+Tab", "choose a layer / next, previous layer"),
    ("Space", "pause / resume"),
    ("Right or + / Left or -", "faster / slower (x2 each press)"),
    (".", "step one frame (pauses)"),
    ("R", "restart the story with a new seed"),
    ("S", "save a screenshot PNG (numbered, never overwrites)"),
    ("C", "reset the camera"),
    ("F or F11", "toggle fullscreen"),
    ("H or F1", "show / hide this help"),
    ("Esc or Q", "quit"),
)

MAP_ASPECT = 2.0  # the equirectangular map is twice as wide as high
SPEED_MIN, SPEED_MAX = 1.0 / 64.0, 256.0
DEFAULT_FPS = 60.0
SCREENSHOT_STEM = "planetsim"
RESCUE_STEM = "planetsim-rescue"  # the checkpoint the window saves when it fails
_NO_DISPLAY = (
    "no display to open a window on ({why}); use `planetsim render` to make pictures "
    "headless, or run under a virtual display (xvfb-run planetsim view)"
)


# ---- command line ------------------------------------------------------------------------------
def parse_screenshot_at(text: str) -> tuple[int, Path]:
    """'FRAME:PATH' -> (frame, path); FRAME counts window frames from 1."""
    frame, sep, path = text.partition(":")
    try:
        n = int(frame)
    except ValueError:
        n = 0
    if not sep or not path or n < 1:
        raise argparse.ArgumentTypeError(
            f"--screenshot-at wants FRAME:PATH with FRAME >= 1, e.g. 120:shot.png; got '{text}'"
        )
    return n, Path(path)


def _render_scale(text: str) -> float | None:
    from ..cli import _positive_float

    if text == "auto":
        return None
    v = _positive_float(text)
    if not 0.1 <= v <= 1.0:
        raise argparse.ArgumentTypeError(f"want auto or a number in 0.1..1, got '{text}'")
    return v


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `planetsim view` options (the CLI adds them to its `view` subcommand)."""
    from ..cli import _pixels, _positive_float, _positive_int, add_world_args
    from ..export import layers

    parser.formatter_class = argparse.RawDescriptionHelpFormatter  # keep the table's lines
    parser.description = "Play the story in a window: the globe or the map of any layer."
    width = max(len(k) for k, _ in CONTROLS)
    parser.epilog = "controls:\n" + "\n".join(f"  {k.ljust(width)}  {v}" for k, v in CONTROLS)
    add_world_args(parser)
    parser.add_argument("--width", type=_pixels, default=1280, help="window width, px")
    parser.add_argument("--height", type=_pixels, default=720, help="window height, px")
    parser.add_argument("--fullscreen", action="store_true", help="start fullscreen")
    parser.add_argument(
        "--resume",
        type=Path,
        default=None,
        metavar="CKPT",
        help="continue the story from a checkpoint (from `render --checkpoint-every`, or the "
        "one the window saves if it fails); its preset, grid and seed replace --preset, "
        "--size and --seed",
    )
    parser.add_argument("--view", default="globe", help="first view shown: globe or map")
    parser.add_argument("--layer", default=None, help=f"first layer shown: {', '.join(layers())}")
    parser.add_argument(
        "--speed",
        type=_positive_float,
        default=1.0,
        help="story frames per window frame (1: the preset's pace at 60 fps)",
    )
    parser.add_argument(
        "--max-frames", type=_positive_int, default=None, help="quit after N window frames"
    )
    parser.add_argument(
        "--screenshot-at",
        type=parse_screenshot_at,
        action="append",
        default=[],
        metavar="FRAME:PATH",
        help="save the picture after window frame FRAME to PATH (.png; repeatable)",
    )
    parser.add_argument(
        "--screenshot-dir", type=Path, default=Path("."), help="where the S key saves pictures"
    )
    parser.add_argument(
        "--force", action="store_true", help="let --screenshot-at overwrite existing files"
    )
    parser.add_argument(
        "--fps",
        type=float,
        default=None,
        help="target frame rate (default: the display's refresh, else 60; 0: no cap)",
    )
    parser.add_argument("--no-vsync", action="store_true", help="do not wait for the display")
    parser.add_argument(
        "--pace",
        choices=("adaptive", "fixed"),
        default="adaptive",
        help="adaptive: fewer steps per frame when frames run late; fixed: always what the "
        "epoch asks (reproducible runs)",
    )
    parser.add_argument(
        "--render-scale",
        type=_render_scale,
        default=None,
        metavar="auto|S",
        help="draw the picture at this fraction (0.1..1) of the window's size; auto (default): "
        "lower it while frames run late even at one sim step a frame (a CPU renderer)",
    )


@dataclass
class ViewerOptions:
    preset: Any = "quick"  # a name, a path or a Preset
    size: tuple[int, int] | None = None
    seed: int | None = None
    width: int = 1280
    height: int = 720
    fullscreen: bool = False
    view: str = "globe"
    layer: str | None = None
    speed: float = 1.0
    max_frames: int | None = None
    screenshots: list[tuple[int, Path]] = field(default_factory=list)
    screenshot_dir: Path = Path(".")
    force: bool = False
    fps: float | None = None  # None: the display's refresh rate; 0: no cap
    vsync: bool = True
    pace: str = "adaptive"
    render_scale: float | None = None  # None: adaptive (at most 1); a number: fixed
    pause_at_end: bool = True
    title: str = "planetsim"
    resume: Path | None = None  # a checkpoint to continue instead of starting the preset


def options_from_args(args: argparse.Namespace) -> ViewerOptions:
    return ViewerOptions(
        preset=args.preset,
        size=args.size,
        seed=args.seed,
        width=args.width,
        height=args.height,
        fullscreen=args.fullscreen,
        view=args.view,
        layer=args.layer,
        speed=args.speed,
        max_frames=args.max_frames,
        screenshots=list(args.screenshot_at),
        screenshot_dir=args.screenshot_dir,
        force=args.force,
        fps=args.fps,
        vsync=not args.no_vsync,
        pace=args.pace,
        render_scale=args.render_scale,
        resume=args.resume,
    )


def check_options(o: ViewerOptions) -> None:
    """Everything that can be wrong before a window opens, as one line."""
    from ...core.outfiles import check_output
    from ..export import layers, views

    if o.view not in views():
        raise PlanetsimError(f"unknown view '{o.view}' (views: {', '.join(views())})")
    if o.layer is not None and o.layer not in layers():
        raise PlanetsimError(f"unknown layer '{o.layer}' (layers: {', '.join(layers())})")
    if o.render_scale is not None and not 0.1 <= o.render_scale <= 1.0:
        raise PlanetsimError(f"--render-scale must be auto or in 0.1..1, got {o.render_scale}")
    if o.fps is not None and (o.fps < 0 or not math.isfinite(o.fps)):
        raise PlanetsimError(f"--fps must be >= 0, got {o.fps}")
    for frame, path in o.screenshots:
        if path.suffix.lower() != ".png":
            raise PlanetsimError(f"screenshot {path}: unsupported extension (supported: .png)")
        if o.max_frames is not None and frame > o.max_frames:
            raise PlanetsimError(
                f"--screenshot-at {frame}:{path} comes after --max-frames {o.max_frames}"
            )
        check_output(path, o.force)
    if not o.screenshot_dir.is_dir():
        raise PlanetsimError(f"--screenshot-dir {o.screenshot_dir} is not a folder")
    if o.resume is not None:
        from ...core.checkpoint import read_checkpoint

        read_checkpoint(o.resume)  # a missing or damaged checkpoint: one line, no window


def check_display() -> None:
    """Raise the one-line error when this process has no display to open a window on."""
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            raise PlanetsimError(_NO_DISPLAY.format(why="DISPLAY and WAYLAND_DISPLAY are unset"))


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


# ---- pacing ------------------------------------------------------------------------------------
class Pacer:
    """How many sim steps the next window frame runs.

    `want` steps per frame come from the epoch and the speed (fractions carry over to the next
    frame). In adaptive mode a budget caps them: a frame that came late (over 1.25 x the
    target period: a missed refresh) shrinks the budget in proportion; a capped frame whose
    work took under 80% of the period grows it by a few percent. The work time is measured
    up to the buffer swap, since with vsync the swap itself waits for the display and says
    nothing about headroom. The story slows down rather than the window, and debt is never
    carried over: a slow GPU plays the story slower, it does not stutter to catch up.
    """

    LATE = 1.25
    ROOM = 0.8

    def __init__(self, target_s: float, adaptive: bool = True, max_steps: int = 4096):
        self.target_s = target_s
        self.adaptive = adaptive
        self.max_steps = max_steps
        self.budget = 2.0
        self._carry = 0.0
        self._capped = False

    def reset(self) -> None:
        self._carry = 0.0
        self._capped = False

    def plan(self, want: float) -> int:
        self._carry += max(want, 0.0)
        n = int(self._carry)
        self._carry -= n
        self._capped = False
        if self.adaptive and n > self.budget:
            n = max(1, int(self.budget))
            self._capped = True
        return min(n, self.max_steps)

    def record(self, frame_s: float, steps: int, work_s: float | None = None) -> None:
        """Tell the pacer how a frame that ran `steps` steps went: `frame_s` from its start to
        after the swap, `work_s` to just before the swap (default: frame_s)."""
        if not self.adaptive or steps <= 0:
            return
        work_s = frame_s if work_s is None else work_s
        if frame_s > self.LATE * self.target_s:
            scale = max(0.5, 0.95 * self.target_s / frame_s)
            self.budget = max(1.0, min(self.budget, steps) * scale)
        elif self._capped and work_s < self.ROOM * self.target_s:
            self.budget = min(float(self.max_steps), self.budget * 1.05 + 0.25)


class Resolution:
    """The fraction of the window's size that the picture is drawn at (then stretched to the
    window). Adaptive: a late frame that drew the picture while the pacer was already at one
    sim step lowers it (the picture's cost goes with its pixels, the square of the scale); a
    frame with room to spare raises it one notch. Scales are sixteenths, so a window sees
    only a few picture sizes."""

    NOTCH = 1.0 / 16.0

    def __init__(self, scale: float | None, low: float = 0.25):
        self.adaptive = scale is None
        self.high = 1.0 if scale is None else scale
        self.low = min(low, self.high)
        self.scale = self.high

    def record(self, frame_s: float, target_s: float, at_min_steps: bool) -> None:
        if not self.adaptive:
            return
        if frame_s > Pacer.LATE * target_s and at_min_steps:
            want = self.scale * math.sqrt(0.9 * target_s / frame_s)
            self.scale = max(self.low, math.floor(want / self.NOTCH) * self.NOTCH)
        elif frame_s < 0.5 * target_s:
            self.scale = min(self.high, self.scale + self.NOTCH)


def advance(sim: Simulation, steps: int, substep: int) -> int:
    """Run `steps` sim steps of the story from `substep` steps into the current frame and
    return the new substep (Simulation.advance does the work; a window run that ends on a
    frame boundary is the same, bit for bit, as sim.step(frames))."""
    sim.substep = substep
    sim.advance(steps)
    return sim.substep


# ---- small helpers -----------------------------------------------------------------------------
def next_free_path(folder: Path, stem: str = SCREENSHOT_STEM, ext: str = ".png") -> Path:
    """folder/stem-0001.png, or the first number not taken yet."""
    taken = {p.name for p in folder.glob(f"{stem}-*{ext}")}
    n = 1
    while f"{stem}-{n:04d}{ext}" in taken:
        n += 1
    return folder / f"{stem}-{n:04d}{ext}"


def save_png_new(
    img: np.ndarray, folder: Path, meta: dict[str, Any], stem: str = SCREENSHOT_STEM
) -> Path:
    """Save under a fresh numbered name. The name is claimed by an exclusive create first, so
    a file that appeared meanwhile is never overwritten (the next number is tried)."""
    from ..export import save_png

    for _ in range(1000):
        path = next_free_path(folder, stem)
        try:
            open(path, "xb").close()
        except FileExistsError:
            continue
        try:
            save_png(path, img, meta)  # atomic replace of our own empty claim
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path
    raise PlanetsimError(f"cannot find a free screenshot name in {folder}")


def fit_rect(fb: tuple[int, int], aspect: float | None) -> tuple[int, int, int, int]:
    """(x, y, w, h): the largest centred rectangle of `aspect` (w/h) in a framebuffer; the
    whole framebuffer when aspect is None."""
    fw, fh = fb
    if aspect is None or fw <= 0 or fh <= 0:
        return 0, 0, fw, fh
    if fw / fh > aspect:
        w, h = max(1, round(fh * aspect)), fh
    else:
        w, h = fw, max(1, round(fw / aspect))
    return (fw - w) // 2, (fh - h) // 2, w, h


def text_image(
    lines: Sequence[str | tuple[str, str]], px: int = 14, alpha: int = 170
) -> np.ndarray:
    """White text on a translucent dark box, uint8 (h, w, 4), top row first. A line given as
    (key, text) is set in two aligned columns."""
    from PIL import Image, ImageDraw

    from ...render.text import font as load_font

    font = load_font(px)
    pad, lh = px // 2, int(px * 1.35)
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))

    def width(s: str) -> float:
        return probe.textlength(s, font=font)

    col = max((width(ln[0]) for ln in lines if isinstance(ln, tuple)), default=0) + 2 * px
    w = max((col + width(ln[1]) if isinstance(ln, tuple) else width(ln) for ln in lines), default=0)
    img = Image.new("RGBA", (int(w) + 2 * pad, lh * len(lines) + 2 * pad), (0, 0, 0, alpha))
    draw = ImageDraw.Draw(img)
    for i, ln in enumerate(lines):
        y = pad + i * lh
        if isinstance(ln, tuple):
            draw.text((pad, y), ln[0], fill=(255, 235, 160, 255), font=font)
            draw.text((pad + col, y), ln[1], fill=(255, 255, 255, 255), font=font)
        else:
            draw.text((pad, y), ln, fill=(255, 255, 255, 255), font=font)
    return np.asarray(img)


def help_lines() -> list[str | tuple[str, str]]:
    return ["Controls", *CONTROLS]


# ---- the window --------------------------------------------------------------------------------
class _Overlay:
    """A text picture (the HUD, the help) as a texture, drawn pixel for pixel."""

    def __init__(self, ctx: moderngl.Context):
        self.ctx = ctx
        self.tex: moderngl.Texture | None = None

    def upload(self, img: np.ndarray) -> None:
        h, w, c = img.shape
        if self.tex is None or self.tex.size != (w, h) or self.tex.components != c:
            if self.tex is not None:
                self.tex.release()
            self.tex = self.ctx.texture((w, h), c, alignment=1)
            self.tex.filter = (self.ctx.NEAREST, self.ctx.NEAREST)
        self.tex.write(np.ascontiguousarray(img).tobytes(), alignment=1)

    def release(self) -> None:
        if self.tex is not None:
            self.tex.release()
            self.tex = None


class Viewer:
    """One window over one Simulation. `frame()` draws one window frame; `run()` loops."""

    def __init__(self, opts: ViewerOptions):
        import glfw

        from ... import render
        from ...core.context import create_context
        from ...core.shaders import assemble, compile_program
        from ...core.simulation import Simulation
        from ..export import layers

        check_display()
        self.opts = opts
        self._glfw = glfw
        self._old_reporting = glfw.ERROR_REPORTING
        glfw.ERROR_REPORTING = "ignore"  # failures are checked and said in one line below
        if not glfw.init():
            glfw.ERROR_REPORTING = self._old_reporting
            raise PlanetsimError(_NO_DISPLAY.format(why=self._glfw_error("GLFW cannot start")))
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
            self._blit["u_image"].value = 0
            self._vao = self.ctx.vertex_array(self._blit, [])
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
        self._hud = _Overlay(self.ctx)
        self._help = _Overlay(self.ctx)
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
            if getattr(self, "_vao", None) is not None:
                self._vao.release()
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
            from ..export import save_png

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

        c = self.camera
        return {
            **provenance(self.sim),
            "view": self.view,
            "layer": self.layer,
            "camera": {"yaw": c.yaw, "pitch": c.pitch, "distance": c.distance, "fov": c.fov},
            "comment": provenance_line(self.sim),
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
            pw, ph = self._help.tex.size
            self._overlay(self._help, ((fw - pw) // 2, (fh - ph) // 2, pw, ph))
        ctx.disable(ctx.BLEND)

    def _update_picture(self, size: tuple[int, int]) -> None:
        # The label (year, legend) is the HUD's job in the window; screenshots carry it.
        self._picture = self._render.render_texture(
            self.sim, self.view, self.layer, size, self.camera, False
        )

    def _overlay(self, q: _Overlay, rect: tuple[int, int, int, int]) -> None:
        if q.tex is not None:
            self._blit_texture(q.tex, True, rect)  # numpy rows: top first

    def _blit_texture(
        self, tex: moderngl.Texture, flip: bool, rect: tuple[int, int, int, int]
    ) -> None:
        self.ctx.viewport = rect
        tex.use(location=0)
        self._blit["u_flip"].value = flip
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
        state = "paused" if self.paused else f"speed x{_speed_text(self.speed)}"
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

    # ---- controls ------------------------------------------------------------------------------
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


def _speed_text(speed: float) -> str:
    return f"{speed:g}" if speed >= 1 else f"1/{1 / speed:g}"


__all__ = [
    "CONTROLS",
    "Pacer",
    "Viewer",
    "ViewerOptions",
    "add_arguments",
    "advance",
    "check_display",
    "run",
]
