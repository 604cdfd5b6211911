// incise_jump: one sweep of pointer jumping on incise_init's affine maps: each cell composes
// its map with its receiver's, z_new = a + b (a_r + b_r z_new(r_r)), and jumps past it. After
// ceil(log2(longest river)) sweeps every chain has reached its fixed base and x holds the
// cell's new height.
// Reads and writes: incise (x a m, y b, z receiver cell index or -1, w 0).
#include "lib/grid.glsl"

void main() {
    ivec2 p = frag_cell();
    vec4 c = texelFetch(t_incise, p, 0);
    if (c.z >= 0.0) {
        vec4 n = texelFetch(t_incise, index_cell(int(c.z + 0.5)), 0);
        c = vec4(c.x + c.y * n.x, c.y * n.y, n.z, 0.0);
    }
    o_incise = c;
}
