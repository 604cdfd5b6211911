"""The planet measured against Earth (`planetsim stats`): reads a simulation's fields, runs a
seasonal cycle for the climate figures and hands plain arrays to planetsim.analysis.

    from planetsim.stats import measure, format_table
    figures = measure(sim)              # a flat dict; sim is left as it was
    print(format_table([figures]))

measure_arrays() measures any PlanetArrays (arrays_from_fields, load_snapshot), so arrays
that did not come from planetsim can be scored too. report_card() (matplotlib, the `plots`
extra) draws the figures beside Earth's.
"""

from .arrays import (
    PlanetArrays,
    StatsInputError,
    arrays_from_fields,
    load_snapshot,
    read_arrays,
)
from .card import PlotsUnavailable, card_title, report_card, require_matplotlib
from .measure import StoryNotes, measure, measure_arrays, with_climate
from .report import stats_document, write_json
from .seasons import SPINUP_MONTHS, STEPS_PER_MONTH, SeasonalClimate, seasonal_cycle
from .table import ROWS, SECTIONS, format_table

__all__ = [
    "ROWS",
    "SECTIONS",
    "SPINUP_MONTHS",
    "STEPS_PER_MONTH",
    "PlanetArrays",
    "PlotsUnavailable",
    "SeasonalClimate",
    "StatsInputError",
    "StoryNotes",
    "arrays_from_fields",
    "card_title",
    "format_table",
    "load_snapshot",
    "measure",
    "measure_arrays",
    "read_arrays",
    "report_card",
    "require_matplotlib",
    "seasonal_cycle",
    "stats_document",
    "with_climate",
    "write_json",
]
