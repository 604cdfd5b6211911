"""The writers of a render: add() pictures, then commit() (the file appears under its real
name, atomically) or abort() (nothing is left behind). One per output kind: .mp4 (H.264
through imageio-ffmpeg), .gif, a folder of numbered PNGs, one .png (the last picture)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from ...core.errors import PlanetsimError
from ...core.outfiles import OutputError, atomic_path, temp_name, write_text
from ..files import save_png

FRAME_NAME = "frame_{:05d}.png"
_FRAME_RE = re.compile(r"^frame_\d{5}\.png$")


class Writer:
    """add() pictures, then commit() (the file appears under its name) or abort()."""

    def __init__(self, out: Path, size: tuple[int, int], fps: float, meta: dict[str, Any]):
        self.out = out
        self.size = size
        self.fps = fps
        self.meta = meta
        self.count = 0

    def add(self, img: np.ndarray, info: dict[str, Any]) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        pass


# x264's speed presets, fastest first. At CRF 18 they trade encoding time for file size at
# about the same quality: 1080p globe frames on 2 cores (llvmpipe machine) encoded at 16.8
# fps with medium, 32.5 with faster and 47.3 with veryfast, to files within 15 % in size.
X264_PRESETS = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
)


class Mp4Writer(Writer):
    def __init__(
        self,
        out: Path,
        size: tuple[int, int],
        fps: float,
        meta: dict[str, Any],
        x264_preset: str = "medium",
    ):
        super().__init__(out, size, fps, meta)
        import imageio_ffmpeg

        w, h = size
        if w % 2 or h % 2:
            raise OutputError(f"an .mp4 needs an even width and height, got {w}x{h}")
        self.tmp = temp_name(out)
        title = f"planetsim {meta['preset']} seed {meta['seed']}"
        self._gen = imageio_ffmpeg.write_frames(
            str(self.tmp),
            (w, h),
            fps=fps,
            codec="libx264",
            pix_fmt_out="yuv420p",
            quality=None,
            macro_block_size=2,
            ffmpeg_log_level="error",
            output_params=[
                "-crf",
                "18",
                "-preset",
                x264_preset,
                "-movflags",
                "+faststart",
                "-metadata",
                f"title={title}",
                "-metadata",
                f"comment={meta['comment']}",
                "-metadata",
                "encoder=planetsim",
            ],
        )
        self._gen.send(None)

    def add(self, img: np.ndarray, info: dict[str, Any]) -> None:
        try:
            self._gen.send(np.ascontiguousarray(img))
        except (OSError, RuntimeError) as exc:  # ffmpeg died: its own message is many lines
            raise EncoderError(f"ffmpeg stopped writing {self.out}: {first_line(exc)}") from None
        self.count += 1

    def commit(self) -> None:
        try:
            self._gen.close()
        except (OSError, RuntimeError) as exc:
            raise EncoderError(f"ffmpeg failed to finish {self.out}: {first_line(exc)}") from None
        os.replace(self.tmp, self.out)

    def abort(self) -> None:
        try:
            self._gen.close()
        except Exception:  # ffmpeg may already be gone; we only clean up
            pass
        unlink(self.tmp)


class GifWriter(Writer):
    """GIF needs every frame before it writes; frames are kept palettised (1 byte a pixel)."""

    def __init__(self, out: Path, size: tuple[int, int], fps: float, meta: dict[str, Any]):
        super().__init__(out, size, fps, meta)
        self._frames: list[Any] = []

    def add(self, img: np.ndarray, info: dict[str, Any]) -> None:
        from PIL import Image

        self._frames.append(Image.fromarray(img).quantize(256))
        self.count += 1

    def commit(self) -> None:
        if not self._frames:
            raise PlanetsimError("no pictures to write")
        first, *rest = self._frames
        with atomic_path(self.out) as tmp:
            first.save(
                tmp,
                format="GIF",
                save_all=True,
                append_images=rest,
                duration=max(20, int(round(1000.0 / self.fps))),
                loop=0,
                comment=self.meta["comment"].encode(),
            )


class FramesWriter(Writer):
    """A folder of frame_00000.png ... (numbered by picture, ready for ffmpeg -i frame_%05d.png)
    and render.json with the run's provenance."""

    def __init__(
        self,
        out: Path,
        size: tuple[int, int],
        fps: float,
        meta: dict[str, Any],
        first_index: int = 0,
        clean: bool = False,
    ):
        super().__init__(out, size, fps, meta)
        out.mkdir(exist_ok=True)
        if clean:  # --force: frames of an older render must not linger past this one's end
            for p in out.iterdir():
                if _FRAME_RE.match(p.name) and int(p.name[6:11]) >= first_index:
                    p.unlink()
        self.index = first_index

    def add(self, img: np.ndarray, info: dict[str, Any]) -> None:
        save_png(self.out / FRAME_NAME.format(self.index), img, {**self.meta, **info})
        self.index += 1
        self.count += 1

    def commit(self) -> None:
        write_text(self.out / "render.json", json.dumps(self.meta, indent=2, default=str) + "\n")


class PngWriter(Writer):
    """One picture: the last of the range."""

    def __init__(self, out: Path, size: tuple[int, int], fps: float, meta: dict[str, Any]):
        super().__init__(out, size, fps, meta)
        self._last: tuple[np.ndarray, dict[str, Any]] | None = None

    def add(self, img: np.ndarray, info: dict[str, Any]) -> None:
        self._last = (img, info)
        self.count += 1

    def commit(self) -> None:
        if self._last is not None:
            save_png(self.out, self._last[0], {**self.meta, **self._last[1]})


class EncoderError(PlanetsimError):
    """The video encoder failed (an internal failure: exit 1)."""

    exit_code = 1


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def unlink(p: Path) -> None:
    try:
        p.unlink()
    except OSError:
        pass


def make_writer(
    kind: str,
    out: Path,
    size: tuple[int, int],
    fps: float,
    meta: dict[str, Any],
    *,
    x264_preset: str = "medium",
    first_index: int = 0,
    clean: bool = False,
) -> Writer:
    """The writer of an output kind ('mp4', 'gif', 'png', 'frames'; see output_kind)."""
    if kind == "mp4":
        return Mp4Writer(out, size, fps, meta, x264_preset)
    if kind == "gif":
        return GifWriter(out, size, fps, meta)
    if kind == "png":
        return PngWriter(out, size, fps, meta)
    return FramesWriter(out, size, fps, meta, first_index=first_index, clean=clean)
