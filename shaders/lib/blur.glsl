// Gaussian blur along one grid line, shared by the blur passes of the climate. A Gaussian of
// sigma cells is done in two stages, sigma1 = s then sigma2 = sqrt(sigma^2 - s^2) sampled every
// s cells (s ~ sqrt(sigma)): the first stage removes what the strided second one would alias
// (at 2 pi / s its gain is exp(-2 pi^2) ~ 3e-9), so ~2 * 6 sqrt(sigma) taps do the work of
// 6 sigma. exact = true: one stage at stride 1 (s = 1, sigma1 = 0).
#include "lib/grid.glsl"

// Stride s and the two stage sigmas (cells) for a Gaussian of `sigma` cells.
void blur_stages(float sigma, bool exact, int max_stride, out int s, out float sigma1,
                 out float sigma2) {
    s = exact ? 1 : clamp(int(floor(sqrt(sigma) + 0.5)), 1, max_stride);
    sigma1 = s > 1 ? float(s) : 0.0;
    sigma2 = sqrt(max(sigma * sigma - sigma1 * sigma1, 0.0));
}

// Normalised sum of exp(-d^2 / (2 sigma^2)) t(p + d axis).xy over d = k stride, |d| <= reach
// (whole cells; along a row reach <= W/2). sigma <= 0: the cell itself.
vec2 gauss_line(sampler2D t, ivec2 p, ivec2 axis, float sigma, int stride, float reach) {
    if (sigma <= 0.0) return fetch(t, p).xy;
    int k_max = int(floor(reach / float(stride)));
    int k_min = -k_max;
    // Along a row taken all the way round (d = +-W/2 is one column), count that column once.
    if (axis.x != 0 && k_max * stride * 2 >= u_size.x) k_min = -((u_size.x - 1) / 2) / stride;
    vec2 acc = vec2(0.0);
    float norm = 0.0;
    for (int k = k_min; k <= k_max; k++) {
        float d = float(k * stride);
        float w = exp(-0.5 * d * d / (sigma * sigma));
        acc += w * fetch_at(t, p, axis * (k * stride)).xy;
        norm += w;
    }
    return acc / norm;
}

// Sigma in columns of the row of p for a Gaussian of sigma_deg degrees along the sphere.
float row_sigma(ivec2 p, float sigma_deg) {
    return sigma_deg / (360.0 / float(u_size.x)) / max(cos(cell_latlon(p).x), 1e-6);
}
float column_sigma(float sigma_deg) { return sigma_deg / (180.0 / float(u_size.y)); }
