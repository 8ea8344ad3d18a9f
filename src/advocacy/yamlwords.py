"""YAML and TOML mistakes in plain words, at the line where the fix goes.

ruamel's messages ("mapping values are not allowed here") are written for
people who know the grammar; the person filling in a patient file needs to
know that the value with a colon in it wants quotes, or that a tab crept in.
"""

from __future__ import annotations

import re

_KEY_THEN_COLON = re.compile(r"^\s*(?:-\s+)?[^:#'\"]+:\s+[^'\"].*?:(\s|$)")


def describe_syntax_error(exc: Exception, text: str) -> tuple[str, str]:
    """(what is wrong, with its line; the fix) for a parser's exception."""
    from ruamel.yaml.error import MarkedYAMLError

    if not isinstance(exc, MarkedYAMLError):
        return " ".join(str(exc).split()).rstrip(".") + ".", "Fix the syntax there."
    problem = exc.problem or ""
    context = exc.context or ""
    lines = text.splitlines()
    problem_line = exc.problem_mark.line + 1 if exc.problem_mark else 0
    context_line = exc.context_mark.line + 1 if exc.context_mark else 0

    def line_text(number: int) -> str:
        return lines[number - 1] if 0 < number <= len(lines) else ""

    if "'\\t'" in problem:
        return (
            f"line {problem_line} has a tab; YAML lines are indented with spaces only.",
            "Replace the tab with spaces.",
        )
    if "mapping values are not allowed" in problem:
        if _KEY_THEN_COLON.match(line_text(problem_line)):
            return (
                f"line {problem_line}: the value has a colon followed by a space in it.",
                'Put the whole value in quotes, like: diagnosis: "HSP: SPG4".',
            )
        return (
            f"line {problem_line} is indented more than the field above it.",
            "Line up the fields of one section with the same number of spaces.",
        )
    if "expected <block end>" in problem or "expected <block mapping start>" in problem:
        return (
            f"line {problem_line} is not lined up with the fields around it.",
            "Line up the fields of one section with the same number of spaces.",
        )
    if "quoted scalar" in context:
        return (
            f"line {context_line}: a quote opened here is never closed.",
            "Add the closing quote at the end of the value.",
        )
    if "duplicate key" in problem:
        key = re.search(r'duplicate key "([^"]{0,60})', problem)
        name = f"'{key.group(1)}'" if key else "a field"
        return (
            f"line {problem_line}: {name} is written twice in the same section.",
            "Keep one of them.",
        )
    mark = exc.context_mark or exc.problem_mark
    words = "; ".join(part for part in (context, problem) if part)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"{where}{words}.", "Fix the syntax there."
