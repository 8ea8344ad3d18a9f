"""`advocacy batch`: rosters in every format, bad rows reported not fatal, nothing lost."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from click.testing import CliRunner

from advocacy import batch, roster
from advocacy.cli import cli
from advocacy.errors import InvalidPatientError
from advocacy.model import validate_patient
from tests.conftest import FIXTURES, pdf_text

ROSTERS = FIXTURES / "rosters"


def _invoke(runner: CliRunner, *args: str | Path) -> Any:
    result = runner.invoke(cli, ["batch", *map(str, args)])
    assert "Traceback" not in result.output, result.output
    return result


def _report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _pages(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def _write_xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


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
    _write_xlsx(
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


def test_a_date_in_doubt_fails_its_row_and_says_how_to_settle_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    # 25/12/1980 is day first, but another volunteer may have typed 04/03 month
    # first: the roster hints, and never decides.
    path = _dob_roster(tmp_path, "04/03/1972", "25/12/1980", delimiter=";")
    (label, value, problem), _ = _dates_of_birth(path)
    assert value == "04/03/1972"  # left as written: never guessed
    assert "'04/03/1972' could be 4 March 1972 or 3 April 1972." in problem
    assert "Other dates in column B put the day first (row 3: '25/12/1980')." in problem
    assert "Say which with --date-order day-first or --date-order month-first" in problem
    out = tmp_path / "out"
    result = _invoke(runner, path, "--out-dir", out, "--jobs", "1")
    assert result.exit_code == 1
    assert "dates.csv row 2: patient.date_of_birth (column B): '04/03/1972' could be" in (
        result.stderr
    )
    assert [p.name for p in out.glob("*.pdf")] == ["3-Member-1.pdf"]
    # Saying the order settles it.
    result = _invoke(
        runner, path, "--out-dir", out, "--jobs", "1", "--date-order", "day-first", "--force"
    )
    assert result.exit_code == 0, result.output
    assert "2-Member-0.pdf" in {p.name for p in out.glob("*.pdf")}


def test_an_order_the_roster_contradicts_stops_before_anything_renders(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _dob_roster(tmp_path, "04/03/1972", "25/12/1980", "3/14/1972")
    out = tmp_path / "out"
    result = _invoke(runner, path, "--out-dir", out, "--date-order", "month-first")
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
    result = _invoke(runner, path, "--out-dir", tmp_path / "out", "--report", report)
    assert result.exit_code == 1
    rows = _report(report)
    assert [(r["row"], r["field"]) for r in rows] == [
        ("2", ""),  # the value in column D, which has no header
        ("2", "patient.date_of_birth"),
        ("2", "patient.diagnosis"),
        ("3", "patient.date_of_birth"),  # 0 is not 1 January 1970
    ]
    assert "could be 4 March 1972 or 3 April 1972" in rows[1]["problem"]
    assert rows[3]["problem"] == "'0' is not a date."


def test_date_order_is_for_spreadsheets(runner: CliRunner, tmp_path: Path) -> None:
    result = _invoke(runner, ROSTERS / "members.yaml", "--date-order", "day-first")
    assert result.exit_code == 2
    assert "--date-order is for spreadsheet rosters (.csv, .xlsx)" in result.stderr


def test_text_dates_in_a_workbook_are_read_like_csv_ones(tmp_path: Path) -> None:
    path = tmp_path / "members.xlsx"
    _write_xlsx(
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
    result = _invoke(runner, path, "--out-dir", tmp_path / "out")
    assert result.exit_code == 2
    assert "line 3 is not UTF-8" in result.stderr
    assert not (tmp_path / "out").exists()


def test_misspelt_column_stops_before_anything_renders(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _invoke(runner, ROSTERS / "unknown-column.csv", "--out-dir", out)
    assert result.exit_code == 2
    assert (
        "column B, 'Date of brith': unknown column. Did you mean 'Date of birth'?" in result.stderr
    )
    # A column of the group's own (not a near miss) is not the error.
    assert "Favourite colour" not in result.stderr
    assert "nothing was rendered" in result.stderr
    assert not out.exists()
    result = _invoke(runner, ROSTERS / "unknown-column.csv", "--out-dir", out, "--strict-columns")
    assert result.exit_code == 2
    assert "column D, 'Favourite colour': unknown column." in result.stderr


def test_roster_template_has_every_header(runner: CliRunner, tmp_path: Path) -> None:
    for name in ("template.csv", "template.xlsx"):
        path = tmp_path / name
        result = _invoke(runner, "--roster-template", path)
        assert result.exit_code == 0, result.output
        opened = roster.open_roster(path)
        assert [h.text for h in opened.headers] == roster.header_row()
        assert list(opened.rows()) == []
    assert "patient.date_of_birth" in roster.header_row()
    assert "goals" in roster.header_row()
    result = _invoke(runner, "--roster-template", tmp_path / "template.csv")
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
    result = _invoke(
        runner, ROSTERS / "mixed.csv", "--out-dir", tmp_path, "--name-pattern", pattern
    )
    assert result.exit_code == 2
    assert "--name-pattern" in result.stderr


# --------------------------------------------------------------------------- running


def test_mixed_roster_renders_the_good_rows_and_reports_the_bad(
    runner: CliRunner, tmp_path: Path
) -> None:
    out, report = tmp_path / "out", tmp_path / "report.csv"
    result = _invoke(
        runner, ROSTERS / "mixed.csv", "--out-dir", out, "--report", report, "--jobs", "2"
    )
    assert result.exit_code == 1
    assert sorted(p.name for p in out.glob("*.pdf")) == [
        "2-Ann-Able.pdf",
        "4-Cat-Careful.pdf",
    ]
    text = " ".join(pdf_text((out / "2-Ann-Able.pdf").read_bytes()))
    assert "Ann Able" in text
    rows = _report(report)
    assert [(r["row"], r["field"]) for r in rows] == [
        ("3", "trial.first_dose_mcg"),
        ("5", "patient.name"),
        ("6", "patient.date_of_birth"),
        ("7", "trial.first_dose_mcg"),
    ]
    assert rows[2]["column"] == "B (DATE OF BIRTH)"
    assert rows[2]["fix"] == "Check the day and the month."
    assert "micrograms" in rows[3]["problem"]
    # The row and column on stderr, with what is wrong.
    assert (
        "mixed.csv row 6: patient.date_of_birth (column B): '31/02/1972' is not a day on the"
        " calendar" in result.stderr
    )
    assert "2 PDFs written" in result.stderr
    assert "4 rows failed" in result.stderr


def test_yaml_list_reports_items(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "report.csv"
    result = _invoke(
        runner, ROSTERS / "members.yaml", "--out-dir", tmp_path / "out", "--report", report
    )
    assert result.exit_code == 1
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 1
    assert "members.yaml item 2: patient.date_of_brith (line 4): unknown field." in result.stderr
    assert {r["row"] for r in _report(report)} == {"2", "3"}


def test_combined_and_duplex(runner: CliRunner, tmp_path: Path) -> None:
    out, combined = tmp_path / "out", tmp_path / "all.pdf"
    result = _invoke(
        runner, ROSTERS / "semicolon-bom.csv", "--out-dir", out, "--combined", combined, "--duplex"
    )
    assert result.exit_code == 1  # row 3 has a dose in mg
    singles = [out / "2-Zoë-Semicolon.pdf", out / "5-Xi-Last.pdf"]
    counts = [_pages(p) for p in singles]
    pages = pdf_text(combined.read_bytes())
    padded = [c + c % 2 for c in counts]
    assert len(pages) == padded[0] + counts[1]
    # Each member starts on a front side (an odd page) and on a page of their own.
    assert "Zoë Semicolon" in pages[0]
    assert "Xi Last" in pages[padded[0]]
    assert "Zoë Semicolon" not in pages[padded[0]]


def test_combined_only_writes_one_file(runner: CliRunner, tmp_path: Path) -> None:
    combined = tmp_path / "all.pdf"
    result = _invoke(runner, ROSTERS / "mixed.csv", "--combined", combined, "--jobs", "1")
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.pdf"]
    text = " ".join(pdf_text(combined.read_bytes()))
    assert "Ann Able" in text
    assert "Cat Careful" in text


NAME_AND_DOB = "{name}-{date_of_birth}"  # collisions need two rows with one name


def test_default_names_leave_out_the_date_of_birth(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = tmp_path / "r.csv"
    path.write_text("Name,Date of birth,Diagnosis\nAnn Able,1961-02-03,HSP\n", encoding="utf-8")
    result = _invoke(runner, path, "--out-dir", out)
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.glob("*.pdf")] == ["2-Ann-Able.pdf"]
    manifest = (out / "manifest.csv").read_text(encoding="utf-8-sig").splitlines()
    assert manifest == ["row,name,file,status", "2,Ann Able,2-Ann-Able.pdf,rendered"]


def test_existing_files_collisions_force_and_skip(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "twins.csv"
    path.write_text(
        "Name,Date of birth,Diagnosis\nAnn Able,1961-02-03,HSP\nann able,1961-02-03,MS\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = _invoke(runner, path, "--out-dir", out, "--name-pattern", NAME_AND_DOB)
    assert result.exit_code == 0, result.output
    # Two members with one name: the second gets a suffix (case-insensitively, as on Windows).
    assert sorted(p.name for p in out.glob("*.pdf")) == [
        "Ann-Able-1961-02-03.pdf",
        "ann-able-1961-02-03-2.pdf",
    ]
    first = out / "Ann-Able-1961-02-03.pdf"
    first.write_bytes(b"mine")
    # A re-run keeps what is there and says so: skipped, never a failed row.
    result = _invoke(runner, path, "--out-dir", out, "--name-pattern", NAME_AND_DOB)
    assert result.exit_code == 0
    assert "2 already there (skipped; --force replaces them)" in result.stderr
    assert "failed" not in result.stderr
    assert first.read_bytes() == b"mine"
    result = _invoke(
        runner, path, "--out-dir", out, "--name-pattern", NAME_AND_DOB, "--skip-existing"
    )
    assert result.exit_code == 0
    assert "2 already there (skipped" in result.stderr
    assert first.read_bytes() == b"mine"
    result = _invoke(runner, path, "--out-dir", out, "--name-pattern", NAME_AND_DOB, "--force")
    assert result.exit_code == 0
    assert first.read_bytes().startswith(b"%PDF-")


def test_fail_fast_stops_at_the_first_bad_row(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _invoke(runner, ROSTERS / "mixed.csv", "--out-dir", out, "--fail-fast", "-j", "1")
    assert result.exit_code == 1
    assert "row 3" in result.stderr
    assert "row 5" not in result.stderr
    assert [p.name for p in out.glob("*.pdf")] == ["2-Ann-Able.pdf"]
    assert "--fail-fast" in result.stderr


def test_defaults_are_merged_under_every_row(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "Name,Date of birth,Diagnosis,Clinic\n"
        "Ann Able,1961-02-03,HSP,\n"
        "Ben Own,1962-03-04,HSP,Southern Rehab Unit\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = _invoke(runner, path, "--out-dir", out, "--defaults", ROSTERS / "defaults.yaml")
    assert result.exit_code == 0, result.output
    ann = " ".join(pdf_text((out / "2-Ann-Able.pdf").read_bytes()))
    ben = " ".join(pdf_text((out / "3-Ben-Own.pdf").read_bytes()))
    assert "Northern Spasticity Clinic" in ann
    assert "Southern Rehab Unit" in ben
    assert "Northern Spasticity Clinic" not in ben
    # en-GB from the defaults: doses in words, dates day first.
    assert "3 February 1961" in ann


def test_bad_defaults_stop_the_run(runner: CliRunner, tmp_path: Path) -> None:
    defaults = tmp_path / "defaults.yaml"
    defaults.write_text("trial:\n  first_dose_mcg: 0.05\napointment: {}\n", encoding="utf-8")
    result = _invoke(
        runner, ROSTERS / "mixed.csv", "--out-dir", tmp_path / "out", "--defaults", defaults
    )
    assert result.exit_code == 2
    assert "trial.first_dose_mcg" in result.stderr
    assert "Did you mean 'appointment'?" in result.stderr
    assert not (tmp_path / "out").exists()


def test_progress_is_reported_for_every_row(tmp_path: Path) -> None:
    seen: list[batch.Progress] = []
    result = batch.run(
        ROSTERS / "mixed.csv",
        batch.BatchSettings(out_dir=tmp_path, jobs=1),
        on_progress=seen.append,
    )
    assert result.exit_code == 1
    assert [p.done for p in seen] == [1, 2, 3, 4, 5, 6]
    assert seen[-1] == batch.Progress(done=6, failed=4, skipped=0, total=6)


def test_workers_are_recycled_and_leave_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    members = _roster_of(tmp_path / "members.csv", 3)
    out = tmp_path / "out"
    result = batch.run(members, batch.BatchSettings(out_dir=out, jobs=1, recycle_after=2))
    assert (result.rendered, result.failed) == (3, 0)
    assert _assert_complete_pdfs(out) == 3
    # Workers copy fonts into weasyprint-* folders they never remove: the
    # pool's own folder held them, and it is gone.
    assert list(temp.iterdir()) == []


def test_usage_errors(runner: CliRunner, tmp_path: Path) -> None:
    mixed = ROSTERS / "mixed.csv"
    for args in (
        [mixed, "--force", "--skip-existing"],
        [mixed, "--duplex"],
        [mixed, "--combined", tmp_path / "a.pdf", "--skip-existing"],
        ["--out-dir", tmp_path],
        [tmp_path / "nope.csv"],
    ):
        result = _invoke(runner, *args)
        assert result.exit_code == 2, (args, result.output)
    result = _invoke(runner, ROSTERS / "logo.png")
    assert result.exit_code == 2
    assert "unknown roster type" in result.stderr


# --------------------------------------------------------------------------- interruptions


def _start(roster_path: Path, out: Path, *extra: str, temp: Path) -> subprocess.Popen[bytes]:
    temp.mkdir(exist_ok=True)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "advocacy",
            "batch",
            str(roster_path),
            "--out-dir",
            str(out),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the workers are stopped with it
        env={**os.environ, "TMPDIR": str(temp)},
    )


def _wait_for_pdf(out: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while not list(out.glob("*.pdf")):
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.05)


def _roster_of(path: Path, count: int) -> Path:
    lines = ["Name,Date of birth,Diagnosis"]
    lines += [f"Member {n:02d},1960-01-{n:02d},HSP" for n in range(1, count + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _assert_complete_pdfs(out: Path) -> int:
    names = [p for p in out.iterdir() if p.suffix == ".pdf"]
    for path in names:
        with pikepdf.open(path) as pdf:  # a partial file would not open
            assert len(pdf.pages) >= 1
    return len(names)


def test_killed_batch_leaves_complete_pdfs_and_resumes(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = _roster_of(tmp_path / "members.csv", 8)
    out, temp = tmp_path / "out", tmp_path / "temp"
    process = _start(members, out, "--jobs", "1", temp=temp)
    _wait_for_pdf(out, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    done = _assert_complete_pdfs(out)
    assert 1 <= done < 8
    # What a kill mid-write leaves behind: a hidden temporary file, never a .pdf.
    (out / ".Member-08-1960-01-08.pdf.x1y2z3.part").write_bytes(b"%PDF-1.7 half")
    # The killed run's pool folder (fonts copied by its workers) is still there...
    assert [p.name.split("-")[2] for p in temp.iterdir()] == [str(process.pid)]
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    result = _invoke(runner, members, "--out-dir", out, "--skip-existing")
    assert result.exit_code == 0, result.output
    assert f"{done} already there (skipped" in result.stderr
    assert _assert_complete_pdfs(out) == 8
    assert sorted(p.name for p in out.iterdir() if p.suffix not in {".pdf", ".csv"}) == []
    # ...until the next run, which removes it.
    assert list(temp.iterdir()) == []


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    members = _roster_of(tmp_path / "members.csv", 8)
    out, temp = tmp_path / "out", tmp_path / "temp"
    process = _start(members, out, "--jobs", "1", temp=temp)
    _wait_for_pdf(out, process)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    message = stderr.decode()
    assert process.returncode == 1, message
    assert "Traceback" not in message
    assert "Interrupted: run the same command with --skip-existing to finish." in message
    assert 1 <= _assert_complete_pdfs(out) < 8
    assert [p.name for p in out.iterdir() if p.suffix not in {".pdf", ".csv"}] == []
    assert list(temp.iterdir()) == []  # an interrupted run still cleans up


# --------------------------------------------------------------------------- acceptance


_BAD_ROWS = {
    7: ("trial.first_dose_mcg", 500),  # above the label's highest test bolus
    19: ("patient.name", None),  # missing
    33: ("patient.date_of_birth", "31/02/1980"),  # not a date
    50: ("trial.first_dose_mcg", 0.05),  # looks like milligrams
}
_HEADER = ["Name", "Date of birth", "Diagnosis", "First dose (mcg)", "Goals", "Statement"]


def _sixty_rows() -> list[list[Any]]:
    rows: list[list[Any]] = []
    for index in range(60):
        row: list[Any] = [
            f"Member {index + 1:02d}",
            dt.date(1950, 1, 1) + dt.timedelta(days=397 * index),
            "Hereditary spastic paraplegia",
            50,
            "Stand up from a chair; Walk to the shop",
            "My legs are stiff,\nbut the stiffness holds me up." if index % 10 == 0 else None,
        ]
        if index in _BAD_ROWS:
            path, value = _BAD_ROWS[index]
            column = {"trial.first_dose_mcg": 3, "patient.name": 0, "patient.date_of_birth": 1}
            row[column[path]] = value
        rows.append(row)
    return rows


def _as_spreadsheet_csv(rows: list[list[Any]]) -> bytes:
    """What Excel writes for 'CSV UTF-8' in a semicolon locale: BOM, CRLF, quoted
    newlines, and dates in the locale's short form (14/03/1972)."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(_HEADER)
    for row in rows:
        cells = [v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for v in row]
        writer.writerow(["" if v is None else v for v in cells])
    return "\ufeff".encode() + text.getvalue().encode("utf-8")


