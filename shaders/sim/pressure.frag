// pressure: unblurred annual and seasonal mean sea-level pressure from land/ocean and latitude
// ("Climate Cookbook"-style fits to Earth), plus the slope of the land surface.
// Reads: terrain (x: elevation, m; land where > u_sea_level).
// Writes: climate_raw = (annual hPa, seasonal hPa, slope east m/m, slope north m/m), lat in deg:
//   annual   land 1012.5 - 6 cos(lat pi/45)     ocean 1014.5 - 20 cos(lat pi/30)
//   seasonal land 15 sin(lat pi/90)             ocean 20 sin(lat pi/35) |lat|/90
//   slope    central differences of h = max(elevation - sea level, 0) on the sphere.
// Runs only when the land changed; blur_x and blur_y smooth x, y afterwards.
#include "lib/grid.glsl"

float height_above_sea(ivec2 p, ivec2 d) { return max(fetch_at(t_terrain, p, d).x - u_sea_level, 0.0); }

void main() {
    ivec2 p = frag_cell();
    float lat = cell_lat_deg(p);
    bool land = fetch(t_terrain, p).x > u_sea_level;
    float annual = land ? 1012.5 - 6.0 * cos(lat * PI / 45.0) : 1014.5 - 20.0 * cos(lat * PI / 30.0);
    float seasonal = land ? 15.0 * sin(lat * PI / 90.0) : 20.0 * sin(lat * PI / 35.0) * abs(lat) / 90.0;
    // The climate always uses the sphere's metric (winds and rain are physical, whatever
    // u_metric_flat says for the geology).
    float dy = PI * u_radius / float(u_size.y);
    float dx = TAU * u_radius / float(u_size.x) * cos(lat * DEG);
    float sx = (height_above_sea(p, ivec2(1, 0)) - height_above_sea(p, ivec2(-1, 0))) / (2.0 * dx);
    float sy = (height_above_sea(p, ivec2(0, 1)) - height_above_sea(p, ivec2(0, -1))) / (2.0 * dy);
    o_climate_raw = vec4(annual, seasonal, sx, sy);
}
