"""advocacy: a sourced, printable request for an intrathecal baclofen screening trial.

Library use, without the command line::

    from advocacy import from_file, render_pdf
    pdf = render_pdf(from_file("patient.yaml"))

A record you already hold (a dict, a database row) goes through the same path::

    from advocacy import letter, render_pdf, validate_patient
    pdf = render_pdf(letter(validate_patient(record, "my record").data, lang="en-GB"))
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

# The render path's public names, all from advocacy.pipeline. Its `blank` and
# `render` are reached as `advocacy.pipeline.blank`: `render` as a package
# attribute would shadow the submodule `advocacy.render`.
_PIPELINE = {"Job", "from_file", "letter", "render_html", "render_pdf"}
_MODEL = {"load_patient", "validate_patient"}

__all__ = ["__version__", *sorted(_MODEL), *sorted(_PIPELINE)]


def __getattr__(name: str) -> Any:
    # Lazy, so `advocacy --help` never pays for pydantic models or WeasyPrint.
    if name in _MODEL:
        from advocacy import model

        return getattr(model, name)
    if name in _PIPELINE:
        from advocacy import pipeline

        return getattr(pipeline, name)
    msg = f"module 'advocacy' has no attribute {name!r}"
    raise AttributeError(msg)
