"""The house keeps its shape (issue 13): package modules stay small, no module borrows
another's private names, the import contracts catch a violation, and nothing in the
repository links outside it."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "planetsim"
MAX_LINES = 500


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_package_module_is_over_500_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def _package_of(p: Path) -> str:
    """The package a module's relative imports start from (a package's __init__: itself)."""
    return ".".join(p.relative_to(ROOT).with_suffix("").parts[:-1])


def _imported_module(p: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = _package_of(p).split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def test_no_module_imports_private_names_from_another_package():
    """`from x import _name` couples a module to what x may change at will (the window once
    borrowed the CLI's _positive_float). Modules of one package may share their helpers;
    across packages only public names travel. Dunders (__version__) are public."""
    found = []
    for p in _modules():
        here = _package_of(p)
        for node in ast.walk(ast.parse(p.read_text())):
            if not isinstance(node, ast.ImportFrom):
                continue
            there = _imported_module(p, node)
            for alias in node.names:
                n = alias.name
                private = n.startswith("_") and not (n.startswith("__") and n.endswith("__"))
                if private and there.rsplit(".", 1)[0] != here and there != here:
                    found.append(f"{p.relative_to(ROOT)}:{node.lineno}: {there}.{n}")
    assert not found, "private names imported across packages: " + ", ".join(found)


def test_the_contracts_catch_a_core_module_importing_a_front_end(tmp_path):
    """A copy of the package whose core imports the command line must fail lint-imports,
    while the package itself keeps every contract."""
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(exe).exists():
        pytest.fail("lint-imports is missing: install the test extras (pip install '.[test]')")
    shutil.copytree(PACKAGE, tmp_path / "planetsim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")

    def lint() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [exe, "--no-cache"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
            env={"PYTHONPATH": str(tmp_path), "PATH": ""},
        )  # fmt: skip

    kept = lint()
    assert kept.returncode == 0, kept.stdout[-3000:]
    fields = tmp_path / "planetsim" / "core" / "fields.py"
    fields.write_text(
        fields.read_text() + "\n\ndef _oops() -> None:\n    from ..frontends import cli  # noqa\n"
    )
    broken = lint()
    assert broken.returncode != 0
    assert "planetsim.core.fields -> planetsim.frontends.cli" in broken.stdout


LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_nothing_in_the_repository_links_outside_it():
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    bad = []
    for doc in docs:
        for target in LINK.findall(doc.read_text()):
            if re.match(r"^[a-z]+://", target) or target.startswith("#"):
                continue
            path = (doc.parent / target.split("#")[0]).resolve()
            if ROOT not in path.parents and path != ROOT or not path.exists():
                bad.append(f"{doc.name}: {target}")
    assert not bad, f"links that leave the repository or lead nowhere: {bad}"


def test_the_architecture_page_names_every_field():
    """docs/architecture.md stays true as stages add fields: each registered field is there."""
    import planetsim  # noqa: F401  (registers the stages and their fields)
    from planetsim.core.fields import FIELDS

    page = (ROOT / "docs" / "architecture.md").read_text()
    missing = [name for name in FIELDS if f"`{name}`" not in page]
    assert not missing, f"fields missing from docs/architecture.md: {missing}"
