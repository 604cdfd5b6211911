// terrain_shift: move every elevation by the same amount (re-levelling the datum).
// Reads/writes: terrain (x elevation, m; y, z, w passed through).
// z' = z + terrain_shift (m). The tectonics hook uses it to keep the ocean covering
// ocean_fraction while sea level stays put, so elevations stay "m above sea level" and small
// erosion increments keep their float32 precision instead of the datum drifting by km.
#include "lib/grid.glsl"

void main() {
    vec4 c = fetch(t_terrain, frag_cell());
    o_terrain = vec4(c.x + u_terrain_shift, c.yzw);
}
