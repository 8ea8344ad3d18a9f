"""The form: the interview's questions as web fields, checked by the model itself.

Nothing here knows HTTP. The steps are ``interview.PARTS`` and the fields its
``Question`` objects (plus the paper size, a ``DocumentSettings`` field the
interview leaves to the language), so a question added there appears here.
Answers travel as the text people typed (``Values``); :func:`check` turns
them into a patient record and asks :func:`model.validate_patient`, the
function ``advocacy check`` uses, so the form can never disagree with the
command line about what is allowed or how a problem is worded.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from advocacy import doseplan, fontcheck, i18n, languages, notation
from advocacy.dates import DateNotUnderstood, parse_date
from advocacy.dates import example as date_example
from advocacy.errors import InvalidPatientError, Problem
from advocacy.interview.questions import (
    PARTS,
    Question,
    get_path,
    matches,
    question_words,
    set_path,
)
from advocacy.model import PatientFile, validate_patient
from advocacy.options import LANGUAGES, PAPER_LABELS, PAPERS
from advocacy.validation import find_model

Values = dict[str, str]

SOURCE = "the form"
LANGUAGE_KEY = "document.language"
PAPER_KEY = "document.paper"
# "UK English (doses in micrograms, A4 paper)": what choosing it changes.
LANGUAGE_NAMES = {
    entry.code: (
        f"{entry.name} (doses in {entry.microgram_unit}, {PAPER_LABELS[entry.paper]} paper)"
    )
    for entry in languages.entries()
}
PAPER_NAMES = {"": "The usual paper for the language", "a4": "A4", "letter": "US Letter"}
YES, NO = "yes", "no"
# Free text that is usually more than a line gets a box, not a line.
_LONG_TEXT = {"statement", "mobility.summary", "patient.address", "appointment.address"}
# WCAG 1.3.5: the browser may fill in the person's own details.
_AUTOCOMPLETE = {
    "patient.name": "name",
    "patient.preferred_name": "nickname",
    "patient.date_of_birth": "bday",
    "patient.phone": "tel",
    "patient.email": "email",
    "patient.address": "street-address",
}


@dataclass(frozen=True)
class Field:
    """One form field: an interview question, or a document setting it does not ask."""

    key: str
    label: str
    question: str
    hint: str
    kind: str
    example: str = ""
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    source: Question | None = None

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("."))

    @property
    def id(self) -> str:
        return "f-" + self.key.replace(".", "-").replace("_", "-")

    @property
    def first_input_id(self) -> str:
        """Where an error link lands: the field, or the first of its radios."""
        return f"{self.id}-1" if self.choices else self.id

    @property
    def long(self) -> bool:
        return self.kind == "list" or self.key in _LONG_TEXT

    @property
    def autocomplete(self) -> str:
        return _AUTOCOMPLETE.get(self.key, "off")

    def hint_text(self, words: Mapping[str, str]) -> str:
        parts = [self.hint.format(**words)]
        if self.kind == "list":
            parts.append("Write one on each line.")
        example = self.example.format(**words)
        if self.kind == "date":
            # As the interview shows it: the month as a word cannot be misread.
            example = f"{words['date_example']}, or 1972-03-14"
        if example:
            parts.append(f"For example: {example}" + ("" if example[-1] in ".?!)" else "."))
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    fields: tuple[Field, ...]


def literal_choices(path: tuple[str, ...]) -> tuple[str, ...]:
    """The values a field allows, when the model lists them (a ``Literal``), else ()."""
    model: Any = PatientFile
    annotation: Any = None
    for part in path:
        if model is None or part not in getattr(model, "model_fields", {}):
            return ()
        annotation = model.model_fields[part].annotation
        model = find_model(annotation)
    return _literal_values(annotation)


def _literal_values(annotation: Any) -> tuple[str, ...]:
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(str(a) for a in typing.get_args(annotation))
    for arg in typing.get_args(annotation):
        found = _literal_values(arg)
        if found:
            return found
    return ()


def _choice_words(value: str) -> str:
    """``without-aids`` -> ``Without aids``: the model's value in plain words."""
    words = value.replace("-", " ").replace("_", " ")
    return words[:1].upper() + words[1:]


def _from_question(question: Question) -> Field:
    choices: tuple[tuple[str, str], ...] = ()
    kind: str = question.kind
    if kind == "yesno":
        choices = ((YES, "Yes"), (NO, "No"))
    elif kind == "language":
        choices = tuple((lang, LANGUAGE_NAMES[lang]) for lang in LANGUAGES)
    elif kind not in ("list", "date", "dose", "number"):
        # A field whose values the model lists (who writes the letter, how
        # someone walks…) is a set of radios, whatever the interview calls it.
        allowed = literal_choices(question.path)
        if allowed:
            kind = "choice"
            # The interview's own words where it has them ("a parent"), else the value's.
            words = dict(question.choices)
            choices = tuple((value, words.get(value) or _choice_words(value)) for value in allowed)
            if not question.required:
                # Radios cannot be unticked: an answer can always be taken back.
                choices += (("", "Not given"),)
    return Field(
        key=question.key,
        label=question.label,
        question=question.text,
        hint=question.why,
        kind=kind,
        example=question.example,
        required=question.required,
        choices=choices,
        source=question,
    )


