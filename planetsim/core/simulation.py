"""Simulation: owns the GL context, the fields, the passes and the clock, and runs the story.

    sim = planetsim.Simulation(preset="quick", size=(128, 64), seed=1)
    sim.step(10)                      # ten frames of the story's current epoch
    sim.run_stage("erosion")          # one sim step of one stage, whatever the epoch
    sim.run_pass("lake_fill")         # one pass
    sim.set_uniform("season", 1.0)
    elev = sim.field("terrain").read()[..., 0]

The core imports neither glfw nor imageio: windows and exporters only read fields.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import moderngl
import numpy as np

from ..analysis.grid import Grid
from .context import create_context, renderer_info
from .errors import PlanetsimError, UniformError
from .fields import FIELDS, Field, texel_load
from .limits import check_grid
from .passes import PassDecl, Stage, Step
from .presets import Preset, load
from .registry import PASSES, STAGES, STATE_HOOKS, STORY_ORDER, all_uniforms
from .runner import PassRunner
from .timeline import Epoch, Moment, Timeline, format_year

OBLIQUITY_DEG = 23.44


class Simulation:
    def __init__(
        self,
        preset: str | Path | Preset = "quick",
        size: tuple[int, int] | None = None,
        seed: int | None = None,
        *,
        ctx: moderngl.Context | None = None,
        backend: str = "egl",
        metric: str | None = None,
    ):
        self.preset = preset if isinstance(preset, Preset) else load(preset)
        w, h = size if size is not None else self.preset.size
        try:
            self.grid = Grid(int(w), int(h), self.preset.radius)
        except ValueError as exc:
            raise PlanetsimError(f"bad grid size: {exc}") from None
        self.seed = int(self.preset.seed if seed is None else seed)
        if not 0 <= self.seed < 2**31:
            raise PlanetsimError(f"seed must be in [0, 2^31), got {self.seed}")
        self.metric = metric or self.preset.metric
        self.ctx = ctx if ctx is not None else create_context(backend)
        self._own_ctx = ctx is None
        try:  # before any field is made: a grid too large for the driver or the memory
            what = f"grid {w}x{h}" if size is not None else (
                f"grid {w}x{h} of preset '{self.preset.name}'"
            )  # fmt: skip
            texels, widest = texel_load()
            check_grid(self.ctx, self.grid.size, texels, what, widest=widest)
        except BaseException:
            if self._own_ctx:
                self.ctx.release()
            raise
        self.timeline: Timeline = self.preset.timeline
        self.uniform_decls = all_uniforms()
        self.fields: dict[str, Field] = {
            name: Field(self.ctx, spec, spec.size_for(self.grid.size))
            for name, spec in FIELDS.items()
        }
        self.runner = PassRunner(self.ctx, self.fields)
        # Front ends' GPU resources (the views' targets, text textures) released on close().
        self.on_close: list[Callable[[], None]] = []
        self.values: dict[str, Any] = {}
        try:
            self.reset(self.seed)
        except BaseException:
            self.close()  # a bad start (an unreadable heightmap) leaves no GL objects behind
            raise

    # ---- state -----------------------------------------------------------------------------
    def reset(self, seed: int | None = None) -> None:
        """Back to frame 0 with all fields cleared (optionally with a new seed)."""
        if seed is not None:
            self.seed = int(seed)
        for f in self.fields.values():
            f.clear()
        self.frame = 0
        self.substep = 0  # sim steps already run within the current frame (see advance)
        self.step_count = 0
        self.land_version = 0  # bumped when the land/ocean layout may have moved
        self.start_terrain = False  # the terrain is the user's own (a heightmap start)
        self._stage_started: set[str] = set()
        self._last_ran: dict[tuple[str, int], int] = {}
        # Runs of each stage: Step.every counts these, not the global step counter, so a
        # stage run on its own (run_stage) keeps its own rhythm.
        self._stage_runs: dict[str, int] = {}
        self.values = {name: u.default for name, u in self.uniform_decls.items()}
        for table in self.preset.params.values():
            self.values.update(table)
        self.values.update(
            size=self.grid.size,
            seed=self.seed,
            radius=self.grid.radius,
            metric_flat=self.metric == "flat",
        )
        self._apply_moment(self.moment)
        if self.preset.start.get("heightmap"):
            self._apply_start(self.preset.start)

    def _apply_start(self, start: dict[str, Any]) -> None:
        """The preset's [start] table: a heightmap or land mask instead of the protoplanet
        (a relative path is relative to the preset file)."""
        from .heightmap import apply_heightmap

        path = Path(start["heightmap"]).expanduser()
        if not path.is_absolute() and self.preset.path is not None:
            path = self.preset.path.parent / path
        apply_heightmap(
            self,
            path,
            sea_level=float(start.get("sea_level", 0.0)),
            elevation_range=tuple(start.get("elevation_range", (-4000.0, 4000.0))),
            land_fraction=start.get("land_fraction"),
        )

    def keep_start_terrain(self) -> None:
        """Count as begun every stage whose one-time init would only paint new elevation over
        a start terrain the user gave (relief noise, the first craters): the story then starts
        from that terrain. Stages whose init does more (seeding plates) still run it."""

        def paints_elevation(pass_name: str) -> bool:
            return any(
                f.field == "terrain" and f.writes and "x" in f.channels
                for f in PASSES[pass_name].fields
            )

        for st in STAGES.values():
            if st.init and all(paints_elevation(s.pass_name) for s in st.init):
                self._stage_started.add(st.name)
        # Stages that derive their own state from the terrain (the plates' crust) read this.
        self.start_terrain = True

    @property
    def moment(self) -> Moment:
        return self.timeline.moment(self.frame)

    @property
    def year(self) -> float:
        return self.moment.year

    @property
    def year_label(self) -> str:
        return format_year(self.year)

    @property
    def epoch(self) -> Epoch:
        return self.moment.epoch

    @property
    def renderer(self) -> str:
        return renderer_info(self.ctx)["renderer"]

    def field(self, name: str) -> Field:
        try:
            return self.fields[name]
        except KeyError:
            raise PlanetsimError(
                f"unknown field '{name}' (fields: {', '.join(self.fields)})"
            ) from None

    def uniform(self, name: str) -> Any:
        if name not in self.values:
            raise UniformError(f"unknown uniform '{name}'")
        return self.values[name]

    def set_uniform(self, name: str, value: Any) -> None:
        """Set any declared uniform (checked by name and type). Ramped uniforms are set again
        by the story at the next frame."""
        decl = self.uniform_decls.get(name)
        if decl is None:
            known = ", ".join(sorted(self.uniform_decls))
            raise UniformError(f"unknown uniform '{name}' (declared: {known})")
        try:
            self.values[name] = decl.check(value)
        except (TypeError, ValueError) as exc:
            raise UniformError(str(exc)) from None
        if name == "sea_level":
            self.land_version += 1

    def stage_runs(self, name: str) -> int:
        """How many sim steps stage `name` has run (Step.every counts these)."""
        return self._stage_runs.get(name, 0)

    def mark_land_changed(self) -> None:
        """Tell land-dependent passes (the pressure maps) to recompute."""
        self.land_version += 1

    # ---- running ---------------------------------------------------------------------------
    def step(self, frames: int = 1) -> None:
        """Advance the story by `frames` frames; each runs the current epoch's stages
        steps_per_frame times (finishing the current frame first if advance() left it
        part-way)."""
        for _ in range(int(frames)):
            m = self.moment
            if self.substep == 0:
                self._apply_moment(m)
            while self.substep < m.epoch.steps_per_frame:
                self._story_step(m)
            self.substep = 0
            self.frame += 1
        self._apply_moment(self.moment)

    def advance(self, steps: int) -> None:
        """Run `steps` sim steps of the story, crossing frames as the epochs say: a window
        spreads a frame's steps over several displayed frames. Ending on a frame boundary
        gives the same bits as step(frames)."""
        for _ in range(int(steps)):
            m = self.moment
            if m.epoch.steps_per_frame == 0:  # a frame without sim steps
                self.step(1)
                continue
            if self.substep == 0:
                self._apply_moment(m)
            self._story_step(m)
            if self.substep >= m.epoch.steps_per_frame:
                self.substep = 0
                self.frame += 1
                self._apply_moment(self.moment)

    def _story_step(self, m: Moment) -> None:
        for name in self._ordered(m.epoch.stages):
            self._run_stage_once(STAGES[name])
        self.step_count += 1
        self.substep += 1

    def run_stage(self, name: str, steps: int = 1) -> None:
        """Run one stage's schedule for `steps` sim steps, whatever the epoch."""
        st = STAGES.get(name)
        if st is None:
            raise PlanetsimError(f"unknown stage '{name}' (stages: {', '.join(STAGES)})")
        for _ in range(int(steps)):
            self._run_stage_once(st)
            self.step_count += 1

    def run_pass(self, name: str, repeat: int = 1) -> None:
        """Run one pass `repeat` times (each counts as a sim step for the random streams)."""
        decl = PASSES.get(name)
        if decl is None:
            raise PlanetsimError(f"unknown pass '{name}' (passes: {', '.join(PASSES)})")
        for _ in range(int(repeat)):
            self._run(decl)
            self.step_count += 1

    def run_decl(self, decl: PassDecl, repeat: int = 1) -> None:
        """Run a pass declaration that need not be registered (a developer's own pass)."""
        for _ in range(int(repeat)):
            self._run(decl)
            self.step_count += 1

    def finish(self) -> None:
        """Wait for the GPU (for timing); the stepping loop itself never syncs."""
        self.ctx.finish()

    # ---- internals -------------------------------------------------------------------------
    @staticmethod
    def _ordered(names: tuple[str, ...] | list[str]) -> list[str]:
        return [n for n in STORY_ORDER if n in names]

    def _apply_moment(self, m: Moment) -> None:
        e = m.epoch
        dt = e.years_per_frame / max(e.steps_per_frame, 1)
        self.values.update(
            frame=m.frame,
            year=m.year,
            dt=dt,
            year_phase=m.year_phase,
            season=m.season,
            day_phase=m.day_phase,
        )
        for k, v in e.set.items():
            self.values[k] = v
        for k, v in m.ramped().items():
            if k == "sea_level" and v != self.values.get(k):
                self.land_version += 1
            self.values[k] = v
        # The subsolar point: declination follows the season (south in January), longitude
        # turns with the day (noon at longitude 0 when day_phase = 0.5).
        decl = -math.radians(OBLIQUITY_DEG) * m.season
        lon = math.pi - 2.0 * math.pi * m.day_phase
        self.values["sun_dir"] = (
            math.cos(decl) * math.cos(lon),
            math.cos(decl) * math.sin(lon),
            math.sin(decl),
        )

    def _run(self, decl: PassDecl) -> None:
        self.values["step"] = self.step_count
        self.runner.run(decl, self.values)

    def _due(self, st: Stage, i: int, s: Step) -> bool:
        every = s.every if isinstance(s.every, int) else int(self.values[s.every])
        if every > 1 and self._stage_runs.get(st.name, 0) % every:
            return False
        if s.when is not None and s.when.startswith("nonzero:"):
            # A pass that changes nothing while a uniform is 0 (impacts at impact_rate 0).
            return bool(self.values[s.when[8:]])
        if s.when == "land_changed":
            key = (st.name, i)
            if self._last_ran.get(key) == self.land_version:
                return False
            self._last_ran[key] = self.land_version
        return True

    def _run_stage_once(self, st: Stage) -> None:
        if st.name not in self._stage_started:
            self._stage_started.add(st.name)
            for s in st.init:
                for _ in range(s.repeat):
                    self._run(PASSES[s.pass_name])
            if st.moves_land:
                self.land_version += 1
        if st.hook is not None:  # after init: the hook sees the stage's first state
            st.hook(self)
        for i, s in enumerate(st.steps):
            if self._due(st, i, s):
                for _ in range(s.repeat):
                    self._run(PASSES[s.pass_name])
        if st.moves_land:
            self.land_version += 1
        self._stage_runs[st.name] = self._stage_runs.get(st.name, 0) + 1

    # ---- state for checkpoints -------------------------------------------------------------
    def get_state(self) -> dict[str, Any]:
        """Everything needed to continue bit for bit: the clock, the stage bookkeeping, the
        uniform values (JSON-able) and every field's current texture (float32 (H, W, 4))."""
        return {
            "frame": self.frame,
            "step_count": self.step_count,
            "substep": self.substep,
            "land_version": self.land_version,
            "start_terrain": self.start_terrain,
            "stage_started": sorted(self._stage_started),
            "last_ran": [[st, i, v] for (st, i), v in sorted(self._last_ran.items())],
            "stage_runs": dict(sorted(self._stage_runs.items())),
            "values": {k: list(v) if isinstance(v, tuple) else v for k, v in self.values.items()},
            "fields": {name: f.read() for name, f in self.fields.items()},
            "extra": {
                name: got
                for name, (get, _) in STATE_HOOKS.items()
                if (got := get(self)) is not None
            },
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore what get_state() returned (fields missing from `state` are cleared)."""
        self.frame = int(state["frame"])
        self.step_count = int(state["step_count"])
        self.substep = int(state.get("substep", 0))
        self.land_version = int(state["land_version"])
        self.start_terrain = bool(state.get("start_terrain", False))
        self._stage_started = set(state["stage_started"])
        self._last_ran = {(str(st), int(i)): int(v) for st, i, v in state["last_ran"]}
        self._stage_runs = {str(k): int(v) for k, v in state.get("stage_runs", {}).items()}
        # JSON keeps int/float/bool apart; vectors come back as lists.
        self.values = {
            k: tuple(v) if isinstance(v, list) else v for k, v in state["values"].items()
        }
        arrays = state.get("fields", {})
        for name, f in self.fields.items():
            if name in arrays:
                f.write(np.asarray(arrays[name], np.float32))
            else:
                f.clear()
        extra = state.get("extra", {})
        for name, (_, put) in STATE_HOOKS.items():
            put(self, extra.get(name))

    # ---- convenience -----------------------------------------------------------------------
    def elevation(self) -> np.ndarray:
        """(H, W) elevation, m."""
        return self.field("terrain").read()[..., 0]

    def close(self) -> None:
        for release in self.on_close:
            release()
        self.on_close.clear()
        self.runner.release()
        for f in self.fields.values():
            f.release()
        if self._own_ctx:
            self.ctx.release()

    def __enter__(self) -> Simulation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
