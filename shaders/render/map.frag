// map view: the equirectangular map of one layer, fitted into u_map_rect (frame pixels) with
// dark bars around it; or, with u_bar, the legend bar of the layer (x: u_bar_lo .. u_bar_hi,
// or the biome swatches).
// Reads: terrain, water, air, moisture, life, civ (whatever the layer needs; never written) and
// what render/bake.frag gathered from them this frame (view_surf, view_aux, view_rivers).
// Writes: the view target (RGBA8). Colours per value: shaders/render/common.glsl.
#include "render/common.glsl"

in vec2 v_uv;

void main() {
    if (u_bar) {
        // First pixel exactly u_bar_lo, last exactly u_bar_hi (u_map_rect.z: the bar's width).
        float x = (gl_FragCoord.x - 0.5) / max(u_map_rect.z - 1.0, 1.0);
        vec3 c;
        if (VIEW_LAYER == L_BIOME) c = biome_colour(int(floor(x * 5.0 + 0.5)));
        else if (u_bar_log) {
            float a = log(max(u_bar_lo, 1e-3));
            c = value_colour(VIEW_LAYER, exp(mix(a, max(log(max(u_bar_hi, 1e-3)), a), x)));
        } else c = value_colour(VIEW_LAYER, mix(u_bar_lo, u_bar_hi, x));
        o_view = vec4(c, 1.0);
        return;
    }
    vec2 q = (gl_FragCoord.xy - u_map_rect.xy) / u_map_rect.zw;
    vec2 px = q * vec2(u_size);
    vec2 fw = grid_fwidth(px);
    if (any(lessThan(q, vec2(0.0))) || any(greaterThan(q, vec2(1.0)))) {
        o_view = vec4(0.04, 0.04, 0.06, 1.0);
        return;
    }
    vec4 surf = view_exact(t_view_surf, px);
    vec4 aux = view_sample(t_view_aux, px);
    vec3 col = layer_colour(VIEW_LAYER, px, fw, surf, aux);
    o_view = vec4(overlay(col, VIEW_LAYER, px, fw, surf, aux), 1.0);
}
