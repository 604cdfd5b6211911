"""Shared rules for every file planetsim writes: provenance (what run made it), no clobbering
without force, and atomic writes (a temporary name in the same folder, then os.replace, so an
interrupted write never leaves a truncated file under the real name)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._version import __version__
from .errors import PlanetsimError

if TYPE_CHECKING:
    from .simulation import Simulation


class OutputError(PlanetsimError):
    """An output that cannot or must not be written (exists, unwritable, wrong extension)."""


def provenance(sim: Simulation) -> dict[str, Any]:
    """Where a picture or file came from: enough to make it again."""
    return {
        "planetsim_version": __version__,
        "preset": sim.preset.name,
        "seed": sim.seed,
        "size": list(sim.grid.size),
        "renderer": sim.renderer,
        "frame": sim.frame,
        "year": sim.year,
        "year_label": sim.year_label,
    }


def provenance_line(sim: Simulation) -> str:
    p = provenance(sim)
    w, h = p["size"]
    return (
        f"planetsim {p['planetsim_version']}; preset {p['preset']}; seed {p['seed']}; "
        f"grid {w}x{h}; renderer {p['renderer']}"
    )


def check_output(path: Path, force: bool, *, folder: bool = False) -> None:
    """Refuse to clobber what a user already has, or to write where we cannot."""
    path = Path(path)
    if path.exists():
        if folder:
            if not path.is_dir():
                raise OutputError(f"{path} exists and is not a folder")
            if any(path.iterdir()) and not force:
                raise OutputError(f"{path} exists and is not empty; use --force to write into it")
        elif path.is_dir():
            raise OutputError(f"{path} is a folder, expected a file name")
        elif not force:
            raise OutputError(f"{path} exists; use --force to overwrite it")
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {parent} does not exist")
    # Try it: permission bits do not tell (root, read-only mounts, /proc).
    probe_dir = path if folder and path.is_dir() else parent
    probe = probe_dir / f".planetsim-probe.{os.getpid()}"
    try:
        with open(probe, "xb"):
            pass
        probe.unlink()
    except OSError as exc:
        raise OutputError(
            f"cannot write {path}: cannot create files in {probe_dir} ({exc.strerror or exc})"
        ) from None


def temp_name(path: Path) -> Path:
    """A temporary name beside `path` that keeps its extension (ffmpeg picks the format by
    it) and is unique to this process."""
    path = Path(path)
    return path.with_name(f".{path.stem}.{os.getpid()}.part{path.suffix}")


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `path`, on error it is removed."""
    path = Path(path)
    tmp = temp_name(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode())
