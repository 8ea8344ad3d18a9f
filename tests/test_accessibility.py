"""Accessible, print-true output: tagged PDF/UA-1, bundled fonts only, large print,
exact paper sizes, and the same bytes every time."""

from __future__ import annotations

import hashlib
import io
import math
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from advocacy import context, pipeline, render
from advocacy.cli import cli
from advocacy.model import PatientFile, load_patient, validate_patient
from advocacy.options import RenderOptions
from tests.conftest import EXAMPLE_FILES, EXAMPLES, pdf_text

VARIANTS = [
    (example, paper, large)
    for example in EXAMPLE_FILES
    for paper in ("a4", "letter")
    for large in (False, True)
]
VARIANT_IDS = [f"{e.stem}-{p}-{'large' if lg else 'normal'}" for e, p, lg in VARIANTS]
# PDF points: A4 is 210 x 297 mm, Letter 8.5 x 11 in.
PAGE_SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
BUNDLED_FONT = re.compile(r"^/[A-Z]{6}\+(Atkinson-Hyperlegible|Noto-Sans)-")


def _options(patient: PatientFile, paper: str, large: bool) -> RenderOptions:
    return context.options_for(patient, paper=paper, large_print=large or None)


@cache
def _render(example: Path, paper: str, large: bool) -> bytes:
    patient = load_patient(example).data
    return pipeline.render_pdf(pipeline.letter(patient, _options(patient, paper, large)))


@pytest.mark.parametrize(("example", "paper", "large"), VARIANTS, ids=VARIANT_IDS)
def test_pdf_ua_structure(example: Path, paper: str, large: bool) -> None:
    data = _render(example, paper, large)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        assert root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in root
        lang = load_patient(example).data.document.language
        assert str(root.Lang) == lang
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo["/Title"]).strip()
        meta = pdf.open_metadata()
        assert str(meta.get("pdfuaid:part")) == "1"
        headings = _headings(root.StructTreeRoot)
        assert headings.count(1) == 1, headings
        assert headings[0] == 1, headings
        for before, after in zip(headings, headings[1:], strict=False):
            assert after <= before + 1, f"heading level skipped: {headings}"


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=[e.stem for e in EXAMPLE_FILES])
def test_all_content_is_tagged_or_an_artifact(example: Path) -> None:
    """PDF/UA-1 7.1: running headers and footers are artifacts, everything else is in the tree."""
    data = _render(example, "a4", False)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.StructTreeRoot
        parent_tree = pikepdf.NumberTree(root.ParentTree)
        reachable = _reachable(root)
        artifacts = 0
        for page in pdf.pages:
            elements = parent_tree[int(page.obj.StructParents)]
            depth = 0
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op in {"BDC", "BMC"}:
                    depth += 1
                    if str(operands[0]) == "/Artifact":
                        artifacts += 1
                    elif op == "BDC" and "/MCID" in operands[1]:
                        element = elements[int(operands[1].MCID)]
                        assert element.objgen in reachable, f"untagged: MCID {operands[1].MCID}"
                elif op == "EMC":
                    depth -= 1
                elif op in {"Tj", "TJ", "'", '"'}:
                    assert depth > 0, "text outside marked content"
        assert artifacts >= 4 * len(pdf.pages)  # name, date of birth, prepared, page number
        headers = [n for n in _elements(root) if str(n.S) == "/TH"]
        assert headers
        for header in headers:
            assert str(header.A.Scope) in {"/Column", "/Row"}


