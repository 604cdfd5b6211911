// Night lights as settlements (included by globe.frag after render/common.glsl). Reads, once
// a pixel: the light field civ.w (0..1) with its screen derivatives and the elevation with its
// gradient (both passed in by globe.frag), and t_water (x: flow, cells); the uniforms
// u_light_spacing (the towns' lattice spacing on the unit sphere, set per picture from its
// pixel footprint: planetsim.render.views.light_spacing) and u_river_min. Writes nothing: the
// globe adds the light it returns (times sodium orange, dimmed under cloud).
//
// Lattice: a settlement site per cell of a 3D lattice of spacing s, at a hashed point of the
//   cell projected onto the unit sphere, kept if the projection stays in the cell's inner box
//   (0.1..0.9 of it): ACCEPTED sites per s^2 of surface, even over the sphere within a few %
//   (a Monte Carlo count, tests/test_lights.py). Sites are fixed to the sphere, so the lights
//   do not swim when the camera turns, and as fine as the picture, not the grid.
// Density: the light field is w = 1 - exp(-N era / people_light) (sim/people.frag), so
//   D = -ln(1 - w) is the people's density in units of people_light. The pixel reads D, the
//   elevation and the river flow once and carries D and the elevation to each site to first
//   order (their gradients): every pixel of a spot sees the same settlement.
//   Boost b = 1 + max(low coast, river), 1..2: low land (under ~300 m) and river cells (flow
//   over u_river_min) draw people, as on Earth (Small & Cohen 2004, Current Anthropology 45,
//   269: most people live near coasts and rivers, below 500 m).
// Towns, on the lattice of spacing s: each site a Poisson number of expected
//   lambda = TOWNS_1 D b A (A = s^2 / ACCEPTED, its share of the surface), lit with chance
//   P = lambda / (1 + lambda) (Poisson's 1 - exp(-lambda) for few, 1 for many). Their lit area per unit area is TOWN_LIGHT_1 D b, so a lit site holds
//   a = TOWN_LIGHT_1 D b A / P of it on average: a region's light is its people's whatever the
//   spacing (the picture's size).
// Cities, on a lattice CITY_CELL times coarser: as towns with D^1.5 for D (CITIES_1,
//   CITY_LIGHT_1), so they gather where people are dense; a pixel sees the cities of its own
//   cell and of the 6 that share a face with it, and a city's spot reaches no further than the
//   nearest edge of its cell (so it stays in those 7 cells: never cut).
// Sizes: a lit area a Z / E[Z], Z of Zipf's law (Pareto of exponent 1: Gabaix 1999, QJE 114,
//   739) truncated at Zmax = 1 + ZMAX_1 D: by the rank-size rule a region's largest settlement
//   grows with its people, so big cities are where many live and sparse land has small towns.
// Spots: a settlement of lit area a is a bump (1 - r^2/R^2)^k of radius R = SPREAD sqrt(a/pi)
//   and integral a (pi R^2 / (k + 1) times its peak; k = 3 for towns, 6 for cities' brighter
//   cores), in units of a lit area's brightness. A spot smaller than the pixel is widened to
//   the pixel's footprint keeping its light (flux-preserving: a small town is a faint pixel,
//   not a missing or a full one); one wider than its lattice allows is capped there, brighter.
// Roads: a faint line one pixel wide joins a city to the cities of the cells that share a
//   face with its own when people are dense (D over ROAD_D) at both: lines run where dense
//   regions meet.
// Cost: llvmpipe runs every branch for every pixel (masked SIMD), so the lights cost the same
// everywhere: 8 town sites (the 2x2x2 cells around the pixel), 7 cities and 2 fetches a pixel.

const float ACCEPTED = 0.78;     // sites per s^2 of surface (tests/test_lights.py counts it)
const float SPREAD = 1.6;        // a spot's radius, in that of a disc of its lit area
const float TOWNS_1 = 1.5e4;     // towns per unit-sphere area at D = 1 (1 per ~2700 km^2)
const float TOWN_LIGHT_1 = 0.04; // lit share of the surface in towns at D = 1
const float TOWN_ZMAX_1 = 8.0;   // largest town at D = 1, in units of the smallest
const float CITY_CELL = 4.0;     // the cities' lattice spacing, in the towns'
const float CITIES_1 = 150.0;    // cities per unit-sphere area at D = 1 (1 per ~270000 km^2)
const float CITY_LIGHT_1 = 0.03; // lit share of the surface in cities at D = 1
const float CITY_ZMAX_1 = 30.0;  // largest city at D = 1, in units of the smallest
const float ROAD_D = 0.7;        // density at both ends of a road
const float ROAD_LIGHT = 0.12;   // a road's brightness, in a lit area's

