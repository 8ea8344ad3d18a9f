"""``advocacy interview``: plain questions, one at a time, ending in a checked patient file.

No Click here. Questions go out through two callables, ``ask(prompt) -> str``
(one line, raising :class:`Interrupted` on Ctrl-C or end of input) and
``say(text)``; cli.py wires them to ``click.prompt``/``click.echo`` and tests to
a script. Every answer is checked at once by :func:`model.validate_patient`,
the same function ``advocacy check`` uses, so the two can never disagree about
what is allowed or how a problem is worded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from advocacy import doseplan, i18n, languages, notation, output
from advocacy.dates import DateNotUnderstood, age_on, parse_date
from advocacy.dates import example as _date_example
from advocacy.errors import (
    AdvocacyError,
    InterviewStopped,
    InterviewUsageError,
    InvalidPatientError,
    OutputError,
    Problem,
)
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

Ask = Callable[[str], str]
Say = Callable[[str], None]
Answers = dict[str, Any]
Path_ = tuple[str, ...]
Kind = Literal["text", "list", "date", "dose", "number", "yesno", "language", "choice"]

DEFAULT_OUTPUT = Path("patient.yaml")
YAML_SUFFIXES = (".yaml", ".yml")
# Typed to leave out an optional answer that already has a value.
CLEAR = "-"


class Interrupted(Exception):  # noqa: N818 - it names an event, like KeyboardInterrupt
    """Raised by ``ask`` when the person presses Ctrl-C or the input ends."""


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


def _first_dose(answers: Answers) -> int:
    value = get_path(answers, ("trial", "first_dose_mcg"))
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return _consensus_first(answers)


def _consensus_first(answers: Answers) -> int:
    """The panel's 25 if leg tone holds the patient up, else the label's 50 (doseplan)."""
    relies = get_path(answers, ("mobility", "relies_on_leg_tone_to_stand"))
    return doseplan.default_first(relies if isinstance(relies, bool) else None)


def _half_dose(answers: Answers) -> int | None:
    return doseplan.default_reduced(_first_dose(answers))


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
_STAND_INS: dict[Path_, Any] = {
    ("patient", "name"): "stand-in",
    ("patient", "date_of_birth"): dt.date(1970, 1, 1),
    ("patient", "diagnosis"): "stand-in",
}
_SECTION_STAND_INS: dict[str, dict[str, Any]] = {
    "emergency_contact": {"name": "stand-in", "phone": "00000 000000"},
    "organisation": {"name": "stand-in"},
}

_SECTIONS: dict[str, type[Section]] = {
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

_YES = {"y", "yes", "yeah", "yep", "true"}
_NO = {"n", "no", "nope", "none", "false"}
# "Not sure" leaves the answer empty: never printed as if it were one.
_UNSURE = {"not sure", "unsure", "don't know", "dont know", "do not know", "no idea", "maybe"}
_UNSURE |= {"?", "idk", "perhaps", "not known", "unknown", "n/a", "na"}
BACK = "back"


def _word(raw: str) -> str:
    """An answer as a word to compare: case, dots and extra spaces do not matter."""
    return " ".join(raw.casefold().replace("’", "'").rstrip(".!").split())


def _language_word(raw: str) -> str:
    """'UK English', 'British', 'English (UK)' -> en-GB; anything else as typed."""
    word = re.sub(r"[()]", " ", _word(raw))
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


def _plain(value: Any) -> Any:
    """Plain Python values: lists for tuples, 60 for 60.0 (no "60.0" in the file)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
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
    plain: Answers = _plain(raw)
    return plain


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
        model = _SECTIONS.get(key)
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


# --------------------------------------------------------------------------- the interview


@dataclass
class _Check:
    problems: list[Problem]
    warnings: list[Problem]
    value: Any


_INVALID = object()
_UNSAID = object()  # "not sure": the field is left out


