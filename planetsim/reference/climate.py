"""numpy references for the climate passes (shaders/sim/pressure, the blur passes, weather,
vapour). Written from the formulas of issue 4 and the pass headers, in float64, with their
own geometry (the Gaussian along a meridian is a periodic convolution around the whole
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
    lapse_rate: float = 6.5  # K/km
    co2_sensitivity: float = 3.0  # K per doubling
    coriolis_k: float = 15.0
    wind_scale: float = 0.15  # m/s per hPa/1000 km
    convergence_depth: float = 6000.0  # m
    vapour_step_hours: float = 6.0
    vapour_diffusivity: float = 7.0e5  # m^2/s
    evaporation_rate: float = 0.4  # 1/day
    land_recycling: float = 0.7
    rain_timescale_days: float = 6.0
    rain_lift_height: float = 1500.0  # m
    rain_sink_height: float = 150.0  # m
    cloud_rh_critical: float = 0.8


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
    """Surface temperature, degC (issue 4's fit, lapse rate, greenhouse term)."""
    co2 = np.where(co2 > 0, co2, 280.0)
    x = (lat_deg + 5 * p.season) / 30
    return (
        40 * np.tanh(2.2 * np.exp(-0.5 * x**2))
        - 15
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
    temp = temperature(grid.lat2d, mslp, land, height, co2, p)
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
    return 8.0 * np.exp(0.07 * np.clip(temp_c, -80.0, 60.0))


def bilinear(a: np.ndarray, px: np.ndarray, py: np.ndarray, grid: Grid) -> np.ndarray:
    """Bilinear sample of a (H, W) at continuous pixel coordinates (centres at +0.5), with the
    longitude wrap and the pole crossing (beyond a pole: mirrored row, W/2 around)."""
    qx, qy = px - 0.5, py - 0.5
    ix, iy = np.floor(qx).astype(int), np.floor(qy).astype(int)
    fx, fy = qx - ix, qy - iy

    def at(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        rows, cols = grid.wrap_index(y, x)
        return a[rows, cols]

    top = (1 - fx) * at(ix, iy + 1) + fx * at(ix + 1, iy + 1)
    bottom = (1 - fx) * at(ix, iy) + fx * at(ix + 1, iy)
    return (1 - fy) * bottom + fy * top


def departure(u: np.ndarray, v: np.ndarray, dt: float, grid: Grid) -> tuple[np.ndarray, ...]:
    """Pixel coordinates of the point the wind (u, v m/s) carries to each cell centre in dt s,
    traced back along latitude and longitude (a zonal wind keeps its latitude)."""
    la = np.radians(grid.lat2d)
    lo = np.radians(grid.lon2d)
    lat = la - v * dt / grid.radius
    lon = lo - u * dt / (grid.radius * np.cos(la))
    px = (lon + np.pi) / (2 * np.pi) * grid.width
    py = (lat + np.pi / 2) / np.pi * grid.height
    return px, py


def advect(q: np.ndarray, u: np.ndarray, v: np.ndarray, dt: float, grid: Grid) -> np.ndarray:
    """Semi-Lagrangian step: q at the departure point (bilinear)."""
    px, py = departure(u, v, dt, grid)
    return bilinear(q, px, py, grid)


def mixing(q: np.ndarray, kdt: float, grid: Grid, centre: np.ndarray | None = None) -> np.ndarray:
    """Eddy mixing increment K dt laplacian(q): 5-point stencil with arms of whole cells at
    least sqrt(5 K dt) long (x arms at most W/4), coefficients capped at 0.2; in latitude a
    symmetric flux per pair of cells (cos-weighted, none across a pole): conservative. The
    centre term uses `centre` (the advected field in the vapour pass; default q)."""
    if kdt <= 0:
        return np.zeros_like(q)
    cen = q if centre is None else centre
    h, w = grid.shape
    reach = np.sqrt(5 * kdt)
    row_m = np.pi * grid.radius / h
    ny = max(1, int(np.ceil(reach / row_m)))
    lat = np.radians(grid.lat)
    c = np.cos(lat)
    ay = kdt / (ny * row_m) ** 2
    # Pair (y, y + ny): conductance from the interface halfway and both cells' sizes.
    g = np.zeros(h)  # g[y]: pair between row y and the row ny further north
    for y in range(h - ny):
        mid = lat[y] + 0.5 * ny * np.pi / h
        g[y] = min(ay * np.cos(mid), 0.2 * min(c[y], c[y + ny]))
    out = np.zeros_like(q)
    for y in range(h):
        col_m = 2 * np.pi * grid.radius / w * c[y]
        nx = int(np.clip(np.ceil(reach / col_m), 1, w // 4))
        ax = min(kdt / (nx * col_m) ** 2, 0.2)
        r = q[y]
        out[y] += ax * (np.roll(r, -nx) + np.roll(r, nx) - 2 * cen[y])
        if y + ny < h:  # the pair to the north, inside the grid
            out[y] += g[y] * (q[y + ny] - cen[y]) / c[y]
            out[y + ny] += g[y] * (r - cen[y + ny]) / c[y + ny]
    return out


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0, 1)
    return t * t * (3 - 2 * t)


def vapour_step(
    moisture: np.ndarray,
    temp: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    ascent: np.ndarray,
    land: np.ndarray,
    grid: Grid,
    p: ClimateParams,
) -> np.ndarray:
    """One vapour pass: returns moisture (H, W, 4) = vapour, precipitation mm/yr, cloud, CO2."""
    dt = p.vapour_step_hours * 3600
    days = dt / 86400
    land = np.asarray(land) > 0.5
    q0 = moisture[..., 0].astype(float)
    qa = advect(q0, u, v, dt, grid)
    q = qa + mixing(q0, p.vapour_diffusivity * dt, grid, centre=qa)
    cap = vapour_capacity(temp)
    evap = np.maximum(cap - q, 0) * (1 - np.exp(-p.evaporation_rate * days))
    evap_land = np.minimum(evap, p.land_recycling * moisture[..., 1] * dt / SECONDS_PER_YEAR)
    evap = np.where(land, evap_land, np.where(temp < -2.0, 0.0, evap))
    q = q + evap
    h = q / cap
    dz = ascent * dt
    f_lift = (1 - np.exp(-np.maximum(dz, 0) / p.rain_lift_height)) * smoothstep(0.05, 0.5, h)
    f_still = 1 - np.exp(
        -days / p.rain_timescale_days * h * h * np.exp(np.minimum(dz, 0) / p.rain_sink_height)
    )
    rain = q * (1 - (1 - f_lift) * (1 - f_still))
    q = q - rain
    excess = np.maximum(q - cap, 0)
    rain += excess
    q -= excess
    precip = rain / dt * SECONDS_PER_YEAR
    # Sundqvist et al. (1989) from humidity; raining air is cloudy whatever its humidity.
    rh_cloud = 1 - np.sqrt(np.clip((1 - q / cap) / (1 - p.cloud_rh_critical), 0, 1))
    cloud = np.maximum(rh_cloud, 1 - np.exp(-precip / 1500))
    return np.stack([q, precip, cloud, moisture[..., 3]], -1)


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
    m = vapour_step(
        moisture, w["temp"], w["u"], w["v"], w["ascent"] + w["slope_ascent"], w["land"], grid, p
    )
    return w, m
