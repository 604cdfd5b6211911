// test pass whose included helper has a deliberate error on its line 4.
#include "lib/grid.glsl"
#include "lib/broken_helper.glsl"

void main() { o_water = vec4(helper(1.0)); }
