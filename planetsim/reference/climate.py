"""numpy references for the climate passes (shaders/sim/pressure, the blur passes, weather,
vapour_x and vapour). Written from the formulas of issue 4 and the pass headers, in float64,
with their own geometry (the Gaussian along a meridian is a periodic convolution around the whole
great circle through both poles; each longitude row is a circulant matrix). blur_sphere is
the exact one-stage Gaussian (the passes' pressure_blur_exact mode); the passes' default two
stages per direction agree with it to ~1e-3 of the data's range."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analysis.grid import Grid

SECONDS_PER_YEAR = 31557600.0


@dataclass(frozen=True)
class ClimateParams:
    season: float = 1.0
    sea_level: float = 0.0
    air_rise: float = 0.0  # m: the 1013-hPa level above the sea (analysis/sea_level.air_rise)
    lapse_rate: float = 6.5  # K/km
    co2_sensitivity: float = 3.0  # K per doubling
    coriolis_k: float = 15.0
    wind_scale: float = 0.15  # m/s per hPa/1000 km
    convergence_depth: float = 6000.0  # m
    vapour_step_hours: float = 6.0
    evaporation_rate: float = 0.3  # 1/day
    soil_capacity: float = 150.0  # mm
    rain_rh_a: float = 15.6
    rain_rh_b: float = 0.7
    rain_rh_capacity: float = 70.0  # kg/m^2
    rain_lift_height: float = 1500.0  # m
    vapour_eddy: float = 6.0e6  # m^2/s
    front_lift: float = 0.7e-3  # m/s per K/1000 km
    cloud_rh_critical: float = 0.35
    sc_lts_equator: float = 12.5  # K
    sc_free_share: float = 0.65
    sc_advection_days: float = 5.0
    storm_cloud: float = 0.85


# ---- pressure ---------------------------------------------------------------------------------
def raw_pressure(land: np.ndarray, grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Unblurred annual and seasonal sea-level pressure (hPa) from the land mask."""
    lat = grid.lat2d
    annual = np.where(
        land, 1012.5 - 6 * np.cos(lat * np.pi / 45), 1014.5 - 20 * np.cos(lat * np.pi / 30)
    )
    seasonal = np.where(
        land, 15 * np.sin(lat * np.pi / 90), 20 * np.sin(lat * np.pi / 35) * np.abs(lat) / 90
    )
    return annual, seasonal


