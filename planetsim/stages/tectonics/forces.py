"""How fast and about which poles the plates turn.

Forces (after Forsyth & Uyeda 1975, Conrad & Lithgow-Bertelloni 2002): slab pull drives a
plate toward its subducting margins, faster the larger their share of its perimeter (up to
slab_speed_max); continents drag (a plate that is all continent moves at 40 % of that). A
mantle term carries continents toward the current downwelling while a supercontinent
assembles and away from the old one after it breaks up; each new supercontinent gathers 90 deg
from the last (orthoversion, Mitchell, Kilian & Evans 2012, Nature 482:208). The plates'
angular velocities relax toward these targets over velocity_relax_myr, so poles wander as
margins change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .sums import PlateSums, _unit
from .table import CM_PER_YR_PER_RAD_PER_MYR, PlateTable, quat_from_rotvec, rotate

if TYPE_CHECKING:
    from .dynamics import CycleState


def _omega(axis: np.ndarray, cm_yr: float) -> np.ndarray:
    return _unit(axis) * (cm_yr / CM_PER_YR_PER_RAD_PER_MYR)


def target_velocities(
    table: PlateTable, sums: PlateSums, cycle: CycleState, v: dict[str, Any]
) -> np.ndarray:
    """The angular velocities (rad/Myr) the forces ask of each live plate."""
    out = table.omega.copy()
    for k in np.flatnonzero(table.active):
        if sums.area[k] <= 0.0:
            continue
        w = table.drift[k].copy()
        torque = sums.slab_torque[k]
        if np.linalg.norm(torque) > 1e-9 and sums.perimeter_km[k] > 0:
            share = min(1.0, 2.0 * sums.subducting_km[k] / sums.perimeter_km[k])
            speed = float(v["plate_speed_min"]) + share * (
                float(v["slab_speed_max"]) - float(v["plate_speed_min"])
            )
            w += _omega(torque, speed)
        cont_share = sums.continental[k] / sums.area[k]
        w *= 1.0 - 0.5 * cont_share
        if cont_share > 0.05:
            c = sums.continental_centroid[k]
            if cycle.phase == "dispersal":
                axis = np.cross(cycle.centre, c)  # away from where the supercontinent was
            elif cycle.phase == "assembled":
                axis = np.zeros(3)
            else:
                axis = np.cross(c, cycle.downwelling)  # toward the downwelling
            gap = float(np.arccos(np.clip(c @ cycle.downwelling, -1.0, 1.0)))
            pull = float(v["assembly_speed"]) * min(1.0, gap / 0.5)
            if cycle.phase == "dispersal":
                pull = float(v["assembly_speed"])
            w += _omega(axis, pull * max(cont_share, 0.5))
        if np.linalg.norm(w) < 1e-12:  # no force: keep drifting as it does
            w = table.omega[k]
        top = float(v["slab_speed_max"]) / CM_PER_YR_PER_RAD_PER_MYR
        norm = float(np.linalg.norm(w))
        out[k] = w * min(1.0, top / norm) if norm > 0 else w
    return out


def buoyancy(continental_share: np.ndarray, ocean_age: np.ndarray) -> np.ndarray:
    """Which plate overrides which where ocean floor meets ocean floor (continental crust
    overrides ocean floor cell by cell anyway): young ocean floor is light, old floor is cold
    and dense and subducts (Stern 2002, Rev. Geophys. 40:1012), so a plate of old floor sinks
    under its neighbours, whether or not it carries a continent. Higher overrides lower."""
    return np.exp(-np.asarray(ocean_age) / 60.0) + 0.05 * continental_share


def update_polarity(over: np.ndarray, sums: PlateSums, margin: float = 10.0) -> None:
    """Which plate overrides which along each shared boundary where ocean floor meets ocean
    floor: the older floor at the boundary subducts (it is colder and denser: Stern 2002),
    so a plate advancing on its neighbour, its ridge far behind, sinks under it, and the one
    retreating from it rides over. One polarity per boundary (a matrix, not a choice per
    cell), kept until the other side is older by `margin` Myr."""
    for (a, b), age_a in sums.edge_age.items():
        age_b = sums.edge_age.get((b, a))
        if age_b is None or a >= b:
            continue
        if age_a > age_b + margin or (not over[a, b] and not over[b, a] and age_a > age_b):
            over[b, a], over[a, b] = True, False
        elif age_b > age_a + margin or (not over[a, b] and not over[b, a]):
            over[a, b], over[b, a] = True, False


def update_rank(rank: np.ndarray, sums: PlateSums, table: PlateTable, dt: float) -> None:
    """The plates' buoyancy order, relaxed over 50 Myr so that a boundary does not flip its
    polarity back and forth."""
    share = sums.continental / np.maximum(sums.area, 1e-30)
    target = buoyancy(share, sums.ocean_age)
    f = 1.0 - np.exp(-dt / 50.0)
    live = table.active & (sums.area > 0)
    rank[live] += (target[live] - rank[live]) * f


def crust_budget(sums: PlateSums, v: dict[str, Any]) -> tuple[float, float]:
    """(arc_scale, recycling): arcs make continental crust and subduction erosion takes it
    back at the same margins; on Earth the two nearly balance (Scholl & von Huene 2007,
    GSA Memoir 200). Here the balance is held where the continental crust covers
    continental_fraction of the surface: more arcs below it, more recycling above."""
    share = float(sums.continental.sum() / max(sums.area.sum(), 1e-30))
    err = (float(v["continental_fraction"]) - share) / 0.05
    return float(np.clip(1.0 + err, 0.0, 2.0)), float(np.clip(-err, 0.0, 1.0))


def wander(table: PlateTable, rng: np.random.Generator, dt: float, v: dict[str, Any]) -> None:
    """Each live plate's drift turns a little (a random walk of its Euler pole: about
    drift_wander_deg per 100 Myr) and its speed wanders within 1-5 cm/yr."""
    sigma = np.radians(float(v["drift_wander_deg"])) * np.sqrt(dt / 100.0)
    for k in np.flatnonzero(table.active):
        d = table.drift[k]
        speed = float(np.linalg.norm(d)) * CM_PER_YR_PER_RAD_PER_MYR
        axis = _unit(d) if speed > 0 else _unit(rng.normal(size=3))
        turn = quat_from_rotvec(_unit(rng.normal(size=3)) * rng.normal() * sigma)
        axis = rotate(turn, axis)
        speed = float(np.clip(speed + rng.normal() * 0.5 * np.sqrt(dt / 100.0), 1.0, 5.0))
        table.drift[k] = _omega(axis, speed)


def relax_velocities(table: PlateTable, target: np.ndarray, dt: float, relax_myr: float) -> None:
    f = 1.0 - np.exp(-dt / max(relax_myr, 1e-6))
    live = table.active
    table.omega[live] += (target[live] - table.omega[live]) * f
