// weather: sea-level pressure for the season, surface temperature and the Coriolis wind.
// Reads: climate_maps (x annual, y seasonal hPa, blurred; z, w surface slope m/m), terrain
// (x elevation, m), moisture (w CO2, ppm; 0 = unset, counts as 280).
// Writes: air = (mslp hPa, temperature degC, wind u, v m/s); ascent = (ascent from convergence
// m/s, ascent up the slope m/s, land 0/1, height above the sea m).
//   mslp = annual + season * seasonal                                     (season +1 Jan)
//   T = 40 tanh(2.2 exp(-0.5 ((lat + 5 season)/30)^2)) - 15 - (mslp - 1012)/1.8 + 1.5 land
//       - lapse_rate * (height - air_rise)_km + co2_sensitivity * log2(CO2 / 280)   (lat deg)
//   height = max(elevation - sea level, 0), m (ascent.w); height - air_rise is the surface
//       (land, or the sea) above the air's 1013-hPa level (analysis/sea_level.air_rise)
//   g = grad mslp on the sphere, hPa per 1000 km (central differences; east-west arms of
//       n = ceil(row / column) columns, so about a row long at every latitude)
//   wind = wind_scale * (coriolis_k sin(lat) (-g.y, g.x) - g)                 m/s
//   div wind = wind_scale (coriolis_k cos(lat)/R g.x - laplacian mslp)  (curl-free part only
//       diverges; sin(lat) varying with latitude adds the first term), laplacian in flux form
//   ascent = -convergence_depth * div wind;  slope ascent = wind . grad(height above sea)
#include "lib/grid.glsl"
#include "lib/climate.glsl"

float mslp_at(ivec2 p, ivec2 d) {
    vec2 m = fetch_at(t_climate_maps, p, d).xy;
    return m.x + u_season * m.y;
}

void main() {
    ivec2 p = frag_cell();
    vec4 maps = fetch(t_climate_maps, p);
    float mslp = maps.x + u_season * maps.y;
    float lat = cell_latlon(p).x;
    float coslat = cos(lat);
    float sinlat = sin(lat);
    float half_row = 0.5 * PI / float(u_size.y);
    // The climate always uses the sphere's metric, whatever u_metric_flat says. East-west
    // arms are as long as a row (n columns, at most W/4): near the poles one column is a few
    // km and float32 rounding of the pressure, divided by its square, would be a gale.
    float dy = PI * u_radius / float(u_size.y);
    float col = TAU * u_radius / float(u_size.x) * coslat;
    int n = clamp(int(ceil(dy / col - 1e-3)), 1, u_size.x / 4);
    float dx = float(n) * col;
    float pe = mslp_at(p, ivec2(n, 0));
    float pw = mslp_at(p, ivec2(-n, 0));
    float pn = mslp_at(p, ivec2(0, 1));
    float ps = mslp_at(p, ivec2(0, -1));

    vec2 g = vec2((pe - pw) / (2.0 * dx), (pn - ps) / (2.0 * dy)); // hPa/m
    vec2 g_km = g * 1.0e6;                                          // hPa per 1000 km
    vec2 wind = u_wind_scale * (u_coriolis_k * sinlat * vec2(-g_km.y, g_km.x) - g_km);

    // cos(lat +- half a row) from the angle-sum rule: two fewer cosines per cell.
    float ch = cos(half_row);
    float sh = sin(half_row);
    float lap = (pe + pw - 2.0 * mslp) / (dx * dx)
              + ((coslat * ch - sinlat * sh) * (pn - mslp) - (coslat * ch + sinlat * sh) * (mslp - ps))
                / (coslat * dy * dy);
    float div = u_wind_scale * 1.0e6 * (u_coriolis_k * coslat / u_radius * g.x - lap);
    float ascent = -u_convergence_depth * div;
    float slope_ascent = dot(wind, maps.zw);

    float elev = fetch(t_terrain, p).x;
    bool land = elev > u_sea_level;
    float height = max(elev - u_sea_level, 0.0);
    float co2 = fetch(t_moisture, p).w;
    co2 = co2 > 0.0 ? co2 : 280.0;
    float temp = zonal_temperature(lat / DEG, u_season) - (mslp - 1012.0) / 1.8
               + (land ? 1.5 : 0.0) - u_lapse_rate * (height - u_air_rise) / 1000.0
               + u_co2_sensitivity * log2(co2 / 280.0);

    o_air = vec4(mslp, temp, wind);
    o_ascent = vec4(ascent, slope_ascent, land ? 1.0 : 0.0, height);
}
