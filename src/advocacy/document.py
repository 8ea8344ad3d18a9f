"""From a validated patient file to the finished values a template needs.

``build_context`` is the last step before HTML: it chooses the language,
the date the document is prepared, and hands over the model unchanged.
Templates do no arithmetic and make no decisions about doses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from advocacy.model import PatientFile
from advocacy.options import RenderOptions

TEMPLATE = "letter.html"


def prepared_on(patient: PatientFile, today: dt.date | None = None) -> dt.date:
    """The date printed on the document: from the file, else today."""
    if patient.document.date is not None:
        return patient.document.date
    return today or dt.datetime.now().astimezone().date()


def options_for(patient: PatientFile, **overrides: Any) -> RenderOptions:
    """Render options: command-line overrides first, then the file's settings."""
    settings = patient.document
    values: dict[str, Any] = {
        "lang": settings.language,
        "paper": settings.paper,
        "large_print": settings.large_print,
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return RenderOptions(**values)


def build_context(
    patient: PatientFile, options: RenderOptions, *, today: dt.date | None = None
) -> dict[str, Any]:
    date = prepared_on(patient, today)
    return {
        "lang": options.lang,
        "options": options,
        "p": patient,
        "prepared": date,
        "stylesheet_hrefs": [],
    }
