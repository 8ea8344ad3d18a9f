"""The patient file: every bad input gets its field path, a plain message and exit code 2."""

from __future__ import annotations

import datetime as dt

import pytest
from ruamel.yaml import YAML

from advocacy.errors import InvalidPatientError
from advocacy.model import load_patient, validate_patient
from tests.conftest import EXAMPLES, PATIENTS

TODAY = dt.date(2026, 11, 24)

BAD = [
    # (fixture, field path, words the message must contain)
    ("missing-dob.yaml", "patient.date_of_birth", "required"),
    ("typo-date-of-brith.yaml", "patient.date_of_brith", "did you mean 'date_of_birth'"),
    ("dose-looks-like-mg.yaml", "trial.first_dose_mcg", "micrograms"),
    ("dose-in-mg-text.yaml", "trial.first_dose_mcg", "micrograms"),
    ("reduced-not-lower.yaml", "trial.reduced_dose_mcg", "must be lower than the first"),
    ("dose-too-high.yaml", "trial.first_dose_mcg", "never a first dose"),
    ("dose-not-whole.yaml", "trial.reduced_dose_mcg", "whole"),
    ("dob-in-future.yaml", "patient.date_of_birth", "not in the past"),
    ("dob-not-a-date.yaml", "patient.date_of_birth", "could be 4 March 1972 or 3 April 1972"),
    ("dob-a-number.yaml", "patient.date_of_birth", "19720314 is not a date"),
    ("unknown-section.yaml", "medications", "did you mean 'medication'"),
    ("bad-language.yaml", "document.language", "en-US"),
    ("syntax-error.yaml", "", "never closed"),
]


