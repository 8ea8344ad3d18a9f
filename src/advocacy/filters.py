"""Template filters: formatting only, no arithmetic. Values arrive finished.

Plain functions, so this module needs no Jinja: render.py registers them,
passing the document's language to those in ``BY_LANGUAGE``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from advocacy import i18n, notation

# A number and its unit never part at a line or page break in a document.
_NBSP = notation.NBSP


def format_ml(volume: Decimal) -> str:
    """A volume already worked out by the dose plan: ``Decimal("0.5")`` -> ``"0.5 mL"``."""
    return f"{notation.format_number(volume)}{_NBSP}mL"


def _dose(mcg: int, lang: str) -> str:
    return notation.format_dose(mcg, lang, _NBSP)


def _strength(mcg_per_ml: int, lang: str) -> str:
    return notation.format_strength(lang, mcg_per_ml, _NBSP)


def _volume(mcg: int) -> str:
    return notation.format_volume(mcg, _NBSP)


def _mg(value: float) -> str:
    return notation.format_mg(value, _NBSP)


def _kg(value: float) -> str:
    return f"{notation.format_number(value)}{_NBSP}kg"


def _listing(items: Any, lang: str) -> str:
    """``[1, 2, 4]`` -> "1, 2, and 4" (en-US) / "1, 2 and 4" (en-GB), by Babel's locale data."""
    from babel.lists import format_list

    return str(format_list([str(i) for i in items], locale=i18n.babel_locale(lang)))


_BLANK_LINES = re.compile(r"\n\s*\n")


def paragraphs(text: str) -> list[str]:
    """Free text split where the writer left a blank line; lines within are joined."""
    return [" ".join(part.split()) for part in _BLANK_LINES.split(text) if part.strip()]


# filter name -> f(value, lang)
BY_LANGUAGE: dict[str, Callable[[Any, str], str]] = {
    "dose": _dose,
    "strength": _strength,
    "longdate": i18n.format_date,
    "listing": _listing,
    "quoted": i18n.quoted,
}

# filter name -> f(value)
PLAIN: dict[str, Callable[[Any], Any]] = {
    "volume": _volume,
    "ml": format_ml,
    "mcg_unit": notation.microgram_unit,
    "mg": _mg,
    "kg": _kg,
    "number": notation.format_number,
    "volume_ml": notation.volume_ml,
    "paragraphs": paragraphs,
}
