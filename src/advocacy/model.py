"""The patient file: one schema, loaded from YAML 1.2, TOML or JSON, validated once.

``load_patient(path)`` returns a frozen :class:`PatientFile` plus a list of
warnings, or raises :class:`InvalidPatientError` listing *every* problem with
its field path and fix. Nothing here knows about Click, Jinja or WeasyPrint.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from advocacy import dates, doseplan, languages
from advocacy.errors import InvalidPatientError, Problem
from advocacy.languages import Lang
from advocacy.loading import load_data_with_lines
from advocacy.options import PAPER_LABELS
from advocacy.textcheck import (
    MAX_ITEMS,
    MAX_LONG_TEXT,
    MAX_TEXT,
    email_shape,
    phone_shape,
    plain_text,
)
from advocacy.validation import at_lines, early_problems, problems_from_validation_error

# Above the oral label's usual maximum: accepted, but worth a second look.
ORAL_BACLOFEN_WARN_MG = 80
# Beyond this an oral dose is not plausible in mg/day; it is probably a typo.
ORAL_BACLOFEN_MAX_MG = 300
# Gablofen is indicated from age 4; safety below 4 is not established [2][5].
MIN_LABELLED_AGE_YEARS = 4

# Under this age the letter treats the patient as a child: a parent's or
# guardian's consent and the child's assent, no assumed local anaesthetic.
ADULT_AGE_YEARS = 18

Relationship = Literal["self", "parent", "guardian", "carer", "other"]
Walking = Literal["without-aids", "with-aids", "mostly-wheelchair", "does-not-walk"]
Paper = Literal["a4", "letter"]

_DOSE_TEXT = re.compile(
    r"^\s*(?P<number>\d+(?:[.,]\d+)?)\s*(?P<unit>[a-zA-Zµμ]*)\s*$",
)
_MICROGRAM_UNITS = {"", "mcg", "microgram", "micrograms", "µg", "μg", "ug"}
_MILLIGRAM_UNITS = {"mg", "milligram", "milligrams"}


def _today(info: ValidationInfo) -> dt.date:
    context = info.context or {}
    today = context.get("today")
    if isinstance(today, dt.date):
        return today
    return dt.datetime.now().astimezone().date()


def _warn(info: ValidationInfo, path: str, message: str, fix: str = "") -> None:
    context = info.context or {}
    warnings = context.get("warnings")
    if isinstance(warnings, list):
        warnings.append(Problem(path, message, fix))


def _parse_dose(value: Any) -> Any:
    """Turn a dose into whole micrograms, refusing anything that looks like milligrams.

    A bare number is micrograms. ``0.05`` (0.05 mg is 50 micrograms) and
    ``"50 mg"`` are refused: a thousandfold error is the worst a letter could carry.
    """
    if isinstance(value, bool):
        raise PydanticCustomError("dose_type", "must be a whole number of micrograms, like 50.")
    unit = ""
    number: float
    if isinstance(value, str):
        match = _DOSE_TEXT.match(value)
        if not match:
            raise PydanticCustomError(
                "dose_type",
                "{value} is not a dose; write whole micrograms, like 50.",
                {"value": repr(value)},
            )
        number = float(match["number"].replace(",", "."))
        unit = match["unit"].lower()
        if unit in _MILLIGRAM_UNITS:
            raise PydanticCustomError(
                "dose_milligrams",
                "{value} is in milligrams, but doses here are in micrograms"
                " (1 mg = 1000 micrograms); write the number of micrograms, like 50.",
                {"value": repr(value)},
            )
        if unit not in _MICROGRAM_UNITS:
            raise PydanticCustomError(
                "dose_type",
                "unknown unit '{unit}'; doses are whole micrograms, like 50.",
                {"unit": unit},
            )
    elif isinstance(value, int | float):
        number = float(value)
    else:
        return value
    if 0 < number < 1:
        raise PydanticCustomError(
            "dose_milligrams",
            "{value} looks like milligrams, but doses here are in micrograms"
            " ({value} mg would be {mcg} micrograms); write whole micrograms, like 50.",
            {"value": f"{number:g}", "mcg": f"{number * 1000:g}"},
        )
    if number != int(number):
        raise PydanticCustomError(
            "dose_whole",
            "{value} is not a whole number; doses are whole micrograms, like 25 or 50.",
            {"value": value},
        )
    return int(number)


Dose = Annotated[int, BeforeValidator(_parse_dose)]


def _not_a_timestamp(value: Any) -> Any:
    """Refuse numbers where a date goes: pydantic would read 0 as 1970-01-01
    (seconds since 1970), so a date of birth typed as 19720314 or exported as
    a spreadsheet's serial number could become another day without a word."""
    if isinstance(value, bool | int | float) or (isinstance(value, str) and value.isdigit()):
        raise PydanticCustomError("date_type", "not a date")
    if isinstance(value, str) and value.strip():
        # The forms a roster and the interview accept (14 March 1972, 14.03.1972);
        # 04/03/1972 is refused as in a roster, never guessed.
        try:
            return dates.read_date(value, None)
        except dates.AmbiguousDate as exc:
            raise PydanticCustomError(
                "date_text",
                "{message} Write the month in words ({one}) or write YYYY-MM-DD.",
                {"message": exc.message, "one": exc.words[0]},
            ) from None
        except dates.DateNotUnderstood as exc:
            raise PydanticCustomError(
                "date_text", "{text}", {"text": f"{exc.message} {exc.fix}".strip()}
            ) from None
    return value


