"""How a document is rendered: language, paper, print size, PDF variant.

Plain values, no I/O: the CLI, the batch runner and tests all build these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from advocacy import languages
from advocacy.languages import Lang

PaperName = Literal["a4", "letter"]
PdfVariant = Literal["pdf/ua-1", "pdf/a-3b", "plain"]

# The choices offered on the command line and the web form, from the registry.
LANGUAGES: tuple[str, ...] = languages.codes()
PAPERS: tuple[PaperName, ...] = ("a4", "letter")
PDF_VARIANTS: tuple[PdfVariant, ...] = ("pdf/ua-1", "pdf/a-3b", "plain")

# A batch's file names. No date of birth: a file name shows in folder lists,
# e-mail attachments and print queues (the PDF's title leaves out even the
# name). The row number keeps namesakes apart and says where to look.
DEFAULT_NAME_PATTERN = "{row}-{name}"
# How people name the paper in a sentence ("UK English (micrograms, A4 paper)").
PAPER_LABELS: dict[PaperName, str] = {"a4": "A4", "letter": "Letter"}
_PAGE_SIZE = {"a4": "A4", "letter": "letter"}


@dataclass(frozen=True)
class RenderOptions:
    lang: Lang = languages.DEFAULT
    paper: PaperName | None = None
    large_print: bool = False
    pdf_variant: PdfVariant = "pdf/ua-1"
    pdf_forms: bool = False

    @property
    def page_size(self) -> PaperName:
        return self.paper or languages.get(self.lang).paper

    def stylesheet_names(self) -> tuple[str, ...]:
        names = ["print.css"]
        if self.large_print:
            names.append("large-print.css")
        return tuple(names)

    def page_css(self) -> str:
        """The one rule that differs by paper; everything else lives in styles/."""
        return f"@page {{ size: {_PAGE_SIZE[self.page_size]}; }}"

    def pdf_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"pdf_forms": self.pdf_forms}
        if self.pdf_variant != "plain":
            options["pdf_variant"] = self.pdf_variant
        # Tags make the PDF readable by screen readers; PDF/UA needs them anyway.
        options["pdf_tags"] = self.pdf_variant != "pdf/a-3b"
        return options
