"""Locale-dependent wording: long unambiguous dates through Babel, and spelling.

Dates are written in full ("March 4, 2026" / "4 March 2026") because
04/03/2026 means different days on either side of the Atlantic.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date as _babel_format_date


def babel_locale(lang: str) -> str:
    return lang.replace("-", "_")


def format_date(value: dt.date, lang: str) -> str:
    return str(_babel_format_date(value, format="long", locale=babel_locale(lang)))
