"""Rivers and glaciers: lakes that fill and spill, exact flow accumulation in log2(river
length) sweeps, stream-power incision, glacial wear above the snow line, and the sediment
they make carried to where it settles.

Each run of the stage (every erosion_every steps; the hook below decides what runs):

* every route_every runs: lake_fill, fill_sweeps sweeps: the filled surface (each hollow
  holds a lake up to its spill point) tracked from the last routing's (Planchon & Darboux
  2002), the first sweep refilling the lakes that routing found with no outlet; on the
  stage's first run, and whenever fill_lakes() is called, swept until it stops changing
  (from the CPU's filling and flat hop counts, or from F = +inf);
  then lake_route (D8 receivers on the filled surface, lakes crossed to their outlet, lake
  depth), tour_children, tour_init, tour_jump x ceil(log2(2 W H)) and tour_collect: the flow
  accumulation and basin ids of those receivers, exact (an Euler tour of the drainage
  forest, summed by pointer jumping);
  then incise_init and incise_jump: the implicit stream-power step (n = 1, Braun & Willett
  2013) over the time since the last route, solved along the receivers by pointer jumping;
* erode: that incision applied (on routing runs), the glaciers' wear above the glacier line
  (a relaxation towards it, glacier_time; none below glacier_floor above the sea), and the
  sediment's transport and deposition (xi-q), every run.

The terrain change that erode makes is folded into the crust by the tectonics stage
(frames_update: continental thickness, isostasy answers), so worn mountains rise back.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.fields import FieldSpec, register_field
from ..core.passes import FieldUse, PassDecl, Stage, Uniform
from ..core.registry import register, register_stage

LAKE = register_field(
    FieldSpec(
        "lake",
        (
            "filled level, m: the lake surface a hollow fills to (its spill point); the"
            " elevation off lakes, sea level at sea",
            "flat distance, cells: hops across a lake or flat to where it drains; at sea, cells"
            " to the nearest land (at most sediment_reach)",
            "sediment on its way, m km^2: sent on to the sediment receiver by the last erode"
            " (> 0), or held by a cell whose receiver takes nothing in (< 0)",
            "sediment receiver: the water receiver on land; at sea down the sea floor",
        ),
        "lakes and the sediment on its way",
    )
)
DRAINS = register_field(
    FieldSpec(
        "drains",
        ("children: bit k set if the neighbour in D8 direction k drains here", "", "", ""),
        "which neighbours drain into each cell (for the tour)",
        scratch=True,
    )
)
INCISE = register_field(
    FieldSpec(
        "incise",
        (
            "a, m: the new height is a + b x the receiver's (after incise_jump, the height)",
            "b",
            "receiver cell index (-1: the chain has reached its fixed base)",
            "",
        ),
        "the implicit stream-power step as affine maps, jumped to the base level",
        scratch=True,
    )
)
TOUR = register_field(
    FieldSpec(
        "tour",
        ("next edge (-1 ends)", "weight sum to the end", "last edge reached", ""),
        "the drainage forest's Euler tour, two texels a cell (lib/tour.glsl)",
        scratch=True,
        tiles=(2, 1),
    )
)

EROSION_EVERY = Uniform(
    "erosion_every", "int", 1, "steps", "run the stage every N steps (erode counts N dt)", 1
)
FLOW_RAIN = Uniform(
    "flow_rain",
    "float",
    0.0,
    "0..1",
    "rainfall weight: 0 one per cell, 1 precipitation / 1000 mm/yr",
    0.0,
    1.0,
)

ROUTE_EVERY = Uniform(
    "route_every", "int", 8, "runs", "route, accumulate and incise every N runs", 1
)
K = Uniform("K", "float", 1.5e-4, "m/yr", "erodibility: rate at A = 1 km^2, S = 1", 0.0)
M = Uniform("m", "float", 0.45, "", "drainage-area exponent (n = 1: concavity theta = m)", 0, 3)
SEDIMENT_REACH = Uniform(
    "sediment_reach", "int", 8, "cells", "rivers' sediment settles this far out at sea", 1
)

LAKE_FILL = PassDecl(
    name="lake_fill",
    shader="sim/lake_fill.frag",
    stage="erosion",
    doc="one sweep of depression filling to the spill level, hop counts across flats",
    fields=(
        FieldUse("terrain", "in", "x: elevation, m"),
        FieldUse("water", "in", "y: receiver, z: basin id (stale lakes)"),
        FieldUse("lake", "inout", "x: filled level, y: flat distance", channels="xy"),
    ),
    uniforms=(
        Uniform("lake_cold", "bool", False, "", "start from +inf (set by the stage)"),
        Uniform("lake_reset", "bool", False, "", "refill lakes with no outlet (set)"),
        Uniform("lake_coast", "bool", True, "", "update the sea's distances to land (set)"),
        SEDIMENT_REACH,
    ),
)

LAKE_ROUTE = PassDecl(
    name="lake_route",
    shader="sim/lake_route.frag",
    stage="erosion",
    doc="D8 receivers on the filled surface, lakes to their outlets; lake depth",
    fields=(
        FieldUse("terrain", "in", "x: elevation, m"),
        FieldUse("lake", "inout", "w: sediment receiver", channels="w"),
        FieldUse("water", "inout", "y: receiver, w: lake depth", channels="yw"),
    ),
)

TOUR_CHILDREN = PassDecl(
    name="tour_children",
    shader="sim/tour_children.frag",
    stage="erosion",
    doc="which neighbours drain into each cell (a bit mask)",
    fields=(
        FieldUse("terrain", "in", "x: elevation, m (land)"),
        FieldUse("water", "in", "y: receiver"),
        FieldUse("drains", "out", "x: children mask"),
    ),
)

TOUR_INIT = PassDecl(
    name="tour_init",
    shader="sim/tour_init.frag",
    stage="erosion",
    doc="the drainage forest's Euler tour as linked lists of edges",
    fields=(
        FieldUse("terrain", "in", "x: elevation, m (land)"),
        FieldUse("water", "in", "y: receiver"),
        FieldUse("moisture", "in", "y: precipitation, mm/yr (rainfall weight)"),
        FieldUse("drains", "in", "x: children mask"),
        FieldUse("tour", "out", "the lists"),
    ),
    uniforms=(FLOW_RAIN,),
)

TOUR_JUMP = PassDecl(
    name="tour_jump",
    shader="sim/tour_jump.frag",
    stage="erosion",
    doc="one sweep of pointer jumping with suffix sums",
    fields=(FieldUse("tour", "inout", "the lists"),),
)

TOUR_COLLECT = PassDecl(
    name="tour_collect",
    shader="sim/tour_collect.frag",
    stage="erosion",
    doc="flow accumulation and basin ids from the jumped tour",
    fields=(
        FieldUse("terrain", "in", "x: elevation, m (land)"),
        FieldUse("tour", "in", "suffix sums, last edges"),
        FieldUse("water", "inout", "x: flow accumulation, z: basin id", channels="xz"),
    ),
)

INCISE_INIT = PassDecl(
    name="incise_init",
    shader="sim/incise_init.frag",
    stage="erosion",
    doc="implicit stream-power incision (n = 1) as affine maps on the receivers",
    fields=(
        FieldUse("terrain", "in", "x: elevation, m"),
        FieldUse("water", "in", "x: flow accumulation, y: receiver, w: lake depth"),
        FieldUse("lake", "in", "x: filled level (lake surfaces)"),
        FieldUse("incise", "out", "the maps"),
    ),
    uniforms=(K, M, EROSION_EVERY, ROUTE_EVERY),
)

INCISE_JUMP = PassDecl(
    name="incise_jump",
    shader="sim/incise_jump.frag",
    stage="erosion",
    doc="one sweep of pointer jumping that composes the maps down to the base level",
    fields=(FieldUse("incise", "inout", "the maps"),),
)

ERODE = PassDecl(
    name="erode",
    shader="sim/erode.frag",
    stage="erosion",
    doc="stream-power incision; sediment carried down the receivers and laid down (xi-q)",
    fields=(
        FieldUse("water", "in", "x: flow accumulation, w: lake depth"),
        FieldUse("incise", "in", "x: height after the incision"),
        FieldUse("air", "in", "y: surface temperature, degC (the glacier line)"),
        FieldUse("terrain", "inout", "x: elevation; y, z, w kept", channels="x"),
        FieldUse("lake", "inout", "z: sediment on its way", channels="z"),
    ),
    uniforms=(
        Uniform("incise_now", "bool", False, "", "apply the incision this run (set)"),
        Uniform("sediment_G", "float", 1.0, "", "xi-q deposition number G (Davy & Lague)", 0.0),
        Uniform(
            "sediment_marine", "float", 0.5, "0..1", "share of sediment a sea cell keeps", 0, 1
        ),
        Uniform("marine_sediment", "float", 2.0, "m/Myr", "pelagic sedimentation", 0.0),
        Uniform(
            "glacier_time",
            "float",
            0.0,
            "Myr",
            "glacial wear's time scale above the glacier line (0: no glaciers)",
            0.0,
        ),
        Uniform("glacier_temp", "float", -7.0, "degC", "surface temperature at the glacier line"),
        Uniform(
            "glacier_floor", "float", 1000.0, "m", "height above the sea glaciers stop at", 0.0
        ),
        Uniform("lapse_rate", "float", 6.5, "K/km", "cooling with height above the sea"),
        SEDIMENT_REACH,
        EROSION_EVERY,
    ),
)

PARAMS = (
    EROSION_EVERY,
    Uniform("fill_sweeps", "int", 8, "sweeps", "lake filling sweeps before a routing", 1),
    Uniform("lakes_exact", "bool", False, "", "fill every lake afresh before a routing"),
    ROUTE_EVERY,
)


def tour_levels(size: tuple[int, int]) -> int:
    """Pointer-jumping sweeps that finish the longest possible list (two edges a cell)."""
    return max(1, math.ceil(math.log2(2 * size[0] * size[1])))


def fill_lakes(sim: Any, max_sweeps: int | None = None, seeded: bool = True) -> int:
    """Fill every hollow from scratch: sweep lake_fill until the filled levels and hop counts
    stop changing (a readback after the first sweep when seeded, then every 16), at most
    max_sweeps (default 4 (W + H): longer
    than any path to the sea but a maze). Returns the sweeps run.

    From F = +inf (seeded False) the sweeps take as many as the longest path to the sea: about
    400 for the world preset's seed 2 at 1024x512, 10 s on llvmpipe. Seeded, the levels start
    from the CPU's Priority-Flood equivalent (analysis.routing.fill_depressions: a minimum
    spanning tree, 0.1 s there) and the hop counts across the flats from a breadth-first
    search (analysis.routing.flat_hops), the sea's distances to land from
    analysis.routing.sea_distance, and one sweep that changes nothing confirms them. The
    fixed point is the same either way (the levels are the minimax
    path heights, cell elevations exactly; the counts, distances across each flat), and the
    sweeps check it: a level the CPU got wrong in float32's last bit is swept right."""
    w, h = sim.grid.width, sim.grid.height
    cap = max_sweeps if max_sweeps is not None else 4 * (w + h)
    lake = sim.field("lake")
    if seeded:
        from ..analysis.routing import fill_depressions, flat_hops, sea_distance

        z = sim.field("terrain").read()[..., 0]
        sea = np.float32(sim.values["sea_level"])  # the comparison the shader makes
        state = lake.read()
        level = fill_depressions(z, sim.grid, float(sea)).astype(np.float32)
        level[z <= sea] = sea
        hop_cap = float(max(w // 2, 16))  # lake_fill's cap on a flat's hop counts
        hops = np.minimum(flat_hops(level, z, sim.grid, float(sea)), hop_cap)
        state[..., 0] = level
        reach = int(sim.values["sediment_reach"])
        state[..., 1] = np.where(z <= sea, sea_distance(z, sim.grid, float(sea), reach), hops)
        lake.write(state)
        sweeps, last, batch = 0, state[..., :2], 1  # a sweep that changes nothing: done
    else:
        sim.runner.run(LAKE_FILL, {**sim.values, "lake_cold": True})
        sweeps, last, batch = 1, None, 16
    while sweeps < cap:
        for _ in range(batch):
            sim.runner.run(LAKE_FILL, sim.values)
        sweeps += batch
        now = lake.read()[..., :2]
        if last is not None and np.array_equal(now, last):
            break
        last, batch = now, 16
    return sweeps


def sweep_lakes(sim: Any) -> None:
    """The lake sweeps of a routing run. Only the routing reads the filled levels, so the
    lakes are swept just before it, on the terrain as it now stands, fill_sweeps times from
    the last routing's levels. The first sweep refills, from +inf (their rims first), the
    lakes that the last routing found without an outlet; the last two bring the sea's
    distances to land (the sediment's reach) up to date with the coast, which moves slowly."""
    sweeps = int(sim.values["fill_sweeps"])
    for i in range(sweeps):
        sim.runner.run(
            LAKE_FILL, {**sim.values, "lake_reset": i == 0, "lake_coast": i >= sweeps - 2}
        )


def route(sim: Any) -> None:
    """Receivers on the filled surface, the exact accumulation and basins, and the implicit
    incision of the time since the last route (erode applies it)."""
    sim.runner.run(LAKE_ROUTE, sim.values)
    sim.runner.run(TOUR_CHILDREN, sim.values)
    sim.runner.run(TOUR_INIT, sim.values)
    for _ in range(tour_levels(sim.grid.size)):
        sim.runner.run(TOUR_JUMP, sim.values)
    sim.runner.run(TOUR_COLLECT, sim.values)
    sim.runner.run(INCISE_INIT, sim.values)
    for _ in range(tour_levels(sim.grid.size) - 1):  # paths are at most W H cells long
        sim.runner.run(INCISE_JUMP, sim.values)


def erosion_hook(sim: Any) -> None:
    every = int(sim.values["erosion_every"])
    runs = sim.stage_runs("erosion")
    if runs % every:
        return
    k = runs // every
    routed = k % int(sim.values["route_every"]) == 0
    # Long steps (the world preset: 20 Myr a run) change the land more than fill_sweeps can
    # follow, so its lakes are filled afresh from the CPU's Priority-Flood before each routing.
    if k == 0 or (routed and bool(sim.values["lakes_exact"])):
        fill_lakes(sim)
    elif routed:
        sweep_lakes(sim)
    if routed:
        route(sim)
    sim.runner.run(ERODE, {**sim.values, "incise_now": routed})


register(
    LAKE_FILL,
    LAKE_ROUTE,
    TOUR_CHILDREN,
    TOUR_INIT,
    TOUR_JUMP,
    TOUR_COLLECT,
    INCISE_INIT,
    INCISE_JUMP,
    ERODE,
)
register_stage(
    Stage(
        name="erosion",
        doc="lakes fill and spill, rivers find their way, carve valleys and carry sediment",
        steps=(),
        params=PARAMS,
        hook=erosion_hook,
        hook_passes=(
            "lake_fill",
            "lake_route",
            "tour_children",
            "tour_init",
            "tour_jump",
            "tour_collect",
            "incise_init",
            "incise_jump",
            "erode",
        ),
    )
)