// What the sites read, once per pixel: D and the elevation above sea level (m) at n and their
// gradients as 3-vectors along the sphere (per unit of the unit sphere), and the boost's part
// from a river near.
struct Here {
    vec3 n;
    float d;      // people's density D at n
    vec3 dd;      // its gradient
    float h;      // elevation above sea level, m
    vec3 dh;      // its gradient, m
    float river;  // 0..1: a river's flow here
};

// w: the light field at n; dw: its screen derivatives (dFdx, dFdy) and dndx, dndy those of n,
// all taken by the caller in uniform control flow. The gradient on the sphere g (east, north)
// solves dw = (dn . east, dn . north) g for both screen axes. dh: the elevation's gradient,
// m per m east and north.
Here here_at(vec3 n, vec2 px, vec3 east, vec3 north, float h, vec2 dh, float w, vec2 dw,
             vec3 dndx, vec3 dndy) {
    Here o;
    o.n = n;
    w = min(w, 0.999);
    mat2 m = mat2(dot(dndx, east), dot(dndy, east), dot(dndx, north), dot(dndy, north));
    vec2 g = abs(determinant(m)) > 1e-14 ? inverse(m) * dw : vec2(0.0);
    g /= 1.0 - w; // dD = dw / (1 - w)
    o.d = -log(1.0 - w);
    o.dd = g.x * east + g.y * north;
    o.h = h;
    o.dh = u_radius * (dh.x * east + dh.y * north);
    o.river = smoothstep(u_river_min, 4.0 * u_river_min, view_sample(t_water, px).x);
    return o;
}

// (D, b) at the point p of the sphere near here; D = 0 where nobody lives or at sea. The
// coast's boost falls linearly from 50 m to 300 m up.
vec2 people_at(Here e, vec3 p) {
    vec3 t = p - e.n;
    float h = e.h + dot(e.dh, t);
    float d = h < 0.0 ? 0.0 : max(e.d + dot(e.dd, t), 0.0);
    return vec2(d, 1.0 + max(clamp((300.0 - h) * (1.0 / 250.0), 0.0, 1.0), e.river));
}

// A lattice cell's hash (Teschner et al. 2003's spatial hash of the cell, then hash_u32):
// 10 bits each for the site's position in the cell.
uint cell_hash(ivec3 c, uint salt) {
    return hash_u32((uint(c.x) * 73856093u) ^ (uint(c.y) * 19349663u) ^ (uint(c.z) * 83492791u)
                    ^ salt);
}

vec3 site_point(ivec3 c, uint hc) {
    vec3 j = vec3(uvec3(hc, hc >> 10u, hc >> 20u) & 1023u) * (1.0 / 1024.0);
    return normalize(vec3(c) + 0.15 + 0.7 * j);
}

// Inside the cell's inner box (0.1..0.9 of it): the site exists. inv_s: 1 / the spacing.
bool site_kept(vec3 p, ivec3 c, float inv_s) {
    vec3 f = p * inv_s - vec3(c);
    return all(greaterThan(f, vec3(0.1))) && all(lessThan(f, vec3(0.9)));
}

// The lit area (unit-sphere area) of a settlement at site p of a cell of area share `area`
// with hash hc, or 0 (D^1.5 for D in a city); span and inv_mean_z:
// the size law's 1 - 1/zmax and 1 / E[Z], from the pixel's D (they change little across a
// spot). x: the lit area, y: D there.
vec2 settlement(Here e, vec3 p, uint hc, float area, float count_1, bool city, float light_1,
                float span, float inv_mean_z) {
    vec2 db = people_at(e, p);
    float people = (city ? db.x * sqrt(db.x) : db.x) * db.y * area;
    // The chance lambda / (1 + lambda): Poisson's 1 - exp(-lambda) for few, 1 for many,
    // without an exp (the light holds either way: a lit site carries a / P).
    float lambda = count_1 * people;
    float chance = lambda / (1.0 + lambda);
    float u = u32_to_unit(hash_u32(hc ^ 0x68E31DA4u));
    // Given the site is lit, u / chance is uniform: it draws the size (inverse CDF of the
    // truncated Zipf law, P(Z > z) = (1/z - 1/zmax) / (1 - 1/zmax)).
    float inv_chance = (1.0 + lambda) / max(lambda, 1e-12);
    float z = 1.0 / (1.0 - u * inv_chance * span);
    return vec2(u < chance ? light_1 * people * inv_chance * z * inv_mean_z : 0.0, db.x);
}

// The size law's (1 - 1/zmax, 1 / E[Z]) at D.
vec2 size_law(float d, float zmax_1) {
    float span = 1.0 - 1.0 / (1.0 + zmax_1 * d);
    return vec2(span, span > 1e-4 ? span / -log(1.0 - span) : 1.0);
}

