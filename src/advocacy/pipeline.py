"""The whole path in one place: patient file -> model -> context -> HTML -> PDF.

Each step is a plain function the CLI, the batch runner, a notebook or a
test can call: ``render_pdf(load_patient("me.yaml"))``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from advocacy import document
from advocacy.model import Organisation, PatientFile
from advocacy.options import RenderOptions


def render_html(
    patient: PatientFile,
    options: RenderOptions | None = None,
    *,
    today: dt.date | None = None,
    standalone: bool = False,
    org: Organisation | None = None,
    org_logo_url: str | None = None,
) -> str:
    """The document as HTML. ``standalone`` links the stylesheets for viewing in a browser.

    ``org`` replaces the file's own organisation (a support group printing for
    its members); ``org_logo_url`` must be a URL the renderer may read.
    """
    from advocacy import render, resources

    options = options or document.options_for(patient)
    context = document.build_context(
        patient, options, today=today, org=org, org_logo_url=org_logo_url
    )
    if standalone:
        styles = resources.styles_dir()
        context["stylesheet_hrefs"] = [(styles / n).as_uri() for n in options.stylesheet_names()]
        context["inline_css"] = options.page_css()
    return render.render_html(document.TEMPLATE, context)


def render_blank_html(
    options: RenderOptions,
    *,
    org: Organisation | None = None,
    org_logo_url: str | None = None,
    fillable: bool = False,
    today: dt.date | None = None,
) -> str:
    """A copy to fill in by hand (or, with ``fillable``, in a PDF reader's form fields).

    ``org_logo_url`` must be a URL the renderer may read (``Renderer.allow_file``).
    """
    from advocacy import render

    context = document.build_blank_context(
        options, org=org, org_logo_url=org_logo_url, fillable=fillable, today=today
    )
    return render.render_html(document.TEMPLATE, context)


def render_pdf(
    patient: PatientFile,
    options: RenderOptions | None = None,
    *,
    today: dt.date | None = None,
    renderer: Any = None,
    org: Organisation | None = None,
    org_logo_url: str | None = None,
) -> bytes:
    """The document as PDF bytes. Pass a warm ``Renderer`` to reuse fonts and styles."""
    from advocacy import render

    options = options or document.options_for(patient)
    html = render_html(patient, options, today=today, org=org, org_logo_url=org_logo_url)
    return (renderer or render.default_renderer()).pdf(html, options)
