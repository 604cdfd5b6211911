// The Euler tour of the drainage forest (lib for tour_init, tour_jump, tour_collect).
// The tour field is two texels per cell, (2x, y) for the edge down into cell (x, y) from its
// receiver and (2x + 1, y) for the edge back up; an edge is named by its texel's index
// y * 2W + tx, as a float (exact below 2^24 texels: grids up to 4096 x 2048). -1 ends a list.
const float TOUR_END = -1.0;

float tour_index(ivec2 cell, int up) {
    return float(cell.y * 2 * u_size.x + 2 * cell.x + up);
}

ivec2 tour_texel(float index) {
    int i = int(index + 0.5);
    int w2 = 2 * u_size.x;
    return ivec2(i - (i / w2) * w2, i / w2);
}

// The cell an edge's texel belongs to.
ivec2 tour_cell(float index) {
    ivec2 t = tour_texel(index);
    return ivec2(t.x / 2, t.y);
}
