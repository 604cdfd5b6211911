// globe view: the planet as a lit sphere seen from a camera (ray cast per pixel through the
// inverse view-projection u_inv_vp0..3, columns, from pyglm). Ocean by depth with sun glint
// (Blinn-Phong + Schlick Fresnel), land by biome, snow and sea ice, clouds, an atmosphere rim,
// sunlight reddened by the air it crosses (Rayleigh extinction, lib/atmosphere.glsl),
// a molten glow early on (u_surface_heat), the day/night terminator from u_sun_dir with the
// lights of settlements (civ.w, render/lights.glsl) on the night side. Other layers are
// draped on the lit sphere. The molten glow's noise is compiled in only while the surface is
// hot (#define MOLTEN 1), the lights only while there are any (#define LIGHTS 1).
// Reads: terrain, water, air, moisture, life, civ, cloud (never written), what
// render/bake.frag gathered from them this frame (view_surf, view_aux, view_sky, view_rivers),
// and cloud_noise (the baked cloud pattern, render/cloud_noise.frag). Writes: the view (RGBA8).
#include "render/common.glsl"
#include "lib/noise.glsl"
#include "lib/clouds.glsl"
#include "lib/atmosphere.glsl"
#include "render/lights.glsl"
#ifndef LIGHTS
#define LIGHTS 1
#endif

in vec2 v_uv;

// Blackbody-like glow of molten rock, t 0..1 (dull red .. yellow-white).
vec3 lava(float t) {
    return ramp5(t, vec3(0.0), vec3(0.45, 0.03, 0.0), vec3(0.95, 0.25, 0.02),
                 vec3(1.0, 0.65, 0.15), vec3(1.0, 0.95, 0.70));
}

