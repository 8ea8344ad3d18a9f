"""Turn pydantic's validation errors into plain words with a field path and a fix.

pydantic's own messages ("Input should be a valid date or datetime, input is
too short") are written for programmers; the people filling in a patient file
need to know which field, what is wrong with it and what to write instead.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from advocacy.errors import Problem
from advocacy.textcheck import MAX_LONG_TEXT, MAX_TOTAL_TEXT, printable, shown

_DATE_FIX = "Write it as YYYY-MM-DD, for example 1972-03-14."


def format_path(loc: tuple[int | str, ...]) -> str:
    """``("goals", 2)`` -> ``goals[3]``: list items are counted from 1, as people count."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part + 1}]"
        else:
            path += f".{part}" if path else part
    return path


def problems_from_validation_error(exc: ValidationError, root: type[BaseModel]) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        problems.append(_problem(error, root))
    return problems


def _problem(error: ErrorDetails, root: type[BaseModel]) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    path = format_path(loc)

    if kind == "extra_forbidden":
        return _unknown_field(loc, root)
    if kind == "reduced_not_lower":
        # Raised by the file as a whole (the first dose may be a default); it
        # is about this one field.
        return Problem("trial.reduced_dose_mcg", error["msg"])
    if kind == "writer_name_missing":
        return Problem(format_path((*loc, "name")), error["msg"])
    if value is None and kind not in {"missing", "extra_forbidden"}:
        # `name:` with nothing after it: YAML reads an empty value as null.
        return Problem(path, "is empty.", "Fill it in, or delete the line if it is optional.")
    if kind == "missing":
        description = _description(loc, root)
        fix = f"Add it ({description})." if description else "Add it."
        return Problem(path, "is required but missing.", fix)
    if kind in {
        "date_type",
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
    }:
        return Problem(path, f"{_show(value)} is not a date.", _DATE_FIX)
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        return _out_of_range(path, kind, ctx, value)
    if kind in {"int_parsing", "int_type", "int_from_float", "float_parsing", "float_type"}:
        return Problem(path, f"{_show(value)} is not a number.", "Write digits only, like 50.")
    if kind in {"bool_type", "bool_parsing"}:
        return Problem(path, f"{_show(value)} is not yes or no.", "Write true or false.")
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        return Problem(path, f"{_show(value)} is not allowed.", f"Use one of: {expected}.")
    if kind in {"string_too_short"}:
        return Problem(path, "is empty.", "Fill it in, or remove the line if it is optional.")
    if kind == "too_long":
        count = ctx.get("actual_length")
        items = f"{count:,} items" if isinstance(count, int) else "too many items"
        return Problem(
            path,
            f"has {items}; the limit is {ctx.get('max_length')}.",
            "Keep the ones that matter most.",
        )
    if kind == "string_too_long":
        return Problem(
            path,
            f"is {len(str(value)):,} characters long; the limit is {ctx.get('max_length'):,}.",
            "Shorten it.",
        )
    if kind == "string_unicode":
        # "\ud800" written as an escape: half a character, which no file can hold.
        return Problem(
            path,
            "contains half of a character (a lone surrogate, written as an escape like \\ud800).",
            "Retype the text without it.",
        )
    if kind in {"string_type"}:
        return Problem(path, f"{_show(value)} should be text.", "Put it in quotes.")
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return Problem(
            path or "(top level)",
            "should be a section with named fields, not a single value.",
            "Indent its fields under it, as in the file `advocacy init` writes.",
        )
    if kind in {"tuple_type", "list_type"}:
        return Problem(
            path, "should be a list.", "Write one item per line, each starting with '- '."
        )
    # Our own PydanticCustomError messages are already written for people; some
    # echo the value, which must not run to megabytes.
    message = error["msg"]
    if len(message) > 400:
        message = f"{message[:400]}…"
    return Problem(path, printable(message))


def at_lines(problems: list[Problem], lines: dict[str, int]) -> list[Problem]:
    """Each problem with the line of its field, or of the nearest section that is
    there (a missing field: the section it belongs in)."""
    if not lines:
        return problems
    placed = []
    for problem in problems:
        path = problem.path
        while path and path not in lines:
            shorter = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", path)
            path = shorter if shorter != path else ""
        line = lines.get(path) if path else None
        placed.append(dataclasses.replace(problem, line=line))
    return placed


def _show(value: Any) -> str:
    # Never the whole value: a YAML alias can make one field megabytes long.
    return shown(value)


