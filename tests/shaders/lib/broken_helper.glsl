// a helper with a deliberate compile error
float helper(float x) {
    float y = x * 2.0;
    return y + undefined_name;
}
