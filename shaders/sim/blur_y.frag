// blur_y: second stage of the Gaussian blur of the pressure maps along each column
// (latitude), across the poles. Reads: climate_blur_y1 (x, y after blur_y_fine; z, w slope).
// Writes: climate_maps (x annual, y seasonal hPa blurred on the sphere; z, w slope copied).
// sigma_y = pressure_blur_sigma / (180/H) rows; this stage sigma2 = sqrt(sigma_y^2 - s^2)
// every s rows (lib/blur.glsl), |d| <= 3 sigma2:
//   out(y) = sum_k w(k s) in(y + k s) / sum_k w(k s),  w(d) = exp(-d^2 / (2 sigma2^2));
// rows beyond a pole are those of the opposite meridian (the grid's fetch rule).
// Exact mode (pressure_blur_exact): s = 1, sigma2 = sigma_y.
#include "lib/blur.glsl"

void main() {
    ivec2 p = frag_cell();
    vec4 c = fetch(t_climate_blur_y1, p);
    int s;
    float s1, s2;
    blur_stages(column_sigma(u_pressure_blur_sigma), u_pressure_blur_exact, u_size.y / 8, s, s1, s2);
    vec2 b = gauss_line(t_climate_blur_y1, p, ivec2(0, 1), s2, s, 3.0 * s2);
    o_climate_maps = vec4(b, c.zw);
}
