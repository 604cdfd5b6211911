// frames_init: each live plate's frame from the world's crust now (where the world cell over a
// texel belongs to that plate): the start of the plates, or a new plate table.
// Reads: crust (x thickness km, y age Myr, z owner), terrain (x elevation m), orogeny (x code).
// Writes: frames = (thickness, age, surface offset = elevation - crust_elevation(h, age),
// orogeny code), empty (age -1) elsewhere.
#include "lib/grid.glsl"
#include "lib/plates.glsl"
#include "lib/isostasy.glsl"

void main() {
    ivec2 a = frag_cell();
    ivec2 tile = a / u_size;
    int k = tile.x + 4 * tile.y;
    ivec2 t = a - tile * u_size;
    if (k >= MAX_PLATES || (u_plate_active & (1 << k)) == 0) {
        o_frames = FRAME_EMPTY;
        return;
    }
    ivec2 p = world_cell(k, t);
    vec4 w = fetch(t_crust, p);
    if (int(w.z) != k) {
        o_frames = FRAME_EMPTY;
        return;
    }
    float offset = fetch(t_terrain, p).x - crust_elevation(w.x, w.y);
    o_frames = vec4(w.x, w.y, offset, fetch(t_orogeny, p).x);
}
