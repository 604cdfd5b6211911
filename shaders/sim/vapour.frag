// vapour: the meridional half of one atmospheric step (vapour_step_hours), then evaporation,
// rain and clouds, and the soil's water.
// Reads: eddy (the vapour W kg/m^2 after vapour_x and the eddies' mixing: d / b once eddy_pcr
// has solved it), moisture (w CO2, passed through), air (x mslp hPa, y temperature degC, w wind
// north v m/s), ascent (y ascent up the slope m/s, z land), soil (x soil water mm), life (x
// plants 0..1). Writes: moisture = (W kg/m^2, precipitation mm/yr, cloud cover
// 0..1, CO2); soil = (soil water mm, evaporation mm/yr, runoff mm/yr, 0); cloud = the cover
// of each cloud type (humidity, convective, stratocumulus, storms), 0..1.
// dt = the step (s); C = vapour_capacity(T) (kg/m^2, lib/climate.glsl: Clausius-Clapeyron's
// ~7 %/K); r = W / C the column relative humidity.
// 1. Transport north, flux form (Lin & Rood 1996, as vapour_x) in s = sin(lat), where a row's
//    cells have equal areas per unit s: a cell holds what lay between its two edges'
//    departure latitudes phi_f - v_f dt / R (stopped at the poles), W' = the integral of W ds
//    over them / ds, which is W + (M_south - M_north) / ds with M the vapour crossing an edge.
//    The edges at the poles carry nothing, and neighbours share each departure latitude, so
//    the sphere's vapour is kept to float precision. v_f is the mean of the two rows' winds.
//    (The mid-latitude storms' mixing down the vapour's gradient came before, in eddy_init
//    and eddy_pcr: an implicit diffusion step along the meridian.)
// 2. Evaporation. Sea (not ice): E = (C - W)+ (1 - exp(-evaporation_rate dt)), the bulk
//    formula's pull toward saturation. Land: the same times beta = S / soil_capacity
//    (0.5 + 0.5 plants), from the soil bucket S (Manabe 1969, Mon. Wea. Rev. 97:739: a 150 mm
//    bucket, evaporation in proportion to how full it is; plants' roots reach deeper water).
// 3. Rain. Relative humidity: P = (C / rain_rh_capacity) exp(rain_rh_a (r - rain_rh_b)) mm/day
//    (Bretherton, Peters & Back 2004, J. Climate 17:1517: a = 15.6 and b = 0.603 over tropical
//    oceans, where C is about rain_rh_capacity = 70 kg/m^2; b = 0.7 here, which keeps the
//    columns as moist as Earth's, 20 kg/m^2 on the sphere's mean; scaled by C so that the
//    rain-out time at a given r does not depend on temperature), rain = W (1 - exp(-P dt / W)): hot
//    but dry air (r < 0.5) hardly rains. Lifting: air forced up by dz = w dt cools and rains
//    out W (1 - exp(-dz / rain_lift_height)) smoothstep(0.05, 0.5, r), with w the ascent up the
//    slope (rain shadows on the lee) plus the fronts' front_lift g smoothstep(3, 7, g),
//    g = |dT0/dy| in K per 1000 km (the storm tracks: lows form along the polar front, where
//    the equator-to-pole contrast is steepest, lib/climate.glsl). Then whatever exceeds C.
// 4. Soil: S' = min(S + rain - E, soil_capacity) on land (the rest runs off), 0 at sea.
// 5. Precipitation = rain / dt in mm/yr (1 kg/m^2 = 1 mm).
// 6. Clouds, four types that overlap at random (lib/clouds.glsl): cover = 1 - prod(1 - C_i).
//    Humidity: C_h = 1 - sqrt((1 - r) / (1 - cloud_rh_critical)) above the critical column
//    humidity (Sundqvist, Berge & Kristjansson 1989, Mon. Wea. Rev. 117:1641, on the column).
//    Convective: C_c = 0.245 + 0.125 ln(P mm/day), 0..0.8 (Slingo 1987, QJRMS 113:899), from
//    this step's rain. Marine stratocumulus, over the sea: C_s = 0.057 LTS - 0.5573, 0..0.8
//    (Klein & Hartmann 1993, J. Climate 6:1587: 5.7 % more low cloud per K of lower-
//    tropospheric stability LTS = theta_700 - theta_surface); LTS = the zonal free
//    troposphere's (lib/climate.glsl: sc_lts_equator at the thermal equator, the air at 700 hPa
//    keeping sc_free_share of the surface's equator-to-pole contrast) + (mslp - 1012) / 1.8 (the
//    surface under a high is that much colder than its latitude, weather pass, while the air
//    above it sinks) + the cooling of sea air blown equatorward for sc_advection_days,
//    v_equatorward dT0/dy t (the cold currents and upwelling off west coasts, where the
//    subtropical highs' winds blow toward the equator). Storms: C_w = storm_cloud
//    smoothstep(3, 7, g) smoothstep(0.05, 0.5, r), the frontal cloud of the lows whose lift
//    rains in step 3. moisture.z = the cover; cloud = the four types.
#include "lib/grid.glsl"
#include "lib/climate.glsl"
#include "lib/clouds.glsl"

// Latitude of the edge j between rows j - 1 and j (j = 0: south pole, H: north pole).
float edge_lat(int j) { return -0.5 * PI + float(j) * PI / float(u_size.y); }

// Departure latitude of edge j (between rows j - 1 and j): where the air that reaches the
// edge at the end of the step was at its start, with vs and vn the wind north of the rows
// south and north of it. The poles' edges carry nothing: their own latitude.
float departure(int j, float vs, float vn, float dt) {
    float phi = edge_lat(j);
    if (j <= 0 || j >= u_size.y) return phi;
    return clamp(phi - 0.5 * (vs + vn) * dt / u_radius, -0.5 * PI, 0.5 * PI);
}

