// Views' shared colouring: layer ids, colour ramps, biomes, hillshade, coastlines, rivers,
// plate/basin boundaries and wind streaks. Included by map.frag and globe.frag after their
// generated headers (samplers t_terrain, t_water, t_air, t_moisture, t_life, t_civ, the baked
// t_view_surf, t_view_aux, t_view_rivers of render/bake.frag, the view uniforms u_flow_max,
// u_life_max, u_river_min, u_plants_full, u_relief_exaggeration, u_anim_time, and the
// variant's #defines LAYER, OVERLAY_BITS, MOLTEN). Views read fields; they never write them.
//
// The layer and the overlays are compile-time constants: one program per variant (compiled on
// first use). With uniforms instead, llvmpipe runs every branch of every layer for every pixel
// (masked SIMD), ten times the cost of the one layer drawn.
#include "lib/grid.glsl"
#include "lib/hash.glsl"
#include "lib/climate.glsl"
#include "render/standins.glsl"

// Layer ids: the index of each layer in planetsim.render.layers.LAYERS (a test checks).
const int L_ELEVATION = 0;
const int L_PLATES = 1;
const int L_RIVERS = 2;
const int L_BASINS = 3;
const int L_PRESSURE = 4;
const int L_TEMPERATURE = 5;
const int L_PRECIPITATION = 6;
const int L_WIND = 7;
const int L_CLOUDS = 8;
const int L_LIFE = 9;
const int L_PEOPLE = 10;
const int L_NIGHT_LIGHT = 11;
const int L_CO2 = 12;
const int L_BIOME = 13;

// Overlay bits (planetsim.render.views.OVERLAYS).
const int O_PLATES = 1;
const int O_RIVERS = 2;
const int O_WIND = 4;
const int O_COAST = 8;

#ifndef LAYER
#define LAYER 0
#endif
#ifndef OVERLAY_BITS
#define OVERLAY_BITS 8
#endif
#ifndef MOLTEN
#define MOLTEN 0
#endif
#ifndef IS_GLOBE
#define IS_GLOBE 0
#endif
const int VIEW_LAYER = LAYER;
const int VIEW_OVERLAYS = OVERLAY_BITS;

// Biome ids (planetsim.render.layers.BIOMES).
const int B_ICE = 0;
const int B_TUNDRA = 1;
const int B_FOREST = 2;
const int B_GRASSLAND = 3;
const int B_DESERT = 4;
const int B_RAINFOREST = 5;

// A field at continuous grid pixel coordinates (cell centres at integer + 0.5), bilinear.
// The views bind linear-filtering samplers that repeat in x (planetsim.render.views), so this
// is one hardware-filtered fetch (a quarter of lib/grid.glsl's sample_bilinear on llvmpipe);
// near a pole it clamps to the last row instead of crossing over, which no picture can see.
vec4 view_sample(sampler2D t, vec2 px) { return texture(t, px / vec2(u_size)); }

// Smooth fields for the pictures: drawn larger than the grid, a bilinear field shows its
// cells (its contours kink at every cell edge). Both use the hardware's bilinear taps
// (Sigg & Hadwiger 2005, GPU Gems 2 ch. 20: a cubic's two neighbouring weights folded into one
// linear fetch between them).
// view_smooth: the uniform cubic B-spline (C2; it smooths a lone cell's value by a third),
// four taps, for the temperature and rain that the biomes are drawn from.
vec4 view_smooth(sampler2D t, vec2 px) {
    vec2 st = px - 0.5;
    vec2 i = floor(st);
    vec2 f = st - i;
    vec2 f2 = f * f;
    vec2 f3 = f2 * f;
    vec2 w0 = (1.0 - 3.0 * f + 3.0 * f2 - f3) / 6.0;
    vec2 w1 = (4.0 - 6.0 * f2 + 3.0 * f3) / 6.0;
    vec2 w2 = (1.0 + 3.0 * f + 3.0 * f2 - 3.0 * f3) / 6.0;
    vec2 w3 = f3 / 6.0;
    vec2 g0 = w0 + w1;
    vec2 g1 = w2 + w3;
    vec2 size = vec2(u_size);
    vec2 h0 = (i - 0.5 + w1 / g0) / size; // tap between texels i - 1 and i (centres + 0.5)
    vec2 h1 = (i + 1.5 + w3 / g1) / size; // between i + 1 and i + 2
    return g0.y * (g0.x * texture(t, h0) + g1.x * texture(t, vec2(h1.x, h0.y)))
         + g1.y * (g0.x * texture(t, vec2(h0.x, h1.y)) + g1.x * texture(t, h1));
}