class Interview:
    """The question flow. ``run()`` returns the path of the file it wrote."""

    def __init__(
        self,
        ask: Ask,
        say: Say,
        *,
        target: Path = DEFAULT_OUTPUT,
        answers: Answers | None = None,
        started_from: Path | None = None,
        force: bool = False,
        today: dt.date | None = None,
        language: str = languages.DEFAULT,
    ) -> None:
        self._ask_line = ask
        self.say = say
        self.target = target
        self.answers: Answers = answers if answers is not None else {}
        self.started_from = started_from
        self.force = force
        self.today = today
        self.default_language = language
        self._initial = repr(self.answers)

    # ------------------------------------------------------------------ running

    def run(self) -> Path:
        try:
            self._introduce()
            if self._straight_to_summary():
                self._review()
            else:
                self._ask_all()
                self._review()
            written = self._save()
        except (Interrupted, KeyboardInterrupt):
            return self._stop()
        if written is None:
            msg = "the interview ended without saving the file."
            raise InterviewStopped(msg)
        remaining = self._problems()
        if remaining:
            # Only parts the interview does not ask about can still be wrong.
            self.say(f"Saved {written}, but it needs fixing in a text editor before use.")
            raise InvalidPatientError(str(written), remaining)
        self.say(f"Saved {written}. Check it any time with: advocacy check {written}")
        try:
            self._offer_pdf(written)
        except (Interrupted, KeyboardInterrupt):
            self.say("")
            self.say(f"No PDF made. Make it later with: advocacy render {written}")
        return written

    def _introduce(self) -> None:
        self.say("This interview writes the patient file that `advocacy render` turns into")
        self.say("your letter. Each answer is checked as you go.")
        self.say("Press Enter to skip a question marked 'Enter to skip', or to keep the")
        self.say("answer shown in [brackets]. Press Ctrl-C to stop at any time; you will be")
        self.say("asked whether to keep your answers so far. Type back to return to the")
        self.say("question before. Nothing leaves this computer.")
        if self.started_from is not None:
            self.say(f"Starting from the answers in {self.started_from}.")
        if self.target.exists() and not self.force:
            self.say(f"{self.target} exists already; you will be asked before it is replaced.")
        uncovered = [p for p in self._problems() if self._question_for(p) is None]
        if uncovered:
            self.say("These parts of the file are not asked about here and need fixing in a")
            self.say("text editor afterwards:")
            for problem in uncovered:
                self.say(f"  - {problem}")

    def _straight_to_summary(self) -> bool:
        if not self.answers:
            return False
        complete = not self._problems()
        return self._yes_no(
            "Go straight to the summary to change just a few answers?", default=complete
        )

    # ------------------------------------------------------------------ one question

    def _ask_all(self) -> None:
        """Every question in order; "back" returns to the one asked before."""
        flat = [(n, part, q) for n, part in enumerate(PARTS, 1) for q in part.questions]
        asked: list[int] = []
        index, heading = 0, 0
        while index < len(flat):
            number, part, question = flat[index]
            if question.when is not None and not question.when(self.answers):
                delete_path(self.answers, question.path)
                index += 1
                continue
            if number != heading:
                self.say("")
                self.say(f"Part {number} of {len(PARTS)}: {part.title}")
                heading = number
            if self.ask_question(question) == BACK:
                if asked:
                    index = asked.pop()
                else:
                    self._tell("This is the first question.")
                continue
            asked.append(index)
            index += 1

    def ask_question(self, question: Question) -> str | None:
        """Ask until the answer is valid; returns BACK if the person typed "back"."""
        current = get_path(self.answers, question.path)
        if current in (None, "", []):
            current = None
        default = current if current is not None else self._default(question)
        words = self._words()
        self.say("")
        self.say(question.text.format(**words))
        self._explain(question.why.format(**words))
        example = question.example.format(**words)
        if question.kind == "date":
            example = f"{_date_example(self._lang())}, or 1972-03-14"
        if example:
            self._explain(f"For example: {example}" + ("" if example[-1] in ".?!" else "."))
        if current is not None and not question.required and question.kind != "list":
            self._explain(f"Enter keeps the answer in [brackets]; {CLEAR} removes it.")
        while True:
            raw = self._read(question, default)
            if raw == "" or raw == []:
                if default is not None:
                    candidate = default
                elif question.required:
                    self._tell(f"Problem: this answer is needed. {question.why.format(**words)}")
                    continue
                else:
                    delete_path(self.answers, question.path)
                    return None
            elif raw == CLEAR and not question.required:
                delete_path(self.answers, question.path)
                return None
            elif raw == BACK or (isinstance(raw, str) and _word(raw) == BACK):
                return BACK
            else:
                candidate = self._convert(question, raw)
                if candidate is _INVALID:
                    continue
                if candidate is _UNSAID:
                    delete_path(self.answers, question.path)
                    return None
            check = self.check(question.path, candidate)
            if check.problems:
                for problem in check.problems:
                    self._tell(f"Problem: {words_of(problem)}")
                continue
            for warning in check.warnings:
                self._tell(f"Note: {words_of(warning)}")
            set_path(self.answers, question.path, check.value)
            return None

    def _read(self, question: Question, default: Any) -> Any:
        label = question.label
        if question.kind == "list":
            return self._read_list(question, default)
        if question.kind == "yesno":
            if default is None:
                return self._line(f"{label} (yes, no or not sure):")
            return self._line(f"{label} [{'Y/n' if default else 'y/N'}]:")
        if question.kind == "language":
            return self._line(f"{label} [{languages.get(default).short_name}]:")
        if question.kind == "choice":
            for number, (_value, words) in enumerate(question.choices, 1):
                self.say(f"  {number}. {words}")
            if default is not None:
                return self._line(f"{label} [{self._show(question, default)}]:")
            return self._line(f"{label} (a number, or Enter to skip):")
        if default is not None:
            return self._line(f"{label} [{self._show(question, default)}]:")
        if not question.required:
            return self._line(f"{label} (Enter to skip):")
        return self._line(f"{label}:")

    def _read_list(self, question: Question, default: Any) -> Any:
        if default:
            self.say("  Now:")
            for item in default:
                self.say(f"    - {item}")
            self._explain(
                f"Press Enter to keep these, type new ones (one per line) to replace"
                f" them, or type {CLEAR} to clear the list."
            )
        else:
            self._explain("One per line; an empty line ends the list (Enter now to skip).")
        items: list[str] = []
        while True:
            line = self._line(f"{question.item} {len(items) + 1}:")
            if not line:
                return items
            if line == CLEAR and not items:
                return CLEAR
            if _word(line) == BACK and not items:
                return BACK
            if _word(line) in _NO | _UNSURE:
                return items  # "no" (or "not sure") to "Do you have questions?": none
            if _word(line) in _YES:
                self._explain(f"Type the {question.item.lower()} itself, or press Enter.")
                continue
            items.append(line)

    def _convert(self, question: Question, raw: str) -> Any:
        kind = question.kind
        if kind == "yesno":
            word = _word(raw)
            if word in _YES or word in _NO:
                return word in _YES
            if word in _UNSURE:
                return _UNSAID
            self.say("Problem: please answer yes, no or not sure.")
            return _INVALID
        if kind == "language":
            return _language_word(raw)
        if kind == "choice":
            return self._choice(question, raw)
        if kind == "text" and _word(raw) in _YES | _NO | _UNSURE:
            # "Do you know the doctor's name?" "not sure": never "Dear not sure,".
            if question.required or _word(raw) in _YES:
                self._tell(f"Problem: type the {question.label.lower()} itself.")
                return _INVALID
            return _UNSAID
        if kind == "number" and question.path == ("patient", "weight_kg"):
            return re.sub(r"\s*(kg|kilos?|kilograms?)\s*$", "", raw, flags=re.IGNORECASE)
        if kind == "number":
            # The question says milligrams; people often type the unit anyway.
            return re.sub(r"\s*mg(\s*(a|per|/)\s*day)?\s*$", "", raw, flags=re.IGNORECASE)
        if kind == "date":
            return self._read_date(raw)
        return raw

    def _choice(self, question: Question, raw: str) -> Any:
        """A number from the list, the value itself, or the start of its words."""
        word = " ".join(raw.lower().replace("-", " ").split())
        if word in _UNSURE and not question.required:
            return _UNSAID
        for number, (value, words) in enumerate(question.choices, 1):
            if word in {str(number), value.replace("-", " ")} or (
                len(word) >= 3 and words.lower().startswith(word)
            ):
                return value
        self.say(f"Problem: please answer with a number from 1 to {len(question.choices)}.")
        return _INVALID

    def _read_date(self, raw: str) -> Any:
        lang = self._lang()
        try:
            parsed = parse_date(raw, lang)
        except DateNotUnderstood as exc:
            self._tell(f"Problem: {exc}")
            return _INVALID
        readings = [parsed.value] + ([parsed.alternative] if parsed.alternative else [])
        for index, reading in enumerate(readings):
            long = i18n.format_date(reading, lang)
            prompt = f"{long} — is that right?" if index == 0 else f"Did you mean {long}?"
            if self._yes_no(prompt, default=True):
                return reading
        self.say(
            f"Please type it again. Writing the month as a word avoids mix-ups,"
            f" for example {_date_example(lang)}."
        )
        return _INVALID

    # ------------------------------------------------------------------ checking

    def check(self, path: Path_, value: Any) -> _Check:
        """Validate ``value`` at ``path`` among the other answers, as `advocacy check` would."""
        key = ".".join(path)
        data = _plain(self.answers)
        set_path(data, path, value)
        _add_stand_ins(data)
        try:
            loaded = validate_patient(data, str(self.target), today=self.today)
        except InvalidPatientError as exc:
            problems = [p for p in exc.problems if matches(p.path, key)]
            if problems:
                return _Check(problems, [], value)
            return _Check([], [], self._normalised(path, value))
        warnings = [w for w in loaded.warnings if matches(w.path, key)]
        return _Check([], warnings, _value_at(loaded.data, path))

    def _normalised(self, path: Path_, value: Any) -> Any:
        """The model's reading of one answer (50 for "50 mcg"), when other answers are wrong."""
        data: Answers = {}
        if path[0] in _SECTIONS and isinstance(self.answers.get(path[0]), Mapping):
            data[path[0]] = _plain(self.answers[path[0]])
        set_path(data, path, value)
        _add_stand_ins(data)
        try:
            loaded = validate_patient(data, str(self.target), today=self.today)
        except InvalidPatientError:
            return value
        return _value_at(loaded.data, path)

    def _problems(self) -> list[Problem]:
        try:
            validate_patient(_plain(self.answers), str(self.target), today=self.today)
        except InvalidPatientError as exc:
            return exc.problems
        return []

    def _question_for(self, problem: Problem) -> Question | None:
        for question in QUESTIONS:
            if question.when is not None and not question.when(self.answers):
                continue
            if matches(problem.path, question.key):
                return question
            # A whole section missing: ask its required questions.
            if question.required and question.key.startswith(f"{problem.path}."):
                return question
        return None

    # ------------------------------------------------------------------ review

    def _review(self) -> None:
        while True:
            shown = self._summary()
            choice = self._line("Number of an answer to change, or Enter if all is right:")
            if not choice:
                to_fix = self._fixable_problems()
                if not to_fix:
                    return
                for problem, question in to_fix:
                    self.say("")
                    self._tell(f"{question.label} needs another look: {words_of(problem)}")
                    self.ask_question(question)
                    self._drop_unasked()
                continue
            if choice.isdigit() and 1 <= int(choice) <= len(shown):
                self.ask_question(shown[int(choice) - 1])
                self._drop_unasked()
                continue
            self.say(f"Please type a number from 1 to {len(shown)}, or press Enter.")

    def _fixable_problems(self) -> list[tuple[Problem, Question]]:
        found: list[tuple[Problem, Question]] = []
        seen: set[str] = set()
        for problem in self._problems():
            question = self._question_for(problem)
            if question is not None and question.key not in seen:
                seen.add(question.key)
                found.append((problem, question))
        return found

    def _drop_unasked(self) -> None:
        for question in QUESTIONS:
            if question.when is not None and not question.when(self.answers):
                delete_path(self.answers, question.path)

    def _summary(self) -> list[Question]:
        shown = [q for q in QUESTIONS if q.when is None or q.when(self.answers)]
        width = len(str(len(shown)))
        self.say("")
        self.say("Here are your answers:")
        skipped: list[str] = []
        # One line an answer, and the skipped ones together, so that the list
        # and the problems under it fit a 40-line screen.
        for number, question in enumerate(shown, 1):
            value = get_path(self.answers, question.path)
            prefix = f"  {number:>{width}}. {question.label}:"
            if value in (None, "", []):
                skipped.append(str(number))
                continue
            if question.kind == "list" and isinstance(value, list):
                text = "; ".join(str(item) for item in value)
            else:
                text = self._show(question, value)
            line = f"{prefix} {text}"
            self.say(line if len(line) <= 78 else f"{line[:77]}…")
        if skipped:
            self._tell(f"  Skipped: {', '.join(skipped)}.")
        return shown

    # ------------------------------------------------------------------ saving

    def _save(self) -> Path | None:
        target = self.target
        while True:
            text = to_yaml(self.answers, name=target.name)
            force = self.force
            if target.exists() and not force:
                if not self._yes_no(f"{target} already exists. Replace it?", default=False):
                    answer = self._line("Save it under another name instead (Enter to not save):")
                    if not answer:
                        return None
                    target = _yaml_name(Path(answer).expanduser())
                    continue
                force = True
            try:
                output.write_atomic(target, text.encode("utf-8"), force=force)
            except (AdvocacyError, OSError) as exc:
                self._tell(f"Problem: could not save {target}: {exc}")
                answer = self._line("Save it under another name instead (Enter to not save):")
                if not answer:
                    return None
                target = _yaml_name(Path(answer).expanduser())
                continue
            return target

    def _stop(self) -> Path:
        """Stopped on purpose: save if asked to and say how to carry on (a calm exit,
        not an error); raises InterviewStopped only when nothing was saved."""
        self.say("")
        nothing = "the interview was stopped; nothing was saved."
        if repr(self.answers) == self._initial:
            raise InterviewStopped(nothing)
        try:
            keep = self._yes_no("Stopped. Save the answers so far?", default=True)
            saved = self._save() if keep else None
        except (Interrupted, KeyboardInterrupt):
            saved = None
        if saved is None:
            raise InterviewStopped(nothing)
        self.say(
            f"Stopped. Your answers so far are in {saved}."
            f" Carry on with: advocacy interview --from {saved}"
        )
        return saved

    def _offer_pdf(self, written: Path) -> None:
        from advocacy import pipeline

        if not self._yes_no("Make the PDF now?", default=True):
            self.say(f"Make it later with: advocacy render {written}")
            return
        pdf = pipeline.default_output(written, "pdf")
        force = self.force
        if pdf.exists() and not force:
            if not self._yes_no(f"{pdf} already exists. Replace it?", default=False):
                self.say(f"Kept it. Make a new one with: advocacy render {written} --force")
                return
            force = True
        self.say("Making the PDF…")
        made = pipeline.render_file(written, pdf, force=force, on_warning=self._warnings)
        self.say(f"Made {made}. Open it to look it over before you print it.")

    def _warnings(self, problems: list[Problem], source: str) -> None:
        for problem in problems:
            self._tell(f"Note: {problem}")

    # ------------------------------------------------------------------ helpers

    def _tell(self, text: str) -> None:
        self.say(textwrap.fill(text, width=78, subsequent_indent="  "))

    def _explain(self, text: str) -> None:
        self.say(textwrap.fill(text, width=78, initial_indent="  ", subsequent_indent="  "))

    def _line(self, prompt: str) -> str:
        return self._ask_line(prompt).strip()

    def _yes_no(self, prompt: str, *, default: bool) -> bool:
        hint = "[Y/n]" if default else "[y/N]"
        while True:
            answer = self._line(f"{prompt} {hint}").lower()
            if not answer:
                return default
            if answer in _YES:
                return True
            if answer in _NO:
                return False
            self.say("Please answer yes or no.")

    def _lang(self) -> str:
        value = get_path(self.answers, ("document", "language"))
        return value if languages.is_known(value) else self.default_language

    def _default(self, question: Question) -> Any:
        if question.kind == "language":
            return self.default_language
        if question.default is not None:
            return question.default(self.answers)
        return None

    def _words(self) -> dict[str, str]:
        return question_words(self._lang(), _first_dose(self.answers))

    def _show(self, question: Question, value: Any) -> str:
        lang = self._lang()
        if question.kind == "date" and isinstance(value, dt.date):
            return i18n.format_date(value, lang)
        if question.kind == "dose" and isinstance(value, int) and not isinstance(value, bool):
            return notation.format_dose(value, lang)
        if question.kind == "yesno":
            return "yes" if value else "no"
        if question.kind == "language":
            return language_name(str(value)) if languages.is_known(value) else str(value)
        if question.kind == "choice":
            return dict(question.choices).get(str(value), str(value))
        if question.kind == "number" and question.path == ("patient", "weight_kg"):
            return f"{notation.format_number(value)} kg"
        if question.kind == "number" and isinstance(value, int | float):
            return f"{notation.format_mg(value)} a day"
        return str(value)


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


