"""The whole path in one place: patient file -> model -> context -> HTML -> PDF.

Each step is a plain function the CLI, the batch runner, a notebook or a
test can call: ``render_pdf(load_patient("me.yaml"))``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from advocacy import document
from advocacy.model import PatientFile
from advocacy.options import RenderOptions


def render_html(
    patient: PatientFile,
    options: RenderOptions | None = None,
    *,
    today: dt.date | None = None,
    standalone: bool = False,
) -> str:
    """The document as HTML. ``standalone`` links the stylesheets for viewing in a browser."""
    from advocacy import render, resources

    options = options or document.options_for(patient)
    context = document.build_context(patient, options, today=today)
    if standalone:
        styles = resources.styles_dir()
        context["stylesheet_hrefs"] = [(styles / n).as_uri() for n in options.stylesheet_names()]
        context["inline_css"] = options.page_css()
    return render.render_html(document.TEMPLATE, context)


def render_pdf(
    patient: PatientFile,
    options: RenderOptions | None = None,
    *,
    today: dt.date | None = None,
    renderer: Any = None,
) -> bytes:
    """The document as PDF bytes. Pass a warm ``Renderer`` to reuse fonts and styles."""
    from advocacy import render

    options = options or document.options_for(patient)
    html = render_html(patient, options, today=today)
    return (renderer or render.default_renderer()).pdf(html, options)