// view_exact: the Catmull-Rom spline (C1, through every cell's own value, so a one-cell
// island stays an island and a map at the grid's size shows each cell's value), for the
// elevation that coasts are drawn from and the layers read against a legend. Five taps: the
// four corner taps' weights (each under 0.4 % of the total) are left out and the rest
// renormalised (Jimenez 2016, "Filmic SMAA", SIGGRAPH course).
vec4 view_exact(sampler2D t, vec2 px) {
    vec2 st = px - 0.5;
    vec2 i = floor(st);
    vec2 f = st - i;
    vec2 w0 = f * (-0.5 + f * (1.0 - 0.5 * f));
    vec2 w1 = 1.0 + f * f * (-2.5 + 1.5 * f);
    vec2 w2 = f * (0.5 + f * (2.0 - 1.5 * f));
    vec2 w3 = f * f * (-0.5 + 0.5 * f);
    vec2 w12 = w1 + w2;
    vec2 size = vec2(u_size);
    vec2 p0 = (i - 0.5) / size;
    vec2 p12 = (i + 0.5 + w2 / w12) / size;
    vec2 p3 = (i + 2.5) / size;
    vec4 sum = w12.x * w12.y * texture(t, p12)
             + w0.x * w12.y * texture(t, vec2(p0.x, p12.y))
             + w3.x * w12.y * texture(t, vec2(p3.x, p12.y))
             + w12.x * w0.y * texture(t, vec2(p12.x, p0.y))
             + w12.x * w3.y * texture(t, vec2(p12.x, p3.y));
    float weight = w12.x * w12.y + (w0.x + w3.x) * w12.y + w12.x * (w0.y + w3.y);
    return sum / weight;
}

// The sRGB transfer curve (IEC 61966-2-1): the palettes are display colours; light adds and
// multiplies in linear units, and the picture is written back in sRGB. Without pow(), which
// llvmpipe evaluates slowly per channel: Ian Taylor's fits (2012, "sRGB approximations for
// HLSL"), a cubic for decoding and three square roots for encoding, within 0.5 % of the curve
// (under one 8-bit step).
vec3 srgb_to_linear(vec3 c) {
    c = clamp(c, 0.0, 1.0);
    return c * (c * (c * 0.305306011 + 0.682171111) + 0.012522878);
}
vec3 linear_to_srgb(vec3 c) {
    c = clamp(c, 0.0, 1.0);
    vec3 s1 = sqrt(c);
    vec3 s2 = sqrt(s1);
    vec3 s3 = sqrt(s2);
    return clamp(0.585122381 * s1 + 0.783140355 * s2 - 0.368262736 * s3, 0.0, 1.0);
}

vec3 ramp5(float t, vec3 a, vec3 b, vec3 c, vec3 d, vec3 e) {
    t = clamp(t, 0.0, 1.0) * 4.0;
    if (t < 1.0) return mix(a, b, t);
    if (t < 2.0) return mix(b, c, t - 1.0);
    if (t < 3.0) return mix(c, d, t - 2.0);
    return mix(d, e, t - 3.0);
}

// Hypsometric tint of height above sea level h, m: bathymetric blues, then lowland green,
// yellow-tan hills, brown mountains, white peaks (classic atlas tints).
vec3 hypsometric(float h) {
    if (h < 0.0) {
        return mix(vec3(0.62, 0.82, 0.93), vec3(0.03, 0.10, 0.32), sqrt(clamp(-h / 8000.0, 0.0, 1.0)));
    }
    return ramp5(pow(clamp(h / 6000.0, 0.0, 1.0), 0.6), vec3(0.33, 0.56, 0.30),
                 vec3(0.66, 0.72, 0.42), vec3(0.80, 0.68, 0.46), vec3(0.58, 0.44, 0.34),
                 vec3(0.97, 0.97, 0.97));
}

