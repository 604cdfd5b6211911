"""Timelapses: run the story headless and write what the views draw to an .mp4 (H.264 through
imageio-ffmpeg), a .gif, a folder of numbered PNGs or one .png (the last picture).

    with planetsim.Simulation("quick") as sim:
        planetsim.frontends.export.render_video(sim, "quick.mp4", stop=240, size=(640, 360))

Frame numbers count story frames run: the picture of frame N shows the state after N frames
(frame 0 is the untouched start). The range is inclusive: start, start+every, ... <= stop.
Every output says which run made it (mp4 title/comment metadata, PNG text chunks, GIF
comment, a render.json beside PNG frames).
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ...core.errors import PlanetsimError
from ...core.outfiles import (
    OutputError,
    atomic_path,
    check_output,
    provenance,
    provenance_line,
    temp_name,
    write_text,
)

if TYPE_CHECKING:
    from ...core.simulation import Simulation

VIDEO_SUFFIXES = {".mp4": "mp4", ".gif": "gif", ".png": "png"}
FRAME_NAME = "frame_{:05d}.png"
_FRAME_RE = re.compile(r"^frame_\d{5}\.png$")
SPIN_DEG_PER_S = 18.0  # one turn of the globe in 20 s of video
SPIN_LIGHT_DEG = 40.0  # a spinning camera's light: this far east of where it looks


def layers() -> list[str]:
    """Layer names the views know (planetsim.render.LAYERS once the views define it)."""
    from ... import render

    return list(getattr(render, "LAYERS", None) or ["elevation"])


def views() -> list[str]:
    from ... import render

    return list(getattr(render, "VIEWS", None) or ["globe", "map"])


def output_kind(out: str | Path) -> str:
    """'mp4', 'gif', 'png' (one picture) or 'frames' (a folder: no extension or a trailing
    slash, or an existing folder)."""
    text = str(out)
    p = Path(out)
    if text.endswith(("/", os.sep)) or p.is_dir() or p.suffix == "":
        return "frames"
    kind = VIDEO_SUFFIXES.get(p.suffix.lower())
    if kind is None:
        raise OutputError(
            f"unsupported output extension '{p.suffix}' (supported: .mp4, .gif, .png, "
            "or a folder name for numbered PNG frames)"
        )
    return kind


# ---- cameras -------------------------------------------------------------------------------
@dataclass(frozen=True)
class CameraPath:
    """How the camera moves through a render:

    spin[:DEG_PER_S]   circles the globe (default 18 deg per second of video). Where the
                       story's days are frozen (a frame spans years), the picture is lit from
                       beside the camera, so the turning globe stays in daylight; where days
                       turn, the real sun lights it and night sides show their lights.
    day[:OFFSET]       stays over the sunlit side (OFFSET deg west of the subsolar point,
                       default 30): where days turn, the planet turns under it.
    fixed[:YAW[,PITCH]] never moves (yaw = the longitude looked at, pitch = latitude)."""

    mode: str = "spin"
    yaw: float = 0.0
    pitch: float = 20.0
    deg_per_s: float = SPIN_DEG_PER_S
    offset: float = 30.0

    @classmethod
    def parse(cls, text: str) -> CameraPath:
        mode, _, rest = text.partition(":")
        try:
            nums = [float(v) for v in rest.split(",")] if rest else []
        except ValueError:
            nums = None  # type: ignore[assignment]
        if nums is not None and all(math.isfinite(v) for v in nums):
            if mode == "spin" and len(nums) <= 1:
                return cls("spin", deg_per_s=nums[0] if nums else SPIN_DEG_PER_S)
            if mode == "day" and len(nums) <= 1:
                return cls("day", offset=nums[0] if nums else 30.0)
            if mode == "fixed" and len(nums) <= 2:
                yaw = nums[0] if nums else 0.0
                pitch = nums[1] if len(nums) > 1 else 20.0
                return cls("fixed", yaw=yaw, pitch=pitch)
        raise PlanetsimError(
            f"bad camera '{text}' (use spin, spin:DEG_PER_S, day, day:OFFSET, fixed, "
            "fixed:YAW or fixed:YAW,PITCH)"
        )

    def at(self, seconds: float, sim: Simulation | None = None) -> Any:
        from ...render import Camera, sun_longitude

        if self.mode == "spin":
            return Camera(yaw=(self.yaw + self.deg_per_s * seconds) % 360.0, pitch=self.pitch)
        if self.mode == "day" and sim is not None:
            return Camera(yaw=(sun_longitude(sim) - self.offset) % 360.0, pitch=self.pitch)
        return Camera(yaw=self.yaw, pitch=self.pitch)

    def display_sun(self, sim: Simulation, camera: Any) -> tuple[float, float, float] | None:
        """The sun direction to draw with, or None for the story's own. Only a spinning
        camera in an epoch whose frames span many days changes it: the time of day is
        arbitrary there, so the light comes from beside the camera (the season is kept)."""
        e = sim.epoch
        if self.mode != "spin" or e.frames_per_day or abs(e.years_per_frame) < 1.0:
            return None
        x, y, z = sim.values["sun_dir"]
        decl = math.asin(max(-1.0, min(1.0, z)))
        lon = math.radians(camera.yaw + SPIN_LIGHT_DEG)
        return (math.cos(decl) * math.cos(lon), math.cos(decl) * math.sin(lon), math.sin(decl))


def _render_picture(
    sim: Simulation,
    cam: CameraPath,
    view: str,
    layer: str,
    size: tuple[int, int],
    seconds: float,
    label: bool,
) -> np.ndarray:
    from ... import render

    camera = cam.at(seconds, sim)
    sun = cam.display_sun(sim, camera) if view == "globe" else None
    saved = sim.values["sun_dir"]
    if sun is not None:
        sim.values["sun_dir"] = sun  # for this picture only: the story's sun comes back below
    try:
        # Video time drives the camera and the wind streaks' animation.
        return render.render_frame(sim, view, layer, size, camera, label, time=seconds)
    finally:
        sim.values["sun_dir"] = saved


# ---- writers -------------------------------------------------------------------------------
class _Writer:
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


class Mp4Writer(_Writer):
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
            raise EncoderError(f"ffmpeg stopped writing {self.out}: {_first_line(exc)}") from None
        self.count += 1

    def commit(self) -> None:
        try:
            self._gen.close()
        except (OSError, RuntimeError) as exc:
            raise EncoderError(f"ffmpeg failed to finish {self.out}: {_first_line(exc)}") from None
        os.replace(self.tmp, self.out)

    def abort(self) -> None:
        try:
            self._gen.close()
        except Exception:  # ffmpeg may already be gone; we only clean up
            pass
        _unlink(self.tmp)


class GifWriter(_Writer):
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


def png_info(meta: dict[str, Any]) -> Any:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Software", f"planetsim {meta['planetsim_version']}")
    info.add_text("Comment", meta["comment"])
    info.add_text("planetsim", json.dumps(meta, default=str))
    return info


def save_png(path: Path, img: np.ndarray, meta: dict[str, Any]) -> None:
    """One PNG (8-bit RGB or 16-bit gray) with the run's provenance in text chunks, atomically."""
    from PIL import Image

    with atomic_path(path) as tmp:
        Image.fromarray(img).save(tmp, format="PNG", pnginfo=png_info(meta))


