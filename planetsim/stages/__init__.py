"""Stage modules register their passes and schedules on import. The order stages run in
within a sim step is planetsim.core.registry.STORY_ORDER, not the import order."""

from . import climate, erosion, life, people, protoplanet, relief, tectonics  # noqa: F401
