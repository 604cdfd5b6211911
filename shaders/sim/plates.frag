// plates: plate growth, re-forming, motion, collisions and rifts; crust ages.
// Reads: terrain (x elevation m, y plate id, z uplift stress 0..1, w crust age Myr).
// Writes: crust (the moved terrain, same channels) for `uplift` to finish the step.
// Motion (lib/plates.glsl): each plate moves one whole cell E/W/N/S at random steps so that
// its mean velocity is its set one (plate_speed cm/yr scales the encoded velocity). A cell
// gathers the candidates that end on it: itself if its plate stays, and each of its four
// neighbours whose plate moves onto it (never across a pole: a plate sinks there). Cells
// without a plate are not candidates: a plate moving over them just claims them.
//   no candidate   -> rift: new ocean floor at sea_level - rift_depth m, crust age 0, joined
//                     to the plate left behind (the neighbour it moved away from); if that
//                     neighbour has no plate yet (plates still growing) the rock stays, unclaimed;
//   one candidate  -> plain motion;
//   two or more    -> collision: the highest (most buoyant) crust stays on top, the others
//                     subduct, and the stress rises by collision_stress (capped at 1); the
//                     winner thickens by half the height of the highest loser above
//                     sea_level - 2000 m (continental crust piles up instead of sinking).
// Growth (aggregation): a cell without a plate joins, with probability 1/2 per step, the
// plate of a random claimed neighbour of its eight, until every cell belongs to a plate.
// Re-forming: once every plate_reform_interval steps (0: never) all plates dissolve and new seeds
// are scattered (plate_count expected); continents keep their rock and are split anew.
// Age: w += dt / 1e6 Myr everywhere but new rifts. The pass runs every tectonics_every sim
// steps with dt = tectonics_every * u_dt (slow processes, fewer passes).
#include "lib/grid.glsl"
#include "lib/hash.glsl"
#include "lib/plates.glsl"

const ivec2 DIRS[4] = ivec2[4](ivec2(1, 0), ivec2(-1, 0), ivec2(0, 1), ivec2(0, -1));

bool better(vec4 a, vec4 b) { return a.x > b.x || (a.x == b.x && a.y > b.y); }

void main() {
    ivec2 p = frag_cell();
    vec4 me = fetch(t_terrain, p);
    float dt = u_dt * float(u_tectonics_every); // this pass runs every tectonics_every steps
    float dage = dt * 1e-6;
    if (u_plate_reform_interval > 0 && u_step % u_plate_reform_interval < u_tectonics_every) {
        o_crust = vec4(me.x, plate_seed_id(p, u_plate_count), me.z, me.w + dage);
        return;
    }
    ivec2 mine = plate_move(me.y, u_plate_speed, dt);
    bool claimed = me.y >= 0.0;
    int n = 0;
    vec4 best = vec4(-1e30, -2.0, 0.0, 0.0);
    float second = -1e30; // the highest crust that goes under
    if (claimed && mine == ivec2(0)) {
        n = 1;
        best = me;
    }
    for (int k = 0; k < 4; k++) {
        // Nothing arrives across a pole: a plate driven over it sinks there quietly.
        if ((p.y == 0 && DIRS[k].y > 0) || (p.y == u_size.y - 1 && DIRS[k].y < 0)) continue;
        vec4 s = fetch_at(t_terrain, p, -DIRS[k]);
        if (s.y >= 0.0 && plate_move(s.y, u_plate_speed, dt) == DIRS[k]) {
            n += 1;
            if (better(s, best)) {
                second = max(second, best.x);
                best = s;
            } else {
                second = max(second, s.x);
            }
        }
    }
    vec4 o;
    if (n == 0) {
        vec4 trail = fetch_at(t_terrain, p, -mine);
        if (!claimed || trail.y < 0.0) {
            // Still growing: rock without a plate stays put until a plate claims it.
            o = vec4(me.x, -1.0, me.z, me.w + dage);
        } else {
            o = vec4(u_sea_level - u_rift_depth, trail.y, 0.0, 0.0);
        }
    } else {
        o = best;
        if (n > 1) {
            o.z = min(1.0, o.z + u_collision_stress);
            // Continental crust does not sink: half of what stood above the deep sea floor
            // piles onto the winner (thickening), so continents keep their rock.
            o.x += 0.5 * max(0.0, second - (u_sea_level - 2000.0));
        }
        o.w += dage;
    }
    if (o.y < 0.0) {
        // Aggregation: join the plate of a random claimed neighbour (scan from a random
        // start), half the time, so plate outlines stay ragged.
        vec2 r = rand4(p, 53).xy;
        int k0 = int(r.x * 8.0) & 7;
        for (int i = 0; i < 8; i++) {
            float nid = fetch_at(t_terrain, p, D8[(k0 + i) & 7]).y;
            if (nid >= 0.0) {
                if (r.y < 0.5) o.y = nid;
                break;
            }
        }
    }
    o_crust = o;
}
