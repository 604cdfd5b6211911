// incise_init: the implicit stream-power step (Braun & Willett 2013, Geomorphology 180:170,
// n = 1) as an affine map of each cell's new height on its receiver's, for incise_jump.
// Reads: terrain (x elevation m), water (x drained weight A in cells, y receiver, w lake
// depth m), lake (x filled level m). Writes: incise (x a m, y b, z receiver cell index or -1,
// w 0): z_new(p) = a + b z_new(receiver).
// Detachment E = K (A a)^m S with S = (z - z_r) / d over the time since the last step (dt m):
// solved implicitly, z' = (z + F z_r') / (1 + F), F = K dt (A a)^m / d (A a in km^2, d in m,
// K in m/yr at 1 km^2 and S = 1), which is stable for any dt and never cuts a cell below
// its receiver. A chain ends (b = 0) where the base level is fixed: at a river mouth
// (sea level + 1 m: a coastal plain stays land), at a lake's surface, and on lakes and flats,
// which do not erode (a = z).
#include "lib/grid.glsl"

void main() {
    ivec2 p = frag_cell();
    float z = fetch(t_terrain, p).x;
    vec4 w = fetch(t_water, p);
    int r = int(w.y + 0.5);
    if (z <= u_sea_level || w.w > 0.0 || r < 1 || r > 8) {
        o_incise = vec4(z, 0.0, -1.0, 0.0);
        return;
    }
    ivec2 q = wrap_cell(p + D8[r - 1]);
    float zq = texelFetch(t_terrain, q, 0).x;
    float dt = u_dt * float(u_erosion_every * u_route_every);
    float f = u_K * dt * exp2(u_m * log2(max(w.x * cell_area_km2(p.y), 1e-12)))
              / step_distance(p, D8[r - 1]);
    float base = 0.0;
    bool at_base = true;
    if (zq <= u_sea_level) {
        base = u_sea_level + 1.0;
    } else if (texelFetch(t_water, q, 0).w > 0.0) {
        base = texelFetch(t_lake, q, 0).x; // the lake's surface
    } else {
        at_base = false;
    }
    if (at_base) {
        o_incise = vec4(z > base ? (z + f * base) / (1.0 + f) : z, 0.0, -1.0, 0.0);
    } else if (zq >= z) {
        o_incise = vec4(z, 0.0, -1.0, 0.0); // a flat: no slope, no cut
    } else {
        o_incise = vec4(z / (1.0 + f), f / (1.0 + f), float(cell_index(q)), 0.0);
    }
}
