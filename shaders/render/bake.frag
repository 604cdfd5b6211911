// view bake: what the views read at every picture pixel, gathered once a frame at the grid's
// size so a pixel fetches it from a few packed textures instead of seven fields (a bicubic
// tap of one RGBA texture costs the same whatever its channels hold).
// Reads: terrain (elevation), water (flow, receivers, lakes), air (temperature), moisture
// (precipitation, cloud cover), life (plants), civ (night light), cloud (the cloud types).
// Writes (textures of the views, not fields):
//   o_view_surf   x elevation, m (datum); y surface temperature, degC; z precipitation, mm/yr
//                 (the views' zonal stand-ins where the climate has not run yet:
//                 surface_temperature, annual_precipitation in render/standins.glsl);
//                 w lake depth, m
//   o_view_aux    x, y elevation differences across two cells east and north, m (the relief
//                 gradient: a bilinear tap of these equals the difference of two bilinear taps
//                 one cell either side, as bilinear interpolation is linear); z plants;
//                 w cloud cover 0..1
//   o_view_sky    x the clouds' optical thickness (lib/clouds.glsl); y night light 0..1
//   o_view_rivers the river network for river_lines (render/common.glsl), read by texelFetch:
//                 x strength 0..1 = (ln Q - ln Q_min) / (ln Q_max - ln Q_min), -1 where the
//                 cell is no river (Q = water.x < u_river_min, no receiver, or at sea); y its
//                 receiver code 1..8; z its main tributary (the donor of most flow, 1..8 by
//                 direction from this cell, 0 none); w 0 where no river cell lies in the 3x3
//                 block around this one, else 1 + the receiver's own receiver code (0..8).
//                 Compiled out (#define RIVERS 0, all "no river") for views that draw none.
#include "lib/grid.glsl"
#include "lib/clouds.glsl"
#include "render/standins.glsl"

in vec2 v_uv;

float elevation_at(ivec2 p, ivec2 d) {
    return texelFetch(t_terrain, neighbour_cell(p, d), 0).x;
}

// Whether a water texel is a river cell: flow of at least u_river_min and a receiver.
bool is_river(vec4 w) { return w.x >= u_river_min && w.y > 0.5 && w.y < 8.5; }

void main() {
    ivec2 p = frag_cell();
    float lat = cell_latlon(p).x;
    vec4 ter = texelFetch(t_terrain, p, 0);
    vec4 wat = texelFetch(t_water, p, 0);
    vec4 moist = texelFetch(t_moisture, p, 0);
    float t = surface_temperature(texelFetch(t_air, p, 0), ter.x, lat);
    float rain = annual_precipitation(moist, lat);
    o_view_surf = vec4(ter.x, t, rain, wat.w);
    float ge = elevation_at(p, ivec2(1, 0)) - elevation_at(p, ivec2(-1, 0));
    float gn = elevation_at(p, ivec2(0, 1)) - elevation_at(p, ivec2(0, -1));
    o_view_aux = vec4(ge, gn, texelFetch(t_life, p, 0).x, clamp(moist.z, 0.0, 1.0));
    float tau = cloud_optical_depth(texelFetch(t_cloud, p, 0));
    o_view_sky = vec4(tau, clamp(texelFetch(t_civ, p, 0).w, 0.0, 1.0), 0.0, 0.0);

#ifndef RIVERS
#define RIVERS 1
#endif
#if RIVERS
    // The river network: this cell's strength and receiver, the tributary of most flow among
    // the neighbours that drain here, and whether any river cell lies in the 3x3 block. Away
    // from the pole rows a donor's receiver is the opposite direction (lib/grid.glsl's
    // drains_into: across a pole it is not).
    bool river = is_river(wat);
    bool near = river;
    int donor = 0;
    float donor_q = 0.0;
    for (int k = 0; k < 8; k++) {
        ivec2 q = neighbour_cell(p, D8[k]);
        vec4 wq = texelFetch(t_water, q, 0);
        bool rq = is_river(wq);
        near = near || rq;
        if (rq && wq.x > donor_q && drains_into(q, int(wq.y + 0.5), k, p)) {
            donor = k + 1;
            donor_q = wq.x;
        }
    }
    float s = -1.0;
    float next = 0.0;
    int r = int(wat.y + 0.5);
    if (river) {
        float lmin = log(max(u_river_min, 1.0));
        float lmax = max(log(max(u_flow_max, 2.0)), lmin + 1.0);
        s = clamp((log(wat.x) - lmin) / (lmax - lmin), 0.0, 1.0);
        float rr = texelFetch(t_water, neighbour_cell(p, D8[r - 1]), 0).y;
        next = clamp(floor(rr + 0.5), 0.0, 8.0);
    }
    o_view_rivers = vec4(s, river ? float(r) : 0.0, float(donor), near ? 1.0 + next : 0.0);
#else
    o_view_rivers = vec4(-1.0, 0.0, 0.0, 0.0); // no river drawn: none baked
#endif
}
