// plates_mask: which plates the gather must look up at each cell (a bit per plate slot).
// Reads: crust (z plate id), orogeny (y the mask so far). Writes: orogeny.y (x, z, w kept).
// With mask_from_ids: mask = bits of the plates of the cell and its 8 neighbours; else the
// OR of the 8 neighbours' masks (one more cell of reach). The stage runs it until the reach
// covers the farthest any plate moves before it runs again, so every plate whose crust can
// lie under a cell is looked up there and the others are skipped.
#include "lib/grid.glsl"

int plate_bit(float id) { return id >= 0.0 ? (1 << int(id)) : 0; }

void main() {
    ivec2 p = frag_cell();
    vec4 o = fetch(t_orogeny, p);
    int mask;
    if (u_mask_from_ids) {
        mask = plate_bit(fetch(t_crust, p).z);
        for (int k = 0; k < 8; k++) mask |= plate_bit(fetch_at(t_crust, p, D8[k]).z);
    } else {
        mask = int(o.y);
        for (int k = 0; k < 8; k++) mask |= int(fetch_at(t_orogeny, p, D8[k]).y);
    }
    o_orogeny = vec4(o.x, float(mask), o.zw);
}
