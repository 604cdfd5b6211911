// Deterministic hashing: every random choice is a hash of (seed, step, cell, stream).
// PCG-style integer hashes (Jarzynski & Olano 2020, "Hash Functions for GPU Rendering",
// JCGT 9(3)), so the same seed on the same driver gives the same bits.
// Needs the generated globals u_seed and u_step.

uint hash_u32(uint v) {
    uint state = v * 747796405u + 2891336453u;
    uint word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

uvec4 hash_u32x4(uvec4 v) {
    v = v * 1664525u + 1013904223u;
    v.x += v.y * v.w; v.y += v.z * v.x; v.z += v.x * v.y; v.w += v.y * v.z;
    v ^= v >> 16u;
    v.x += v.y * v.w; v.y += v.z * v.x; v.z += v.x * v.y; v.w += v.y * v.z;
    return v;
}

float u32_to_unit(uint v) { return float(v >> 8u) * (1.0 / 16777216.0); } // [0, 1)

// Random numbers in [0, 1) that change every sim step: (seed, step, cell, stream).
vec4 rand4(ivec2 cell, int stream) {
    uvec4 h = hash_u32x4(uvec4(uint(cell.x), uint(cell.y),
                               uint(u_step) ^ (uint(stream) * 0x9E3779B9u),
                               hash_u32(uint(u_seed))));
    return vec4(u32_to_unit(h.x), u32_to_unit(h.y), u32_to_unit(h.z), u32_to_unit(h.w));
}

float rand(ivec2 cell, int stream) { return rand4(cell, stream).x; }

// Random numbers fixed for the run: (seed, key, stream), independent of the step.
vec4 rand4_static(ivec3 key, int stream) {
    uvec4 h = hash_u32x4(uvec4(uint(key.x), uint(key.y), uint(key.z),
                               hash_u32(uint(u_seed) ^ (uint(stream) * 0x85EBCA6Bu))));
    return vec4(u32_to_unit(h.x), u32_to_unit(h.y), u32_to_unit(h.z), u32_to_unit(h.w));
}
