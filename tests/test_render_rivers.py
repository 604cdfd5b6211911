"""Rivers drawn as lines along the flow network: a network built here (hand-laid D8 paths,
oblique and meandering, one across the +-180 deg seam, a tributary) drawn on the map at 8x the
grid and compared with the numpy polyline of cell centres -> receivers."""

from __future__ import annotations

import numpy as np

from planetsim.reference.relief import D8
from planetsim.render import render_frame

SCALE = 8  # picture pixels per cell
SEA_ROWS = 6  # rows 0..5 are sea
MOVES = {"N": 0, "NE": 1, "E": 2, "SE": 3, "S": 4, "SW": 5, "W": 6, "NW": 7}
# Paths by head cell and moves, each ending in the first sea row (y = SEA_ROWS - 1).
PATHS = {
    "oblique": ((10, 27), "SE SE S SE SE E SE S SE SE S SE SE S SE SE S SE SE S SE S S"),
    "meander": ((33, 27), "S SW S SE E SE S SW W SW S SE SE S SW S SE S S SW S S S S"),
    "seam": ((56, 26), "SE E SE SE S SE E SE S S SE S SE S S SE S SE S S S SE S"),
    "tributary": ((43, 24), "SW W SW W W W W W"),  # joins "meander" at (35, 22)
}


def _cells(head: tuple[int, int], moves: str) -> list[tuple[int, int]]:
    x, y = head
    out = [(x, y)]
    for m in moves.split():
        dx, dy = D8[MOVES[m]]
        x, y = x + dx, y + dy
        out.append((x, y))
    return out  # unwrapped x; the last cell is at sea


def _network(w: int, h: int, river_min: float, flow_max: float):
    """water field (flow, receiver code) and the polylines with each vertex's expected
    half-width, cells (the views' rule: 0.05 + 0.2 s, s the log-flow strength)."""
    flow = np.ones((h, w))
    rec = np.full((h, w), float(MOVES["S"] + 1))  # the hillslopes drain south, below river_min
    rec[:SEA_ROWS] = 0.0
    flow[:SEA_ROWS] = 0.0
    lines = {}
    trunk = _cells(*PATHS["meander"])
    for name, (head, moves) in PATHS.items():
        cells = _cells(head, moves)
        n = len(cells) - 1  # river cells (the last one is the sea cell or the trunk)
        q = 6.0 * (flow_max / 6.0) ** (np.arange(n) / (n - 1))
        for i in range(n):
            x, y = cells[i][0] % w, cells[i][1]
            dx, dy = cells[i + 1][0] - cells[i][0], cells[i + 1][1] - cells[i][1]
            rec[y, x] = D8.index((dx, dy)) + 1
            flow[y, x] = q[i]
        lines[name] = (np.array(cells, float) + 0.5, q)
    # The tributary's flow joins the trunk below the junction.
    join = trunk.index(_cells(*PATHS["tributary"])[-1])
    for x, y in trunk[join:-1]:
        flow[y, x % w] += lines["tributary"][1][-1]
    out = {}
    for name, (verts, _) in lines.items():  # each piece drawn at its upstream cell's flow
        q = np.array([flow[int(y), int(x) % w] for x, y in verts[:-1]])
        s = np.clip(np.log(q / river_min) / np.log(flow_max / river_min), 0.0, 1.0)
        out[name] = (verts, 0.05 + 0.2 * s)
    return flow, rec, out


def _segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    t = np.clip(((p - a) @ ab) / (ab @ ab), 0.0, 1.0)
    return np.linalg.norm(p - a - t[:, None] * ab, axis=1)


def _built(make_sim, lake: tuple[int, int] | None = None):
    """A 64x32 simulation holding the network (and a 200 m deep lake over the 3x3 cells
    around `lake`), the half-widths and the picture size at SCALE."""
    sim = make_sim(size=(64, 32))
    w, h = sim.grid.size
    river_min, flow_max = max(4.0, 5e-4 * w * h), 0.02 * w * h  # the views' overlay scale
    flow, rec, lines = _network(w, h, river_min, flow_max)
    z = np.where(np.arange(h)[:, None] < SEA_ROWS, -2000.0, 500.0) * np.ones((1, w))
    ter = sim.field("terrain").read()
    ter[..., 0] = z
    sim.field("terrain").write(ter)
    wat = np.zeros((h, w, 4), np.float32)
    wat[..., 0], wat[..., 1] = flow, rec
    if lake is not None:
        wat[lake[1] - 1 : lake[1] + 2, lake[0] - 1 : lake[0] + 2, 3] = 200.0
    sim.field("water").write(wat)
    return sim, lines, (w * SCALE, h * SCALE)


