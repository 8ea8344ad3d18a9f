"""Changes to finished PDFs: the only module that imports pikepdf.

WeasyPrint writes each document; what happens to its bytes afterwards lives
here: closing two gaps in its tagged output, repeating a blank copy's pages,
joining members' letters into one print file, and the one way to take a
document's structure tree off when its pages are repeated or joined.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any

from advocacy import output

_PDFUA_PART = "{http://www.aiim.org/pdfua/ns/id/}part"
# Letters appended to a combined PDF before the part so far is saved to disk.
COMBINE_CHUNK = 50


def count_pages(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def strip_structure(pdf: Any) -> None:
    """Take the structure tree off, with every reference into it.

    A repeated or joined page would point into a structure tree made for one
    copy of one document; a print file is better untagged than wrongly
    tagged. So the tree, the /MarkInfo and the PDF/UA claim go, and with them
    each page's /StructParents and each annotation's (a link's) /StructParent.
    """
    import pikepdf

    for name in ("/StructTreeRoot", "/MarkInfo"):
        if name in pdf.Root:
            del pdf.Root[name]
    if "/Metadata" in pdf.Root:
        # No longer PDF/UA, so no longer claimed; no pikepdf stamp either (same bytes each run).
        with pdf.open_metadata(set_pikepdf_as_editor=False) as metadata:
            if _PDFUA_PART in metadata:
                del metadata[_PDFUA_PART]
    for page in pdf.pages:
        if "/StructParents" in page.obj:
            del page.obj["/StructParents"]
        for annotation in page.obj.get("/Annots", pikepdf.Array()):
            if "/StructParent" in annotation:
                del annotation["/StructParent"]


# --------------------------------------------------------------------------- tagged output


def finish_tagged_pdf(data: bytes) -> bytes:
    """Close two gaps in WeasyPrint 70's tagged output (PDF/UA-1).

    - Running headers and footers become pagination artifacts (7.8). WeasyPrint
      tags margin-box text as ``/Span`` marked content whose structure elements
      are never linked into the tree, so the text is neither real content nor
      an artifact. The name and page number repeat on every page for people;
      assistive technology reads the name once, in the letter.
    - Table header cells get a ``/Scope`` (7.5): Column in a ``<thead>``, Row
      elsewhere, which WeasyPrint does not write.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None or "/ParentTree" not in root:
            return data
        linked = _reachable_elements(root)
        parent_tree = pikepdf.NumberTree(root.ParentTree)
        changed = _scope_table_headers(root)
        for page in pdf.pages:
            key = page.obj.get("/StructParents")
            if key is None or int(key) not in parent_tree:
                continue
            elements = parent_tree[int(key)]
            orphans = {
                mcid
                for mcid, element in enumerate(elements)
                if isinstance(element, pikepdf.Dictionary) and element.objgen not in linked
            }
            if orphans and _rewrite_marked_content(pdf, page, orphans):
                for mcid in orphans:
                    elements[mcid] = pikepdf.Object.parse(b"null")
                changed = True
        if not changed:
            return data
        out = io.BytesIO()
        # qpdf would otherwise pick a fresh second /ID: keep the same bytes every time.
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def _scope_table_headers(root: Any) -> bool:
    import pikepdf

    changed = False
    stack: list[tuple[Any, bool]] = [(root.get("/K"), False)]
    while stack:
        node, in_head = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend((kid, in_head) for kid in node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            kind = str(node.S)
            if kind == "/TH":
                changed = _add_scope(node, in_head) or changed
            stack.append((node.get("/K"), in_head or kind == "/THead"))
    return changed


def _add_scope(header: Any, in_head: bool) -> bool:
    import pikepdf

    scope = pikepdf.Name.Column if in_head else pikepdf.Name.Row
    attributes = header.get("/A")
    # WeasyPrint writes << /O /Table >> (with spans) but never /Scope.
    if isinstance(attributes, pikepdf.Dictionary) and str(attributes.get("/O")) == "/Table":
        if "/Scope" in attributes:
            return False
        attributes.Scope = scope
    elif attributes is None:
        header.A = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=scope)
    else:
        return False
    return True


def _reachable_elements(root: Any) -> set[tuple[int, int]]:
    import pikepdf

    seen: set[tuple[int, int]] = set()
    stack = [root.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
            stack.append(node.get("/K"))
    return seen


def _rewrite_marked_content(pdf: Any, page: Any, orphans: set[int]) -> bool:
    import pikepdf

    instructions = []
    changed = False
    artifact = [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)]
    for instruction in pikepdf.parse_content_stream(page):
        operands = getattr(instruction, "operands", [])
        if (
            str(instruction.operator) == "BDC"
            and isinstance(operands[1], pikepdf.Dictionary)
            and int(operands[1].get("/MCID", -1)) in orphans
        ):
            instruction = pikepdf.ContentStreamInstruction(artifact, instruction.operator)
            changed = True
        instructions.append(instruction)
    if changed:
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
    return changed


# --------------------------------------------------------------------------- blank copies


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
            strip_structure(pdf)
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
        strip_structure(source)
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


# --------------------------------------------------------------------------- combined


@cache
def _outline_option() -> dict[str, str]:
    import inspect

    import pikepdf

    # pikepdf 10.18 (Python 3.11+) copies a source's bookmarks unless told
    # not to; 10.9 to 10.17 (what Python 3.10 gets) never copy them and have
    # no such option.
    parameters = inspect.signature(pikepdf.Pdf.add_pages_from).parameters
    return {"outlines": "ignore"} if "outlines" in parameters else {}


class Combiner:
    """Appends finished PDFs in roster order, saving every few dozen to disk.

    Only the current part is open; earlier parts wait on disk until the end,
    when they are joined page by page. Memory holds no rendered layouts, only
    the PDF being assembled. Each member gets a bookmark at their first page,
    so a coordinator can jump to anyone in a long print file.
    """

    def __init__(self, work_dir: Path, *, duplex: bool, chunk: int = COMBINE_CHUNK) -> None:
        self.work_dir = work_dir
        self.duplex = duplex
        self.chunk = chunk
        self.pages = 0
        self._parts: list[Path] = []
        self._current: Any = None
        self._sources: list[Any] = []
        self._bookmarks: list[tuple[str, int]] = []
        self._last_size: tuple[float, float] = (612.0, 792.0)

    def add(self, path: Path, title: str) -> None:
        import pikepdf

        if self._current is None:
            self._current = pikepdf.new()
        if self.duplex and self.pages % 2:
            # The previous member ended on a front side: a blank back keeps the
            # next member's first page on the front of a new sheet.
            self._current.add_blank_page(page_size=self._last_size)
            self.pages += 1
        source = pikepdf.open(path)
        self._sources.append(source)
        # A bookmark at the member's first page of the whole file.
        self._bookmarks.append((title, self.pages))
        # Each letter's own bookmarks would repeat once per member; one per
        # member instead, written once at the end (see finish).
        self._current.add_pages_from(source, **_outline_option())
        box = source.pages[-1].mediabox
        self._last_size = (float(box[2]) - float(box[0]), float(box[3]) - float(box[1]))
        self.pages += len(source.pages)
        if len(self._sources) >= self.chunk:
            self._flush()

    def _flush(self) -> None:
        if self._current is None:
            return
        part = self.work_dir / f"part-{len(self._parts):05d}.pdf"
        strip_structure(self._current)
        self._current.save(part, deterministic_id=True)
        self._close_current()
        self._parts.append(part)

    def _close_current(self) -> None:
        for source in self._sources:
            source.close()
        self._sources = []
        if self._current is not None:
            self._current.close()
        self._current = None

    def finish(self, target: Path, *, force: bool) -> int:
        import pikepdf

        self._flush()
        with pikepdf.new() as combined:
            parts = [pikepdf.open(part) for part in self._parts]
            try:
                for part in parts:
                    combined.add_pages_from(part, **_outline_option())
                with combined.open_outline() as outline:
                    for title, page in self._bookmarks:
                        outline.root.append(pikepdf.OutlineItem(title, page))
                combined.Root.PageMode = pikepdf.Name.UseOutlines
                data = io.BytesIO()
                combined.save(data, deterministic_id=True)
            finally:
                for part in parts:
                    part.close()
        output.write_atomic(target, data.getvalue(), force=force)
        return self.pages

    def close(self) -> None:
        self._close_current()
