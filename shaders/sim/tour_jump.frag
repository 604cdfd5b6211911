// tour_jump: one sweep of pointer jumping on the tour's lists (Wyllie 1979): every edge adds
// the weight sum of the edge it points to and jumps past it. After k sweeps an edge's y holds
// the sum of the next 2^k weights; after ceil(log2(longest list)) sweeps, the sum to the end
// of its list, and z the list's last edge.
// Reads and writes: tour (x next edge or -1, y weight sum, z last edge reached, w 0).
#include "lib/grid.glsl"
#include "lib/tour.glsl"

void main() {
    ivec2 a = frag_cell();
    vec4 e = texelFetch(t_tour, a, 0);
    if (e.x >= 0.0) {
        vec4 n = texelFetch(t_tour, tour_texel(e.x), 0);
        e = vec4(n.x, e.y + n.y, n.z, e.w);
    }
    o_tour = e;
}
