"""Render targets kept by size: RGBA8 textures with their framebuffers, reused between
pictures. A window that changes its picture size keeps asking for new sizes, so only a few
are kept; the least recently used goes first, and never one that is being drawn into."""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Iterator

import moderngl

Target = tuple[moderngl.Texture, moderngl.Framebuffer]


class TargetCache:
    """At most `limit` targets that nobody is drawing into, least recently used evicted first.

    `get(size)` returns the target of that size (made if missing) and counts as a use.
    `pinned(size)` holds a target for the span of a draw: while pinned it is never released,
    whatever else is asked for meanwhile (a legend drawn in the middle of a frame). The cache
    may hold more than `limit` for as long as pins require, never fewer than it could keep."""

    def __init__(self, ctx: moderngl.Context, limit: int):
        if limit < 1:
            raise ValueError(f"a target cache holds at least 1 target, got {limit}")
        self.ctx = ctx
        self.limit = limit
        self._targets: OrderedDict[tuple[int, int], Target] = OrderedDict()
        self._pins: dict[tuple[int, int], int] = {}

    def __len__(self) -> int:
        return len(self._targets)

    def __contains__(self, size: object) -> bool:
        return size in self._targets

    def sizes(self) -> list[tuple[int, int]]:
        """The sizes held, least recently used first."""
        return list(self._targets)

    def get(self, size: tuple[int, int]) -> Target:
        got = self._targets.get(size)
        if got is None:
            tex = self.ctx.texture(size, 4, dtype="f1")
            got = (tex, self.ctx.framebuffer(color_attachments=[tex]))
            self._targets[size] = got
        self._targets.move_to_end(size)
        self._evict(keep=size)  # the caller is about to draw into it
        return got

    @contextlib.contextmanager
    def pinned(self, size: tuple[int, int]) -> Iterator[Target]:
        got = self.get(size)
        self._pins[size] = self._pins.get(size, 0) + 1
        try:
            yield got
        finally:
            self._pins[size] -= 1
            if not self._pins[size]:
                del self._pins[size]
            self._evict()

    def _evict(self, keep: tuple[int, int] | None = None) -> None:
        while len(self._targets) > self.limit:
            victim = next((s for s in self._targets if s not in self._pins and s != keep), None)
            if victim is None:  # every target held is being drawn into: keep them all
                return
            self._release(*self._targets.pop(victim))

    def _release(self, tex: moderngl.Texture, fbo: moderngl.Framebuffer) -> None:
        # moderngl rebinds the current framebuffer after making a new one: never leave a
        # deleted one current (GL_INVALID_OPERATION at the next target made).
        current = self.ctx.fbo
        if current is not None and current.glo == fbo.glo:
            default = self.ctx.extra.get("planetsim_default_fbo") if self.ctx.extra else None
            (default or self.ctx.screen or self.ctx.detect_framebuffer(0)).use()
        fbo.release()
        tex.release()

    def release(self) -> None:
        for tex, fbo in self._targets.values():
            self._release(tex, fbo)
        self._targets.clear()
        self._pins.clear()