def _paper_field() -> Field:
    return Field(
        key=PAPER_KEY,
        label="Paper size",
        question="What paper will you print on?",
        hint="Printers in the US and Canada usually take Letter paper; most others take A4.",
        kind="choice",
        choices=tuple((value, PAPER_NAMES.get(value, value)) for value in ("", *PAPERS)),
    )


def _steps() -> tuple[Step, ...]:
    steps = []
    for number, part in enumerate(PARTS, 1):
        fields = [_from_question(q) for q in part.questions]
        if any(f.key == LANGUAGE_KEY for f in fields):
            # The paper goes with the language, which decides its default.
            at = next(i for i, f in enumerate(fields) if f.key == LANGUAGE_KEY) + 1
            fields.insert(at, _paper_field())
        steps.append(Step(number, part.title, tuple(fields)))
    return tuple(steps)


STEPS: tuple[Step, ...] = _steps()
FIELDS: tuple[Field, ...] = tuple(f for s in STEPS for f in s.fields)
BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}


def step_of(key: str) -> int:
    return next(s.number for s in STEPS if any(f.key == key for f in s.fields))


# --------------------------------------------------------------------------- values


def initial_values(lang: str) -> Values:
    """A fresh form: the interview's defaults (language, doses, large print…)."""
    values: Values = {LANGUAGE_KEY: lang}
    for f in FIELDS:
        if f.source is not None and f.source.default is not None and f.key not in values:
            answers = to_answers(values)
            default = f.source.default(answers)
            if default is not None:
                values[f.key] = _as_text(f, default)
    return values


def from_form(form: Mapping[str, Any]) -> Values:
    """The known fields of a submitted form, as text; everything else is ignored."""
    values: Values = {}
    for f in FIELDS:
        raw = form.get(f.key)
        if isinstance(raw, str):
            # Browsers send CRLF in text areas; keep one line ending.
            values[f.key] = raw.replace("\r\n", "\n").replace("\r", "\n")
    return values


def from_patient_data(raw: Mapping[str, Any], lang: str) -> tuple[Values, list[str]]:
    """A loaded patient file's answers as text, and the parts the form leaves out."""
    values: Values = {}
    for f in FIELDS:
        value = get_path(raw, f.path)
        if value is not None:
            values[f.key] = _as_text(f, value)
    for f in FIELDS:
        if f.required and f.key not in values:
            values.update({k: v for k, v in initial_values(lang).items() if k == f.key})
    left_out = sorted(_leaves(raw) - {f.key for f in FIELDS})
    return values, left_out


def _leaves(data: Any, prefix: str = "") -> set[str]:
    if isinstance(data, Mapping):
        found: set[str] = set()
        for key, value in data.items():
            found |= _leaves(value, f"{prefix}.{key}" if prefix else str(key))
        return found
    return {prefix} if prefix else set()


def _as_text(f: Field, value: Any) -> str:
    if f.kind == "yesno" and isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def language(values: Mapping[str, str], default: str) -> str:
    lang = values.get(LANGUAGE_KEY, "")
    return lang if lang in LANGUAGES else default


def words(values: Mapping[str, str], default_lang: str) -> dict[str, str]:
    """What the interview's texts fill in, from the answers so far: the unit,
    the first dose (as the letter would default it) and the reduced dose."""
    lang = language(values, default_lang)
    try:
        first = int(values.get("trial.first_dose_mcg", "").strip())
    except ValueError:
        first = 0
    if not doseplan.MIN_DOSE_MCG <= first <= doseplan.MAX_FIRST_DOSE_MCG:
        relies = values.get("mobility.relies_on_leg_tone_to_stand") == YES
        first = doseplan.default_first(relies)
    return {"date_example": date_example(lang), **question_words(lang, first)}


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class Limits:
    max_field_chars: int
    max_list_items: int


@dataclass
class Result:
    """What the model made of the answers: the patient, or problems by field."""

    patient: PatientFile | None
    errors: dict[str, Problem] = field(default_factory=dict)
    other: list[Problem] = field(default_factory=list)
    warnings: dict[str, Problem] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.patient is not None

    def only(self, step: Step) -> dict[str, Problem]:
        keys = {f.key for f in step.fields}
        return {k: p for k, p in self.errors.items() if k in keys}


