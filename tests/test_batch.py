"""`advocacy batch`: the worker pool renders every good row, reports the bad ones,
loses nothing when stopped. Reading rosters is tested in test_roster.py."""

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

from advocacy.errors import InvalidPatientError
from advocacy.group import batch, roster
from advocacy.model import validate_patient
from tests.conftest import ROSTERS, invoke_batch, pdf_text, read_report, write_xlsx


def _pages(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


# --------------------------------------------------------------------------- running


def test_mixed_roster_renders_the_good_rows_and_reports_the_bad(
    runner: CliRunner, tmp_path: Path
) -> None:
    out, report = tmp_path / "out", tmp_path / "report.csv"
    result = invoke_batch(
        runner, ROSTERS / "mixed.csv", "--out-dir", out, "--report", report, "--jobs", "2"
    )
    assert result.exit_code == 1
    assert sorted(p.name for p in out.glob("*.pdf")) == [
        "2-Ann-Able.pdf",
        "4-Cat-Careful.pdf",
    ]
    text = " ".join(pdf_text((out / "2-Ann-Able.pdf").read_bytes()))
    assert "Ann Able" in text
    rows = read_report(report)
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
    result = invoke_batch(
        runner, ROSTERS / "members.yaml", "--out-dir", tmp_path / "out", "--report", report
    )
    assert result.exit_code == 1
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 1
    assert "members.yaml item 2: patient.date_of_brith (line 4): unknown field." in result.stderr
    assert {r["row"] for r in read_report(report)} == {"2", "3"}


def test_a_date_in_doubt_fails_only_its_row_until_the_order_is_said(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "dates.csv"
    path.write_text(
        "Name;Date of birth;Diagnosis\nMember 0;04/03/1972;HSP\nMember 1;25/12/1980;HSP\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = invoke_batch(runner, path, "--out-dir", out, "--jobs", "1")
    assert result.exit_code == 1
    assert "dates.csv row 2: patient.date_of_birth (column B): '04/03/1972' could be" in (
        result.stderr
    )
    assert [p.name for p in out.glob("*.pdf")] == ["3-Member-1.pdf"]
    # Saying the order settles it.
    result = invoke_batch(
        runner, path, "--out-dir", out, "--jobs", "1", "--date-order", "day-first", "--force"
    )
    assert result.exit_code == 0, result.output
    assert "2-Member-0.pdf" in {p.name for p in out.glob("*.pdf")}


def test_combined_and_duplex(runner: CliRunner, tmp_path: Path) -> None:
    out, combined = tmp_path / "out", tmp_path / "all.pdf"
    result = invoke_batch(
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
    result = invoke_batch(runner, ROSTERS / "mixed.csv", "--combined", combined, "--jobs", "1")
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
    result = invoke_batch(runner, path, "--out-dir", out)
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
    result = invoke_batch(runner, path, "--out-dir", out, "--name-pattern", NAME_AND_DOB)
    assert result.exit_code == 0, result.output
    # Two members with one name: the second gets a suffix (case-insensitively, as on Windows).
    assert sorted(p.name for p in out.glob("*.pdf")) == [
        "Ann-Able-1961-02-03.pdf",
        "ann-able-1961-02-03-2.pdf",
    ]
    first = out / "Ann-Able-1961-02-03.pdf"
    first.write_bytes(b"mine")
    # A re-run keeps what is there and says so: skipped, never a failed row.
    result = invoke_batch(runner, path, "--out-dir", out, "--name-pattern", NAME_AND_DOB)
    assert result.exit_code == 0
    assert "2 already there (skipped; --force replaces them)" in result.stderr
    assert "failed" not in result.stderr
    assert first.read_bytes() == b"mine"
    result = invoke_batch(
        runner, path, "--out-dir", out, "--name-pattern", NAME_AND_DOB, "--skip-existing"
    )
    assert result.exit_code == 0
    assert "2 already there (skipped" in result.stderr
    assert first.read_bytes() == b"mine"
    result = invoke_batch(runner, path, "--out-dir", out, "--name-pattern", NAME_AND_DOB, "--force")
    assert result.exit_code == 0
    assert first.read_bytes().startswith(b"%PDF-")


def test_fail_fast_stops_at_the_first_bad_row(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke_batch(runner, ROSTERS / "mixed.csv", "--out-dir", out, "--fail-fast", "-j", "1")
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
    result = invoke_batch(runner, path, "--out-dir", out, "--defaults", ROSTERS / "defaults.yaml")
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
    result = invoke_batch(
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
        result = invoke_batch(runner, *args)
        assert result.exit_code == 2, (args, result.output)
    result = invoke_batch(runner, ROSTERS / "logo.png")
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
    result = invoke_batch(runner, members, "--out-dir", out, "--skip-existing")
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
    write_xlsx(sources["xlsx"], _HEADER, rows)

    out, combined, report = tmp_path / "csv-out", tmp_path / "all.pdf", tmp_path / "csv.csv"
    # The coordinator says how the sheet writes dates: 04/03/1951 is 4 March.
    order = ("--date-order", "day-first")
    result = invoke_batch(
        runner, sources["csv"], "--out-dir", out, "--combined", combined, "--report", report, *order
    )
    assert result.exit_code == 1
    # Names start with the row number: in row order, sorted as numbers.
    pdfs = sorted(out.glob("*.pdf"), key=lambda p: int(p.name.split("-", 1)[0]))
    assert len(pdfs) == 56
    assert {r["row"] for r in read_report(report)} == expected_bad
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
    result = invoke_batch(
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
    assert read_report(report_xlsx) == read_report(report)
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
    result = invoke_batch(runner, roster, "--out-dir", out, "--strict", "--jobs", "1")
    assert result.exit_code == 1
    assert "U+674E" in result.stderr and "patient.name" in result.stderr
    assert [p.name for p in out.glob("*.pdf")] == ["2-Ann-Able.pdf"]  # spreadsheet rows
    # Without --strict the same row is made, with a warning.
    result = invoke_batch(runner, roster, "--out-dir", out, "--jobs", "1")
    assert result.exit_code == 0
    assert "U+674E" in result.stderr
    assert len(list(out.glob("*.pdf"))) == 2
