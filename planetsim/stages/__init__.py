"""Stage modules register their passes and schedules on import, in story order."""

from . import relief  # noqa: F401