def to_answers(values: Mapping[str, str], default_lang: str = languages.DEFAULT) -> dict[str, Any]:
    """Answers as the patient file has them, skipping what could not be read."""
    answers, _ = _convert(values, Limits(10**9, 10**9), default_lang)
    return answers


def check(
    values: Mapping[str, str],
    limits: Limits,
    default_lang: str,
    *,
    today: dt.date | None = None,
) -> Result:
    answers, errors = _convert(values, limits, default_lang)
    try:
        loaded = validate_patient(answers, SOURCE, today=today)
    except InvalidPatientError as exc:
        result = Result(None, dict(errors))
        for problem in exc.problems:
            found = field_for(problem.path)
            if found is None:
                result.other.append(problem)
            elif found.key not in result.errors:
                result.errors[found.key] = problem
        return result
    if errors:
        return Result(None, dict(errors))
    warnings: dict[str, Problem] = {}
    # As `advocacy render` warns: characters the bundled fonts cannot print.
    for warning in loaded.warnings + fontcheck.unsupported_characters(loaded.data):
        found = field_for(warning.path)
        warnings.setdefault(found.key if found else "", warning)
    return Result(loaded.data, {}, [], warnings)


def field_for(path: str) -> Field | None:
    """The field a problem is about: its own, or (a whole section missing) its first required."""
    for f in FIELDS:
        if matches(path, f.key):
            return f
    for f in FIELDS:
        if f.required and f.key.startswith(f"{path}."):
            return f
    return None


def _convert(
    values: Mapping[str, str], limits: Limits, default_lang: str
) -> tuple[dict[str, Any], dict[str, Problem]]:
    lang = language(values, default_lang)
    answers: dict[str, Any] = {}
    errors: dict[str, Problem] = {}
    # Sections the file must have are present, so that each missing field is
    # named ("patient.name is required") rather than the whole section.
    for name, info in PatientFile.model_fields.items():
        if info.is_required():
            answers[name] = {}
    for f in FIELDS:
        text = values.get(f.key, "")
        problem = _too_long(f, text, limits)
        if problem is not None:
            errors[f.key] = problem
            continue
        try:
            value = _value(f, text, lang)
        except DateNotUnderstood as exc:
            errors[f.key] = Problem(f.key, exc.message, exc.fix)
            continue
        if value is not None:
            set_path(answers, f.path, value)
    return answers, errors


def _too_long(f: Field, text: str, limits: Limits) -> Problem | None:
    if f.kind == "list":
        items = [line for line in text.split("\n") if line.strip()]
        if len(items) > limits.max_list_items:
            return Problem(
                f.key,
                f"has {len(items)} lines, more than the {limits.max_list_items} this form takes.",
                "Keep the most important ones.",
            )
        longest = max((len(line) for line in items), default=0)
        if longest > limits.max_field_chars:
            return Problem(
                f.key,
                f"has a line of {longest:,} characters.",
                f"Keep each line to {limits.max_field_chars:,} characters or fewer.",
            )
        return None
    if len(text) > limits.max_field_chars:
        return Problem(
            f.key,
            f"is {len(text):,} characters long.",
            f"Shorten it to {limits.max_field_chars:,} characters or fewer.",
        )
    return None


def _value(f: Field, text: str, lang: str) -> Any:
    """The typed answer, or None when left empty. The model judges everything else."""
    if f.kind == "list":
        items = [line.strip() for line in text.split("\n") if line.strip()]
        return items or None
    text = text.strip()
    if not text:
        return None
    if f.kind == "yesno":
        return {YES: True, NO: False}.get(text, text)
    if f.kind == "date":
        parsed = parse_date(text, lang)
        if parsed.alternative is not None:
            # The interview asks which was meant; a form cannot, so it asks for
            # a form of the date that cannot be misread.
            one = i18n.format_date(parsed.value, lang)
            other = i18n.format_date(parsed.alternative, lang)
            msg = f"{text!r} could be {one} or {other}."
            raise DateNotUnderstood(
                msg, f"Write the month as a word, like {date_example(lang)}, or 1972-03-14."
            )
        return parsed.value.isoformat()
    return text


def shown(f: Field, values: Mapping[str, str], default_lang: str) -> str:
    """An answer as the review page shows it: dates and doses in the letter's own words."""
    text = values.get(f.key, "").strip()
    if f.choices:
        return dict(f.choices).get(text, text)
    if not text:
        return ""
    lang = language(values, default_lang)
    if f.kind == "date":
        try:
            parsed = parse_date(text, lang)
        except DateNotUnderstood:
            return text
        return i18n.format_date(parsed.value, lang)
    if f.kind == "dose" and text.isdigit():
        return notation.format_dose(int(text), lang)
    if f.kind == "number":
        try:
            return f"{notation.format_mg(float(text))} a day"
        except ValueError:
            return text
    return text
