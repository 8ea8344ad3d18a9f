"""advocacy: a sourced, printable request for an intrathecal baclofen screening trial.

Library use, without the command line::

    from advocacy import load_patient, render_pdf
    pdf = render_pdf(load_patient("patient.yaml").data)
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "load_patient", "render_html", "render_pdf"]


def __getattr__(name: str) -> Any:
    # Lazy, so `advocacy --help` never pays for pydantic models or WeasyPrint.
    if name == "load_patient":
        from advocacy.model import load_patient

        return load_patient
    if name in {"render_html", "render_pdf"}:
        from advocacy import pipeline

        return getattr(pipeline, name)
    msg = f"module 'advocacy' has no attribute {name!r}"
    raise AttributeError(msg)
