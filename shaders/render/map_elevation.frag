// map_elevation: equirectangular map of elevation, hypsometric tint (first light version).
// Reads: terrain (x elevation, m). Writes: the view target (RGBA8, sRGB colours).
#include "lib/grid.glsl"

in vec2 v_uv;

void main() {
    vec2 px = v_uv * vec2(u_size);
    float z = sample_bilinear(t_terrain, px).x - u_sea_level;
    vec3 col;
    if (z < 0.0) {
        col = mix(vec3(0.35, 0.62, 0.85), vec3(0.02, 0.08, 0.30), clamp(-z / 6000.0, 0.0, 1.0));
    } else {
        float t = clamp(z / 5000.0, 0.0, 1.0);
        col = t < 0.4 ? mix(vec3(0.20, 0.50, 0.20), vec3(0.75, 0.70, 0.45), t / 0.4)
                      : mix(vec3(0.75, 0.70, 0.45), vec3(0.95, 0.95, 0.95), (t - 0.4) / 0.6);
    }
    o_view = vec4(col, 1.0);
}
