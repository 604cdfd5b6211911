// eddy_init: the storms' poleward mixing of vapour as one implicit (backward Euler) diffusion
// step along each meridian, set up as a tridiagonal system that eddy_pcr solves.
//   dW/dt = (1 / cos phi) d/dy (K cos phi dW/dy),  K = vapour_eddy (m^2/s) poleward of 45 deg
//   from the thermal equator, tapering to 0 at 30 deg: the Hadley cell's edge. Inside it the
//   mean meridional circulation carries the vapour; poleward of it the transient eddies
//   carry most of it (Trenberth & Stepaniak 2003, J. Climate 16:3691), and the subtropical
//   highs stay dry. K stands for the storms the grid does not resolve: 6e6 m^2/s, tuned on
//   the earth story so that the polar caps get their 100-400 mm/yr (3e6: 60-90)
// Row j, edges e = j -+ 1/2, lambda_e = dt K_e cos(phi_e) / dy^2 (0 at the poles' edges):
//   -l_s / cos_j W'_{j-1} + (1 + (l_s + l_n) / cos_j) W'_j - l_n / cos_j W'_{j+1} = W_j.
// Times cos phi_j (which is in proportion to the row's area, sin(phi_n) - sin(phi_s)), the
// edges' terms cancel in the sum over a meridian: the sphere's vapour is kept exactly, and the
// step is stable for any dt and grid (an explicit step is unstable where dt K / dy^2 > 1/2:
// 1.3 at 128x64 with 12 h steps, 21 at 512x256).
// Reads: vapour_half (x: vapour after vapour_x, kg/m^2). Writes: eddy = (sub, diagonal,
// super, right-hand side) of row j's equation, coupling rows j -+ 1.
#include "lib/grid.glsl"

float edge_lambda(int j, float dt, float dy) {
    if (j <= 0 || j >= u_size.y) return 0.0; // the poles' edges carry nothing
    float phi = -0.5 * PI + float(j) * PI / float(u_size.y);
    float k = u_vapour_eddy * smoothstep(30.0, 45.0, abs(phi / DEG + 5.0 * u_season));
    return dt * k * cos(phi) / (dy * dy);
}

void main() {
    ivec2 p = frag_cell();
    float dt = u_vapour_step_hours * 3600.0;
    float dy = PI * u_radius / float(u_size.y);
    float c = cos(cell_latlon(p).x);
    float ls = edge_lambda(p.y, dt, dy) / c;
    float ln = edge_lambda(p.y + 1, dt, dy) / c;
    o_eddy = vec4(-ls, 1.0 + ls + ln, -ln, texelFetch(t_vapour_half, p, 0).x);
}
