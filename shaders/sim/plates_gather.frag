// plates_gather: the world's crust now, gathered from the plates' frames through each plate's
// rotation (lib/plates.glsl), and the elevation that follows from it.
// Reads: frames (the atlas), crust (last step's world crust: owner, base elevation), terrain
// (x elevation), orogeny (y candidate plates, z gap state), plate_aux (y distance to a trench).
// Writes: crust = (continental thickness km, crust age Myr, plate id, base elevation m),
//   terrain = (elevation m, plate id, continental thickness km, sea-floor age Myr or -1),
//   orogeny = (orogeny code, y kept, gap state, w kept).
// Each candidate plate k claims the cell if its frame holds crust at R_k^T x:
//   none    -> opening: new ocean floor, aged since the cell opened (gap state = that time,
//              Myr since 5 Gyr ago), owned by a plate that borders it (gap_owner), so ridges
//              grow on both plates' trailing edges (the frames take it in, frames_update);
//   one     -> plain motion (thickness bilinear among the frame's texels that hold crust,
//              frame_thickness, so a turning plate keeps its volume; age the nearest texel's);
//   several -> convergence: continental crust (>= 15 km) stays on top of oceanic; otherwise
//              the plate higher in the buoyancy order (beats below) on top; the continental
//              crust of all claimants stacks on the winner (collision thickening, at most
//              crust_max_km; gap state -2 marks it for the frames).
// Base elevation b = crust_elevation(h, age) (Airy isostasy; GDH1, Stein & Stein 1992) + the
//   offset the crust carries - trench_depth exp(-d / trench_width) on subducting ocean floor
//   (d: km to the trench). Elevation = b + (last elevation - last base): what erosion and
//   sediment did since the last fold stays in place until frames_update folds it into the
//   crust, which then carries it.
#include "lib/grid.glsl"
#include "lib/plates.glsl"
#include "lib/isostasy.glsl"
#include "lib/polarity.glsl"

// Whether plate ka's crust a stays on top of plate kb's crust b: continental crust over
// oceanic; otherwise the boundary's polarity (over), one along its whole length.
bool beats(vec4 a, int ka, vec4 b, int kb) {
    bool ca = a.x >= CONTINENTAL_KM;
    bool cb = b.x >= CONTINENTAL_KM;
    if (ca != cb) return ca;
    return over(ka, kb);
}

// The plate a new opening joins: one that borders it (the most of its 8 neighbours), the
// plate that owned it before if that one still borders it, so ridges fill from both sides
// and no plate gets islands inside another.
float gap_owner(ivec2 p, float before) {
    int votes[MAX_PLATES];
    for (int k = 0; k < MAX_PLATES; k++) votes[k] = 0;
    for (int k = 0; k < 8; k++) {
        int id = int(fetch_at(t_crust, p, D8[k]).z);
        if (id >= 0 && id < MAX_PLATES && (u_plate_active & (1 << id)) != 0) votes[id] += 1;
    }
    int mine = int(before);
    if (mine >= 0 && mine < MAX_PLATES && votes[mine] > 0) return before;
    int best = -1;
    int most = 0;
    for (int k = 0; k < MAX_PLATES; k++) {
        if (votes[k] > most) {
            most = votes[k];
            best = k;
        }
    }
    return float(best);
}

void main() {
    ivec2 p = frag_cell();
    vec3 x = cell_unit(p);
    vec4 prev = fetch(t_crust, p);
    vec4 ter = fetch(t_terrain, p);
    vec4 oro = fetch(t_orogeny, p);
    // The candidate mask reaches mask_dilations cells; where a plate's motion this run spans
    // more columns than that (near the poles), look up every plate.
    bool wide = u_mask_reach / max(cos(cell_latlon(p).x), 1e-3) > float(u_mask_dilations) - 0.5;
    int mask = (u_mask_all || wide ? u_plate_active : int(oro.y)) & u_plate_active;
    int claims = 0;
    int continental = 0;
    int best_k = -1;
    vec4 best = vec4(0.0);
    vec2 best_px = vec2(0.0);
    float stack = 0.0;
    // Visit only the candidates' bits (lowest first): llvmpipe runs a loop until every
    // fragment of its SIMD block is done, and masks, rather than skips, the bodies of if's.
    while (mask != 0) {
        int low = mask & (-mask);
        int k = int(round(log2(float(low))));
        mask ^= low;
        vec2 px = frame_pixel(k, x);
        vec4 m = frame_fetch(t_frames, k, pixel_cell(px));
        if (m.y < 0.0) continue;
        claims += 1;
        if (m.x >= CONTINENTAL_KM) {
            continental += 1;
            stack += m.x;
        }
        if (best_k < 0 || beats(m, k, best, best_k)) {
            best = m;
            best_k = k;
            best_px = px;
        }
    }
    float now = u_year * 1e-6 + 5000.0;
    vec4 crust;
    vec4 o = oro;
    if (claims == 0) {
        float opened = oro.z >= 0.0 ? oro.z : now;
        float age = max(now - opened, 0.0);
        crust = vec4(0.0, age, gap_owner(p, prev.z), crust_elevation(0.0, age));
        o.x = 0.0;
        o.z = opened;
    } else {
        bool stacked = continental >= 2;
        // One claimant: its thickness between texels (the stack sums whole texels).
        float h = stacked ? min(stack, u_crust_max_km)
                          : frame_thickness(t_frames, best_k, best_px, best.x);
        // The frames' ages are as of their last update, frames_lag Myr ago.
        float age = best.y + u_frames_lag;
        float base = crust_elevation(h, age) + best.z;
        if (h < CONTINENTAL_KM) {
            base -= u_trench_depth * exp(-fetch(t_plate_aux, p).y / u_trench_width);
        }
        crust = vec4(h, age, float(best_k), base);
        o.x = stacked ? orogeny_code(2.0) : best.w;
        o.z = stacked ? -2.0 : -1.0;
    }
    // What erosion and sediment did since the last fold, unless frames_update just folded it.
    float residual = u_folded ? 0.0 : ter.x - prev.w;
    // An opening is new ocean floor: it keeps at most the sediment an ocean floor carries
    // (as frames_update's fold), not the relief of the crust that stood there before, which
    // would otherwise pass from cell to cell along a spreading ridge and deepen it.
    if (claims == 0) residual = clamp(residual, OFFSET_MIN_M, OFFSET_MAX_M);
    o_crust = crust;
    // terrain.w: the sea-floor age of oceanic crust; -1 on continental crust, thinned margins
    // and arcs included (a drowned shelf has no sea-floor age).
    float floor_age = crust.x < OCEANIC_MAX_KM ? crust.y : -1.0;
    o_terrain = vec4(crust.w + residual, crust.z, crust.x, floor_age);
    o_orogeny = o;
}
