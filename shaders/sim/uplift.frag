// uplift: stress diffusion and decay, mountain building and thermal erosion.
// Runs every tectonics_every sim steps; dt below is tectonics_every * u_dt years.
// Reads: crust (moved terrain from `plates`). Writes: terrain (x elevation m, z stress;
// y plate id and w crust age copied).
// Stress: s' = (s + a (mean of same-plate neighbours' s - s)) exp(-dt / stress_decay), with
//   a = min(0.25, L^2 dt / (stress_decay h^2)) (L = stress_spread km, h = row spacing km,
//   times in Myr): collision stress spreads about L into the plate while it fades.
// Uplift: z += uplift_rate 1e-3 dt s' max(0, 1 - (z - sea_level) / max_elevation)
//   (uplift_rate in mm/yr; growth saturates at max_elevation m above sea level).
// Thermal erosion: for each of the 8 neighbours k at distance d_k (m), the height difference
//   beyond the talus slope moves downhill as a volume exchange between the two cells:
//   z += (1/16) sum_k sign(dz_k) max(|dz_k| - T d_k, 0) min(w, w_k) / w
//   with dz_k = z_k - z, T = talus_slope (m/m), w = cos(lat) the cell's area weight. The
//   exchange of each pair is equal and opposite in volume (d_k is symmetric), so it conserves
//   rock on the sphere; the min keeps each cell's change within its plain 1/16 share.
// Ocean floor subsidence: deep sea floor (more than 1000 m below sea level) cools and sinks
//   toward the age-depth curve d(age) = 2500 + 350 sqrt(min(age, 64 Myr)) m (Parsons &
//   Sclater 1977) at subsidence_rate m/Myr at most, so old ocean basins are deep and the
//   planet's hypsometry becomes bimodal: continents and ocean floor.
#include "lib/grid.glsl"

void main() {
    ivec2 p = frag_cell();
    vec4 c = fetch(t_crust, p);
    float dt = u_dt * float(u_tectonics_every); // runs every tectonics_every steps
    float ssum = 0.0;
    float scount = 0.0;
    float thermal = 0.0;
    float dist[8];
    step_distances8(p, dist);
    float w = cell_area_weight(p);
    for (int k = 0; k < 8; k++) {
        vec4 nb = fetch_at(t_crust, p, D8[k]);
        if (nb.y == c.y) {
            ssum += nb.z;
            scount += 1.0;
        }
        float dz = nb.x - c.x;
        float excess = max(abs(dz) - u_talus_slope * dist[k], 0.0);
        float wk = cell_area_weight(wrap_cell(p + D8[k]));
        thermal += sign(dz) * excess * min(w, wk) / w;
    }
    float s = c.z;
    float h_km = PI * u_radius * 1e-3 / float(u_size.y);
    float a = min(0.25, u_stress_spread * u_stress_spread * dt * 1e-6 / (u_stress_decay * h_km * h_km));
    if (scount > 0.0) s += a * (ssum / scount - s);
    s *= exp(-dt * 1e-6 / u_stress_decay);
    float room = max(0.0, 1.0 - (c.x - u_sea_level) / u_max_elevation);
    float z = c.x + u_uplift_rate * 1e-3 * dt * s * room + thermal / 16.0;
    float target = u_sea_level - 2500.0 - 350.0 * sqrt(clamp(c.w, 0.0, 64.0));
    if (c.x < u_sea_level - 1000.0 && c.x > target) {
        z = min(z, max(target, c.x - u_subsidence_rate * 1e-6 * dt));
    }
    o_terrain = vec4(z, c.y, s, c.w);
}
