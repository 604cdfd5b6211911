"""The layers a view can draw: what each shows, its units, the field channel it reads, and the
value range its legend shows (the field's range, read back when the field has changed).

The order of LAYERS is the layer id the shaders use (shaders/render/common.glsl, L_*)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from ..core.simulation import Simulation

Kind = Literal["continuous", "categorical", "rgb"]


@dataclass(frozen=True)
class Layer:
    name: str
    index: int  # layer id in the shaders
    description: str
    units: str  # as printed on the legend (ASCII and degree sign: the default font has no ²)
    field: str
    channel: str  # channels of `field` it shows: "x", "zw" (vector: its length), "xyz" (RGB)
    kind: Kind = "continuous"
    log: bool = False  # legend bar spaced logarithmically (the colours are)
    colour_scale: str = ""  # how colours map to values, for the README and help

    @property
    def title(self) -> str:
        return f"{self.description} ({self.units})" if self.units else self.description


# Names of the biome swatches, in the shaders' B_* order.
BIOMES = ("ice", "tundra", "forest", "grassland", "desert", "rainforest")

_LAYERS = (
    Layer(
        "elevation",
        0,
        "Elevation",
        "m",
        "terrain",
        "x",
        colour_scale="hypsometric tint relative to sea level, -8000..6000 m, with hillshade",
    ),
    Layer(
        "plates",
        1,
        "Tectonic plates",
        "",
        "terrain",
        "y",
        "categorical",
        colour_scale="one colour per plate id, boundaries in red",
    ),
    Layer(
        "rivers",
        2,
        "River flow",
        "cells drained",
        "water",
        "x",
        log=True,
        colour_scale="log flow accumulation, up to the largest river",
    ),
    Layer(
        "basins",
        3,
        "Drainage basins",
        "",
        "water",
        "z",
        "categorical",
        colour_scale="one colour per basin (outlet cell)",
    ),
    Layer(
        "pressure",
        4,
        "Sea-level pressure",
        "hPa",
        "air",
        "x",
        colour_scale="970..1050 hPa, isobars every 4 hPa",
    ),
    Layer("temperature", 5, "Surface temperature", "°C", "air", "y", colour_scale="-40..40 °C"),
    Layer(
        "precipitation",
        6,
        "Precipitation",
        "mm/yr",
        "moisture",
        "y",
        colour_scale="square root scale 0..4000 mm/yr",
    ),
    Layer(
        "wind",
        7,
        "Wind speed",
        "m/s",
        "air",
        "zw",
        colour_scale="0..20 m/s, animated streaks along the wind",
    ),
    Layer("clouds", 8, "Cloud cover", "0..1", "moisture", "z", colour_scale="0..1 over relief"),
    Layer(
        "life",
        9,
        "Life: plants G, herbivores R, carnivores B",
        "",
        "life",
        "xyz",
        "rgb",
        colour_scale="each population over its largest value",
    ),
    Layer(
        "people",
        10,
        "People",
        "per km^2",
        "civ",
        "x",
        log=True,
        colour_scale="log scale 0.1..1000 per km^2",
    ),
    Layer("night_light", 11, "Night light", "0..1", "civ", "w", colour_scale="0..1"),
    Layer(
        "co2", 12, "CO2", "ppm", "moisture", "w", log=True, colour_scale="log scale 100..3000 ppm"
    ),
    Layer(
        "biome",
        13,
        "Surface and biomes",
        "",
        "terrain",
        "x",
        "categorical",
        colour_scale="natural colours: sea by depth, biomes from temperature, "
        "precipitation and plants, snow and sea ice",
    ),
)

LAYERS: dict[str, Layer] = {layer.name: layer for layer in _LAYERS}
ALIASES = {"natural": "biome", "co₂": "co2", "lights": "night_light"}


def get_layer(name: str) -> Layer:
    from ..core.errors import PlanetsimError

    layer = LAYERS.get(ALIASES.get(name, name))
    if layer is None:
        raise PlanetsimError(f"unknown layer '{name}' (layers: {', '.join(LAYERS)})")
    return layer


def layer_values(layer: Layer, data: np.ndarray) -> np.ndarray:
    """The values a layer shows, from its field's (H, W, 4) array: (H, W), or (H, W, 3)."""
    idx = ["xyzw".index(c) for c in layer.channel]
    if layer.channel == "zw":
        return np.hypot(data[..., idx[0]], data[..., idx[1]])
    if len(idx) == 1:
        return data[..., idx[0]]
    return data[..., idx]


def _stats(sim: Simulation, field: str) -> np.ndarray:
    """The field's current array, read back once per field version (cached on the sim)."""
    from .readback import field_array

    return field_array(sim, field)


def legend_range(sim: Simulation, layer: str) -> tuple[float, float]:
    """The range of values the layer's legend shows: the field's minimum and maximum (for
    `wind`, of the speed; for `life`, over the three populations; `biome`: swatch ids 0..5)."""
    lay = get_layer(layer)
    if lay.name == "biome":
        return (0.0, float(len(BIOMES) - 1))
    v = layer_values(lay, _stats(sim, lay.field))
    return (float(v.min()), float(v.max()))


def life_max(sim: Simulation) -> tuple[float, float, float]:
    """Largest plants, herbivores and carnivores: each population's colour scale."""
    v = _stats(sim, "life")[..., :3].reshape(-1, 3).max(axis=0)
    return (float(v[0]), float(v[1]), float(v[2]))


def count_ids(sim: Simulation, layer: str) -> int:
    """How many plates (ids >= 0) or basins (ids > 0) there are: the categorical legend."""
    lay = get_layer(layer)
    v = layer_values(lay, _stats(sim, lay.field))
    v = v[v >= 0] if lay.name == "plates" else v[v > 0]
    return int(np.unique(v).size)


def format_value(v: float) -> str:
    """A legend number: short, with the precision its size needs."""
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 1e5 or a < 1e-2:
        return f"{v:.2g}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def legend_labels(sim: Simulation, layer: str) -> list[str]:
    """The text lines of the layer's legend (title first, then the values it prints)."""
    lay = get_layer(layer)
    if lay.name == "biome":
        return [lay.title, *BIOMES]
    if lay.kind == "categorical":
        what = "plates" if lay.name == "plates" else "basins"
        return [lay.title, f"{count_ids(sim, lay.name)} {what}"]
    if lay.kind == "rgb":
        m = life_max(sim)
        return [
            "Life (largest of each)",
            f"plants {format_value(m[0])}",
            f"herbivores {format_value(m[1])}",
            f"carnivores {format_value(m[2])}",
        ]
    lo, hi = legend_range(sim, lay.name)
    return [lay.title, format_value(lo), format_value(hi)]
