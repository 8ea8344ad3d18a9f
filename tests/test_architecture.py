"""The layering the project promises: only render.py imports Jinja and WeasyPrint,
and nothing below the command line imports Click."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

SOURCES = sorted((ROOT / "src" / "advocacy").glob("*.py"))


def _imports(path) -> set[str]:  # type: ignore[no-untyped-def]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_layering(path) -> None:  # type: ignore[no-untyped-def]
    imports = _imports(path)
    if path.name != "render.py":
        assert not imports & {"jinja2", "weasyprint"}, path.name
    if path.name not in {"cli.py", "__main__.py"}:
        assert "click" not in imports, path.name
