// Night lights as settlements (included by globe.frag after render/common.glsl). Reads t_civ
// (w: night light 0..1), t_terrain (x: elevation, m) and t_water (x: flow, cells) at each
// settlement; the uniforms u_light_spacing (the towns' lattice spacing on the unit sphere, set
// per picture from its pixel footprint: planetsim.render.views.light_spacing), u_river_min and
// u_sea_level. Writes nothing: the globe adds the light it returns.
//
// Lattice: a settlement site per cell of a 3D lattice of spacing s, at a hashed point of the
//   cell projected onto the unit sphere, kept if the projection stays in the cell's inner box
//   (0.1..0.9 of it): ACCEPTED sites per s^2 of surface, even over the sphere within 3 % (a
//   Monte Carlo count, tests/test_lights.py). Sites are fixed to the sphere, so the lights do
//   not swim when the camera turns, and as fine as the picture, not the grid.
// Density: the light field is w = 1 - exp(-N era / people_light) (sim/people.frag), so
//   D = -ln(1 - w) is the people's density in units of people_light; bilinear at each site.
//   Boost b = 1 + max(low coast, river), 1..2: low land (under ~300 m) and river cells (flow
//   over u_river_min) draw people, as on Earth (Small & Cohen 2004, Current Anthropology 45,
//   269: most people live near coasts and rivers, below 500 m).
// Towns, on the lattice of spacing s: each site a Poisson number of expected
//   lambda = TOWNS_1 D b A (A = s^2 / ACCEPTED, the site's share of the surface) and a
//   settlement with chance P = 1 - exp(-lambda); their lit area per unit area is
//   TOWN_LIGHT_1 D b, so a lit site holds a = TOWN_LIGHT_1 D b A / P of it on average and a
//   region's light is its people's whatever the spacing (the picture's size).
// Cities, on a lattice CITY_CELL times coarser (room for spots many pixels wide): as towns,
//   with D^2 for D (CITIES_1, CITY_LIGHT_1): they gather where people are dense.
// Sizes: a lit area a Z / E[Z], Z Pareto of exponent ALPHA (Zipf's law of city sizes, alpha
//   near 1: Gabaix 1999, QJE 114, 739), truncated at Zmax = 1 + ZMAX_1 D: by the rank-size rule
//   a region's largest settlement grows with its people, so sparse land has only small towns.
// Spots: a settlement of lit area a is a bump (1 - r^2/R^2)^3 of radius R = SPREAD sqrt(a/pi)
//   and integral a (pi R^2 / 4 times its peak), in units of a lit area's brightness. A spot
//   smaller than the pixel is widened to the pixel's footprint keeping its light (flux-
//   preserving: a small town is a faint pixel, not a missing or a full one); one wider than the
//   lattice allows (0.5 s) is capped there, brighter.
// Roads: a faint line one pixel wide joins each city to the cities in the cells that share a
//   face with its own, when people are dense (D over ROAD_D) at both: lines run where dense
//   regions meet.
// Cost, where people live on the night side: 8 town sites (the 2x2x2 cells around the pixel),
// 8 city sites and 7 for the roads (the pixel's city cell and its 6 face neighbours).

const float ACCEPTED = 0.78;     // sites per s^2 of surface (tests/test_lights.py counts it)
const float SPREAD = 1.6;        // a spot's radius, in that of a disc of its lit area
const float ALPHA = 1.1;         // Pareto exponent of settlement sizes
const float TOWNS_1 = 1.5e4;     // towns per unit-sphere area at D = 1 (1 per ~2700 km^2)
const float TOWN_LIGHT_1 = 0.04; // lit share of the surface in towns at D = 1
const float TOWN_ZMAX_1 = 8.0;   // largest town at D = 1, in units of the smallest
const float CITY_CELL = 4.0;     // the cities' lattice spacing, in the towns'
const float CITIES_1 = 150.0;    // cities per unit-sphere area at D = 1 (1 per ~270000 km^2)
const float CITY_LIGHT_1 = 0.03; // lit share of the surface in cities at D = 1
const float CITY_ZMAX_1 = 30.0;  // largest city at D = 1, in units of the smallest
const float CITY_DPOW = 1.5;     // cities: their number and light grow as D^1.5
const float ROAD_D = 0.7;        // density at both ends of a road
const float ROAD_LIGHT = 0.12;   // a road's brightness, in a lit area's

// Grid pixel coordinates of a point n + d near the pixel's own n (px), through the local east
// and north (a first-order step: the sites are a few pixels away).
vec2 near_pixel(vec2 px, vec3 d, vec3 east, vec3 north, float coslat) {
    float lon = dot(d, east) / max(coslat, 0.02);
    float lat = dot(d, north);
    return px + vec2(lon / TAU * float(u_size.x), lat / PI * float(u_size.y));
}

// Density D and boost b at grid position q: (D, b), D = 0 where nobody lives.
vec2 people_at(vec2 q) {
    float w = view_sample(t_civ, q).w;
    if (w <= 0.0) return vec2(0.0);
    float h = view_sample(t_terrain, q).x - u_sea_level;
    if (h < 0.0) return vec2(0.0); // at sea: the field's bilinear spill off the coast
    float coast = smoothstep(300.0, 50.0, h);
    float river = smoothstep(u_river_min, 4.0 * u_river_min, view_sample(t_water, q).x);
    return vec2(-log(1.0 - min(w, 0.999)), 1.0 + max(coast, river));
}

