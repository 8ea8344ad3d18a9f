"""``advocacy preview``: the pages as PNG pictures, to look over before printing.

The source is a patient file (rendered as ``advocacy render`` would) or a PDF.
Pages are drawn by pypdfium2 (PDFium, bundled in the wheel), so no poppler or
other system program is needed. Files are named ``<name>-p01.png`` so that they
sort by page, and none is written if any would replace an existing file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advocacy import loading, output
from advocacy.errors import Failure, OutputError, PageRangeError, Problem

DEFAULT_DPI = 96  # actual size on most screens
MIN_DPI = 20
MAX_DPI = 600
_POINTS_PER_INCH = 72
MAX_PDF_BYTES = 64 * 1024 * 1024
# An A4 page at 600 dpi is 35 million pixels.
MAX_PICTURE_PIXELS = 60_000_000

WarningSink = Callable[[list[Problem], str], None]

_RANGE = re.compile(r"^(?P<start>\d+)?\s*(?P<dash>-)?\s*(?P<end>\d+)?$")


Ranges = list[tuple[int, int | None]]


def parse_pages(spec: str | None) -> Ranges:
    """``"1-2,4,6-"`` -> ``[(1, 2), (4, 4), (6, None)]``; ``None`` means every page."""
    if spec is None:
        return [(1, None)]
    ranges: Ranges = []
    for part in spec.split(","):
        match = _RANGE.match(part.strip())
        if not match or not (match["start"] or match["end"]):
            raise _bad_pages(spec)
        start = int(match["start"] or 1)
        end: int | None
        if match["dash"]:
            end = int(match["end"]) if match["end"] else None
        else:
            end = start
        if start < 1 or (end is not None and end < start):
            raise _bad_pages(spec)
        ranges.append((start, end))
    return ranges


def select_pages(ranges: Ranges, count: int, spec: str | None = None) -> list[int]:
    """Page numbers (from 1, in order, each once) that ``ranges`` picks out of ``count``."""
    chosen: set[int] = set()
    for start, end in ranges:
        last = count if end is None else end
        if start > count or last > count:
            noun = "page" if count == 1 else "pages"
            msg = f"--pages {spec}: the document has {count} {noun}."
            raise PageRangeError(msg)
        chosen.update(range(start, last + 1))
    return sorted(chosen)


def _bad_pages(spec: str) -> PageRangeError:
    return PageRangeError(f"--pages {spec!r}: write page numbers like 1, 1-2, 3- or 1,3-4.")


def is_pdf(path: Path) -> bool:
    if path.suffix.lower() == ".pdf":
        return True
    with path.open("rb") as handle:
        return handle.read(5) == b"%PDF-"


def picture_names(stem: str, numbers: list[int], count: int) -> list[str]:
    """``me-p01.png``: zero-padded so that a folder listing sorts by page."""
    width = max(2, len(str(count)))
    return [f"{stem}-p{number:0{width}d}.png" for number in numbers]


def preview(
    source: Path,
    folder: Path | None = None,
    *,
    pages: str | None = None,
    dpi: int = DEFAULT_DPI,
    force: bool = False,
    on_warning: WarningSink | None = None,
    **overrides: Any,
) -> list[Path]:
    """Write PNG pictures of ``source``'s pages into ``folder``; return their paths."""
    ranges = parse_pages(pages)  # a typo costs nothing: checked before rendering
    if not MIN_DPI <= dpi <= MAX_DPI:
        msg = f"--dpi {dpi}: choose {MIN_DPI} to {MAX_DPI}."
        raise PageRangeError(msg)
    # Before is_pdf opens it: a FIFO or a device must not hang or flood us.
    loading.check_file(source, limit=MAX_PDF_BYTES)
    folder = folder if folder is not None else source.parent
    if folder.exists() and not folder.is_dir():
        msg = f"{folder} is not a folder; choose a folder for the pictures."
        raise OutputError(msg)
    pdf = (
        loading.read_bytes(source, limit=MAX_PDF_BYTES)
        if is_pdf(source)
        else _render(source, on_warning, overrides)
    )
    return _write_pictures(pdf, source, folder, ranges, pages, dpi=dpi, force=force)


def _render(source: Path, on_warning: WarningSink | None, overrides: dict[str, Any]) -> bytes:
    from advocacy import pipeline

    job = pipeline.from_file(source, **overrides)
    if on_warning and job.warnings:
        on_warning(list(job.warnings), str(source))
    return pipeline.render_pdf(job)


def _write_pictures(
    pdf: bytes,
    source: Path,
    folder: Path,
    ranges: Ranges,
    spec: str | None,
    *,
    dpi: int,
    force: bool,
) -> list[Path]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        msg = f"{source}: not a PDF that can be read ({exc}); is the file complete?"
        raise Failure(msg) from None
    try:
        count = len(document)
        numbers = select_pages(ranges, count, spec)
        targets = [folder / name for name in picture_names(source.stem, numbers, count)]
        for number in numbers:
            _check_picture_size(document[number - 1], number, dpi, source)
        # All or nothing: refuse before writing the first picture.
        for target in targets:
            output.check_writable(target, force=force)
        folder.mkdir(parents=True, exist_ok=True)
        for number, target in zip(numbers, targets, strict=True):
            output.write_atomic(target, _png(document[number - 1], dpi), force=force)
    finally:
        document.close()
    return targets


def _check_picture_size(page: Any, number: int, dpi: int, source: Path) -> None:
    """Refuse a picture that would take gigabytes (a PDF's page can be 200 inches wide)."""
    width, height = (side / _POINTS_PER_INCH for side in page.get_size())
    pixels = width * dpi * height * dpi
    if pixels > MAX_PICTURE_PIXELS:
        msg = (
            f"{source}: page {number} is {width:.0f} x {height:.0f} inches; at {dpi} dpi its"
            f" picture would have {pixels / 1e6:,.0f} million pixels (the limit is"
            f" {MAX_PICTURE_PIXELS // 1_000_000}). Choose a lower --dpi, or another PDF."
        )
        raise Failure(msg)


def _png(page: Any, dpi: int) -> bytes:
    try:
        bitmap = page.render(scale=dpi / _POINTS_PER_INCH)
        try:
            image = bitmap.to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", dpi=(dpi, dpi))
            return buffer.getvalue()
        finally:
            bitmap.close()
    finally:
        page.close()
