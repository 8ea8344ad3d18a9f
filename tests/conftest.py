from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PATIENTS = FIXTURES / "patients"
EXAMPLES = ROOT / "examples"
ROSTERS = FIXTURES / "rosters"
# What `advocacy init` writes (with placeholders): the one example patient
# file with every field, so it is rendered and checked with the examples.
STARTER = ROOT / "templates" / "patient.yaml"
EXAMPLE_FILES = [*sorted(EXAMPLES.glob("*.yaml")), STARTER]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _no_weasyprint_errors(caplog: pytest.LogCaptureFixture):
    """A missing stylesheet, font or image only logs: treat any such record as a failure."""
    caplog.set_level(logging.WARNING, logger="weasyprint")
    yield
    errors = [
        r for r in caplog.records if r.name.startswith("weasyprint") and r.levelno >= logging.ERROR
    ]
    assert not errors, [r.getMessage() for r in errors]


def pdf_text(data: bytes) -> list[str]:
    """Text of each page, whitespace folded, as pypdf extracts it."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def invoke_batch(runner: CliRunner, *args: str | Path) -> Any:
    """``advocacy batch ARGS``; whatever it says, no traceback."""
    from advocacy.cli import cli

    result = runner.invoke(cli, ["batch", *map(str, args)])
    assert "Traceback" not in result.output, result.output
    return result


def read_report(path: Path) -> list[dict[str, str]]:
    """The rows of a batch's problem report (CSV, with the BOM spreadsheets want)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


# A fast inner loop: `pytest -m "not render and not slow"` leaves out the
# modules whose tests render real PDFs or pictures (WeasyPrint), and those
# that build a wheel, drive a browser or run many processes. `make test` runs
# everything. Tests that never call WeasyPrint live in their own modules
# (test_roster beside test_batch, test_context beside test_document); the few
# that render in an otherwise fast module carry @pytest.mark.render.
RENDER_MODULES = {
    "test_accessibility",
    "test_batch",
    "test_blank",
    "test_branding",
    "test_document",
    "test_pdfedit",
    "test_preview",
    "test_render",
    "test_visual",
    "test_web",
}
SLOW_MODULES = {"test_hostile", "test_processes", "test_web_browser", "test_wheel"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
        if module in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
        elif module in RENDER_MODULES:
            item.add_marker(pytest.mark.render)


# --------------------------------------------------------------------------- hostile figures

# Each hostile case (tests/hostile/) adds its figures here. Under pytest-xdist
# the cases run in worker processes: each worker hands its figures to the
# controller, which prints them all once, so the summary covers every case.
HOSTILE_FIGURES: list[dict[str, Any]] = []


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["hostile_figures"] = json.dumps(HOSTILE_FIGURES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    HOSTILE_FIGURES.extend(json.loads(node.workeroutput.get("hostile_figures", "[]")))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    figures = HOSTILE_FIGURES
    if not figures:
        return
    worst = max(figures, key=lambda f: f["peak_kb"])
    lines = [
        f"cases: {len(figures)}",
        f"tracebacks: {sum(f['traceback'] for f in figures)}",
        f"hangs (timed out): {sum(f['timed_out'] for f in figures)}",
        f"files read outside the case and the assets: {sum(f['outside'] for f in figures)}",
        f"network calls: {sum(f['network'] for f in figures)}",
        f"files lost, changed or half-written: {sum(f['lost'] for f in figures)}",
        f"peak memory: {worst['peak_kb'] / 1024:.0f} MiB ({worst['id']})",
        f"slowest: {max(f['seconds'] for f in figures):.1f} s",
    ]
    terminalreporter.write_sep("-", "hostile suite figures")
    for line in lines:
        terminalreporter.write_line(line)
