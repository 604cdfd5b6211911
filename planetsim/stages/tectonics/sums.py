"""Per-plate sums of the world's crust, read back on the decision schedule: areas, continental
shares and centroids, perimeters and subducting margins (km on the sphere), the slab pull's
torque, the ocean floor's age along each boundary, collision fronts, and the largest
landmass. Lengths and areas are on the sphere, never cell counts, so every grid size sees the
same plates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...analysis.grid import Grid
from ...analysis.land import label_landmasses
from ...reference.plates import CONTINENTAL_KM
from ...reference.relief import D8
from .table import MAX_PLATES

# Boundary classes of orogeny.w (plates_aux.frag).
OVERRIDING, SUBDUCTING, COLLISION, OPENING, SLIDING = 1, 2, 3, 4, 5
_D8 = D8  # the 8 neighbours in the passes' order (N, NE, E, SE, S, SW, W, NW)


@dataclass
class PlateSums:
    """Per-plate figures from one readback (areas in m^2, lengths in km)."""

    area: np.ndarray
    continental: np.ndarray
    centroid: np.ndarray  # (16, 3) unit
    continental_centroid: np.ndarray
    ocean_centroid: np.ndarray
    perimeter_km: np.ndarray
    subducting_km: np.ndarray
    slab_torque: np.ndarray  # (16, 3): sum of x cross (outward normal) over trench length
    ocean_age: np.ndarray  # area-weighted mean age of each plate's ocean floor, Myr
    collision_km: dict[tuple[int, int], float]
    pair_km: dict[tuple[int, int], float]  # every shared boundary, km
    edge_age: dict[tuple[int, int], float]  # (a, b): mean age of a's ocean floor next to b
    supercontinent_share: float  # of the continental area, in the largest continental mass
    supercontinent_centre: np.ndarray
    largest_plates: list[int]  # plates carrying the largest continental mass (by share)


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.where(n > 1e-12, v / np.maximum(n, 1e-300), 0.0)


def plate_sums(grid: Grid, crust: np.ndarray, orogeny: np.ndarray) -> PlateSums:
    """The figures the decisions need, from the world's crust (x thickness km, y age Myr,
    z plate id) and orogeny (w boundary class)."""
    pid = np.rint(crust[..., 2]).astype(np.int64)
    h, age, cls = crust[..., 0], crust[..., 1], np.rint(orogeny[..., 3]).astype(np.int64)
    area = np.asarray(np.broadcast_to(grid.cell_area_m2, grid.shape))
    x = grid.unit_vectors()
    ok = (pid >= 0) & (pid < MAX_PLATES)
    p = np.where(ok, pid, MAX_PLATES)  # a bin for cells without a plate
    cont = h >= CONTINENTAL_KM

    def per_plate(weights: np.ndarray) -> np.ndarray:
        return np.bincount(p.ravel(), weights=weights.ravel(), minlength=MAX_PLATES + 1)[
            :MAX_PLATES
        ]

    a = per_plate(area)
    c = per_plate(area * cont)
    cen = np.stack([per_plate(area * x[..., i]) for i in range(3)], -1)
    ccen = np.stack([per_plate(area * cont * x[..., i]) for i in range(3)], -1)
    ocen = np.stack([per_plate(area * (~cont) * x[..., i]) for i in range(3)], -1)
    row_km = grid.row_spacing_m * 1e-3
    # Outward normals at boundary cells: the mean direction to neighbours of other plates.
    normal = np.zeros((*grid.shape, 3))
    other = np.full(grid.shape, -1)
    for dx, dy in _D8:
        rows, cols = grid.neighbour_index(dx, dy)
        q = pid[rows, cols]
        diff = ok & (q != pid) & (q >= 0)
        t = x[rows, cols] - x
        t -= (t * x).sum(-1, keepdims=True) * x
        normal += np.where(diff[..., None], _unit(t), 0.0)
        other = np.where(diff & (other < 0), q, other)
    boundary = other >= 0
    n_hat = _unit(normal)
    perim = per_plate(boundary * row_km)
    sub = boundary & (cls == SUBDUCTING)
    subd = per_plate(sub * row_km)
    torque_cells = np.cross(x, n_hat) * (sub * row_km)[..., None]
    torque = np.stack([per_plate(torque_cells[..., i]) for i in range(3)], -1)
    ocean_area = per_plate(area * (~cont))
    ocean_age = per_plate(area * (~cont) * age) / np.maximum(ocean_area, 1e-30)

    def lengths(where: np.ndarray) -> dict[tuple[int, int], float]:
        out: dict[tuple[int, int], float] = {}
        if where.any():
            aa, bb = pid[where], other[where]
            key = np.minimum(aa, bb) * MAX_PLATES + np.maximum(aa, bb)
            ks, counts = np.unique(key, return_counts=True)
            for kk, n in zip(ks.tolist(), counts.tolist(), strict=True):
                out[(kk // MAX_PLATES, kk % MAX_PLATES)] = 0.5 * n * row_km  # both sides count
        return out

    pairs = lengths(boundary & (cls == COLLISION))
    every_pair = lengths(boundary)
    # The age of each plate's ocean floor along each of its boundaries (its first cells).
    edge: dict[tuple[int, int], float] = {}
    sel = boundary & ~cont
    if sel.any():
        key = pid[sel] * MAX_PLATES + other[sel]
        sums_age = np.bincount(key, weights=age[sel], minlength=MAX_PLATES * MAX_PLATES)
        counts = np.bincount(key, minlength=MAX_PLATES * MAX_PLATES)
        for kk in np.flatnonzero(counts):
            edge[(int(kk) // MAX_PLATES, int(kk) % MAX_PLATES)] = float(sums_age[kk] / counts[kk])
    labels, n = label_landmasses(cont, grid)
    share, centre, largest = 0.0, np.array([1.0, 0.0, 0.0]), []
    if n > 0:
        sizes = np.bincount(labels.ravel(), weights=area.ravel(), minlength=n + 1)
        sizes[0] = 0.0
        big = int(np.argmax(sizes))
        total = float(sizes.sum())
        share = float(sizes[big] / total) if total > 0 else 0.0
        in_big = labels == big
        centre = _unit((x * (area * in_big)[..., None]).sum(axis=(0, 1)))
        by_plate = per_plate(area * in_big)
        largest = [int(k) for k in np.argsort(-by_plate) if by_plate[k] > 0.15 * sizes[big]]
    return PlateSums(
        area=a, continental=c, centroid=_unit(cen), continental_centroid=_unit(ccen),
        ocean_centroid=_unit(ocen),
        perimeter_km=perim, subducting_km=subd, slab_torque=torque,
        ocean_age=ocean_age,
        collision_km=pairs, pair_km=every_pair, edge_age=edge, supercontinent_share=share,
        supercontinent_centre=centre,
        largest_plates=largest,
    )  # fmt: skip
