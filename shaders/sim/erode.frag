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
// dt = u_dt * erosion_every: the stage's flow and erode run every erosion_every sim steps.
#include "lib/grid.glsl"

float cell_area_km2(int y) {
    return u_metric_flat ? 1.0 : row_spacing() * col_spacing(y) * 1e-6;
}

// Erosion depth of a cell of area `area` (km^2), elevation z and flow a toward a receiver at
// height zr, distance d: one exp2 of logs instead of two pows.
float incision(float area, float z, float a, float zr, float d) {
    float s = max(z - zr, 0.0) / d;
    if (s <= 0.0) return 0.0;
    float dt = u_dt * float(u_erosion_every);
    return u_K * dt * exp2(u_m * log2(max(a * area, 1e-12)) + u_n * log2(s));
}

// How much pit q (elevation zq, lake depth gap) rises this step. Distances are symmetric,
// so the donor's distance to q is q's to the donor.
float pit_fill(ivec2 q, float zq, float gap, bool pit) {
    float dist[8];
    step_distances8(q, dist);
    float a_here = cell_area_km2(q.y);
    float a_n = cell_area_km2(min(q.y + 1, u_size.y - 1));
    float a_s = cell_area_km2(max(q.y - 1, 0));
    float gain = 0.0;
    bool polar = q.y == 0 || q.y == u_size.y - 1;
    // Loop bound 0 off pits, called outside any `if`: llvmpipe runs an `if`'s body for its
    // whole SIMD block, but leaves a loop once no lane needs it, so blocks without a pit
    // (~94% at 512x256) skip these 16 fetches (erode: 20 -> 8 ms CPU at 512x256).
    int n = pit ? 8 : 0;
    for (int k = 0; k < n; k++) {
        ivec2 j = wrap_cell(q + D8[k]);
        vec4 wj = texelFetch(t_water, j, 0);
        int r = int(wj.y + 0.5);
        // Does j drain into q? Away from the pole rows iff its receiver is the opposite
        // direction (as in flow); across a pole the way back differs: compare cells.
        bool back = r - 1 == ((k + 4) & 7);
        if (polar) back = r > 0 && wrap_cell(j + D8[r - 1]) == q;
        if (back) {
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
    vec4 w = fetch(t_water, p);
    int r = int(w.y + 0.5);
    // Outside any `if`: its loop is skipped where no lane of a block is a pit (see pit_fill).
    float fill = pit_fill(p, z, w.w, z > u_sea_level && r == 0);
    if (z <= u_sea_level) {
        float dt = u_dt * float(u_erosion_every);
        z = max(z, min(z + u_marine_sediment * 1e-6 * dt, u_sea_level - 50.0));
    } else {
        if (r == 0) {
            z += fill;
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
