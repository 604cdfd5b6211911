"""planetsim: a GPU planetary evolution simulator (moderngl + GLSL, numpy in and out)."""

from ._version import __version__
from .analysis.grid import Grid
from .core.errors import ContextError, FieldError, PlanetsimError, PresetError, ShaderError
from .core.passes import FieldUse, PassDecl, Stage, Step, Uniform
from .core.registry import PASSES, STAGES
from .core.simulation import Simulation
from .core.timeline import format_year

# The composition root: the one place that names the built-in stages. Importing the
# package registers them (planetsim.core.registry); the core itself names none.
from . import stages  # noqa: E402,F401  isort: skip

__all__ = [
    "PASSES",
    "STAGES",
    "ContextError",
    "FieldError",
    "FieldUse",
    "Grid",
    "PassDecl",
    "PlanetsimError",
    "PresetError",
    "ShaderError",
    "Simulation",
    "Stage",
    "Step",
    "Uniform",
    "__version__",
    "format_year",
]
