// frames_remap: world cells change plate (a plate splits, sutures onto another, a sliver or
// a stray fragment joins its neighbour): the crust over each remapped cell moves from the
// frame of the plate that owns it there into the frame of its new plate.
// Reads: frames, crust (z the owner of each world cell now), plate_remap (x the new plate of
// each world cell, -1 to keep it). Writes: frames.
// Texel t of plate k over world cell p (R_k t): if k owns p and p goes to another plate, it
// empties. Texel u of plate j over p: if p goes to j from its owner k, u takes the crust of
// k's texel that the gather shows at p (frame_cell(k, x)); where both hold continental crust
// their thicknesses add (a suture's stack), up to crust_max_km, and u records a collision
// orogeny of now (u lay hidden beneath and kept whatever record it had; k's texels hold the
// stack's only where frames_update's cell and the gather's texel agree). A new plate made
// with its parent's rotation gets the parent's texels unchanged (the same texel maps both
// ways).
#include "lib/grid.glsl"
#include "lib/plates.glsl"
#include "lib/crust.glsl"

void main() {
    ivec2 a = frag_cell();
    ivec2 tile = a / u_size;
    int k = tile.x + 4 * tile.y;
    ivec2 t = a - tile * u_size;
    vec4 m = texelFetch(t_frames, a, 0);
    if (k >= MAX_PLATES) {
        o_frames = m;
        return;
    }
    vec3 x = plate_rotation(k) * cell_unit(t);
    ivec2 p = cell_of_unit(x);
    int owner = int(fetch(t_crust, p).z);
    int to = int(fetch(t_plate_remap, p).x);
    if (to < 0 || to == owner) {
        o_frames = m;
        return;
    }
    if (owner == k) {
        o_frames = FRAME_EMPTY; // the cell leaves this plate
        return;
    }
    if (to == k && owner >= 0 && owner < MAX_PLATES) {
        vec4 src = frame_fetch(t_frames, owner, frame_cell(owner, x));
        if (src.y >= 0.0) {
            if (m.y < 0.0) {
                m = src;
            } else if (src.x >= CONTINENTAL_KM && m.x >= CONTINENTAL_KM) {
                m.x = min(m.x + src.x, u_crust_max_km);
                m.w = orogeny_code(2.0); // a suture: the collision orogen's record, now
            }
        }
    }
    o_frames = m;
}
