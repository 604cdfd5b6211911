"""What a grid and a picture may cost on this driver, checked before anything is allocated.

Two limits: the driver's (the largest texture, renderbuffer and viewport) and memory. A grid
needs two RGBA32F textures per registered field (16 bytes a texel each; an atlas field such as
the plates' frames counts as its number of grid-sized tiles), plus a field's worth of numpy
for the readbacks that start it and the hooks make. That is compared with what the
driver says it has free (GL_NVX_gpu_memory_info on NVIDIA, GL_ATI_meminfo on AMD) or, for a
CPU renderer such as llvmpipe whose textures live in system memory, with the machine's
available memory (MemAvailable). A driver that reports neither is checked on its size limits
only, and `planetsim info` says so.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from dataclasses import dataclass
from typing import Any

from .errors import PlanetsimError

BYTES_PER_TEXEL = 16  # RGBA32F
# The texture memory is not all there is: driver bookkeeping, the window and the picture
# targets. Measured on llvmpipe at 2048x1024: 969 MB resident after start for 896 MB of
# field textures; the estimate below adds 10 % and two field-sized numpy arrays.
OVERHEAD = 1.10
NUMPY_COPIES = 2
GRID_STEP = 64  # the largest grid that fits is given with a height that is a multiple of this

# GL enums of the memory extensions (their specifications, registry.khronos.org).
GPU_MEMORY_INFO_CURRENT_AVAILABLE_VIDMEM_NVX = 0x9049  # kB, one integer
TEXTURE_FREE_MEMORY_ATI = 0x87FC  # kB: total free, largest block, aux total, aux largest
GIB = 1024**3


class GridTooLarge(PlanetsimError):
    """A grid or a picture that the driver or the memory cannot hold (exit 2). `subject`
    names what was asked ('grid 512x256', '--size 512x256'); the rest says why."""

    def __init__(self, subject: str, why: str):
        super().__init__(f"{subject} {why}")
        self.subject, self.why = subject, why

    def named(self, subject: str) -> GridTooLarge:
        """The same refusal naming what the user typed (the CLI: '--size WxH')."""
        return GridTooLarge(subject, self.why)


@dataclass(frozen=True)
class Limits:
    """The driver's limits and the memory a grid may use (None: not reported)."""

    max_texture: int
    max_renderbuffer: int
    max_viewport: tuple[int, int]
    memory_bytes: int | None
    memory_source: str  # where memory_bytes comes from, said in messages and `info`

    @property
    def max_side(self) -> int:
        """The longest side a field texture may have (it is rendered into, too)."""
        return min(self.max_texture, self.max_renderbuffer, *self.max_viewport)


def _info_int(info: dict[str, Any], key: str, default: int) -> int:
    v = info.get(key, default)
    if isinstance(v, list | tuple):
        v = v[0]
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


def _gl_get_integers(pname: int, count: int) -> list[int] | None:
    """glGetIntegerv for an enum moderngl does not know, on the current context, through the
    system's GL dispatch library (libglvnd routes GLX and EGL contexts alike). None when no
    loader is found."""
    names = {
        "win32": ["opengl32"],
        "darwin": ["/System/Library/Frameworks/OpenGL.framework/OpenGL"],
    }.get(sys.platform, ["libOpenGL.so.0", "libGL.so.1"])
    for name in names:
        try:
            lib = ctypes.CDLL(ctypes.util.find_library(name) or name)
            fn = lib.glGetIntegerv
        except (OSError, AttributeError):
            continue
        out = (ctypes.c_int * count)()
        fn.argtypes = [ctypes.c_uint, ctypes.c_void_p]
        fn.restype = None
        fn(pname, out)
        return list(out)
    return None


def _available_system_memory() -> int | None:
    """MemAvailable of /proc/meminfo (Linux), else the physical memory sysconf reports."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return None


def is_cpu_renderer(renderer: str) -> bool:
    r = renderer.lower()
    return any(k in r for k in ("llvmpipe", "softpipe", "swrast", "software", "lavapipe"))


def driver_limits(ctx: Any) -> Limits:
    """The limits of `ctx`'s driver, read once per context (kept in ctx.extra)."""
    extra = ctx.extra if isinstance(getattr(ctx, "extra", None), dict) else None
    if extra is not None and "planetsim_limits" in extra:
        cached: Limits = extra["planetsim_limits"]
        return cached
    info = ctx.info
    tex = _info_int(info, "GL_MAX_TEXTURE_SIZE", 4096)
    rb = _info_int(info, "GL_MAX_RENDERBUFFER_SIZE", tex)
    vp = info.get("GL_MAX_VIEWPORT_DIMS", (tex, tex))
    viewport = (int(vp[0]), int(vp[1])) if isinstance(vp, list | tuple) else (tex, tex)
    renderer = str(info.get("GL_RENDERER", ""))
    memory: int | None = None
    source = "not reported by this driver"
    exts = set(getattr(ctx, "extensions", ()) or ())
    if is_cpu_renderer(renderer):
        memory = _available_system_memory()
        source = "available system memory (a CPU renderer keeps textures there)"
    elif "GL_NVX_gpu_memory_info" in exts:
        got = _gl_get_integers(GPU_MEMORY_INFO_CURRENT_AVAILABLE_VIDMEM_NVX, 1)
        if got and got[0] > 0:
            memory, source = got[0] * 1024, "free video memory (GL_NVX_gpu_memory_info)"
    elif "GL_ATI_meminfo" in exts:
        got = _gl_get_integers(TEXTURE_FREE_MEMORY_ATI, 4)
        if got and got[0] > 0:
            memory, source = got[0] * 1024, "free texture memory (GL_ATI_meminfo)"
    limits = Limits(tex, rb, viewport, memory, source)
    if extra is not None:
        extra["planetsim_limits"] = limits
    return limits


