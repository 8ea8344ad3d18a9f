"""From a validated patient file to the finished values a template needs.

``build_context`` is the last step before HTML: it chooses the language and
the date the document is prepared, works out the dose plan, and hands the
model over unchanged. ``build_blank_context`` does the same for a copy to
fill in by hand (no patient; the default doses printed, editable). Templates
do no arithmetic and make no decisions about doses.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from advocacy import doseplan, i18n
from advocacy.model import DEFAULT_FIRST_DOSE_MCG, Organisation, PatientFile
from advocacy.options import RenderOptions
from advocacy.references import Citations

TEMPLATE = "letter.html"


def prepared_on(patient: PatientFile | None, today: dt.date | None = None) -> dt.date:
    """The date printed on the document: from the file, else today."""
    if patient is not None and patient.document.date is not None:
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


# Conditions the background speaks to by name: hereditary spastic paraplegia
# ("seems to require particularly low doses" [11]) and multiple sclerosis
# (may be more sensitive, may need a lower screening dose [36]). A diagnosis
# matching neither gets neither sentence.
_HSP = re.compile(
    r"hereditary\s+spastic\s+parap|familial\s+spastic\s+parap|\bSPG\s*\d*\b|\bFSP\b|\bHSP\b",
    re.IGNORECASE,
)
_MS = re.compile(r"multiple\s+sclerosis|\b(?:RR|SP|PP)?MS\b", re.IGNORECASE)


def condition_of(diagnosis: str) -> str | None:
    """``"hsp"``, ``"ms"`` or None, from the diagnosis as the patient wrote it."""
    if _HSP.search(diagnosis):
        return "hsp"
    if _MS.search(diagnosis):
        return "ms"
    return None


def plan_for(patient: PatientFile) -> doseplan.DosePlan:
    return doseplan.build(patient.trial.first_dose_mcg, patient.trial.reduced)


def default_plan() -> doseplan.DosePlan:
    """The plan a blank copy prints: the label's 50 and half of it."""
    return doseplan.build(DEFAULT_FIRST_DOSE_MCG)


def _common(
    options: RenderOptions,
    *,
    prepared: dt.date,
    plan: doseplan.DosePlan,
    org: Organisation | None,
    org_logo_url: str | None,
) -> dict[str, Any]:
    return {
        "lang": options.lang,
        "options": options,
        "prepared": prepared,
        "plan": plan,
        # One numbering per document: sources in order of first citation.
        "cite": Citations(),
        "org": org,
        "org_logo_url": org_logo_url if org is not None else None,
        "stylesheet_hrefs": [],
        **i18n.template_functions(options.lang),
    }


def build_context(
    patient: PatientFile,
    options: RenderOptions,
    *,
    today: dt.date | None = None,
    org: Organisation | None = None,
    org_logo_url: str | None = None,
) -> dict[str, Any]:
    """Everything the document template reads, for one patient."""
    context = _common(
        options,
        prepared=prepared_on(patient, today),
        plan=plan_for(patient),
        org=org if org is not None else patient.organisation,
        org_logo_url=org_logo_url,
    )
    context.update(
        {
            "p": patient,
            "blank": False,
            "fillable": False,
            "relies_on_tone": patient.mobility.relies_on_leg_tone_to_stand,
            "condition": condition_of(patient.patient.diagnosis),
        }
    )
    return context


def build_blank_context(
    options: RenderOptions,
    *,
    org: Organisation | None = None,
    org_logo_url: str | None = None,
    fillable: bool = False,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """A copy to fill in by hand: every patient detail is a space to write in.

    With ``fillable`` the spaces are PDF form fields (render with
    ``RenderOptions(pdf_forms=True)``).
    """
    context = _common(
        options,
        prepared=prepared_on(None, today),
        plan=default_plan(),
        org=org,
        org_logo_url=org_logo_url,
    )
    context.update(
        {
            "p": None,
            "blank": True,
            "fillable": fillable,
            # Unknown until the member ticks the box on the letter.
            "relies_on_tone": None,
            "condition": None,
        }
    )
    return context