def test_rivers_are_lines_along_the_network_wider_downstream_to_the_coast(make_sim):
    """Drawn river pixels (where the map with the rivers overlay differs from the one without)
    lie within the half-width + 1 px (antialiasing) + 1 px (the spline through the cell
    centres bends off the straight polyline by under 0.12 cells at a D8 turn) of the numpy
    polyline; every point of each polyline on land, to the coast, has a drawn pixel within
    1 px (no gaps); the lines are wider where the flow is larger."""
    sim, lines, size = _built(make_sim)
    w = sim.grid.width
    kw = dict(label=False, legend=False)
    bare = render_frame(sim, "map", "elevation", size, overlays=(), **kw).astype(float)
    drawn = render_frame(sim, "map", "elevation", size, overlays=("rivers",), **kw)
    diff = np.abs(drawn.astype(float) - bare).sum(-1)
    full = np.abs(np.array([0.07, 0.22, 0.40]) * 255 - bare).sum(-1) * 0.9
    cover = np.clip(diff / np.maximum(full, 1.0), 0.0, 1.0)  # the overlay's blend weight
    river = cover > 0.25
    land = bare[..., 1] > bare[..., 2]  # hypsometric greens vs the sea's blues

    # Picture pixel centres in grid cells, north up -> rows south to north.
    ys, xs = np.nonzero(river[::-1])
    pts = np.stack([(xs + 0.5) / SCALE, (ys + 0.5) / SCALE], -1)
    # Each pixel's distance beyond the nearest piece's half-width, cells.
    beyond = np.full(len(pts), np.inf)
    for verts, half in lines.values():
        for i in range(len(verts) - 1):
            for shift in (-w, 0.0, w):  # the seam: the picture wraps, the polyline does not
                off = np.array([shift, 0.0])
                d = _segment_distance(pts, verts[i] + off, verts[i + 1] + off)
                beyond = np.minimum(beyond, d - max(half[i], 0.6 / SCALE))
    assert river.sum() > 500
    far = beyond > 2.0 / SCALE
    assert not far.any(), f"{far.sum()} drawn pixels off the network, {beyond.max() * SCALE} px"

    # No gaps: every polyline point on land has a drawn pixel within 1 px, to the coast.
    ry, rx = np.nonzero(river[::-1])
    for name, (verts, _) in lines.items():
        t = np.linspace(0.0, 1.0, 40)[:-1, None]
        dense = np.concatenate(
            [a + t * (b - a) for a, b in zip(verts[:-1], verts[1:], strict=True)]
        )
        px = np.floor(dense * SCALE).astype(int)
        px[:, 0] %= size[0]
        on_land = land[::-1][px[:, 1], px[:, 0]]
        assert on_land.all() if name == "tributary" else on_land[0] and not on_land[-1], name
        last = len(on_land) - 1 if name == "tributary" else int(np.argmin(on_land)) - 1
        for k in range(last + 1):
            d2 = (((rx + 0.5) - dense[k, 0] * SCALE + size[0] / 2) % size[0] - size[0] / 2) ** 2
            d2 = d2 + ((ry + 0.5) - dense[k, 1] * SCALE) ** 2
            assert d2.min() <= 1.0**2 + 0.5, f"{name}: gap at {dense[k]} (point {k} of {last})"

    # Wider downstream: the drawn cover per unit length (the line's width, px) along the first
    # and the last fifth of the oblique river, away from its ends.
    verts, half = lines["oblique"]
    cov = cover[::-1]
    cy, cx = np.mgrid[0 : size[1], 0 : size[0]]
    cpts = np.stack([(cx.ravel() + 0.5) / SCALE, (cy.ravel() + 0.5) / SCALE], -1)

    def width(i0: int, i1: int) -> float:
        d = np.min([_segment_distance(cpts, verts[i], verts[i + 1]) for i in range(i0, i1)], 0)
        length = sum(np.linalg.norm(verts[i + 1] - verts[i]) for i in range(i0, i1)) * SCALE
        return float(cov.ravel()[d < 0.45].sum() / length)

    n = len(verts) - 1
    up, down = width(1, n // 5 + 1), width(n - n // 5 - 1, n - 1)
    want_up, want_down = 2 * half[1 : n // 5 + 1].mean(), 2 * half[-n // 5 - 1 : -1].mean()
    assert down > 1.6 * up, (up, down)
    # each within 1 px of the rule's width plus the antialiased rim (a pixel's width in all)
    assert abs(up - (want_up * SCALE + 1.0)) < 1.0, (up, want_up * SCALE)
    assert abs(down - (want_down * SCALE + 1.0)) < 1.0, (down, want_down * SCALE)


def test_lakes_are_drawn_and_rivers_pass_under_them(make_sim):
    """A 200 m deep lake over 3x3 cells of the oblique river, on the biome map (the natural
    colours draw the lakes): inside the lake's middle cell the rivers overlay changes nothing
    (the lake is drawn, no river line across it), while the river is drawn up- and downstream."""
    head, moves = PATHS["oblique"]
    cells = _cells(head, moves)
    mid = cells[10]
    sim, _, size = _built(make_sim, lake=mid)
    kw = dict(label=False, legend=False)
    bare = render_frame(sim, "map", "biome", size, overlays=(), **kw).astype(float)[::-1]
    drawn = render_frame(sim, "map", "biome", size, overlays=("rivers",), **kw)[::-1]
    diff = np.abs(drawn - bare).sum(-1)
    lake = bare[mid[1] * SCALE : (mid[1] + 1) * SCALE, mid[0] * SCALE : (mid[0] + 1) * SCALE]
    assert lake[..., 2].mean() > lake[..., 1].mean()  # water blue, not the land's green
    cell = diff[mid[1] * SCALE : (mid[1] + 1) * SCALE, mid[0] * SCALE : (mid[0] + 1) * SCALE]
    assert cell.max() <= 3.0, cell.max()
    for x, y in (cells[4], cells[16]):  # the river itself, away from the lake
        assert diff[y * SCALE : (y + 1) * SCALE, x * SCALE : (x + 1) * SCALE].max() > 60.0


def test_the_views_bake_follows_every_change_of_its_fields_and_uniforms(make_sim):
    """The bake is kept while nothing it reads changes: a field written, or the sea level
    moved, shows in the next picture (against the picture drawn from scratch)."""
    sim, _, size = _built(make_sim)
    kw = dict(label=False, legend=False, overlays=("rivers",))
    first = render_frame(sim, "map", "elevation", size, **kw)
    wat = sim.field("water").read()
    wat[..., 1] = 0.0  # no receivers: no rivers
    sim.field("water").write(wat)
    second = render_frame(sim, "map", "elevation", size, **kw)
    assert (first != second).any(axis=-1).mean() > 0.02
    bare = render_frame(sim, "map", "elevation", size, label=False, legend=False, overlays=())
    np.testing.assert_array_equal(second, bare)
    sim.set_uniform("sea_level", 1000.0)  # all sea now
    sea = render_frame(sim, "map", "elevation", size, **kw)
    assert (sea[..., 2] > sea[..., 1]).mean() > 0.99


def test_a_river_across_a_pole_is_drawn_to_the_pole_on_both_sides_and_nowhere_else(make_sim):
    """A river flowing north across the north pole (the neighbour beyond the last row is half
    a turn round) and south on the far side to the sea: on the map both halves are drawn up to
    the pole's edge, every drawn pixel within the half-width + 2 px of the two polylines."""
    sim = make_sim(size=(64, 32))
    w, h = sim.grid.size
    flow = np.ones((h, w))
    rec = np.full((h, w), float(MOVES["S"] + 1))
    flow[:SEA_ROWS], rec[:SEA_ROWS] = 0.0, 0.0
    up = [(20, y) for y in range(26, h)]  # north to the last row, then across the pole
    down = [(20 + w // 2, y) for y in range(h - 1, SEA_ROWS - 1, -1)]  # south to the sea
    q = np.geomspace(6.0, 40.0, len(up) + len(down) - 1)
    for i, (x, y) in enumerate(up + down[:-1]):
        flow[y, x] = q[i]
        rec[y, x] = MOVES["N"] + 1 if i < len(up) else MOVES["S"] + 1
    ter = sim.field("terrain").read()
    ter[..., 0] = np.where(np.arange(h)[:, None] < SEA_ROWS, -2000.0, 500.0)
    sim.field("terrain").write(ter)
    wat = np.zeros((h, w, 4), np.float32)
    wat[..., 0], wat[..., 1] = flow, rec
    sim.field("water").write(wat)
    size = (w * SCALE, h * SCALE)
    kw = dict(label=False, legend=False)
    bare = render_frame(sim, "map", "elevation", size, overlays=(), **kw).astype(float)
    drawn = render_frame(sim, "map", "elevation", size, overlays=("rivers",), **kw)
    river = (np.abs(drawn - bare).sum(-1) > 40.0)[::-1]
    ys, xs = np.nonzero(river)
    pts = np.stack([(xs + 0.5) / SCALE, (ys + 0.5) / SCALE], -1)
    top = float(h)
    d_up = _segment_distance(pts, np.array([20.5, 26.5]), np.array([20.5, top]))
    d_down = _segment_distance(pts, np.array([52.5, top]), np.array([52.5, SEA_ROWS - 0.5]))
    assert np.minimum(d_up, d_down).max() <= 0.25 + 2.0 / SCALE
    for x in (20, 52):  # both halves reach the pole's edge
        assert river[-1, x * SCALE : (x + 1) * SCALE].any(), x
