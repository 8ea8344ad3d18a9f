"""The site's HTML pages: one Jinja environment, autoescaped, StrictUndefined.

The letter's environment lives in ``render.py``; the site's pages are a
different set of templates (``web/templates``), so they get their own, with
the same safety rules: every answer is text, never markup, and a name the
template forgets to pass fails instead of printing blank.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