struct Site {
    vec3 p;      // on the unit sphere
    float a;     // lit area, unit-sphere area (0: no settlement)
    float d;     // the people's density D there
};

// The settlement of lattice cell c (spacing s, hash stream `stream`, density exponent dpow).
Site site(ivec3 c, float s, int stream, float count_1, float dpow, float light_1,
          float zmax_1, vec3 n, vec2 px, vec3 east, vec3 north) {
    Site o;
    vec4 r = rand4_static(c, stream);
    o.p = normalize(vec3(c) + 0.15 + 0.7 * r.xyz);
    o.a = 0.0;
    o.d = 0.0;
    vec3 f = o.p / s - vec3(c);
    if (any(lessThan(f, vec3(0.1))) || any(greaterThan(f, vec3(0.9)))) return o;
    vec2 db = people_at(near_pixel(px, o.p - n, east, north, length(n.xy)));
    if (db.x <= 0.0) return o;
    float area = s * s / ACCEPTED;
    float dp = pow(db.x, dpow);
    float chance = 1.0 - exp(-count_1 * dp * db.y * area);
    if (r.w >= chance) return o;
    // Given the site is lit, r.w / chance is uniform: it draws the size (inverse CDF).
    float v = r.w / chance;
    float zmax = 1.0 + zmax_1 * db.x;
    float tail = pow(zmax, -ALPHA);
    float z = pow(1.0 - v * (1.0 - tail), -1.0 / ALPHA);
    float mean_z = ALPHA / (ALPHA - 1.0) * (1.0 - zmax * tail) / (1.0 - tail);
    o.a = light_1 * dp * db.y * area / chance * z / mean_z;
    o.d = db.x;
    return o;
}

// One class of settlements' light at the unit normal n (grid position px); pix: the pixel's
// footprint on the sphere.
float settlements(vec3 n, vec2 px, vec3 east, vec3 north, float pix, float s, int stream,
                  float count_1, float dpow, float light_1, float zmax_1, float m) {
    ivec3 b = ivec3(floor(n / s - 0.5));
    float sum = 0.0;
    for (int k = 0; k < 8; k++) {
        ivec3 c = b + ivec3(k & 1, (k >> 1) & 1, (k >> 2) & 1);
        // A site within 0.5 s of n lies in one of these 2x2x2 cells, and every pixel it
        // reaches looks in its cell: a spot never ends at a cell wall.
        vec3 p = normalize(vec3(c) + 0.15 + 0.7 * rand4_static(c, stream).xyz);
        float rho = length(p - n);
        if (rho >= 0.5 * s) continue; // too far to reach this pixel: no fetch
        Site o = site(c, s, stream, count_1, dpow, light_1, zmax_1, n, px, east, north);
        if (o.a <= 0.0) continue;
        float R = clamp(SPREAD * sqrt(o.a / PI), pix, 0.5 * s);
        float x2 = rho * rho / (R * R);
        if (x2 >= 1.0) continue;
        sum += (m + 1.0) * o.a / (PI * R * R) * pow(1.0 - x2, m);
    }
    return sum;
}

Site city(ivec3 c, vec3 n, vec2 px, vec3 east, vec3 north) {
    return site(c, CITY_CELL * u_light_spacing, 63, CITIES_1, CITY_DPOW, CITY_LIGHT_1,
                CITY_ZMAX_1, n, px, east, north);
}

// The roads' light at n: the brightest line from the city of n's own cell to a neighbour's.
// A road runs within the two cells' box (both ends lie in their cells' inner boxes), so every
// pixel on it finds it from its own cell.
float road_light(vec3 n, vec2 px, vec3 east, vec3 north, float pix) {
    ivec3 c = ivec3(floor(n / (CITY_CELL * u_light_spacing)));
    Site a = city(c, n, px, east, north);
    if (a.a <= 0.0 || a.d < ROAD_D) return 0.0;
    float best = 0.0;
    for (int k = 0; k < 6; k++) {
        ivec3 e = ivec3(0);
        e[k >> 1] = (k & 1) == 0 ? 1 : -1;
        Site o = city(c + e, n, px, east, north);
        if (o.a <= 0.0 || o.d < ROAD_D) continue;
        vec3 ab = o.p - a.p;
        float t = clamp(dot(n - a.p, ab) / dot(ab, ab), 0.0, 1.0);
        float d = length(n - a.p - t * ab);
        float line = 1.0 - smoothstep(0.5 * pix, 1.5 * pix, d);
        best = max(best, line * smoothstep(ROAD_D, 2.0 * ROAD_D, min(a.d, o.d)));
    }
    return ROAD_LIGHT * best;
}

// The settlements' and roads' light at n, in units of a lit area's brightness.
float night_lights(vec3 n, vec2 px, vec3 east, vec3 north, float pix) {
    float s = u_light_spacing;
    return settlements(n, px, east, north, pix, s, 61, TOWNS_1, 1.0, TOWN_LIGHT_1, TOWN_ZMAX_1,
                       3.0)
         + settlements(n, px, east, north, pix, CITY_CELL * s, 63, CITIES_1, CITY_DPOW,
                       CITY_LIGHT_1, CITY_ZMAX_1, 6.0)
         + road_light(n, px, east, north, pix);
}
