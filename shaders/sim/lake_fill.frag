// lake_fill: one Jacobi sweep of depression filling to the spill level, with the hop count
// over flats that routes their water to the outlet.
// Reads: terrain (x elevation m), lake (x fill level F m, y flat distance D cells, both of
// the last sweep), water (y receiver, z basin id: the last routing's). Writes: lake.xy; z
// (sediment leaving) and w (sediment receiver) kept.
// At sea: F = sea level and y = cells to the nearest land (1 + the least of the neighbours',
// land counting 0), at most sediment_reach: how far the rivers' sediment goes (erode); on
// the sweeps with lake_coast set (the stage's routing runs: coasts move slowly), else kept.
// Method: the filled level of a land cell is the lowest, over all paths to the sea, of the
// highest cell on the path, the fixed point of F_p = max(z_p, min_q F_q) over the 8
// neighbours q, with F = sea level at sea: Planchon & Darboux (2002, Catena 46:159), swept in
// parallel, which is the parallel form of Priority-Flood (Barnes, Lehman & Mulla 2014,
// Computers & Geosciences 62:117). Keys are compared as (F, D): a neighbour q offers
// (z_p, 0) if F_q < z_p (p drains downhill), else (F_q, D_q + 1) (p lies on a lake or flat at
// q's level, one hop farther from its outlet); p takes the least. From F = +inf the sweep
// converges after as many sweeps as the longest path to the sea; from the last fill (warm)
// in a few, where the terrain changed little. A warm start can hold a lake below its new
// spill level when the outlet rose: such a flat has no outlet, so its hop counts grow every
// sweep (counting to infinity, as distance-vector routing does). No cell takes a level from
// a neighbour whose count has reached the cap (W / 2 hops: a true flat's counts stop at its
// outlet, and a flat around a pole, where a row of W cells circles a small cap, may be W / 2
// hops wide): within about four times that many sweeps a stale flat's cells refuse each
// other and refill from their rims. Until then it holds its old level and drains nowhere.
// Faster: on the first of the sweeps before a routing (lake_reset), every lake or flat cell
// of a basin that the last routing ended in a land cell with no receiver (a lake that has
// lost its outlet: only a stale one can) goes back to +inf and refills.
#include "lib/grid.glsl"

const float UNFILLED = 1e30;

void main() {
    ivec2 p = frag_cell();
    float z = fetch(t_terrain, p).x;
    vec4 c = fetch(t_lake, p);
    if (z <= u_sea_level) {
        float coast = u_lake_coast ? float(u_sediment_reach) : c.y;
        int n = u_lake_coast ? 8 : 0;
        for (int k = 0; k < n; k++) {
            vec4 q = fetch_at(t_lake, p, D8[k]);
            coast = min(coast, q.x > u_sea_level ? 1.0 : q.y + 1.0);
        }
        o_lake = vec4(u_sea_level, coast, c.zw);
        return;
    }
    if (u_lake_reset && (c.x > z || c.y > 0.0)) {
        int b = int(fetch(t_water, p).z + 0.5) - 1;
        ivec2 root = index_cell(max(b, 0));
        if (b >= 0 && texelFetch(t_water, root, 0).y < 0.5 &&
            texelFetch(t_terrain, root, 0).x > u_sea_level) {
            o_lake = vec4(UNFILLED, 0.0, c.zw);
            return;
        }
    }
    float cap = float(max(u_size.x / 2, 16));
    float f = UNFILLED;
    float d = 0.0;
    for (int k = 0; k < 8; k++) {
        vec4 q = fetch_at(t_lake, p, D8[k]);
        if (q.x >= z && q.y >= cap - 1.0) continue; // a stale flat's level: refused
        float fk = q.x < z ? z : q.x;
        float dk = q.x < z ? 0.0 : q.y + 1.0;
        if (fk < f || (fk == f && dk < d)) {
            f = fk;
            d = dk;
        }
    }
    if (u_lake_cold) {
        f = UNFILLED;
        d = 0.0;
    }
    o_lake = vec4(f, min(d, cap), c.zw);
}
