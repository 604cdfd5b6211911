"""Errors that reach a person. Each carries one line that says what is wrong and what to do."""

from __future__ import annotations


class PlanetsimError(Exception):
    """A problem with the user's input or environment; the CLI prints it as one line, exit 2."""

    exit_code = 2


class ContextError(PlanetsimError):
    """No OpenGL 3.3 context could be made."""


class ShaderError(PlanetsimError):
    """A shader failed to compile or link; the message names the original file and line."""

    exit_code = 1


class FieldError(PlanetsimError, ValueError):
    """An array handed to a field does not fit it."""


class PresetError(PlanetsimError):
    """A preset file or table is malformed; the message names the key and line."""


class UniformError(PlanetsimError, KeyError):
    """An unknown uniform name or a value of the wrong type."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""