def surface_slope(elev: np.ndarray, sea_level: float, grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """(east, north) slope of the height above the sea, m/m, central differences."""
    h = np.maximum(elev - sea_level, 0.0)
    dy = np.pi * grid.radius / grid.height
    dx = 2 * np.pi * grid.radius / grid.width * np.cos(np.radians(grid.lat))[:, None]
    sx = (grid.neighbour(h, 1, 0) - grid.neighbour(h, -1, 0)) / (2 * dx)
    sy = (grid.neighbour(h, 0, 1) - grid.neighbour(h, 0, -1)) / (2 * dy)
    return sx, sy


def blur_lon(a: np.ndarray, grid: Grid, sigma_deg: float) -> np.ndarray:
    """Gaussian along each latitude circle: sigma in columns sigma_deg/(360/W)/cos(lat),
    shortest-way distances, truncated at 3 sigma (or the whole circle), normalised."""
    h, w = grid.shape
    out = np.empty((h, w))
    j = np.arange(w)
    d = (j[None, :] - j[:, None] + w // 2) % w - w // 2  # signed shortest distance, [-W/2, W/2)
    for y in range(h):
        sig = sigma_deg / (360.0 / w) / max(np.cos(np.radians(grid.lat[y])), 1e-6)
        k = np.exp(-0.5 * (d / sig) ** 2) * (np.abs(d) <= min(3 * sig, w / 2))
        k /= k.sum(axis=1, keepdims=True)
        out[y] = k @ a[y]
    return out


def blur_lat(a: np.ndarray, grid: Grid, sigma_deg: float) -> np.ndarray:
    """Gaussian along each meridian great circle: column x up to the north pole, then column
    x + W/2 back down to the south pole: a periodic line of 2H rows. Truncated at 3 sigma."""
    h, w = grid.shape
    sig = sigma_deg / (180.0 / h)
    i = np.arange(2 * h)
    d = (i[None, :] - i[:, None] + h) % (2 * h) - h
    k = np.exp(-0.5 * (d / sig) ** 2) * (np.abs(d) <= 3 * sig)
    k /= k.sum(axis=1, keepdims=True)
    out = np.empty((h, w))
    for x in range(w // 2):
        x2 = x + w // 2
        circle = np.concatenate([a[:, x], a[::-1, x2]])
        b = k @ circle
        out[:, x] = b[:h]
        out[:, x2] = b[h:][::-1]
    return out


def blur_sphere(a: np.ndarray, grid: Grid, sigma_deg: float) -> np.ndarray:
    """blur_x then blur_y: the separable Gaussian on the sphere."""
    return blur_lat(blur_lon(a, grid, sigma_deg), grid, sigma_deg)


# ---- weather ----------------------------------------------------------------------------------
def temperature(
    lat_deg: np.ndarray,
    mslp: np.ndarray,
    land: np.ndarray,
    height_m: np.ndarray,
    co2: np.ndarray,
    p: ClimateParams,
) -> np.ndarray:
    """Surface temperature, degC (issue 4's fit, lapse rate, greenhouse term); height_m is
    the surface's height above the air's 1013-hPa level (negative below it)."""
    co2 = np.where(co2 > 0, co2, 280.0)
    return (
        zonal_temperature(lat_deg, p.season)
        - (mslp - 1012) / 1.8
        + 1.5 * land
        - p.lapse_rate * height_m / 1000
        + p.co2_sensitivity * np.log2(co2 / 280)
    )


def weather(
    annual: np.ndarray,
    seasonal: np.ndarray,
    slope_x: np.ndarray,
    slope_y: np.ndarray,
    elev: np.ndarray,
    co2: np.ndarray,
    grid: Grid,
    p: ClimateParams,
) -> dict[str, np.ndarray]:
    """mslp, temperature, wind u, v, ascent, slope ascent, land, height (see weather.frag)."""
    mslp = annual + p.season * seasonal
    lat = np.radians(grid.lat)[:, None]
    dy = np.pi * grid.radius / grid.height
    col = 2 * np.pi * grid.radius / grid.width * np.cos(lat)
    # East-west arms about a row long: n columns (at most W/4).
    n = np.clip(np.ceil(dy / col - 1e-3), 1, grid.width // 4).astype(int)[:, 0]
    dx = n[:, None] * col
    pe = np.stack([np.roll(mslp[y], -n[y]) for y in range(grid.height)])
    pw = np.stack([np.roll(mslp[y], n[y]) for y in range(grid.height)])
    pn, ps = grid.neighbour(mslp, 0, 1), grid.neighbour(mslp, 0, -1)
    gx = (pe - pw) / (2 * dx)
    gy = (pn - ps) / (2 * dy)
    gxk, gyk = gx * 1e6, gy * 1e6
    turn = p.coriolis_k * np.sin(lat)
    u = p.wind_scale * (-turn * gyk - gxk)
    v = p.wind_scale * (turn * gxk - gyk)
    half = 0.5 * np.pi / grid.height
    lap = (pe + pw - 2 * mslp) / dx**2 + (
        np.cos(lat + half) * (pn - mslp) - np.cos(lat - half) * (mslp - ps)
    ) / (np.cos(lat) * dy**2)
    div = p.wind_scale * 1e6 * (p.coriolis_k * np.cos(lat) / grid.radius * gx - lap)
    land = elev > p.sea_level
    height = np.maximum(elev - p.sea_level, 0.0)
    temp = temperature(grid.lat2d, mslp, land, height - p.air_rise, co2, p)
    return {
        "mslp": mslp,
        "temp": temp,
        "u": u,
        "v": v,
        "ascent": -p.convergence_depth * div,
        "slope_ascent": u * slope_x + v * slope_y,
        "land": land.astype(float),
        "height": height,
    }


# ---- water cycle ------------------------------------------------------------------------------
def vapour_capacity(temp_c: np.ndarray) -> np.ndarray:
    """Precipitable water of saturated air, kg/m^2 (lib/climate.glsl)."""
    return 11.0 * np.exp(0.07 * np.clip(temp_c, -80.0, 60.0))


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0, 1)
    return t * t * (3 - 2 * t)


def zonal_temperature(lat_deg: np.ndarray | float, season: float) -> np.ndarray:
    """The weather pass's latitude term T0 = 40 tanh(2.2 exp(-x^2 / 2)) - 15 degC,
    x = (lat + 5 season) / 30 (issue 4's fit; its thermal equator follows the season)."""
    x = (np.asarray(lat_deg) + 5.0 * season) / 30.0
    return 40.0 * np.tanh(2.2 * np.exp(-0.5 * x * x)) - 15.0


def zonal_temperature_gradient(lat_deg: np.ndarray, season: float) -> np.ndarray:
    """|dT0/dy| of zonal_temperature, K per 1000 km (by central differences over 0.01 deg)."""
    h = 0.005
    t0 = zonal_temperature(lat_deg + h, season) - zonal_temperature(lat_deg - h, season)
    return np.abs(t0) / (2 * h) / 111.195 * 1000.0


def transport_east(q: np.ndarray, u: np.ndarray, dt: float, grid: Grid) -> np.ndarray:
    """Flux-form step east-west: each face passes the integral of q over the u_f dt upwind of
    it (u_f the mean of its two cells' winds, tapered by cos(lat) / cos(60 deg) poleward of 60
    deg), taken from the row's periodic running sum; q' = q + M_west - M_east."""
    h, w = grid.shape
    lat = np.radians(grid.lat)[:, None]
    ut = u * np.minimum(1.0, np.cos(lat) / 0.5)
    dx = 2 * np.pi * grid.radius / w * np.cos(lat)
    c = 0.5 * (ut + np.roll(ut, -1, axis=1)) * dt / dx  # face i: between i and i + 1
    c = np.clip(c, -(w // 2), w // 2)  # the pass's cap: half a row a step
    out = np.empty_like(q)
    face = np.arange(1, w + 1, dtype=float)  # cell i's east face, in cells from the row's start
    for y in range(h):
        m = _row_integral(q[y], face) - _row_integral(q[y], face - c[y])
        out[y] = q[y] + np.roll(m, 1) - m
    return out


def _row_integral(row: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Integral of the periodic, piecewise-constant row from 0 to x (in cells), any real x."""
    w = row.size
    cum = np.concatenate([[0.0], np.cumsum(row)])
    turns = np.floor(x / w)
    r = x - turns * w
    i = np.minimum(np.floor(r).astype(int), w - 1)
    return turns * cum[-1] + cum[i] + (r - i) * row[i]


def eddy_mixing(q: np.ndarray, dt: float, grid: Grid, p: ClimateParams) -> np.ndarray:
    """One backward-Euler step of dq/dt = (1 / cos phi) d/dy (K cos phi dq/dy) along each
    meridian (K = vapour_eddy tapered between 30 and 45 deg from the thermal equator, nothing
    through the poles), by the Thomas algorithm over all columns at once."""
    h, _ = grid.shape
    edges_deg = -90.0 + np.arange(h + 1) * 180.0 / h
    dy = np.pi * grid.radius / h
    k = p.vapour_eddy * smoothstep(30.0, 45.0, np.abs(edges_deg + 5.0 * p.season))
    lam = dt * k * np.cos(np.radians(edges_deg)) / dy**2
    lam[0] = lam[-1] = 0.0
    c = np.cos(np.radians(grid.lat))
    sub, sup = -lam[:-1] / c, -lam[1:] / c  # row j couples j - 1 through edge j, j + 1 edge j + 1
    diag = 1.0 - sub - sup
    cp = np.zeros(h)
    dp = np.zeros_like(q, dtype=float)
    cp[0] = sup[0] / diag[0]
    dp[0] = q[0] / diag[0]
    for j in range(1, h):
        den = diag[j] - sub[j] * cp[j - 1]
        cp[j] = sup[j] / den
        dp[j] = (q[j] - sub[j] * dp[j - 1]) / den
    out = np.empty_like(dp)
    out[-1] = dp[-1]
    for j in range(h - 2, -1, -1):
        out[j] = dp[j] - cp[j] * out[j + 1]
    return out


def transport_north(
    q: np.ndarray, v: np.ndarray, dt: float, grid: Grid, p: ClimateParams
) -> np.ndarray:
    """Flux-form step north-south in s = sin(lat): each face between two rows passes the
    integral of q ds from the departure latitude (stopped at the pole) to the face, with the
    face wind the mean of its rows'."""
    h, w = grid.shape
    edges_deg = -90.0 + np.arange(h + 1) * 180.0 / h
    s_edge = np.sin(np.radians(edges_deg))
    ds = np.diff(s_edge)
    # Running integral of q ds along each column at the edges, and the faces 1 .. h - 1.
    cum = np.concatenate([np.zeros((1, w)), np.cumsum(q * ds[:, None], axis=0)])
    phi = np.radians(edges_deg[1:-1])[:, None]
    vf = 0.5 * (v[:-1] + v[1:])
    dep = np.clip(phi - vf * dt / grid.radius, -np.pi / 2, np.pi / 2)
    sd = np.sin(dep)

    def integral(col: int, x: np.ndarray) -> np.ndarray:
        return np.interp(x, s_edge, cum[:, col])

    m = np.empty((h - 1, w))
    for x in range(w):
        m[:, x] = integral(x, s_edge[1:-1]) - integral(x, sd[:, x])
    flux = np.concatenate([np.zeros((1, w)), m, np.zeros((1, w))])  # poles carry nothing
    return q + (flux[:-1] - flux[1:]) / ds[:, None]


def vapour_step(
    moisture: np.ndarray,
    soil: np.ndarray,
    temp: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    slope_ascent: np.ndarray,
    land: np.ndarray,
    plants: np.ndarray,
    grid: Grid,
    p: ClimateParams,
    mslp: np.ndarray | float = 1012.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One water-cycle step (vapour_x, then vapour): returns moisture (H, W, 4) = vapour,
    precipitation mm/yr, cloud cover, CO2; soil (H, W, 4) = soil water mm, evaporation mm/yr,
    runoff mm/yr, 0; and the cloud types' covers (H, W, 4): humidity, convective,
    stratocumulus, storm (cloud_parts)."""
    dt = p.vapour_step_hours * 3600
    days = dt / 86400
    land = np.asarray(land) > 0.5
    q = transport_east(moisture[..., 0].astype(float), u, dt, grid)
    q = eddy_mixing(q, dt, grid, p)
    q = np.maximum(transport_north(q, v, dt, grid, p), 0.0)
    cap = vapour_capacity(temp)
    s0 = np.where(land, np.clip(soil[..., 0], 0, p.soil_capacity), 0.0)
    evap = np.maximum(cap - q, 0) * (1 - np.exp(-p.evaporation_rate * days))
    beta = s0 / p.soil_capacity * (0.5 + 0.5 * np.clip(plants, 0, 1))
    evap = np.where(land, np.minimum(evap * beta, s0), np.where(temp < -2.0, 0.0, evap))
    q = q + evap
    growth = np.minimum(p.rain_rh_a * (q / cap - p.rain_rh_b), 80.0)  # exp() stays finite
    rate = cap / p.rain_rh_capacity * np.exp(growth) * days
    rain = np.where(q > 0, q * (1 - np.exp(-rate / np.maximum(q, 1e-30))), 0.0)
    q = q - rain
    g = zonal_temperature_gradient(grid.lat2d, p.season)
    front = p.front_lift * g * smoothstep(3.0, 7.0, g)
    dz = (np.maximum(slope_ascent, 0) + front) * dt
    lift = q * (1 - np.exp(-dz / p.rain_lift_height)) * smoothstep(0.05, 0.5, q / cap)
    rain += lift
    q = q - lift
    excess = np.maximum(q - cap, 0)
    rain += excess
    q -= excess
    wet = s0 + rain - evap
    runoff = np.where(land, np.maximum(wet - p.soil_capacity, 0), 0.0)
    s1 = np.where(land, np.clip(wet - runoff, 0, p.soil_capacity), 0.0)
    per_year = SECONDS_PER_YEAR / dt
    precip = rain * per_year
    parts = cloud_parts(q / cap, precip, land, np.asarray(mslp), v, grid, p)
    cover = 1 - np.prod(1 - parts, axis=-1)
    zero = np.zeros_like(q)
    return (
        np.stack([q, precip, cover, moisture[..., 3]], -1),
        np.stack([s1, evap * per_year, runoff * per_year, zero], -1),
        parts,
    )


def cloud_parts(
    rh: np.ndarray,
    precip: np.ndarray,
    land: np.ndarray,
    mslp: np.ndarray,
    v: np.ndarray,
    grid: Grid,
    p: ClimateParams,
) -> np.ndarray:
    """The four cloud types' covers (H, W, 4) from the column humidity rh, the rain (mm/yr),
    the land, sea-level pressure (hPa) and the wind north (m/s): Sundqvist et al. (1989) on the
    column, Slingo (1987)'s convective cloud, Klein & Hartmann (1993)'s stratocumulus against
    the lower-tropospheric stability, and the storms' frontal cloud."""
    lat = grid.lat2d
    humid = 1 - np.sqrt(np.clip((1 - rh) / (1 - p.cloud_rh_critical), 0, 1))
    with np.errstate(divide="ignore"):
        convective = np.clip(0.245 + 0.125 * np.log(np.maximum(precip, 0) / 365.25), 0, 0.8)

    # The air at 700 hPa keeps sc_free_share of the surface's contrast with the thermal equator.
    t_eq = zonal_temperature(-5.0 * p.season, p.season)
    lts = p.sc_lts_equator + (1 - p.sc_free_share) * (t_eq - zonal_temperature(lat, p.season))
    lts = lts + (mslp - 1012.0) / 1.8
    g = zonal_temperature_gradient(lat, p.season)  # K per 1000 km
    lts = lts + (-v * np.sign(lat)) * g * 1e-6 * p.sc_advection_days * 86400
    strato = np.where(land, 0.0, np.clip(0.057 * lts - 0.5573, 0, 0.8))
    storm = p.storm_cloud * smoothstep(3.0, 7.0, g) * smoothstep(0.05, 0.5, rh)
    return np.stack(np.broadcast_arrays(humid, convective, strato, storm), -1)


def climate_step(
    elev: np.ndarray,
    moisture: np.ndarray,
    grid: Grid,
    p: ClimateParams,
    sigma_deg: float = 12.0,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The whole chain once (maps, blur, weather, vapour), for the benchmark's numpy side."""
    land = elev > p.sea_level
    annual, seasonal = raw_pressure(land, grid)
    sx, sy = surface_slope(elev, p.sea_level, grid)
    a = blur_sphere(annual, grid, sigma_deg)
    s = blur_sphere(seasonal, grid, sigma_deg)
    w = weather(a, s, sx, sy, elev, moisture[..., 3], grid, p)
    m, _, _ = vapour_step(
        moisture, np.zeros_like(moisture), w["temp"], w["u"], w["v"], w["slope_ascent"],
        w["land"], np.zeros(grid.shape), grid, p, w["mslp"],
    )  # fmt: skip
    return w, m
