"""Screenshots and rescue files under fresh numbered names that never overwrite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...core.errors import PlanetsimError

SCREENSHOT_STEM = "planetsim"
RESCUE_STEM = "planetsim-rescue"  # the checkpoint the window saves when it fails


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
    from ..files import save_png

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
