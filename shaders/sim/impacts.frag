// impacts: late heavy bombardment; each step a few impactors land and carve craters.
// Reads: terrain. Writes: terrain.x (elevation, m); y, z, w passed through.
// Four impact slots per step, each used with probability impact_rate / 4 (impact_rate =
// expected impacts per step, ramped down by the story), keyed by rand4_static(step, slot):
// centre uniform on the sphere, radius R = impact_size (0.4 + 1.6 u^3) km (many small, few
// large), depth D = impact_depth sqrt(R / impact_size) (1 - 0.8 surface_heat) m (a molten
// surface keeps little relief). z += D * profile(angle * radius / R) (lib/craters.glsl).
#include "lib/grid.glsl"
#include "lib/hash.glsl"
#include "lib/craters.glsl"

void main() {
    ivec2 p = frag_cell();
    vec4 c = fetch(t_terrain, p);
    vec3 u = cell_unit(p);
    float z = c.x;
    float soft = 1.0 - 0.8 * clamp(u_surface_heat, 0.0, 1.0);
    for (int i = 0; i < 4; i++) {
        vec4 r = rand4_static(ivec3(u_step, i, 0), 300);
        if (r.x >= 0.25 * u_impact_rate) continue;
        float cz = 2.0 * r.y - 1.0;
        float phi = TAU * r.z;
        vec3 centre = vec3(sqrt(1.0 - cz * cz) * vec2(cos(phi), sin(phi)), cz);
        float rad_km = u_impact_size * (0.4 + 1.6 * r.w * r.w * r.w);
        float dist_km = acos(clamp(dot(u, centre), -1.0, 1.0)) * u_radius * 1e-3;
        float rr = dist_km / rad_km;
        if (rr > 4.0) continue;
        float depth = u_impact_depth * sqrt(rad_km / u_impact_size) * soft;
        z += depth * crater_profile(rr, 0.3);
    }
    o_terrain = vec4(z, c.yzw);
}
