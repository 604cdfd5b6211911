// craters: the cratered surface of a protoplanet, from each cell's 3D position on the sphere
// (no seam at +-180 deg, no pinch at the poles).
// Reads: nothing. Writes: terrain = (elevation m, plate id -1, stress 0, crust age 0 Myr).
// Five levels L = 0..4; level L is a jittered 3D grid of frequency f_L = crater_frequency 2^L
// (cells per planet radius) with at most one crater per grid cell (probability 0.75), centre
// jittered inside the cell and radius 0.25..0.5 cells, all by rand4_static(grid cell, 100+L).
// Level value c_L = profile(r_min) (lib/craters.glsl, r_min the nearest crater in radii,
// faded to 0 at r = 2) + roughness fBM, the fBM 1.5x stronger inside level-0 craters.
// s = sum_L 0.55^L c_L / sum_L 0.55^L;  t = clamp((s + 1) / (1 + rim), 0, 1);
// z = crater_relief (t^crater_sharpness - 0.5), m.
#include "lib/grid.glsl"
#include "lib/noise.glsl"
#include "lib/craters.glsl"

const float RIM = 0.35;

// Nearest crater of one level, in crater radii (>= 2 means none near).
float nearest_crater(vec3 u, float f, int level) {
    vec3 q = u * f;
    ivec3 base = ivec3(floor(q));
    float best = 2.0;
    for (int k = 0; k < 27; k++) {
        ivec3 g = base + ivec3(k % 3 - 1, (k / 3) % 3 - 1, k / 9 - 1);
        vec4 r = rand4_static(g, 100 + level);
        if (r.w >= 0.75) continue;
        vec3 c = vec3(g) + 0.2 + 0.6 * r.xyz;
        float rad = 0.25 + 0.25 * fract(r.w * 5.3333);
        best = min(best, length(q - c) / rad);
    }
    return best;
}

void main() {
    ivec2 p = frag_cell();
    vec3 u = cell_unit(p);
    float sum = 0.0;
    float norm = 0.0;
    float inside0 = 0.0;
    float amp = 1.0;
    for (int level = 0; level < 5; level++) {
        float f = u_crater_frequency * exp2(float(level));
        float r = nearest_crater(u, f, level);
        float fade = smoothstep(2.0, 1.4, r);
        if (level == 0) inside0 = smoothstep(1.1, 0.6, r);
        float rough = fbm(u * f * 1.5, 3, 0.5, 200 + 7 * level);
        float c = crater_profile(r, RIM) * fade + u_crater_roughness * (1.0 + 1.5 * inside0) * rough;
        sum += amp * c;
        norm += amp;
        amp *= 0.55;
    }
    float s = sum / norm;
    float t = clamp((s + 1.0) / (1.0 + RIM), 0.0, 1.0);
    float z = u_crater_relief * (pow(t, u_crater_sharpness) - 0.5);
    o_terrain = vec4(z, -1.0, 0.0, 0.0);
}
