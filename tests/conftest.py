from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PATIENTS = FIXTURES / "patients"
EXAMPLES = ROOT / "examples"
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


# A fast inner loop: `pytest -m "not render and not slow"` leaves out the
# modules whose tests render real PDFs or pictures (WeasyPrint), and those
# that build a wheel, drive a browser or run many processes. `make test` runs
# everything.
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
