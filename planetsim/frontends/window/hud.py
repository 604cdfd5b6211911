"""What the window draws over the picture: the HUD, the help, and where the picture goes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .options import CONTROLS

if TYPE_CHECKING:
    import moderngl


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


class Overlay:
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


def speed_text(speed: float) -> str:
    """x2, x1/4: the story speed as the HUD shows it."""
    return f"{speed:g}" if speed >= 1 else f"1/{1 / speed:g}"
