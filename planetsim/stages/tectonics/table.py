"""The plate table: for each of the 16 plate slots, whether it is live, its angular velocity
(an Euler pole times an angular speed) and the rotation its frame has turned through, kept in
float64 on the CPU and handed to the shaders as float32 uniforms. Rotations are unit
quaternions (w, x, y, z) composed exactly; a plate's crust sits in its own frame, and
world = R frame."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...analysis.grid import EARTH_RADIUS_M

MAX_PLATES = 16
CM_PER_YR_PER_RAD_PER_MYR = EARTH_RADIUS_M * 1e-4  # a point on the equator of the pole, per rad/Myr


def quat_mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamilton product a b of quaternions (..., 4) as (w, x, y, z): rotate by b, then a."""
    aw, ax, ay, az = np.moveaxis(a, -1, 0)
    bw, bx, by, bz = np.moveaxis(b, -1, 0)
    return np.stack(
        [
            aw * bw - ax * bx - ay * by - az * bz,
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
        ],
        axis=-1,
    )


def quat_from_rotvec(v: np.ndarray) -> np.ndarray:
    """The rotation by |v| radians about v/|v| (..., 3) -> (..., 4)."""
    v = np.asarray(v, np.float64)
    angle = np.linalg.norm(v, axis=-1, keepdims=True)
    half = 0.5 * angle
    # sin(a/2)/a -> 1/2 as a -> 0
    k = np.where(angle > 1e-12, np.sin(half) / np.maximum(angle, 1e-300), 0.5)
    return np.concatenate([np.cos(half), v * k], axis=-1)


def quat_matrix(q: np.ndarray) -> np.ndarray:
    """Rotation matrices (..., 3, 3) of unit quaternions (..., 4)."""
    q = q / np.linalg.norm(q, axis=-1, keepdims=True)
    w, x, y, z = np.moveaxis(q, -1, 0)
    return np.stack(
        [
            np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], -1),
            np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], -1),
            np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], -1),
        ],
        axis=-2,
    )


def rotate(q: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate vectors v (..., 3) by the quaternion q (4,)."""
    return np.asarray(v) @ quat_matrix(q).T


@dataclass
class PlateTable:
    """Live slots, angular velocities (rad/Myr, world frame), and the rotations since each
    plate's frame was made. A plate whose frame is new has the identity rotation."""

    active: np.ndarray = field(default_factory=lambda: np.zeros(MAX_PLATES, bool))
    omega: np.ndarray = field(default_factory=lambda: np.zeros((MAX_PLATES, 3)))
    rotation: np.ndarray = field(
        default_factory=lambda: np.tile(np.array([1.0, 0.0, 0.0, 0.0]), (MAX_PLATES, 1))
    )
    rank: np.ndarray = field(default_factory=lambda: np.zeros(MAX_PLATES))  # buoyancy order
    # Each plate's own drift (rad/Myr): the part of its motion the mantle below gives it,
    # wandering slowly (forces.wander); the forces add to it.
    drift: np.ndarray = field(default_factory=lambda: np.zeros((MAX_PLATES, 3)))
    # over[a, b]: a rides over b where their ocean floors meet (forces.update_polarity).
    over: np.ndarray = field(default_factory=lambda: np.zeros((MAX_PLATES, MAX_PLATES), bool))

    def advance(self, myr: float) -> None:
        """Turn every live plate by its angular velocity for `myr` Myr (composed exactly: the
        velocity is constant over the step, so the step's rotation is exp(omega dt))."""
        step = quat_from_rotvec(self.omega * myr)
        self.rotation = quat_mul(step, self.rotation)
        self.rotation /= np.linalg.norm(self.rotation, axis=-1, keepdims=True)

    def free_slot(self) -> int | None:
        idle = np.flatnonzero(~self.active)
        return int(idle[0]) if idle.size else None

    def speed_cm_yr(self, k: int, at: np.ndarray | None = None) -> float:
        """Plate k's speed (cm/yr) at a unit vector (default: the fastest point, 90 deg from
        its pole)."""
        w = self.omega[k]
        if at is None:
            return float(np.linalg.norm(w) * CM_PER_YR_PER_RAD_PER_MYR)
        return float(np.linalg.norm(np.cross(w, at)) * CM_PER_YR_PER_RAD_PER_MYR)

    def uniforms(self) -> dict[str, Any]:
        """plate_rot (the columns of each R as vec3[48]), plate_omega (vec3[16]),
        plate_active (a bit per live slot)."""
        mats = quat_matrix(self.rotation)  # (16, 3, 3)
        cols = np.transpose(mats, (0, 2, 1)).reshape(-1)  # column-major: columns in order
        mask = int(sum(1 << k for k in range(MAX_PLATES) if self.active[k]))
        return {
            "plate_rot": tuple(float(v) for v in cols),
            "plate_omega": tuple(float(v) for v in self.omega.reshape(-1)),
            "plate_active": mask,
            "plate_rank": tuple(float(v) for v in self.rank),
            "plate_over": tuple(
                float(sum(1 << b for b in range(MAX_PLATES) if self.over[a, b]))
                for a in range(MAX_PLATES)
            ),
        }

    def state(self) -> dict[str, Any]:
        return {
            "active": self.active.astype(np.int8),
            "omega": self.omega.copy(),
            "rotation": self.rotation.copy(),
            "rank": self.rank.copy(),
            "drift": self.drift.copy(),
            "over": self.over.astype(np.int8),
        }

    @classmethod
    def from_state(cls, d: dict[str, Any]) -> PlateTable:
        return cls(
            active=np.asarray(d["active"]).astype(bool),
            omega=np.asarray(d["omega"], np.float64).reshape(MAX_PLATES, 3),
            rotation=np.asarray(d["rotation"], np.float64).reshape(MAX_PLATES, 4),
            rank=np.asarray(d["rank"], np.float64).reshape(MAX_PLATES),
            drift=np.asarray(d["drift"], np.float64).reshape(MAX_PLATES, 3),
            over=np.asarray(d["over"]).astype(bool).reshape(MAX_PLATES, MAX_PLATES),
        )
