"""Locale-dependent wording: long unambiguous dates through Babel, and the text catalogues.

Dates are written in full ("March 4, 2026" / "4 March 2026") because
04/03/2026 means different days on either side of the Atlantic.

The templates are written in US English and mark their text for gettext
(``{% trans %}``). Every other language is a catalogue,
``locales/<ll_CC>/LC_MESSAGES/messages.po``, read with Babel when first
needed: en-GB holds only the sentences whose spelling differs
("anaesthetic", "metre"); a new language adds a complete catalogue and
touches no template logic. Dose units are not text: see notation.py.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date as _babel_format_date

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
# The language the templates are written in: it needs no catalogue.
SOURCE_LANG = "en-US"


# Quotation marks around words quoted from a source: “…” in the US, ‘…’ in
# British print.
QUOTES = {"en-US": ("\u201c", "\u201d"), "en-GB": ("\u2018", "\u2019")}


def quoted(text: str, lang: str) -> str:
    opening, closing = QUOTES[lang]
    return f"{opening}{text}{closing}"


def babel_locale(lang: str) -> str:
    return lang.replace("-", "_")


def format_date(value: dt.date, lang: str) -> str:
    return str(_babel_format_date(value, format="long", locale=babel_locale(lang)))


def catalogue_path(lang: str) -> Path:
    return LOCALES_DIR / babel_locale(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue for ``lang``; the source language (or a missing catalogue) translates nothing.

    The .po file is compiled in memory, so there is no build step and no
    binary .mo file to fall out of date.
    """
    path = catalogue_path(lang)
    if lang == SOURCE_LANG or not path.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle, locale=babel_locale(lang), domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def template_functions(lang: str) -> dict[str, Any]:
    """What Jinja's i18n extension calls, passed per render rather than installed globally.

    The environment is shared by every document (and every language in a
    batch), so the catalogue travels with each render's context.
    """
    catalogue = translations(lang)
    return {
        "gettext": catalogue.gettext,
        "ngettext": catalogue.ngettext,
        "pgettext": catalogue.pgettext,
        "npgettext": catalogue.npgettext,
        "_": catalogue.gettext,
    }
