"""The starter, templates/patient.yaml, checked against the model it documents.

It is the one example patient file (``advocacy init`` writes it with
placeholders), so it must not fall behind the model: every field the model
has appears in it, as a key or as an example in a comment, and every such
example is one the model accepts once its ``# `` is taken away.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from advocacy import resources, starter
from advocacy.loading import parse_text
from advocacy.model import PatientFile, load_patient, validate_patient
from advocacy.validation import find_model

STARTER = resources.templates_dir() / starter.EXAMPLE
# Fixed, so the example's appointment (2027) stays in the future.
TODAY = dt.date(2026, 1, 1)
# An example in a comment is a key with its value, "# " written before the
# key's own indentation: "  # weight_kg: 24.5" or "#   name: Jo Example".
# A note may start with a word and a colon too ("# consensus: 25 first…"),
# so only the model's own field names count as keys.
_EXAMPLE_LINE = re.compile(r"^(?P<indent> *)# (?P<body> *(?P<key>[a-z_]+):(?: .*)?)$")


def _lines() -> list[str]:
    return STARTER.read_text(encoding="utf-8").splitlines()


def _example_line(line: str) -> re.Match[str] | None:
    match = _EXAMPLE_LINE.match(line)
    return match if match and match["key"] in FIELD_NAMES else None


def _examples() -> list[list[int]]:
    """The commented examples, as runs of consecutive lines (a section's lines
    belong together: ``# writer:`` with its ``#   name:``)."""
    runs: list[list[int]] = []
    for number, line in enumerate(_lines()):
        if _example_line(line):
            if runs and runs[-1][-1] == number - 1:
                runs[-1].append(number)
            else:
                runs.append([number])
    return runs


def _uncommented(numbers: set[int]) -> str:
    lines = _lines()
    for number in numbers:
        match = _example_line(lines[number])
        assert match, lines[number]
        lines[number] = match["indent"] + match["body"]
    return "\n".join(lines) + "\n"


def _parse(text: str) -> Any:
    return parse_text(text, ".yaml", str(STARTER))


def _model_paths(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        yield path
        section = find_model(info.annotation)
        if section is not None:
            yield from _model_paths(section, f"{path}.")


def _data_paths(data: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield f"{prefix}{key}"
            yield from _data_paths(value, f"{prefix}{key}.")


FIELD_NAMES = {path.rsplit(".", 1)[-1] for path in _model_paths(PatientFile)}
EXAMPLES = _examples()


def _key(run: list[int]) -> str:
    match = _example_line(_lines()[run[0]])
    assert match
    return match["key"]


EVERY_EXAMPLE = {number for run in EXAMPLES for number in run}


def test_the_starter_as_shipped_loads_without_a_warning() -> None:
    loaded = load_patient(STARTER, today=TODAY)
    assert loaded.warnings == []
    # What init writes from it is the same file with placeholders, refused until filled in.
    assert "<your full name>" in starter.starter_text()


def test_every_field_of_the_model_is_in_the_starter() -> None:
    written = set(_data_paths(_parse(_uncommented(EVERY_EXAMPLE))))
    missing = [path for path in _model_paths(PatientFile) if path not in written]
    assert not missing, f"add these to {STARTER.name}, as keys or commented examples: {missing}"


def test_the_starter_gives_examples_in_comments() -> None:
    # The examples below are found by a pattern: a starter whose comments it
    # stopped matching would pass them with nothing checked.
    first_keys = {_key(run) for run in EXAMPLES}
    assert {"writer", "trial", "organisation", "weight_kg", "salutation"} <= first_keys


@pytest.mark.parametrize(
    "run",
    EXAMPLES,
    ids=[f"line-{run[0] + 1}-{_key(run)}" for run in EXAMPLES],
)
def test_each_commented_example_is_valid_once_uncommented(run: list[int]) -> None:
    shipped = _parse("\n".join(_lines()) + "\n")
    data = _parse(_uncommented(set(run)))
    assert data != shipped, "uncommenting the example changed nothing"
    validate_patient(data, str(STARTER), today=TODAY)


def test_all_commented_examples_together_are_valid() -> None:
    validate_patient(_parse(_uncommented(EVERY_EXAMPLE)), str(STARTER), today=TODAY)


def _choices(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, tuple[str, ...]]]:
    for name, info in model.model_fields.items():
        section = find_model(info.annotation)
        if section is not None:
            yield from _choices(section, f"{prefix}{name}.")
            continue
        for argument in (info.annotation, *typing.get_args(info.annotation)):
            if typing.get_origin(argument) is typing.Literal:
                yield f"{prefix}{name}", typing.get_args(argument)


@pytest.mark.parametrize(("path", "allowed"), list(_choices(PatientFile)), ids=lambda x: str(x))
def test_every_choice_the_model_allows_is_named_beside_its_key(
    path: str, allowed: tuple[str, ...]
) -> None:
    """A key with fixed choices (walking, relationship, language, paper) lists
    them all on its line or in the notes just above it."""
    lines = _uncommented(EVERY_EXAMPLE).splitlines()
    key = path.rsplit(".", 1)[-1]
    at = next(i for i, line in enumerate(lines) if re.match(rf"^ *{key}:", line))
    notes = [at]
    while notes[0] > 0 and lines[notes[0] - 1].strip().startswith("#"):
        notes.insert(0, notes[0] - 1)
    said = " ".join(lines[i] for i in notes)
    assert [value for value in allowed if value not in said] == [], said
