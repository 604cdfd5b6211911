// blur_x: second stage of the Gaussian blur of the pressure maps along each row (longitude),
// wrapping at +-180 deg. Reads: climate_blur_x1 (x, y after blur_x_fine; z, w slope).
// Writes: climate_blur_x (x, y blurred in longitude with sigma_x; z, w copied).
// sigma_x = pressure_blur_sigma / (360/W) / cos(lat) columns (the kernel widens toward the
// poles: isotropic on the sphere); this stage: sigma2 = sqrt(sigma_x^2 - s^2) every s columns
// (lib/blur.glsl), so with blur_x_fine the kernel is the Gaussian of sigma_x. Taps over
// |d| <= min(3 sigma2, W/2), the shortest way round, each column once.
//   out(x) = sum_k w(k s) in(x + k s) / sum_k w(k s),  w(d) = exp(-d^2 / (2 sigma2^2)).
// Exact mode (pressure_blur_exact): s = 1, sigma2 = sigma_x.
#include "lib/blur.glsl"

void main() {
    ivec2 p = frag_cell();
    vec4 c = fetch(t_climate_blur_x1, p);
    int s;
    float s1, s2;
    blur_stages(row_sigma(p, u_pressure_blur_sigma), u_pressure_blur_exact, u_size.x / 16, s, s1, s2);
    vec2 b = gauss_line(t_climate_blur_x1, p, ivec2(1, 0), s2, s, min(3.0 * s2, float(u_size.x / 2)));
    o_climate_blur_x = vec4(b, c.zw);
}
