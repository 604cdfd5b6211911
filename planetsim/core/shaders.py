"""Shader sources: `#include "lib/..."` resolved recursively (each file once), a generated
declaration header injected after `#version`, and compile errors mapped back to the original
file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import moderngl

from .errors import ShaderError
from .resources import shaders_dir


def uniform(prog: moderngl.Program, name: str) -> moderngl.Uniform:
    """A program's uniform by its GLSL name (moderngl's lookup may also give attributes)."""
    u = prog[name]
    if not isinstance(u, moderngl.Uniform):
        raise KeyError(f"'{name}' is not a uniform of this program")
    return u


GLSL_VERSION = "#version 330 core"

_INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"\s*$')

# Full-screen triangle from gl_VertexID: no vertex buffer needed.
FULLSCREEN_VS = """#version 330 core
out vec2 v_uv;
void main() {
    vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
    v_uv = p;
    gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
"""


@dataclass
class Source:
    text: str
    origin: list[tuple[str, int]]  # for each line of text: (file shown to people, line number)

    def where(self, line: int) -> str:
        if 1 <= line <= len(self.origin):
            f, n = self.origin[line - 1]
            return f"{f}:{n}"
        return f"<line {line}>"


def _display(path: Path) -> str:
    root = shaders_dir()
    try:
        return "shaders/" + path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def resolve_path(name: str | Path, relative_to: Path | None = None) -> Path:
    p = Path(name)
    if p.is_absolute():
        return p
    if relative_to is not None and (relative_to / p).is_file():
        return relative_to / p
    return shaders_dir() / p


def assemble(path: str | Path, header: str = "", header_name: str = "<generated>") -> Source:
    """Read a shader file, resolve its includes and put `header` after the version line."""
    lines: list[str] = [GLSL_VERSION]
    origin: list[tuple[str, int]] = [(header_name, 0)]
    for i, line in enumerate(header.splitlines(), 1):
        lines.append(line)
        origin.append((header_name, i))
    seen: set[Path] = set()

    def visit(p: Path, stack: tuple[str, ...]) -> None:
        p = p.resolve()
        if p in seen:
            return
        seen.add(p)
        shown = _display(p)
        try:
            text = p.read_text()
        except OSError as exc:
            where = f" (included from {stack[-1]})" if stack else ""
            raise ShaderError(f"cannot read shader {shown}{where}: {exc.strerror}") from None
        for n, line in enumerate(text.splitlines(), 1):
            m = _INCLUDE.match(line)
            if m:
                visit(resolve_path(m.group(1), p.parent), (*stack, f"{shown}:{n}"))
                continue
            if line.lstrip().startswith("#version"):
                continue  # the assembler owns the version line
            lines.append(line)
            origin.append((shown, n))

    visit(resolve_path(path), ())
    return Source("\n".join(lines) + "\n", origin)


# Driver messages name lines as "0:12(5)" (Mesa), "0(12)" (NVIDIA) or "ERROR: 0:12:" (others).
_LOC = re.compile(r"\b0(?::(\d+)\(\d+\)|\((\d+)\)|:(\d+):)")


def map_log(log: str, src: Source) -> str:
    def repl(m: re.Match[str]) -> str:
        n = int(next(g for g in m.groups() if g))
        return src.where(n) + ":"

    out = []
    for line in log.splitlines():
        line = line.strip()
        if not line or set(line) <= {"="} or line in ("GLSL Compiler failed", "fragment_shader"):
            continue
        out.append(_LOC.sub(repl, line, count=1))
    return "\n".join(out)


def compile_program(ctx: moderngl.Context, src: Source, name: str) -> moderngl.Program:
    try:
        return ctx.program(vertex_shader=FULLSCREEN_VS, fragment_shader=src.text)
    except moderngl.Error as exc:
        detail = map_log(str(exc), src)
        first = detail.splitlines()[0] if detail else "unknown error"
        raise ShaderError(f"shader '{name}' failed to build: {first}\n{detail}") from None
