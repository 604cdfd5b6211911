// Cloud types shared by the vapour pass (which makes them) and the views (which draw them).
// The cloud field holds each type's cover, 0..1, of the sky: x humidity (thin layer cloud and
// cirrus), y convective (rising with rain, the ITCZ), z marine stratocumulus, w storms (the
// fronts of mid-latitude lows). They overlap at random, so the sky's cover is
// 1 - (1 - x)(1 - y)(1 - z)(1 - w).
float cloud_cover(vec4 parts) {
    vec4 c = clamp(parts, 0.0, 1.0);
    return 1.0 - (1.0 - c.x) * (1.0 - c.y) * (1.0 - c.z) * (1.0 - c.w);
}

// Each type's visible optical thickness, within ISCCP's classes (Rossow & Schiffer 1999, BAMS
// 80:2261): thin cirrus and cirrostratus below 3.6 (here 2), stratocumulus 3.6-23 (6, the
// decks' typical value), deep convection above 23 (24: a cover-weighted mean takes in the
// anvils around the towers), the fronts' mix of altostratus and nimbostratus (12).
const vec4 CLOUD_TAU = vec4(2.0, 24.0, 6.0, 12.0);

// The in-cloud optical thickness where cloud is: the types' thicknesses weighted by cover.
// Where no type is recorded (a state from before the types, or a hand-set cover), the
// stratocumulus' 6.
float cloud_optical_depth(vec4 parts) {
    vec4 c = clamp(parts, 0.0, 1.0);
    float total = c.x + c.y + c.z + c.w;
    return total > 1e-6 ? dot(c, CLOUD_TAU) / total : CLOUD_TAU.z;
}

// Reflectance of a conservatively scattering cloud of optical thickness tau over a black
// surface, two-stream: R = (1 - g) tau / (2 + (1 - g) tau) with asymmetry g = 0.74, i.e.
// tau / (tau + 7.7) (Bohren 1987, Am. J. Phys. 55:524); what it does not reflect it passes.
float cloud_reflectance(float tau) { return tau / (tau + 7.7); }
