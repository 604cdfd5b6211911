// tour_init: the Euler tour of the drainage forest as linked lists, for flow accumulation
// and basins in log2(list length) sweeps of tour_jump (Tarjan & Vishkin 1985, "An efficient
// parallel biconnectivity algorithm", SIAM J. Comput. 14:862; list suffix sums by pointer
// jumping, Wyllie 1979).
// Reads: terrain (x elevation m: land), water (y receiver code), moisture (y precipitation
// mm/yr, the rainfall weight), drains (x: children masks from tour_children).
// Writes: tour (2W x H; lib/tour.glsl): x next edge, y weight, z the edge itself (tour_jump's
// tail), w 0.
// Children of a cell v are the land neighbours whose receiver is v, in D8 order N, NE, ... NW.
// The tour enters a cell c on its down edge (weight w_c = mix(1, P / 1000 mm/yr, flow_rain)),
// visits its children's subtrees in order and leaves on its up edge (weight 0):
//   next(down c) = down(first child of c), or up c if c has none;
//   next(up c) = down(next sibling of c), or up v (v = c's receiver) if c is the last child;
//   next(up c) = end if c is a root (an outlet: its receiver is at sea, or it has none).
// So the suffix sum of weights from down c minus that from up c is c's drained weight (the
// D8 flow accumulation), and every list ends at its root's up edge (the basin's outlet).
#include "lib/grid.glsl"
#include "lib/tour.glsl"

// The down edge of v's first child in D8 order after direction `after` (-1: from the
// start), or end; `mask` is v's children (tour_children).
float child_after(ivec2 v, int mask, int after) {
    int rest = after < 0 ? mask : mask & ~((2 << after) - 1);
    if (rest == 0) return TOUR_END;
    int k = 0;
    while (((rest >> k) & 1) == 0) k++; // the lowest set bit (findLSB is GLSL 4.00)
    return tour_index(wrap_cell(v + D8[k]), 0);
}

void main() {
    ivec2 a = frag_cell();
    ivec2 c = ivec2(a.x / 2, a.y);
    int up = a.x - 2 * c.x;
    float self = tour_index(c, up);
    if (texelFetch(t_terrain, c, 0).x <= u_sea_level) {
        o_tour = vec4(TOUR_END, 0.0, self, 0.0);
        return;
    }
    int r = int(texelFetch(t_water, c, 0).y + 0.5);
    if (up == 0) {
        float first = child_after(c, int(texelFetch(t_drains, c, 0).x + 0.5), -1);
        float wgt = u_flow_rain > 0.0
            ? mix(1.0, texelFetch(t_moisture, c, 0).y / 1000.0, u_flow_rain) : 1.0;
        o_tour = vec4(first >= 0.0 ? first : tour_index(c, 1), wgt, self, 0.0);
        return;
    }
    ivec2 v = r > 0 ? wrap_cell(c + D8[r - 1]) : c;
    float next = TOUR_END;
    if (r > 0 && texelFetch(t_terrain, v, 0).x > u_sea_level) {
        // The direction from v to c: the opposite of c's, except across a pole.
        int mine = (r - 1 + 4) & 7;
        if (v.y == 0 || v.y == u_size.y - 1) {
            for (int k = 0; k < 8; k++) {
                if (wrap_cell(v + D8[k]) == c) {
                    mine = k;
                    break;
                }
            }
        }
        next = child_after(v, int(texelFetch(t_drains, v, 0).x + 0.5), mine);
        if (next < 0.0) next = tour_index(v, 1);
    }
    o_tour = vec4(next, 0.0, self, 0.0);
}
