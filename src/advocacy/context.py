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

from advocacy import doseplan, i18n, languages
from advocacy.model import Organisation, PatientFile
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
# Spinal cord injury: autonomic dysreflexia at T6 or above belongs on the
# pre-trial checklist (the labels' boxed-warning risk groups).
_SCI = re.compile(
    r"spinal\s+cord\s+injur|\bSCI\b|tetrapleg|quadripleg|\bcomplete\b.*\bpara", re.IGNORECASE
)
_CP = re.compile(r"cerebral\s+pals|\bCP\b", re.IGNORECASE)
_LEVEL = re.compile(r"\b([CT])\s?(\d{1,2})\b")
# Highest spinal level at which autonomic dysreflexia is a listed risk.
_DYSREFLEXIA_FROM_T = 6


def condition_of(diagnosis: str) -> str | None:
    """``"hsp"``, ``"ms"``, ``"sci"``, ``"cp"`` or None, from the diagnosis as written."""
    if _HSP.search(diagnosis):
        return "hsp"
    if _MS.search(diagnosis):
        return "ms"
    if _SCI.search(diagnosis):
        return "sci"
    if _CP.search(diagnosis):
        return "cp"
    return None


def injury_level(diagnosis: str) -> tuple[str, bool] | None:
    """The spinal level written in a diagnosis ("C6", "T4") and whether it is T6 or above."""
    match = _LEVEL.search(diagnosis)
    if match is None:
        return None
    region, number = match[1], int(match[2])
    return f"{region}{number}", region == "C" or number <= _DYSREFLEXIA_FROM_T


# What the trial measures, from mobility.walking: walking tests for people
# who walk; standing to transfer for people who mostly use a wheelchair;
# spasms, pain, sitting, transfers and care for people who do not walk.
FUNCTION_BY_WALKING = {
    "without-aids": "walks",
    "with-aids": "walks",
    "mostly-wheelchair": "transfers",
    "does-not-walk": "seated",
}

_TITLES = re.compile(
    r"^(?P<title>(?:Dr|Prof|Professor|Mr|Mrs|Ms|Miss|Mx|Sister|Nurse)\.?)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)


def salutation_for(clinician: str | None, salutation: str | None, lang: str) -> str | None:
    """ "Dr Sam Rivera" -> "Dr Rivera": a title and the family name, as letters greet.

    Without a title the name is used whole; ``salutation`` overrides both. The
    family name is everything after the first given name ("Dr Ana de la
    Cruz" -> "Dr de la Cruz"). Whether a title keeps a full stop is the
    language's (en-GB: "Dr", never "Dr.").
    """
    if salutation:
        return salutation
    if not clinician:
        return None
    match = _TITLES.match(clinician.strip())
    if match is None:
        return clinician
    title = match["title"]
    if not languages.get(lang).title_full_stop:
        title = title.rstrip(".")
    names = match["rest"].split()
    family = " ".join(names[1:]) if len(names) > 1 else names[0]
    return f"{title} {family}"


def hospital_number(value: str | None, lang: str) -> tuple[str | None, str] | None:
    """(label, number): the language's national number ("NHS number") when the
    patient wrote one, else no label and the template says "Hospital number"."""
    if not value:
        return None
    national = languages.get(lang).national_number
    if national is not None and national.prefix.match(value):
        return national.label, national.prefix.sub("", value, count=1)
    return None, value


def plan_for(patient: PatientFile) -> doseplan.DosePlan:
    # The model has already applied the defaults: None means the team decides.
    return doseplan.build(patient.trial.first, patient.trial.reduced, default=False)


def default_plan() -> doseplan.DosePlan:
    """The label's standard plan: 50, then 25 if too strong, 75 and 100 if too weak."""
    return doseplan.build(doseplan.LABEL_STANDARD_MCG)


def blank_plans() -> tuple[doseplan.DosePlan, doseplan.DosePlan]:
    """A blank copy's two plans: the panel's 25 first (the member ticks that
    leg tone holds them up) or the label's 50; the sheets offer both."""
    return doseplan.build(doseplan.CONSENSUS_LOW_MCG), default_plan()


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
        "language": languages.get(options.lang),
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
    condition = condition_of(patient.patient.diagnosis)
    writer = patient.writer
    plan = context["plan"]
    function = FUNCTION_BY_WALKING.get(patient.mobility.walking or "", "walks")
    # Whether leg tone holds the patient up is not said: the letter offers the
    # panel's 25 beside the label's 50, and the plan and sheets carry both.
    two_firsts = (
        patient.mobility.relies_on_leg_tone_to_stand is None
        and function != "seated"
        and plan.first.mcg == doseplan.LABEL_STANDARD_MCG
        and patient.trial.reduced == doseplan.CONSENSUS_LOW_MCG
    )
    plans = (doseplan.build(doseplan.CONSENSUS_LOW_MCG), plan)
    personal = patient.document.personal_account
    context.update(
        {
            "p": patient,
            "blank": False,
            "fillable": False,
            "two_firsts": two_firsts,
            "plans": plans,
            "sheets": doseplan.blank_sheets(plans) if two_firsts else plan.record_sheets,
            "relies_on_tone": patient.mobility.relies_on_leg_tone_to_stand,
            "condition": condition,
            "function": function,
            # The letter's voice: the patient's own, or a writer's about them.
            "first_person": not writer.for_someone_else,
            "relationship": writer.relationship,
            "writer_name": writer.name if writer.for_someone_else else patient.patient.name,
            # How a third-person letter names the patient.
            "who": patient.patient.preferred_name or patient.patient.name,
            "child": patient.is_child,
            "level": injury_level(patient.patient.diagnosis) if condition == "sci" else None,
            "salutation": salutation_for(
                patient.appointment.clinician, patient.appointment.salutation, options.lang
            ),
            "hospital_number": hospital_number(patient.patient.hospital_number, options.lang),
            # Dr Dollinger's account is an adult with HSP whose 50 was too
            # strong, and his 25 after it: it fits a letter that asks for that.
            "personal_account": (
                personal
                if personal is not None
                else condition == "hsp"
                and not patient.is_child
                and plan.first.mcg == doseplan.LABEL_STANDARD_MCG
            ),
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
    plans = blank_plans()
    context = _common(
        options,
        prepared=prepared_on(None, today),
        plan=plans[1],
        org=org,
        org_logo_url=org_logo_url,
    )
    context.update(
        {
            "p": None,
            "blank": True,
            "fillable": fillable,
            "two_firsts": True,
            "plans": plans,
            "sheets": doseplan.blank_sheets(plans),
            # Unknown until the member ticks the box on the letter.
            "relies_on_tone": None,
            "condition": None,
            "function": "any",
            "first_person": True,
            "relationship": "self",
            "writer_name": None,
            "who": None,
            "child": False,
            "level": None,
            "salutation": None,
            "hospital_number": None,
            "personal_account": False,
        }
    )
    return context
