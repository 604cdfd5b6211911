"""The seasonal cycle stats runs for its climate figures: one year of the `climate` and
`water_cycle` stages alone from the current state, the land held fixed, and back.

The weather is a function of the season (the `season` uniform, +1 January .. -1 July, = cos(2
pi year_phase)), the land and CO2; the water cycle steps `vapour_step_hours` (6 h) of
atmosphere a step, whatever the story's dt, and vapour stays about 10 days in the air. So
the cycle sweeps year_phase through a year in 12 months of `steps_per_month` steps (default
40, ten days of atmosphere a month), after a spin-up of `spinup_months` months (default 1)
that ends at 1 January, and averages every step. Every step updates the weather and the
pressure maps follow the land at once (weather_every and climate_maps_every are 1 during the
cycle). benchmarks/stats_cycle.py measures what this costs and how little a longer cycle
changes: with real-length months (122 steps of 6 h) and two months of spin-up, the quick
story's Koppen shares moved by 0.11 percentage points at most and its global means by
0.01 % (256x128 and 512x256).

The simulation is left as it was: its state (clock, uniforms, every field) is saved before
and restored after, bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from ..core.simulation import Simulation

STEPS_PER_MONTH = 40
SPINUP_MONTHS = 1
MONTHS = 12


@dataclass(frozen=True)
class SeasonalClimate:
    """Means over one seasonal cycle; (H, W) annual and (12, H, W) monthly, January first."""

    temperature_c: NDArray[np.float64]
    precipitation_mm_yr: NDArray[np.float64]
    cloud_cover: NDArray[np.float64]
    vapour_kg_m2: NDArray[np.float64]
    temperature_monthly_c: NDArray[np.float64]
    precipitation_monthly_mm_yr: NDArray[np.float64]  # each month's mean rate, mm/yr
    steps_per_month: int
    spinup_steps: int
    vapour_step_hours: float

    @property
    def steps(self) -> int:
        """Sim steps the cycle ran (spin-up included)."""
        return self.spinup_steps + MONTHS * self.steps_per_month


def _season_step(sim: Simulation, phase: float) -> None:
    sim.values["year_phase"] = phase
    sim.values["season"] = math.cos(2.0 * math.pi * phase)
    sim.run_stage("climate")
    sim.run_stage("water_cycle")


def seasonal_cycle(
    sim: Simulation,
    *,
    steps_per_month: int = STEPS_PER_MONTH,
    spinup_months: float = SPINUP_MONTHS,
) -> SeasonalClimate:
    """Run one seasonal year of the climate alone from sim's state and return its means;
    sim is restored afterwards (also when this fails)."""
    if steps_per_month < 1 or spinup_months < 0:
        raise ValueError("steps_per_month must be >= 1 and spinup_months >= 0")
    n = MONTHS * steps_per_month
    spin = int(round(spinup_months * steps_per_month))
    shape = sim.grid.shape
    temp = np.zeros((MONTHS, *shape))
    precip = np.zeros((MONTHS, *shape))
    cloud = np.zeros(shape)
    vapour = np.zeros(shape)
    state = sim.get_state()
    try:
        sim.values["weather_every"] = 1
        sim.values["water_every"] = 1
        sim.values["climate_maps_every"] = 1
        for i in range(spin):  # the last weeks of the year before, ending at 1 January
            _season_step(sim, ((i - spin + 0.5) / n) % 1.0)
        for i in range(n):
            _season_step(sim, (i + 0.5) / n)
            air = sim.field("air").read()
            moist = sim.field("moisture").read()
            month = i // steps_per_month
            temp[month] += air[..., 1]
            precip[month] += moist[..., 1]
            cloud += moist[..., 2]
            vapour += moist[..., 0]
        hours = float(sim.values.get("vapour_step_hours", 6.0))
    finally:
        sim.set_state(state)
    temp /= steps_per_month
    precip /= steps_per_month
    return SeasonalClimate(
        temperature_c=temp.mean(axis=0),
        precipitation_mm_yr=precip.mean(axis=0),
        cloud_cover=cloud / n,
        vapour_kg_m2=vapour / n,
        temperature_monthly_c=temp,
        precipitation_monthly_mm_yr=precip,
        steps_per_month=steps_per_month,
        spinup_steps=spin,
        vapour_step_hours=hours,
    )
