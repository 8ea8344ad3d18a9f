"""``advocacy interview``: plain questions, one at a time, ending in a checked patient file.

No Click here. Questions go out through two callables, ``ask(prompt) -> str``
(one line, raising :class:`Interrupted` on Ctrl-C or end of input) and
``say(text)``; cli.py wires them to ``click.prompt``/``click.echo`` and tests to
a script. Every answer is checked at once by :func:`model.validate_patient`,
the same function ``advocacy check`` uses, so the two can never disagree about
what is allowed or how a problem is worded.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advocacy import i18n, languages, notation, output
from advocacy.dates import DateNotUnderstood, parse_date
from advocacy.dates import example as _date_example
from advocacy.errors import (
    AdvocacyError,
    InterviewStopped,
    InterviewUsageError,
    InvalidPatientError,
    OutputError,
    Problem,
)
from advocacy.interview.questions import (
    BACK,
    NO_WORDS,
    PARTS,
    QUESTIONS,
    SECTION_STAND_INS,
    SECTIONS,
    STAND_INS,
    UNSURE_WORDS,
    YES_WORDS,
    Answers,
    Path_,
    Question,
    as_word,
    delete_path,
    first_dose,
    get_path,
    language_from_environment,
    language_name,
    language_word,
    load_answers,
    matches,
    plain_values,
    question_words,
    set_path,
    to_yaml,
    words_of,
)
from advocacy.model import (
    validate_patient,
)

Ask = Callable[[str], str]
Say = Callable[[str], None]

DEFAULT_OUTPUT = Path("patient.yaml")
YAML_SUFFIXES = (".yaml", ".yml")
# Typed to leave out an optional answer that already has a value.
CLEAR = "-"


class Interrupted(Exception):  # noqa: N818 - it names an event, like KeyboardInterrupt
    """Raised by ``ask`` when the person presses Ctrl-C or the input ends."""


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
            elif raw == BACK or (isinstance(raw, str) and as_word(raw) == BACK):
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
            if as_word(line) == BACK and not items:
                return BACK
            if as_word(line) in NO_WORDS | UNSURE_WORDS:
                return items  # "no" (or "not sure") to "Do you have questions?": none
            if as_word(line) in YES_WORDS:
                self._explain(f"Type the {question.item.lower()} itself, or press Enter.")
                continue
            items.append(line)

    def _convert(self, question: Question, raw: str) -> Any:
        kind = question.kind
        if kind == "yesno":
            word = as_word(raw)
            if word in YES_WORDS or word in NO_WORDS:
                return word in YES_WORDS
            if word in UNSURE_WORDS:
                return _UNSAID
            self.say("Problem: please answer yes, no or not sure.")
            return _INVALID
        if kind == "language":
            return language_word(raw)
        if kind == "choice":
            return self._choice(question, raw)
        if kind == "text" and as_word(raw) in YES_WORDS | NO_WORDS | UNSURE_WORDS:
            # "Do you know the doctor's name?" "not sure": never "Dear not sure,".
            if question.required or as_word(raw) in YES_WORDS:
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
        if word in UNSURE_WORDS and not question.required:
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
        data = plain_values(self.answers)
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
        if path[0] in SECTIONS and isinstance(self.answers.get(path[0]), Mapping):
            data[path[0]] = plain_values(self.answers[path[0]])
        set_path(data, path, value)
        _add_stand_ins(data)
        try:
            loaded = validate_patient(data, str(self.target), today=self.today)
        except InvalidPatientError:
            return value
        return _value_at(loaded.data, path)

    def _problems(self) -> list[Problem]:
        try:
            validate_patient(plain_values(self.answers), str(self.target), today=self.today)
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
            if answer in YES_WORDS:
                return True
            if answer in NO_WORDS:
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
        return question_words(self._lang(), first_dose(self.answers))

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


def _value_at(data: Any, path: Path_) -> Any:
    node = data
    for key in path:
        node = getattr(node, key)
    return plain_values(node)


def _add_stand_ins(data: Answers) -> None:
    for path, value in STAND_INS.items():
        if get_path(data, path) is None:
            set_path(data, path, value)
    for section, fields in SECTION_STAND_INS.items():
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