@pytest.mark.parametrize(("name", "path", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_file_names_field_and_fix(name: str, path: str, words: str) -> None:
    with pytest.raises(InvalidPatientError) as info:
        load_patient(PATIENTS / name, today=TODAY)
    message = str(info.value)
    assert str(PATIENTS / name) in message
    problem_lines = message.splitlines()[1:] or message.splitlines()  # one problem: one line
    line = next(line for line in problem_lines if words.lower() in line.lower())
    if path:
        assert line.strip().startswith((f"- {path}:", f"- {path} (line ")), message
    assert info.value.exit_code == 2
    assert "Input should" not in message  # pydantic's wording never reaches people


def test_all_errors_reported_at_once() -> None:
    raw = {
        "patient": {"name": "", "date_of_brith": "1980-01-01", "diagnosis": "HSP"},
        "trial": {"first_dose_mcg": 0.05},
    }
    with pytest.raises(InvalidPatientError) as info:
        validate_patient(raw, "inline", today=TODAY)
    paths = {p.path for p in info.value.problems}
    assert paths == {
        "patient.name",
        "patient.date_of_birth",
        "patient.date_of_brith",
        "trial.first_dose_mcg",
    }


GOOD = [
    ("valid-minimal.yaml", 50, 25),
    ("valid.toml", 40, 20),
    ("valid.json", 50, 25),
    ("yaml12-octal.yaml", 50, 25),
]


@pytest.mark.parametrize(("name", "first", "reduced"), GOOD, ids=[g[0] for g in GOOD])
def test_good_files(name: str, first: int, reduced: int) -> None:
    loaded = load_patient(PATIENTS / name, today=TODAY)
    assert loaded.data.trial.first_dose_mcg == first
    assert loaded.data.trial.reduced == reduced
    # 40 and 20 are doses no source names: accepted, with warnings.
    expected = ["trial.first_dose_mcg", "trial.reduced_dose_mcg"] if first == 40 else []
    assert [w.path for w in loaded.warnings] == expected


def test_yaml_is_read_as_yaml_1_2() -> None:
    loaded = load_patient(PATIENTS / "yaml12-octal.yaml", today=TODAY)
    assert loaded.data.patient.name == "NO"
    assert loaded.data.trial.first_dose_mcg == 50


def test_warnings_do_not_stop_loading() -> None:
    loaded = load_patient(PATIENTS / "oral-dose-high.yaml", today=TODAY)
    paths = [w.path for w in loaded.warnings]
    assert paths == ["medication.oral_baclofen_mg_per_day", "appointment.date"]
    assert loaded.data.medication.oral_baclofen_mg_per_day == 100


@pytest.mark.parametrize(
    ("first", "expected"),
    [(50, 25), (40, 20), (45, 20), (35, 15), (25, None), (10, None), (5, None)],
)
def test_reduced_dose_defaults_to_half_rounded_down_to_five(
    first: int, expected: int | None
) -> None:
    raw = {
        "patient": {"name": "A", "date_of_birth": "1980-01-01", "diagnosis": "HSP"},
        "trial": {"first_dose_mcg": first},
    }
    assert validate_patient(raw, "x", today=TODAY).data.trial.reduced == expected


@pytest.mark.parametrize(
    ("relies", "first", "reduced"), [(True, 25, None), (False, 50, 25), (None, 50, 25)]
)
def test_first_dose_defaults_to_the_consensus(
    relies: bool | None, first: int, reduced: int | None
) -> None:
    """25 for someone who relies on leg tone to stand or walk (the panel's), else the label's 50."""
    raw = {
        "patient": {"name": "A", "date_of_birth": "1980-01-01", "diagnosis": "HSP"},
        "mobility": {"relies_on_leg_tone_to_stand": relies},
    }
    trial = validate_patient(raw, "x", today=TODAY).data.trial
    assert (trial.first_dose_mcg, trial.reduced) == (first, reduced)


@pytest.mark.parametrize("first", [75, 100, 60])
def test_a_first_dose_above_50_is_refused_with_its_path(first: int) -> None:
    raw = {
        "patient": {"name": "A", "date_of_birth": "1980-01-01", "diagnosis": "HSP"},
        "trial": {"first_dose_mcg": first},
    }
    with pytest.raises(InvalidPatientError) as info:
        validate_patient(raw, "x", today=TODAY)
    (problem,) = info.value.problems
    assert problem.path == "trial.first_dose_mcg"
    assert "75 and 100 are escalation steps, never a first dose" in problem.message


@pytest.mark.parametrize(("first", "reduced"), [(5, 5), (5, 3), (10, 10), (25, 25)])
def test_no_fix_suggested_that_would_be_refused(first: int, reduced: int) -> None:
    """A fix check suggests is itself accepted (a first dose of 5 once suggested 2)."""
    import re

    raw = {
        "patient": {"name": "A", "date_of_birth": "1980-01-01", "diagnosis": "HSP"},
        "trial": {"first_dose_mcg": first, "reduced_dose_mcg": reduced},
    }
    with pytest.raises(InvalidPatientError) as info:
        validate_patient(raw, "x", today=TODAY)
    for problem in info.value.problems:
        for suggested in re.findall(r"rounded down to 5: (\d+)", problem.message):
            raw["trial"]["reduced_dose_mcg"] = int(suggested)
            validate_patient(raw, "x", today=TODAY)


def test_dose_warnings() -> None:
    raw = {
        "patient": {"name": "A", "date_of_birth": "1980-01-01", "diagnosis": "HSP"},
        "mobility": {"relies_on_leg_tone_to_stand": True},
        "trial": {"first_dose_mcg": 25, "reduced_dose_mcg": 15},
    }
    warnings = validate_patient(raw, "x", today=TODAY).warnings
    assert [w.path for w in warnings] == ["trial.reduced_dose_mcg"]
    assert "no source names a test dose below 25" in warnings[0].message
    raw["trial"] = {"first_dose_mcg": 30}
    warnings = validate_patient(raw, "x", today=TODAY).warnings
    assert {w.path for w in warnings} == {"trial.first_dose_mcg"}


def test_writer_and_mobility_fields() -> None:
    raw = {
        "patient": {
            "name": "Maya",
            "date_of_birth": "2018-01-01",
            "diagnosis": "CP",
            "weight_kg": 24.5,
        },
        "writer": {"name": "Ada", "relationship": "parent"},
        "mobility": {"walking": "with-aids"},
    }
    data = validate_patient(raw, "x", today=TODAY).data
    assert data.writer.for_someone_else
    assert data.is_child
    raw["writer"] = {"relationship": "parent"}
    raw["mobility"] = {"walking": "sometimes"}
    raw["patient"]["weight_kg"] = float("inf")
    with pytest.raises(InvalidPatientError) as info:
        validate_patient(raw, "x", today=TODAY)
    assert {p.path for p in info.value.problems} == {
        "writer.name",
        "mobility.walking",
        "patient.weight_kg",
    }


def test_a_child_without_a_weight_is_warned() -> None:
    raw = {"patient": {"name": "Maya", "date_of_birth": "2018-01-01", "diagnosis": "CP"}}
    warnings = validate_patient(raw, "x", today=TODAY).warnings
    assert [w.path for w in warnings] == ["patient.weight_kg"]


@pytest.mark.parametrize("value", [0.05, "0.05", "50 mg", "0.025 mg", 0.5])
def test_milligram_looking_doses_refused(value: object) -> None:
    raw = {
        "patient": {"name": "A", "date_of_birth": "1980-01-01", "diagnosis": "HSP"},
        "trial": {"first_dose_mcg": value},
    }
    with pytest.raises(InvalidPatientError) as info:
        validate_patient(raw, "x", today=TODAY)
    (problem,) = info.value.problems
    assert problem.path == "trial.first_dose_mcg"
    assert "micrograms" in problem.message


@pytest.mark.parametrize("value", [50, 50.0, "50", "50 mcg", "50 micrograms"])
def test_microgram_doses_accepted(value: object) -> None:
    raw = {
        "patient": {"name": "A", "date_of_birth": "1980-01-01", "diagnosis": "HSP"},
        "trial": {"first_dose_mcg": value},
    }
    assert validate_patient(raw, "x", today=TODAY).data.trial.first_dose_mcg == 50


def test_schema_lists_fixed_field_paths() -> None:
    from advocacy.model import PatientFile

    schema = PatientFile.model_json_schema()
    defs = schema["$defs"]
    assert {"name", "date_of_birth", "diagnosis"} <= set(defs["PatientDetails"]["required"])
    assert {"first_dose_mcg", "reduced_dose_mcg"} <= set(defs["Trial"]["properties"])
    assert {"clinic", "date"} <= set(defs["Appointment"]["properties"])
    assert defs["PatientDetails"]["additionalProperties"] is False


@pytest.mark.parametrize("value", [0, 864000000, "0", "19720314", 1972.0, True])
def test_numbers_are_never_read_as_dates(value: object) -> None:
    """pydantic would read 0 as 1 January 1970 (seconds since 1970)."""
    raw = {
        "patient": {"name": "A", "date_of_birth": value, "diagnosis": "HSP"},
        "appointment": {"clinic": "C", "date": value},
        "document": {"date": value},
    }
    with pytest.raises(InvalidPatientError) as info:
        validate_patient(raw, "inline", today=TODAY)
    assert {p.path for p in info.value.problems} == {
        "patient.date_of_birth",
        "appointment.date",
        "document.date",
    }
    assert all("is not a date" in p.message for p in info.value.problems)


@pytest.mark.parametrize(
    ("born", "warned"), [(dt.date(2022, 6, 1), True), (dt.date(2021, 12, 31), False)]
)
def test_a_child_under_four_is_warned_not_refused(born: dt.date, warned: bool) -> None:
    raw = YAML(typ="safe", pure=True).load((EXAMPLES / "minimal.yaml").read_text(encoding="utf-8"))
    raw["patient"] = {**raw["patient"], "date_of_birth": born.isoformat()}
    loaded = validate_patient(raw, "child.yaml", today=dt.date(2026, 1, 1))
    found = [w for w in loaded.warnings if w.path == "patient.date_of_birth"]
    assert bool(found) == warned
    if warned:
        assert "under 4" in found[0].message
        assert "paediatric team" in found[0].fix
