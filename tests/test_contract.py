"""Every registered pass: its declaration and its shader agree (Landlab-style contract)."""

from __future__ import annotations

import re

import pytest

from planetsim.core.fields import FIELDS
from planetsim.core.registry import PASSES, STAGES
from planetsim.core.shaders import assemble, resolve_path


@pytest.mark.parametrize("name", sorted(PASSES))
def test_declaration_and_shader_agree(make_sim, name):
    decl = PASSES[name]
    sim = make_sim()
    cp = sim.runner.compile(decl)
    prog = cp.program
    for f in decl.fields:
        assert f.field in FIELDS, f"{name}: unknown field {f.field}"
        if f.reads:
            assert f"t_{f.field}" in prog, f"{name}: declared input {f.field} is not used"
    for u in decl.uniforms:
        assert u.glsl in prog, f"{name}: declared uniform {u.name} is not used"
    body = resolve_path(decl.shader).read_text()
    # Declarations are generated: a pass shader writes none of its own.
    assert not re.search(r"^\s*(layout\s*\(.*\)\s*)?out\s+vec4", body, re.M), name
    assert not re.search(r"^\s*uniform\s", body, re.M), f"{name}: declares its own uniform"
    assert re.search(r"^//.*(Reads|reads)", body, re.M), f"{name}: header says what it reads"
    # Everything the shader writes is declared (o_<field> only for declared outputs).
    full = assemble(decl.shader).text
    for m in set(re.findall(r"\bo_(\w+)\s*=", full)):
        assert m in decl.writes, f"{name}: writes o_{m} but does not declare it"


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_no_channel_has_two_writers_in_a_stage(stage):
    """Init passes (run once, before the schedule) may set what scheduled passes evolve.
    Scratch fields are exempt: they hold a pass sequence's intermediates (the rivers' tour is
    built by one pass and jumped by another), and no other stage reads them."""
    from planetsim.core.fields import FIELDS

    writers: dict[tuple[str, str], str] = {}
    st = STAGES[stage]
    for pname in dict.fromkeys([*(s.pass_name for s in st.steps), *st.hook_passes]):
        decl = PASSES[pname]
        assert decl.stage == stage, f"{pname} is scheduled in {stage} but declared in {decl.stage}"
        for f in decl.fields:
            if not f.writes or FIELDS[f.field].scratch:
                continue
            for c in f.channels:
                key = (f.field, c)
                assert key not in writers, (
                    f"{stage}: {f.field}.{c} written by {writers.get(key)} and {pname}"
                )
                writers[key] = pname
