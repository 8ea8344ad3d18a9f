"""``advocacy init``: a commented example patient file to fill in."""

from __future__ import annotations

from pathlib import Path

from advocacy import output, resources

EXAMPLE = "patient.yaml"


def example_text() -> str:
    return (resources.templates_dir() / EXAMPLE).read_text(encoding="utf-8")


def write_example(path: Path, *, force: bool = False) -> None:
    output.write_atomic(path, example_text().encode("utf-8"), force=force)
