// vapour: one atmospheric step (vapour_step_hours) of the water cycle.
// Reads: air (y temperature degC, zw wind m/s), ascent (x ascent from convergence m/s, y ascent
// up the slope m/s, z land), moisture (x vapour kg/m^2, y precipitation mm/yr; w passed through).
// Writes: moisture = (vapour kg/m^2, precipitation mm/yr, cloud cover 0..1, CO2 unchanged).
// With dt the step (s), C = vapour_capacity(T) (kg/m^2, lib/climate.glsl):
// 1. advection, semi-Lagrangian: departure lat - v dt / R, lon - u dt / (R cos lat) from the
//    cell centre, q = bilinear vapour there (wrap at +-180 deg, across the poles); plus eddy
//    mixing vapour_diffusivity * laplacian(q) * dt (long-armed 5-point stencil whose centre
//    is the advected q, so the whole step is a convex mix of old values);
// 2. evaporation: open sea (T >= -2 degC) E = (C - q)+ (1 - exp(-evaporation_rate dt)); land
//    E = min(that, land_recycling * precipitation * dt) (plants and soil give back rain);
// 3. rain: ascent dz = (ascent + slope ascent) dt, m; relative humidity h = q / C;
//    f_lift = (1 - exp(-dz+ / rain_lift_height)) smoothstep(0.05, 0.5, h)   (air cools rising)
//    f_still = 1 - exp(-dt / rain_timescale h^2 exp(-dz- / rain_sink_height)) (sinking air dries)
//    rain = q (1 - (1 - f_lift)(1 - f_still)), then whatever still exceeds C (cooling air);
// 4. precipitation = rain / dt, mm/yr (1 kg/m^2 = 1 mm); cloud fraction = max(Sundqvist et
//    al. 1989's 1 - sqrt((1 - h) / (1 - cloud_rh_critical)) (0 below the critical humidity),
//    1 - exp(-precipitation / 1500 mm/yr)) (raining air is cloudy).
#include "lib/grid.glsl"
#include "lib/climate.glsl"

void main() {
    ivec2 p = frag_cell();
    vec4 m = fetch(t_moisture, p);
    vec4 a = fetch(t_air, p);
    vec4 up = fetch(t_ascent, p);
    float dt = u_vapour_step_hours * 3600.0;
    float days = dt / 86400.0;

    // Back-trace along the latitude/longitude lines (exact for a zonal wind, which then only
    // shifts each row: linear interpolation keeps the row's sum). Past a pole the sample
    // continues on the opposite meridian (sample_bilinear's fetch rule).
    vec2 ll = cell_latlon(p);
    float lat_d = ll.x - a.w * dt / u_radius;
    float lon_d = ll.y - a.z * dt / (u_radius * cos(ll.x));
    float q = sample_bilinear(t_moisture, latlon_to_pixel(vec2(lat_d, lon_d))).x;

    // Eddy mixing: K laplacian(q) dt on a 5-point stencil whose arms are L >= sqrt(5 K dt)
    // long (whole cells), so the step means the same distance on every grid. Conservative:
    // one coefficient per row in longitude; in latitude a flux per pair of cells (cos-weighted
    // interface, none across a pole), capped so that no cell gives more than 20 % per arm.
    if (u_vapour_diffusivity > 0.0) {
        float kdt = u_vapour_diffusivity * dt;
        float reach = sqrt(5.0 * kdt);
        float row_m = PI * u_radius / float(u_size.y);
        float c = cos(ll.x);
        float col_m = TAU * u_radius / float(u_size.x) * c;
        int ny = max(1, int(ceil(reach / row_m)));
        int nx = clamp(int(ceil(reach / col_m)), 1, u_size.x / 4);
        float lx = float(nx) * col_m;
        float ly = float(ny) * row_m;
        float ax = min(kdt / (lx * lx), 0.2);
        float ay = kdt / (ly * ly);
        float arm = float(ny) * PI / float(u_size.y); // latitude to the other cell
        // Pair conductance g = min(ay cos(mid), 0.2 min(cos here, cos there)); the change of
        // this cell is g (q_other - q) / cos(here).
        // No pairs across a pole (the two sides would not agree on the interface).
        float gn = p.y + ny < u_size.y ? min(ay * cos(ll.x + 0.5 * arm), 0.2 * min(c, cos(ll.x + arm))) : 0.0;
        float gs = p.y - ny >= 0 ? min(ay * cos(ll.x - 0.5 * arm), 0.2 * min(c, cos(ll.x - arm))) : 0.0;
        float qe = fetch_at(t_moisture, p, ivec2(nx, 0)).x;
        float qw = fetch_at(t_moisture, p, ivec2(-nx, 0)).x;
        float qn = fetch_at(t_moisture, p, ivec2(0, ny)).x;
        float qs = fetch_at(t_moisture, p, ivec2(0, -ny)).x;
        // Centre term on the advected value: the step is a convex mix of old values (weights
        // >= 0.2 left for the centre), so advection and mixing together stay bounded. (Adding
        // the laplacian of the old field to the advected one instead is unstable.)
        float wsum = 2.0 * ax + (gn + gs) / c;
        q = q * (1.0 - wsum) + ax * (qe + qw) + (gn * qn + gs * qs) / c;
    }

    float temp = a.y;
    bool land = up.z > 0.5;
    float cap = vapour_capacity(temp);
    float evap = max(cap - q, 0.0) * (1.0 - exp(-u_evaporation_rate * days));
    if (land) {
        evap = min(evap, u_land_recycling * m.y * dt / SECONDS_PER_YEAR);
    } else if (is_sea_ice(temp, false)) {
        evap = 0.0;
    }
    q += evap;

    float h = q / cap;
    float dz = (up.x + up.y) * dt;
    float f_lift = (1.0 - exp(-max(dz, 0.0) / u_rain_lift_height)) * smoothstep(0.05, 0.5, h);
    float f_still = 1.0 - exp(-days / u_rain_timescale_days * h * h
                              * exp(min(dz, 0.0) / u_rain_sink_height));
    float rain = q * (1.0 - (1.0 - f_lift) * (1.0 - f_still));
    q -= rain;
    float excess = max(q - cap, 0.0);
    rain += excess;
    q -= excess;

    float precip = rain / dt * SECONDS_PER_YEAR;
    float rh_cloud = 1.0 - sqrt(clamp((1.0 - q / cap) / (1.0 - u_cloud_rh_critical), 0.0, 1.0));
    float cloud = max(rh_cloud, 1.0 - exp(-precip / 1500.0));
    o_moisture = vec4(q, precip, cloud, m.w);
}
