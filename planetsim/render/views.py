"""The map and globe views: render passes (PassDecls with stage "render") run through the
simulation's runner into an RGBA8 target of any size, then the year label and the legend
(Pillow text) composited over it on the GPU. Views read fields and never change them."""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import moderngl
import numpy as np

from ..core.errors import PlanetsimError
from ..core.limits import check_picture
from ..core.passes import PassDecl
from ..core.shaders import assemble, compile_program, uniform
from . import readback, text
from .camera import Camera, day_camera
from .clouds import cloud_texture
from .decls import BAKED, OVERLAYS, VIEWS, bake_decl, overlay_bits, view_decl
from .layers import BIOMES, LAYERS, Layer, get_layer, legend_labels, legend_range, life_max
from .targets import TargetCache

if TYPE_CHECKING:
    from ..core.simulation import Simulation

PICTURE_TARGETS = 3  # picture sizes the views keep (render_texture's textures live this long)
LIGHT_PIXELS = 3.0  # night lights' lattice spacing in pixels at the disc's centre


def light_spacing(cam: Camera, height: int) -> float:
    """The night lights' lattice spacing on the unit sphere (shaders/render/lights.glsl): that
    of LIGHT_PIXELS pixels at the point of the sphere nearest the camera, so the settlements
    are drawn at the picture's resolution whatever the grid's, and fixed on the sphere while
    the camera turns (the spacing changes only with the zoom and the picture's size)."""
    d = max(cam.distance, 1.01)
    # The picture spans 2 tan(fov/2) times the distance: to the sphere's nearest point in
    # perspective, to the centre in orthographic projection.
    depth = d if cam.ortho else d - 1.0
    footprint = 2.0 * depth * math.tan(math.radians(cam.fov) / 2.0) / max(height, 1)
    return max(LIGHT_PIXELS * footprint, 1e-5)


# The uniforms the view bake depends on (with the fields it reads: Views.bake's cache key).
_BAKE_VALUES = ("sea_level", "river_min", "flow_max", "radius", "metric_flat")


