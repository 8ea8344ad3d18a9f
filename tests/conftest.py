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