@pytest.mark.slow
def test_sixty_rows_with_four_bad_as_csv_and_xlsx(runner: CliRunner, tmp_path: Path) -> None:
    rows = _sixty_rows()
    expected_bad = {str(index + 2) for index in _BAD_ROWS}  # the header is row 1
    sources = {"csv": tmp_path / "members.csv", "xlsx": tmp_path / "members.xlsx"}
    sources["csv"].write_bytes(_as_spreadsheet_csv(rows))
    _write_xlsx(sources["xlsx"], _HEADER, rows)

    out, combined, report = tmp_path / "csv-out", tmp_path / "all.pdf", tmp_path / "csv.csv"
    # The coordinator says how the sheet writes dates: 04/03/1951 is 4 March.
    order = ("--date-order", "day-first")
    result = _invoke(
        runner, sources["csv"], "--out-dir", out, "--combined", combined, "--report", report, *order
    )
    assert result.exit_code == 1
    # Names start with the row number: in row order, sorted as numbers.
    pdfs = sorted(out.glob("*.pdf"), key=lambda p: int(p.name.split("-", 1)[0]))
    assert len(pdfs) == 56
    assert {r["row"] for r in _report(report)} == expected_bad
    assert "4 rows failed" in result.stderr
    # Every member's pages, in roster order, in the one combined file.
    from pypdf import PdfReader

    reader = PdfReader(combined)
    expected_names = [r[0] for i, r in enumerate(rows) if i not in _BAD_ROWS]
    first_page = 0
    for name, single in zip(expected_names, pdfs, strict=True):
        assert single.name.split("-", 1)[1].startswith(name.replace(" ", "-"))
        assert name in (reader.pages[first_page].extract_text() or "")
        first_page += _pages(single)
    assert first_page == len(reader.pages)

    # The XLSX gives the same members: every row validates to the same patient
    # (so the same PDF, byte for byte), the same file names and the same report.
    opened = {
        kind: roster.open_roster(source, date_order="day-first") for kind, source in sources.items()
    }
    csv_rows = [validate_or_none(row.data) for row in opened["csv"].rows()]
    xlsx_rows = [validate_or_none(row.data) for row in opened["xlsx"].rows()]
    assert xlsx_rows == csv_rows
    report_xlsx = tmp_path / "xlsx.csv"
    result = _invoke(
        runner,
        sources["xlsx"],
        "--out-dir",
        out,
        "--skip-existing",
        "--report",
        report_xlsx,
        *order,
    )
    assert result.exit_code == 1
    assert "56 already there (skipped" in result.stderr
    assert _report(report_xlsx) == _report(report)
    assert sorted(out.glob("*.pdf")) == sorted(pdfs)


def validate_or_none(data: dict[str, Any]) -> Any:
    try:
        return validate_patient(data, "row").data
    except InvalidPatientError as exc:
        return [str(p) for p in exc.problems]


def test_strict_fails_only_the_rows_the_fonts_cannot_print(
    runner: CliRunner, tmp_path: Path
) -> None:
    roster = tmp_path / "members.csv"
    roster.write_text(
        "Name,Date of birth,Diagnosis\n"
        "Ann Able,1961-02-03,Hereditary spastic paraplegia\n"
        "李小龍,1972-03-14,Multiple sclerosis\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = _invoke(runner, roster, "--out-dir", out, "--strict", "--jobs", "1")
    assert result.exit_code == 1
    assert "U+674E" in result.stderr and "patient.name" in result.stderr
    assert [p.name for p in out.glob("*.pdf")] == ["2-Ann-Able.pdf"]  # spreadsheet rows
    # Without --strict the same row is made, with a warning.
    result = _invoke(runner, roster, "--out-dir", out, "--jobs", "1")
    assert result.exit_code == 0
    assert "U+674E" in result.stderr
    assert len(list(out.glob("*.pdf"))) == 2
