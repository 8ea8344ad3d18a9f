"""``advocacy blank``: copies to fill in by hand, for a support group's meeting.

The document is rendered once and its pages are repeated: every copy shares
the first copy's fonts and page contents, so 1,000 copies cost about as much
as one plus a millisecond each, and the file stays small. A single copy is
the rendered PDF itself, tags and all (the accessible version); repeated
copies make a print file. With ``fillable`` each copy's form fields get their
own names (``copy2_name``), so filling in one copy never fills in another.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from advocacy import branding, output, pipeline
from advocacy.errors import AdvocacyError
from advocacy.options import RenderOptions

STDOUT = Path("-")
MAX_COPIES = 10_000
# Form fields are copied (not shared) so that each copy can be filled in on
# its own; past this many the file would be large for no real use.
MAX_FILLABLE_COPIES = 200
_PDFUA_PART = "{http://www.aiim.org/pdfua/ns/id/}part"


class BlankUsageError(AdvocacyError):
    exit_code = 2


@dataclass(frozen=True)
class BlankResult:
    path: Path | None
    copies: int
    pages_per_copy: int
    pages: int


def render_blank(
    options: RenderOptions,
    *,
    brand: branding.Branding | None = None,
    fillable: bool = False,
    renderer: Any = None,
) -> bytes:
    """One blank copy as PDF bytes (form fields need ``pdf_forms`` at render time)."""
    from advocacy import render

    options = replace(options, pdf_forms=fillable)
    renderer = renderer or render.Renderer()
    if brand is not None and brand.logo is not None:
        renderer.allow_file(brand.logo)
    html = pipeline.render_blank_html(
        options,
        org=brand.organisation if brand else None,
        org_logo_url=brand.logo_url if brand else None,
        fillable=fillable,
    )
    data: bytes = renderer.pdf(html, options)
    return data


def repeat_pages(
    data: bytes, copies: int, *, duplex: bool = False, fillable: bool = False
) -> bytes:
    """``copies`` copies of the PDF ``data`` in one file, sharing fonts and contents."""
    import pikepdf

    if copies == 1 and not duplex:
        return data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = list(pdf.Root.Pages.Kids)
        pad = duplex and len(pages) % 2 == 1
        box = pages[-1].MediaBox
        size = (float(box[2]) - float(box[0]), float(box[3]) - float(box[1]))
        sources: list[Any] = []
        if copies > 1:
            _drop_structure(pdf)
        if fillable and copies > 1:
            sources = _append_fillable_copies(pdf, data, copies, pad=pad, size=size)
        else:
            _append_shallow_copies(pdf, pages, copies, pad=pad, size=size)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        for source in sources:
            source.close()
        return out.getvalue()


def _append_shallow_copies(
    pdf: Any, pages: list[Any], copies: int, *, pad: bool, size: tuple[float, float]
) -> None:
    """Each copy is a set of new page objects pointing at the first copy's contents and fonts.

    Written straight into the (flat) page tree WeasyPrint makes: qpdf's page
    list checks each added page against every page already there, so 1,000
    copies of an 8-page document would take seconds instead of a third of one.
    """
    import pikepdf

    tree = pdf.Root.Pages
    if any(page.get("/Parent") != tree for page in pages):  # pragma: no cover - not WeasyPrint's
        for _ in range(1, copies):
            pdf.pages.extend(pdf.pages[: len(pages)])
        return
    blank = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=pikepdf.Array([0, 0, *size]),
        Resources=pikepdf.Dictionary(),
        Parent=tree,
    )
    kids = tree.Kids
    if pad:
        kids.append(pdf.make_indirect(blank.copy()))
    for _ in range(1, copies):
        for page in pages:
            kids.append(_clone_page(pdf, page))
        if pad:
            kids.append(pdf.make_indirect(blank.copy()))
    tree.Count = len(kids)


def _clone_page(pdf: Any, page: Any) -> Any:
    import pikepdf

    clone = pdf.make_indirect(page.copy())
    if "/Annots" in page:
        # An annotation (a link) belongs to one page: each copy gets its own.
        annotations = pikepdf.Array()
        for annotation in page.Annots:
            copied = pdf.make_indirect(annotation.copy())
            if "/P" in copied:
                copied.P = clone
            annotations.append(copied)
        clone.Annots = annotations
    return clone


def _drop_structure(pdf: Any) -> None:
    # A repeated page would point many times into one structure tree made for
    # a single copy; a print file is better untagged than wrongly tagged.
    import pikepdf

    for name in ("/StructTreeRoot", "/MarkInfo"):
        if name in pdf.Root:
            del pdf.Root[name]
    if "/Metadata" in pdf.Root:
        # No longer PDF/UA, so no longer claimed; no pikepdf stamp either (same bytes each run).
        with pdf.open_metadata(set_pikepdf_as_editor=False) as metadata:
            if _PDFUA_PART in metadata:
                del metadata[_PDFUA_PART]
    for page in pdf.Root.Pages.Kids:
        if "/StructParents" in page:
            del page["/StructParents"]
        for annotation in page.get("/Annots", pikepdf.Array()):
            if "/StructParent" in annotation:
                del annotation["/StructParent"]


def _append_fillable_copies(
    pdf: Any, data: bytes, copies: int, *, pad: bool, size: tuple[float, float]
) -> list[Any]:
    """Full copies, each with its own field names; returns the sources to close after saving."""
    import warnings

    import pikepdf

    _rename_fields(pdf, 1)
    form = pdf.Root.get("/AcroForm")
    if pad:
        pdf.add_blank_page(page_size=size)
    sources = []
    for copy in range(2, copies + 1):
        # Fields cannot be shared between copies, so each copy is a full copy.
        source = pikepdf.open(io.BytesIO(data))
        sources.append(source)  # qpdf reads its streams when the result is saved
        _drop_structure(source)
        _rename_fields(source, copy)
        with warnings.catch_warnings():
            # pikepdf warns that extend() leaves the form's field list behind;
            # the fields are added to it just below. (add_pages_from() would
            # rename fields the template names twice on purpose, such as a
            # goal written once and shown again on the record sheet.)
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            pdf.pages.extend(source.pages)
        source_form = source.Root.get("/AcroForm")
        if form is not None and source_form is not None and "/Fields" in source_form:
            for field in source_form.Fields:
                # The same objects the copied pages' widgets already point to.
                form.Fields.append(pdf.copy_foreign(field))
        if pad:
            pdf.add_blank_page(page_size=size)
    return sources


def _rename_fields(pdf: Any, copy: int) -> None:
    import pikepdf

    form = pdf.Root.get("/AcroForm")
    if form is None or "/Fields" not in form:
        return
    for field in form.Fields:
        name = str(field.get("/T", "field"))
        field.T = pikepdf.String(f"copy{copy}_{name}")


def make_blank(
    target: Path,
    *,
    copies: int = 1,
    fillable: bool = False,
    duplex: bool = False,
    org: Path | None = None,
    force: bool = False,
    **overrides: Any,
) -> BlankResult:
    """Render the blank document once, repeat it ``copies`` times, write it atomically."""
    if not 1 <= copies <= MAX_COPIES:
        msg = f"--copies must be between 1 and {MAX_COPIES}."
        raise BlankUsageError(msg)
    if fillable and copies > MAX_FILLABLE_COPIES:
        msg = (
            f"--fillable makes each copy's form fields its own; make at most"
            f" {MAX_FILLABLE_COPIES} fillable copies (or share one copy as a file)."
        )
        raise BlankUsageError(msg)
    to_stdout = target == STDOUT
    if to_stdout:
        output.check_stdout(binary=True)
    else:
        output.check_writable(target, force=force)
    brand = None
    values: dict[str, Any] = {}
    if org is not None:
        organisation, document = branding.load_group(org)
        brand = branding.brand(organisation, str(org))
        # The group's language and paper, unless --lang or --paper say otherwise.
        values = {"lang": document.get("language"), "paper": document.get("paper")}
    values.update({k: v for k, v in overrides.items() if v is not None})
    options = RenderOptions(**{k: v for k, v in values.items() if v is not None})
    one = render_blank(options, brand=brand, fillable=fillable)
    data = repeat_pages(one, copies, duplex=duplex, fillable=fillable)
    pages, per_copy = _count_pages(data), _count_pages(one)
    if to_stdout:
        output.write_stdout(data)
        return BlankResult(None, copies, per_copy, pages)
    output.write_atomic(target, data, force=force)
    return BlankResult(target, copies, per_copy, pages)


def _count_pages(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)
