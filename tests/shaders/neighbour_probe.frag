// test pass: water.xyz = terrain at the neighbour (u_probe_dx, u_probe_dy) through fetch_at;
// water.w its x through neighbour_cell (defined for offsets of at most one cell).
#include "lib/grid.glsl"

void main() {
    ivec2 p = frag_cell();
    ivec2 d = ivec2(u_probe_dx, u_probe_dy);
    o_water = vec4(fetch_at(t_terrain, p, d).xyz, texelFetch(t_terrain, neighbour_cell(p, d), 0).x);
}
