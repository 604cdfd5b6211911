"""Fields: the simulation state, each a named pair of RGBA32F textures (read one, write the
other, swap). The table of fields and their units is DESIGN.md's; keep them in step."""

from __future__ import annotations

from dataclasses import dataclass

import moderngl
import numpy as np

from .errors import FieldError


@dataclass(frozen=True)
class FieldSpec:
    name: str
    channels: tuple[str, str, str, str]  # "what, units" for x, y, z, w
    doc: str
    scratch: bool = False  # derived data (blur intermediates...); checkpoints keep it too
    # A field may be an atlas of tiles, each the grid's size (the plates' own frames): its
    # textures are (tiles[0] W) x (tiles[1] H).
    tiles: tuple[int, int] = (1, 1)

    def size_for(self, grid_size: tuple[int, int]) -> tuple[int, int]:
        return (grid_size[0] * self.tiles[0], grid_size[1] * self.tiles[1])


FIELDS: dict[str, FieldSpec] = {}


def texel_load() -> tuple[float, int]:
    """(grid-sized fields the registered fields amount to, the widest tiling): what a grid's
    textures cost in units of one W x H field, and how many grid widths the widest is."""
    return (
        float(sum(s.tiles[0] * s.tiles[1] for s in FIELDS.values())),
        max((max(s.tiles) for s in FIELDS.values()), default=1),
    )


def register_field(spec: FieldSpec) -> FieldSpec:
    old = FIELDS.get(spec.name)
    if old is not None and old != spec:
        raise ValueError(f"field '{spec.name}' is registered twice with different specs")
    FIELDS[spec.name] = spec
    return spec


for _spec in (
    FieldSpec(
        "terrain",
        (
            "elevation, m in a fixed datum (land where x > the sea_level uniform): the crust's"
            " isostatic elevation plus what erosion and sediment did on top",
            "plate id: the plate table's slot 0..15 (-1 before the plates start)",
            "continental crust thickness, km (0: ocean floor)",
            "sea-floor age, Myr (-1 where 1 km or more of continental or arc crust lies)",
        ),
        "the solid planet",
    ),
    FieldSpec(
        "water",
        (
            "flow accumulation, cells drained (rain-weighted with flow_rain; 0 at sea)",
            "receiver on the lake-filled surface: 0 at sea, 1..8 = N, NE, E, SE, S, SW, W, NW",
            "drainage basin id (1 + flat index of the outlet cell; 0 at sea)",
            "lake depth, m (filled level - elevation)",
        ),
        "rivers and basins",
    ),
    FieldSpec(
        "air",
        (
            "mean sea-level pressure, hPa",
            "surface temperature, degC",
            "wind u (eastward), m/s",
            "wind v (northward), m/s",
        ),
        "the atmosphere",
    ),
    FieldSpec(
        "moisture",
        (
            "water vapour, kg/m^2",
            "precipitation, mm/yr",
            "cloud cover, 0..1",
            "CO2, ppm",
        ),
        "the water cycle and CO2",
    ),
    FieldSpec(
        "life",
        ("plants", "herbivores", "carnivores", "land mask 0/1 (written by the life pass)"),
        "the biosphere",
    ),
    FieldSpec(
        "civ",
        (
            "people, per km^2",
            "buried fossil carbon, GtC per cell",
            "emission rate, GtC/yr per cell",
            "night light, 0..1",
        ),
        "people and carbon",
    ),
):
    register_field(_spec)


def _fill(ctx: moderngl.Context, tex: moderngl.Texture, value: tuple[float, ...]) -> None:
    """Set every texel of `tex` to `value` by a framebuffer clear: no upload from the CPU (the
    plates' atlas is 16 grids: 134 MB a texture at 1024x512). A float32 clear colour is stored
    exactly; an unwritten texture's contents are undefined in GL."""
    fbo = ctx.framebuffer(color_attachments=[tex])
    r, g, b, a = (float(v) for v in value)
    fbo.clear(r, g, b, a)
    fbo.release()


class Field:
    """A ping-pong pair of RGBA32F textures of the grid's size.

    `front` holds the current state; a pass writes `back`, then `swap()` makes it current.
    """

    def __init__(self, ctx: moderngl.Context, spec: FieldSpec, size: tuple[int, int]):
        self.spec = spec
        self.size = size  # (W, H)
        self._tex = [self._make(ctx, size), self._make(ctx, size)]
        self._front = 0
        self.version = 0  # bumped on every write or swap; lets consumers see change cheaply

    @staticmethod
    def _make(ctx: moderngl.Context, size: tuple[int, int]) -> moderngl.Texture:
        tex = ctx.texture(size, 4, dtype="f4")
        # Exact cell values: passes fetch texels; any interpolation is done in GLSL on purpose.
        tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
        tex.repeat_x = True
        tex.repeat_y = False
        _fill(ctx, tex, (0.0, 0.0, 0.0, 0.0))
        return tex

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.size[1], self.size[0], 4)

    @property
    def front(self) -> moderngl.Texture:
        return self._tex[self._front]

    @property
    def back(self) -> moderngl.Texture:
        return self._tex[1 - self._front]

    def swap(self) -> None:
        self._front = 1 - self._front
        self.version += 1

    def read(self) -> np.ndarray:
        """The current state as float32 (H, W, 4); row 0 is the south edge."""
        data = np.frombuffer(self.front.read(), dtype=np.float32)
        return data.reshape(self.shape).copy()

    def write(self, array: np.ndarray) -> None:
        """Replace the current state with `array`, float32 (H, W, 4), finite, row 0 south."""
        where = f"field '{self.name}'"
        if not isinstance(array, np.ndarray):
            raise FieldError(f"{where}: expected a numpy array, got {type(array).__name__}")
        if array.shape != self.shape:
            raise FieldError(f"{where}: expected shape {self.shape} (H, W, 4), got {array.shape}")
        if array.dtype != np.float32:
            raise FieldError(
                f"{where}: expected dtype float32, got {array.dtype} (use .astype(np.float32))"
            )
        bad = ~np.isfinite(array)
        if bad.any():
            y, x, c = (int(v) for v in np.argwhere(bad)[0])
            raise FieldError(
                f"{where}: {int(bad.sum())} non-finite values (first at row {y}, column {x}, "
                f"channel {'xyzw'[c]}: {array[y, x, c]})"
            )
        self.front.write(np.ascontiguousarray(array).tobytes())
        self.version += 1

    def clear(self, value: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)) -> None:
        _fill(self.front.ctx, self.front, value)
        self.version += 1

    def release(self) -> None:
        for t in self._tex:
            t.release()