vec3 biome_colour(int b) {
    if (b == B_ICE) return vec3(0.93, 0.95, 0.98);
    if (b == B_TUNDRA) return vec3(0.52, 0.53, 0.42);
    if (b == B_FOREST) return vec3(0.15, 0.34, 0.14);
    if (b == B_GRASSLAND) return vec3(0.56, 0.62, 0.30);
    if (b == B_DESERT) return vec3(0.86, 0.75, 0.53);
    return vec3(0.06, 0.28, 0.09); // rainforest
}

// Colour of one value of a continuous layer (also the legend bar's colours).
vec3 value_colour(int layer, float v) {
    if (layer == L_ELEVATION) return hypsometric(v - u_sea_level);
    if (layer == L_RIVERS) {
        float t = log(1.0 + max(v, 0.0)) / log(1.0 + max(u_flow_max, 1.0));
        return ramp5(t, vec3(0.75, 0.90, 0.95), vec3(0.45, 0.75, 0.92), vec3(0.20, 0.52, 0.85),
                     vec3(0.08, 0.30, 0.70), vec3(0.02, 0.12, 0.45));
    }
    if (layer == L_PRESSURE) {
        return ramp5((v - 970.0) / 80.0, vec3(0.15, 0.25, 0.60), vec3(0.45, 0.65, 0.90),
                     vec3(0.96, 0.96, 0.94), vec3(0.95, 0.62, 0.42), vec3(0.62, 0.12, 0.15));
    }
    if (layer == L_TEMPERATURE) {
        return ramp5((v + 40.0) / 80.0, vec3(0.35, 0.10, 0.50), vec3(0.20, 0.45, 0.88),
                     vec3(0.90, 0.95, 0.92), vec3(0.97, 0.62, 0.20), vec3(0.55, 0.05, 0.08));
    }
    if (layer == L_PRECIPITATION) {
        return ramp5(sqrt(max(v, 0.0) / 4000.0), vec3(0.80, 0.70, 0.52),
                     vec3(0.88, 0.86, 0.45), vec3(0.40, 0.72, 0.35), vec3(0.12, 0.55, 0.62),
                     vec3(0.10, 0.18, 0.55));
    }
    if (layer == L_WIND) {
        return ramp5(v / 20.0, vec3(0.12, 0.10, 0.35), vec3(0.15, 0.40, 0.60),
                     vec3(0.20, 0.68, 0.50), vec3(0.85, 0.85, 0.25), vec3(0.98, 0.50, 0.20));
    }
    if (layer == L_CLOUDS) return mix(vec3(0.08, 0.11, 0.18), vec3(0.97), clamp(v, 0.0, 1.0));
    if (layer == L_PEOPLE) {
        // log10 density 0.1 .. 1000 per km^2
        float t = (log(max(v, 1e-6)) / log(10.0) + 1.0) / 4.0;
        return ramp5(t, vec3(0.20, 0.08, 0.30), vec3(0.55, 0.12, 0.35), vec3(0.88, 0.35, 0.20),
                     vec3(0.98, 0.75, 0.25), vec3(1.0, 0.98, 0.85));
    }
    if (layer == L_NIGHT_LIGHT) {
        return ramp5(sqrt(clamp(v, 0.0, 1.0)), vec3(0.0), vec3(0.30, 0.14, 0.03),
                     vec3(0.75, 0.45, 0.12), vec3(1.0, 0.80, 0.40), vec3(1.0, 0.97, 0.85));
    }
    if (layer == L_CO2) {
        // log scale 100 .. 3000 ppm
        float t = log(max(v, 1.0) / 100.0) / log(30.0);
        return ramp5(t, vec3(0.20, 0.45, 0.60), vec3(0.55, 0.75, 0.55), vec3(0.95, 0.85, 0.45),
                     vec3(0.88, 0.45, 0.20), vec3(0.45, 0.08, 0.10));
    }
    return vec3(v);
}

