// Plate ids and their motion, shared by the tectonics passes (and views of plate velocity).
// A plate id in [0, 1) encodes the plate's velocity: q = floor(id * 4096) = e + 64 n with
// e, n in 0..62 giving v_east = (e / 31 - 1) * speed and v_north = (n / 31 - 1) * speed; the
// fraction left over is a random tag that tells apart plates of equal velocity. -1: no plate.
// Needs the generated globals u_size, u_step, u_radius and lib/hash.glsl.

// Plate velocity (east, north) as fractions of the top plate speed, each in [-1, 1].
vec2 plate_velocity_frac(float id) {
    int q = int(floor(id * 4096.0));
    return vec2(float(q % 64), float(q / 64)) / 31.0 - 1.0;
}

// The whole-pixel move (one of E, W, N, S or none) of plate `id` in this sim step of
// dt years.
// P(move east/west) = |v_east| dt / column width at the equator, P(north/south) likewise with
// the row height, so the mean velocity is the set one (cm/yr) in angular terms: the plate
// turns rigidly about the axis. One uniform random number per (seed, plate, step) picks the
// move, so every cell of a plate agrees and neighbouring plates rarely move together.
ivec2 plate_move(float id, float speed_cm_yr, float dt) {
    if (id < 0.0) return ivec2(0);
    vec2 v = plate_velocity_frac(id) * speed_cm_yr * 0.01 * dt; // m per step
    float px = abs(v.x) / (TAU * u_radius / float(u_size.x));
    float py = abs(v.y) / (PI * u_radius / float(u_size.y));
    float s = px + py;
    if (s > 1.0) { // too fast for this dt: move every step, keep the direction
        px /= s;
        py /= s;
    }
    float r = rand4_static(ivec3(floatBitsToInt(id), u_step, 911), 41).x;
    if (r < px) return ivec2(v.x > 0.0 ? 1 : -1, 0);
    if (r < px + py) return ivec2(0, v.y > 0.0 ? 1 : -1);
    return ivec2(0);
}

// A new plate seed at this cell, or -1: each cell is a seed with probability
// count / cells, with a random velocity and tag, all keyed by (seed, step, cell).
float plate_seed_id(ivec2 p, float count) {
    vec4 r = rand4(p, 977);
    if (r.x >= count / float(u_size.x * u_size.y)) return -1.0;
    float e = floor(r.y * 62.999);
    float n = floor(r.z * 62.999);
    return (e + 64.0 * n + 0.001 + 0.998 * r.w) / 4096.0;
}
