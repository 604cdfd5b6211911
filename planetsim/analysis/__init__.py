"""numpy-only analysis, the package's bottom layer: the lat/lon grid's geometry and the
functions that measure a planet (plain arrays in, figures out), so they can measure arrays
that did not come from planetsim. Nothing here imports OpenGL or the rest of planetsim;
numpy and scipy are its only dependencies."""

from .climate import (
    EARTH_PRECIP_BANDS,
    KOPPEN_CLASSES,
    ClimateStats,
    band_mean,
    climate_stats,
    global_mean,
    koppen_main_classes,
    koppen_shares,
    zonal_band_means,
    zonal_mean_profile,
)
from .earth import EarthReference, load_earth
from .grid import EARTH_RADIUS_M, Grid
from .hypsometry import Hypsometry, SeafloorAge, elevation_histogram, hypsometry, seafloor_age
from .land import (
    Landmasses,
    coastline_edges,
    coastline_index,
    label_landmasses,
    land_fraction,
    land_mask,
    landmasses,
)
from .rivers import (
    ClosedBasins,
    RiverStats,
    closed_basins,
    concavity,
    hack_exponent,
    potential_evaporation_mm_yr,
    river_stats,
    runoff_mm_yr,
)
from .routing import Basins, Routing, drainage_basins, fill_depressions, main_stream_length_m, route

__all__ = [
    "EARTH_PRECIP_BANDS",
    "EARTH_RADIUS_M",
    "KOPPEN_CLASSES",
    "Basins",
    "ClimateStats",
    "ClosedBasins",
    "EarthReference",
    "Grid",
    "Hypsometry",
    "Landmasses",
    "RiverStats",
    "Routing",
    "SeafloorAge",
    "band_mean",
    "climate_stats",
    "closed_basins",
    "coastline_edges",
    "coastline_index",
    "concavity",
    "drainage_basins",
    "elevation_histogram",
    "fill_depressions",
    "global_mean",
    "hack_exponent",
    "hypsometry",
    "koppen_main_classes",
    "koppen_shares",
    "label_landmasses",
    "land_fraction",
    "land_mask",
    "landmasses",
    "load_earth",
    "main_stream_length_m",
    "potential_evaporation_mm_yr",
    "river_stats",
    "route",
    "runoff_mm_yr",
    "seafloor_age",
    "zonal_band_means",
    "zonal_mean_profile",
]