// Categorical colour of an id (plates, basins): a hash, kept light so lines show on it.
vec3 id_colour(float id, int stream) {
    vec4 r = rand4_static(ivec3(int(floor(id * 4096.0 + 0.5)), 17, 3), stream);
    return 0.35 + 0.55 * r.rgb;
}

// ---- the climate as the views see it ----------------------------------------------------------
// Whittaker-style biome weights from temperature (degC) and precipitation (mm/yr), smooth so
// that borders blend; index order B_ICE .. B_RAINFOREST. Snow: the climate's rule
// (lib/climate.glsl), softened over 6 K for drawing.
void biome_weights(float t, float p, out float w[6]) {
    float ice = land_snow_fraction(t, true, 6.0);
    float tundra = (1.0 - ice) * smoothstep(5.0, -1.0, t);
    float warm = 1.0 - ice - tundra;
    float desert = smoothstep(400.0, 150.0, p);
    float rain = smoothstep(16.0, 22.0, t) * smoothstep(1500.0, 2200.0, p);
    float forest = (1.0 - rain) * smoothstep(450.0, 900.0, p);
    float grass = max(1.0 - desert - rain - forest, 0.0);
    float n = max(desert + rain + forest + grass, 1e-6);
    w[B_ICE] = ice;
    w[B_TUNDRA] = tundra;
    w[B_FOREST] = warm * forest / n;
    w[B_GRASSLAND] = warm * grass / n;
    w[B_DESERT] = warm * desert / n;
    w[B_RAINFOREST] = warm * rain / n;
}

int biome_index(float t, float p) {
    float w[6];
    biome_weights(t, p, w);
    int best = 0;
    for (int i = 1; i < 6; i++) if (w[i] > w[best]) best = i;
    return best;
}

// The natural colour of a cell seen from above, before lighting. water: 0 land .. 1 open sea.
struct Surface {
    vec3 albedo;
    float water;  // open water fraction (glint)
    float depth;  // m below sea level (0 on land)
    float lake;   // lake depth, m (0 at open sea)
};

// The share of the pixel that is land, h: the interpolated elevation above sea level, m. The
// coast is where h crosses 0, antialiased over the pixel's own footprint (fwidth), so it is a
// curve at any magnification.
float land_cover(float h) { return clamp(0.5 + h / max(fwidth(h), 1e-3), 0.0, 1.0); }

// Lake depth at px, m: the B-spline the natural colours draw the lakes with.
float lake_depth(vec2 px) { return view_smooth(t_view_surf, px).w; }

// surf: view_exact(t_view_surf, px); aux: view_sample(t_view_aux, px) (render/bake.frag).
Surface natural_surface(vec2 px, float lat, vec4 surf, vec4 aux) {
    float h = surf.x - u_sea_level;
    float land_share = land_cover(h);

    float d = max(-h, 0.0);
    vec3 sea = mix(vec3(0.10, 0.42, 0.52), vec3(0.01, 0.05, 0.20), 1.0 - exp(-d / 1200.0));
    // The sea ice from the spline already fetched (through each cell's temperature): the
    // smoother B-spline's four more taps only where there is land to colour.
    float sea_ice = sea_ice_fraction(surf.y, false, 3.0);
    vec3 sea_albedo = mix(sea, vec3(0.86, 0.91, 0.96), sea_ice);

    Surface s;
    s.albedo = sea_albedo;
    s.water = 1.0 - sea_ice;
    s.depth = d;
    s.lake = 0.0;
    if (land_share <= 0.0) return s; // open sea: no land colours to work out
    vec4 smooth_surf = view_smooth(t_view_surf, px);
    float t = smooth_surf.y;
    float p = smooth_surf.z;
    float plants = aux.z;
    float w[6];
    biome_weights(t, max(p, 0.0), w);
    vec3 veg = vec3(0.0);
    for (int i = 1; i < 6; i++) veg += w[i] * biome_colour(i);
    veg /= max(1.0 - w[B_ICE], 1e-4);
    // Bare ground until life covers it: sand where dry, grey-brown rock elsewhere.
    vec3 bare = mix(vec3(0.42, 0.37, 0.33), vec3(0.80, 0.68, 0.50), smoothstep(600.0, 150.0, p));
    float cover = clamp(plants / u_plants_full, 0.0, 1.0);
    vec3 land = mix(mix(bare, veg, cover), biome_colour(B_ICE), w[B_ICE]);
    float land_water = 0.0;
    float depth = 0.0;
    // Lakes: the filled hollows (water.w, m deep), blue where tens of metres of water stand
    // (a shallower hollow in a cell tens of km wide is a marsh at most, and specks the map),
    // frozen below the sea-ice threshold like the sea; their shores are the B-spline's curves.
    float lake = smooth_surf.w;
    s.lake = lake;
    float wet = smoothstep(10.0, 50.0, lake);
    if (wet > 0.0) {
        vec3 water = mix(vec3(0.12, 0.40, 0.50), vec3(0.03, 0.12, 0.30), 1.0 - exp(-lake / 300.0));
        land = mix(land, mix(water, vec3(0.86, 0.91, 0.96), sea_ice), wet);
        land_water = wet * (1.0 - sea_ice);
        depth = lake;
    }
    s.albedo = mix(sea_albedo, land, land_share);
    s.water = mix(1.0 - sea_ice, land_water, land_share);
    s.depth = mix(d, depth, land_share);
    return s;
}

