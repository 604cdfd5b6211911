// plates_seed: dissolve all plates and scatter new plate seeds (growth is done by `plates`).
// Reads: terrain. Writes: terrain.y (plate id: a seed's id encodes a random velocity,
// lib/plates.glsl; -1 elsewhere); x, z, w passed through.
// Each cell is a seed with probability plate_count / cells.
#include "lib/grid.glsl"
#include "lib/hash.glsl"
#include "lib/plates.glsl"

void main() {
    ivec2 p = frag_cell();
    vec4 c = fetch(t_terrain, p);
    o_terrain = vec4(c.x, plate_seed_id(p, u_plate_count), c.zw);
}
