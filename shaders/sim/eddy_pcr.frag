// eddy_pcr: one level of parallel cyclic reduction (Hockney 1965; Zhang, Cohen & Owens 2010,
// PPoPP) of eddy_init's tridiagonal systems, one per meridian: row i's equation
// a_i x_{i-s} + b_i x_i + c_i x_{i+s} = d_i takes its neighbours' at -+s (u_eddy_stride)
// to couple rows -+2s instead:
//   alpha = -a_i / b_{i-s}, gamma = -c_i / b_{i+s},
//   a' = alpha a_{i-s}, c' = gamma c_{i+s}, b' = b_i + alpha c_{i-s} + gamma a_{i+s},
//   d' = d_i + alpha d_{i-s} + gamma d_{i+s}.
// Beyond the poles the equation is x = 0 (a row there is never coupled: a_i = 0 wherever
// i - s < 0, c_i = 0 wherever i + s >= H). After the strides 1, 2, 4, ... < H every row stands
// alone and x_i = d_i / b_i.
// Reads and writes: eddy (a, b, c, d).
#include "lib/grid.glsl"

vec4 row(ivec2 p, int y) {
    return (y < 0 || y >= u_size.y) ? vec4(0.0, 1.0, 0.0, 0.0) : texelFetch(t_eddy, ivec2(p.x, y), 0);
}

void main() {
    ivec2 p = frag_cell();
    vec4 e = texelFetch(t_eddy, p, 0);
    vec4 s = row(p, p.y - u_eddy_stride);
    vec4 n = row(p, p.y + u_eddy_stride);
    float alpha = -e.x / s.y;
    float gamma = -e.z / n.y;
    o_eddy = vec4(alpha * s.x, e.y + alpha * s.z + gamma * n.x, gamma * n.z,
                  e.w + alpha * s.w + gamma * n.w);
}
