"""Vectorised numpy implementations of the passes' rules: independent references for the
tests and the CPU side of the benchmark. Written from the equations in the pass headers, not
from the shaders' output."""