def grid_bytes(width: int, height: int, n_fields: float) -> int:
    """The memory a grid needs: two RGBA32F textures per field, numpy for the readbacks."""
    texel = width * height * BYTES_PER_TEXEL
    return int((2 * n_fields + NUMPY_COPIES) * texel * OVERHEAD)


def largest_grid(limits: Limits, n_fields: float, widest: int = 1) -> tuple[int, int] | None:
    """The largest W x H (W = 2H, H a multiple of GRID_STEP) within both limits; None if
    not even the smallest step fits."""
    h = limits.max_side // (2 * widest)
    if limits.memory_bytes is not None:
        per_cell = (2 * n_fields + NUMPY_COPIES) * BYTES_PER_TEXEL * OVERHEAD
        h = min(h, int((limits.memory_bytes / (2 * per_cell)) ** 0.5))
    h = (h // GRID_STEP) * GRID_STEP
    return (2 * h, h) if h >= GRID_STEP else None


def _gib(n: float) -> str:
    g = n / GIB
    return f"{g:.0f} GiB" if g >= 10 else f"{g:.1f} GiB" if g >= 0.1 else f"{n / 2**20:.0f} MiB"


def _fits(limits: Limits, n_fields: float, widest: int = 1) -> str:
    best = largest_grid(limits, n_fields, widest)
    if best is None:
        return "no grid fits"
    return f"the largest grid that fits is {best[0]}x{best[1]}"


def check_grid(
    ctx: Any, size: tuple[int, int], n_fields: float, what: str | None = None, widest: int = 1
) -> None:
    """Refuse a grid the driver or the memory cannot hold, before anything is allocated.
    `n_fields`: grid-sized fields (fields.texel_load); `widest`: grid widths of the widest
    (atlas) field. `what` names it in the message (default 'grid WxH'; the CLI says '--size
    WxH')."""
    w, h = size
    what = what or f"grid {w}x{h}"
    limits = driver_limits(ctx)
    if w * widest > limits.max_side or h * widest > limits.max_side:
        which = (
            "GL_MAX_TEXTURE_SIZE" if limits.max_texture == limits.max_side else
            "GL_MAX_RENDERBUFFER_SIZE" if limits.max_renderbuffer == limits.max_side else
            "GL_MAX_VIEWPORT_DIMS"
        )  # fmt: skip
        raise GridTooLarge(
            what,
            f"is wider than this driver's textures ({which} {limits.max_side}"
            + (f", {widest} grid widths for the plates' frames" if widest > 1 else "")
            + f"); {_fits(limits, n_fields, widest)}",
        )
    need = grid_bytes(w, h, n_fields)
    if limits.memory_bytes is not None and need > limits.memory_bytes:
        raise GridTooLarge(
            what,
            f"needs about {_gib(need)} of texture memory; this renderer has about "
            f"{_gib(limits.memory_bytes)} ({limits.memory_source}); "
            f"{_fits(limits, n_fields, widest)}",
        )


def check_picture(ctx: Any, size: tuple[int, int], what: str = "picture") -> None:
    """Refuse a picture (a render target) larger than the driver draws."""
    w, h = size
    limits = driver_limits(ctx)
    mw = min(limits.max_texture, limits.max_renderbuffer, limits.max_viewport[0])
    mh = min(limits.max_texture, limits.max_renderbuffer, limits.max_viewport[1])
    if w > mw or h > mh:
        raise GridTooLarge(
            f"{what} {w}x{h}",
            f"is larger than this driver draws ({mw}x{mh} at most: GL_MAX_TEXTURE_SIZE, "
            "GL_MAX_RENDERBUFFER_SIZE, GL_MAX_VIEWPORT_DIMS)",
        )


def describe(ctx: Any, n_fields: float, widest: int = 1) -> list[str]:
    """The lines `planetsim info` prints about the limits."""
    lim = driver_limits(ctx)
    mem = _gib(lim.memory_bytes) if lim.memory_bytes is not None else "unknown"
    best = largest_grid(lim, n_fields, widest)
    return [
        f"max_renderbuffer_size: {lim.max_renderbuffer}",
        f"max_viewport_dims: {lim.max_viewport[0]}x{lim.max_viewport[1]}",
        f"memory: {mem} ({lim.memory_source})",
        f"grid cost: {grid_bytes(1024, 512, n_fields) / 2**20:.0f} MiB at 1024x512 "
        f"({n_fields:g} grid-sized fields, 2 RGBA32F textures each)",
        f"largest grid: {f'{best[0]}x{best[1]}' if best else 'none'}",
    ]
