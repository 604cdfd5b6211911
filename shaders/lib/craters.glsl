// Crater profile shared by the protoplanet passes (the initial cratered field and impacts).
// r = distance from the centre / crater radius. A parabolic bowl inside (floor at -1), a rim
// of height `rim` shaped by a sine near r = 1, and an ejecta blanket falling off
// exponentially outside, so the profile is continuous everywhere and flat far away.
float crater_profile(float r, float rim) {
    if (r < 1.0) {
        float bowl = r * r - 1.0;                          // -1 at the centre, 0 at the rim
        float lip = rim * pow(sin(0.5 * PI * r), 4.0);      // rises to `rim` at r = 1
        return bowl + lip;
    }
    return rim * exp(-3.0 * (r - 1.0));
}

// Weight of a crater's own shape against what was there before: 1 inside, fading outside.
float crater_weight(float r) { return exp(-max(r - 1.0, 0.0) * 2.0); }
