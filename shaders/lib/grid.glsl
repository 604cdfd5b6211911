// Grid helpers of DESIGN.md: the equirectangular lat/lon grid on the sphere.
// Row 0 is the south edge, x = 0 is longitude -180 deg. Longitude wraps; beyond a pole the
// neighbour of (x, y) is (x + W/2, y') on the mirrored row, half a turn around.
// Needs the generated globals: u_size (W, H), u_radius (m), u_metric_flat.
#include "lib/units.glsl"

// Receiver codes 1..8 of the water field index D8[code - 1]: N, NE, E, SE, S, SW, W, NW.
const ivec2 D8[8] = ivec2[8](ivec2(0, 1), ivec2(1, 1), ivec2(1, 0), ivec2(1, -1),
                            ivec2(0, -1), ivec2(-1, -1), ivec2(-1, 0), ivec2(-1, 1));

ivec2 frag_cell() { return ivec2(gl_FragCoord.xy); }

// Latitude (x) and longitude (y) of a cell centre, radians.
vec2 cell_latlon(ivec2 p) {
    return vec2((float(p.y) + 0.5) / float(u_size.y) * PI - 0.5 * PI,
                (float(p.x) + 0.5) / float(u_size.x) * TAU - PI);
}

float cell_lat_deg(ivec2 p) { return (float(p.y) + 0.5) / float(u_size.y) * 180.0 - 90.0; }

vec3 latlon_to_unit(vec2 ll) {
    float c = cos(ll.x);
    return vec3(c * cos(ll.y), c * sin(ll.y), sin(ll.x));
}

vec2 unit_to_latlon(vec3 v) {
    v = normalize(v);
    // atan, not asin: llvmpipe's asin is off by some 1e-4 rad (a hundredth of a cell at
    // 128x64), enough to move a bilinear lookup on a shelf by tenths of a km.
    return vec2(atan(v.z, length(v.xy)), atan(v.y, v.x));
}

vec3 cell_unit(ivec2 p) { return latlon_to_unit(cell_latlon(p)); }

// Continuous pixel coordinates (cell centres at integer + 0.5) of a lat/lon in radians.
vec2 latlon_to_pixel(vec2 ll) {
    return vec2((ll.y + PI) / TAU * float(u_size.x), (ll.x + 0.5 * PI) / PI * float(u_size.y));
}

// Any integer cell -> the cell it is on the sphere (longitude wrap, pole crossing).
ivec2 wrap_cell(ivec2 p) {
    int w = u_size.x;
    int h = u_size.y;
    if (p.y < 0) {
        p.y = -1 - p.y;
        p.x += w / 2;
    } else if (p.y >= h) {
        p.y = 2 * h - 1 - p.y;
        p.x += w / 2;
    }
    // Integer modulo is slow on CPU rasterisers (llvmpipe): only where the cell is outside.
    // GLSL leaves % undefined for negative operands (llvmpipe treats them as unsigned, which
    // is wrong unless w is a power of two): keep both operands non-negative.
    if (p.x < 0 || p.x >= w) p.x = p.x < 0 ? (w - 1) - ((-p.x - 1) % w) : p.x % w;
    return p;
}

vec4 fetch(sampler2D t, ivec2 p) { return texelFetch(t, wrap_cell(p), 0); }

// The neighbour p + d (|d| <= 1) with the grid's wrap and pole rules (wrap_cell) by
// selects alone, without its integer modulo and branches: for passes that fetch many
// neighbours (render/bake.frag's cost halved with it on llvmpipe).
ivec2 neighbour_cell(ivec2 p, ivec2 d) {
    ivec2 q = p + d;
    bool over = q.y < 0 || q.y >= u_size.y;
    q.y = clamp(q.y, 0, u_size.y - 1);
    q.x += over ? u_size.x / 2 : 0;
    q.x += q.x < 0 ? u_size.x : (q.x >= u_size.x ? -u_size.x : 0);
    q.x -= q.x >= u_size.x ? u_size.x : 0;
    return q;
}

