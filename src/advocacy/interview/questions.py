"""The interview's questions and answers, shared by the terminal and the web form.

Each question names the patient-file field it fills, its plain words and when
it is asked. Answers are a nested dict shaped like the patient file; they are
checked by :func:`model.validate_patient` (the same function ``advocacy check``
uses) and written back as commented YAML by :func:`to_yaml`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from advocacy import doseplan, languages, notation
from advocacy.dates import age_on
from advocacy.errors import Problem
from advocacy.model import (
    ADULT_AGE_YEARS,
    Appointment,
    DocumentSettings,
    EmergencyContact,
    Medication,
    Mobility,
    Organisation,
    PatientDetails,
    PatientFile,
    PreparedWith,
    Section,
    Trial,
    validate_patient,
)
from advocacy.options import PAPER_LABELS

Answers = dict[str, Any]
Path_ = tuple[str, ...]
Kind = Literal["text", "list", "date", "dose", "number", "yesno", "language", "choice"]


# --------------------------------------------------------------------------- questions


@dataclass(frozen=True)
class Question:
    """One question. ``text``, ``why`` and ``example`` may use {unit}, {first}, {half}."""

    path: Path_
    label: str
    text: str
    why: str
    kind: Kind = "text"
    example: str = ""
    required: bool = False
    item: str = ""
    default: Callable[[Answers], Any] | None = None
    when: Callable[[Answers], bool] | None = None
    # For kind="choice": (value, words) in the order offered; the values are
    # the model's own (its Literal), the words what people read.
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Part:
    title: str
    questions: tuple[Question, ...]


def first_dose(answers: Answers) -> int:
    value = get_path(answers, ("trial", "first_dose_mcg"))
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return _consensus_first(answers)


def _consensus_first(answers: Answers) -> int:
    """The panel's 25 if leg tone holds the patient up, else the label's 50 (doseplan)."""
    relies = get_path(answers, ("mobility", "relies_on_leg_tone_to_stand"))
    return doseplan.default_first(relies if isinstance(relies, bool) else None)


def _half_dose(answers: Answers) -> int | None:
    return doseplan.default_reduced(first_dose(answers))


def _for_someone_else(answers: Answers) -> bool:
    return get_path(answers, ("writer", "relationship")) not in (None, "self")


def _is_child(answers: Answers) -> bool:
    born = get_path(answers, ("patient", "date_of_birth"))
    if not isinstance(born, dt.date):
        return False
    return age_on(born, dt.datetime.now().astimezone().date()) < ADULT_AGE_YEARS


def _has_contact(answers: Answers) -> bool:
    return bool(get_path(answers, ("emergency_contact", "name")))


# "US or UK", as the language question names its choices.
_SHORT_NAMES = languages.either([entry.short_name for entry in languages.entries()])

PARTS: tuple[Part, ...] = (
    Part(
        "Your letter",
        (
            Question(
                ("document", "language"),
                f"{_SHORT_NAMES} English",
                f"Should the letter use {_SHORT_NAMES} English?",
                "It decides the spelling, how doses are written"
                f" ({languages.either([e.microgram_unit for e in languages.entries()])}),"
                " the paper size, and how dates like 04/03/1972 are read.",
                kind="language",
                required=True,
            ),
            Question(
                ("document", "large_print"),
                "Large print",
                "Would you like the letter in large print?",
                "Large print makes the text at least 16 point, for anyone who finds"
                " small print hard to read.",
                kind="yesno",
                default=lambda _: False,
            ),
            Question(
                ("writer", "relationship"),
                "Who is writing",
                "Who is writing this letter?",
                "A parent, guardian or carer writes about the patient and signs; the letter"
                " then speaks of the patient by name. If you write for someone else, answer"
                " the questions that follow about them: 'you' means the patient.",
                kind="choice",
                choices=(
                    ("self", "the patient, about themselves"),
                    ("parent", "a parent"),
                    ("guardian", "a guardian"),
                    ("carer", "a carer"),
                    ("other", "someone else"),
                ),
                default=lambda _: "self",
            ),
            Question(
                ("writer", "name"),
                "Your name",
                "If you write for someone else: what is your own name, as you will sign?",
                "The person who writes the letter signs it; leave this empty if you are the"
                " patient.",
                # Needed only when someone else writes: the model says so, in
                # check's words, so the form can show it as optional.
                when=_for_someone_else,
            ),
        ),
    ),
    Part(
        "About you",
        (
            Question(
                ("patient", "name"),
                "Full name",
                "What is your full name?",
                "It goes at the top of every page, so the clinic can match the letter"
                " to your records.",
                example="as it is written on letters from the clinic",
                required=True,
            ),
            Question(
                ("patient", "preferred_name"),
                "Preferred name",
                "What do you like to be called?",
                "So the team knows how to address you.",
            ),
            Question(
                ("patient", "date_of_birth"),
                "Date of birth",
                "What is your date of birth?",
                "The clinic needs your date of birth to find your records.",
                kind="date",
                required=True,
            ),
            Question(
                ("patient", "weight_kg"),
                "Weight",
                "What is your weight, in kilograms?",
                "For a child the team needs the weight: doses for small patients differ.",
                kind="number",
                example="24.5",
                when=_is_child,
            ),
            Question(
                ("patient", "diagnosis"),
                "Diagnosis",
                "What is your diagnosis?",
                "The team reads the request in the light of your condition.",
                example="hereditary spastic paraplegia (SPG4)",
                required=True,
            ),
            Question(
                ("patient", "hospital_number"),
                "Hospital number",
                "Do you have a hospital or clinic number?",
                "It helps the clinic find your records quickly.",
                example="an NHS number, MRN or clinic number",
            ),
            Question(
                ("patient", "phone"),
                "Your phone",
                "What is your phone number?",
                "So the team can reach you about the trial.",
            ),
            Question(
                ("patient", "email"),
                "Your email",
                "What is your email address?",
                "So the team can write to you about the trial.",
            ),
            Question(
                ("patient", "address"),
                "Your address",
                "What is your address?",
                "It is printed with your details, as on any letter.",
                example="1 Example Street, Springfield",
            ),
        ),
    ),
    Part(
        "Getting about",
        (
            Question(
                ("mobility", "summary"),
                "Getting about",
                "How do you get about now?",
                "The team needs to know how you walk now to see what the trial changes.",
                example="I walk indoors with one stick and use a wheelchair outside.",
            ),
            Question(
                ("mobility", "walking"),
                "Walking",
                "Which is closest to how you get about?",
                "It decides what the trial measures: walking tests for someone who walks;"
                " spasms, pain, sitting, transfers and care for someone who does not.",
                kind="choice",
                choices=(
                    ("without-aids", "I walk without aids"),
                    ("with-aids", "I walk with aids (a stick, crutches, a frame)"),
                    ("mostly-wheelchair", "I mostly use a wheelchair"),
                    ("does-not-walk", "I do not walk"),
                ),
            ),
            Question(
                ("mobility", "aids"),
                "Walking aids",
                "What walking aids, splints or wheelchair do you use?",
                "The team will watch how you use them during the trial.",
                kind="list",
                item="Aid",
                example="walking stick",
            ),
            Question(
                ("mobility", "relies_on_leg_tone_to_stand"),
                "Stiffness helps you stand",
                "Does some stiffness in your legs help you stand or walk?",
                "If it does, a full first dose can take that support away for hours;"
                " this is why the letter asks for a lower-dose retry.",
                # No default: Enter (or "not sure") leaves it unsaid, and the
                # letter then uses its neutral sentence.
                kind="yesno",
            ),
        ),
    ),
    Part(
        "Your medicines",
        (
            Question(
                ("medication", "oral_baclofen_mg_per_day"),
                "Baclofen tablets",
                "How much baclofen do you take by mouth each day, in total?",
                "The team compares the trial with what the tablets do for you now.",
                kind="number",
                example="60 (milligrams a day, for 20 mg three times a day)",
            ),
            Question(
                ("medication", "side_effects"),
                "Side effects",
                "Do the baclofen tablets give you side effects?",
                "Side effects at the doses you need are one reason to consider a pump.",
                kind="list",
                item="Side effect",
                example="drowsiness during the day",
            ),
            Question(
                ("medication", "other"),
                "Other medicines",
                "What other medicines do you take?",
                "The team needs the whole list before giving a new drug.",
                kind="list",
                item="Medicine",
                example="vitamin D 1000 units daily",
            ),
            Question(
                ("medication", "allergies"),
                "Allergies",
                "Do you have any allergies?",
                "The team must know before the catheter is placed.",
                kind="list",
                item="Allergy",
                example="penicillin",
            ),
        ),
    ),
    Part(
        "What you hope for",
        (
            Question(
                ("goals",),
                "Goals",
                "What do you hope the trial will show?",
                "The team can check these during the trial, so use your own words.",
                kind="list",
                item="Goal",
                example="Stand up from a chair without pulling on the armrests",
            ),
            Question(
                ("statement",),
                "Your words to the team",
                "Is there anything else you would like the team to read?",
                "A few sentences in your own words; they are printed as you write them.",
                example="My legs are stiff, but that stiffness also holds me up.",
            ),
            Question(
                ("questions",),
                "Questions for the team",
                "Do you have questions for the team?",
                "They are printed so that nothing is forgotten on the day.",
                kind="list",
                item="Question",
                example="Can the catheter stay in overnight?",
            ),
        ),
    ),
    Part(
        "The appointment",
        (
            Question(
                ("appointment", "clinic"),
                "Clinic",
                "Which clinic or service is the letter for?",
                "The letter is addressed to them.",
                example="Spasticity Service, Example Hospital",
            ),
            Question(
                ("appointment", "clinician"),
                "Doctor or nurse",
                "Do you know the name of the doctor or nurse you will see?",
                "The letter can then greet them by name.",
                example="Dr Sam Neurologist",
            ),
            Question(
                ("appointment", "date"),
                "Appointment date",
                "When is the appointment?",
                "It is printed on the letter.",
                kind="date",
            ),
            Question(
                ("appointment", "time"),
                "Appointment time",
                "At what time?",
                "It is printed as you write it.",
                example="10:30",
            ),
            Question(
                ("appointment", "address"),
                "Appointment place",
                "Where is the appointment?",
                "It is printed on the letter.",
                example="Neurology Outpatients, Level 2",
            ),
        ),
    ),
    Part(
        "The trial doses",
        (
            Question(
                ("trial", "first_dose_mcg"),
                "First dose",
                "What first test dose should the letter ask for, in micrograms?",
                "A US best-practice panel gives 25 {unit} as the test dose for people who"
                " rely on leg stiffness to stand or walk; the label's standard is 50 {unit}."
                " The suggestion follows your answer about leg stiffness; keep it unless your"
                " team has suggested another. 75 and 100 are never a first dose.",
                kind="dose",
                example="whole micrograms, 25 or 50 (not milligrams)",
                required=True,
                default=_consensus_first,
            ),
            Question(
                ("trial", "reduced_dose_mcg"),
                "Reduced dose",
                "If the first dose is too strong, what lower dose should they try next?",
                "If {first} is too strong, the letter asks the team to wait until it has worn"
                " off and, at least 24 hours later, try again through the same catheter at a"
                " lower dose. Half the first dose, rounded down to 5, is usual ({half}). From"
                " 25 {unit} no source names a lower bolus: press Enter and the letter asks the"
                " team for a lower bolus or a slow infusion, as they decide.",
                kind="dose",
                example="whole micrograms, lower than the first dose",
                default=_half_dose,
            ),
        ),
    ),
    Part(
        "Someone to contact",
        (
            Question(
                ("emergency_contact", "name"),
                "Emergency contact",
                "Who should the team contact in an emergency?",
                "Hospitals ask for this before any procedure.",
                example="Jo Example",
            ),
            Question(
                ("emergency_contact", "phone"),
                "Their phone",
                "What is their phone number?",
                "So the team can reach them.",
                required=True,
                when=_has_contact,
            ),
            Question(
                ("emergency_contact", "relationship"),
                "Who they are to you",
                "Who are they to you?",
                "It helps the team know who they are talking to.",
                example="partner, daughter, friend",
                when=_has_contact,
            ),
        ),
    ),
    Part(
        "Who helped",
        (
            Question(
                ("prepared_with", "name"),
                "Helped by",
                "Did someone help you prepare this, such as a carer or friend?",
                "Their name is printed so the team knows who helped.",
                example="Jo Example",
            ),
            Question(
                ("prepared_with", "organisation"),
                "Support group",
                "Did a support group help?",
                "Its name is printed with the helper's.",
                example="Example HSP Support Group",
            ),
        ),
    ),
)

QUESTIONS: tuple[Question, ...] = tuple(q for part in PARTS for q in part.questions)

# Required fields not answered yet get stand-ins, so that a half-finished
# interview still validates and each answer can be checked on its own.
STAND_INS: dict[Path_, Any] = {
    ("patient", "name"): "stand-in",
    ("patient", "date_of_birth"): dt.date(1970, 1, 1),
    ("patient", "diagnosis"): "stand-in",
}
SECTION_STAND_INS: dict[str, dict[str, Any]] = {
    "emergency_contact": {"name": "stand-in", "phone": "00000 000000"},
    "organisation": {"name": "stand-in"},
}

SECTIONS: dict[str, type[Section]] = {
    "patient": PatientDetails,
    "mobility": Mobility,
    "medication": Medication,
    "appointment": Appointment,
    "trial": Trial,
    "emergency_contact": EmergencyContact,
    "prepared_with": PreparedWith,
    "organisation": Organisation,
    "document": DocumentSettings,
}
_SECTION_TITLES = {
    "patient": "About you",
    "mobility": "Getting about",
    "medication": "Medicines",
    "goals": "What you hope for",
    "appointment": "The appointment",
    "trial": "The trial doses",
    "emergency_contact": "Someone to contact",
    "prepared_with": "Who helped",
    "organisation": "Support group branding",
    "document": "How the letter is made",
}

YES_WORDS = {"y", "yes", "yeah", "yep", "true"}
NO_WORDS = {"n", "no", "nope", "none", "false"}
# "Not sure" leaves the answer empty: never printed as if it were one.
UNSURE_WORDS = {"not sure", "unsure", "don't know", "dont know", "do not know", "no idea", "maybe"}
UNSURE_WORDS |= {"?", "idk", "perhaps", "not known", "unknown", "n/a", "na"}
BACK = "back"


def as_word(raw: str) -> str:
    """An answer as a word to compare: case, dots and extra spaces do not matter."""
    return " ".join(raw.casefold().replace("’", "'").rstrip(".!").split())


def language_word(raw: str) -> str:
    """'UK English', 'British', 'English (UK)' -> en-GB; anything else as typed."""
    word = re.sub(r"[()]", " ", as_word(raw))
    word = " ".join(w for w in word.split() if w != "english") or word
    return languages.from_word(word) or raw


def language_name(code: str) -> str:
    """'UK English (micrograms, A4 paper)': what choosing it changes, in the person's words."""
    entry = languages.get(code)
    return f"{entry.name} ({entry.microgram_unit}, {PAPER_LABELS[entry.paper]} paper)"


