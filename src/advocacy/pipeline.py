"""The whole path in one place: patient file -> model -> context -> HTML -> PDF.

A render is one call on one value. A :class:`Job` holds everything a render
needs (the patient, or none for a blank copy; the resolved options; the
checked branding; the warnings to show) and is built once, at the edge, by
whoever has the input: :func:`from_file` for a patient file, :func:`letter`
for a record already validated (a roster row, the interview's answers, a web
request), :func:`blank` for a copy to fill in by hand. Building a job is where
the characters are checked (``strict``), the options resolved and the logo
checked; :func:`render` then makes any format in :data:`FORMATS` from it, and
the renderer may read the job's logo for that render only.

Library use::

    from advocacy import from_file, render_pdf
    pdf = render_pdf(from_file("patient.yaml"))

:func:`render_file` is ``advocacy render``: the command line and the
interview call it; ``cli.py`` only parses and reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advocacy import output
from advocacy.errors import Problem, UnsupportedCharactersError
from advocacy.options import RenderOptions

# The command line reads FORMATS to list its choices, and `advocacy --help`
# must not pay for pydantic or WeasyPrint: the rest is imported where used.
if TYPE_CHECKING:
    from advocacy.branding import Branding
    from advocacy.model import PatientFile

WarningSink = Callable[[list[Problem], str], None]

STDOUT = Path("-")


# --------------------------------------------------------------------------- the job


@dataclass(frozen=True)
class Job:
    """Everything one render needs; frozen, and picklable for worker processes."""

    patient: PatientFile | None  # None: a blank copy to fill in by hand
    options: RenderOptions = RenderOptions()
    # The organisation printed on the document, its logo checked; None prints
    # the patient file's own organisation (if any) without a logo.
    brand: Branding | None = None
    warnings: tuple[Problem, ...] = ()
    today: dt.date | None = None  # the date printed when the file gives none

    @property
    def files(self) -> tuple[Path, ...]:
        """The user's own files the renderer may read for this job: the checked logo."""
        return (self.brand.logo,) if self.brand is not None and self.brand.logo else ()

    @property
    def fillable(self) -> bool:
        """A blank copy's spaces are PDF form fields (its options render them)."""
        return self.options.pdf_forms

    def with_options(self, **changes: Any) -> Job:
        return replace(self, options=replace(self.options, **changes))


def check_characters(data: Any, source: str, *, strict: bool) -> list[Problem]:
    """Characters the bundled fonts cannot show: warnings, or an error with ``strict``."""
    from advocacy import fontcheck

    problems = fontcheck.unsupported_characters(data)
    if problems and strict:
        raise UnsupportedCharactersError(source, problems)
    return problems


def letter(
    patient: PatientFile,
    options: RenderOptions | None = None,
    *,
    brand: Branding | None = None,
    source: str = "",
    warnings: Sequence[Problem] = (),
    strict: bool = False,
    today: dt.date | None = None,
    **overrides: Any,
) -> Job:
    """A job for a validated patient record.

    ``options`` default to the file's settings with ``overrides`` (``lang``,
    ``paper``…) on top. ``brand`` is a group's checked branding, which replaces
    the file's own organisation; without one the file's organisation is used
    and its logo checked here (``BrandingError`` names ``source`` and the fix).
    """
    from advocacy import branding, context

    if options is not None and overrides:
        msg = f"letter() takes options or overrides ({', '.join(overrides)}), not both"
        raise TypeError(msg)
    found = check_characters(patient, source, strict=strict)
    if options is None:
        options = context.options_for(patient, **overrides)
    if brand is None:
        brand = branding.brand(patient.organisation, source)
    return Job(patient, options, brand, (*warnings, *found), today=today)


def from_file(path: Path | str, *, strict: bool = False, **overrides: Any) -> Job:
    """A job for a patient file: read, validated, checked, its options resolved."""
    from advocacy import starter
    from advocacy.model import load_patient

    path = Path(path)
    loaded = load_patient(path)
    warnings = loaded.warnings + starter.example_values(loaded.data)
    return letter(loaded.data, source=str(path), warnings=warnings, strict=strict, **overrides)


def blank(
    options: RenderOptions | None = None,
    *,
    brand: Branding | None = None,
    fillable: bool = False,
    today: dt.date | None = None,
) -> Job:
    """A copy to fill in by hand; ``fillable`` makes its spaces PDF form fields."""
    options = replace(options or RenderOptions(), pdf_forms=fillable)
    return Job(None, options, brand, today=today)


# --------------------------------------------------------------------------- rendering


