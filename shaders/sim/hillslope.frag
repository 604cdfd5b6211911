// hillslope: linear diffusion of elevation (Culling 1960), dz/dt = D * laplacian(z).
// Reads/writes: terrain (x elevation, m; y, z, w passed through).
// Discretised on the isotropic 9-point stencil with spacing from the grid metric:
//   z' = z + a * sum_k w_k (z_k - z) / d_k^2,  w = 2/3 for edges, 1/3 for diagonals,
// d_k the distance to neighbour k in m (cells with the flat metric), a = D dt (m^2, D in
// m^2/yr, dt in yr), capped per cell at 0.45 / sum_k(w_k / d_k^2) so that the explicit step
// stays stable where geological steps are long and near the poles, where cells are narrow.
#include "lib/grid.glsl"

void main() {
    ivec2 p = frag_cell();
    vec4 c = fetch(t_terrain, p);
    float dt = u_hillslope_dt > 0.0 ? u_hillslope_dt : u_dt;
    float acc = 0.0;
    float norm = 0.0;
    for (int k = 0; k < 8; k++) {
        ivec2 d = D8[k];
        float w = (d.x != 0 && d.y != 0) ? (1.0 / 3.0) : (2.0 / 3.0);
        float dist = step_distance(p, d);
        float wk = w / (dist * dist);
        acc += wk * (fetch_at(t_terrain, p, d).x - c.x);
        norm += wk;
    }
    float a = min(u_hillslope_D * dt, 0.45 / norm);
    o_terrain = vec4(c.x + a * acc, c.yzw);
}