class Views:
    """A simulation's view resources: target textures by size, text textures, the compositing
    program and the field arrays its legends were computed from (one readback per field
    version). One per Simulation (views_of), released when the simulation closes."""

    def __init__(self, sim: Simulation):
        self.sim = sim
        self.ctx = sim.ctx
        # Pictures by size (a window being resized asks for many: keep a few) and the legends'
        # one-row colour bars apart from them, so drawing a legend in the middle of a frame
        # can never release the frame's own target.
        self.targets = TargetCache(self.ctx, PICTURE_TARGETS)
        self.bar_targets = TargetCache(self.ctx, 4)
        self._images: dict[str, tuple[Any, moderngl.Texture]] = {}
        self._bars: dict[tuple[Any, ...], np.ndarray] = {}
        # Linear filtering for the views' reads (fields themselves are NEAREST for the passes):
        # bound over the field textures' units while a view draws, then cleared.
        self._linear = self.ctx.sampler(
            filter=(moderngl.LINEAR, moderngl.LINEAR), repeat_x=True, repeat_y=False
        )
        self._blit: moderngl.Program | None = None
        self._blit_vao: moderngl.VertexArray | None = None
        self._cloud_noise: moderngl.Texture | None = None
        self._lit = False  # any night light seen (any_light)
        self._baked: dict[str, moderngl.Texture] = {}
        self._bake_fbo: moderngl.Framebuffer | None = None
        self._bake_key: tuple[Any, ...] | None = None

    def cloud_noise(self) -> moderngl.Texture:
        """The globe's cloud pattern (planetsim.render.clouds), uploaded once per context."""
        if self._cloud_noise is None:
            self._cloud_noise = cloud_texture(self.sim)
        return self._cloud_noise

    def any_light(self) -> bool:
        """Whether any cell has had night light (civ.w): a readback per version of the field
        until one has (then the lights stay compiled in, and nothing is read back for this)."""
        if not self._lit:
            self._lit = bool(self.field_array("civ")[..., 3].max() > 0.0)
        return self._lit

    def baked(self) -> dict[str, moderngl.Texture]:
        """The view bake's grid-sized textures (render/bake.frag), made on first use."""
        if not self._baked:
            size = self.sim.grid.size
            for name in BAKED:
                tex = self.ctx.texture(size, 4, dtype="f4")
                tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
                self._baked[name] = tex
            before = self.ctx.fbo
            self._bake_fbo = self.ctx.framebuffer(color_attachments=list(self._baked.values()))
            if before is not None:  # moderngl binds the new framebuffer: leave bound what was
                before.use()
        return self._baked

    def bake(self, vals: dict[str, Any], rivers: bool) -> None:
        """Gather what the views read from the fields into the baked textures before a view
        draws (a picture's pixels then fetch a few packed textures); the river network only
        where rivers are drawn. Baked again only when a field it reads or a uniform it uses
        changed since (the fields' versions): the views of one state share one bake."""
        self.baked()
        decl = bake_decl(rivers)
        key = (
            rivers,
            tuple(self.sim.fields[n].version for n in decl.reads),
            tuple(repr(vals.get(u)) for u in _BAKE_VALUES),
        )
        if key == self._bake_key:
            return
        self._bake_key = None  # until the bake has run
        before = self.ctx.fbo
        try:
            self.sim.runner.run(decl, vals, into=self._bake_fbo)
            self._bake_key = key
        finally:
            if before is not None:  # as render_into: leave bound what was
                before.use()

    # ---- data for legends and colour scales ---------------------------------------------------
    def field_array(self, name: str) -> np.ndarray:
        return readback.field_array(self.sim, name)

    def uniforms(
        self,
        view: str,
        lay: Layer,
        size: tuple[int, int],
        camera: Camera | None,
        overlays: Iterable[str] | None,
        time: float | None,
    ) -> dict[str, Any]:
        sim = self.sim
        w, h = size
        bits = overlay_bits(view, overlays)
        gw, gh = sim.grid.size
        vals = dict(sim.values)
        vals.update(
            river_min=max(4.0, 5e-4 * gw * gh),
            # Full green cover at half the life stage's plant capacity (where it is declared).
            plants_full=0.5 * float(sim.values.get("life_capacity", 1.0)),
            anim_time=float(sim.frame / 30.0 if time is None else time),
            bar=False,
        )
        if lay.name == "rivers":  # the layer's colours span the flows there are (a readback)
            vals["flow_max"] = max(float(self.field_array("water")[..., 0].max()), 1.0)
        elif bits & OVERLAYS["rivers"]:  # overlay widths: a fixed scale, no readback per frame
            vals["flow_max"] = 0.02 * gw * gh
        if lay.name == "life":
            vals["life_max"] = life_max(sim)
        if view == "map":
            mw = min(w, 2 * h)
            mh = mw // 2
            vals["map_rect"] = ((w - mw) / 2.0, (h - mh) / 2.0, float(mw), float(mh))
        else:
            cam = camera or day_camera(sim)  # by default the sunlit side
            for i, col in enumerate(cam.inverse_view_projection(w / h)):
                vals[f"inv_vp{i}"] = col
            vals["light_spacing"] = light_spacing(cam, h)
        return vals

    # ---- drawing ------------------------------------------------------------------------------
    def draw(
        self,
        tex: moderngl.Texture,
        fbo: moderngl.Framebuffer,
        view: str,
        layer: str,
        camera: Camera | None,
        label: bool,
        overlays: Iterable[str] | None,
        time: float | None,
        legend: bool | None = None,
    ) -> None:
        if view not in VIEWS:
            raise PlanetsimError(f"unknown view '{view}' (views: {', '.join(VIEWS)})")
        lay = get_layer(layer)
        size = tex.size
        vals = self.uniforms(view, lay, size, camera, overlays, time)
        molten = view == "globe" and float(vals.get("surface_heat", 0.0)) > 0.01
        lights = view == "globe" and lay.name in ("elevation", "biome") and self.any_light()
        bits = overlay_bits(view, overlays)
        self.bake(vals, lay.name == "rivers" or bool(bits & OVERLAYS["rivers"]))
        self.run(view_decl(view, lay.index, bits, molten, lights), vals, fbo)
        px = text.font_px(size[1])
        margin = max(px // 2, 4)
        if label:
            lab = text.label_image(self.sim.year_label, self.sim.epoch.name, px)
            self._composite(fbo, "label", lab, (margin, margin))
        if label if legend is None else legend:
            natural = view == "globe" and lay.name in ("elevation", "biome")
            leg = self.legend(LAYERS["biome"] if natural else lay, px)
            self._composite(fbo, "legend", leg, (margin, size[1] - leg.shape[0] - margin))

    def run(self, decl: PassDecl, vals: dict[str, Any], fbo: moderngl.Framebuffer) -> None:
        units = range(len(decl.reads))
        for u in units:
            self._linear.use(location=u)
        try:
            extra = {n: t for n, t in self.baked().items() if n in decl.reads}
            if "cloud_noise" in decl.reads:
                extra["cloud_noise"] = self.cloud_noise()
            self.sim.runner.run(decl, vals, into=fbo, textures=extra)
        finally:
            for u in units:
                self._linear.clear(location=u)

    def legend(self, lay: Layer, px: int) -> np.ndarray:
        lines = legend_labels(self.sim, lay.name)
        if lay.name == "biome":
            bar = self.bar(lay, 0.0, 1.0, len(BIOMES))
            rgb = [(int(r), int(g), int(b)) for r, g, b in bar[:, :3]]
            return text.legend_image(lines, px, swatches=list(zip(BIOMES, rgb, strict=True)))
        if lay.kind == "rgb":
            sw: list[tuple[str, tuple[int, int, int]]] = [
                ("plants", (40, 220, 40)),
                ("herbivores", (230, 40, 40)),
                ("carnivores", (50, 80, 240)),
            ]
            return text.legend_image(lines[:1], px, swatches=sw)
        if lay.kind == "categorical":
            return text.legend_image(lines, px)
        lo, hi = legend_range(self.sim, lay.name)
        return text.legend_image(lines, px, bar=self.bar(lay, lo, hi, 128), bar_width=10 * px)

    def bar(self, lay: Layer, lo: float, hi: float, n: int) -> np.ndarray:
        """The layer's colours from lo to hi, (n, 3) uint8, drawn by the map view itself so
        the legend can never disagree with the picture."""
        key = (lay.name, lo, hi, n, self.sim.values.get("sea_level"))
        got = self._bars.get(key)
        if got is None:
            vals = self.uniforms("map", lay, (n, 1), None, (), 0.0)
            if lay.log:  # log spacing cannot start at or below zero
                lo = max(lo, hi * 1e-4, 1e-3)
            vals.update(
                bar=True,
                bar_lo=lo,
                bar_hi=max(hi, lo),
                bar_log=lay.log,
                map_rect=(0.0, 0.0, float(n), 1.0),
            )
            tex, fbo = self.bar_targets.get((n, 1))
            self.run(view_decl("map", lay.index, 0), vals, fbo)
            got = np.frombuffer(tex.read(), np.uint8).reshape(n, 4)[:, :3].copy()
            if len(self._bars) > 64:
                self._bars.clear()
            self._bars[key] = got
        return got

    def _composite(
        self, fbo: moderngl.Framebuffer, slot: str, img: np.ndarray, at: tuple[int, int]
    ) -> None:
        """Blend an RGBA picture (top row first) over the frame, its top-left corner at `at`
        (pixels from the frame's top-left)."""
        ctx = self.ctx
        h, w = img.shape[:2]
        got = self._images.get(slot)
        key = (img.shape, hash(img.tobytes()))
        if got is None or got[0] != key:
            if got is not None:
                got[1].release()
            tex = ctx.texture((w, h), 4, np.ascontiguousarray(img).tobytes())
            tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
            got = (key, tex)
            self._images[slot] = got
        if self._blit is None:
            # The window's blit (shaders/ui/blit.frag) draws a texture into the viewport.
            self._blit = compile_program(ctx, assemble("ui/blit.frag"), "ui/blit")
            uniform(self._blit, "u_image").value = 0
            self._blit_vao = ctx.vertex_array(self._blit, [])
        fh = fbo.size[1]
        fbo.use()
        fbo.viewport = (at[0], fh - at[1] - h, w, h)
        got[1].use(location=0)
        uniform(self._blit, "u_flip").value = True
        ctx.enable(moderngl.BLEND)
        ctx.blend_func = moderngl.SRC_ALPHA, moderngl.ONE_MINUS_SRC_ALPHA
        assert self._blit_vao is not None
        self._blit_vao.render(moderngl.TRIANGLES, vertices=3)
        ctx.disable(moderngl.BLEND)
        fbo.viewport = (0, 0, *fbo.size)

    def release(self) -> None:
        self.targets.release()
        self.bar_targets.release()
        for _, tex in self._images.values():
            tex.release()
        self._images.clear()
        if self._blit_vao is not None:
            self._blit_vao.release()
        if self._blit is not None:
            self._blit.release()
        self._blit = self._blit_vao = None
        self._linear.release()
        if self._cloud_noise is not None:
            self._cloud_noise.release()
            self._cloud_noise = None
        if self._bake_fbo is not None:
            self._bake_fbo.release()
            self._bake_fbo = None
        self._bake_key = None
        for tex in self._baked.values():
            tex.release()
        self._baked.clear()
        readback.forget(self.sim)
        _VIEWS.pop(self.sim, None)


_VIEWS: weakref.WeakKeyDictionary[Simulation, Views] = weakref.WeakKeyDictionary()


def views_of(sim: Simulation) -> Views:
    v = _VIEWS.get(sim)
    if v is None:
        v = Views(sim)
        _VIEWS[sim] = v
        sim.on_close.append(v.release)
    return v


def _check_size(sim: Simulation, size: tuple[int, int]) -> tuple[int, int]:
    try:
        w, h = (int(s) for s in size)
    except (TypeError, ValueError):
        raise PlanetsimError(f"picture size must be (width, height), got {size!r}") from None
    if w < 1 or h < 1:
        raise PlanetsimError(f"picture size must be at least 1x1 pixels, got {w}x{h}")
    check_picture(sim.ctx, (w, h))  # the driver's limits, before a target is made
    return (w, h)


def render_texture(
    sim: Simulation,
    view: str = "globe",
    layer: str = "elevation",
    size: tuple[int, int] = (640, 360),
    camera: Camera | None = None,
    label: bool = True,
    *,
    overlays: Iterable[str] | None = None,
    time: float | None = None,
    legend: bool | None = None,
) -> moderngl.Texture:
    """Draw a view into an RGBA8 texture owned by the simulation's views; no readback. It
    stays valid until the next draw at the same size, or until PICTURE_TARGETS other sizes
    have been drawn since (the views keep that many sizes)."""
    v = views_of(sim)
    with v.targets.pinned(_check_size(sim, size)) as (tex, fbo):
        v.draw(tex, fbo, view, layer, camera, label, overlays, time, legend)
    return tex


def render_into(
    sim: Simulation,
    fbo: moderngl.Framebuffer,
    *,
    view: str = "globe",
    layer: str = "elevation",
    camera: Camera | None = None,
    label: bool = False,
    overlays: Iterable[str] | None = None,
    time: float | None = None,
    legend: bool | None = None,
) -> None:
    """Draw a view into the caller's framebuffer (its first colour attachment, any size)."""
    # Drawn straight into the caller's framebuffer: nothing of ours refers to its texture,
    # so the caller may release both whenever it likes.
    tex = fbo.color_attachments[0]
    if not isinstance(tex, moderngl.Texture):
        raise PlanetsimError(
            "render_into draws into a framebuffer whose first attachment is a texture"
        )
    before = sim.ctx.fbo
    try:
        views_of(sim).draw(tex, fbo, view, layer, camera, label, overlays, time, legend)
    finally:
        # Leave bound what was: moderngl rebinds the current framebuffer after making one,
        # and the caller's may be released by then.
        if before is not None:
            before.use()


def render_frame(
    sim: Simulation,
    view: str = "globe",
    layer: str = "elevation",
    size: tuple[int, int] = (640, 360),
    camera: Camera | None = None,
    label: bool = True,
    *,
    overlays: Iterable[str] | None = None,
    time: float | None = None,
    legend: bool | None = None,
) -> np.ndarray:
    """One picture of the planet as uint8 (height, width, 3), top row first.

    view: "globe" or "map"; the globe is seen by `camera`, by default from over the sunlit
    side (render.day_camera). layer: a name of LAYERS; on the globe "elevation" and "biome" show
    the natural planet, other layers are draped on the lit sphere. label: the year, epoch and
    legend. overlays: names of OVERLAYS (default: coastlines on maps, rivers on the globe).
    time: seconds on the wind streaks' clock (default: the story frame / 30). legend: draw
    the legend (default: as label)."""
    tex = render_texture(
        sim, view, layer, size, camera, label, overlays=overlays, time=time, legend=legend
    )
    w, h = tex.size
    data = np.frombuffer(tex.read(), np.uint8).reshape(h, w, 4)
    return np.ascontiguousarray(data[::-1, :, :3])


def render_map(
    sim: Simulation,
    size: tuple[int, int] | None = None,
    layer: str = "elevation",
    label: bool = False,
) -> np.ndarray:
    """The map of a layer as uint8 (height, width, 3), north up; default size: the grid's."""
    return render_frame(sim, "map", layer, size or sim.grid.size, None, label)


__all__ = [
    "PICTURE_TARGETS",
    "Views",
    "render_frame",
    "render_into",
    "render_map",
    "render_texture",
    "views_of",
]
