// Constants and unit conversions shared by all passes.
const float PI = 3.14159265358979;
const float TAU = 6.28318530717959;
const float DEG = 0.0174532925199433;      // radians per degree
const float SECONDS_PER_YEAR = 31557600.0; // Julian year, s
const float GTC_PER_PPM = 2.13;            // GtC of carbon per ppm of atmospheric CO2
