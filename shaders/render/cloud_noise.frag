// cloud_noise: the pattern that the globe's clouds are cut from, baked once per run (seed).
// Reads: nothing. Writes: noise (x: domain-warped fBM of gradient noise at the unit vector of
// each texel of an equirectangular u_bake_size texture, no seam and no pole pinch; about
// -1..1). planetsim.render.views equalises it to a uniform 0..1 by area on the sphere, so the
// globe's clouds cover exactly the cloud-cover fraction of the sky (moisture.z).
#include "lib/grid.glsl"
#include "lib/noise.glsl"

void main() {
    vec2 uv = gl_FragCoord.xy / vec2(u_bake_size);
    vec3 n = latlon_to_unit(vec2((uv.y - 0.5) * PI, (uv.x - 0.5) * TAU)); // the grid's layout
    // Warped fBM (Quilez, "Domain warping", 2002): the warp bends the blobs into swirls and
    // streaks like weather systems. Base scale: features of about 1/5 radian (1 300 km).
    vec3 p = n * 5.0;
    vec3 w = vec3(fbm(p, 3, 0.5, 61), fbm(p + 5.2, 3, 0.5, 62), fbm(p - 3.7, 3, 0.5, 63));
    o_noise = vec4(fbm(p + 1.6 * w, 5, 0.55, 64), 0.0, 0.0, 1.0);
}