Date = Annotated[dt.date, BeforeValidator(_not_a_timestamp)]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(plain_text)]
Email = Annotated[Text, AfterValidator(email_shape)]
Phone = Annotated[Text, AfterValidator(phone_shape)]
LongText = Annotated[str, Field(min_length=1, max_length=MAX_LONG_TEXT), AfterValidator(plain_text)]


def _list_of_text(value: Any) -> Any:
    """Accept a single string where a list is expected (a one-item list)."""
    if isinstance(value, str):
        return [value]
    return value


TextList = Annotated[tuple[Text, ...], BeforeValidator(_list_of_text), Field(max_length=MAX_ITEMS)]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class PatientDetails(Section):
    name: Text = Field(description="Full name as the clinic has it on record.")
    preferred_name: Text | None = Field(None, description="What you like to be called.")
    date_of_birth: Date = Field(description="Date of birth, written YYYY-MM-DD.")
    diagnosis: Text = Field(description="For example: hereditary spastic paraplegia (SPG4).")
    weight_kg: float | None = Field(
        None,
        gt=0,
        le=350,
        allow_inf_nan=False,
        description="Weight in kilograms (asked for children: doses for small patients differ).",
    )
    hospital_number: Text | None = Field(None, description="NHS, MRN or clinic number.")
    phone: Phone | None = None
    email: Email | None = None
    address: Text | None = None

    @field_validator("date_of_birth")
    @classmethod
    def _born_in_the_past(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        if value >= _today(info):
            raise PydanticCustomError(
                "date_not_past",
                "{value} is not in the past; write the date of birth as YYYY-MM-DD.",
                {"value": value.isoformat()},
            )
        if value.year < 1900:
            raise PydanticCustomError(
                "date_too_old",
                "{value} is before 1900; check the year.",
                {"value": value.isoformat()},
            )
        return value


class Writer(Section):
    """Who writes and signs the letter: the patient, or someone for them."""

    name: Text | None = Field(
        None, description="The writer's name, if not the patient (a parent signs for a child)."
    )
    relationship: Relationship = Field(
        "self", description="self (the patient), parent, guardian, carer or other."
    )

    @model_validator(mode="after")
    def _someone_signs(self) -> Writer:
        if self.relationship != "self" and self.name is None:
            raise PydanticCustomError(
                "writer_name_missing",
                "the writer is the patient's {relationship}, so the letter needs their name"
                " to sign; add writer.name.",
                {"relationship": self.relationship},
            )
        return self

    @property
    def for_someone_else(self) -> bool:
        return self.relationship != "self"


class Mobility(Section):
    summary: Text | None = Field(None, description="How you get about, in your own words.")
    walking: Walking | None = Field(
        None,
        description="without-aids, with-aids, mostly-wheelchair or does-not-walk: decides"
        " what the trial measures (walking tests, or spasms, sitting, transfers and care).",
    )
    aids: TextList = Field((), description="Walking aids, splints, wheelchair.")
    # None: not said. The letter then uses a neutral sentence rather than
    # putting words in the patient's mouth.
    relies_on_leg_tone_to_stand: bool | None = Field(
        None,
        description="Whether some leg stiffness helps you stand or walk (leave out if unsure).",
    )


class Medication(Section):
    oral_baclofen_mg_per_day: float | None = Field(
        None, gt=0, description="Total oral baclofen per day, in milligrams."
    )
    side_effects: TextList = Field((), description="Side effects of oral baclofen.")
    other: TextList = Field((), description="Other medicines, with doses.")
    allergies: TextList = ()

    @field_validator("oral_baclofen_mg_per_day")
    @classmethod
    def _plausible_oral_dose(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is None:
            return value
        if value > ORAL_BACLOFEN_MAX_MG:
            raise PydanticCustomError(
                "oral_dose_implausible",
                "{value} mg a day is far above any oral baclofen dose; this field is the"
                " total in milligrams per day (for example 60).",
                {"value": f"{value:g}"},
            )
        if value > ORAL_BACLOFEN_WARN_MG:
            _warn(
                info,
                "medication.oral_baclofen_mg_per_day",
                f"{value:g} mg a day is above the label's usual maximum of"
                f" {ORAL_BACLOFEN_WARN_MG} mg a day.",
                "Check the figure; it is kept as written.",
            )
        return value


class Appointment(Section):
    clinic: Text | None = Field(None, description="The clinic or service the letter is for.")
    clinician: Text | None = Field(
        None, description="The consultant or nurse, if known, e.g. Dr Sam Rivera."
    )
    salutation: Text | None = Field(
        None,
        description="How the letter greets them, e.g. Dr Rivera (default: the title and the"
        " last name of clinician).",
    )
    date: Date | None = Field(None, description="Appointment date, YYYY-MM-DD.")
    time: Text | None = Field(None, description="Appointment time, as written on the letter.")
    address: Text | None = None

    @field_validator("date")
    @classmethod
    def _future_or_warn(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if value is not None and value < _today(info):
            _warn(
                info,
                "appointment.date",
                f"{value.isoformat()} is in the past.",
                "Update it if this is for a new appointment.",
            )
        return value


def _refuse_reduced(first: int, reduced: int) -> None:
    """A reduced dose that cannot follow ``first``, with a fix the check itself accepts."""
    problem = doseplan.check_reduced(first, reduced)
    if problem:
        suggestion = doseplan.default_reduced(first)
        fix = (
            f"usually it is half, rounded down to {doseplan.REDUCED_STEP_MCG}: {suggestion}"
            if suggestion is not None
            else "or leave it out: from this first dose the letter leaves the lower dose to"
            " the team"
        )
        raise PydanticCustomError("reduced_not_lower", f"{problem}; {fix}.")


class Trial(Section):
    first_dose_mcg: Dose | None = Field(
        None,
        description=f"First screening dose in whole micrograms, at most"
        f" {doseplan.MAX_FIRST_DOSE_MCG}. Default: {doseplan.CONSENSUS_LOW_MCG} (the panel's"
        f" test dose) if mobility.relies_on_leg_tone_to_stand is true, else"
        f" {doseplan.LABEL_STANDARD_MCG} (the label's).",
    )
    reduced_dose_mcg: Dose | None = Field(
        None,
        description=f"Dose to retry at if the first is too strong. Default: half the first,"
        f" rounded down to {doseplan.REDUCED_STEP_MCG}; from a first dose of"
        f" {doseplan.CONSENSUS_LOW_MCG}, left to the team.",
    )

    @field_validator("first_dose_mcg")
    @classmethod
    def _a_first_dose(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is None:
            return value
        problem = doseplan.check_first(value)
        if problem:
            raise PydanticCustomError("first_dose", problem + ".")
        if value not in doseplan.SOURCED_FIRST_DOSES_MCG:
            low, standard = doseplan.SOURCED_FIRST_DOSES_MCG
            _warn(
                info,
                "trial.first_dose_mcg",
                f"no source names {value} micrograms as a first dose.",
                f"The panel's test dose for someone who relies on leg tone is {low}; the"
                f" label's is {standard}. It is printed as written.",
            )
        return value

    @field_validator("reduced_dose_mcg")
    @classmethod
    def _a_reduced_dose(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and value < doseplan.MIN_DOSE_MCG:
            raise PydanticCustomError(
                "reduced_too_low",
                "must be at least {minimum} micrograms; or leave it out and the letter leaves"
                " the lower dose to the team.",
                {"minimum": doseplan.MIN_DOSE_MCG},
            )
        if value is not None and value < doseplan.CONSENSUS_LOW_MCG:
            _warn(
                info,
                "trial.reduced_dose_mcg",
                f"no source names a test dose below {doseplan.CONSENSUS_LOW_MCG} micrograms.",
                "It is printed as written; the letter also offers a slow infusion instead.",
            )
        return value

    @model_validator(mode="after")
    def _reduced_below_first(self) -> Trial:
        # Checked here when the file gives both, so the problem is reported
        # even while other sections have problems of their own; a default
        # first dose is checked by PatientFile, which knows the leg tone.
        first, reduced = self.first_dose_mcg, self.reduced_dose_mcg
        if first is not None and reduced is not None:
            _refuse_reduced(first, reduced)
        return self

    @property
    def first(self) -> int:
        # Always set by PatientFile's validator; the property spares callers a None check.
        assert self.first_dose_mcg is not None  # noqa: S101
        return self.first_dose_mcg

    @property
    def reduced(self) -> int | None:
        """None: the team decides the lower dose (a first dose of 25 or less)."""
        return self.reduced_dose_mcg


class EmergencyContact(Section):
    name: Text
    phone: Phone
    relationship: Text | None = None


class PreparedWith(Section):
    name: Text | None = Field(None, description="A carer, friend or advocate who helped.")
    organisation: Text | None = Field(None, description="A support group, if any.")


class Organisation(Section):
    """A support group's branding, shown on every document it produces."""

    name: Text = Field(description="The group's name, as it should appear on the letter.")
    logo: Path | None = Field(
        None, description="A local PNG or SVG file; relative paths are from this file."
    )
    website: Text | None = None
    phone: Text | None = None
    message: Text | None = Field(None, description="One line, e.g. 'Supporting people with HSP'.")


# "en-US (mcg, Letter) or en-GB (micrograms, A4)."
_LANGUAGE_CHOICES = (
    languages.either(
        [
            f"{entry.code} ({entry.microgram_unit}, {PAPER_LABELS[entry.paper]})"
            for entry in languages.entries()
        ]
    )
    + "."
)


class DocumentSettings(Section):
    language: Lang = Field(languages.DEFAULT, description=_LANGUAGE_CHOICES)
    paper: Paper | None = Field(None, description="a4 or letter; default follows the language.")
    large_print: bool = Field(False, description="Body text at least 16 pt.")
    personal_account: bool | None = Field(
        None,
        description="Quote Dr Dollinger's account of his own test dose (default: for"
        " hereditary spastic paraplegia only).",
    )
    date: Date | None = Field(None, description="Date the document is prepared; default today.")


class PatientFile(Section):
    """Everything the document needs, validated."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        json_schema_extra={
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "advocacy patient file",
        },
    )

    patient: PatientDetails
    writer: Writer = Field(default_factory=Writer)
    mobility: Mobility = Field(default_factory=Mobility)
    medication: Medication = Field(default_factory=Medication)
    goals: TextList = Field((), description="What you hope the trial shows, in your own words.")
    statement: LongText | None = Field(None, description="Anything you want the team to read.")
    questions: TextList = Field((), description="Questions for the team.")
    appointment: Appointment = Field(default_factory=Appointment)
    trial: Trial = Field(default_factory=Trial)
    emergency_contact: EmergencyContact | None = None
    prepared_with: PreparedWith | None = None
    organisation: Organisation | None = None
    document: DocumentSettings = Field(default_factory=DocumentSettings)

    @model_validator(mode="after")
    def _doses(self, info: ValidationInfo) -> PatientFile:
        """Fill in the doses the file leaves out, from the consensus (see doseplan)."""
        trial = self.trial
        relies = self.mobility.relies_on_leg_tone_to_stand
        first = trial.first_dose_mcg
        if first is None:
            first = doseplan.default_first(relies)
            # Frozen model: the default is derived once, here, and kept.
            object.__setattr__(trial, "first_dose_mcg", first)
        elif relies and first > doseplan.CONSENSUS_LOW_MCG:
            _warn(
                info,
                "trial.first_dose_mcg",
                f"the panel's test dose for someone who relies on leg tone is"
                f" {doseplan.CONSENSUS_LOW_MCG} micrograms; this file asks for {first}.",
                "Leave trial.first_dose_mcg out to ask for the panel's dose.",
            )
        if trial.reduced_dose_mcg is None:
            object.__setattr__(trial, "reduced_dose_mcg", doseplan.default_reduced(first))
        else:
            _refuse_reduced(first, trial.reduced_dose_mcg)
        return self

    @model_validator(mode="after")
    def _young_child(self, info: ValidationInfo) -> PatientFile:
        age = self.age(self.document.date or _today(info))
        if age < MIN_LABELLED_AGE_YEARS:
            _warn(
                info,
                "patient.date_of_birth",
                f"the patient is under {MIN_LABELLED_AGE_YEARS} years old; intrathecal"
                f" baclofen (Gablofen) is indicated from age {MIN_LABELLED_AGE_YEARS}, and"
                f" safety below {MIN_LABELLED_AGE_YEARS} is not established.",
                "Ask the clinic's paediatric team.",
            )
        if age < ADULT_AGE_YEARS and self.patient.weight_kg is None:
            _warn(
                info,
                "patient.weight_kg",
                "the patient is a child and the file gives no weight.",
                "Add patient.weight_kg: the team needs it for a small patient's dose.",
            )
        return self

    def age(self, on: dt.date | None = None) -> int:
        """Whole years on the date the document is prepared (or ``on``)."""
        on = on or self.document.date or dt.datetime.now().astimezone().date()
        return dates.age_on(self.patient.date_of_birth, on)

    @property
    def is_child(self) -> bool:
        return self.age() < ADULT_AGE_YEARS


@dataclass(frozen=True)
class LoadedPatient:
    """A validated patient file and the warnings found while reading it."""

    data: PatientFile
    source: str
    warnings: list[Problem] = field(default_factory=list)


def validate_patient(raw: Any, source: str, *, today: dt.date | None = None) -> LoadedPatient:
    """Validate already-parsed data (a mapping) and return the model with warnings."""
    if not isinstance(raw, Mapping):
        raise InvalidPatientError(
            source,
            [
                Problem(
                    "",
                    "the file is empty or is not a set of fields.",
                    "Start from `advocacy init`.",
                )
            ],
        )
    warnings: list[Problem] = []
    context: dict[str, Any] = {"warnings": warnings}
    if today is not None:
        context["today"] = today
    # Checked before the schema: 40 in Bengali digits must not become 40 unremarked.
    early, raw = early_problems(raw, PatientFile)
    if any(not p.path for p in early):  # about the whole file: nothing else to say
        raise InvalidPatientError(source, early)
    try:
        data = PatientFile.model_validate(dict(raw), context=context)
    except ValidationError as exc:
        late = problems_from_validation_error(exc, PatientFile)
        said = {p.path for p in early}
        raise InvalidPatientError(source, early + [p for p in late if p.path not in said]) from None
    if early:
        raise InvalidPatientError(source, early)
    return LoadedPatient(data=data, source=source, warnings=warnings)


def load_patient(path: str | Path, *, today: dt.date | None = None) -> LoadedPatient:
    """Read, parse and validate a patient file."""
    path = Path(path)
    data, lines = load_data_with_lines(path)
    try:
        return validate_patient(anchor_logo(data, path.parent), str(path), today=today)
    except InvalidPatientError as exc:
        raise InvalidPatientError(exc.source, at_lines(exc.problems, lines)) from None


def anchor_logo(data: Any, base: Path) -> Any:
    """Make a relative ``organisation.logo`` relative to the file that names it.

    Never to the folder the command runs in, so a file and its logo can be
    kept together and used from anywhere.
    """
    if not isinstance(data, Mapping):
        return data
    organisation = data.get("organisation")
    if isinstance(organisation, Mapping):
        logo = organisation.get("logo")
        if isinstance(logo, str) and logo.strip() and not Path(logo.strip()).is_absolute():
            data = {**data, "organisation": {**organisation, "logo": str(base / logo.strip())}}
    return data
