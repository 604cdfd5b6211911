"""The story loop of a render: run the simulation frame by frame from where it is, draw the
pictures of the frames asked for, and hand them to a writer; metrics rows and checkpoints go
alongside. Frame numbers count story frames run: the picture of frame N shows the state after
N frames (frame 0 is the untouched start). The range is inclusive: start, start+every, ...
<= stop."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from ...core.errors import PlanetsimError
from ...core.outfiles import OutputError, check_output, provenance, provenance_line, temp_name
from ..files import layers, views
from .camera import CameraPath, render_picture
from .writers import X264_PRESETS, Writer, make_writer, unlink

if TYPE_CHECKING:
    from ...core.simulation import Simulation

VIDEO_SUFFIXES = {".mp4": "mp4", ".gif": "gif", ".png": "png"}


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


def default_size(view: str, width: int | None, height: int | None) -> tuple[int, int]:
    """16:9 for the globe, 2:1 for the map, from whichever of width/height is given."""
    aspect = 2.0 if view == "map" else 16.0 / 9.0
    if width is None and height is None:
        height = 360
    if width is None:
        assert height is not None
        width = 2 * int(round(height * aspect / 2))
    if height is None:
        height = 2 * int(round(width / aspect / 2))
    if width < 2 or height < 2 or width > 16384 or height > 16384:
        raise PlanetsimError(f"picture size must be 2..16384 pixels a side, got {width}x{height}")
    return (int(width), int(height))


def _same(recorded: str | None, path: Path | None) -> bool:
    """Whether `path` names the file a checkpoint's render record names."""
    return recorded is not None and path is not None and Path(recorded).resolve() == path.resolve()


# ---- the steps of render_video ---------------------------------------------------------------
def _check_request(
    sim: Simulation, start: int, stop: int, every: int, fps: float, view: str, layer: str,
    x264_preset: str,
) -> None:  # fmt: skip
    """Refuse a range, rate, view, layer or encoder preset that cannot be rendered."""
    total = sim.timeline.total_frames
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


@dataclass
class _Outputs:
    """Where a render writes, each checked before any work: never clobber without force
    (except what the resumed job itself wrote)."""

    out: Path
    kind: str
    metrics: Path | None
    same_metrics: bool
    ckpt_dir: Path | None


def _check_outputs(
    out: Path, kind: str, metrics: str | Path | None, checkpoint_every: int | None,
    checkpoint_dir: str | Path | None, force: bool, resume: RenderSettings | None,
) -> _Outputs:  # fmt: skip
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
    return _Outputs(out, kind, metrics_path, same_metrics, ckpt_dir)


def _meta(sim: Simulation, view: str, layer: str, fps: float, origin: int, every: int,
          stop: int) -> dict[str, Any]:  # fmt: skip
    """The provenance every output of the render carries (not the moment of one picture)."""
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
    return meta


class _MetricsFile:
    """The metrics CSV, written under a temporary name and put in place at the end. A resumed
    render keeps the rows before its start."""

    def __init__(self, path: Path | None, keep_before: int | None):
        from ...core.metrics import csv_header

        self.path = path
        self.tmp = temp_name(path) if path is not None else None
        self.fh: IO[str] | None = None
        if path is None or self.tmp is None:
            return
        self.fh = open(self.tmp, "w", newline="")
        self.fh.write(csv_header())
        if keep_before is not None and path.is_file():
            for line in path.read_text().splitlines()[1:]:
                f0 = line.split(",", 1)[0]
                if f0.isdigit() and int(f0) < keep_before:
                    self.fh.write(line + "\n")

    def row(self, sim: Simulation) -> None:
        from ...core.metrics import csv_row, metrics

        if self.fh is not None:
            self.fh.write(csv_row(metrics(sim)))

    def commit(self) -> None:
        if self.fh is not None and self.path is not None and self.tmp is not None:
            self.fh.close()
            os.replace(self.tmp, self.path)

    def abort(self) -> None:
        if self.fh is not None and self.tmp is not None:
            self.fh.close()
            unlink(self.tmp)


