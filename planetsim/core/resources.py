"""Where shaders and presets live: inside the installed package (wheel) or at the top of a
source checkout. Always found relative to this file, never the current directory."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent.parent  # the planetsim package folder


def _find(name: str) -> Path:
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"planetsim's {name}/ folder is missing from {_PKG} (broken install?)")


def shaders_dir() -> Path:
    return _find("shaders")


def presets_dir() -> Path:
    return _find("presets")