// ---- relief ------------------------------------------------------------------------------------

// Elevation gradient (east, north), m per m: the central difference over two cells of the
// bilinear field (smooth across the cells), from aux = view_sample(t_view_aux, px), whose x, y
// are the cells' own two-cell differences (render/bake.frag).
vec2 elevation_gradient(vec2 px, vec4 aux) {
    float lat = px.y / float(u_size.y) * PI - 0.5 * PI;
    float dy = PI * u_radius / float(u_size.y);
    float dx = 2.0 * dy * max(cos(lat), 0.05);
    return vec2(aux.x / (2.0 * dx), aux.y / (2.0 * dy));
}

// Hillshade for a map (light from the north-west, 45 deg up), 1 on flat ground.
float hillshade(vec2 grad) {
    vec3 n = normalize(vec3(-grad * u_relief_exaggeration, 1.0));
    vec3 l = normalize(vec3(-1.0, 1.0, 1.4));
    return clamp(dot(n, l) / l.z, 0.25, 1.6);
}

// ---- lines -------------------------------------------------------------------------------------

// Coverage of the isolines of v every `interval`, about `width` pixels wide. dv: fwidth(v).
float isoline(float v, float interval, float width, float dv) {
    if (dv < 1e-6) return 0.0; // flat here: no line crosses this pixel
    float f = abs(fract(v / interval + 0.5) - 0.5) * interval;
    return 1.0 - smoothstep(0.5 * width * dv, (0.5 * width + 1.0) * dv, f);
}

// Grid pixels per output pixel along x and y, with the longitude seam unwrapped.
vec2 grid_fwidth(vec2 px) {
    vec2 dx = dFdx(px);
    vec2 dy = dFdy(px);
    float W = float(u_size.x);
    dx.x -= W * floor(dx.x / W + 0.5);
    dy.x -= W * floor(dy.x / W + 0.5);
    return abs(dx) + abs(dy);
}

// 1 where the categorical channel `c` of `t` changes within half a line width of px, between
// two ids above `none` (no line around cells without an id: no plate, the sea's basin 0).
float id_differs(sampler2D t, int c, vec2 q, float a, float none) {
    float o = fetch(t, ivec2(floor(q)))[c];
    return float(o != a && o > none);
}

float id_boundary(sampler2D t, int c, vec2 px, vec2 fw, float none) {
    vec2 d = min(fw * 0.75, vec2(0.45));
    float a = fetch(t, ivec2(floor(px)))[c];
    if (a <= none) return 0.0;
    float b = id_differs(t, c, px + vec2(d.x, 0.0), a, none)
            + id_differs(t, c, px - vec2(d.x, 0.0), a, none)
            + id_differs(t, c, px + vec2(0.0, d.y), a, none)
            + id_differs(t, c, px - vec2(0.0, d.y), a, none);
    return min(b, 1.0);
}

