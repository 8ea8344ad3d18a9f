"""Jinja filters: formatting only, no arithmetic. Values arrive finished."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jinja2

from advocacy import i18n, notation


def install(env: jinja2.Environment) -> None:
    env.filters["dose"] = _dose
    env.filters["volume"] = notation.format_volume
    env.filters["mg"] = notation.format_mg
    env.filters["longdate"] = _longdate


@jinja2.pass_context
def _dose(context: Any, mcg: int) -> str:
    return notation.format_dose(mcg, context["lang"])


@jinja2.pass_context
def _longdate(context: Any, value: dt.date) -> str:
    return i18n.format_date(value, context["lang"])
