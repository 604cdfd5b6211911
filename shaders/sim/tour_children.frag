// tour_children: which neighbours drain into each cell, for tour_init.
// Reads: terrain (x elevation m: land), water (y receiver code).
// Writes: drains.x (bit k set if the land neighbour in D8 direction k drains into the cell).
#include "lib/grid.glsl"

void main() {
    ivec2 v = frag_cell();
    int mask = 0;
    // A loop of 8 on land and none at sea: llvmpipe leaves a loop once no lane of a block
    // needs it, so blocks of open sea skip the neighbour fetches.
    int n = texelFetch(t_terrain, v, 0).x > u_sea_level ? 8 : 0;
    for (int k = 0; k < n; k++) {
        ivec2 q = wrap_cell(v + D8[k]);
        int r = int(texelFetch(t_water, q, 0).y + 0.5);
        if (drains_into(q, r, k, v) && texelFetch(t_terrain, q, 0).x > u_sea_level) mask |= 1 << k;
    }
    o_drains = vec4(float(mask), 0.0, 0.0, 0.0);
}
