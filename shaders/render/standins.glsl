// The climate as the views see it, shared by the views and their bake (render/bake.frag).
// Views must work before the climate stages have run (fields still zero): then a zonal-mean
// estimate stands in, so an early globe still has ice caps and deserts where they belong.
// Needs lib/units.glsl (DEG) and the global u_sea_level.

// Surface temperature, degC: the air field's where the climate ran (pressure is ~1000 hPa),
// else a zonal mean with a 6.5 K/km lapse rate. elev: m (datum); lat: radians.
float surface_temperature(vec4 air, float elev, float lat) {
    if (air.x > 100.0) return air.y;
    float s = sin(lat);
    return 28.0 - 52.0 * s * s - 6.5e-3 * max(elev - u_sea_level, 0.0);
}

// Annual precipitation, mm/yr: the moisture field's where the water cycle ran, else the ITCZ
// and the mid-latitude storm belts as Gaussians in latitude.
float annual_precipitation(vec4 moist, float lat) {
    if (moist.x > 0.0 || moist.y > 0.0 || moist.z > 0.0) return moist.y;
    float d = abs(lat) / DEG;
    return 200.0 + 1800.0 * exp(-pow(d / 12.0, 2.0)) + 700.0 * exp(-pow((d - 50.0) / 12.0, 2.0));
}