// Distance from p to the segment a-b.
float segment_distance(vec2 p, vec2 a, vec2 b) {
    vec2 ab = b - a;
    float h = clamp(dot(p - a, ab) / max(dot(ab, ab), 1e-12), 0.0, 1.0);
    return length(p - a - h * ab);
}

// Rivers as lines along the flow network (t_view_rivers, render/bake.frag): each river cell
// draws the piece of a uniform Catmull-Rom spline through the cell centres of its path, from
// its own centre to its receiver's (tangents from its main tributary's centre and its
// receiver's receiver's; straight where there is none: a river's head, the sea), so the line
// passes through every cell centre of the D8 polyline with a continuous direction, and a
// tributary ends on its trunk's centre. Each piece is drawn as three straight pieces at
// t = 1/3, 2/3 (within 0.02 cells of the cubic) with round joins, half-width
// 0.05 + 0.2 s cells (s: log-flow strength), never under 0.6 picture pixels. A piece stays
// within a cell of its own: the 3x3 cells around px hold every piece that can reach it.
// Returns x: coverage 0..1, y: the strength of the river drawn there.
vec2 river_lines(vec2 px, vec2 fw) {
    ivec2 c = ivec2(floor(px));
    if (fetch(t_view_rivers, c).w == 0.0) return vec2(0.0); // no river cell in the 3x3
    float pw = max(fw.x, fw.y);
    float H = float(u_size.y);
    vec2 best = vec2(0.0);
    for (int j = -1; j <= 1; j++) {
        for (int i = -1; i <= 1; i++) {
            ivec2 k = c + ivec2(i, j);
            // A row beyond a pole is another longitude's, turned half round: its pieces are
            // drawn from their own cells (as far as the pole's edge).
            if (k.y < 0 || k.y >= u_size.y) continue;
            vec4 rv = fetch(t_view_rivers, k);
            if (rv.x < 0.0) continue;
            vec2 a = vec2(k) + 0.5;
            vec2 b = a + vec2(D8[int(rv.y + 0.5) - 1]);
            int donor = int(rv.z + 0.5);
            int next = int(rv.w + 0.5) - 1;
            vec2 prev = donor > 0 ? a + vec2(D8[donor - 1]) : 2.0 * a - b;
            // Beyond a pole the receiver's own directions are turned half round: straight on.
            bool across = b.y < 0.0 || b.y > H;
            vec2 after = next > 0 && !across ? b + vec2(D8[next - 1]) : 2.0 * b - a;
            // A tributary from beyond a pole: its own piece reaches the pole's edge on its side;
            // this cell's line starts there too, straight on.
            float d = 1e9;
            if (prev.y < 0.0 || prev.y > H) {
                d = segment_distance(px, a, 0.5 * (a + prev));
                prev = 2.0 * a - b;
            }
            vec2 ta = 0.5 * (b - prev);
            vec2 tb = 0.5 * (after - a);
            // Hermite basis at t = 1/3 and 2/3.
            vec2 p1 = 0.740741 * a + 0.259259 * b + 0.148148 * ta - 0.074074 * tb;
            vec2 p2 = 0.259259 * a + 0.740741 * b + 0.074074 * ta - 0.148148 * tb;
            d = min(d, min(min(segment_distance(px, a, p1), segment_distance(px, p1, p2)),
                           segment_distance(px, p2, b)));
            float half_w = max(0.05 + 0.2 * rv.x, 0.6 * pw);
            float cov = 1.0 - smoothstep(half_w, half_w + pw, d);
            if (cov > best.x) best = vec2(cov, rv.x);
        }
    }
    return best;
}

