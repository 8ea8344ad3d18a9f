"""The README cannot drift from the tool: its commands, exit codes and transcripts are checked."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from advocacy.cli import cli
from tests.conftest import EXAMPLES, PATIENTS, ROOT, pdf_text

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_command() -> None:
    for name in cli.commands:
        assert f"`advocacy {name}" in README, name


def test_readme_gives_the_two_setup_commands_and_exit_codes() -> None:
    assert "$ make demo" in README
    assert "$ make test" in README
    for code in ("`0` success", "`1` failure", "`2` usage error or invalid patient data"):
        assert code in README


def test_readme_error_transcript_matches_the_tool(runner: CliRunner) -> None:
    block = README.split("$ advocacy check mistakes.yaml\n", 1)[1].split("```", 1)[0]
    expected = [line for line in block.splitlines() if line.strip()]
    result = runner.invoke(cli, ["check", str(PATIENTS / "mistakes.yaml")])
    assert result.exit_code == 2
    actual = result.stderr.replace(str(PATIENTS / "mistakes.yaml"), "mistakes.yaml")
    for line in expected:
        assert line in actual.splitlines(), line


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.MULTILINE)


@pytest.mark.render
def test_readme_library_example_works(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code = README.split("## Use it from Python", 1)[1].split("```python\n", 1)[1].split("```")[0]
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "full.yaml").write_bytes((EXAMPLES / "full.yaml").read_bytes())
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    pages = pdf_text((tmp_path / "letter.pdf").read_bytes())
    assert "Zoë Ødegård-Núñez" in pages[0]
    assert "micrograms" in " ".join(pages)  # lang="en-GB" reached the render
