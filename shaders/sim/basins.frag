// basins: drainage basin labels, propagated upstream one cell per step.
// Reads: terrain (x elevation m), water (x flow, y receiver, z basin of the last step).
// Writes: water.z (basin id = 1 + row * W + column of the basin's outlet; 0 at sea);
// x, y, w passed through.
// An outlet is a land cell (z > sea_level) with no receiver (a pit) or whose receiver is at
// sea (a river mouth); every other land cell takes its receiver's basin id, so on a fixed
// terrain each basin converges to the set of cells draining to one outlet.
#include "lib/grid.glsl"

void main() {
    ivec2 p = frag_cell();
    vec4 w = fetch(t_water, p);
    float basin = 0.0;
    if (fetch(t_terrain, p).x > u_sea_level) {
        basin = float(p.y * u_size.x + p.x + 1);
        int r = int(w.y + 0.5);
        if (r > 0) {
            ivec2 q = wrap_cell(p + D8[r - 1]);
            if (texelFetch(t_terrain, q, 0).x > u_sea_level) basin = texelFetch(t_water, q, 0).z;
        }
    }
    o_water = vec4(w.xy, basin, w.w);
}
