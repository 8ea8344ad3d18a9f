"""What a render worker does: plain functions of picklable values, returning bytes.

They run in :mod:`advocacy.web.workers`' processes with the warm renderer,
never in a request's thread.
"""

from __future__ import annotations

import io
from typing import Any

from advocacy import branding, pdfedit, pipeline
from advocacy.model import PatientFile
from advocacy.options import RenderOptions
from advocacy.web.workers import renderer

# Previews are for looking over, not printing: a page is about 800 px wide.
PREVIEW_DPI = 96
_POINTS_PER_INCH = 72


def _warm(brand: branding.Branding | None) -> Any:
    warm = renderer()
    if brand is not None and brand.logo is not None:
        warm.allow_file(brand.logo)
    return warm


def letter_pdf(
    patient: PatientFile, options: RenderOptions, brand: branding.Branding | None
) -> bytes:
    return pipeline.render_pdf(
        patient,
        options,
        renderer=_warm(brand),
        org=brand.organisation if brand else None,
        org_logo_url=brand.logo_url if brand else None,
    )


def letter_pages(
    patient: PatientFile, options: RenderOptions, brand: branding.Branding | None
) -> list[bytes]:
    """The letter's pages as PNG pictures."""
    import pypdfium2 as pdfium

    data = letter_pdf(patient, options, brand)
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


def blank_pdf(
    options: RenderOptions,
    brand: branding.Branding | None,
    copies: int,
    fillable: bool,
    duplex: bool,
) -> bytes:
    from advocacy import blank

    one = blank.render_blank(options, brand=brand, fillable=fillable, renderer=_warm(brand))
    return pdfedit.repeat_pages(one, copies, duplex=duplex, fillable=fillable)
