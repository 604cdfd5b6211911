// Climate rules shared by the climate passes and the views. The Python side is
// planetsim/stages/climate.py (SEA_ICE_BELOW_C, LAND_SNOW_BELOW_C, vapour capacity in
// planetsim/reference/climate.py); keep the numbers in step.

const float SEA_ICE_BELOW_C = -2.0;  // salty sea water freezes below this, degC
const float LAND_SNOW_BELOW_C = 0.0; // snow lies on land below this, degC

bool is_sea_ice(float temp_c, bool land) { return !land && temp_c < SEA_ICE_BELOW_C; }
bool is_land_snow(float temp_c, bool land) { return land && temp_c < LAND_SNOW_BELOW_C; }

// Soft versions for drawing (1 well below the threshold, 0 above it, linear over `width` K).
float sea_ice_fraction(float temp_c, bool land, float width) {
    return land ? 0.0 : clamp((SEA_ICE_BELOW_C - temp_c) / width + 0.5, 0.0, 1.0);
}
float land_snow_fraction(float temp_c, bool land, float width) {
    return land ? clamp((LAND_SNOW_BELOW_C - temp_c) / width + 0.5, 0.0, 1.0) : 0.0;
}

// Water a saturated air column holds, kg/m^2 (saturation precipitable water W*):
// Clausius-Clapeyron's ~7 %/K growth, 11 kg/m^2 at 0 degC and 72 at 27 degC, the W* of the
// tropical oceans' columns in Bretherton, Peters & Back (2004), whose mean saturation fraction
// W / W* there is about 0.75 (the saturation vapour density at the surface times a ~2.8 km
// scale height).
float vapour_capacity(float temp_c) { return 11.0 * exp(0.07 * clamp(temp_c, -80.0, 60.0)); }

// The latitude part of the surface temperature (the weather pass adds pressure, land, height
// and CO2): T0 = 40 tanh(2.2 exp(-x^2 / 2)) - 15 degC, x = (lat + 5 season) / 30 (lat in deg),
// a fit to Earth's zonal means whose thermal equator follows the season.
float zonal_temperature(float lat_deg, float season) {
    float x = (lat_deg + 5.0 * season) / 30.0;
    return 40.0 * tanh(2.2 * exp(-0.5 * x * x)) - 15.0;
}

// |dT0/dy|, K per 1000 km: the equator-to-pole contrast that the mid-latitude storms live on
// (largest near 45 deg, where the polar front lies).
float zonal_temperature_gradient(float lat_deg, float season) {
    float x = (lat_deg + 5.0 * season) / 30.0;
    float e = 2.2 * exp(-0.5 * x * x);
    float t = tanh(e);
    float per_deg = 40.0 * (1.0 - t * t) * e * x / 30.0;
    return abs(per_deg) / 111.195 * 1000.0;
}

// The zonal free troposphere's lower-tropospheric stability (theta_700 - theta_surface, K) for
// the marine stratocumulus of the vapour pass: lts_equator at the thermal equator, rising as
// the surface cools poleward faster than the air at 700 hPa (which keeps free_share of the
// surface's equator-to-pole contrast).
float zonal_stability(float lat_deg, float season, float lts_equator, float free_share) {
    float t_eq = zonal_temperature(-5.0 * season, season);
    return lts_equator + (1.0 - free_share) * (t_eq - zonal_temperature(lat_deg, season));
}
