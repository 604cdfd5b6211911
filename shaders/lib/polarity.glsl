// Which plate rides over which where ocean floor meets ocean floor. Needs the uniforms
// u_plate_over (float[16]: a bit mask per plate, kept by the stage: the older floor along a
// boundary subducts) and u_plate_rank (the buoyancy order, for pairs not yet in contact).
bool over(int a, int b) {
    if (((int(u_plate_over[a]) >> b) & 1) != 0) return true;
    if (((int(u_plate_over[b]) >> a) & 1) != 0) return false;
    return u_plate_rank[a] > u_plate_rank[b];
}
