// climate_init: atmospheric CO2 where it was never set.
// Reads: moisture (w: CO2, ppm). Writes: moisture.w = co2_initial (ppm) where w == 0; x, y, z
// passed through, so a loaded or resumed state keeps its CO2.
#include "lib/grid.glsl"

void main() {
    vec4 m = fetch(t_moisture, frag_cell());
    o_moisture = vec4(m.xyz, m.w == 0.0 ? u_co2_initial : m.w);
}
