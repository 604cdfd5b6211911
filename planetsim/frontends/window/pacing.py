"""Frame pacing: how many sim steps each window frame runs, and at what fraction of the
window's size the picture is drawn, so the window keeps its frame rate and the story slows
down instead."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...core.simulation import Simulation


class Pacer:
    """How many sim steps the next window frame runs.

    `want` steps per frame come from the epoch and the speed (fractions carry over to the next
    frame). In adaptive mode a budget caps them: a frame that came late (over 1.25 x the
    target period: a missed refresh) shrinks the budget in proportion; a capped frame whose
    work took under 80% of the period grows it by a few percent. The work time is measured
    up to the buffer swap, since with vsync the swap itself waits for the display and says
    nothing about headroom. The story slows down rather than the window, and debt is never
    carried over: a slow GPU plays the story slower, it does not stutter to catch up.
    """

    LATE = 1.25
    ROOM = 0.8

    def __init__(self, target_s: float, adaptive: bool = True, max_steps: int = 4096):
        self.target_s = target_s
        self.adaptive = adaptive
        self.max_steps = max_steps
        self.budget = 2.0
        self._carry = 0.0
        self._capped = False

    def reset(self) -> None:
        self._carry = 0.0
        self._capped = False

    def plan(self, want: float) -> int:
        self._carry += max(want, 0.0)
        n = int(self._carry)
        self._carry -= n
        self._capped = False
        if self.adaptive and n > self.budget:
            n = max(1, int(self.budget))
            self._capped = True
        return min(n, self.max_steps)

    def record(self, frame_s: float, steps: int, work_s: float | None = None) -> None:
        """Tell the pacer how a frame that ran `steps` steps went: `frame_s` from its start to
        after the swap, `work_s` to just before the swap (default: frame_s)."""
        if not self.adaptive or steps <= 0:
            return
        work_s = frame_s if work_s is None else work_s
        if frame_s > self.LATE * self.target_s:
            scale = max(0.5, 0.95 * self.target_s / frame_s)
            self.budget = max(1.0, min(self.budget, steps) * scale)
        elif self._capped and work_s < self.ROOM * self.target_s:
            self.budget = min(float(self.max_steps), self.budget * 1.05 + 0.25)


class Resolution:
    """The fraction of the window's size that the picture is drawn at (then stretched to the
    window). Adaptive: a late frame that drew the picture while the pacer was already at one
    sim step lowers it (the picture's cost goes with its pixels, the square of the scale); a
    frame with room to spare raises it one notch. Scales are sixteenths, so a window sees
    only a few picture sizes."""

    NOTCH = 1.0 / 16.0

    def __init__(self, scale: float | None, low: float = 0.25):
        self.adaptive = scale is None
        self.high = 1.0 if scale is None else scale
        self.low = min(low, self.high)
        self.scale = self.high

    def record(self, frame_s: float, target_s: float, at_min_steps: bool) -> None:
        if not self.adaptive:
            return
        if frame_s > Pacer.LATE * target_s and at_min_steps:
            want = self.scale * math.sqrt(0.9 * target_s / frame_s)
            self.scale = max(self.low, math.floor(want / self.NOTCH) * self.NOTCH)
        elif frame_s < 0.5 * target_s:
            self.scale = min(self.high, self.scale + self.NOTCH)


def advance(sim: Simulation, steps: int, substep: int) -> int:
    """Run `steps` sim steps of the story from `substep` steps into the current frame and
    return the new substep (Simulation.advance does the work; a window run that ends on a
    frame boundary is the same, bit for bit, as sim.step(frames))."""
    sim.substep = substep
    sim.advance(steps)
    return sim.substep
