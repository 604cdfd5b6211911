"""planetsim: a GPU planetary evolution simulator (moderngl + GLSL, numpy in and out)."""

from ._version import __version__
from .analysis.grid import Grid
from .errors import ContextError, FieldError, PlanetsimError, PresetError, ShaderError
from .passes import PASSES, STAGES, FieldUse, PassDecl, Stage, Step, Uniform
from .simulation import Simulation
from .timeline import format_year

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