void main() {
    vec2 ndc = v_uv * 2.0 - 1.0;
    mat4 inv = mat4(u_inv_vp0, u_inv_vp1, u_inv_vp2, u_inv_vp3);
    vec4 a = inv * vec4(ndc, -1.0, 1.0);
    vec4 b = inv * vec4(ndc, 1.0, 1.0);
    vec3 ro = a.xyz / a.w;
    vec3 rd = normalize(b.xyz / b.w - ro);
    vec3 sun = normalize(u_sun_dir);

    // Ray and unit sphere: |ro + t rd| = 1. Off the disc, the point of closest approach.
    float bq = dot(ro, rd);
    float c = dot(ro, ro) - 1.0;
    float disc = bq * bq - c;
    bool hit = disc > 0.0 && -bq - sqrt(max(disc, 0.0)) > 0.0;
    float t = hit ? -bq - sqrt(disc) : -bq;
    vec3 p = ro + t * rd;
    vec3 n = normalize(p);
    vec2 ll = unit_to_latlon(n);
    vec2 px = latlon_to_pixel(ll);
    vec2 fw = grid_fwidth(px); // outside the branch: derivatives need every pixel of a quad
    vec3 dndx = dFdx(n);
    vec3 dndy = dFdy(n);
    float pix = max(length(dndx), length(dndy)); // the pixel's footprint on the sphere
    float light = view_sample(t_civ, px).w; // the night light field and its screen slopes
    vec2 dlight = vec2(dFdx(light), dFdy(light));
    vec3 v = -rd;

    if (!hit) {
        // Space, a few fixed stars, and the atmosphere's halo around the limb.
        vec4 r = rand4_static(ivec3(ivec2(gl_FragCoord.xy), 0), 41);
        vec3 col = vec3(0.005, 0.006, 0.012) + vec3(step(0.9985, r.x) * r.y * 0.8);
        float alt = length(p) - 1.0;
        float lit = smoothstep(-0.3, 0.4, dot(normalize(p), sun));
        float halo = exp(-alt / 0.025) * (0.15 + 0.85 * lit);
        col += halo * vec3(0.30, 0.55, 1.0) * 0.9;
        o_view = vec4(col, 1.0);
        return;
    }

    float lat = ll.x;
    vec4 surf = view_exact(t_view_surf, px); // elevation through the cells' own values
    vec4 aux = view_sample(t_view_aux, px);
    vec4 ter = surf;
    float h = ter.x - u_sea_level;
    float heat = clamp(u_surface_heat, 0.0, 1.0);

    // Geometric and relief normals (exaggerated elevation gradient in the local east/north).
    vec3 east = normalize(vec3(-n.y, n.x, 0.0) + vec3(1e-6, 0.0, 0.0));
    vec3 north = cross(n, east);
    vec2 g = elevation_gradient(px, aux);
    float on_land = float(h >= 0.0 || heat > 0.3);
    vec3 nb = normalize(n - on_land * 0.5 * u_relief_exaggeration * (g.x * east + g.y * north));

    float mu = dot(n, sun);
    float day = smoothstep(-0.10, 0.12, mu); // soft terminator (twilight)
    float diffuse = max(dot(nb, sun), 0.0) * smoothstep(-0.1, 0.05, mu);
    // The direct sunlight's colour after the air it crossed (lib/atmosphere.glsl): white at
    // noon, red and dim at sunset near the terminator.
    vec3 sunlight = day > 0.0 ? sun_extinction(mu) : vec3(0.0);

    vec3 albedo;
    float water = 0.0;
    bool natural = VIEW_LAYER == L_ELEVATION || VIEW_LAYER == L_BIOME;
    if (natural) {
        Surface s = natural_surface(px, lat, surf, aux);
        albedo = s.albedo;
        // Rivers are part of the ground: lit by the sun, dark at night, under the clouds.
        if ((VIEW_OVERLAYS & O_RIVERS) != 0) {
            albedo = mix(albedo, RIVER_WATER, 0.9 * river_cover(px, fw, h, s.lake));
        }
        water = s.water * smoothstep(0.5, 0.3, heat); // no liquid sea on a molten planet
        // A dark basalt crust while the surface is still hot.
        if (heat > 0.0) albedo = mix(albedo, vec3(0.16, 0.13, 0.12), smoothstep(0.3, 0.6, heat));
    } else {
        albedo = layer_colour(VIEW_LAYER, px, fw, surf, aux);
    }
    // Lit in linear light: the sunlit side is the palette's colour times cos(incidence), a
    // Lambert reflector, and the picture is encoded to sRGB at the end.
    albedo = srgb_to_linear(albedo);

    vec3 col = albedo * (0.003 + 0.997 * diffuse * sunlight);
    col += albedo * vec3(0.0008, 0.001, 0.0016) * (1.0 - day); // earthshine/starlight

    if (water > 0.0) {
        // Sun glint and a Fresnel sky reflection on the flat sea surface.
        vec3 hv = normalize(sun + v);
        float fres = 0.02 + 0.98 * pow(1.0 - max(dot(n, v), 0.0), 5.0);
        float nh = max(dot(n, hv), 0.0);
        float glint = pow(nh, 1500.0) * 1.2 + pow(nh, 60.0) * 0.12;
        vec3 sky = vec3(0.25, 0.40, 0.60);
        col += water * day * (glint * sunlight * vec3(1.0, 0.95, 0.85) + fres * sky);
    }

    if (natural) {
        // Clouds, lit by the sun on the sphere's normal, dark at night. The cover field
        // (moisture.z) is the share of the sky that is cloud: the clouds are drawn where the
        // baked pattern t_cloud_noise (uniform 0..1 by area) exceeds 1 - cover, so they cover
        // that share in patches with clear sky between, not as an even veil. The pattern
        // turns slowly eastward (one turn in 100 s of video) so the clouds drift.
        float cover = aux.w;
        vec2 cuv = px / vec2(u_size) - vec2(0.01 * u_anim_time, 0.0); // same layout as the grid
        float pattern = texture(t_cloud_noise, cuv).x;
        // Soft edges that never reach past 0 or 1 (the cut's mean is then exactly cover).
        float cut = 1.0 - cover;
        float edge = max(min(0.1, min(cover, cut)), 1e-4);
        float cloud = smoothstep(cut - edge, cut + edge, pattern);
        // Optical thickness from the cloud types (lib/clouds.glsl), thinner at the rims than
        // inside; thin cloud lets the ground show through. The cloud reflects R of the
        // sunlight and passes the rest, down and back up again, with the light bouncing
        // between cloud and ground: ground (1 - R)^2 / (1 - R a).
        vec4 sky = view_sample(t_view_sky, px);
        float tau = sky.x;
        tau *= mix(0.2, 1.6, clamp((pattern - cut) / max(1.0 - cut, 1e-3), 0.0, 1.0));
        float refl = cloud_reflectance(tau);
        float ground = dot(albedo, vec3(0.2126, 0.7152, 0.0722));
        // (the 4 % skylight only by day: at night the cloud is as dark as the ground)
        vec3 lit = vec3(0.97) * (0.04 * day + 0.96 * max(mu, 0.0) * sunlight);
        vec3 through = col * (1.0 - refl) * (1.0 - refl) / (1.0 - refl * ground);
        col = mix(col, refl * lit + through, cloud);
        cloud *= refl; // how much the cloud hides (the lights below)
        // City lights on the night side (render/lights.glsl: settlements and the roads
        // between them), sodium orange, dimmed a little under clouds; only where it is night
        // and people live.
#if LIGHTS
        float night_light = day < 1.0 ? light : 0.0; // (0: no lights to draw here)
        float lights = night_lights(n, px, east, north, h, g, night_light, dlight, dndx, dndy, pix);
        col += (1.0 - day) * lights * (1.0 - 0.5 * cloud) * vec3(1.0, 0.48, 0.10) * 1.3;
#endif
        // Molten glow: as the surface cools (heat 1 -> 0) the glowing share shrinks to the
        // brightest cracks of a crust pattern and the lowest ground (crater floors) last.
#if MOLTEN
        {
            float crack = 0.5 + 0.5 * fbm(n * 6.0, 3, 0.5, 51);
            float low = smoothstep(2000.0, -2000.0, ter.x - u_sea_level);
            float k = 0.6 * crack + 0.4 * low;
            float glow = heat * (0.3 + 0.7 * k) * smoothstep(1.0 - heat, 1.25 - heat, k);
            col += srgb_to_linear(lava(glow)) * (0.5 + 0.5 * heat);
        }
#endif
    }

    // Back to sRGB; the overlays (plate boundaries, wind streaks; rivers on other layers), then the
    // atmosphere's rim, in display colours.
    col = linear_to_srgb(col);
    col = overlay(col, VIEW_LAYER, px, fw, surf, aux);
    float rim = pow(1.0 - max(dot(n, v), 0.0), 3.0);
    float twilight = smoothstep(-0.25, 0.3, mu);
    col += rim * twilight * vec3(0.30, 0.55, 1.0) * 0.35;
    col = mix(col, col + vec3(0.02, 0.04, 0.09) * day, 0.5); // a little sky haze on the day side
    o_view = vec4(col, 1.0);
}
