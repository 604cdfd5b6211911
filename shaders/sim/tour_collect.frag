// tour_collect: flow accumulation and basins from the jumped tour.
// Reads: terrain (x elevation m: land), tour (y suffix weight sums, z last edge).
// Writes: water.x (drained weight: sum of w over the cell and everything upstream, cells
// when flow_rain = 0), water.z (basin id = 1 + row * W + column of the outlet; 0 at sea);
// y, w kept. Drained weight = suffix(down c) - suffix(up c) (lib/tour.glsl, tour_init).
#include "lib/grid.glsl"
#include "lib/tour.glsl"

void main() {
    ivec2 p = frag_cell();
    vec4 w = fetch(t_water, p);
    if (fetch(t_terrain, p).x <= u_sea_level) {
        o_water = vec4(0.0, w.y, 0.0, w.w);
        return;
    }
    vec4 down = texelFetch(t_tour, ivec2(2 * p.x, p.y), 0);
    vec4 up = texelFetch(t_tour, ivec2(2 * p.x + 1, p.y), 0);
    ivec2 outlet = tour_cell(down.z);
    o_water = vec4(down.y - up.y, w.y, float(cell_index(outlet) + 1), w.w);
}
