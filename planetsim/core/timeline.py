"""The story's clock: epochs of frames, the years they span and what runs in them.

A frame belongs to one epoch; within it the year and every ramped uniform move linearly.
Seasons and days advance by the epoch's frames_per_year / frames_per_day where the preset
sets them (so a geological epoch can still show seasons cycling), otherwise from the year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Epoch:
    name: str
    frames: int
    years: tuple[float, float]
    stages: tuple[str, ...]
    steps_per_frame: int = 1
    ramp: dict[str, tuple[float, float]] = field(default_factory=dict)
    set: dict[str, object] = field(default_factory=dict)
    frames_per_year: float | None = None  # None: seasons follow the real year
    frames_per_day: float | None = None  # None: days follow the real year (or are frozen)

    @property
    def years_per_frame(self) -> float:
        return (self.years[1] - self.years[0]) / self.frames


@dataclass(frozen=True)
class Moment:
    """Where the clock is at one frame."""

    frame: int
    epoch_index: int
    epoch: Epoch
    local: float  # 0..1 through the epoch
    year: float
    year_phase: float  # 0..1, 0 = 1 January
    day_phase: float  # 0..1

    @property
    def season(self) -> float:
        """+1 in January (northern winter) .. -1 in July."""
        return math.cos(2.0 * math.pi * self.year_phase)

    def ramped(self) -> dict[str, float]:
        return {k: a + (b - a) * self.local for k, (a, b) in self.epoch.ramp.items()}


class Timeline:
    def __init__(self, epochs: list[Epoch]):
        if not epochs:
            raise ValueError("a story needs at least one epoch")
        self.epochs = epochs
        self.starts: list[int] = []
        n = 0
        for e in epochs:
            self.starts.append(n)
            n += e.frames
        self.total_frames = n

    def epoch_index(self, frame: int) -> int:
        idx = 0
        for i, s in enumerate(self.starts):
            if frame >= s:
                idx = i
        return idx

    def moment(self, frame: int) -> Moment:
        i = self.epoch_index(frame)
        e = self.epochs[i]
        k = frame - self.starts[i]  # may run past the end of the last epoch: the clock goes on
        local = min(k / e.frames, 1.0) if e.frames else 1.0
        year = e.years[0] + e.years_per_frame * k
        if e.frames_per_year:
            year_phase = (self._frames_in_cycle(i, k, "frames_per_year")) % 1.0
        else:
            year_phase = year % 1.0
        if e.frames_per_day:
            day_phase = (self._frames_in_cycle(i, k, "frames_per_day")) % 1.0
        else:
            day_phase = (year * 365.25) % 1.0 if abs(e.years_per_frame) < 1.0 else 0.0
        return Moment(frame, i, e, local, year, year_phase, day_phase)

    def _frames_in_cycle(self, i: int, k: int, attr: str) -> float:
        """Cycles elapsed since the start of the story, counting only epochs that set `attr`,
        so the season does not jump at an epoch boundary."""
        cycles = 0.0
        for j in range(i):
            per = getattr(self.epochs[j], attr)
            if per:
                cycles += self.epochs[j].frames / per
        return cycles + k / getattr(self.epochs[i], attr)

    def frame_of_year(self, year: float) -> int:
        """The first frame at or after `year` (clamped to the story)."""
        for s, e in zip(self.starts, self.epochs, strict=True):
            a, b = e.years
            if (a <= year <= b) or (b <= year <= a):
                return s + int(math.ceil((year - a) / e.years_per_frame - 1e-9))
        if year < self.epochs[0].years[0]:
            return 0
        return self.total_frames


def format_year(year: float) -> str:
    """A label for a story year: '4.50 Gyr ago', '230 Myr ago', '12 kyr ago', '1850 CE'."""
    if year >= 0:
        return f"{year:.0f} CE"
    ago = -year
    if ago >= 1e9:
        return f"{ago / 1e9:.2f} Gyr ago"
    if ago >= 1e6:
        return f"{ago / 1e6:.0f} Myr ago"
    if ago >= 1e4:
        return f"{ago / 1e3:.0f} kyr ago"
    return f"{int(round(ago))} BCE" if ago >= 1 else "0 CE"
