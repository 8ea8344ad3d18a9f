"""Locale-dependent wording: long unambiguous dates through Babel, and the text catalogues.

Dates are written in full ("March 4, 2026" / "4 March 2026") because
04/03/2026 means different days on either side of the Atlantic.

The templates are written in US English and mark their text for gettext
(``{% trans %}``). Every other language declares a catalogue in
languages.py, ``locales/<folder>/LC_MESSAGES/messages.po``, read with Babel
when first needed; one that is missing is an error, never English instead:
en-GB holds only the sentences whose spelling differs
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

from advocacy import languages
from advocacy.errors import MissingCatalogue

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"


def quoted(text: str, lang: str) -> str:
    """Words quoted from a source, in the language's marks: “…” in the US, ‘…’ in British print."""
    opening, closing = languages.get(lang).quotes
    return f"{opening}{text}{closing}"


def babel_locale(lang: str) -> str:
    return languages.get(lang).babel_locale


def format_date(value: dt.date, lang: str) -> str:
    return str(_babel_format_date(value, format="long", locale=babel_locale(lang)))


def catalogue_path(lang: str) -> Path:
    folder = languages.get(lang).catalogue
    if folder is None:
        msg = f"{lang} is the language the templates are written in; it has no catalogue"
        raise ValueError(msg)
    return LOCALES_DIR / folder / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue for ``lang``; the source language translates nothing.

    The .po file is compiled in memory, so there is no build step and no
    binary .mo file to fall out of date. A catalogue the language declares
    but the installation lacks is an error: printing the US sentences under
    a British date would pass unnoticed.
    """
    if languages.get(lang).catalogue is None:
        return gettext.NullTranslations()
    path = catalogue_path(lang)
    if not path.is_file():
        msg = f"{lang}'s catalogue {path} is missing; reinstall advocacy."
        raise MissingCatalogue(msg)
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