# --------------------------------------------------------------------------- answers


def get_path(data: Mapping[str, Any], path: Path_) -> Any:
    node: Any = data
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def set_path(data: Answers, path: Path_, value: Any) -> None:
    node = data
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[path[-1]] = value


def delete_path(data: Answers, path: Path_) -> None:
    """Remove a value, and any section it leaves empty."""
    parents: list[tuple[dict[str, Any], str]] = []
    node: Any = data
    for key in path[:-1]:
        if not isinstance(node, dict) or not isinstance(node.get(key), dict):
            return
        parents.append((node, key))
        node = node[key]
    if isinstance(node, dict):
        node.pop(path[-1], None)
    for parent, key in reversed(parents):
        if parent[key]:
            break
        del parent[key]


def plain_values(value: Any) -> Any:
    """Plain Python values: lists for tuples, 60 for 60.0 (no "60.0" in the file)."""
    if isinstance(value, Mapping):
        return {str(k): plain_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_values(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        # Files keep dates as text until the schema reads them; answers hold dates.
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(value)
    return value


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def matches(problem_path: str, key: str) -> bool:
    """Whether a problem at ``problem_path`` is about the answer at ``key`` (or its items)."""
    return problem_path == key or problem_path.startswith((f"{key}.", f"{key}["))


def language_from_environment(environ: Mapping[str, str]) -> str:
    """The language the computer's locale picks (en_GB -> en-GB; see languages.for_locale)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return languages.for_locale(value)
    return languages.DEFAULT


def load_answers(path: Path) -> Answers:
    """An existing patient file's values, valid or not, to start the interview from."""
    from advocacy.loading import load_data

    source = str(path)
    raw = load_data(path)
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        validate_patient(raw, source)  # raises, with the same words as `check`
    values: Answers = plain_values(raw)
    return values


# --------------------------------------------------------------------------- YAML


def to_yaml(answers: Answers, *, name: str = "FILE") -> str:
    """The patient file as commented YAML 1.2, sections in the order `advocacy init` uses."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def node(value: Any) -> Any:
        return CommentedSeq(value) if isinstance(value, list) else value

    root = CommentedMap()
    root.yaml_set_start_comment(
        "advocacy patient file, written by `advocacy interview`.\n"
        f"Check it:        advocacy check {name}\n"
        f"Make the PDF:    advocacy render {name}\n"
        f"Change answers:  advocacy interview --from {name}  (or edit this file)\n"
        "Doses are whole MICROGRAMS (not mg). Dates are written YYYY-MM-DD."
    )
    for key in _ordered(answers, list(PatientFile.model_fields)):
        value = answers[key]
        model = SECTIONS.get(key)
        if model is not None and isinstance(value, Mapping):
            section = CommentedMap()
            for field in _ordered(value, list(model.model_fields)):
                section[field] = node(value[field])
                comment = _comment(model, field)
                if comment:
                    section.yaml_set_comment_before_after_key(field, before=comment, indent=2)
            root[key] = section
            heading = _SECTION_TITLES.get(key, "")
        else:
            root[key] = node(value)
            heading = _comment(PatientFile, key)
        # A blank line, then a heading, before each section.
        root.yaml_set_comment_before_after_key(key, before=f"\n{heading}", indent=0)
    yaml = YAML(typ="rt")  # ruamel writes YAML 1.2, the version the loader reads
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # one answer, one line: easier to find and change
    stream = io.StringIO()
    yaml.dump(root, stream)
    return stream.getvalue()


def _ordered(mapping: Mapping[str, Any], order: list[str]) -> list[str]:
    known = [k for k in order if k in mapping]
    return known + [k for k in mapping if k not in order]


def _comment(model: type[Section], field: str) -> str:
    info = model.model_fields.get(field)
    if info is None:
        return ""
    text = info.description or ""
    if info.is_required():
        text = f"REQUIRED. {text}".strip()
    return text


def question_words(lang: str, first_mcg: int) -> dict[str, str]:
    """What the questions' texts fill in ({unit}, {first}, {half}), here and in the web form."""
    half = doseplan.default_reduced(first_mcg)
    return {
        "unit": notation.microgram_unit(lang),
        "first": notation.format_dose(first_mcg, lang),
        "half": notation.format_dose(half, lang) if half else "none: the team decides",
    }


def words_of(problem: Problem) -> str:
    """A problem as one sentence to show beside its question."""
    return f"{problem.message} {problem.fix}".strip()
