"""Stage modules register their passes and schedules on import. Import order is story order:
stages in an epoch run in this order within each sim step."""

from . import (  # noqa: F401
    relief,
    protoplanet,
    tectonics,
    erosion,
    climate,
    life,
    people,
)
