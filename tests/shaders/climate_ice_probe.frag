// climate_ice_probe (test only): the sea-ice / land-snow rule of lib/climate.glsl per cell.
// Reads: air (y temperature, degC), terrain (x elevation, m; land where > sea level).
// Writes: life = (is_sea_ice, is_land_snow, 0, 0).
#include "lib/grid.glsl"
#include "lib/climate.glsl"

void main() {
    ivec2 p = frag_cell();
    float t = fetch(t_air, p).y;
    bool land = fetch(t_terrain, p).x > u_sea_level;
    o_life = vec4(is_sea_ice(t, land) ? 1.0 : 0.0, is_land_snow(t, land) ? 1.0 : 0.0, 0.0, 0.0);
}
