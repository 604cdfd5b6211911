// Elevation from crust. Needs the uniforms u_crust_sea_level_km, u_crust_density,
// u_mantle_density, u_crust_full_km.
#include "lib/crust.glsl"

// Airy isostasy: continental crust h km thick (density rho_c) floating on the mantle (rho_m)
// stands (h - h0) (1 - rho_c / rho_m) km above the datum, h0 = crust_sea_level_km the
// thickness that stands at it (35 km of rho_c 2.75 on rho_m 3.3: 0 m; 70 km: 5.8 km).
float continent_height(float h) {
    return (h - u_crust_sea_level_km) * (1.0 - u_crust_density / u_mantle_density) * 1000.0;
}

// Elevation of a column of crust (m, datum: the nominal sea level), before erosion and
// sediment: ocean floor by age where there is no continental crust, continents by isostasy,
// thinned continental margins (0 < h < crust_full_km) blended between the two.
float crust_elevation(float h, float age) {
    float s = smoothstep(0.0, u_crust_full_km, h);
    return mix(-ocean_depth(age), continent_height(h), s);
}
