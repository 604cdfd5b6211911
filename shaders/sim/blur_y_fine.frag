// blur_y_fine: first stage of the Gaussian blur of the pressure maps along each column
// (latitude), across the poles. Reads: climate_blur_x (x, y blurred in longitude; z, w slope).
// Writes: climate_blur_y1 (x, y blurred with sigma1 = s rows; z, w copied).
// sigma_y = pressure_blur_sigma / (180/H) rows, s = round(sqrt(sigma_y)) (lib/blur.glsl);
//   out(y) = sum_d w(d) in(y + d) / sum_d w(d), w = exp(-d^2 / (2 sigma1^2)), |d| <= 3 sigma1;
// rows beyond a pole are those of the opposite meridian. Exact mode: a copy.
#include "lib/blur.glsl"

void main() {
    ivec2 p = frag_cell();
    vec4 c = fetch(t_climate_blur_x, p);
    int s;
    float s1, s2;
    blur_stages(column_sigma(u_pressure_blur_sigma), u_pressure_blur_exact, u_size.y / 8, s, s1, s2);
    vec2 b = gauss_line(t_climate_blur_x, p, ivec2(0, 1), s1, 1, 3.0 * s1);
    o_climate_blur_y1 = vec4(b, c.zw);
}
