// blit: draws one texture into the current viewport (the window's picture and text, the
// labels the views composite over their pictures).
// Reads: u_image (any RGBA8 texture). Writes: the window's colour buffer.
// Not a pass: it has its own uniforms and never touches a field.
uniform sampler2D u_image;
uniform bool u_flip;  // numpy pictures arrive top row first; GL textures are bottom row first

in vec2 v_uv;
out vec4 f_color;

void main() {
    vec2 uv = vec2(v_uv.x, u_flip ? 1.0 - v_uv.y : v_uv.y);
    f_color = texture(u_image, uv);
}
