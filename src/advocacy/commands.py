"""What each command does, as plain functions; ``cli.py`` only parses and reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from advocacy import branding, document, fontcheck, output, pipeline, starter
from advocacy.errors import Problem, UnsupportedCharactersError
from advocacy.model import load_patient

WarningSink = Callable[[list[Problem], str], None]

STDOUT = Path("-")


def default_output(source: Path, fmt: str) -> Path:
    # A patient file read from standard input is written to standard output.
    return STDOUT if source == STDOUT else source.with_suffix(f".{fmt}")


def standard_copy_path(target: Path) -> Path:
    """``letter.pdf`` -> ``letter-standard.pdf``, beside it."""
    return target.with_name(f"{target.stem}-standard{target.suffix}")


def check_characters(data: Any, source: str, *, strict: bool) -> list[Problem]:
    """Characters the bundled fonts cannot show: warnings, or an error with ``strict``."""
    problems = fontcheck.unsupported_characters(data)
    if problems and strict:
        lines = [f"{source}: characters the bundled fonts cannot print (--strict):"]
        lines += [f"  - {p}" for p in problems]
        raise UnsupportedCharactersError("\n".join(lines))
    return problems


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
        output.check_stdout(binary=fmt == "pdf")
    else:
        output.check_writable(target, force=force)
    loaded = load_patient(source)
    warnings = (
        loaded.warnings
        + starter.example_values(loaded.data)
        + check_characters(loaded.data, str(source), strict=strict)
    )
    if on_warning and warnings:
        on_warning(warnings, str(source))
    options = document.options_for(loaded.data, **overrides)
    # Only a large-print PDF has a standard copy; its place is checked before rendering.
    companion = None
    if standard_copy and options.large_print and fmt == "pdf" and not to_stdout:
        companion = standard_copy_path(target)
        output.check_writable(companion, force=force)
    # The file's own organisation: its logo is checked, then it is the one extra
    # file the renderer may read.
    brand = branding.brand(loaded.data.organisation, str(source))
    logo_url = brand.logo_url if brand else None
    if fmt == "html":
        html = pipeline.render_html(loaded.data, options, standalone=True, org_logo_url=logo_url)
        data = html.encode()
    else:
        from advocacy import render

        renderer = render.default_renderer()
        if brand and brand.logo:
            renderer.allow_file(brand.logo)
        data = pipeline.render_pdf(loaded.data, options, renderer=renderer, org_logo_url=logo_url)
    if to_stdout:
        output.write_stdout(data)
        return None
    output.write_atomic(target, data, force=force)
    if on_written:
        on_written(target)
    if companion is not None:
        standard = document.options_for(loaded.data, **{**overrides, "large_print": False})
        copy = pipeline.render_pdf(loaded.data, standard, renderer=renderer, org_logo_url=logo_url)
        output.write_atomic(companion, copy, force=force)
        if on_written:
            on_written(companion)
    return target
