// carbon: CO2 emitted by people enters the air, is carried by the wind and mixes globally.
// Reads: moisture (w CO2, ppm: this cell, 4 neighbours and one mixing partner),
//   air (z, w wind east/north, m/s: this cell, west and south neighbours),
//   civ (z emission, GtC/yr), carbon_mean (x area-weighted CO2 and y its step, at this cell
//   and, at mip level carbon_mean_lod, the 1x1 global mean the stage hook built).
// Writes: moisture.w (x, y, z kept), carbon_mean.xy (of the new CO2).
// Runs on the same steps as `people`, every people_every steps: dt = people_every * u_dt yr.
// Flux form on the sphere, A = cos(lat) the relative cell area (exact areas are proportional):
//   c_t = c + (1/A) (sum_faces F_in - F_out) + X / A       transport and butterfly mixing
//   c' = (1 - mu) c_t + mu cbar + E                         global mixing, then emissions
//   E = civ.z * dt / (GTC_PER_PPM * a),  a = cos(lat) sin(pi / 2H) / W the cell's share of
//       the globe's area (1 ppm over the whole globe = GTC_PER_PPM GtC);
//   F = nu * min(A_left, A_right) * max(c_upwind - c_downwind, 0) through each face, nu =
//       clamp(u dt / d, -1/8, 1/8) the Courant number of the wind of the cell west or south
//       of the face (one fetch fewer than a face mean; d the centre distance, m); no flux
//       across a pole (the face has no length). The surface wind is divergent (air rises
//       where it converges), so plain flux-form advection of a mixing ratio would pile CO2
//       up in convergence zones; moving only the upwind cell's excess downwind is
//       conservative, makes no new extremes and streams plumes downwind of the emitters.
//       The clamp keeps the step stable at yearly steps, where real air crosses many cells.
//   X = 2 lambda * A A_q / (A + A_q) * (c_q - c): exchange with a partner cell q chosen by a
//       butterfly pattern (x or y offset by 2^k, k = (u_step / people_every) mod L, one level
//       a run), so lambda = 1/2
//       averages the globe in one cycle of L = log2(W) + log2(H) steps;
//       lambda = 0.5 * min(L dt / co2_mix_time, 1), so the globe mixes in about
//       co2_mix_time (the real air's interhemispheric exchange takes about a year). With
//       lambda = 1/2 a pair ends at its area-weighted mean, however unequal the cells.
//   cbar = the exact area-weighted mean of c: the 1x1 mipmap of carbon_mean (x = c A / mean A,
//       written by the last run), used only when it is fresh (its step y equals this cell's
//       level-0 y; the same answer in every cell); mu = min(dt / co2_mix_time, 1).
//       Relaxing to the exact mean conserves sum(A c) and mixes a yearly step at once; the
//       butterfly alone needs L runs, and is what mixes grids that are not powers of two.
// Each face's F and each pair's X are computed from the same operands in both cells, so
// sum(A c) changes by exactly the emissions (up to float rounding). The wind moves at most
// 4/8 of c out and the exchange is a convex mix with the partner, so c stays positive unless
// the partner is far emptier and far larger at once; the final max(., 0) guards that case,
// which CO2 fields (hundreds of ppm, nearly even) never reach.
#include "lib/grid.glsl"

float courant(float vel, float dist_m, float dt_s) {
    return clamp(vel * dt_s / dist_m, -0.125, 0.125);
}

// Flux from `a` (west or south) to `b` (east or north) across their face: the upwind excess.
float face_flux(float ca, float cb, float nu, float area_a, float area_b) {
    return nu * min(area_a, area_b) * max(nu > 0.0 ? ca - cb : cb - ca, 0.0);
}

int levels(int n) {
    int k = 0;
    while ((1 << k) < n) k++;
    return k;
}

void main() {
    ivec2 p = frag_cell();
    vec4 m = fetch(t_moisture, p);
    vec2 wind = fetch(t_air, p).zw;
    float dt_yr = max(u_dt, 0.0) * float(u_people_every);
    float dt_s = dt_yr * SECONDS_PER_YEAR;
    float coslat = cos(cell_latlon(p).x);
    float a = u_metric_flat ? 1.0 : coslat; // cell_area_weight, from the cos we need anyway
    float c = m.w;

    // Advection: net flux into this cell over its 4 faces.
    float net = 0.0;
    float dx = u_metric_flat ? 1.0 : TAU * u_radius / float(u_size.x) * coslat;
    {
        float nu = courant(wind.x, dx, dt_s); // east face: this cell is west
        net -= face_flux(c, fetch_at(t_moisture, p, ivec2(1, 0)).w, nu, a, a);
        ivec2 q = p - ivec2(1, 0); // west face: this cell is east
        nu = courant(fetch(t_air, q).z, dx, dt_s);
        net += face_flux(fetch(t_moisture, q).w, c, nu, a, a);
    }
    float dy = row_spacing();
    if (p.y + 1 < u_size.y) { // north face: this cell is south
        ivec2 q = p + ivec2(0, 1);
        float nu = courant(wind.y, dy, dt_s);
        net -= face_flux(c, fetch(t_moisture, q).w, nu, a, cell_area_weight(q));
    }
    if (p.y > 0) { // south face: this cell is north
        ivec2 q = p - ivec2(0, 1);
        float nu = courant(fetch(t_air, q).w, dy, dt_s);
        net += face_flux(fetch(t_moisture, q).w, c, nu, cell_area_weight(q), a);
    }

    // Global mixing with this step's butterfly partner.
    int lx = levels(u_size.x);
    int cycle = lx + levels(u_size.y);
    int k = (u_step / u_people_every) % cycle;
    ivec2 q = p;
    if (k < lx) {
        int s = 1 << k;
        q.x = ((p.x / s) & 1) == 0 ? p.x + s : p.x - s;
        if (q.x >= u_size.x) q = p;
    } else {
        int s = 1 << (k - lx);
        q.y = ((p.y / s) & 1) == 0 ? p.y + s : p.y - s;
        if (q.y >= u_size.y) q = p;
    }
    float lambda = 0.5 * min(float(cycle) * dt_yr / u_co2_mix_time, 1.0);
    float aq = q.y == p.y ? a : cell_area_weight(q);
    float xch = 2.0 * lambda * (a * aq / (a + aq)) * (fetch(t_moisture, q).w - c);

    float share = coslat * sin(0.5 * PI / float(u_size.y)) / float(u_size.x);
    float emit = fetch(t_civ, p).z * dt_yr / (GTC_PER_PPM * share);

    float ct = c + (net + xch) / a;
    vec4 mine = fetch(t_carbon_mean, p);
    if (u_carbon_mean_lod >= 0) {
        vec4 mean = texelFetch(t_carbon_mean, ivec2(0), u_carbon_mean_lod);
        if (mine.y > 0.0 && mean.y == mine.y) {
            float mu = min(dt_yr / u_co2_mix_time, 1.0);
            ct = mix(ct, mean.x, mu);
        }
    }
    float co2 = max(ct + emit, 0.0);
    // Mean cell area: sum over rows of cos(lat) is 1 / sin(pi / 2H).
    float mean_a = u_metric_flat ? 1.0 : 1.0 / (float(u_size.y) * sin(0.5 * PI / float(u_size.y)));
    o_moisture = vec4(m.xyz, co2);
    o_carbon_mean = vec4(co2 * a / mean_a, float(u_step + 1), mine.zw);
}
