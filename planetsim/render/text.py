"""Text for the views, drawn with Pillow's default font (no font files from elsewhere): the
year label with the epoch name, and a layer's legend panel. Pictures are RGBA uint8, top row
first, composited over the view on the GPU."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

PANEL = (8, 10, 16, 170)  # translucent dark panel behind text
INK = (240, 240, 235, 255)
DIM = (190, 195, 200, 255)


@lru_cache(maxsize=16)
def font(px: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=px)  # Pillow >= 10.1 (with FreeType): scalable
    except TypeError:  # pragma: no cover - older Pillow: the fixed bitmap font
        return ImageFont.load_default()


def font_px(frame_h: int) -> int:
    """Text height for a frame height: readable from 360p to 4K."""
    return int(min(max(frame_h / 34.0, 10), 48))


def _size(text: str, f: ImageFont.ImageFont | ImageFont.FreeTypeFont) -> tuple[int, int]:
    box = f.getbbox(text)
    return (int(box[2] - min(box[0], 0)), int(box[3]))


def label_image(year: str, epoch: str, px: int) -> np.ndarray:
    """The year (large) over the epoch name (small) on a translucent panel."""
    big, small = font(int(px * 1.3)), font(px)
    (w1, h1), (w2, h2) = _size(year, big), _size(epoch, small) if epoch else (0, 0)
    pad = max(px // 3, 3)
    w = max(w1, w2) + 2 * pad
    h = h1 + (h2 + pad // 2 if epoch else 0) + 2 * pad
    im = Image.new("RGBA", (w, h), PANEL)
    d = ImageDraw.Draw(im)
    d.text((pad, pad), year, font=big, fill=INK)
    if epoch:
        d.text((pad, pad + h1 + pad // 2), epoch, font=small, fill=DIM)
    return np.asarray(im)


def legend_image(
    lines: list[str],
    px: int,
    bar: np.ndarray | None = None,
    swatches: list[tuple[str, tuple[int, int, int]]] | None = None,
    bar_width: int | None = None,
) -> np.ndarray:
    """A legend panel: the title (lines[0]); then either a colour bar (bar: (n, 3) uint8 colours
    left to right) with lines[1] under its left end and lines[2] under its right end, or
    swatches (name, colour), or the remaining lines as text."""
    f = font(px)
    pad = max(px // 3, 3)
    title_w, title_h = _size(lines[0], f)
    rows: list[tuple[int, int]] = []
    if bar is not None:
        bw = bar_width or max(title_w, 8 * px)
        w = max(title_w, bw) + 2 * pad
        h = pad + title_h + pad // 2 + px + pad // 2 + title_h + pad
    elif swatches:
        cols = 3 if len(swatches) > 3 else len(swatches)
        cell = max(_size(n, f)[0] for n, _ in swatches) + px + pad
        nrows = -(-len(swatches) // cols)
        w = max(title_w, cols * cell) + 2 * pad
        h = pad + title_h + pad // 2 + nrows * (title_h + pad // 2) + pad
    else:
        rows = [_size(t, f) for t in lines[1:]]
        w = max([title_w] + [r[0] for r in rows]) + 2 * pad
        h = pad + title_h + sum(r[1] + pad // 2 for r in rows) + pad
    im = Image.new("RGBA", (int(w), int(h)), PANEL)
    d = ImageDraw.Draw(im)
    d.text((pad, pad), lines[0], font=f, fill=INK)
    y = pad + title_h + pad // 2
    if bar is not None:
        bw = int(w - 2 * pad)
        strip = Image.fromarray(np.ascontiguousarray(bar[None, :, :3])).resize(
            (bw, px), Image.Resampling.BILINEAR
        )
        im.paste(strip, (pad, y))
        y += px + pad // 2
        lo, hi = lines[1], lines[2]
        d.text((pad, y), lo, font=f, fill=DIM)
        d.text((w - pad - _size(hi, f)[0], y), hi, font=f, fill=DIM)
    elif swatches:
        cols = 3 if len(swatches) > 3 else len(swatches)
        cell = max(_size(n, f)[0] for n, _ in swatches) + px + pad
        for i, (name, rgb) in enumerate(swatches):
            x0 = pad + (i % cols) * cell
            y0 = y + (i // cols) * (title_h + pad // 2)
            d.rectangle((x0, y0 + 2, x0 + px - 4, y0 + px - 2), fill=(*rgb, 255))
            d.text((x0 + px, y0), name, font=f, fill=DIM)
    else:
        for t, (_, th) in zip(lines[1:], rows, strict=True):
            d.text((pad, y), t, font=f, fill=DIM)
            y += th + pad // 2
    return np.asarray(im)
