// frames_update: what happened to each plate's crust, written into its own frame (the atlas).
// Reads: frames, and the world: crust (x thickness km, y age Myr, z owner, w base elevation m),
// orogeny (x code, z gap state), plate_aux (x km to the subduction boundary overridden,
// z closing rate cm/yr), terrain (x elevation m, for the fold). Writes: frames.
// Each texel t of plate k looks at the world cell p over it (R_k t):
// - empty texel under k's area that an opening owned by k looks up: the ridge's new ocean
//   floor joins the plate (thickness 0, the age it has had since it opened);
// - crust of k under another plate: ocean floor the gather sampled there went down (the
//   texel empties); continental crust stays, hidden, and the gather stacks it under the
//   winner (collision thickening) until the plates suture: it is never lost;
// - ocean floor of k at a cell with no neighbour of k: a speck the sampling left inside
//   another plate; it empties (the neighbours' ridges take the cell);
// - p a collision stack over k (gap state -2): the texel records a collision orogeny;
// - ageing: age += dt (dt = frame_dt Myr since the last update);
// - arcs: the overriding plate thickens where it stands arc_distance km from the subduction
//   boundary: dh = arc_scale arc_rate c g room dt, g = exp(-(d - arc_distance)^2 / 2 arc_width^2),
//   room = clamp((cap - h) / 10 km, 0, 1) tapering it below the cap,
//   c the closing rate (cm/yr), until arc_max_km (Andean ranges), on ocean floor until
//   arc_island_km (island arcs, mostly below the sea until they accrete to a continent);
//   where g > 0.5 the texel records an arc orogeny, unless a collision stack is over it;
//   subduction erosion thins its continental edge: dh = -recycling_scale crust_recycling c
//   exp(-d / 100 km) dt (the stage holds arc_scale and recycling_scale to the crust budget);
// - flow: continental crust spreads in the plate, thick orogens fastest (gravitational
//   collapse): dh/dt = div(kappa grad h), kappa = crust_creep + crust_flow smoothstep(crust_relax_km,
//   crust_relax_km + 25 km, h) (km^2/Myr), in flux form with cos(lat) areas so it keeps the
//   volume, each neighbour pair's exchange capped at 0.2 of the difference an update (stable
//   for any frame_dt);
// - fold (when asked): the elevation change since the last fold at p (erosion, sediment)
//   becomes part of the crust: continental thickness (isostasy answers) or, on ocean
//   floor, a sediment offset; the plate carries it from now on.
#include "lib/grid.glsl"
#include "lib/plates.glsl"
#include "lib/crust.glsl"


// New ocean floor for the empty texel t of plate k: the opening (gap) owned by k whose
// gather looks up this very texel: the cell over t, or one of its neighbours (a texel's
// centre and the cell whose centre maps back into it need not be the same cell).
vec4 ridge(int k, ivec2 t, ivec2 p) {
    for (int i = -1; i < 8; i++) {
        ivec2 q = i < 0 ? p : wrap_cell(p + D8[i]);
        vec4 g = fetch(t_orogeny, q);
        if (g.z < 0.0) continue;
        vec4 c = fetch(t_crust, q);
        if (int(c.z) == k && frame_cell(k, cell_unit(q)) == t) {
            float fold = u_fold ? fetch(t_terrain, q).x - c.w : 0.0;
            return vec4(0.0, c.y, clamp(fold, OFFSET_MIN_M, OFFSET_MAX_M), 0.0);
        }
    }
    return FRAME_EMPTY;
}

// Whether world cell p of plate k has no neighbour of its own plate (one owner test for all
// eight: a loop that returns early runs lane by lane on a CPU rasteriser).
bool lone(ivec2 p, int k) {
    float own = float(k);
    float n = 0.0;
    for (int i = 0; i < 8; i++) n += fetch_at(t_crust, p, D8[i]).z == own ? 1.0 : 0.0;
    return n == 0.0;
}

float kappa(float h) {
    return u_crust_creep + u_crust_flow * smoothstep(u_crust_relax_km, u_crust_relax_km + 25.0, h);
}