class FramesWriter(_Writer):
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


class PngWriter(_Writer):
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


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _same(recorded: str | None, path: Path | None) -> bool:
    """Whether `path` names the file a checkpoint's render record names."""
    return recorded is not None and path is not None and Path(recorded).resolve() == path.resolve()


def _unlink(p: Path) -> None:
    try:
        p.unlink()
    except OSError:
        pass


# ---- the render loop -----------------------------------------------------------------------
@dataclass
class RenderResult:
    out: Path
    kind: str
    pictures: int
    frames: tuple[int, int]  # first and last frame pictured
    seconds: float
    sim_steps: int
    steps_per_s: float
    checkpoints: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"wrote {self.out} ({self.pictures} pictures of frames {self.frames[0]}..."
            f"{self.frames[1]}) in {self.seconds:.1f} s, {self.steps_per_s:.0f} sim steps/s"
        )


@dataclass
class RenderSettings:
    """What a render is; kept in its checkpoints so `planetsim resume` can continue it."""

    out: str
    view: str = "globe"
    layer: str = "elevation"
    fps: float = 30.0
    start: int = 1
    stop: int = 0
    every: int = 1
    size: tuple[int, int] = (640, 360)
    camera: str = "spin"
    label: bool = True
    metrics: str | None = None
    checkpoint_every: int | None = None
    checkpoint_dir: str | None = None
    x264_preset: str = "medium"


