"""What a render worker does: plain functions of picklable values, returning bytes.

They run in :mod:`advocacy.web.workers`' processes with the warm renderer,
never in a request's thread. The request builds the :class:`~advocacy.pipeline.Job`.
"""

from __future__ import annotations

import io

from advocacy import pdfedit, pipeline
from advocacy.web.workers import renderer

# Previews are for looking over, not printing: a page is about 800 px wide.
PREVIEW_DPI = 96
_POINTS_PER_INCH = 72


def letter_pdf(job: pipeline.Job) -> bytes:
    return pipeline.render_pdf(job, renderer=renderer())


def letter_pages(job: pipeline.Job) -> list[bytes]:
    """The letter's pages as PNG pictures."""
    import pypdfium2 as pdfium

    data = letter_pdf(job)
    document = pdfium.PdfDocument(data)
    pictures = []
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                bitmap = page.render(scale=PREVIEW_DPI / _POINTS_PER_INCH)
                try:
                    buffer = io.BytesIO()
                    bitmap.to_pil().save(buffer, format="PNG")
                    pictures.append(buffer.getvalue())
                finally:
                    bitmap.close()
            finally:
                page.close()
    finally:
        document.close()
    return pictures


def blank_pdf(job: pipeline.Job, copies: int, duplex: bool) -> bytes:
    one = pipeline.render_pdf(job, renderer=renderer())
    return pdfedit.repeat_pages(one, copies, duplex=duplex, fillable=job.fillable)
