"""`advocacy blank`: rendered once, repeated N times; fill by hand or on screen."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from click.testing import CliRunner

from advocacy import pdfedit, pipeline, render
from advocacy.cli import cli
from advocacy.group import blank
from advocacy.options import RenderOptions
from tests.conftest import FIXTURES, pdf_text


@pytest.fixture(scope="module")
def one_copy() -> bytes:
    """One blank copy, rendered once for the tests that only repeat it."""
    return pipeline.render_pdf(pipeline.blank(RenderOptions()))


def _page_count(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def test_copies_are_rendered_once_and_repeated(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders: list[str] = []
    original = render.Renderer.document

    def counting(self: render.Renderer, html: str, *args: Any) -> Any:
        renders.append(html)
        return original(self, html, *args)

    monkeypatch.setattr(render.Renderer, "document", counting)
    out = tmp_path / "copies.pdf"
    result = runner.invoke(cli, ["blank", "--copies", "3", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(renders) == 1
    pages = pdf_text(out.read_bytes())
    per_copy = len(pages) // 3
    assert len(pages) == 3 * per_copy
    assert f"Wrote {out} (3 copies, {len(pages)} pages)" in result.stderr
    # Every copy is the whole document: the same pages, each copy counting from 1.
    assert pages[:per_copy] == pages[per_copy : 2 * per_copy] == pages[2 * per_copy :]
    assert f"Page 1 of {per_copy}" in pages[per_copy]
    # A print file: repeated pages cannot share one structure tree, so no PDF/UA claim.
    with pikepdf.open(out) as pdf:
        assert "/StructTreeRoot" not in pdf.Root
        with pdf.open_metadata() as metadata:
            assert "pdfuaid:part" not in metadata
        # The copies share the first copy's page contents instead of repeating them.
        first, second = pdf.pages[0].obj, pdf.pages[per_copy].obj
        assert first.objgen != second.objgen
        assert first.Contents.objgen == second.Contents.objgen


def test_blank_has_spaces_to_write_and_the_default_doses(one_copy: bytes) -> None:
    text = " ".join(pdf_text(one_copy))
    assert "50 mcg" in text
    assert "25 mcg" in text
    assert "Alex" not in text  # no patient's details anywhere
    with pikepdf.open(io.BytesIO(one_copy)) as pdf:
        # A single copy is the rendered document itself: tagged, accessible.
        assert "/StructTreeRoot" in pdf.Root
        assert "/AcroForm" not in pdf.Root


_LONG_ORG = ["--org", str(FIXTURES / "rosters" / "org-long-name.yaml")]


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--org", str(FIXTURES / "rosters" / "org.yaml")],
        ["--paper", "a4", "--lang", "en-GB"],
        ["--fillable", "--org", str(FIXTURES / "rosters" / "org.yaml")],
        [*_LONG_ORG, "--paper", "letter"],
        [*_LONG_ORG, "--paper", "letter", "--fillable"],
        [*_LONG_ORG, "--paper", "a4", "--fillable"],
    ],
    ids=["plain", "branded", "a4-en-gb", "fillable", "long-org", "long-org-fillable", "long-a4"],
)
def test_the_letter_and_checklist_share_the_pages(
    runner: CliRunner, tmp_path: Path, args: list[str]
) -> None:
    """Writing lines make a blank letter long: its requests and the notice are on
    page 1, and the sign-off that runs over shares page 2 with the checklist,
    so no page holds only a closing line."""
    out = tmp_path / "one.pdf"
    result = runner.invoke(cli, ["blank", "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    pages = pdf_text(out.read_bytes())
    assert f"Wrote {out} (1 copy, {len(pages)} pages)" in result.stderr
    assert "It is not medical advice." in pages[0]
    assert "A slow continuous infusion through the catheter" in pages[0]
    assert "Name in capitals" in pages[0] + pages[1]
    assert "Before the trial: a checklist for the team" in pages[1]


def test_repeating_is_fast_enough_for_a_meeting(one_copy: bytes) -> None:
    data = pdfedit.repeat_pages(one_copy, 1000)
    assert _page_count(data) == 1000 * _page_count(one_copy)
    # Shared contents: a thousand copies are nowhere near a thousand times the size.
    assert len(data) < 60 * len(one_copy)


def test_duplex_pads_odd_documents(one_copy: bytes) -> None:
    with pikepdf.open(io.BytesIO(one_copy)) as pdf:
        del pdf.pages[1:]
        out = io.BytesIO()
        pdf.save(out)
    single_page = out.getvalue()
    pages = pdf_text(pdfedit.repeat_pages(single_page, 3, duplex=True))
    assert len(pages) == 6
    assert [bool(text) for text in pages] == [True, False] * 3
    if _page_count(one_copy) % 2 == 0:  # nothing to pad
        assert pdfedit.repeat_pages(one_copy, 2, duplex=True) == pdfedit.repeat_pages(one_copy, 2)


def test_fillable_fields_have_titles_and_each_copy_its_own(tmp_path: Path) -> None:
    out = tmp_path / "fillable.pdf"
    blank.make_blank(out, copies=2, fillable=True)
    with pikepdf.open(out) as pdf:
        fields = list(pdf.Root.AcroForm.Fields)
        names = [str(field.T) for field in fields]
        assert fields
        half = len(fields) // 2
        first = {name.removeprefix("copy1_") for name in names[:half]}
        second = {name.removeprefix("copy2_") for name in names[half:]}
        # The same fields in each copy, under names of their own.
        assert first == second
        assert all(name.startswith("copy1_") for name in names[:half])
        assert all(name.startswith("copy2_") for name in names[half:])
        # Screen readers read a field's title (/TU): every field has one.
        assert all(str(field.get("/TU", "")).strip() for field in fields)
        assert {"name", "date_of_birth"} <= second
        # Each field is a widget on a page of its own copy, not a stray copy.
        widgets = {a.objgen for page in pdf.pages for a in page.obj.get("/Annots", [])}
        assert {field.objgen for field in fields} <= widgets


def test_output_rules(runner: CliRunner, tmp_path: Path, one_copy: bytes) -> None:
    out = tmp_path / "blank.pdf"
    out.write_bytes(b"mine")
    result = runner.invoke(cli, ["blank", "-o", str(out)])
    assert result.exit_code == 1
    assert "already exists; use --force" in result.stderr
    assert out.read_bytes() == b"mine"
    for args in (["--copies", "0"], ["--copies", "10001"]):
        result = runner.invoke(cli, ["blank", "-o", str(out), *args])
        assert result.exit_code == 2
    result = runner.invoke(cli, ["blank", "-o", "-", "--copies", "2"])
    assert result.exit_code == 0
    data: Any = result.stdout_bytes
    assert data.startswith(b"%PDF-")
    # Same input, same bytes.
    assert data == pdfedit.repeat_pages(one_copy, 2)
