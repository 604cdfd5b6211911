// The plates' own frames and their rotations. Needs lib/grid.glsl and the uniform
// u_plate_rot (vec3[48]: the columns of each plate's rotation R_k, world = R_k frame).
//
// Each plate keeps its crust in a frame of its own: a lat/lon grid of the world's size that
// turns with the plate, so crust is carried by the plate's exact rotation and never
// resampled while it moves (no numerical diffusion, no sub-cell stall). The frames are the
// tiles of one atlas texture, 4 x 4 tiles for the 16 plate slots. A frame texel holds
// (continental thickness km, crust age Myr or -1 where the plate has no crust, surface offset
// m, orogeny code).

// The origin of plate k's frame in the atlas.
ivec2 frame_origin(int k) { return ivec2(k % 4, k / 4) * u_size; }

// A texel of plate k's frame (wrapping at +-180 deg and across the frame's poles).
vec4 frame_fetch(sampler2D atlas, int k, ivec2 c) {
    return texelFetch(atlas, frame_origin(k) + wrap_cell(c), 0);
}

mat3 plate_rotation(int k) {
    return mat3(u_plate_rot[3 * k], u_plate_rot[3 * k + 1], u_plate_rot[3 * k + 2]);
}

// An empty frame texel: no crust of this plate there.
const vec4 FRAME_EMPTY = vec4(0.0, -1.0, 0.0, 0.0);

// The cell that holds continuous pixel coordinates px (rows clamped at the poles).
ivec2 pixel_cell(vec2 px) {
    ivec2 c = ivec2(floor(px));
    c.y = clamp(c.y, 0, u_size.y - 1);
    return wrap_cell(c);
}

// The cell of a lat/lon grid that holds the unit vector v.
ivec2 cell_of_unit(vec3 v) { return pixel_cell(latlon_to_pixel(unit_to_latlon(v))); }

// Continuous pixel coordinates in plate k's frame of the world point x (R_k^T x).
vec2 frame_pixel(int k, vec3 x) {
    return latlon_to_pixel(unit_to_latlon(transpose(plate_rotation(k)) * x));
}

// The texel of plate k's frame under the world point x.
ivec2 frame_cell(int k, vec3 x) { return pixel_cell(frame_pixel(k, x)); }

// Plate k's continental thickness at frame_pixel(k, x) = px, bilinear between the frame
// texels around it that hold crust (fallback where none does). The world's view of a moving
// plate is then second-order accurate: its area-weighted volume stays within a fraction of a
// percent of the frame's, where nearest-texel sampling wobbles by about a cell's worth of
// coast (1-2 % for a continent 20 cells across).
float frame_thickness(sampler2D atlas, int k, vec2 px, float fallback) {
    vec2 q = px - 0.5;
    ivec2 i = ivec2(floor(q));
    vec2 f = q - vec2(i);
    float sum = 0.0;
    float wsum = 0.0;
    for (int j = 0; j < 4; j++) {
        ivec2 d = ivec2(j & 1, j >> 1);
        vec4 m = frame_fetch(atlas, k, i + d);
        float w = (d.x == 1 ? f.x : 1.0 - f.x) * (d.y == 1 ? f.y : 1.0 - f.y);
        if (m.y >= 0.0) {
            sum += w * m.x;
            wsum += w;
        }
    }
    return wsum > 1e-6 ? sum / wsum : fallback;
}

// The world cell over frame texel c of plate k: R_k times the texel's centre.
ivec2 world_cell(int k, ivec2 c) { return cell_of_unit(plate_rotation(k) * cell_unit(c)); }
