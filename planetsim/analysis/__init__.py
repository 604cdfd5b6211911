"""numpy-only analysis, the package's bottom layer: the lat/lon grid's geometry and the
functions that measure a planet (plain arrays in, figures out), so they can measure arrays
that did not come from planetsim. Nothing here imports OpenGL or the rest of planetsim."""

from .grid import EARTH_RADIUS_M, Grid

__all__ = ["EARTH_RADIUS_M", "Grid"]
