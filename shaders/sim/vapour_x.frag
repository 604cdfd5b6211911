// vapour_x: the zonal half of one atmospheric step (vapour_step_hours) of vapour transport.
// Reads: moisture (x vapour W, kg/m^2), air (z wind east u, m/s). Writes: vapour_half.x (W
// after this half, kg/m^2). The meridional half, evaporation and rain follow in the vapour
// pass.
// Flux form, dW/dt + d(u W)/dx = 0, as a flux-form semi-Lagrangian step (Lin & Rood 1996,
// Mon. Wea. Rev. 124:2046): the vapour that crosses a cell face in dt is all that lies
// within u_f dt upwind of it (u_f the mean of the two cells' winds, c = u_f dt / dx its
// Courant number, any size). The cell then holds what lay between its two faces' departure
// points, x_west - c_west and x_east - c_east: W' = the integral of W over that interval
// (whole cells and the fractions at its ends; a cell or two, whatever c is), which is
// W + M_west - M_east. Neighbours share each departure point, so the row's vapour is kept to
// float precision. Where the winds converge vapour piles up, where they diverge it drains.
// Poleward of 60 deg the transport wind is u cos(lat) / cos(60 deg): a column there is a few
// km wide, and the unfiltered wind would cross tens of cells a step, with a divergence over
// one step above 1 (crossing trajectories, negative vapour). Lat-lon models filter the same
// way near the poles.
#include "lib/grid.glsl"

float w_at(ivec2 p, int k) { return fetch(t_moisture, p + ivec2(k, 0)).x; }

void main() {
    ivec2 p = frag_cell();
    float c = cos(cell_latlon(p).x);
    float dt = u_vapour_step_hours * 3600.0;
    float dx = TAU * u_radius / float(u_size.x) * c;
    float k = min(1.0, c / 0.5) * dt / dx; // Courant number per m/s of wind
    float uw = fetch(t_air, p - ivec2(1, 0)).z;
    float uc = fetch(t_air, p).z;
    float ue = fetch(t_air, p + ivec2(1, 0)).z;
    float lim = float(u_size.x / 2);
    // Departure points of the west and east faces, in cells from this cell's west edge.
    float a = -clamp(0.5 * (uw + uc) * k, -lim, lim);
    float b = 1.0 - clamp(0.5 * (uc + ue) * k, -lim, lim);
    float lo = min(a, b);
    float hi = max(a, b);
    int ia = int(floor(lo));
    int ib = int(floor(hi));
    float w;
    if (ia == ib) {
        w = (hi - lo) * w_at(p, ia);
    } else {
        w = (float(ia + 1) - lo) * w_at(p, ia) + (hi - float(ib)) * w_at(p, ib);
        for (int j = ia + 1; j < ib; j++) w += w_at(p, j);
    }
    // b < a only where trajectories cross (see above): the interval then counts negative.
    o_vapour_half = vec4(b >= a ? w : -w, 0.0, 0.0, 0.0);
}
