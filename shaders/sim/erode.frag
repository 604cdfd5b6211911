// erode: stream-power fluvial incision with a receiver floor, sediment in pits and at sea.
// Reads: terrain (x elevation m), water (x flow accumulation, y receiver, w lake depth of
// pits, all from `flow` this step).
// Writes: terrain.x (elevation, m); y, z, w passed through.
// Land cell with receiver r at distance d (m): S = (z - z_r) / d (m/m), drainage area
// A = flow * cell area (km^2); E = K A^m S^n dt (K in m/yr at A = 1 km^2, S = 1; dt yr);
// z' = max(z - E, floor) with floor = z_r, or sea_level + 1 m if r is at sea (rivers cut
// down to base level, a coastal plain stays land), or z_r + half the pit's lake depth if r is a pit: no cell ever ends below
// its receiver.
// Pit (land, no receiver, lake depth L = lowest neighbour - z): fills with rock its donors j
// lose, fill = min(0.5 L, sum_j min(E_j, 0.5 (z_j - z)) a_j / a); each donor loses at least
// its share (its floor is z + 0.5 L <= z + 0.5 (z_j - z)), so a pit never rises above its
// rim and land volume never grows.
// Sea floor: z' = min(z + marine_sediment 1e-6 dt, sea_level - 50) (m/Myr), a slow blanket of
// sediment that keeps the ocean floor from deepening forever.
#include "lib/grid.glsl"

float cell_area_km2(int y) {
    return u_metric_flat ? 1.0 : row_spacing() * col_spacing(y) * 1e-6;
}

// Erosion depth of a cell of area `area` (km^2), elevation z and flow a toward a receiver at
// height zr, distance d: one exp2 of logs instead of two pows.
float incision(float area, float z, float a, float zr, float d) {
    float s = max(z - zr, 0.0) / d;
    if (s <= 0.0) return 0.0;
    return u_K * u_dt * exp2(u_m * log2(max(a * area, 1e-12)) + u_n * log2(s));
}

// How much pit q (elevation zq, lake depth gap) rises this step. Distances are symmetric,
// so the donor's distance to q is q's to the donor.
float pit_fill(ivec2 q, float zq, float gap) {
    float dist[8];
    step_distances8(q, dist);
    float a_here = cell_area_km2(q.y);
    float a_n = cell_area_km2(min(q.y + 1, u_size.y - 1));
    float a_s = cell_area_km2(max(q.y - 1, 0));
    float gain = 0.0;
    for (int k = 0; k < 8; k++) {
        ivec2 j = wrap_cell(q + D8[k]);
        vec4 wj = texelFetch(t_water, j, 0);
        int r = int(wj.y + 0.5);
        if (r > 0 && wrap_cell(j + D8[r - 1]) == q) {
            float zj = texelFetch(t_terrain, j, 0).x;
            float aj = j.y == q.y ? a_here : (j.y > q.y ? a_n : a_s);
            float e = min(incision(aj, zj, wj.x, zq, dist[k]), 0.5 * (zj - zq));
            gain += e * aj;
        }
    }
    return max(0.0, min(0.5 * gap, gain / a_here));
}

void main() {
    ivec2 p = frag_cell();
    vec4 c = fetch(t_terrain, p);
    float z = c.x;
    if (z <= u_sea_level) {
        z = max(z, min(z + u_marine_sediment * 1e-6 * u_dt, u_sea_level - 50.0));
    } else {
        vec4 w = fetch(t_water, p);
        int r = int(w.y + 0.5);
        if (r == 0) {
            z += pit_fill(p, z, w.w);
        } else {
            ivec2 q = wrap_cell(p + D8[r - 1]);
            float zr = texelFetch(t_terrain, q, 0).x;
            float floor_z = zr;
            if (zr <= u_sea_level) {
                floor_z = min(z, u_sea_level + 1.0);
            } else {
                vec4 wq = texelFetch(t_water, q, 0);
                if (wq.y < 0.5) floor_z = zr + 0.5 * wq.w;
            }
            float e = incision(cell_area_km2(p.y), z, w.x, zr, step_distance(p, D8[r - 1]));
            z = max(z - e, floor_z);
        }
    }
    o_terrain = vec4(z, c.yzw);
}
