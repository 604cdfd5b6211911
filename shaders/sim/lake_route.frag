// lake_route: D8 receivers on the filled surface, lake depth, and the sediment's way at sea.
// Reads: terrain (x elevation m), lake (x fill level F m, y flat distance D cells, z kept),
// water (z basin kept). Writes: water.y (receiver code 1..8 = N..NW, 0 at sea), water.w (lake
// depth F - z, m; 0 at sea), lake.w (sediment receiver: water.y on land, at sea the steepest
// descent of the sea floor; SPREAD (9) where there is none, a sea-floor pit or flat, or a
// land cell whose lake has no outlet yet: its sediment goes to all eight neighbours).
// Land: the neighbour of steepest descent (F_p - F_q) / d_q on the filled surface (d from the
// grid metric; O'Callaghan & Mark 1984); first of equal slopes in N, NE, .. NW order. With no
// lower neighbour (a lake or a flat) the first neighbour at the same level one hop nearer its
// outlet (D_q = D_p - 1), so a lake's water crosses it to the spill point.
#include "lib/grid.glsl"

void main() {
    ivec2 p = frag_cell();
    float z = fetch(t_terrain, p).x;
    vec4 c = fetch(t_lake, p);
    vec4 w = fetch(t_water, p);
    bool land = z > u_sea_level;
    float dist[8];
    step_distances8(p, dist);
    float here = land ? c.x : z;
    float best = 0.0;
    int rec = 0;
    int on_flat = 0;
    for (int k = 0; k < 8; k++) {
        ivec2 q = wrap_cell(p + D8[k]);
        float fq;
        float dq = 0.0;
        if (land) {
            vec4 l = texelFetch(t_lake, q, 0);
            fq = l.x;
            dq = l.y;
        } else {
            fq = texelFetch(t_terrain, q, 0).x;
        }
        float slope = (here - fq) / dist[k];
        if (slope > best) {
            best = slope;
            rec = k + 1;
        }
        if (land && on_flat == 0 && fq == here && dq == c.y - 1.0) on_flat = k + 1;
    }
    if (land && rec == 0) rec = on_flat;
    // A lake reset to +inf that has not refilled yet holds no water (drawn, or trapping
    // sediment, it would be a bottomless hole).
    float lake = land && c.x < 1e29 ? max(c.x - z, 0.0) : 0.0;
    o_water = vec4(w.x, land ? float(rec) : 0.0, w.z, lake);
    o_lake = vec4(c.xyz, float(rec > 0 ? rec : 9));
}
