"""The guided interview: the question flow, then the whole thing through a pipe and a terminal."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pexpect
import pytest
from click.testing import CliRunner

from advocacy.cli import cli
from advocacy.errors import InvalidPatientError
from advocacy.interview import questions
from advocacy.interview import terminal as interview
from advocacy.interview.terminal import Interrupted, InterviewStopped, parse_date
from advocacy.model import PatientFile, load_patient, validate_patient
from tests.conftest import PATIENTS, pdf_text

CTRL_C = object()

# A new user's whole interview: (the prompt it answers, what they type).
# It includes answers that are refused and re-asked, a skipped optional
# question, and a change made from the summary.
NEW_USER: list[tuple[str, str]] = [
    ("US or UK English [US]:", "UK"),
    ("Large print [y/N]", ""),
    ("Who is writing [the patient, about themselves]:", ""),
    ("Full name:", ""),  # required: refused, asked again
    ("Full name:", "Alex Example"),
    ("Preferred name (Enter to skip):", ""),  # skipped
    ("Date of birth:", "14/03/2072"),
    ("14 March 2072 — is that right?", "y"),  # refused: not in the past
    ("Date of birth:", "14/03/1972"),
    ("14 March 1972 — is that right?", "y"),
    ("Diagnosis:", "Hereditary spastic paraplegia (SPG4)"),
    ("Hospital number (Enter to skip):", "1234567890"),
    ("Your phone (Enter to skip):", ""),
    ("Your email (Enter to skip):", ""),
    ("Your address (Enter to skip):", ""),
    ("Getting about (Enter to skip):", "I walk indoors with one stick."),
    ("Walking (a number, or Enter to skip):", "2"),
    ("Aid 1:", "walking stick"),
    ("Aid 2:", ""),
    ("Stiffness helps you stand (yes, no or not sure):", "y"),
    ("Baclofen tablets (Enter to skip):", "60 mg"),
    ("Side effect 1:", ""),
    ("Medicine 1:", ""),
    ("Allergy 1:", "penicillin"),
    ("Allergy 2:", ""),
    ("Goal 1:", "Stand up from a chair"),
    ("Goal 2:", "Walk to the end of the garden"),
    ("Goal 3:", ""),
    ("Your words to the team (Enter to skip):", ""),
    ("Question 1:", ""),
    ("Clinic (Enter to skip):", "Spasticity Service, Example Hospital"),
    ("Doctor or nurse (Enter to skip):", ""),
    ("Appointment date (Enter to skip):", ""),
    ("Appointment time (Enter to skip):", ""),
    ("Appointment place (Enter to skip):", ""),
    # Leg stiffness holds Alex up: the panel's 25 is offered first.
    ("First dose [25 micrograms]:", "0.05 mg"),  # refused: milligrams
    ("First dose [25 micrograms]:", "75"),  # refused: never a first dose
    ("First dose [25 micrograms]:", ""),
    ("Reduced dose (Enter to skip):", "60"),  # refused: not lower than the first
    ("Reduced dose (Enter to skip):", ""),  # from 25, the team decides
    ("Emergency contact (Enter to skip):", "Jo Example"),
    ("Their phone:", "+44 7700 900123"),
    ("Who they are to you (Enter to skip):", "partner"),
    ("Helped by (Enter to skip):", ""),
    ("Support group (Enter to skip):", ""),
    ("Number of an answer to change", "5"),  # 5 is the preferred name
    ("Preferred name (Enter to skip):", "Alex"),
    ("Number of an answer to change", ""),
]


class Script:
    """Types answers in order, checking each is the answer to the prompt expected."""

    def __init__(self, steps: Iterable[tuple[str, object]]) -> None:
        self.steps = list(steps)
        self.lines: list[str] = []

    def ask(self, prompt: str) -> str:
        self.lines.append(prompt)
        if not self.steps:
            raise Interrupted
        expected, answer = self.steps.pop(0)
        assert expected in prompt, (prompt, expected, self.text)
        if answer is CTRL_C:
            raise Interrupted
        assert isinstance(answer, str)
        self.lines[-1] += f" {answer}"
        return answer

    def say(self, text: str) -> None:
        self.lines.append(text)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def words(self) -> str:
        """The text with line wrapping undone, to look for a sentence in it."""
        return " ".join(self.text.split())


def run_script(steps: Iterable[tuple[str, object]], tmp_path: Path, **kwargs: Any) -> Script:
    script = Script(steps)
    kwargs.setdefault("output_path", tmp_path / "me.yaml")
    kwargs.setdefault("environ", {"LANG": "C.UTF-8"})
    interview.run(script.ask, script.say, **kwargs)
    assert not script.steps, f"unused answers: {script.steps}"
    return script


def offer(answer: str) -> list[tuple[str, str]]:
    return [("Make the PDF now?", answer)]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("1972-03-14", "en-US", dt.date(1972, 3, 14)),
        ("14/03/1972", "en-US", dt.date(1972, 3, 14)),  # 14 cannot be a month
        ("03/14/1972", "en-GB", dt.date(1972, 3, 14)),
        ("14 March 1972", "en-US", dt.date(1972, 3, 14)),
        ("14th of March 1972", "en-US", dt.date(1972, 3, 14)),
        ("March 14, 1972", "en-GB", dt.date(1972, 3, 14)),
        ("Mar 14 1972", "en-GB", dt.date(1972, 3, 14)),
        ("14-Mar-1972", "en-US", dt.date(1972, 3, 14)),
        ("14.03.1972", "en-US", dt.date(1972, 3, 14)),
        ("1972/3/14", "en-US", dt.date(1972, 3, 14)),
    ],
)
def test_dates_in_common_written_forms(text: str, lang: str, expected: dt.date) -> None:
    parsed = parse_date(text, lang)
    assert parsed.value == expected
    assert parsed.alternative is None


@pytest.mark.parametrize(
    ("text", "lang", "first", "other"),
    [
        ("04/03/1972", "en-GB", dt.date(1972, 3, 4), dt.date(1972, 4, 3)),
        ("04/03/1972", "en-US", dt.date(1972, 4, 3), dt.date(1972, 3, 4)),
        ("04.03.1972", "en-US", dt.date(1972, 3, 4), dt.date(1972, 4, 3)),  # dots: day first
    ],
)
def test_ambiguous_day_and_month_follow_the_language(
    text: str, lang: str, first: dt.date, other: dt.date
) -> None:
    parsed = parse_date(text, lang)
    assert (parsed.value, parsed.alternative) == (first, other)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("14/03/72", "year in full"),
        ("31 February 1972", "not a day on the calendar"),
        ("13/13/1972", "no month between 1 and 12"),
        ("soon", "is not a date. Write it like 14 March 1972"),
        ("14 Marchember 1972", "is not a date"),
    ],
)
def test_dates_refused_with_the_reason(text: str, words: str) -> None:
    with pytest.raises(interview.DateNotUnderstood, match=words):
        parse_date(text, "en-GB")


def test_declined_ambiguous_date_offers_the_other_reading(tmp_path: Path) -> None:
    steps = [(p, a) for p, a in NEW_USER if not p.startswith(("14 March", "Date of birth"))]
    at = steps.index(("Diagnosis:", "Hereditary spastic paraplegia (SPG4)"))
    steps[at:at] = [
        ("Date of birth:", "04/03/1972"),
        ("4 March 1972 — is that right?", "n"),
        ("Did you mean 3 April 1972?", "y"),
    ]
    run_script(steps + offer("n"), tmp_path)
    assert load_patient(tmp_path / "me.yaml").data.patient.date_of_birth == dt.date(1972, 4, 3)


# --------------------------------------------------------------------------- the flow


def test_new_user_interview_writes_a_file_that_passes_check(tmp_path: Path) -> None:
    script = run_script(NEW_USER + offer("n"), tmp_path)
    loaded = load_patient(tmp_path / "me.yaml")
    data = loaded.data
    assert data.patient.name == "Alex Example"
    assert data.patient.preferred_name == "Alex"  # changed from the summary
    assert data.patient.date_of_birth == dt.date(1972, 3, 14)
    assert data.patient.hospital_number == "1234567890"  # digits stay text
    assert data.trial.first_dose_mcg == 25
    assert data.trial.reduced is None
    assert data.mobility.walking == "with-aids"
    assert data.writer.relationship == "self"
    assert data.medication.oral_baclofen_mg_per_day == 60
    assert data.goals == ("Stand up from a chair", "Walk to the end of the garden")
    assert data.document.language == "en-GB"
    assert data.emergency_contact is not None
    assert data.emergency_contact.relationship == "partner"
    assert data.patient.email is None  # skipped, so not in the file at all
    assert "email" not in (tmp_path / "me.yaml").read_text()
    # Wrong answers were explained with the words `advocacy check` uses.
    text = script.words
    assert "Problem: this answer is needed." in text
    assert "2072-03-14 is not in the past" in text
    assert "'0.05 mg' is in milligrams, but doses here are in micrograms" in text
    assert "must be lower than the first (25 micrograms)" in text
    assert "75 and 100 are escalation steps, never a first dose" in text
    assert "The clinic needs your date of birth to find your records." in text
    assert "Half the first dose, rounded down to 5, is usual (none: the team decides)" in text
    assert "Make it later with: advocacy render" in text


def test_interview_messages_are_the_messages_of_check(tmp_path: Path) -> None:
    raw = {"patient": {"name": "A", "date_of_birth": "1972-03-14", "diagnosis": "HSP"}}
    raw["trial"] = {"first_dose_mcg": "0.05 mg"}
    with pytest.raises(InvalidPatientError) as caught:
        validate_patient(raw, "x.yaml")
    (problem,) = caught.value.problems
    script = run_script(NEW_USER + offer("n"), tmp_path)
    assert f"Problem: {problem.message}" in script.words


def test_yaml_is_commented_and_read_as_yaml_12(tmp_path: Path) -> None:
    run_script(NEW_USER + offer("n"), tmp_path)
    text = (tmp_path / "me.yaml").read_text()
    assert text.startswith("# advocacy patient file, written by `advocacy interview`.")
    assert "# REQUIRED. Date of birth, written YYYY-MM-DD.\n  date_of_birth: 1972-03-14\n" in text
    assert "Doses are whole MICROGRAMS" in text
    assert "\n  first_dose_mcg: 25\n" in text
    assert "\n  walking: with-aids\n" in text
    assert "oral_baclofen_mg_per_day: 60\n" in text  # never "60.0"
    answers = {"patient": {"name": "NO", "date_of_birth": dt.date(1972, 3, 14)}}
    answers["appointment"] = {"time": "10:30"}
    path = tmp_path / "odd.yaml"
    path.write_text(questions.to_yaml(answers))
    again = questions.load_answers(path)
    assert again["patient"]["name"] == "NO"
    assert again["appointment"]["time"] == "10:30"


def test_skipping_leaves_optional_sections_out(tmp_path: Path) -> None:
    optional = ("Their phone", "Who they are", "Aid 2", "Allergy 2", "Goal 2", "Goal 3")
    steps = [(p, a) for p, a in NEW_USER[:-3] if not p.startswith(optional)]
    steps = [(p, "" if "Enter to skip" in p or p.endswith(" 1:") else a) for p, a in steps]
    # A refused answer, now skipped, is not asked again.
    steps = [step for i, step in enumerate(steps) if i == 0 or step != steps[i - 1]]
    steps.append(("Number of an answer to change", ""))
    run_script(steps + offer("n"), tmp_path)
    data = load_patient(tmp_path / "me.yaml").data
    assert data.emergency_contact is None
    assert data.goals == ()
    assert data.patient.hospital_number is None
    assert "appointment" not in (tmp_path / "me.yaml").read_text()


@pytest.mark.render
def test_pdf_offered_and_made(tmp_path: Path) -> None:
    script = run_script(NEW_USER + offer(""), tmp_path)
    pdf = tmp_path / "me.pdf"
    assert f"Made {pdf}." in script.words
    pages = pdf_text(pdf.read_bytes())
    assert "Alex Example" in pages[0]


def test_ctrl_c_offers_to_save_then_carry_on_from_the_file(tmp_path: Path) -> None:
    at = NEW_USER.index(("Diagnosis:", "Hereditary spastic paraplegia (SPG4)"))
    steps: list[tuple[str, object]] = [*NEW_USER[:at], ("Diagnosis:", CTRL_C)]
    steps.append(("Stopped. Save the answers so far? [Y/n]", ""))
    # Stopping on purpose and saving is calm: no error, and it says how to carry on.
    script = run_script(steps, tmp_path)
    assert "Carry on with: advocacy interview --from" in script.words
    saved = questions.load_answers(tmp_path / "me.yaml")
    assert saved["patient"] == {"name": "Alex Example", "date_of_birth": dt.date(1972, 3, 14)}
    # Carry on: earlier answers are the defaults, so Enter keeps them.
    rest = [
        ("Go straight to the summary", "n"),
        ("US or UK English [UK]:", ""),
        ("Large print [y/N]", ""),
        ("Who is writing [the patient, about themselves]:", ""),
        ("Full name [Alex Example]:", ""),
        *NEW_USER[5:6],
        ("Date of birth [14 March 1972]:", ""),
        *NEW_USER[at:],
        ("me.yaml already exists. Replace it? [y/N]", "y"),
        *offer("n"),
    ]
    run_script(rest, tmp_path, started_from=tmp_path / "me.yaml", output_path=None)
    assert load_patient(tmp_path / "me.yaml").data.patient.preferred_name == "Alex"


def test_ctrl_c_and_no_save_writes_nothing(tmp_path: Path) -> None:
    steps = [*NEW_USER[:5], ("Preferred name", CTRL_C), ("Stopped. Save", "n")]
    with pytest.raises(InterviewStopped, match="nothing was saved"):
        run_script(steps, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_from_a_complete_file_goes_to_the_summary_and_keeps_everything(tmp_path: Path) -> None:
    source = tmp_path / "p.toml"
    shutil.copy(PATIENTS / "valid.toml", source)
    before = load_patient(source).data
    steps = [
        ("Go straight to the summary to change just a few answers? [Y/n]", ""),
        ("Number of an answer to change", ""),
        *offer("n"),
    ]
    run_script(steps, tmp_path, started_from=source, output_path=None)
    after = load_patient(tmp_path / "p.yaml").data  # TOML in, YAML out beside it
    assert after == before


def test_never_overwrites_without_asking(tmp_path: Path) -> None:
    target = tmp_path / "me.yaml"
    target.write_text("mine")
    steps = [
        *NEW_USER,
        ("me.yaml already exists. Replace it? [y/N]", ""),
        ("Save it under another name instead", str(tmp_path / "other")),
        *offer("n"),
    ]
    script = run_script(steps, tmp_path)
    assert target.read_text() == "mine"
    assert load_patient(tmp_path / "other.yaml").data.patient.name == "Alex Example"
    assert "exists already; you will be asked before it is replaced" in script.words


def test_parts_the_interview_does_not_ask_about_are_kept_and_reported(tmp_path: Path) -> None:
    source = tmp_path / "p.yaml"
    source.write_text(
        "patient: {name: Sam, date_of_birth: 1980-01-31, diagnosis: HSP, shoe_size: 9}\n"
        "organisation: {name: Example Group, website: example.org}\n"
    )
    steps = [
        ("Go straight to the summary to change just a few answers? [y/N]", "y"),
        ("Number of an answer to change", ""),
        ("p.yaml already exists. Replace it? [y/N]", "y"),
    ]
    with pytest.raises(InvalidPatientError, match="shoe_size: unknown field"):
        run_script(steps, tmp_path, started_from=source, output_path=None)
    saved = questions.load_answers(source)
    assert saved["organisation"] == {"name": "Example Group", "website": "example.org"}


def test_every_question_is_a_field_of_the_patient_file() -> None:
    for question in questions.QUESTIONS:
        model: type = PatientFile
        for key in question.path:
            assert key in model.model_fields, question.key
            annotation = model.model_fields[key].annotation
            model = next(
                (
                    a
                    for a in getattr(annotation, "__args__", (annotation,))
                    if hasattr(a, "model_fields")
                ),
                annotation,
            )


def test_stand_ins_satisfy_every_required_field() -> None:
    data: dict[str, object] = {"emergency_contact": {}, "organisation": {}}
    interview._add_stand_ins(data)
    validate_patient(data, "stand-ins")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "en_GB.UTF-8"}, "en-GB"),
        ({"LANG": "en_AU.UTF-8"}, "en-GB"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "en_GB.UTF-8"}, "en-US"),
        ({"LANG": "C.UTF-8"}, "en-US"),
        ({}, "en-US"),
    ],
)
def test_language_default_from_the_locale(environ: dict[str, str], expected: str) -> None:
    assert questions.language_from_environment(environ) == expected


def test_output_must_be_yaml(tmp_path: Path) -> None:
    with pytest.raises(interview.InterviewUsageError):
        run_script([], tmp_path, output_path=tmp_path / "me.json")


# --------------------------------------------------------------------------- through the CLI


@pytest.mark.render
def test_interview_through_a_pipe(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "me.yaml"
    typed = [answer for _, answer in NEW_USER] + ["y"]
    result = runner.invoke(
        cli,
        ["interview", "-o", str(target)],
        input="\n".join(typed) + "\n",
        env={"LANG": "C.UTF-8"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "Problem: '0.05 mg' is in milligrams" in result.stdout
    check = runner.invoke(cli, ["check", str(target)], catch_exceptions=False)
    assert check.exit_code == 0, check.output
    assert "Alex Example" in pdf_text((tmp_path / "me.pdf").read_bytes())[0]


def test_pipe_ending_early_saves_nothing(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["interview", "-o", str(tmp_path / "me.yaml")], input="UK\n\n")
    assert result.exit_code == 1
    assert "Error: the interview was stopped; nothing was saved." in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_interview_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["interview", "--help"], catch_exceptions=False)
    assert "--from FILE" in result.stdout
    assert "Exit codes" in result.stdout


# --------------------------------------------------------------------------- a real terminal


def _spawn(args: list[str], cwd: Path) -> Any:
    executable = Path(sys.executable).with_name("advocacy")
    env = {**os.environ, "LANG": "C.UTF-8", "TERM": "dumb"}
    env.pop("LC_ALL", None)
    child = pexpect.spawn(
        str(executable), args, cwd=str(cwd), env=env, encoding="utf-8", timeout=30
    )
    child.setwinsize(40, 120)
    child.delaybeforesend = None  # the default 50 ms a line adds seconds, not realism
    return child


def _answer(child: Any, prompt: str, answer: str) -> None:
    child.expect_exact(prompt)
    child.sendline(answer)


def test_interview_in_a_real_terminal(tmp_path: Path) -> None:
    child = _spawn(["interview"], tmp_path)
    for prompt, answer in NEW_USER:
        _answer(child, prompt, answer)
    _answer(child, "Make the PDF now? [Y/n]", "n")
    child.expect_exact("Make it later with: advocacy render patient.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    transcript = child.before or ""
    assert "Traceback" not in transcript
    loaded = load_patient(tmp_path / "patient.yaml")
    assert loaded.data.patient.preferred_name == "Alex"
    assert loaded.data.trial.first_dose_mcg == 25


def test_ctrl_c_in_a_real_terminal_asks_whether_to_save(tmp_path: Path) -> None:
    child = _spawn(["interview"], tmp_path)
    for prompt, answer in NEW_USER[:5]:
        _answer(child, prompt, answer)
    child.expect_exact("Preferred name (Enter to skip):")
    child.sendintr()
    _answer(child, "Stopped. Save the answers so far? [Y/n]", "y")
    child.expect_exact("Carry on with: advocacy interview --from patient.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0  # stopped on purpose and saved: not an error
    saved = questions.load_answers(tmp_path / "patient.yaml")
    assert saved["patient"] == {"name": "Alex Example"}


def test_summary_change_that_breaks_another_answer_asks_it_again(tmp_path: Path) -> None:
    steps = [
        *NEW_USER[:-1],
        ("Number of an answer to change", "29"),  # the reduced dose
        ("Reduced dose (Enter to skip):", "20"),
        ("Number of an answer to change", "28"),  # the first dose
        ("First dose [25 micrograms]:", "20"),
        ("Number of an answer to change", ""),
        ("Reduced dose [20 micrograms]:", "10"),  # asked again: 20 is not below 20
        ("Number of an answer to change", ""),
        *offer("n"),
    ]
    script = run_script(steps, tmp_path)
    assert "Reduced dose needs another look: the reduced dose (20 micrograms)" in script.words
    trial = load_patient(tmp_path / "me.yaml").data.trial
    assert (trial.first_dose_mcg, trial.reduced) == (20, 10)


def test_warnings_are_shown_and_the_answer_kept(tmp_path: Path) -> None:
    at = NEW_USER.index(("Baclofen tablets (Enter to skip):", "60 mg"))
    steps = [*NEW_USER[:at], ("Baclofen tablets", "120"), *NEW_USER[at + 1 :], *offer("n")]
    script = run_script(steps, tmp_path)
    assert "Note: 120 mg a day is above the label's usual maximum of 80 mg a day." in script.words
    assert load_patient(tmp_path / "me.yaml").data.medication.oral_baclofen_mg_per_day == 120


def _replace(steps: list[tuple[str, str]], prompt: str, *new: tuple[str, str]) -> list:
    at = next(i for i, (p, _) in enumerate(steps) if p == prompt)
    return [*steps[:at], *new, *steps[at + 1 :]]


def test_answers_that_are_not_answers_are_never_printed(tmp_path: Path) -> None:
    steps: list = list(NEW_USER)
    steps = _replace(steps, "US or UK English [US]:", ("US or UK English [US]:", "UK English"))
    steps = _replace(
        steps,
        "Stiffness helps you stand (yes, no or not sure):",
        ("Stiffness helps you stand (yes, no or not sure):", "perhaps a bit"),  # refused
        ("Stiffness helps you stand (yes, no or not sure):", "Not sure"),
    )
    # Not sure about leg stiffness: the label's 50 is offered, then half of it.
    steps = _replace(
        steps, "First dose [25 micrograms]:", ("First dose [50 micrograms]:", "0.05 mg")
    )
    steps = _replace(steps, "First dose [25 micrograms]:", ("First dose [50 micrograms]:", "75"))
    steps = _replace(steps, "First dose [25 micrograms]:", ("First dose [50 micrograms]:", ""))
    steps = _replace(
        steps, "Reduced dose (Enter to skip):", ("Reduced dose [25 micrograms]:", "60")
    )
    steps = _replace(steps, "Reduced dose (Enter to skip):", ("Reduced dose [25 micrograms]:", ""))
    steps = _replace(
        steps,
        "Walking (a number, or Enter to skip):",
        ("Walking (a number, or Enter to skip):", "walk"),  # not one of the four: asked again
        ("Walking (a number, or Enter to skip):", "with aids"),
    )
    steps = _replace(
        steps,
        "Your email (Enter to skip):",
        ("Your email (Enter to skip):", "x@gmial,com"),  # refused: a comma
        ("Your email (Enter to skip):", ""),
    )
    steps = _replace(
        steps,
        "Appointment date (Enter to skip):",
        ("Appointment date (Enter to skip):", "back"),  # back to the doctor's name
        ("Doctor or nurse (Enter to skip):", "not sure"),
        ("Appointment date (Enter to skip):", ""),
    )
    steps = _replace(
        steps,
        "Helped by (Enter to skip):",
        ("Helped by (Enter to skip):", "yes"),  # refused: the name itself
        ("Helped by (Enter to skip):", ""),
    )
    steps = _replace(steps, "Question 1:", ("Question 1:", "no"))
    script = run_script(steps + offer("n"), tmp_path)
    data = load_patient(tmp_path / "me.yaml").data
    assert data.document.language == "en-GB"
    assert data.mobility.relies_on_leg_tone_to_stand is None
    assert data.appointment.clinician is None
    assert data.prepared_with is None
    assert data.patient.email is None
    assert data.questions == ()
    assert "please answer yes, no or not sure" in script.words
    assert "type the helped by itself" in script.words.lower()
    assert "x@gmial,com" in script.words  # named in its problem


def test_the_review_fits_a_40_line_screen(tmp_path: Path) -> None:
    script = run_script(NEW_USER + offer("n"), tmp_path)
    start = script.lines.index("Here are your answers:")
    end = next(i for i, line in enumerate(script.lines) if line.startswith("Number of an answer"))
    review = script.lines[start : end + 1]
    assert len(review) <= 30, "\n".join(review)  # ten lines to spare for its problems
    assert all(len(line) <= 80 for line in review)
    assert any(line.strip().startswith("Skipped:") for line in review)


def test_a_parent_writes_and_signs(tmp_path: Path) -> None:
    """A parent's name is asked; skipped, it is asked again before the file is written."""
    steps: list = _replace(
        list(NEW_USER),
        "Who is writing [the patient, about themselves]:",
        ("Who is writing [the patient, about themselves]:", "a parent"),
        ("Your name (Enter to skip):", ""),
    )
    steps = [
        *steps[:-3],
        ("Number of an answer to change", ""),
        ("Your name", "Ada Example"),  # the whole file is checked: the letter needs a signer
        ("Number of an answer to change", ""),
        *offer("n"),
    ]
    run_script(steps, tmp_path)
    writer = load_patient(tmp_path / "me.yaml").data.writer
    assert (writer.relationship, writer.name) == ("parent", "Ada Example")