void main() {
    ivec2 a = frag_cell();
    ivec2 tile = a / u_size;
    int k = tile.x + 4 * tile.y;
    ivec2 t = a - tile * u_size;
    vec4 m = texelFetch(t_frames, a, 0);
    if (k >= MAX_PLATES || (u_plate_active & (1 << k)) == 0) {
        o_frames = FRAME_EMPTY;
        return;
    }
    ivec2 p = world_cell(k, t);
    vec4 w = fetch(t_crust, p);
    if (m.y < 0.0) {
        o_frames = int(w.z) == k ? ridge(k, t, p) : FRAME_EMPTY;
        return;
    }
    if (int(w.z) != k) {
        // Under another plate. Continental crust does not sink: it stays, hidden, and the
        // gather stacks it under the winner for as long as it lies there (until the plates
        // suture). Ocean floor is gone (subducted) if the gather sampled this very texel
        // there and another plate won; a texel the gather did not sample stays.
        bool gone = m.x < CONTINENTAL_KM && frame_cell(k, cell_unit(p)) == t;
        o_frames = gone ? FRAME_EMPTY : m;
        return;
    }
    if (m.x < CONTINENTAL_KM && lone(p, k)) {
        o_frames = FRAME_EMPTY; // a speck of ocean floor inside another plate: a sampling artefact
        return;
    }
    // The world's view of this cell, fetched only here: most texels of a frame are empty
    // or under another plate, and scattered fetches are what this pass costs on a CPU.
    vec4 oro = fetch(t_orogeny, p);
    float fold = u_fold ? fetch(t_terrain, p).x - w.w : 0.0;
    float dt = u_frame_dt;
    if (oro.z == -2.0) m.w = oro.x; // a collision stack over this plate: the orogeny record
    m.y += dt;
    vec4 aux = fetch(t_plate_aux, p);
    float r = (aux.x - u_arc_distance) / u_arc_width; // pow() of a negative base is undefined
    float g = exp(-0.5 * r * r);
    float cap = m.x < CONTINENTAL_KM ? u_arc_island_km : u_arc_max_km;
    float room = clamp((cap - m.x) / 10.0, 0.0, 1.0);
    float grow = u_arc_scale * u_arc_rate * aux.z * g * room * dt;
    // Subduction erosion: the overriding margin within 100 km of the boundary loses crust.
    if (m.x >= CONTINENTAL_KM) {
        float edge = exp(-aux.x / 100.0);
        m.x = max(m.x - u_recycling_scale * u_crust_recycling * aux.z * edge * dt, 0.0);
    }
    if (grow > 0.0) {
        m.x += grow;
        if (g > 0.5 && oro.z != -2.0) m.w = orogeny_code(1.0); // a collision's record stays
    }
    // Crust flow in the frame (texels of this plate only; none across the frame's poles).
    float lat = cell_latlon(t).x;
    float c0 = cos(lat);
    float row_km = PI * u_radius * 1e-3 / float(u_size.y);
    float col_km = TAU * u_radius * 1e-3 / float(u_size.x) * c0;
    float dh = 0.0;
    for (int i = 0; i < 4; i++) {
        ivec2 d = i == 0 ? ivec2(1, 0) : i == 1 ? ivec2(-1, 0) : i == 2 ? ivec2(0, 1) : ivec2(0, -1);
        if ((t.y == u_size.y - 1 && d.y > 0) || (t.y == 0 && d.y < 0)) continue;
        vec4 n = frame_fetch(t_frames, k, t + d);
        if (n.y < 0.0) continue;
        float kap = kappa(0.5 * (m.x + n.x)) * dt;
        float g_pair;
        if (d.y == 0) {
            g_pair = min(kap / (col_km * col_km), 0.2);
        } else {
            float mid = lat + 0.5 * float(d.y) * PI / float(u_size.y);
            float cn = cos(lat + float(d.y) * PI / float(u_size.y));
            g_pair = min(kap / (row_km * row_km) * cos(mid), 0.2 * min(c0, cn)) / c0;
        }
        dh += g_pair * (n.x - m.x);
    }
    // The fold: what erosion took from continental crust (or laid on it) changes its
    // thickness, and isostasy answers: the surface of the column then stands
    // (1 - rho_c / rho_m) of the change lower (Airy), so worn mountains rise back as they lose
    // weight. On ocean floor it is sediment, carried as an offset of at most 800 m (about
    // what 100-200 Myr of pelagic and terrigenous rain leaves before the floor subducts).
    bool cont = m.x >= CONTINENTAL_KM;
    if (cont) {
        dh += fold * 1e-3;
    } else {
        m.z = clamp(m.z + fold, OFFSET_MIN_M, OFFSET_MAX_M);
    }
    m.x = clamp(m.x + dh, 0.0, u_crust_max_km);
    o_frames = m;
}
