// relief_noise: a starting terrain of fBM on the sphere.
// Reads: nothing. Writes: terrain = (elevation m, plate id -1, stress 0, age 0 Myr).
// z = relief_offset + relief_amplitude * fbm(relief_frequency * unit_vector), m.
#include "lib/grid.glsl"
#include "lib/noise.glsl"

void main() {
    ivec2 p = frag_cell();
    float h = fbm(cell_unit(p) * u_relief_frequency, 6, 0.5, 7);
    o_terrain = vec4(u_relief_offset + u_relief_amplitude * h, -1.0, 0.0, 0.0);
}
