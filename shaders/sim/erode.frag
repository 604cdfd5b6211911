// erode: the incision of incise_init/incise_jump applied, and the sediment it makes carried
// down the receivers and laid down where the stream can no longer carry it (the xi-q model
// of Davy & Lague 2009, J. Geophys. Res. 114:F03007, as in fastscape: Yuan et al. 2019, JGR
// Earth Surface 124:1346).
// Reads: terrain (x elevation m), water (x drained weight A in cells, w lake depth m), lake
// (x fill level m, y at sea: cells to land, z sediment each cell sent on in the last run
// (> 0) or holds (< 0), w sediment receiver), incise (x the cell's new height after the
// implicit incision), air (y surface temperature degC).
// Writes: terrain.x (elevation, m); lake.z (sediment sent on this run, or held, m km^2).
// Incision: on the runs that route (incise_now), z' = incise.x on land: stream power
// E = K (A a)^m S over the time since the last incision, solved implicitly (incise_init).
// Glaciers, on every run: land above the glacier line (the equilibrium-line altitude, where
// the surface temperature of the moment is glacier_temp) is worn towards it,
//   cut_g = min(e, z - sea_level - glacier_floor) (1 - exp(-dt / glacier_time)),
//   e = (glacier_temp - T) 1000 / lapse_rate m above the line (T the cell's temperature),
// the "glacial buzzsaw" that holds mountains near the snow line whatever their uplift
// (Brozovic et al. 1997, Science 276:571; Egholm et al. 2009, Nature 460:884), as a
// relaxation of time scale glacier_time; glacier_temp about -7 degC puts the line near 5 km
// in the tropics, 3 km at 45 deg and at sea level poleward of 65 deg, as on Earth (Ohmura et
// al. 1992, J. Glaciol. 38:397). Where the line lies lower than glacier_floor above the sea
// (poleward of about 60 deg) the land is under an ice sheet, frozen to its bed over the
// lowlands and wearing little there (polar ice erodes 0.01-0.1 mm/yr against 1-10 for
// temperate glaciers: Hallet et al. 1996, Global Planet. Change 12:213; Kleman & Hattestrand
// 1999, Nature 402:63), so the wear stops at glacier_floor. The glaciers' rock joins the
// rivers' load below.
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
// (or, spreading, any neighbour) takes nothing in lays it down itself, up to sea level + 1 m
// at sea (up to its filled level on land: a lake fills), and holds the rest (lake.z < 0)
// for its next run, so a cell at the shelf's edge never rises kilometres in one run. What a cell sent on
// (lake.z > 0) is gathered in the next run by the cells it went to that take in then; the
// share no cell gathers (a receiver that stopped taking in) the cell keeps. Rock is kept:
// what the cells lose is what they gain plus what is on its way or held, to float precision.
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
    // bound is 0 beyond the shelves (unless the cell sent something on there in its last
    // run): llvmpipe leaves a loop once no lane of a SIMD block needs it, so blocks of open
    // ocean skip the 16 fetches.
    float inflow = 0.0;
    float donor_low = 1e30;
    int taking = 0; // neighbours that take sediment in
    int n = takes || l.z > 0.0 ? 8 : 0;
    for (int k = 0; k < n; k++) {
        ivec2 q = wrap_cell(p + D8[k]);
        vec4 lq = texelFetch(t_lake, q, 0);
        taking += takes_in(lq) ? 1 : 0;
        if (!takes) continue;
        float sent = max(lq.z, 0.0); // a neighbour's held sediment (< 0) stays there
        int r = int(lq.w + 0.5);
        if (r == SPREAD) {
            inflow += 0.125 * sent; // the neighbour relation is symmetric, poles included
            continue;
        }
        if (drains_into(q, r, k, p)) {
            inflow += sent;
            donor_low = min(donor_low, lq.x); // its filled level: its elevation off lakes
        }
    }
    int r = int(l.w + 0.5);
    // Whether what p sends on is taken in: by its receiver, or spreading, by all neighbours.
    bool to_takes = r == SPREAD ? taking == 8
                                : (n > 0 && takes_in(texelFetch(t_lake, wrap_cell(p + D8[r - 1]), 0)));
    bool sends = takes && to_takes;
    // What p held, or sent on in its last run and no cell gathers now.
    float kept = l.z < 0.0 ? -l.z : 0.0;
    if (l.z > 0.0) kept = r == SPREAD ? l.z * float(8 - taking) / 8.0 : (to_takes ? 0.0 : l.z);
    float cut = u_incise_now && land ? max(z - fetch(t_incise, p).x, 0.0) : 0.0;
    if (land && u_glacier_time > 0.0) {
        float above = (u_glacier_temp - fetch(t_air, p).y) * 1000.0 / u_lapse_rate;
        float room = z - cut - u_sea_level - max(u_glacier_floor, 1.0);
        cut += max(min(above, room), 0.0) * (1.0 - exp(-dt * 1e-6 / u_glacier_time));
    }
    float load = inflow + cut * area + kept;
    float lay = 0.0; // m
    if (!sends) {
        float top = land ? l.x : u_sea_level + 1.0;
        lay = min(load / area, max(top - (z - cut), 0.0));
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
    if (!sends) sent = -sent; // held: no cell gathers it
    z = z - cut + lay;
    if (!land) z = max(z, min(z + u_marine_sediment * 1e-6 * dt, u_sea_level - 50.0));
    o_terrain = vec4(z, c.yzw);
    o_lake = vec4(l.xy, sent, l.w);
}