// Animated wind streaks: one streak per cell of a jittered lattice (10 deg), each a
// segment along the wind at its seed that slides downwind and fades in and out. Returns the
// coverage 0..1 at px (grid pixel coordinates).
float wind_streaks(vec2 px, vec2 fw) {
    float S = float(u_size.y) / 18.0;
    vec2 lat_n = vec2(float(u_size.x) / S, float(u_size.y) / S);
    ivec2 c = ivec2(floor(px / S));
    float W = float(u_size.x);
    float pw = max(fw.x, fw.y);
    float cov = 0.0;
    for (int j = -1; j <= 1; j++) {
        for (int i = -1; i <= 1; i++) {
            ivec2 k = c + ivec2(i, j);
            if (k.y < 0 || float(k.y) >= lat_n.y) continue;
            k.x = int(mod(float(k.x), floor(lat_n.x)));
            vec4 r = rand4_static(ivec3(k, 0), 29);
            vec2 seed = (vec2(k) + 0.15 + 0.7 * r.xy) * S;
            vec2 wind = view_sample(t_air, seed).zw;
            float speed = length(wind);
            if (speed < 0.3) continue;
            float lat = seed.y / float(u_size.y) * PI - 0.5 * PI;
            vec2 dir = normalize(vec2(wind.x / max(cos(lat), 0.2), wind.y));
            float phase = fract(u_anim_time * (0.25 + 0.04 * speed) + r.z);
            float len = S * clamp(speed / 8.0, 0.3, 1.6);
            vec2 head = seed + dir * (phase - 0.5) * 1.4 * S;
            vec2 q = px - head;
            q.x -= W * floor(q.x / W + 0.5);
            float along = dot(q, dir);
            float across = abs(q.x * dir.y - q.y * dir.x);
            if (along > 0.0 || along < -len) continue;
            float width = max(0.03 * S, 0.7 * pw);
            float a = (1.0 - smoothstep(width, width + pw, across)) * (1.0 + along / len);
            cov = max(cov, a * sin(PI * phase));
        }
    }
    return cov;
}

// ---- a layer's picture -------------------------------------------------------------------------

// The flat (unlit) colour of `layer` at grid position px; `fw` is grid_fwidth(px); surf, aux:
// view_exact(t_view_surf, px) and view_sample(t_view_aux, px), fetched once by the caller.
vec3 layer_colour(int layer, vec2 px, vec2 fw, vec4 surf, vec4 aux) {
    float lat = px.y / float(u_size.y) * PI - 0.5 * PI;
    vec4 ter = surf;
    float h = ter.x - u_sea_level;
    // Hillshade only for the layers drawn over the relief.
    bool flat_layer = layer == L_PRESSURE || layer == L_TEMPERATURE ||
                      layer == L_PRECIPITATION || layer == L_WIND || layer == L_NIGHT_LIGHT ||
                      layer == L_CO2;
    float shade = flat_layer ? 1.0 : hillshade(elevation_gradient(px, aux));
    // A grey relief backdrop for layers that are drawn over the land.
    vec3 relief = (h < 0.0 ? vec3(0.16, 0.20, 0.28) : vec3(0.52, 0.52, 0.50)) * mix(1.0, shade, 0.7);
    vec3 col;
    if (layer == L_ELEVATION) {
        col = value_colour(L_ELEVATION, ter.x) * mix(1.0, shade, h < 0.0 ? 0.3 : 1.0);
    } else if (layer == L_PLATES) {
        float id = fetch(t_terrain, ivec2(floor(px))).y;
        col = (id < 0.0 ? vec3(0.35) : id_colour(id, 1)) * mix(1.0, shade, 0.5);
        if (h < 0.0) col *= 0.8;
    } else if (layer == L_RIVERS) {
        vec2 r = river_lines(px, fw);
        float land = land_cover(h);
        float lake = smoothstep(10.0, 50.0, lake_depth(px)) * land;
        vec3 under = mix(relief, vec3(0.20, 0.42, 0.70), lake);
        col = mix(under, value_colour(L_RIVERS, exp(mix(log(max(u_river_min, 1.0)),
                                                        log(max(u_flow_max, 2.0)), r.y))),
                  r.x * land * (1.0 - lake));
    } else if (layer == L_BASINS) {
        float id = fetch(t_water, ivec2(floor(px))).z;
        col = (h < 0.0 || id <= 0.0) ? vec3(0.14, 0.18, 0.26) : id_colour(id / 4096.0, 2) * shade;
        col *= 1.0 - 0.6 * id_boundary(t_water, 2, px, fw, 0.5) * float(h >= 0.0);
    } else if (layer == L_PRESSURE) {
        float p = view_exact(t_air, px).x;
        col = value_colour(L_PRESSURE, p) * (1.0 - 0.45 * isoline(p, 4.0, 0.6, fwidth(p)));
    } else if (layer == L_TEMPERATURE) {
        col = value_colour(L_TEMPERATURE, view_exact(t_air, px).y);
    } else if (layer == L_PRECIPITATION) {
        col = value_colour(L_PRECIPITATION, view_exact(t_moisture, px).y);
    } else if (layer == L_WIND) {
        col = value_colour(L_WIND, length(view_sample(t_air, px).zw));
    } else if (layer == L_CLOUDS) {
        col = mix(relief * 0.6, vec3(0.97), clamp(view_sample(t_moisture, px).z, 0.0, 1.0));
    } else if (layer == L_LIFE) {
        vec3 l = view_sample(t_life, px).xyz / max(u_life_max, vec3(1e-6));
        col = h < 0.0 ? relief * 0.5 : clamp(vec3(l.y, l.x, l.z), 0.0, 1.0) + 0.12 * relief;
    } else if (layer == L_PEOPLE) {
        float n = view_sample(t_civ, px).x;
        col = n > 0.1 ? value_colour(L_PEOPLE, n) : relief * 0.7;
    } else if (layer == L_NIGHT_LIGHT) {
        col = value_colour(L_NIGHT_LIGHT, view_sample(t_civ, px).w);
    } else if (layer == L_CO2) {
        col = value_colour(L_CO2, view_sample(t_moisture, px).w);
    } else { // L_BIOME: the natural colours, flat-lit
        col = natural_surface(px, lat, surf, aux).albedo * mix(1.0, shade, h < 0.0 ? 0.2 : 0.8);
    }
    return col;
}