// The light at squared distance rho2 of a spot of lit area a, radius R = SPREAD sqrt(a/pi)
// between pix and rcap: the bump (1 - x^2)^3 (towns) or ^6 (cities), integral a.
float spot(float a, float rho2, float pix, float rcap, bool city) {
    float R = clamp(SPREAD * sqrt(a * (1.0 / PI)), pix, rcap);
    float inv_r2 = 1.0 / (R * R);
    float q = max(1.0 - rho2 * inv_r2, 0.0);
    float q3 = q * q * q;
    return a > 0.0 ? (city ? (7.0 / PI) * q3 * q3 : (4.0 / PI) * q3) * a * inv_r2 : 0.0;
}

// The towns' light at here.n; pix: the pixel's footprint on the sphere.
float towns(Here e, float pix, int sites) {
    float s = u_light_spacing;
    float inv_s = 1.0 / s;
    uint salt = hash_u32(uint(u_seed) ^ 0x3C6EF372u);
    float area = s * s / ACCEPTED;
    vec2 law = size_law(e.d, TOWN_ZMAX_1);
    ivec3 b = ivec3(floor(e.n * inv_s - 0.5));
    float sum = 0.0;
    for (int k = 0; k < sites; k++) {
        ivec3 c = b + ivec3(k & 1, (k >> 1) & 1, (k >> 2) & 1);
        // A site within 0.5 s of n lies in one of these 2x2x2 cells, and every pixel it
        // reaches looks in its cell: a spot never ends at a cell wall.
        uint hc = cell_hash(c, salt);
        vec3 p = site_point(c, hc);
        vec3 off = p - e.n;
        float rho2 = dot(off, off);
        float a = settlement(e, p, hc, area, TOWNS_1, false, TOWN_LIGHT_1, law.x, law.y).x;
        bool near = rho2 < 0.25 * s * s && site_kept(p, c, inv_s);
        sum += near ? spot(a, rho2, pix, 0.5 * s, false) : 0.0;
    }
    return sum;
}

// The cities' and roads' light at here.n: the cities of n's own cell of the city lattice and
// of the 6 cells that share a face with it, and the road from the own cell's city to each of
// the others. A road runs within its two cells' box (both ends lie in their cells' inner
// boxes), so every pixel on it finds it from its own cell.
float cities(Here e, float pix, int sites) {
    float S = CITY_CELL * u_light_spacing;
    float inv_S = 1.0 / S;
    uint salt = hash_u32(uint(u_seed) ^ 0xA54FF53Au);
    float area = S * S / ACCEPTED;
    vec2 law = size_law(e.d, CITY_ZMAX_1);
    ivec3 c0 = ivec3(floor(e.n * inv_S));
    vec3 a0 = vec3(0.0);
    vec2 own = vec2(0.0);
    float sum = 0.0;
    float road = 0.0;
    for (int k = 0; k < sites; k++) {
        ivec3 c = c0;
        if (k > 0) c[(k - 1) >> 1] += ((k - 1) & 1) == 0 ? 1 : -1;
        uint hc = cell_hash(c, salt);
        vec3 p = site_point(c, hc);
        vec3 f = p * inv_S - vec3(c); // where in its cell, 0..1
        bool kept = all(greaterThan(f, vec3(0.1))) && all(lessThan(f, vec3(0.9)));
        vec2 ad = settlement(e, p, hc, area, CITIES_1, true, CITY_LIGHT_1, law.x, law.y);
        ad.x *= float(kept);
        // the spot's reach: the distance to the nearest edge of its cell
        vec3 g = min(f, 1.0 - f);
        vec3 g2 = g * g;
        float rcap = S * sqrt(min(min(g2.x + g2.y, g2.y + g2.z), g2.x + g2.z));
        vec3 off = p - e.n;
        sum += spot(ad.x, dot(off, off), pix, rcap, true);
        if (k == 0) {
            a0 = p;
            own = ad;
        } else if (own.x > 0.0 && ad.x > 0.0) {
            vec3 ab = p - a0;
            float t = clamp(dot(e.n - a0, ab) / dot(ab, ab), 0.0, 1.0);
            float d = length(e.n - a0 - t * ab);
            float line = 1.0 - smoothstep(0.5 * pix, 1.5 * pix, d);
            road = max(road, line * smoothstep(ROAD_D, 2.0 * ROAD_D, min(own.y, ad.y)));
        }
    }
    return sum + ROAD_LIGHT * road;
}

// The settlements' and roads' light at n (grid position px; h, dh: the elevation above sea
// level, m, and its gradient east and north, m per m), in units of a lit area's brightness;
// pix: the pixel's footprint on the sphere.
float night_lights(vec3 n, vec2 px, vec3 east, vec3 north, float h, vec2 dh, float w, vec2 dw,
                   vec3 dndx, vec3 dndy, float pix) {
    Here e = here_at(n, px, east, north, h, dh, w, dw, dndx, dndy);
    // A loop runs while any pixel of the SIMD group needs it: the groups with no lit night
    // (day, sea, space) skip the sites (a branch around them would cost them all, masked).
    bool lit = e.d > 0.0;
    return towns(e, pix, lit ? 8 : 0) + cities(e, pix, lit ? 7 : 0);
}