def early_problems(raw: Any, root: type[BaseModel]) -> tuple[list[Problem], Any]:
    """Values no letter should carry, found before the schema reads them; returns
    the problems and ``raw`` without those values (so nothing else trips on them).

    A placeholder from ``advocacy init`` (``<your full name>``) names a field
    still to fill in.

    Infinity and NaN (``.inf``, ``1e400``, JSON ``Infinity``) would break the
    dose arithmetic; digits other than 0-9 (Bengali ৪০ is 40) are read by
    Python without a word, so a dose could come from text nobody checking
    the letter can read.
    """
    if _text_size(raw) > MAX_TOTAL_TEXT:
        whole = Problem(
            "",
            f"holds more than {MAX_TOTAL_TEXT:,} characters of text, more than a letter can"
            " carry (about ten pages).",
            "Shorten the statement, the goals or the lists.",
        )
        return [whole], raw
    problems: list[Problem] = []
    found: list[tuple[int | str, ...]] = []
    stack: list[tuple[Any, tuple[int | str, ...]]] = [(raw, ())]
    while stack:
        value, loc = stack.pop(0)  # in the file's order
        model = _model_at(loc, root) if isinstance(value, typing.Mapping) else None
        if model is None:
            continue
        for key, item in value.items():
            info = model.model_fields.get(key) if isinstance(key, str) else None
            if info is None:
                continue
            where = (*loc, key)
            if item is None and not info.is_required() and find_model(info.annotation):
                # A section whose every line was deleted (`appointment:` alone): nothing said.
                found.append(where)
                continue
            problem = _early_problem(item, info, format_path(where))
            if problem is not None:
                problems.append(problem)
                found.append(where)
            elif isinstance(item, typing.Mapping):
                stack.append((item, where))
    for where in found:
        raw = _without(raw, where)
    return problems, raw


def _early_problem(item: Any, info: FieldInfo, path: str) -> Problem | None:
    from advocacy.starter import is_placeholder

    annotation = info.annotation
    if is_placeholder(item):
        optional = "" if info.is_required() else ", or delete the line"
        return Problem(
            path, f"still holds the example text {_show(item)}.", f"Write yours{optional}."
        )
    if is_number(annotation) and isinstance(item, str) and _non_finite_text(item):
        item = float(item.strip())  # "inf" or "NaN" in a spreadsheet cell: as in a file
    if isinstance(item, float) and not math.isfinite(item):
        return Problem(
            path,
            f"{item} is not a number that can be printed.",
            "Write an ordinary number, like 50.",
        )
    if is_number(annotation) and isinstance(item, str):
        odd = [c for c in item if c.isdigit() and not c.isascii()]
        if odd:
            return Problem(
                path,
                f"{_show(item)} uses digits other than 0-9 ({odd[0]} is U+{ord(odd[0]):04X}).",
                "Write the number with the digits 0 to 9.",
            )
    return None


def _text_size(raw: Any) -> int:
    """Characters of text in ``raw``, counting no further than just past the limit
    (YAML aliases make shared values count each time they are used)."""
    total = 0
    stack = [raw]
    while stack and total <= MAX_TOTAL_TEXT:
        value = stack.pop()
        if isinstance(value, str):
            if len(value) > MAX_LONG_TEXT:
                return 0  # over its own field's limit: that field's message says more
            total += len(value)
        elif isinstance(value, typing.Mapping):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
    return total


def _non_finite_text(text: str) -> bool:
    try:
        return not math.isfinite(float(text.strip()))
    except ValueError:
        return False


def _without(raw: Any, loc: tuple[int | str, ...]) -> Any:
    head, *rest = loc
    copy = dict(raw)
    if rest:
        copy[head] = _without(copy[head], tuple(rest))
    else:
        copy.pop(head, None)
    return copy


def is_number(annotation: Any) -> bool:
    """Whether a field holds a number (``Dose``, ``float | None``…), not text."""
    if annotation in (int, float):
        return True
    origin = typing.get_origin(annotation)
    if origin in {typing.Union, types.UnionType, typing.Annotated}:
        return any(is_number(arg) for arg in typing.get_args(annotation)[:2])
    return False


def _out_of_range(path: str, kind: str, ctx: dict[str, Any], value: Any) -> Problem:
    limit = next(iter(ctx.values()), None)
    words = {
        "greater_than_equal": "at least",
        "less_than_equal": "at most",
        "greater_than": "more than",
        "less_than": "less than",
    }[kind]
    unit = ""
    fix = ""
    if path.endswith("_mcg"):
        unit = " micrograms"
        fix = "Screening doses are 5 to 100 micrograms (the label's standard first dose is 50)."
    elif path.endswith("_mg_per_day"):
        unit = " mg a day"
    return Problem(
        path, f"{_show(value)}{unit} is out of range: it must be {words} {limit}{unit}.", fix
    )


def _unknown_field(loc: tuple[int | str, ...], root: type[BaseModel]) -> Problem:
    *parent, key = loc
    model = _model_at(tuple(parent), root)
    allowed = list(model.model_fields) if model else []
    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
    if close:
        fix = f"Did you mean '{close[0]}'?"
    elif allowed:
        fix = "Allowed here: " + ", ".join(allowed) + "."
    else:
        fix = "Remove it."
    return Problem(printable(format_path(loc))[:200], "unknown field.", fix)


def _model_at(loc: tuple[int | str, ...], root: type[BaseModel]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = root
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        model = find_model(info.annotation) if info else None
    return model


def find_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside an annotation (``Writer``, ``EmergencyContact | None``,
    ``list[Goal]``), or None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in {typing.Union, types.UnionType, typing.Annotated, tuple, list}:
        for arg in typing.get_args(annotation):
            found = find_model(arg)
            if found:
                return found
    return None


def _description(loc: tuple[int | str, ...], root: type[BaseModel]) -> str:
    *parent, key = loc
    model = _model_at(tuple(parent), root)
    if model is None or not isinstance(key, str) or key not in model.model_fields:
        return ""
    return (model.model_fields[key].description or "").rstrip(".")
