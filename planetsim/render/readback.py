"""Field arrays read back for the views' legends and colour scales: once per field version
and simulation, shared by the layers' legends and the views."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..core.simulation import Simulation

_ARRAYS: weakref.WeakKeyDictionary[Simulation, dict[str, tuple[int, np.ndarray]]] = (
    weakref.WeakKeyDictionary()
)


def field_array(sim: Simulation, name: str) -> np.ndarray:
    """sim's field `name` as (H, W, 4) float32, read again only after the field changed."""
    f = sim.field(name)
    cache = _ARRAYS.setdefault(sim, {})
    got = cache.get(name)
    if got is None or got[0] != f.version:
        got = (f.version, f.read())
        cache[name] = got
    return got[1]


def forget(sim: Simulation) -> None:
    _ARRAYS.pop(sim, None)
