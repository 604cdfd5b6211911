// Crust on the plates: constants, the ocean age-depth law, the orogeny code (which reads
// u_year). No uniforms of their own (isostasy.glsl has the crust's, plates.glsl the plate
// rotations, polarity.glsl the plate order).

const int MAX_PLATES = 16;
const float CONTINENTAL_KM = 15.0; // crust at least this thick counts as continental
// Oceanic crust carries less than this of continental or arc crust: only it has a sea-floor
// age, as in the age grids of Mueller et al. (2008), which leave out thinned continental
// margins and arcs.
const float OCEANIC_MAX_KM = 1.0;
// The surface offset ocean floor carries (m): sediment up to about what 100-200 Myr of
// pelagic and terrigenous rain leaves before the floor subducts, scour down to -200 m.
const float OFFSET_MIN_M = -200.0;
const float OFFSET_MAX_M = 800.0;

// Depth of ocean floor of age t Myr below the datum, m: GDH1 (Stein & Stein 1992, Nature
// 359:123), d = 2600 + 365 sqrt(t) for t < 20 Myr, 5651 - 2473 exp(-0.0278 t) beyond. Its
// old floor flattens at 5.65 km (Parsons & Sclater 1977 go on to 6.4).
float ocean_depth(float t) {
    t = max(t, 0.0);
    return t < 20.0 ? 2600.0 + 365.0 * sqrt(t) : 5651.0 - 2473.0 * exp(-0.0278 * t);
}

// Orogeny code of the frames and the world: type * 10000 + time, with time in Myr since 5 Gyr
// ago (u_year / 1e6 + 5000); type 0 none, 1 arc (subduction), 2 collision.
float orogeny_code(float type) { return type * 10000.0 + u_year * 1e-6 + 5000.0; }
