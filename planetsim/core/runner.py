"""The one generic pass runner: binds a declaration's input fields to named texture units,
sets its uniforms, draws a full-screen triangle into its output fields' back textures
(several render targets at once) and swaps them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import moderngl
import numpy as np

from .fields import Field
from .passes import GLOBALS, PassDecl, Uniform
from .shaders import assemble, compile_program, uniform


@dataclass
class CompiledPass:
    decl: PassDecl
    program: moderngl.Program
    vao: moderngl.VertexArray
    units: dict[str, int]  # field name -> texture unit, from the declaration's order
    uniforms: list[Uniform]  # declared + global uniforms active in the program
    last: dict[str, object] = field(default_factory=dict)  # values already on the GPU


class PassRunner:
    def __init__(self, ctx: moderngl.Context, fields: Mapping[str, Field]):
        self.ctx = ctx
        self.fields = fields
        self._compiled: dict[str, CompiledPass] = {}
        self._fbos: dict[tuple[int, ...], moderngl.Framebuffer] = {}
        # What was bound before us; rebound before our framebuffers are deleted, since moderngl
        # rebinds the context's current framebuffer after creating one.
        if not isinstance(ctx.extra, dict):
            ctx.extra = {}
        self._outer_fbo = ctx.extra.setdefault(
            "planetsim_default_fbo", ctx.screen or ctx.detect_framebuffer(0)
        )

    def compile(self, decl: PassDecl) -> CompiledPass:
        cp = self._compiled.get(decl.name)
        if cp is not None and cp.decl is decl:
            return cp
        src = assemble(decl.shader, decl.header(), f"<declaration of pass '{decl.name}'>")
        prog = compile_program(self.ctx, src, decl.name)
        units = {}
        for unit, name in enumerate(decl.reads):
            units[name] = unit
            if f"t_{name}" in prog:
                uniform(prog, f"t_{name}").value = unit
        active = [u for u in (*GLOBALS, *decl.uniforms) if u.glsl in prog]
        vao = self.ctx.vertex_array(prog, [])
        cp = CompiledPass(decl, prog, vao, units, active)
        self._compiled[decl.name] = cp
        return cp

    def _fbo(self, textures: list[moderngl.Texture]) -> moderngl.Framebuffer:
        key = tuple(t.glo for t in textures)
        fbo = self._fbos.get(key)
        if fbo is None:
            fbo = self.ctx.framebuffer(color_attachments=textures)
            self._fbos[key] = fbo
        return fbo

    def run(
        self,
        decl: PassDecl,
        values: Mapping[str, object],
        targets: list[moderngl.Texture] | None = None,
        into: moderngl.Framebuffer | None = None,
        textures: Mapping[str, moderngl.Texture] | None = None,
    ) -> None:
        """Run `decl` once. `values` maps uniform names to values (missing: the default).
        With `targets` (textures) or `into` (a framebuffer the caller owns, drawn as it is:
        no framebuffer of ours to cache or forget), draw a view and leave the fields
        unswapped. `textures`: inputs that are not fields (a view's baked pattern), by the
        name the declaration reads them under."""
        cp = self.compile(decl)
        prog = cp.program
        for u in cp.uniforms:
            v = values.get(u.name, u.default)
            if cp.last.get(u.name, _UNSET) != v:
                target = uniform(prog, u.glsl)
                if u.type.endswith("]"):  # an array: as many elements as the program keeps
                    flat = np.asarray(v, np.float32).ravel()
                    per = flat.size // max(int(u.type.split("[")[1][:-1]), 1)
                    target.write(flat[: per * target.array_length].tobytes())
                else:
                    target.value = int(bool(v)) if u.type == "bool" else v
                cp.last[u.name] = v
        for name, unit in cp.units.items():
            if textures is not None and name in textures:
                textures[name].use(location=unit)
            else:
                self.fields[name].front.use(location=unit)
        if into is not None:
            fbo = into
        else:
            outs = targets if targets is not None else [self.fields[n].back for n in decl.writes]
            fbo = self._fbo(outs)
        fbo.use()
        fbo.viewport = (0, 0, *fbo.size)
        cp.vao.render(moderngl.TRIANGLES, vertices=3)
        if targets is None and into is None:
            for n in decl.writes:
                self.fields[n].swap()

    def release(self) -> None:
        if self._outer_fbo is not None:
            self._outer_fbo.use()
        for fbo in self._fbos.values():
            fbo.release()
        for cp in self._compiled.values():
            cp.vao.release()
            cp.program.release()
        self._fbos.clear()
        self._compiled.clear()


_UNSET = object()
