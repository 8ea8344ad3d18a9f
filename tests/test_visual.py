"""Pages 1-2 of the examples compared with stored pictures, so layout changes are seen.

The stored PNGs in tests/fixtures/visual/ are the reviewed appearance. When a
change to the layout is intended, regenerate them (and the README's pictures in
docs/images/) and look at them before committing:

    ADVOCACY_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_visual.py

A failing comparison leaves the new picture and a difference image in pytest's
temporary folder, named in the failure message.
"""

from __future__ import annotations

import os
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops

from advocacy import pipeline
from tests.conftest import EXAMPLES, FIXTURES, ROOT

SNAPSHOTS = FIXTURES / "visual"
DOCS_IMAGES = ROOT / "docs" / "images"
UPDATE = os.environ.get("ADVOCACY_UPDATE_SNAPSHOTS") == "1"
DPI = 60
# Anti-aliasing differs a little between FreeType builds: a pixel counts as
# changed only when its grey level moves by more than this, and a page may
# have this share of changed pixels before it counts as a layout change.
PIXEL_THRESHOLD = 64
CHANGED_SHARE = 0.004
CASES = [("full", 1), ("full", 2), ("uk", 1), ("uk", 2), ("child-cp", 1), ("sci-wheelchair", 1)]


def _render(example: str) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(pipeline.render_pdf(pipeline.from_file(EXAMPLES / f"{example}.yaml")))


def _picture(pdf: pdfium.PdfDocument, page: int, dpi: int) -> Image.Image:
    image = pdf[page - 1].render(scale=dpi / 72, grayscale=True).to_pil()
    return image.convert("L")


@pytest.fixture(scope="module")
def rendered() -> dict[str, pdfium.PdfDocument]:
    return {name: _render(name) for name in sorted({name for name, _ in CASES})}


@pytest.mark.parametrize(("example", "page"), CASES, ids=[f"{e}-p{p}" for e, p in CASES])
def test_page_looks_as_reviewed(
    rendered: dict[str, pdfium.PdfDocument], example: str, page: int, tmp_path: Path
) -> None:
    actual = _picture(rendered[example], page, DPI)
    stored = SNAPSHOTS / f"{example}-p{page}.png"
    if UPDATE:
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        actual.save(stored, optimize=True)
    assert stored.is_file(), f"no stored picture {stored}; see this module's docstring"
    with Image.open(stored) as image:
        expected = image.convert("L")
    assert actual.size == expected.size, "the page size changed"
    difference = ImageChops.difference(actual, expected)
    changed = sum(difference.point(lambda v: 255 if v > PIXEL_THRESHOLD else 0).histogram()[255:])
    share = changed / (actual.size[0] * actual.size[1])
    if share > CHANGED_SHARE:
        actual.save(tmp_path / stored.name)
        difference.point(lambda v: 255 - min(255, v * 4)).save(tmp_path / f"diff-{stored.name}")
        pytest.fail(
            f"{stored.name}: {share:.2%} of pixels changed (limit {CHANGED_SHARE:.2%});"
            f" new picture and difference in {tmp_path}"
        )


def test_readme_pictures_of_the_full_example(rendered: dict[str, pdfium.PdfDocument]) -> None:
    """Every page of the full example is in docs/images/, for the README."""
    pdf = rendered["full"]
    if UPDATE:
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        for old in DOCS_IMAGES.glob("full-example-p*.png"):
            old.unlink()
        for number in range(1, len(pdf) + 1):
            image = pdf[number - 1].render(scale=100 / 72).to_pil().convert("RGB")
            # A 64-colour palette keeps text crisp at a fraction of the size.
            image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(
                DOCS_IMAGES / f"full-example-p{number}.png", optimize=True
            )
    names = {p.name for p in DOCS_IMAGES.glob("full-example-p*.png")}
    assert names == {f"full-example-p{n}.png" for n in range(1, len(pdf) + 1)}
