// life: a Lotka-Volterra food chain on land, diffusion between land cells, fossil carbon.
// Reads: life (x plants, y herbivores, z carnivores, w land mask of the last step: this cell
//   and its 4 neighbours), terrain (x elevation, m; land where x > u_sea_level),
//   air (y temperature, degC), moisture (y precipitation, mm/yr), civ (y buried carbon, GtC).
// Writes: life (xyz populations, w = 1 on land, 0 at sea), civ.y (x, z, w kept).
// Populations c = (x, y, z) are dimensionless; ecological time advances life_dt per step.
//   g  = G * P / (P + P_half) * warm(T) - m       warm: 0 below t_min / above t_max, 1 inside,
//                                                 linear ramps of t_ramp degC at both edges
//   f  = (g - y - x / K,  r x - p z - 1,  p y - 1)   (per unit ecological time)
//   c' = max(c * (1 + life_dt * f) + sum_n k * min(A, A_n) / A * (c_n - c), 0)
// The exchange term runs over the 4 edge neighbours when both cells were land at the last
// step (life.w: one fetch fewer per neighbour; none across a pole: that face has no length); k = life_diffusion per species
// (clamped to 0.25, so the explicit step is stable) and A = cos(lat) the relative cell area,
// so sum(A c) is conserved exactly by the exchange. Ocean cells hold nothing.
// Plants are capacity-limited (crowding x/K, equilibrium x = K g alone), animals limited by
// their food; the max(., 0) only guards the Euler step against overshooting below zero.
// The pass runs every life_every sim steps: ecology advances life_dt a run, burial
// dt = life_every * u_dt years a run:
// Burial: C' = C + min(dt / bury_time, 1) * max(C_target - C, 0), with
//   C_target = carbon_density (GtC/km^2) * fertility * cell area (km^2),
//   fertility = min(x / bury_plant_ref, 1) * (1 - smoothstep(0, bury_lowland, height)) on land,
//             = bury_marine * warm(T) * (1 - smoothstep(0, bury_shelf, depth)) at sea.
#include "lib/grid.glsl"
#include "lib/hash.glsl"

// Linear ramps rather than smoothstep so the numpy reference is exact.
float warm_window(float t) {
    float lo = clamp((t - u_life_t_min) / u_life_t_ramp, 0.0, 1.0);
    float hi = clamp((u_life_t_max - t) / u_life_t_ramp, 0.0, 1.0);
    return lo * hi;
}


void main() {
    ivec2 p = frag_cell();
    vec4 c = fetch(t_life, p);
    vec4 civ = fetch(t_civ, p);
    float z = fetch(t_terrain, p).x - u_sea_level;
    float temp = fetch(t_air, p).y;
    float precip = max(fetch(t_moisture, p).y, 0.0);
    bool land = z > 0.0;
    float warm = warm_window(temp);

    vec3 pop = vec3(0.0);
    if (land) {
        float g = u_life_growth * precip / (precip + u_life_precip_half) * warm - u_life_decay;
        vec3 f = vec3(g - c.y - c.x / u_life_capacity,
                      u_life_reproduction * c.x - u_life_predation * c.z - 1.0,
                      u_life_predation * c.y - 1.0);
        vec3 k = clamp(u_life_diffusion, 0.0, 0.25);
        vec3 ex = vec3(0.0);
        if (c.w > 0.5) {
            // East and west neighbours share this row's area; north and south differ.
            vec4 e = fetch_at(t_life, p, ivec2(1, 0));
            vec4 w = fetch_at(t_life, p, ivec2(-1, 0));
            ex += k * (step(0.5, e.w) * (e.xyz - c.xyz) + step(0.5, w.w) * (w.xyz - c.xyz));
            float a = cell_area_weight(p);
            if (p.y + 1 < u_size.y) {
                vec4 n = fetch_at(t_life, p, ivec2(0, 1));
                float an = cell_area_weight(p + ivec2(0, 1));
                ex += k * (step(0.5, n.w) * min(a, an) / a) * (n.xyz - c.xyz);
            }
            if (p.y > 0) {
                vec4 s = fetch_at(t_life, p, ivec2(0, -1));
                float asouth = cell_area_weight(p - ivec2(0, 1));
                ex += k * (step(0.5, s.w) * min(a, asouth) / a) * (s.xyz - c.xyz);
            }
        }
        pop = max(c.xyz * (1.0 + u_life_dt * f) + ex, 0.0);
        // Sparse seeding: life arrives on bare land with some growth, a few cells a step.
        if (g > 0.0 && pop.x < u_life_seed && rand(p, 41) < u_life_seed_rate) {
            pop = max(pop, vec3(u_life_seed));
        }
    }

    float fert = land
        ? min(c.x / u_bury_plant_ref, 1.0) * (1.0 - smoothstep(0.0, u_bury_lowland, z))
        : u_bury_marine * warm * (1.0 - smoothstep(0.0, u_bury_shelf, -z));
    // The cell's true area, km^2: cos(lat) * 4 pi R^2 sin(pi / 2H) / W.
    float km2 = cos(cell_latlon(p).x) * 4.0e-6 * PI * u_radius * u_radius
              * sin(0.5 * PI / float(u_size.y)) / float(u_size.x);
    float target = u_carbon_density * fert * km2;
    float rate = min(u_dt * float(u_life_every) / u_bury_time, 1.0);
    float buried = civ.y + rate * max(target - civ.y, 0.0);

    o_life = vec4(pop, land ? 1.0 : 0.0);
    o_civ = vec4(civ.x, buried, civ.zw);
}
