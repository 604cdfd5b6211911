// test pass: water = terrain at the neighbour (u_probe_dx, u_probe_dy) through fetch_at.
#include "lib/grid.glsl"

void main() {
    ivec2 p = frag_cell();
    o_water = fetch_at(t_terrain, p, ivec2(u_probe_dx, u_probe_dy));
}
