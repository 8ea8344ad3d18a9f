"""Which characters the bundled fonts can show, and which patient text they cannot.

The PDF uses only the fonts that ship with advocacy (see styles/fonts/fonts.conf),
so a character outside them would print as an empty box. Rather than let that
happen silently, the patient's text is checked before rendering and every such
character is reported with the field it is in.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import cache
from typing import Any

from pydantic import BaseModel

from advocacy import resources
from advocacy.errors import Problem
from advocacy.validation import format_path


@cache
def covered_codepoints() -> frozenset[int]:
    """Every code point some bundled font has a glyph for."""
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for path in sorted(resources.fonts_dir().glob("*.ttf")):
        with TTFont(str(path), lazy=True) as font:
            covered.update(font.getBestCmap() or {})
    return frozenset(covered)


def _ignorable(char: str) -> bool:
    # Line breaks and other controls are layout, not glyphs.
    return unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}


def _strings(value: Any, loc: tuple[int | str, ...] = ()) -> Iterator[tuple[str, str]]:
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name), (*loc, name))
    elif isinstance(value, (tuple, list)):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))
    elif isinstance(value, str):
        yield format_path(loc), value


def unsupported_characters(data: BaseModel) -> list[Problem]:
    """One problem per field whose text has characters no bundled font can show."""
    covered = covered_codepoints()
    problems = []
    for path, text in _strings(data):
        missing = dict.fromkeys(c for c in text if ord(c) not in covered and not _ignorable(c))
        if missing:
            shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in missing)
            problems.append(
                Problem(
                    path,
                    f"has characters the bundled fonts cannot print: {shown}.",
                    "They would appear as empty boxes; write them in Latin, Greek or Cyrillic"
                    " letters, or by hand on the printed page.",
                )
            )
    return problems
