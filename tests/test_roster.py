"""Reading rosters: every format, friendly headers, dates as the spreadsheet wrote
them, safe file names. Nothing here renders, so it runs in the fast tier."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from advocacy.group import batch, roster
from advocacy.model import validate_patient
from tests.conftest import ROSTERS, invoke_batch, read_report, write_xlsx


def _members(roster_path: Path) -> list[tuple[str, dict[str, Any]]]:
    return [(row.label, row.data) for row in roster.open_roster(roster_path).rows()]


# --------------------------------------------------------------------------- reading rosters


def test_comma_csv_with_friendly_headers_in_any_case() -> None:
    rows = _members(ROSTERS / "mixed.csv")
    assert [label for label, _ in rows] == [f"row {n}" for n in range(2, 8)]
    label, first = rows[0]
    assert first["patient"] == {
        "name": "Ann Able",
        "date_of_birth": "1961-02-03",
        "diagnosis": "Hereditary spastic paraplegia",
    }
    assert first["goals"] == ["Stand up from a chair", "Walk to the shop"]
    assert first["trial"] == {"first_dose_mcg": "50"}
    assert first["appointment"] == {"clinic": "Spasticity Service"}
    # An empty cell is a missing field, not an empty string.
    assert "trial" not in rows[2][1]


def test_semicolon_csv_with_bom_crlf_and_a_newline_inside_a_cell() -> None:
    rows = _members(ROSTERS / "semicolon-bom.csv")
    # A quoted newline stays in its row; an empty row is skipped but still counted.
    assert [label for label, _ in rows] == ["row 2", "row 3", "row 5"]
    zoe = rows[0][1]
    assert zoe["patient"]["name"] == "Zoë Semicolon"
    assert zoe["goals"] == ["Stand", "Walk"]
    assert zoe["statement"] == "Line one\nline two"


def test_excel_sep_hint_line_is_not_a_row(tmp_path: Path) -> None:
    path = tmp_path / "hint.csv"
    path.write_text("sep=;\nName;Date of birth;Diagnosis\nAnn;1961-02-03;HSP\n", encoding="utf-8")
    assert _members(path) == [
        ("row 2", {"patient": {"name": "Ann", "date_of_birth": "1961-02-03", "diagnosis": "HSP"}})
    ]


def test_xlsx_cells_are_read_as_typed(tmp_path: Path) -> None:
    path = tmp_path / "members.xlsx"
    header = ["Name", "Date of birth", "Diagnosis", "First dose", "Appointment time", "MRN"]
    write_xlsx(
        path,
        header,
        [
            ["Ann Able", dt.datetime(1961, 2, 3), "HSP", 50.0, dt.time(10, 30), 1234567],
            [None, None, None, None, None, None],
            ["Eve", dt.date(1966, 7, 8), "HSP", 0.05, None, None],
        ],
    )
    rows = _members(path)
    assert [label for label, _ in rows] == ["row 2", "row 4"]
    ann = rows[0][1]
    assert ann["patient"]["date_of_birth"] == "1961-02-03"
    assert ann["patient"]["hospital_number"] == "1234567"
    assert ann["trial"]["first_dose_mcg"] == "50"
    assert ann["appointment"]["time"] == "10:30"
    assert validate_patient(ann, "row 2").data.trial.first_dose_mcg == 50
    assert rows[1][1]["trial"]["first_dose_mcg"] == "0.05"


def _dates_of_birth(path: Path, **kwargs: Any) -> list[tuple[str, str, str]]:
    """(row, the date as read, the problem if it could not be read) for each member."""
    read = []
    for row in roster.open_roster(path, **kwargs).rows():
        problem = row.field_problems.get("patient.date_of_birth")
        read.append((row.label, row.data["patient"]["date_of_birth"], str(problem or "")))
    return read


def _dob_roster(tmp_path: Path, *dates_of_birth: str, delimiter: str = ",") -> Path:
    path = tmp_path / "dates.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["Name", "Date of birth", "Diagnosis"])
        writer.writerows([f"Member {n}", d, "HSP"] for n, d in enumerate(dates_of_birth))
    return path


@pytest.mark.parametrize(
    ("dates_of_birth", "order", "expected"),
    [
        # A UK or European export, said to be day first: 04/03 is 4 March.
        (["04/03/1972", "25/12/1980"], "day-first", ["1972-03-04", "1980-12-25"]),
        # A US export, said to be month first: 04/03 is April 3.
        (["04/03/1972", "12/25/1980"], "month-first", ["1972-04-03", "1980-12-25"]),
        # Dots put the day first; words and ISO dates say it themselves.
        (["04.03.1972", "4 March 1972", "March 4, 1972", "1972-03-04"], None, ["1972-03-04"] * 4),
        # A date that can only be read one way needs no order.
        ([" 14/03/1972 ", "3/14/1972"], None, ["1972-03-14", "1972-03-14"]),
    ],
    ids=["day-first", "month-first", "self-evident", "unambiguous"],
)
def test_short_dates_are_read_as_the_roster_writes_them(
    tmp_path: Path, dates_of_birth: list[str], order: str | None, expected: list[str]
) -> None:
    read = _dates_of_birth(_dob_roster(tmp_path, *dates_of_birth), date_order=order)
    assert [(value, problem) for _, value, problem in read] == [(e, "") for e in expected]


def test_a_date_in_doubt_is_left_as_written_with_how_to_settle_it(tmp_path: Path) -> None:
    # 25/12/1980 is day first, but another volunteer may have typed 04/03 month
    # first: the roster hints, and never decides. (test_batch runs such a roster.)
    path = _dob_roster(tmp_path, "04/03/1972", "25/12/1980", delimiter=";")
    (label, value, problem), _ = _dates_of_birth(path)
    assert value == "04/03/1972"  # left as written: never guessed
    assert "'04/03/1972' could be 4 March 1972 or 3 April 1972." in problem
    assert "Other dates in column B put the day first (row 3: '25/12/1980')." in problem
    assert "Say which with --date-order day-first or --date-order month-first" in problem
    ((_, settled, none), _) = _dates_of_birth(path, date_order="day-first")
    assert (settled, none) == ("1972-03-04", "")


def test_an_order_the_roster_contradicts_stops_before_anything_renders(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _dob_roster(tmp_path, "04/03/1972", "25/12/1980", "3/14/1972")
    out = tmp_path / "out"
    result = invoke_batch(runner, path, "--out-dir", out, "--date-order", "month-first")
    assert result.exit_code == 2
    assert (
        "--date-order month-first was given, but some dates can only be read with the day"
        " first (column B row 3: '25/12/1980'), so the dates were typed more than one way"
    ) in result.stderr
    assert not out.exists() or not list(out.iterdir())
    # Typed both ways and no order given: every date in doubt fails, with no hint.
    read = _dates_of_birth(path)
    assert read[0][1] == "04/03/1972"
    assert "Other dates" not in read[0][2]
    assert [value for _, value, _ in read[1:]] == ["1980-12-25", "1972-03-14"]


def test_dotted_dates_are_day_first_unless_the_roster_says_month_first(tmp_path: Path) -> None:
    path = _dob_roster(tmp_path, "04.03.1972")
    assert _dates_of_birth(path)[0][1] == "1972-03-04"
    assert _dates_of_birth(path, date_order="day-first")[0][1] == "1972-03-04"
    ((_, value, problem),) = _dates_of_birth(path, date_order="month-first")
    assert value == "04.03.1972" and "could be 4 March 1972 or 3 April 1972" in problem
    # A full stop after a slash date is not a dotted date.
    ((_, value, problem),) = _dates_of_birth(_dob_roster(tmp_path, "04/03/1972."))
    assert value == "04/03/1972." and problem


def test_every_problem_of_a_row_is_reported_together(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(
        "Name,Date of birth,Diagnosis,\nAnn,04/03/1972,,stray\nBen,0,HSP,\n", encoding="utf-8"
    )
    report = tmp_path / "bad.csv"
    result = invoke_batch(runner, path, "--out-dir", tmp_path / "out", "--report", report)
    assert result.exit_code == 1
    rows = read_report(report)
    assert [(r["row"], r["field"]) for r in rows] == [
        ("2", ""),  # the value in column D, which has no header
        ("2", "patient.date_of_birth"),
        ("2", "patient.diagnosis"),
        ("3", "patient.date_of_birth"),  # 0 is not 1 January 1970
    ]
    assert "could be 4 March 1972 or 3 April 1972" in rows[1]["problem"]
    assert rows[3]["problem"] == "'0' is not a date."


def test_date_order_is_for_spreadsheets(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke_batch(runner, ROSTERS / "members.yaml", "--date-order", "day-first")
    assert result.exit_code == 2
    assert "--date-order is for spreadsheet rosters (.csv, .xlsx)" in result.stderr


def test_text_dates_in_a_workbook_are_read_like_csv_ones(tmp_path: Path) -> None:
    path = tmp_path / "members.xlsx"
    write_xlsx(
        path,
        ["Name", "Date of birth", "Diagnosis", "Appointment date"],
        [
            ["Ann", "04/03/1972", "HSP", dt.datetime(2027, 3, 4)],  # text, and a real date
            ["Ben", dt.date(1980, 12, 25), "HSP", "25/03/2027"],
        ],
    )
    rows = [(r.data, r.field_problems) for r in roster.open_roster(path).rows()]
    assert rows[0][0]["patient"]["date_of_birth"] == "04/03/1972"
    assert "could be 4 March 1972" in str(rows[0][1]["patient.date_of_birth"])
    assert rows[0][0]["appointment"]["date"] == "2027-03-04"
    assert rows[1][0]["appointment"]["date"] == "2027-03-25"
    rows = [r.data for r in roster.open_roster(path, date_order="day-first").rows()]
    assert rows[0]["patient"]["date_of_birth"] == "1972-03-04"


@pytest.mark.parametrize(
    ("text", "order"),
    [
        ("14/03/1972", "day-first"),
        ("3/14/1972", "month-first"),
        ("14-03-1972", "day-first"),
        ("04/03/1972", None),
        ("31/02/1972", None),  # not a day: proves nothing
        ("14.03.1972", None),  # dots are day first anyway
        ("1972-03-14", None),
        ("14 March 1972", None),
    ],
)
def test_which_dates_show_the_order(text: str, order: str | None) -> None:
    from advocacy import dates

    assert dates.order_shown(text) == order


@pytest.mark.parametrize("name", ["members.yaml", "members.json"])
def test_yaml_and_json_lists_are_patient_records(name: str) -> None:
    rows = _members(ROSTERS / name)
    assert rows[0] == (
        "item 1",
        {
            "patient": {
                "name": "Ann Able",
                # Dates stay text until the schema reads them, as in a CSV.
                "date_of_birth": "1961-02-03",
                "diagnosis": "HSP",
            },
            "goals": ["Stand up from a chair"],
        }
        if name.endswith("yaml")
        else {"patient": {"name": "Ann Able", "date_of_birth": "1961-02-03", "diagnosis": "HSP"}},
    )


def test_every_label_means_exactly_one_field() -> None:
    # Building the table raises if two fields claim one label.
    for column in roster.columns():
        assert roster.find_column(column.path) is column
        assert roster.find_column(column.path.upper().replace(".", " ")) is column
        for label in roster.FRIENDLY_LABELS.get(column.path, ()):
            assert roster.find_column(f"  {label.lower()} ") is column
    assert roster.find_column("Date of birth").path == "patient.date_of_birth"  # type: ignore[union-attr]
    assert roster.find_column("Other") is None  # too vague to guess


def test_not_utf8_is_refused_with_the_line(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "Name,Date of birth,Diagnosis\nAnn,1961-02-03,HSP\nZoë,1970-01-02,HSP\n".encode("cp1252")
    )
    result = invoke_batch(runner, path, "--out-dir", tmp_path / "out")
    assert result.exit_code == 2
    assert "line 3 is not UTF-8" in result.stderr
    assert not (tmp_path / "out").exists()


def test_misspelt_column_stops_before_anything_renders(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke_batch(runner, ROSTERS / "unknown-column.csv", "--out-dir", out)
    assert result.exit_code == 2
    assert (
        "column B, 'Date of brith': unknown column. Did you mean 'Date of birth'?" in result.stderr
    )
    # A column of the group's own (not a near miss) is not the error.
    assert "Favourite colour" not in result.stderr
    assert "nothing was rendered" in result.stderr
    assert not out.exists()
    result = invoke_batch(
        runner, ROSTERS / "unknown-column.csv", "--out-dir", out, "--strict-columns"
    )
    assert result.exit_code == 2
    assert "column D, 'Favourite colour': unknown column." in result.stderr


def test_roster_template_has_every_header(runner: CliRunner, tmp_path: Path) -> None:
    for name in ("template.csv", "template.xlsx"):
        path = tmp_path / name
        result = invoke_batch(runner, "--roster-template", path)
        assert result.exit_code == 0, result.output
        opened = roster.open_roster(path)
        assert [h.text for h in opened.headers] == roster.header_row()
        assert list(opened.rows()) == []
    assert "patient.date_of_birth" in roster.header_row()
    assert "goals" in roster.header_row()
    result = invoke_batch(runner, "--roster-template", tmp_path / "template.csv")
    assert result.exit_code == 1  # never overwritten without --force


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ann Able-1961-02-03", "Ann-Able-1961-02-03"),
        ("../../etc/passwd", "etc-passwd"),
        ('a:b*c?"d<e>f|g\\h', "a-b-c-d-e-f-g-h"),
        ("CON", "_CON"),
        ("Zoe\u0308 O'Brien", "Zoë-O'Brien"),
        ("  . ", ""),
        ("x" * 300, "x" * 150),
    ],
)
def test_file_names_are_safe_everywhere(text: str, expected: str) -> None:
    assert batch.safe_name(text) == expected


@pytest.mark.parametrize("pattern", ["{name.__class__}", "{nope}", "plain", "{name", "a/{name}"])
def test_bad_name_patterns_are_usage_errors(
    runner: CliRunner, tmp_path: Path, pattern: str
) -> None:
    result = invoke_batch(
        runner, ROSTERS / "mixed.csv", "--out-dir", tmp_path, "--name-pattern", pattern
    )
    assert result.exit_code == 2
    assert "--name-pattern" in result.stderr
