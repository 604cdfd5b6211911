// vapour_init: a first guess of the vapour so the water cycle spins up in a few steps.
// Reads: air (y: temperature, degC), moisture. Writes: moisture.x = 0.7 vapour_capacity(T)
// (kg/m^2) where it is 0; y, z, w passed through.
#include "lib/grid.glsl"
#include "lib/climate.glsl"

void main() {
    ivec2 p = frag_cell();
    vec4 m = fetch(t_moisture, p);
    float t = fetch(t_air, p).y;
    o_moisture = vec4(m.x == 0.0 ? 0.7 * vapour_capacity(t) : m.x, m.yzw);
}
