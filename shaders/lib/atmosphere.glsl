// The clear atmosphere's extinction of direct sunlight (Rayleigh scattering by the air), for
// the views: sunlight reaching the ground at solar zenith angle z, T = exp(-tau m(z)).
//   tau: Rayleigh optical thickness of the whole atmosphere at 1013.25 hPa, Hansen & Travis
//     1974 (Space Sci. Rev. 16, 527), eq. 2.29: tau = 0.008569 l^-4 (1 + 0.0113 l^-2
//     + 0.00013 l^-4), l in um, at the dominant wavelengths of the sRGB primaries (611, 549,
//     464 nm): 0.063, 0.098, 0.195.
//   m: the relative air mass of Kasten & Young 1989 (Appl. Opt. 28, 4735):
//     m = 1 / (cos z + 0.50572 (96.07995 - z)^-1.6364), z in degrees (38 at the horizon).
// The palettes are colours as seen under a high sun, so the views apply the extinction
// relative to the zenith's, exp(-tau (m - 1)): noon keeps its colours, and the low sun near
// the terminator reddens and dims.
const vec3 RAYLEIGH_TAU = vec3(0.0633, 0.0979, 0.1946);

// Relative air mass for the cosine mu of the sun's zenith angle (the horizon's below it).
float air_mass(float mu) {
    float c = clamp(mu, 0.0, 1.0);
    float z = degrees(acos(c));
    return 1.0 / (c + 0.50572 * pow(96.07995 - z, -1.6364));
}

// Sunlight's transmittance relative to the zenith's, per sRGB channel.
vec3 sun_extinction(float mu) { return exp(-RAYLEIGH_TAU * (air_mass(mu) - 1.0)); }
