"""OpenGL contexts: headless EGL by default, an existing window's context for the viewer."""

from __future__ import annotations

from typing import Any

import moderngl

from .errors import ContextError

GL_REQUIRE = 330

_HELP = (
    "install Mesa's EGL and OpenGL drivers (Debian/Ubuntu: "
    "sudo apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri) or a GPU driver"
)


def create_context(backend: str = "egl") -> moderngl.Context:
    """A standalone (headless) OpenGL >= 3.3 core context.

    backend: "egl" (default; Mesa llvmpipe where there is no GPU) or "default" (the platform's
    own standalone context, e.g. on macOS) or "window" (the current context of an open window).
    """
    try:
        if backend == "window":
            return moderngl.create_context(require=GL_REQUIRE)
        if backend == "default":
            return moderngl.create_standalone_context(require=GL_REQUIRE)
        settings: dict[str, Any] = {"backend": backend}  # glcontext's keyword
        return moderngl.create_standalone_context(require=GL_REQUIRE, **settings)
    except Exception as exc:  # moderngl/glcontext raise plain Exceptions with library errors
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ContextError(
            f"cannot create an OpenGL 3.3 context with backend '{backend}' ({detail}): {_HELP}"
        ) from None


def renderer_info(ctx: moderngl.Context) -> dict[str, str]:
    info = ctx.info
    return {
        "renderer": str(info.get("GL_RENDERER", "?")),
        "vendor": str(info.get("GL_VENDOR", "?")),
        "version": str(info.get("GL_VERSION", "?")),
        "max_texture_size": str(info.get("GL_MAX_TEXTURE_SIZE", "?")),
        "max_draw_buffers": str(info.get("GL_MAX_DRAW_BUFFERS", "?")),
        "max_texture_units": str(info.get("GL_MAX_COMBINED_TEXTURE_IMAGE_UNITS", "?")),
    }
