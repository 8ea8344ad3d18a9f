"""What the document says, read from the template's HTML and the data behind it:
no WeasyPrint, so these run in the fast tier. What the PDF looks like, page by
page, is tested in test_document.py."""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

import pytest

from advocacy import context, i18n, pipeline, references, resources
from advocacy.model import load_patient
from tests.conftest import EXAMPLE_FILES

EXAMPLE_IDS = [e.stem for e in EXAMPLE_FILES]


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=EXAMPLE_IDS)
def test_no_claim_the_fact_sheet_forbids(example: Path) -> None:
    # The words as printed, read from the HTML so a page break cannot split a phrase.
    patient = load_patient(example).data
    html = pipeline.render_html(pipeline.letter(patient))
    text = " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())
    lowered = text.lower()
    for claim in (
        "always reversible",
        "same day",
        "same-day",
        "hour or two",
        "100 times",
        "1/100",
        "unverified",
        "nhs england",
        "royal college",
    ):
        assert claim not in lowered, claim
    # The screening-test paper is Boster et al., not "Saulino et al.".
    assert "Saulino et al" not in text
    assert "Boster AL" in text
    # The catheter is asked for, never claimed to be required or safer, and
    # its costs are said.
    assert "Neither the labels nor any guideline requires a catheter trial" in text
    assert "I do not claim that a catheter trial is safer" in text
    assert "placed through a lumbar puncture, with a larger needle" in text
    assert "established practice" not in lowered
    # The labels are cited from DailyMed, never a mirror or a payer's sheet.
    assert "DailyMedsetID6f3bdcc0-ffc8-4911-8c35-958c8103a2c5" in text.replace(" ", "")
    for mirror in (
        "druglib",
        "rxlist",
        "healthdrugpdf",
        "wageworks",
        "Florida",
        "drugs.com",
        "epgonline",
        "Monthly Prescribing",
        "skyscape",
        "medlibrary",
    ):
        assert mirror.lower() not in lowered, mirror
    # The overdose branch is its own, and never ends in a retry by default.
    assert "Signs of overdose, at any time" in text
    assert "Stop, treat, review." in text
    assert "never a lower dose the next day by default" in text
    # Dollinger is a personal account, not a guideline, and only where it fits.
    dollinger = "not a guideline or the Foundation’s policy" in text
    hsp = context.condition_of(patient.patient.diagnosis) == "hsp"
    assert dollinger == (hsp and patient.trial.first == 50 and not patient.is_child)


def test_references_carry_nothing_unverified() -> None:
    for reference in references.REFERENCES.values():
        words = reference.text + " ".join(reference.urls)
        assert "UNVERIFIED" not in words.upper(), reference.key
        assert "believed" not in words, reference.key


def test_the_british_catalogue_has_no_stale_entries() -> None:
    """Every en-GB entry must still be a message in the templates, or it silently stops applying."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    options = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
    current = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(
            str(resources.templates_dir()),
            method_map=[("**.html", "jinja2")],
            options_map={"**.html": options},
        )
    }
    with i18n.catalogue_path("en-GB").open("rb") as handle:
        catalogue = read_po(handle)
    entries = [m for m in catalogue if m.id]
    assert entries
    for message in entries:
        assert message.id in current, f"stale en-GB entry: {message.id[:80]!r}"
        assert message.string and message.string != message.id
        # Placeholders survive translation.
        assert sorted(re.findall(r"%\(\w+\)s", message.id)) == sorted(
            re.findall(r"%\(\w+\)s", str(message.string))
        )
