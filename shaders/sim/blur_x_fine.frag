// blur_x_fine: first stage of the Gaussian blur of the pressure maps along each row
// (longitude), wrapping at +-180 deg. Reads: climate_raw (x annual, y seasonal hPa; z, w
// slope). Writes: climate_blur_x1 (x, y blurred with sigma1 = s columns; z, w copied).
// On the sphere a row is cos(lat) as long: sigma_x = pressure_blur_sigma / (360/W) / cos(lat)
// columns; s = round(sqrt(sigma_x)) (lib/blur.glsl): this stage, at every column, removes
// what blur_x's stride-s sum would alias. Exact mode (pressure_blur_exact): a copy.
//   out(x) = sum_d w(d) in(x + d) / sum_d w(d), w = exp(-d^2 / (2 sigma1^2)), |d| <= 3 sigma1.
#include "lib/blur.glsl"

void main() {
    ivec2 p = frag_cell();
    vec4 c = fetch(t_climate_raw, p);
    int s;
    float s1, s2;
    blur_stages(row_sigma(p, u_pressure_blur_sigma), u_pressure_blur_exact, u_size.x / 16, s, s1, s2);
    vec2 b = gauss_line(t_climate_raw, p, ivec2(1, 0), s1, 1, min(3.0 * s1, float(u_size.x / 2)));
    o_climate_blur_x1 = vec4(b, c.zw);
}
