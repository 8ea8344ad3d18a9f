"""The layering the project promises, checked on the source:

- only render.py imports Jinja and WeasyPrint (the web form's own pages are
  the one other Jinja environment, in web/pages.py);
- only pdfedit.py imports pikepdf;
- only loading.py parses data files (YAML, JSON, TOML): patient files,
  organisation files, defaults, interview answers, roster lists and API bodies
  all go through its size, depth and encoding checks (spreadsheets are tables,
  read by group/roster.py);
- a render goes through pipeline.py: nothing else builds a template context or
  renders the document template;
- nothing below the command line imports Click;
- data flows one way: the core (the modules at the top of the package) never
  imports a wing (group/, interview/, web/), and the group features and the
  interview do not import each other or the web form;
- every error class lives in errors.py, under UsageError (exit 2) or Failure (exit 1).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil

import pytest

import advocacy
from advocacy import errors
from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "advocacy"
SOURCES = sorted(PACKAGE.rglob("*.py"))
IDS = [str(p.relative_to(PACKAGE)) for p in SOURCES]

ONLY_IN = {
    "jinja2": {"render.py", "web/pages.py"},
    "weasyprint": {"render.py"},
    "pikepdf": {"pdfedit.py"},
    "click": {"cli.py", "__main__.py"},
}
PARSERS = {"json", "tomllib", "tomli", "yaml", "YAML"}
PARSE_CALLS = {"load", "loads", "load_all", "safe_load"}
RENDER_STEPS = {"build_context", "build_blank_context", "render_html"}


def _tree(path) -> ast.Module:  # type: ignore[no-untyped-def]
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_each_library_has_one_home(path) -> None:  # type: ignore[no-untyped-def]
    name = str(path.relative_to(PACKAGE))
    imports = _imports(_tree(path))
    for library, homes in ONLY_IN.items():
        if name not in homes:
            assert library not in imports, f"{name} imports {library}; only {homes} may"


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_only_the_reader_parses_data_files(path) -> None:  # type: ignore[no-untyped-def]
    name = str(path.relative_to(PACKAGE))
    if name == "loading.py":
        return
    for node in ast.walk(_tree(path)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in PARSE_CALLS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in PARSERS
        ):
            pytest.fail(f"{name}:{node.lineno} parses data itself; use advocacy.loading")


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_a_render_goes_through_the_pipeline(path) -> None:  # type: ignore[no-untyped-def]
    name = str(path.relative_to(PACKAGE))
    if name in {"pipeline.py", "context.py", "render.py"}:
        return
    for node in ast.walk(_tree(path)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in RENDER_STEPS
            and isinstance(node.value, ast.Name)
            and node.value.id in {"context", "render"}
        ):
            pytest.fail(f"{name}:{node.lineno} calls {node.value.id}.{node.attr}; use pipeline")


WINGS = {"group", "interview", "web"}
# Who may import which wing, beyond the wing itself: the command line runs
# every feature, and the web form offers the interview and the batch.
WING_USERS = {"cli.py": WINGS, "web": {"group", "interview"}}


def _advocacy_imports(tree: ast.Module) -> set[str]:
    """The advocacy subpackages and modules a file imports (``group``, ``pipeline``)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("advocacy"):
            parts = node.module.split(".")
            if len(parts) > 1:
                found.add(parts[1])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "advocacy" and len(parts) > 1:
                    found.add(parts[1])
    return found


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_data_flows_from_the_core_to_the_wings(path) -> None:  # type: ignore[no-untyped-def]
    name = str(path.relative_to(PACKAGE))
    home = name.split("/")[0] if "/" in name else name
    allowed = WING_USERS.get(home, set()) | {home}
    used = _advocacy_imports(_tree(path)) & WINGS
    assert used <= allowed, f"{name} imports the wing(s) {sorted(used - allowed)}"


def _all_modules() -> list[str]:
    # advocacy.__main__ would run the command line.
    names = [info.name for info in pkgutil.walk_packages(advocacy.__path__, prefix="advocacy.")]
    return [name for name in names if not name.endswith("__main__")]


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_every_error_class_lives_in_errors_under_one_family() -> None:
    for module in _all_modules():
        importlib.import_module(module)
    families = {errors.UsageError: 2, errors.Failure: 1}
    for cls in _subclasses(errors.AdvocacyError) - set(families):
        assert cls.__module__ == "advocacy.errors", f"{cls.__module__}.{cls.__name__}"
        family = [f for f in families if issubclass(cls, f)]
        assert len(family) == 1, cls.__name__
        assert cls.exit_code == families[family[0]], cls.__name__
