// Noise on the sphere: 3D value and gradient noise evaluated at a cell's unit vector, so
// there is no seam at +-180 deg and no pinch at the poles. Seeded through rand4_static.
#include "lib/hash.glsl"

vec3 noise_fade(vec3 t) { return t * t * t * (t * (t * 6.0 - 15.0) + 10.0); } // quintic

// Value noise in [-1, 1].
float value_noise(vec3 p, int stream) {
    ivec3 i = ivec3(floor(p));
    vec3 f = noise_fade(fract(p));
    float v[8];
    for (int k = 0; k < 8; k++) {
        ivec3 o = ivec3(k & 1, (k >> 1) & 1, (k >> 2) & 1);
        v[k] = rand4_static(i + o, stream).x * 2.0 - 1.0;
    }
    return mix(mix(mix(v[0], v[1], f.x), mix(v[2], v[3], f.x), f.y),
               mix(mix(v[4], v[5], f.x), mix(v[6], v[7], f.x), f.y), f.z);
}

// Gradient (Perlin-style) noise, roughly in [-1, 1].
float gradient_noise(vec3 p, int stream) {
    ivec3 i = ivec3(floor(p));
    vec3 fr = fract(p);
    vec3 f = noise_fade(fr);
    float v[8];
    for (int k = 0; k < 8; k++) {
        ivec3 o = ivec3(k & 1, (k >> 1) & 1, (k >> 2) & 1);
        vec3 g = normalize(rand4_static(i + o, stream).xyz * 2.0 - 1.0 + 1e-6);
        v[k] = dot(g, fr - vec3(o));
    }
    return 1.7 * mix(mix(mix(v[0], v[1], f.x), mix(v[2], v[3], f.x), f.y),
                     mix(mix(v[4], v[5], f.x), mix(v[6], v[7], f.x), f.y), f.z);
}

// Fractal Brownian motion of gradient noise: octaves doubling in frequency, gain per octave.
float fbm(vec3 p, int octaves, float gain, int stream) {
    float sum = 0.0;
    float amp = 1.0;
    float norm = 0.0;
    for (int k = 0; k < octaves; k++) {
        sum += amp * gradient_noise(p, stream + 101 * k);
        norm += amp;
        amp *= gain;
        p = p * 2.03 + vec3(17.1, -3.7, 9.2); // offset so octaves do not line up at the origin
    }
    return sum / norm;
}