def render_html(job: Job, *, standalone: bool = False) -> str:
    """The document as HTML. ``standalone`` links the stylesheets for viewing in a browser."""
    from advocacy import context, render, resources

    org = job.brand.organisation if job.brand else None
    logo_url = job.brand.logo_url if job.brand else None
    if job.patient is None:
        values = context.build_blank_context(
            job.options,
            org=org,
            org_logo_url=logo_url,
            fillable=job.options.pdf_forms,
            today=job.today,
        )
    else:
        values = context.build_context(
            job.patient, job.options, today=job.today, org=org, org_logo_url=logo_url
        )
    if standalone:
        styles = resources.styles_dir()
        names = job.options.stylesheet_names()
        values["stylesheet_hrefs"] = [(styles / name).as_uri() for name in names]
        values["inline_css"] = job.options.page_css()
    return render.render_html(context.TEMPLATE, values)


@dataclass(frozen=True)
class Rendered:
    data: bytes
    pages: int | None = None  # known for a PDF


def _pdf(job: Job, renderer: Any) -> Rendered:
    from advocacy import render

    renderer = renderer or render.default_renderer()
    html = render_html(job)
    laid_out = renderer.document(html, job.options, job.files)
    data = renderer.write(laid_out, job.options, identifier=html)
    return Rendered(data, len(laid_out.pages))


def _html(job: Job, _renderer: Any) -> Rendered:
    return Rendered(render_html(job, standalone=True).encode())


@dataclass(frozen=True)
class Format:
    """An output format: adding one is a function and a line in :data:`FORMATS`."""

    name: str
    help: str
    binary: bool  # bytes a terminal must not be sent
    make: Callable[[Job, Any], Rendered]

    @property
    def suffix(self) -> str:
        return f".{self.name}"


FORMATS: dict[str, Format] = {
    format.name: format
    for format in (
        Format("pdf", "PDF to print", binary=True, make=_pdf),
        Format("html", "HTML to inspect in a browser", binary=False, make=_html),
    )
}


def render(job: Job, fmt: str = "pdf", *, renderer: Any = None) -> Rendered:
    """Make ``job`` in format ``fmt``. Pass a warm ``Renderer`` to reuse fonts and styles."""
    return FORMATS[fmt].make(job, renderer)


def render_pdf(job: Job, *, renderer: Any = None) -> bytes:
    """The document as PDF bytes."""
    return render(job, "pdf", renderer=renderer).data


# --------------------------------------------------------------------------- advocacy render


def default_output(source: Path, fmt: str) -> Path:
    # A patient file read from standard input is written to standard output.
    return STDOUT if source == STDOUT else source.with_suffix(FORMATS[fmt].suffix)


def standard_copy_path(target: Path) -> Path:
    """``letter.pdf`` -> ``letter-standard.pdf``, beside it."""
    return target.with_name(f"{target.stem}-standard{target.suffix}")


def render_file(
    source: Path,
    target: Path | None,
    *,
    fmt: str = "pdf",
    force: bool = False,
    strict: bool = False,
    on_warning: WarningSink | None = None,
    standard_copy: bool = False,
    on_written: Callable[[Path], None] | None = None,
    **overrides: Any,
) -> Path | None:
    """Render one patient file; returns the path written, or None for standard output.

    With ``standard_copy`` a large-print PDF gets the standard-print copy for
    the care team beside it (``letter-standard.pdf``): large print leaves out
    the staff's checklist and record sheets. ``on_written`` hears of each
    file as it is written.
    """
    target = target or default_output(source, fmt)
    to_stdout = target == STDOUT
    # Refuse before doing any work, so a mistake costs nothing.
    if to_stdout:
        output.check_stdout(binary=FORMATS[fmt].binary)
    else:
        output.check_writable(target, force=force)
    job = from_file(source, strict=strict, **overrides)
    if on_warning and job.warnings:
        on_warning(list(job.warnings), str(source))
    # Only a large-print PDF has a standard copy; its place is checked before rendering.
    companion = None
    if standard_copy and job.options.large_print and fmt == "pdf" and not to_stdout:
        companion = standard_copy_path(target)
        output.check_writable(companion, force=force)
    data = render(job, fmt).data
    if to_stdout:
        output.write_stdout(data)
        return None
    output.write_atomic(target, data, force=force)
    if on_written:
        on_written(target)
    if companion is not None:
        copy = render_pdf(job.with_options(large_print=False))
        output.write_atomic(companion, copy, force=force)
        if on_written:
            on_written(companion)
    return target