def _value_at(data: Any, path: Path_) -> Any:
    node = data
    for key in path:
        node = getattr(node, key)
    return _plain(node)


def _add_stand_ins(data: Answers) -> None:
    for path, value in _STAND_INS.items():
        if get_path(data, path) is None:
            set_path(data, path, value)
    for section, fields in _SECTION_STAND_INS.items():
        if isinstance(data.get(section), dict):
            for key, value in fields.items():
                data[section].setdefault(key, value)


def _yaml_name(path: Path) -> Path:
    return path if path.suffix.lower() in YAML_SUFFIXES else path.with_name(path.name + ".yaml")


def default_target(output_path: Path | None, started_from: Path | None) -> Path:
    """-o if given; else the --from file itself (a .yaml beside it for TOML/JSON)."""
    if output_path is not None:
        return output_path
    if started_from is not None:
        if started_from.suffix.lower() in YAML_SUFFIXES:
            return started_from
        return started_from.with_suffix(".yaml")
    return DEFAULT_OUTPUT


def run(
    ask: Ask,
    say: Say,
    *,
    output_path: Path | None = None,
    started_from: Path | None = None,
    force: bool = False,
    environ: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> Path:
    """Ask the questions, write the patient file, offer the PDF; return the file's path."""
    target = default_target(output_path, started_from)
    if target.suffix.lower() not in YAML_SUFFIXES:
        msg = f"{target}: the interview writes YAML; choose a file name ending in .yaml."
        raise InterviewUsageError(msg)
    folder = target.parent if str(target.parent) else Path()
    if not folder.is_dir():
        msg = f"{folder} is not a folder; create it first or choose another file name."
        raise OutputError(msg)
    answers = load_answers(started_from) if started_from is not None else {}
    language = get_path(answers, ("document", "language"))
    if not languages.is_known(language):
        language = language_from_environment(os.environ if environ is None else environ)
    interview = Interview(
        ask,
        say,
        target=target,
        answers=answers,
        started_from=started_from,
        force=force,
        today=today,
        language=language,
    )
    return interview.run()
