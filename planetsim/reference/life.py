"""numpy references for the life, people and carbon passes (shaders/sim/life.frag,
people.frag, carbon.frag), written from the equations in their headers, in float64. The
life reference leaves out the random seeding (tests switch it off); the carbon reference
takes the step number to pick the same mixing partner.

`v` is a dict of uniform values (Simulation.values works)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..analysis.grid import Grid

EDGES = [(0, 1), (1, 0), (0, -1), (-1, 0)]  # N, E, S, W
GTC_PER_PPM = 2.13
SECONDS_PER_YEAR = 31557600.0


def area_weight(grid: Grid, flat: bool) -> np.ndarray:
    """(H, W) relative cell area as the shaders use it: cos(lat), or 1 with the flat metric."""
    if flat:
        return np.ones(grid.shape)
    return np.broadcast_to(np.cos(np.radians(grid.lat))[:, None], grid.shape).copy()


def cell_km2(grid: Grid) -> np.ndarray:
    return grid.cell_area_m2 * 1e-6


def globe_share(grid: Grid) -> np.ndarray:
    """(H, W) each cell's share of the globe's area."""
    return np.asarray(grid.area_weight)


def warm_window(t: np.ndarray, v: dict[str, Any]) -> np.ndarray:
    lo = np.clip((t - v["life_t_min"]) / v["life_t_ramp"], 0, 1)
    hi = np.clip((v["life_t_max"] - t) / v["life_t_ramp"], 0, 1)
    return lo * hi


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0, 1)
    return t * t * (3 - 2 * t)


def plant_growth(temp: np.ndarray, precip: np.ndarray, v: dict[str, Any]) -> np.ndarray:
    """g = G * P / (P + P_half) * warm(T) - m."""
    precip = np.maximum(precip, 0.0)
    wet = precip / (precip + v["life_precip_half"])
    return v["life_growth"] * wet * warm_window(temp, v) - v["life_decay"]


def lv_rates(c: np.ndarray, g: np.ndarray | float, v: dict[str, Any]) -> np.ndarray:
    """Per-capita rates f of the food chain, (..., 3)."""
    x, y, z = c[..., 0], c[..., 1], c[..., 2]
    r, p = v["life_reproduction"], v["life_predation"]
    return np.stack([g - y - x / v["life_capacity"], r * x - p * z - 1.0, p * y - 1.0], axis=-1)


def _pair_exchange(
    a: np.ndarray, land: np.ndarray, grid: Grid, rate: np.ndarray | float, w: np.ndarray
) -> np.ndarray:
    """sum over land edge neighbours (no pole crossing) of rate * min(w, w_n) / w * (a_n - a)."""
    h = grid.height
    out = np.zeros_like(a)
    rows = np.arange(h)[:, None]
    for dx, dy in EDGES:
        an = grid.neighbour(a, dx, dy)
        ok = land & grid.neighbour(land, dx, dy) & (0 <= rows + dy) & (rows + dy < h)
        wn = grid.neighbour(w, dx, dy)
        f = np.minimum(w, wn) / w
        if a.ndim == 3:
            out += np.where(ok[..., None], rate * f[..., None] * (an - a), 0.0)
        else:
            out += np.where(ok, rate * f * (an - a), 0.0)
    return out


def life_step(
    life: np.ndarray,
    terrain: np.ndarray,
    air: np.ndarray,
    moisture: np.ndarray,
    civ: np.ndarray,
    grid: Grid,
    v: dict[str, Any],
) -> tuple[np.ndarray, np.ndarray]:
    """One life pass (without seeding): returns new (life, civ), float64."""
    flat = bool(v.get("metric_flat", False))
    life = life.astype(np.float64)
    civ = civ.astype(np.float64)
    z = terrain[..., 0].astype(np.float64) - v["sea_level"]
    land = z > 0
    temp = air[..., 1].astype(np.float64)
    g = plant_growth(temp, moisture[..., 1].astype(np.float64), v)
    c = life[..., :3]
    f = lv_rates(c, g, v)
    k = np.clip(np.asarray(v["life_diffusion"], np.float64), 0.0, 0.25)
    was_land = life[..., 3] > 0.5  # the mask the last step wrote: neighbours' land
    ex = _pair_exchange(c, was_land, grid, k, area_weight(grid, flat))
    pop = np.maximum(c * (1.0 + v["life_dt"] * f) + ex, 0.0)
    pop[~land] = 0.0
    out = life.copy()
    out[..., :3] = pop
    out[..., 3] = land

    warm = warm_window(temp, v)
    fert = np.where(
        land,
        np.minimum(c[..., 0] / v["bury_plant_ref"], 1.0)
        * (1.0 - smoothstep(0.0, v["bury_lowland"], z)),
        v["bury_marine"] * warm * (1.0 - smoothstep(0.0, v["bury_shelf"], -z)),
    )
    target = v["carbon_density"] * fert * cell_km2(grid)
    rate = min(v["dt"] * v["life_every"] / v["bury_time"], 1.0)
    civ_out = civ.copy()
    civ_out[..., 1] = civ[..., 1] + rate * np.maximum(target - civ[..., 1], 0.0)
    return out, civ_out


def people_capacity(temp: np.ndarray, plants: np.ndarray, land: np.ndarray, v: dict) -> np.ndarray:
    cold = np.clip((temp - v["people_cold"]) / max(v["people_cool"] - v["people_cold"], 1e-3), 0, 1)
    hot = np.clip((v["people_heat_limit"] - temp) / v["people_heat_width"], 0, 1)
    food = np.minimum(plants / v["people_plant_ref"], 1.0)
    return np.where(land, v["people_capacity"] * food * cold * hot, 0.0)


def origin_cell(grid: Grid, v: dict[str, Any]) -> tuple[int, int]:
    lat, lon = v["people_origin"]
    return (
        int(np.floor((lat + 90.0) / 180.0 * grid.height)),
        int(np.floor((lon + 180.0) / 360.0 * grid.width)),
    )


def people_step(
    civ: np.ndarray,
    air: np.ndarray,
    life: np.ndarray,
    grid: Grid,
    v: dict[str, Any],
) -> np.ndarray:
    """One people pass: returns the new civ, float64."""
    flat = bool(v.get("metric_flat", False))
    dt = max(float(v["dt"]), 0.0) * v["people_every"]
    civ = civ.astype(np.float64)
    land = life[..., 3] > 0.5  # the life pass's land mask
    cap = people_capacity(air[..., 1].astype(np.float64), life[..., 0], land, v)
    n = civ[..., 0]
    row_km = np.pi * grid.radius / grid.height * 1e-3
    k = min(v["people_spread"] * dt / row_km**2, 0.2)
    n1 = np.maximum(n + _pair_exchange(n, land, grid, k, area_weight(grid, flat)), 0.0)
    e = np.exp(min(v["people_growth"] * dt, 30.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        n2 = np.where(land, cap * n1 * e / np.maximum(cap + n1 * (e - 1.0), 1e-30), 0.0)
    if v["people_on"]:
        y, x = origin_cell(grid, v)
        if (
            0 <= y < grid.height
            and land[y, x % grid.width]
            and cap[y, x % grid.width] > v["people_seed"]
        ):
            n2[y, x % grid.width] = max(n2[y, x % grid.width], v["people_seed"])
    rows = np.arange(grid.height)[:, None]
    near = sum(
        np.where((0 <= rows + dy) & (rows + dy < grid.height), grid.neighbour(n, dx, dy), 0.0)
        for dx, dy in EDGES
    )
    want = v["people_burn"] * v["people_era"] * (n2 + 0.25 * near) * cell_km2(grid) * 1e-9
    burn = np.minimum(civ[..., 1], dt * np.minimum(want, v["people_extract"] * civ[..., 1]))
    out = np.empty_like(civ)
    out[..., 0] = n2
    out[..., 1] = civ[..., 1] - burn
    out[..., 2] = burn / dt if dt > 0 else 0.0
    out[..., 3] = 1.0 - np.exp(-n2 * min(v["people_era"], 1.0) / v["people_light"])
    return out


def _levels(n: int) -> int:
    k = 0
    while (1 << k) < n:
        k += 1
    return k


def mixing_partner(grid: Grid, run: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of each cell's butterfly partner at this run (itself when none)."""
    h, w = grid.shape
    yy, xx = np.mgrid[0:h, 0:w]
    lx = _levels(w)
    k = run % (lx + _levels(h))
    if k < lx:
        s = 1 << k
        qx = np.where((xx // s) % 2 == 0, xx + s, xx - s)
        qx = np.where(qx >= w, xx, qx)
        return yy, qx
    s = 1 << (k - lx)
    qy = np.where((yy // s) % 2 == 0, yy + s, yy - s)
    qy = np.where(qy >= h, yy, qy)
    return qy, xx


def carbon_step(
    moisture: np.ndarray,
    air: np.ndarray,
    civ: np.ndarray,
    grid: Grid,
    v: dict[str, Any],
    step: int,
    global_mean: bool = False,
) -> np.ndarray:
    """One carbon pass: returns the new moisture, float64. `global_mean`: the stage hook's
    fresh mipmaps were there, so the air also relaxes to the exact area-weighted mean."""
    flat = bool(v.get("metric_flat", False))
    m = moisture.astype(np.float64)
    c = m[..., 3]
    u = air[..., 2].astype(np.float64)
    vv = air[..., 3].astype(np.float64)
    a = area_weight(grid, flat)
    dt = max(float(v["dt"]), 0.0) * v["people_every"]
    dt_s = dt * SECONDS_PER_YEAR
    h, w = grid.shape
    if flat:
        dxs = np.ones((h, 1))
        dy = 1.0
    else:
        dxs = (2 * np.pi * grid.radius / w * np.cos(np.radians(grid.lat)))[:, None]
        dy = np.pi * grid.radius / h

    def flux(
        ca: np.ndarray, cb: np.ndarray, nu: np.ndarray, aa: np.ndarray, ab: np.ndarray
    ) -> np.ndarray:
        return nu * np.minimum(aa, ab) * np.maximum(np.where(nu > 0, ca - cb, cb - ca), 0.0)

    # East faces: flux from each cell to its east neighbour.
    ce = np.roll(c, -1, axis=1)
    nu_e = np.clip(u * dt_s / dxs, -0.125, 0.125)  # the wind of the cell west of the face
    fe = flux(c, ce, nu_e, a, a)
    net = -fe + np.roll(fe, 1, axis=1)
    # North faces between row y and y + 1 (none across the poles).
    nu_n = np.clip(vv[:-1] * dt_s / dy, -0.125, 0.125)  # the wind of the cell south of it
    fn = flux(c[:-1], c[1:], nu_n, a[:-1], a[1:])
    net[:-1] -= fn
    net[1:] += fn

    qy, qx = mixing_partner(grid, step // v["people_every"])
    cycle = _levels(grid.width) + _levels(grid.height)
    lam = 0.5 * min(cycle * dt / v["co2_mix_time"], 1.0)
    aq = a[qy, qx]
    xch = 2.0 * lam * (a * aq / (a + aq)) * (c[qy, qx] - c)

    ct = c + (net + xch) / a
    if global_mean:
        mu = min(dt / v["co2_mix_time"], 1.0)
        ct = (1.0 - mu) * ct + mu * float((c * a).sum() / a.sum())
    emit = civ[..., 2].astype(np.float64) * dt / (GTC_PER_PPM * globe_share(grid))
    out = m.copy()
    out[..., 3] = np.maximum(ct + emit, 0.0)
    return out