// The vapour of row y in column x after the eddies' mixing (eddy_pcr's solution).
float vapour_at(int x, int y) {
    vec4 e = texelFetch(t_eddy, ivec2(x, y), 0);
    return e.w / e.y;
}

// Row of a latitude (the rows' own edges belong to the row north of them).
int row_of(float phi) {
    return clamp(int(floor((phi + 0.5 * PI) / PI * float(u_size.y))), 0, u_size.y - 1);
}

void main() {
    ivec2 p = frag_cell();
    vec4 m = fetch(t_moisture, p);
    vec4 a = fetch(t_air, p);
    vec4 up = fetch(t_ascent, p);
    float dt = u_vapour_step_hours * 3600.0;
    float days = dt / 86400.0;

    // The vapour between the departure latitudes of the row's two edges, per unit s. This
    // row's and its neighbours' winds and vapour are fetched once (rows clamped at the poles,
    // whose edges do not use them).
    int ys = max(p.y - 1, 0);
    int yn = min(p.y + 1, u_size.y - 1);
    vec3 hv = vec3(vapour_at(p.x, ys), vapour_at(p.x, p.y), vapour_at(p.x, yn));
    float vs = texelFetch(t_air, ivec2(p.x, ys), 0).w;
    float vn = texelFetch(t_air, ivec2(p.x, yn), 0).w;
    float d0 = departure(p.y, vs, a.w, dt);
    float d1 = departure(p.y + 1, a.w, vn, dt);
    float lo = min(d0, d1);
    float hi = max(d0, d1);
    float q = 0.0;
    int k0 = row_of(lo);
    int k1 = min(row_of(hi), k0 + 8);
    for (int k = k0; k <= k1; k++) {
        float lat0 = max(lo, edge_lat(k));
        float lat1 = min(hi, edge_lat(k + 1));
        int o = k - p.y;
        float wk = o == -1 ? hv.x : o == 0 ? hv.y : o == 1 ? hv.z
                                              : vapour_at(p.x, k);
        q += wk * max(sin(lat1) - sin(lat0), 0.0);
    }
    q /= sin(edge_lat(p.y + 1)) - sin(edge_lat(p.y));
    if (d1 < d0) q = -q; // only where trajectories cross (see below)
    // Only where the winds' divergence over one step exceeds 1 (crossing trajectories) could
    // this be negative; the polar filter of vapour_x keeps Earth-like winds well below that.
    q = max(q, 0.0);

    float temp = a.y;
    bool land = up.z > 0.5;
    float cap = vapour_capacity(temp);
    float soil = land ? clamp(fetch(t_soil, p).x, 0.0, u_soil_capacity) : 0.0;
    float evap = max(cap - q, 0.0) * (1.0 - exp(-u_evaporation_rate * days));
    if (land) {
        float plants = clamp(fetch(t_life, p).x, 0.0, 1.0);
        evap = min(evap * soil / u_soil_capacity * (0.5 + 0.5 * plants), soil);
    } else if (is_sea_ice(temp, false)) {
        evap = 0.0;
    }
    q += evap;

    float r = q / cap;
    float rate = cap / u_rain_rh_capacity * exp(u_rain_rh_a * (r - u_rain_rh_b)) * days;
    // q (1 - exp(-x)), with its series where float32 would lose the small x to cancellation
    float x = q > 0.0 ? rate / q : 0.0;
    float rain = q * (x < 1e-3 ? x * (1.0 - 0.5 * x) : 1.0 - exp(-x));
    q -= rain;
    // Lifting: up the slope, and along the polar front (frontal lift).
    float grad = zonal_temperature_gradient(cell_lat_deg(p), u_season); // K per 1000 km
    float front = u_front_lift * grad * smoothstep(3.0, 7.0, grad);
    float dz = (max(up.y, 0.0) + front) * dt;
    float lift = q * (1.0 - exp(-dz / u_rain_lift_height)) * smoothstep(0.05, 0.5, q / cap);
    rain += lift;
    q -= lift;
    float excess = max(q - cap, 0.0);
    rain += excess;
    q -= excess;

    float runoff = 0.0;
    if (land) {
        soil += rain - evap;
        runoff = max(soil - u_soil_capacity, 0.0);
        soil = clamp(soil - runoff, 0.0, u_soil_capacity);
    }
    float per_year = SECONDS_PER_YEAR / dt;
    float precip = rain * per_year;
    float lat_deg = cell_lat_deg(p);
    float rh = q / cap;
    vec4 parts;
    parts.x = 1.0 - sqrt(clamp((1.0 - rh) / (1.0 - u_cloud_rh_critical), 0.0, 1.0));
    parts.y = clamp(0.245 + 0.125 * log(max(precip / 365.25, 1e-6)), 0.0, 0.8);
    if (land) {
        parts.z = 0.0;
    } else {
        // v toward the equator (m/s) times the zonal gradient (K/m) over the advection time.
        float equatorward = -a.w * sign(lat_deg);
        float lts = zonal_stability(lat_deg, u_season, u_sc_lts_equator, u_sc_free_share)
                  + (a.x - 1012.0) / 1.8
                  + equatorward * grad * 1e-6 * u_sc_advection_days * 86400.0;
        parts.z = clamp(0.057 * lts - 0.5573, 0.0, 0.8);
    }
    parts.w = u_storm_cloud * smoothstep(3.0, 7.0, grad) * smoothstep(0.05, 0.5, rh);
    o_moisture = vec4(q, precip, cloud_cover(parts), m.w);
    o_cloud = parts;
    o_soil = vec4(soil, evap * per_year, runoff * per_year, 0.0);
}
