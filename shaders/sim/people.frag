// people: settlement, logistic growth, migration, burning of buried carbon, night light.
// Reads: civ (x people/km^2: this cell and 4 neighbours; y buried carbon, GtC per cell),
//   market (the last run's unmet demand and spare supply: at this cell, and the 1x1 mip),
//   life (x plants; w land mask, written by the life pass: this cell and 4 neighbours),
//   air (y temperature, degC).
// Writes: civ = (people/km^2, carbon GtC, emission GtC/yr, night light 0..1); market =
//   (unmet demand GtC/yr, spare supply GtC/yr, 1 + step, 0).
// Rates are per year, applied over dt = people_every * u_dt years (the pass runs every
// people_every sim steps):
//   K  = people_capacity * min(plants / people_plant_ref, 1) * comfort(T)      (1/km^2)
//        comfort: 0 at people_cold, 1 from people_cool up to heat_limit - heat_width,
//        0 at people_heat_limit (linear ramps): heat past the limit empties the land.
//   migration: N1 = N + sum_n k * min(A, A_n) / A * (N_n - N) over land neighbours (none
//        across a pole), k = min(people_spread * dt / L^2, 0.2), L the row spacing in km;
//        the clamp keeps the explicit step stable at any dt.
//   growth: the exact logistic solution over dt, N2 = K N1 E / (K + N1 (E - 1)),
//        E = exp(people_growth * dt): stable and positive for any dt, falls to K when K drops.
//   first people: N2 = max(N2, people_seed) at people_origin while people_on and K there
//        exceeds the seed; later, voyagers: a coastal land cell with K > people_seed is
//        settled at people_seed with chance people_voyage * people_era * dt a step (a hash of
//        seed, step and cell), so continents the first people cannot walk to fill up too.
//   burning: demand D = people_burn * people_era * M * A_km2 * 1e-9 GtC/yr, where the
//        workforce M = N2 + (sum of the 4 neighbours' N) / 4: people mine the next cell too,
//        and drill the shelf off their coast; local supply L = min(D, people_extract * C);
//        and the world market: the demand that local mines cannot meet is met from every
//        cell's spare capacity S = people_extract * C - L in proportion, r = min(mean(D - L)
//        / mean(S), 1) from the market's 1x1 mipmap of the last run (the stage hook builds
//        it; r = 0 on grids that are not powers of two), so carbon under land nobody lives on
//        is extracted as demand follows; B = min(C, dt (L + r S)) GtC; C' = C - B; emission
//        z = B / dt (GtC/yr). The market gets this run's D - L and S for the next run.
//   light: w = 1 - exp(-N2 * min(people_era, 1) / people_light).
// Populations are capacity-limited (logistic), never clamped.
#include "lib/grid.glsl"
#include "lib/hash.glsl"

float cell_km2(ivec2 p) {
    float h = 0.5 * PI / float(u_size.y);
    return cos(cell_latlon(p).x) * 4.0 * PI * u_radius * u_radius * sin(h)
        / float(u_size.x) * 1.0e-6;
}

void main() {
    ivec2 p = frag_cell();
    vec4 c = fetch(t_civ, p);
    float dt = max(u_dt, 0.0) * float(u_people_every);
    vec4 lf = fetch(t_life, p);
    bool land = lf.w > 0.5;
    float temp = fetch(t_air, p).y;
    float plants = lf.x;

    float cold = clamp((temp - u_people_cold) / max(u_people_cool - u_people_cold, 1e-3),
                       0.0, 1.0);
    float hot = clamp((u_people_heat_limit - temp) / u_people_heat_width, 0.0, 1.0);
    float cap = land ? u_people_capacity * min(plants / u_people_plant_ref, 1.0) * cold * hot
                     : 0.0;

    float n = 0.0;
    float near = 0.0; // people of the 4 neighbours (the sea holds nobody)
    float nb[4];
    bool ok[4];
    for (int i = 0; i < 4; i++) { // N, E, S, W; no neighbour across a pole
        ivec2 q = p + D8[2 * i];
        ok[i] = q.y >= 0 && q.y < u_size.y;
        nb[i] = ok[i] ? fetch(t_civ, q).x : 0.0;
        near += nb[i];
    }
    if (land) {
        float l = PI * u_radius / float(u_size.y) * 1.0e-3;
        float k = min(u_people_spread * dt / (l * l), 0.2);
        float a = cell_area_weight(p);
        float ex = 0.0;
        bool coast = false;
        for (int i = 0; i < 4; i++) {
            ivec2 q = p + D8[2 * i];
            bool lq = ok[i] && fetch(t_life, q).w > 0.5;
            coast = coast || (ok[i] && !lq);
            if (!lq) continue;
            float an = cell_area_weight(wrap_cell(q));
            ex += k * (min(a, an) / a) * (nb[i] - c.x);
        }
        float n1 = max(c.x + ex, 0.0);
        float rt = min(u_people_growth * dt, 30.0);
        float e = exp(rt);
        float em1 = rt < 1e-3 ? rt * (1.0 + 0.5 * rt) : e - 1.0; // exp - 1 without cancellation
        n = cap * n1 * e / max(cap + n1 * em1, 1e-30);
        ivec2 o = ivec2(floor((u_people_origin.y + 180.0) / 360.0 * float(u_size.x)),
                        floor((u_people_origin.x + 90.0) / 180.0 * float(u_size.y)));
        bool first = p == o;
        bool voyage = coast && rand(p, 53) < u_people_voyage * u_people_era * dt;
        if (u_people_on && (first || voyage) && cap > u_people_seed) n = max(n, u_people_seed);
    }

    float area = cell_km2(p);
    float want = u_people_burn * u_people_era * (n + 0.25 * near) * area * 1.0e-9;
    float local = min(want, u_people_extract * c.y);
    float spare = max(u_people_extract * c.y - local, 0.0);
    float r = 0.0;
    vec4 last = fetch(t_market, p);
    if (u_carbon_mean_lod >= 0) {
        vec4 mean = texelFetch(t_market, ivec2(0), u_carbon_mean_lod);
        if (last.z > 0.0 && mean.z == last.z && mean.y > 0.0) r = min(mean.x / mean.y, 1.0);
    }
    float burn = min(c.y, dt * (local + r * spare));
    float light = 1.0 - exp(-n * min(u_people_era, 1.0) / u_people_light);
    o_civ = vec4(n, c.y - burn, dt > 0.0 ? burn / dt : 0.0, light);
    o_market = vec4(want - local, spare, float(u_step + 1), 0.0);
}
