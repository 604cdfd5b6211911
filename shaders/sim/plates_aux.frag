// plates_aux: plate boundaries classified by the plates' relative motion, and how far each
// cell lies from the active ones (through its own plate).
// Reads: crust (x continental thickness km, z plate id), plate_aux (last step's distances),
// orogeny (x, y, z passed on). Writes: plate_aux = (km to the subduction boundary this
// plate overrides, km to the trench where this plate subducts, closing rate there cm/yr,
// km to a continental collision front), orogeny.w = this cell's boundary class (0 inside a
// plate, 1 overriding a subducting plate, 2 subducting, 3 collision, 4 opening, 5 sliding).
// At a cell of plate a next to a cell of plate b, the relative velocity is
// v = (w_b - w_a) x r (w: the plates' angular velocities, rad/Myr; r = R x, so v in m/Myr,
// 1 m/Myr = 1e-4 cm/yr), and c = v . n along the boundary normal n (from a towards b):
// closing if c < -converge_min, opening if c > converge_min, sliding otherwise (cm/yr).
// Closing: continental (>= 15 km) against continental is a collision; continental against
// oceanic, the ocean floor subducts; ocean against ocean, the boundary's recorded polarity
// (plate_over: the older floor at the boundary subducts) decides, else the buoyancy order
// (plate_rank), the same along the whole boundary.
// Distances grow one neighbour a step: d = min over same-plate neighbours (d' + step), 0 on
// the boundary itself, so they follow moving boundaries (and vanish with them). With
// aux_fresh the last distances are forgotten (a long move: they grow again from the boundaries).
#include "lib/grid.glsl"
#include "lib/crust.glsl"
#include "lib/polarity.glsl"

const float FAR = 1.0e5; // km: no such boundary in reach

void main() {
    ivec2 p = frag_cell();
    vec4 c = fetch(t_crust, p);
    vec4 oro = fetch(t_orogeny, p);
    int a = int(c.z);
    vec3 x = cell_unit(p);
    float dist[8];
    step_distances8(p, dist);
    float d_over = FAR;
    float d_trench = FAR;
    float d_col = FAR;
    float rate = 0.0;
    float over_rate = -1.0; // closing rate where this cell itself overrides
    int cls = 0;
    bool cont_p = c.x >= CONTINENTAL_KM;
    for (int k = 0; k < 8; k++) {
        ivec2 q = p + D8[k];
        vec4 cq = fetch(t_crust, q);
        int b = int(cq.z);
        float step_km = dist[k] * 1e-3;
        if (a < 0 || b < 0) continue;
        if (b == a) {
            vec4 aq = u_aux_fresh ? vec4(FAR, FAR, 0.0, FAR) : fetch(t_plate_aux, q);
            if (aq.x + step_km < d_over) {
                d_over = aq.x + step_km;
                rate = aq.z;
            }
            d_trench = min(d_trench, aq.y + step_km);
            d_col = min(d_col, aq.w + step_km);
            continue;
        }
        vec3 xq = cell_unit(q);
        vec3 n = xq - x;
        n = normalize(n - dot(n, x) * x);
        vec3 v = cross(u_plate_omega[b] - u_plate_omega[a], x) * u_radius * 1e-4; // cm/yr
        float closing = -dot(v, n);
        if (closing > u_converge_min) {
            bool cont_q = cq.x >= CONTINENTAL_KM;
            if (cont_p && cont_q) {
                d_col = 0.0;
                cls = 3;
            } else if (cont_p || (!cont_q && over(a, b))) {
                over_rate = max(over_rate, closing);
                if (cls != 3) cls = 1;
            } else {
                d_trench = 0.0;
                if (cls != 3) cls = 2;
            }
        } else if (closing < -u_converge_min) {
            if (cls == 0 || cls == 5) cls = 4;
        } else if (cls == 0) {
            cls = 5;
        }
    }
    if (over_rate >= 0.0) {
        d_over = 0.0;
        rate = over_rate;
    }
    o_plate_aux = vec4(min(d_over, FAR), min(d_trench, FAR), rate, min(d_col, FAR));
    o_orogeny = vec4(oro.xyz, float(cls));
}