// The rivers overlay's colour (the lakes' and the shallow sea's, a little lighter) and its
// cover at px: the lines end at the coast (its antialiased curve) and pass under lakes.
const vec3 RIVER_WATER = vec3(0.07, 0.22, 0.40);
float river_cover(vec2 px, vec2 fw, float h, float lake) {
    float land = land_cover(h);
    if (land <= 0.0) return 0.0;
    return river_lines(px, fw).x * land * (1.0 - smoothstep(10.0, 50.0, lake));
}

// Whether the rivers are part of the surface, lit with it and hidden by the clouds (the
// globe's natural colours), rather than an overlay drawn over the picture.
const bool RIVERS_ON_SURFACE = IS_GLOBE != 0 && (LAYER == L_ELEVATION || LAYER == L_BIOME);

// Overlays shared by the views, blended over `col`; surf, aux as for layer_colour.
vec3 overlay(vec3 col, int layer, vec2 px, vec2 fw, vec4 surf, vec4 aux) {
    bool coast = (VIEW_OVERLAYS & O_COAST) != 0 && layer != L_ELEVATION && layer != L_BIOME;
    // the coast's curve (the same spline as the natural colours' coast)
    float h = surf.x - u_sea_level;
    if (coast) col = mix(col, vec3(0.05), 0.6 * isoline(h, 1e7, 0.5, fwidth(h)));
    if ((VIEW_OVERLAYS & O_RIVERS) != 0 && layer != L_RIVERS && !RIVERS_ON_SURFACE) {
        // The natural colours draw the lakes themselves; over the others the overlay does.
        bool natural = layer == L_BIOME;
        float lake = lake_depth(px);
        float wet = natural ? 0.0 : smoothstep(10.0, 50.0, lake) * land_cover(h);
        col = mix(col, RIVER_WATER, max(river_cover(px, fw, h, lake), wet) * 0.9);
    }
    if ((VIEW_OVERLAYS & O_PLATES) != 0 || layer == L_PLATES) {
        col = mix(col, vec3(0.85, 0.10, 0.10), id_boundary(t_terrain, 1, px, fw, -0.5));
    }
    if ((VIEW_OVERLAYS & O_WIND) != 0 || layer == L_WIND) {
        col = mix(col, vec3(1.0), 0.85 * wind_streaks(px, fw));
    }
    return col;
}