@dataclass
class _Job:
    """One render in progress: what to picture and where it goes."""

    sim: Simulation
    writer: Writer
    metrics: _MetricsFile
    cam: CameraPath
    settings: RenderSettings
    outputs: _Outputs
    start: int
    origin: int
    resume: RenderSettings | None
    on_picture: Callable[[int, np.ndarray], None] | None
    pictured: list[int] = field(default_factory=list)
    checkpoints: list[Path] = field(default_factory=list)

    def at_frame(self) -> None:
        """What happens at the simulation's current frame: a metrics row, a picture, a
        checkpoint, as the render asks."""
        sim, s = self.sim, self.settings
        f = sim.frame
        if f >= self.start:
            self.metrics.row(sim)
            if (f - self.origin) % s.every == 0:
                index = (f - self.origin) // s.every
                img = render_picture(sim, self.cam, s.view, s.layer, s.size, index / s.fps, s.label)
                self.writer.add(img, {"frame": f, "year": sim.year, "year_label": sim.year_label})
                self.pictured.append(f)
                if self.on_picture is not None:
                    self.on_picture(f, img)
        every_n, folder = s.checkpoint_every, self.outputs.ckpt_dir
        resumed_here = self.resume is not None and f == self.start
        if every_n and folder is not None and f % every_n == 0 and f > 0 and not resumed_here:
            from ...core.checkpoint import SUFFIX, save_checkpoint

            folder.mkdir(exist_ok=True)
            path = folder / f"frame_{f:06d}{SUFFIX}"
            save_checkpoint(sim, path, force=True, extra={"render": asdict(s)})
            self.checkpoints.append(path)


def _progress_bar(sim: Simulation, stop: int, name: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=stop - sim.frame, unit="frame", desc=name, dynamic_ncols=True, leave=True)


def _run(job: _Job, stop: int, progress: bool) -> None:
    """Step the story to `stop`, doing each frame's work; commit the files, or leave none."""
    sim = job.sim
    bar = _progress_bar(sim, stop, job.outputs.out.name) if progress else None
    t0, steps0 = time.perf_counter(), sim.step_count
    try:
        while True:
            job.at_frame()
            if sim.frame >= stop:
                break
            sim.step(1)
            if bar is not None:
                rate = (sim.step_count - steps0) / max(time.perf_counter() - t0, 1e-9)
                bar.set_postfix_str(f"{sim.year_label}, {rate:.0f} steps/s", refresh=False)
                bar.update(1)
        job.writer.commit()
        job.metrics.commit()
    except BaseException:
        job.writer.abort()
        job.metrics.abort()
        raise
    finally:
        if bar is not None:
            bar.close()


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
    out = Path(out)
    kind = output_kind(out)
    start = max(sim.frame, 1) if start is None else int(start)
    stop = sim.timeline.total_frames if stop is None else int(stop)
    every = int(every)
    _check_request(sim, start, stop, every, fps, view, layer, x264_preset)
    cam = camera if isinstance(camera, CameraPath) else CameraPath.parse(camera)
    origin = resume.start if resume is not None else start
    outs = _check_outputs(out, kind, metrics, checkpoint_every, checkpoint_dir, force, resume)
    # Absolute paths: `planetsim resume` may run from another folder.
    settings = RenderSettings(
        out=str(out.resolve()), view=view, layer=layer, fps=float(fps), start=origin,
        stop=stop, every=every, size=(int(size[0]), int(size[1])),
        camera=camera if isinstance(camera, str) else f"{cam.mode}", label=label,
        metrics=str(outs.metrics.resolve()) if outs.metrics else None,
        checkpoint_every=checkpoint_every,
        checkpoint_dir=str(outs.ckpt_dir.resolve()) if outs.ckpt_dir else None,
        x264_preset=x264_preset,
    )  # fmt: skip
    meta = _meta(sim, view, layer, fps, origin, every, stop)
    writer = make_writer(
        kind, out, settings.size, fps, meta, x264_preset=x264_preset,
        first_index=(start - origin + every - 1) // every, clean=force,
    )  # fmt: skip
    try:
        metrics_file = _MetricsFile(outs.metrics, start if outs.same_metrics else None)
    except BaseException:
        writer.abort()
        raise
    job = _Job(sim, writer, metrics_file, cam, settings, outs, start, origin, resume, on_picture)
    t0, steps0 = time.perf_counter(), sim.step_count
    _run(job, stop, progress)
    seconds, steps = time.perf_counter() - t0, sim.step_count - steps0
    return RenderResult(
        out=out,
        kind=kind,
        pictures=writer.count,
        frames=(job.pictured[0], job.pictured[-1]) if job.pictured else (start, stop),
        seconds=seconds,
        sim_steps=steps,
        steps_per_s=steps / max(seconds, 1e-9),
        checkpoints=job.checkpoints,
    )
