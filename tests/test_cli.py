"""The command line end to end: exit codes, messages, nothing overwritten."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from advocacy import starter
from advocacy.cli import cli
from tests.conftest import PATIENTS, pdf_text


@pytest.mark.render
def test_init_check_render(runner: CliRunner, tmp_path: Path) -> None:
    patient = tmp_path / "p.yaml"
    result = runner.invoke(cli, ["init", str(patient)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "name:" in patient.read_text()
    # Straight from init, the placeholders are refused, each by its field.
    result = runner.invoke(cli, ["check", str(patient)], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    for field in (
        "patient.name",
        "patient.email",
        "appointment.clinician",
        "emergency_contact.name",
    ):
        assert re.search(rf"{field} \(line \d+\): still holds the example text", result.stderr)
    text = patient.read_text()
    mine = {"date_of_birth": "1972-03-14", "phone": "+44 7700 900123", "email": "jo@real.test"}
    for field, placeholder in starter.PLACEHOLDERS.items():
        section, name = field.split(".")
        if section == "patient":
            text = text.replace(f'"{placeholder}"', f'"{mine.get(name, "Jo Real")}"')
    text = "\n".join(line for line in text.splitlines() if '"<' not in line)
    patient.write_text(text)
    result = runner.invoke(cli, ["check", str(patient)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "OK" in result.stdout
    out = tmp_path / "p.pdf"
    result = runner.invoke(cli, ["render", str(patient), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")


def test_init_refuses_to_overwrite(runner: CliRunner, tmp_path: Path) -> None:
    patient = tmp_path / "p.yaml"
    patient.write_text("mine")
    result = runner.invoke(cli, ["init", str(patient)])
    assert result.exit_code == 1
    assert "already exists; use --force" in result.stderr
    assert patient.read_text() == "mine"


@pytest.mark.parametrize(
    ("fixture", "path"),
    [
        ("dose-looks-like-mg.yaml", "trial.first_dose_mcg"),
        ("reduced-not-lower.yaml", "trial.reduced_dose_mcg"),
        ("typo-date-of-brith.yaml", "patient.date_of_brith"),
        ("missing-dob.yaml", "patient.date_of_birth"),
    ],
)
def test_check_invalid_exits_2(runner: CliRunner, fixture: str, path: str) -> None:
    result = runner.invoke(cli, ["check", str(PATIENTS / fixture)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert f"- {path} (line " in result.stderr  # the field, and where it is in the file
    assert "Traceback" not in result.output


def test_check_reports_micrograms_and_did_you_mean(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", str(PATIENTS / "dose-looks-like-mg.yaml")])
    assert "micrograms" in result.stderr
    result = runner.invoke(cli, ["check", str(PATIENTS / "typo-date-of-brith.yaml")])
    assert "Did you mean 'date_of_birth'?" in result.stderr


def test_check_warnings_exit_0(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", str(PATIENTS / "oral-dose-high.yaml")])
    assert result.exit_code == 0
    assert "Warning:" in result.stderr
    assert "medication.oral_baclofen_mg_per_day" in result.stderr


def test_render_invalid_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    result = runner.invoke(
        cli, ["render", str(PATIENTS / "reduced-not-lower.yaml"), "-o", str(out)]
    )
    assert result.exit_code == 2
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.render
def test_render_refuses_existing_output_and_leaves_it(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "p.yaml"
    shutil.copy(PATIENTS / "valid-minimal.yaml", source)
    out = tmp_path / "p.pdf"
    assert runner.invoke(cli, ["render", str(source)], catch_exceptions=False).exit_code == 0
    first = out.read_bytes()
    result = runner.invoke(cli, ["render", str(source)])
    assert result.exit_code == 1
    assert "already exists; use --force" in result.stderr
    assert out.read_bytes() == first
    result = runner.invoke(cli, ["render", str(source), "--force"], catch_exceptions=False)
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.pdf", "p.yaml"]


@pytest.mark.render
def test_render_to_stdout(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["render", str(PATIENTS / "valid-minimal.yaml"), "-o", "-"], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"%PDF-")
    assert "Sam Minimal" in pdf_text(result.stdout_bytes)[0]


def test_render_html(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "p.html"
    result = runner.invoke(
        cli,
        ["render", str(PATIENTS / "valid-minimal.yaml"), "--format", "html", "-o", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    html = out.read_text()
    assert '<html lang="en-US"' in html
    assert "Sam Minimal" in html


def test_usage_errors_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["render", str(tmp_path / "nope.yaml")]).exit_code == 2
    assert runner.invoke(cli, ["render", "--paper", "a5", "x"]).exit_code == 2


def test_schema_is_json_schema(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema"], catch_exceptions=False)
    schema = json.loads(result.stdout)
    assert schema["title"] == "advocacy patient file"
    assert "patient" in schema["required"]


def test_version_names_weasyprint_and_pango(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"], catch_exceptions=False)
    assert "WeasyPrint 70." in result.stdout
    assert "Pango 1." in result.stdout


def test_every_command_has_help(runner: CliRunner) -> None:
    for name, command in cli.commands.items():
        assert command.help, name
        result = runner.invoke(cli, [name, "--help"], catch_exceptions=False)
        assert result.exit_code == 0
        assert "Exit codes" in result.stdout


def test_help_does_not_import_weasyprint() -> None:
    code = (
        "import sys\n"
        "from advocacy.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'weasyprint' not in sys.modules\n"
        "assert 'pydantic' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


@pytest.mark.render
def test_render_uses_the_files_own_logo(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "group"
    folder.mkdir()
    (folder / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><rect width="60"'
        ' height="20"/></svg>'
    )
    source = folder / "p.yaml"
    source.write_text(
        "patient: {name: Logo Person, date_of_birth: 1970-01-01, diagnosis: HSP}\n"
        "organisation: {name: Test Group, logo: logo.svg}\n"
    )
    html = tmp_path / "p.html"
    result = runner.invoke(
        cli, ["render", str(source), "--format", "html", "-o", str(html)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert (folder / "logo.svg").as_uri() in html.read_text()
    pdf = tmp_path / "p.pdf"
    result = runner.invoke(cli, ["render", str(source), "-o", str(pdf)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Test Group" in pdf_text(pdf.read_bytes())[0]


def test_render_refuses_a_logo_that_is_not_an_image(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "logo.txt").write_text("not a logo")
    source = tmp_path / "p.yaml"
    source.write_text(
        "patient: {name: Logo Person, date_of_birth: 1970-01-01, diagnosis: HSP}\n"
        "organisation: {name: Test Group, logo: logo.txt}\n"
    )
    result = runner.invoke(cli, ["render", str(source), "-o", str(tmp_path / "p.pdf")])
    assert result.exit_code == 2
    assert "organisation.logo" in result.stderr
    assert not (tmp_path / "p.pdf").exists()


@pytest.mark.parametrize(
    "command", ["init", "check", "render", "interview", "preview", "batch", "blank", "schema"]
)
def test_every_command_has_quiet_verbose_and_examples(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "-q, --quiet" in result.output
    assert "-v, --verbose" in result.output
    if command != "schema":
        assert f"Examples:\n    advocacy {command}" in result.output


@pytest.mark.render
def test_quiet_says_nothing_but_errors(runner: CliRunner, tmp_path: Path) -> None:
    patient = tmp_path / "p.yaml"
    shutil.copy(PATIENTS.parent.parent.parent / "examples" / "minimal.yaml", patient)
    result = runner.invoke(cli, ["render", str(patient), "-q"])
    assert result.exit_code == 0, result.output
    assert result.output == ""
    result = runner.invoke(cli, ["render", str(patient), "-q"])
    assert result.exit_code == 1
    assert "already exists" in result.stderr
