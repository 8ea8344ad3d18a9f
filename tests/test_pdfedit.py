"""A print file made of repeated or joined documents carries no structure references.

A member's tags point into their own document's structure tree; a combined
file or repeated blank copies drop that tree, so every reference into it must
go too (a dangling /StructParent confuses screen readers and PDF checkers).
"""

from __future__ import annotations

import io

import pikepdf
import pytest

from advocacy import pdfedit, pipeline
from tests.conftest import EXAMPLES


def _structure_references(data: bytes) -> tuple[int, list[str]]:
    """(annotations seen, every structure reference left) in a PDF."""
    left: list[str] = []
    annotations = 0
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for name in ("/StructTreeRoot", "/MarkInfo"):
            if name in pdf.Root:
                left.append(name)
        for number, page in enumerate(pdf.pages, 1):
            if "/StructParents" in page.obj:
                left.append(f"page {number} /StructParents")
            for annotation in page.obj.get("/Annots", pikepdf.Array()):
                annotations += 1
                if "/StructParent" in annotation:
                    left.append(f"page {number} annotation /StructParent")
    return annotations, left


@pytest.fixture(scope="module")
def letters() -> list[bytes]:
    return [
        pipeline.render_pdf(pipeline.from_file(EXAMPLES / name))
        for name in ("full.yaml", "uk.yaml")
    ]


def test_a_tagged_letter_links_its_annotations_into_its_structure(letters) -> None:
    annotations, left = _structure_references(letters[0])
    # The premise of the tests below: the letter has links, and they are tagged.
    assert annotations > 0
    assert any("annotation /StructParent" in item for item in left)


def test_a_combined_file_has_no_dangling_structure_references(letters, tmp_path) -> None:
    combiner = pdfedit.Combiner(tmp_path, duplex=True, chunk=1)
    try:
        for number, data in enumerate(letters):
            path = tmp_path / f"{number}.pdf"
            path.write_bytes(data)
            combiner.add(path, f"Member {number}")
        target = tmp_path / "all.pdf"
        combiner.finish(target, force=False)
    finally:
        combiner.close()
    annotations, left = _structure_references(target.read_bytes())
    assert annotations > 0
    assert left == []


def test_repeated_copies_have_no_dangling_structure_references(letters) -> None:
    annotations, left = _structure_references(pdfedit.repeat_pages(letters[0], 3))
    assert annotations > 0
    assert left == []


def test_a_combined_file_has_one_bookmark_per_member_at_their_first_page(letters, tmp_path) -> None:
    # chunk=1 puts each member in a part of their own; duplex pads odd page counts.
    combiner = pdfedit.Combiner(tmp_path, duplex=True, chunk=1)
    starts, pages = [], 0
    try:
        for number, data in enumerate([*letters, letters[0]]):
            path = tmp_path / f"{number}.pdf"
            path.write_bytes(data)
            pages += pages % 2  # the blank back the previous member may need
            starts.append(pages)
            pages += pdfedit.count_pages(data)
            combiner.add(path, f"Member {number}")
        target = tmp_path / "all.pdf"
        combiner.finish(target, force=False)
    finally:
        combiner.close()
    with pikepdf.open(target) as pdf, pdf.open_outline() as outline:
        marks = [(item.title, pikepdf.Page(item.destination[0]).index) for item in outline.root]
        assert pdf.Root.PageMode == "/UseOutlines"
    # One each, none of the letters' own: pikepdf 10.18 would copy those too.
    assert marks == [(f"Member {n}", start) for n, start in enumerate(starts)]