vec4 fetch_at(sampler2D t, ivec2 p, ivec2 d) { return texelFetch(t, wrap_cell(p + d), 0); }

// Bilinear sample at continuous pixel coordinates, wrapping and crossing poles like fetch.
vec4 sample_bilinear(sampler2D t, vec2 px) {
    vec2 q = px - 0.5;
    ivec2 i = ivec2(floor(q));
    vec2 f = q - vec2(i);
    vec4 a = fetch(t, i);
    vec4 b = fetch(t, i + ivec2(1, 0));
    vec4 c = fetch(t, i + ivec2(0, 1));
    vec4 d = fetch(t, i + ivec2(1, 1));
    return mix(mix(a, b, f.x), mix(c, d, f.x), f.y);
}

// North-south size of one row, m (pi R / H); 1 with the flat metric.
float row_spacing() { return u_metric_flat ? 1.0 : PI * u_radius / float(u_size.y); }

// East-west size of one column at row y, m (row spacing * 2 * cos(lat)); 1 with the flat metric.
float col_spacing(int y) {
    if (u_metric_flat) return 1.0;
    return TAU * u_radius / float(u_size.x) * cos(cell_latlon(ivec2(0, y)).x);
}

// Distance from cell p to its neighbour p + d (|d| <= 1), m (cells with the flat metric).
// East-west legs use the mean latitude of the two rows; crossing a pole is one row.
float step_distance(ivec2 p, ivec2 d) {
    if (u_metric_flat) return length(vec2(d));
    int y2 = clamp(p.y + d.y, 0, u_size.y - 1);
    float cx = 0.5 * (col_spacing(p.y) + col_spacing(y2));
    return length(vec2(float(d.x) * cx, float(d.y) * row_spacing()));
}

// Cell area relative to an equatorial cell: cos(lat). Weights for sums on the sphere.
float cell_area_weight(ivec2 p) { return u_metric_flat ? 1.0 : cos(cell_latlon(p).x); }

// The distances to all eight D8 neighbours at once (as step_distance, but with three cosines
// instead of sixteen): for passes that loop over every neighbour.
void step_distances8(ivec2 p, out float d[8]) {
    if (u_metric_flat) {
        for (int k = 0; k < 8; k++) d[k] = (k % 2 == 1) ? sqrt(2.0) : 1.0;
        return;
    }
    float row = row_spacing();
    float c0 = col_spacing(p.y);
    float cn = 0.5 * (c0 + col_spacing(min(p.y + 1, u_size.y - 1)));
    float cs = 0.5 * (c0 + col_spacing(max(p.y - 1, 0)));
    d[0] = row;                  // N
    d[1] = length(vec2(cn, row)); // NE
    d[2] = c0;                   // E
    d[3] = length(vec2(cs, row)); // SE
    d[4] = row;                  // S
    d[5] = d[3];                 // SW
    d[6] = c0;                   // W
    d[7] = d[1];                 // NW
}

// Cell area, km^2 (row spacing x column spacing at the cell's latitude); 1 with the flat
// metric. The erosion passes book volumes in m km^2 with it.
float cell_area_km2(int y) {
    return u_metric_flat ? 1.0 : row_spacing() * col_spacing(y) * 1e-6;
}

// A cell's flat index y * W + x (exact in a float below 2^24 cells), and back.
int cell_index(ivec2 p) { return p.y * u_size.x + p.x; }

ivec2 index_cell(int i) { return ivec2(i - (i / u_size.x) * u_size.x, i / u_size.x); }

// Whether cell q, the neighbour of p in D8 direction k (q = p + D8[k]), drains into p by its
// receiver code r (1..8, 0 none). Away from the pole rows iff r is the opposite direction;
// across a pole the way back is not the opposite one, so compare cells.
bool drains_into(ivec2 q, int r, int k, ivec2 p) {
    if (p.y == 0 || p.y == u_size.y - 1)
        return r > 0 && r <= 8 && neighbour_cell(q, D8[r - 1]) == p;
    return r - 1 == ((k + 4) & 7);
}