def _elements(root: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    found: list[pikepdf.Dictionary] = []
    stack = [root.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            stack.append(node.get("/K"))
    return found


def _reachable(root: pikepdf.Dictionary) -> set[tuple[int, int]]:
    seen: set[tuple[int, int]] = set()
    stack = [root.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node and node.objgen not in seen:
            seen.add(node.objgen)
            stack.append(node.get("/K"))
    return seen


def _headings(node: pikepdf.Object) -> list[int]:
    found: list[int] = []
    if isinstance(node, pikepdf.Dictionary):
        kind = str(node.get("/S", ""))
        if re.fullmatch(r"/H[1-6]", kind):
            found.append(int(kind[2]))
        kids = node.get("/K")
        if kids is not None:
            found += _headings(kids)
    elif isinstance(node, pikepdf.Array):
        for kid in node:
            found += _headings(kid)
    return found


@pytest.mark.parametrize(("example", "paper", "large"), VARIANTS, ids=VARIANT_IDS)
def test_only_bundled_fonts_and_exact_paper(example: Path, paper: str, large: bool) -> None:
    data = _render(example, paper, large)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            width, height = (float(v) for v in page.MediaBox[2:])
            expected = PAGE_SIZES[paper]
            assert math.isclose(width, expected[0], abs_tol=0.1)
            assert math.isclose(height, expected[1], abs_tol=0.1)
            fonts = page.Resources.get("/Font", {})
            for font in fonts.values():
                assert BUNDLED_FONT.match(str(font.BaseFont)), str(font.BaseFont)


def _body_text_sizes(example: Path, paper: str) -> list[tuple[float, str]]:
    """Font sizes in pt of every visible text box in the page body (not the margin boxes)."""
    from weasyprint.formatting_structure import boxes

    patient = load_patient(example).data
    options = _options(patient, paper, large=True)
    doc = render.default_renderer().document(
        pipeline.render_html(pipeline.letter(patient, options)), options
    )

    def walk(box: object, in_margin: bool = False):  # type: ignore[no-untyped-def]
        in_margin = in_margin or isinstance(box, boxes.MarginBox)
        if isinstance(box, boxes.TextBox) and box.style["visibility"] == "visible":
            yield box.style["font_size"] * 0.75, box.text, in_margin
        for child in getattr(box, "children", None) or []:
            yield from walk(child, in_margin)

    sizes = []
    for page in doc.pages:
        for size, text, in_margin in walk(page._page_box):
            if text.strip():
                sizes.append((size, text, in_margin))
    return sizes


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=[e.stem for e in EXAMPLE_FILES])
def test_large_print_is_at_least_16pt(example: Path) -> None:
    sizes = _body_text_sizes(example, "a4")
    small = [(s, t) for s, t, margin in sizes if not margin and s < 16 - 0.01]
    assert not small, small[:10]
    margin_small = [(s, t) for s, t, margin in sizes if margin and s < 12 - 0.01]
    assert not margin_small, margin_small[:10]
    # And in the PDF itself: the commonest character size is body text.
    data = _render(example, "a4", True)
    assert _commonest_pdf_char_size(data) >= 16 - 0.01


def _commonest_pdf_char_size(data: bytes) -> float:
    import ctypes
    from collections import Counter

    import pypdfium2.raw as raw

    counts: Counter[float] = Counter()
    pdf = pdfium.PdfDocument(data)
    matrix = raw.FS_MATRIX()
    for page in pdf:
        text = page.get_textpage()
        for index in range(text.count_chars()):
            raw.FPDFText_GetMatrix(text.raw, index, ctypes.byref(matrix))
            scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
            counts[round(raw.FPDFText_GetFontSize(text.raw, index) * scale, 1)] += 1
    return counts.most_common(1)[0][0]


def test_same_input_same_bytes_across_processes(tmp_path: Path) -> None:
    example = EXAMPLE_FILES[0]
    advocacy = Path(sys.executable).parent / "advocacy"
    digests = set()
    for name in ("a.pdf", "b.pdf"):
        out = tmp_path / name
        subprocess.run(
            [str(advocacy), "render", str(example), "-o", str(out)], check=True, capture_output=True
        )
        digests.add(hashlib.sha256(out.read_bytes()).hexdigest())
    assert len(digests) == 1


def _named(name: str) -> PatientFile:
    raw = {"patient": {"name": name, "date_of_birth": "1972-03-14", "diagnosis": "HSP"}}
    return validate_patient(raw, "inline").data


@pytest.mark.parametrize(
    "name",
    ["Γεώργιος Παπαδόπουλος", "Иван Петрович Сидоров", "Nguyễn Thị Minh Khai", "Zoë Ødegård-Núñez"],
)
def test_non_latin_names_render(name: str) -> None:
    data = pipeline.render_pdf(pipeline.letter(_named(name)))
    for page in pdf_text(data):
        # pypdf splits a word where the font changes (Vietnamese marks come from Noto).
        assert name.replace(" ", "") in page.replace(" ", "")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                assert BUNDLED_FONT.match(str(font.BaseFont))


def test_cjk_name_is_reported(tmp_path: Path) -> None:
    source = tmp_path / "p.yaml"
    source.write_text(
        "patient: {name: 李小龍, date_of_birth: 1972-03-14, diagnosis: HSP}\n", encoding="utf-8"
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["render", str(source)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Warning:" in result.stderr
    assert "patient.name" in result.stderr
    assert "U+674E" in result.stderr
    strict_out = tmp_path / "strict.pdf"
    result = runner.invoke(cli, ["render", str(source), "--strict", "-o", str(strict_out)])
    assert result.exit_code == 2
    assert "patient.name" in result.stderr
    assert not strict_out.exists()


@pytest.mark.parametrize("variant", ["pdf/a-3b", "plain"])
def test_other_pdf_variants(variant: str) -> None:
    patient = _named("Sam Variant")
    data = pipeline.render_pdf(pipeline.letter(patient, pdf_variant=variant))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        part = pdf.open_metadata().get("pdfaid:part")
        assert (str(part) == "3") if variant == "pdf/a-3b" else part is None


def test_digits_have_a_plain_zero_and_no_face_claims_a_glyph_it_lacks() -> None:
    """Atkinson Hyperlegible slashes its zero: its faces leave the digits to
    Noto Sans, and each face's unicode-range stays inside its own cmap, so
    nothing falls into a face that would draw a box (a Greek name once did)."""
    import re

    from fontTools.ttLib import TTFont

    from advocacy import resources

    css = (resources.styles_dir() / "print.css").read_text(encoding="utf-8")
    faces = re.findall(r"@font-face \{([^}]*)\}", css)
    checked = 0
    for face in faces:
        ranges = re.search(r"unicode-range: ([^;]+);", face)
        if not ranges:
            continue
        url = re.search(r"url\(([^)]+)\)", face)
        assert url
        cmap = set(TTFont(resources.styles_dir() / url.group(1)).getBestCmap())
        claimed: set[int] = set()
        for part in ranges.group(1).split(","):
            low, _, high = part.strip()[2:].partition("-")
            claimed |= set(range(int(low, 16), int(high or low, 16) + 1))
        assert claimed <= cmap, url.group(1)
        assert not claimed & set(range(0x30, 0x3A)), url.group(1)
        checked += 1
    assert checked == 4  # the four Atkinson latin faces
    data = pipeline.render_pdf(pipeline.letter(_named("Sam Zero")))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fonts = {str(f.BaseFont) for p in pdf.pages for f in p.Resources.Font.values()}
    assert any("Noto-Sans-latin" in font for font in fonts), fonts


def test_standard_print_body_text_and_references_are_readable() -> None:
    """Body text at least 10.5 pt, the reference list at least 8.5 pt (clinicians asked)."""
    from weasyprint.formatting_structure import boxes

    patient = load_patient(EXAMPLES / "full.yaml").data
    options = _options(patient, "letter", large=False)
    doc = render.default_renderer().document(
        pipeline.render_html(pipeline.letter(patient, options)), options
    )
    sizes: dict[str, list[float]] = {"letter": [], "sources": [], "references": []}

    def walk(box: object, where: str | None = None) -> None:
        element = getattr(box, "element", None)
        if element is not None:
            classes = set((element.get("class") or "").split())
            tag = getattr(box, "element_tag", "")
            if tag == "ol" and "references" in classes:
                where = "references"
            elif tag == "p" and where in {"letter", "sources"} and classes & {"notice", "subtitle"}:
                where = "small"
            elif tag == "section" and classes & {"letter", "sources"}:
                where = (classes & {"letter", "sources"}).pop()
        if isinstance(box, boxes.TextBox) and box.text.strip() and where in sizes:
            parent_tag = getattr(box, "element_tag", "")
            if parent_tag not in {"dt", "th", "h1", "h2", "h3"}:
                sizes[where].append(box.style["font_size"] * 0.75)
        for child in getattr(box, "children", None) or []:
            walk(child, where)

    for page in doc.pages:
        walk(page._page_box)
    from collections import Counter

    for section in ("letter", "sources"):
        assert Counter(sizes[section]).most_common(1)[0][0] >= 10.5 - 0.01, section
    assert sizes["references"] and min(sizes["references"]) >= 8.5 - 0.01