def default_size(view: str, width: int | None, height: int | None) -> tuple[int, int]:
    """16:9 for the globe, 2:1 for the map, from whichever of width/height is given."""
    aspect = 2.0 if view == "map" else 16.0 / 9.0
    if width is None and height is None:
        height = 360
    if width is None:
        width = 2 * int(round(height * aspect / 2))  # type: ignore[operator]
    if height is None:
        height = 2 * int(round(width / aspect / 2))
    if width < 2 or height < 2 or width > 16384 or height > 16384:
        raise PlanetsimError(f"picture size must be 2..16384 pixels a side, got {width}x{height}")
    return (int(width), int(height))


def render_video(
    sim: Simulation,
    out: str | Path,
    *,
    view: str = "globe",
    layer: str = "elevation",
    fps: float = 30.0,
    start: int | None = None,
    stop: int | None = None,
    every: int = 1,
    size: tuple[int, int] = (640, 360),
    camera: str | CameraPath = "spin",
    label: bool = True,
    metrics: str | Path | None = None,
    checkpoint_every: int | None = None,
    checkpoint_dir: str | Path | None = None,
    progress: bool = True,
    force: bool = False,
    resume: RenderSettings | None = None,
    on_picture: Callable[[int, np.ndarray], None] | None = None,
    x264_preset: str = "medium",
) -> RenderResult:
    """Run `sim` from its current frame to `stop` and write the pictures of frames start,
    start+every, ... <= stop to `out` (.mp4, .gif, .png, or a folder of PNGs).

    start defaults to max(sim.frame, 1), stop to the story's end. `metrics` writes one CSV
    row per frame in the range; `checkpoint_every` N saves a checkpoint in `checkpoint_dir`
    whenever the frame is a multiple of N. `resume` continues a render that a checkpoint
    recorded: PNG frames keep their numbers and the metrics rows before `start` are kept.
    `x264_preset`: the H.264 encoder's speed preset of an .mp4 (X264_PRESETS)."""
    from ...core.checkpoint import SUFFIX, save_checkpoint
    from ...core.metrics import csv_header, csv_row
    from ...core.metrics import metrics as compute_metrics

    out = Path(out)
    kind = output_kind(out)
    total = sim.timeline.total_frames
    start = max(sim.frame, 1) if start is None else int(start)
    stop = total if stop is None else int(stop)
    every = int(every)
    if every < 1:
        raise PlanetsimError(f"--every must be >= 1, got {every}")
    if start < sim.frame:
        raise PlanetsimError(
            f"cannot start at frame {start}: the simulation is already at frame {sim.frame}"
        )
    if stop < start:
        raise PlanetsimError(f"--to (frame {stop}) is before --from (frame {start})")
    if stop > total:
        raise PlanetsimError(f"--to frame {stop} is past the story's end (frame {total})")
    if fps <= 0 or not math.isfinite(fps):
        raise PlanetsimError(f"--fps must be a positive number, got {fps}")
    if layer not in layers():
        raise PlanetsimError(f"unknown layer '{layer}' (layers: {', '.join(layers())})")
    if view not in views():
        raise PlanetsimError(f"unknown view '{view}' (views: {', '.join(views())})")
    if x264_preset not in X264_PRESETS:
        raise PlanetsimError(
            f"unknown x264 preset '{x264_preset}' (presets: {', '.join(X264_PRESETS)})"
        )
    cam = camera if isinstance(camera, CameraPath) else CameraPath.parse(camera)
    w, h = size
    origin = resume.start if resume is not None else start
    same_job = resume is not None and _same(resume.out, out)
    check_output(out, force or (same_job and kind == "frames"), folder=kind == "frames")
    metrics_path = Path(metrics) if metrics is not None else None
    same_metrics = resume is not None and _same(resume.metrics, metrics_path)
    if metrics_path is not None:
        if metrics_path.suffix.lower() != ".csv":
            raise OutputError(f"--metrics needs a .csv file name, got {metrics_path}")
        check_output(metrics_path, force or same_metrics)
    ckpt_dir = Path(checkpoint_dir) if checkpoint_dir is not None else None
    if checkpoint_every is not None:
        if checkpoint_every < 1 or ckpt_dir is None:
            raise PlanetsimError("--checkpoint-every needs N >= 1 and a folder")
        same_ckpt = resume is not None and _same(resume.checkpoint_dir, ckpt_dir)
        check_output(ckpt_dir, force or same_ckpt, folder=True)

    # Absolute paths: `planetsim resume` may run from another folder.
    settings = RenderSettings(
        out=str(out.resolve()),
        view=view,
        layer=layer,
        fps=float(fps),
        start=origin,
        stop=stop,
        every=every,
        size=(w, h),
        camera=camera if isinstance(camera, str) else f"{cam.mode}",
        label=label,
        metrics=str(metrics_path.resolve()) if metrics_path else None,
        checkpoint_every=checkpoint_every,
        checkpoint_dir=str(ckpt_dir.resolve()) if ckpt_dir else None,
        x264_preset=x264_preset,
    )
    meta = {
        **provenance(sim),
        "view": view,
        "layer": layer,
        "fps": float(fps),
        "first_frame": origin,
        "every": every,
        "last_frame": stop,
        "comment": provenance_line(sim),
    }
    for k in ("frame", "year", "year_label"):
        meta.pop(k, None)

    writer: _Writer
    if kind == "mp4":
        writer = Mp4Writer(out, (w, h), fps, meta, x264_preset)
    elif kind == "gif":
        writer = GifWriter(out, (w, h), fps, meta)
    elif kind == "png":
        writer = PngWriter(out, (w, h), fps, meta)
    else:
        writer = FramesWriter(
            out, (w, h), fps, meta, first_index=(start - origin + every - 1) // every, clean=force
        )

    metrics_fh = None
    metrics_tmp = temp_name(metrics_path) if metrics_path is not None else None
    checkpoints: list[Path] = []
    bar = None
    t0 = time.perf_counter()
    steps0 = sim.step_count
    try:
        if metrics_path is not None and metrics_tmp is not None:
            metrics_fh = open(metrics_tmp, "w", newline="")
            metrics_fh.write(csv_header())
            if same_metrics and metrics_path.is_file():
                for line in metrics_path.read_text().splitlines()[1:]:
                    f0 = line.split(",", 1)[0]
                    if f0.isdigit() and int(f0) < start:
                        metrics_fh.write(line + "\n")
        if progress:
            from tqdm import tqdm

            bar = tqdm(
                total=stop - sim.frame,
                unit="frame",
                desc=out.name,
                dynamic_ncols=True,
                leave=True,
            )
        pictured: list[int] = []
        while True:
            f = sim.frame
            if f >= start:
                if metrics_fh is not None:
                    metrics_fh.write(csv_row(compute_metrics(sim)))
                if (f - origin) % every == 0:
                    index = (f - origin) // every
                    img = _render_picture(sim, cam, view, layer, (w, h), index / fps, label)
                    writer.add(img, {"frame": f, "year": sim.year, "year_label": sim.year_label})
                    pictured.append(f)
                    if on_picture is not None:
                        on_picture(f, img)
            if (
                checkpoint_every
                and ckpt_dir is not None
                and f % checkpoint_every == 0
                and f > 0
                and (resume is None or f != start)
            ):
                ckpt_dir.mkdir(exist_ok=True)
                path = ckpt_dir / f"frame_{f:06d}{SUFFIX}"
                save_checkpoint(sim, path, force=True, extra={"render": asdict(settings)})
                checkpoints.append(path)
            if f >= stop:
                break
            sim.step(1)
            if bar is not None:
                dt = time.perf_counter() - t0
                bar.set_postfix_str(
                    f"{sim.year_label}, {(sim.step_count - steps0) / max(dt, 1e-9):.0f} steps/s",
                    refresh=False,
                )
                bar.update(1)
        writer.commit()
        if metrics_fh is not None and metrics_path is not None and metrics_tmp is not None:
            metrics_fh.close()
            os.replace(metrics_tmp, metrics_path)
    except BaseException:
        writer.abort()
        if metrics_fh is not None and metrics_tmp is not None:
            metrics_fh.close()
            _unlink(metrics_tmp)
        raise
    finally:
        if bar is not None:
            bar.close()
    seconds = time.perf_counter() - t0
    steps = sim.step_count - steps0
    return RenderResult(
        out=out,
        kind=kind,
        pictures=writer.count,
        frames=(pictured[0], pictured[-1]) if pictured else (start, stop),
        seconds=seconds,
        sim_steps=steps,
        steps_per_s=steps / max(seconds, 1e-9),
        checkpoints=checkpoints,
    )


from ...core.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402  (the API in one place)
from ...core.metrics import metrics  # noqa: E402

__all__ = [
    "CameraPath",
    "load_checkpoint",
    "metrics",
    "save_checkpoint",
    "RenderResult",
    "RenderSettings",
    "default_size",
    "layers",
    "output_kind",
    "render_video",
    "save_png",
    "views",
]
