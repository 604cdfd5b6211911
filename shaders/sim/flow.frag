// flow: D8 receivers and flow accumulation, passed downstream one cell per step
// (Barnes 2019, Geomorphology 338: every cell exchanges flow with its neighbours in parallel).
// Reads: terrain (x elevation m), water (x flow, y receiver of the last step), moisture (y
// precipitation mm/yr). Writes: water.x (flow accumulation, rain-weighted cells drained),
// water.y (receiver code 1..8 = N..NW, 0 for pits and sea), water.w (lake depth, m: how far
// a pit lies below its lowest neighbour, the water it holds before it spills; 0 elsewhere);
// z (basin id) passed through.
// Land is z > sea_level. Receiver: the neighbour k of steepest descent (z - z_k) / d_k with
// d_k from the grid metric (unit spacing with metric_flat: the standard D8 rule, O'Callaghan
// & Mark 1984); none if no neighbour is lower. First of equal slopes in N, NE, .. NW order.
// Flow: A = w + sum of the last step's A_j over neighbours j whose last-step receiver is this
// cell (hence one cell per step), with the rainfall
// weight w = mix(1, precipitation / 1000 mm/yr, flow_rain). Converges on a fixed terrain
// to the exact D8 accumulation after as many steps as the longest flow path.
#include "lib/grid.glsl"

void main() {
    ivec2 p = frag_cell();
    float z = fetch(t_terrain, p).x;
    vec4 w = fetch(t_water, p);
    bool land = z > u_sea_level;
    // Before the climate runs (flow_rain = 0) skip the fetch: one texture read less per cell.
    float rain = u_flow_rain > 0.0 ? mix(1.0, fetch(t_moisture, p).y / 1000.0, u_flow_rain) : 1.0;
    float acc = rain;
    float best = 0.0;
    int rec = 0;
    float rim = 1e30;
    float dist[8];
    step_distances8(p, dist);
    float d_row = dist[0], d_col = dist[2], d_ne = dist[1], d_se = dist[3];
    bool polar = p.y == 0 || p.y == u_size.y - 1;
    // A loop of 8 turns on land and none at sea, with the neighbour's offset and distance
    // computed rather than looked up (indexing arrays by a loop variable is slow on CPU
    // drivers): llvmpipe runs an `if`'s body for a whole SIMD block but leaves a loop once
    // no lane needs it, so blocks of sea skip the 16 neighbour fetches.
    int n = land ? 8 : 0;
    for (int k = 0; k < n; k++) {
        // D8 order N, NE, E, SE, S, SW, W, NW.
        ivec2 d = ivec2(k >= 1 && k <= 3 ? 1 : (k >= 5 ? -1 : 0),
                        k <= 1 || k == 7 ? 1 : (k >= 3 && k <= 5 ? -1 : 0));
        float dk = d.x == 0 ? d_row : (d.y == 0 ? d_col : (d.y > 0 ? d_ne : d_se));
        ivec2 q = wrap_cell(p + d);
        float zq = texelFetch(t_terrain, q, 0).x;
        rim = min(rim, zq);
        float slope = (z - zq) / dk;
        if (slope > best) {
            best = slope;
            rec = k + 1;
        }
        vec4 nw = texelFetch(t_water, q, 0);
        int r = int(nw.y + 0.5);
        // Does q drain into p? Away from the pole rows, iff its receiver is the opposite
        // direction; across a pole the way back is not the opposite one, so compare cells.
        bool back = r - 1 == ((k + 4) & 7);
        if (polar) back = r > 0 && wrap_cell(q + D8[r - 1]) == p;
        if (back) acc += nw.x;
    }
    o_water = land ? vec4(acc, float(rec), w.z, rec == 0 ? rim - z : 0.0)
                   : vec4(0.0, 0.0, w.z, 0.0);
}
