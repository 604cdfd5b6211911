// erode: the incision of incise_init/incise_jump applied, and the sediment it makes carried
// down the receivers and laid down where the stream can no longer carry it (the xi-q model
// of Davy & Lague 2009, J. Geophys. Res. 114:F03007, as in fastscape: Yuan et al. 2019, JGR
// Earth Surface 124:1346).
// Reads: terrain (x elevation m), water (x drained weight A in cells, w lake depth m), lake
// (x fill level m, y at sea: cells to land, z sediment each cell sent on in the last run,
// w sediment receiver), incise (x the cell's new height after the implicit incision).
// Writes: terrain.x (elevation, m); lake.z (sediment sent on this run, m km^2).
// Incision: on the runs that route (incise_now), z' = incise.x on land: stream power
// E = K (A a)^m S over the time since the last incision, solved implicitly (incise_init).
// Sediment, as volumes (m km^2): a cell takes in what its donors sent on in the last run
// (one cell a run downstream, as the flow once was), adds what it lost, and lays down
//   - in a lake: all of it, up to the lake's depth (lakes trap sediment and fill);
//   - on a river: the share 1 - exp(-G / A) of it (xi-q: deposition G Qs / (P A) per unit
//     area, G dimensionless), at most half-way up to its lowest donor's filled level (so a
//     deposit never blocks the stream that brought it);
//   - at sea: the share sediment_marine of it, at most up to sea level + 1 m (a delta's
//     front becomes land and the next cell out takes the rest); sediment_reach cells out
//     from the coast (lake.y at sea) all of it: terrigenous sediment stays on the shelves,
//     slopes and rises, and the cells beyond neither take any in nor run the loop below;
// and sends the rest on to its sediment receiver, or an eighth of it to each neighbour where
// it has none (SPREAD: a sea-floor pit or flat, a lake with no outlet yet; such a cell first
// fills up to sea level + 1 m at sea, to its lake's level on land). A cell whose receiver
// (or, spreading, any neighbour) takes nothing in lays all of it down itself: every volume
// sent is gathered by exactly one cell in this same pass. Rock is kept: what the cells lose
// is what they gain plus what is on its way, to float precision.
// Sea floor also gets a pelagic blanket, z' = min(z + marine_sediment 1e-6 dt, sea_level - 50)
// (m/Myr of biogenic ooze: not from the land, outside the budget above); dt = u_dt *
// erosion_every, the time since the last run.
#include "lib/grid.glsl"

const int SPREAD = 9;

// Whether a cell takes sediment in: land, or sea within sediment_reach cells of land (lake.y
// at sea; the filled level x is above sea level on land, at it at sea).
bool takes_in(vec4 l) {
    return l.x > u_sea_level || l.y < float(u_sediment_reach) - 0.5;
}

void main() {
    ivec2 p = frag_cell();
    vec4 c = fetch(t_terrain, p);
    float z = c.x;
    vec4 w = fetch(t_water, p);
    vec4 l = fetch(t_lake, p);
    float dt = u_dt * float(u_erosion_every);
    float area = cell_area_km2(p.y);
    bool land = z > u_sea_level;
    bool takes = takes_in(l);
    // Sediment from the donors: the neighbours whose sediment receiver is p. The loop's
    // bound is 0 beyond the shelves: llvmpipe leaves a loop once no lane of a SIMD block
    // needs it, so blocks of open ocean skip the 16 fetches.
    float inflow = 0.0;
    float donor_low = 1e30;
    bool all_take = true; // whether every neighbour takes sediment in
    int n = takes ? 8 : 0;
    for (int k = 0; k < n; k++) {
        ivec2 q = wrap_cell(p + D8[k]);
        vec4 lq = texelFetch(t_lake, q, 0);
        all_take = all_take && takes_in(lq);
        int r = int(lq.w + 0.5);
        if (r == SPREAD) {
            inflow += 0.125 * lq.z; // the neighbour relation is symmetric, poles included
            continue;
        }
        if (drains_into(q, r, k, p)) {
            inflow += lq.z;
            donor_low = min(donor_low, lq.x); // its filled level: its elevation off lakes
        }
    }
    int r = int(l.w + 0.5);
    // Whether what p sends on is taken in: by its receiver, or spreading, by all neighbours.
    bool sends = takes && (r == SPREAD ? all_take
                                       : takes_in(texelFetch(t_lake, wrap_cell(p + D8[max(r, 1) - 1]), 0)));
    float cut = u_incise_now && land ? max(z - fetch(t_incise, p).x, 0.0) : 0.0;
    // A cell that takes nothing in still holds what it sent before it stopped taking in.
    float load = inflow + cut * area + (takes ? 0.0 : l.z);
    float lay = 0.0; // m
    if (!sends) {
        lay = load / area;
    } else if (land && w.w > 0.0) {
        lay = min(load / area, w.w);
    } else if (land && r == SPREAD) {
        lay = 0.0;
    } else if (land) {
        float room = donor_low < 1e29 ? max(0.5 * (donor_low - (z - cut)), 0.0) : 0.0;
        lay = min((1.0 - exp(-u_sediment_G / max(w.x, 1.0))) * load / area, room);
    } else {
        float share = r == SPREAD ? 1.0 : u_sediment_marine;
        lay = min(share * load / area, max(u_sea_level + 1.0 - z, 0.0));
    }
    float sent = max(load - lay * area, 0.0);
    z = z - cut + lay;
    if (!land) z = max(z, min(z + u_marine_sediment * 1e-6 * dt, u_sea_level - 50.0));
    o_terrain = vec4(z, c.yzw);
    o_lake = vec4(l.xy, sent, l.w);
}
