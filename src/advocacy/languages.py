"""Every language the documents come in, one entry each: the one place to add a language.

An entry says everything that differs by language outside the sentences
themselves: how doses are written (medication safety: "mcg" or "micrograms"),
the usual paper, which number comes first in 04/03/1972, the catalogue of
sentences, and the conventions of the letter (quotation marks, "Dr" or
"Dr.", a national health number's label). Modules ask :func:`get`, which
refuses a code it does not know: an unknown language must never be written
as if it were US English, least of all a dose.

Adding a language (en-AU, say) is an entry in ``_ENTRIES``, its code in
``Lang`` and its catalogue in ``locales/<folder>/LC_MESSAGES/messages.po``;
``tests/test_languages.py`` checks the three agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from advocacy.errors import UnknownLanguage

if TYPE_CHECKING:
    from collections.abc import Iterator

    from advocacy.options import PaperName

# Literal so that mypy checks the codes written in the source; a test checks
# it names exactly the registry's entries.
Lang = Literal["en-US", "en-GB"]
DateOrder = Literal["day-first", "month-first"]

# The language the templates are written in; it alone has no catalogue.
SOURCE: Lang = "en-US"
# What a patient file, a blank copy or an API call gets when it names no language.
DEFAULT: Lang = "en-US"
# An English locale whose region no entry lists (en_IE, en_NZ, en_IN…): most of
# the English-speaking world outside the US writes the day first and prints on A4.
OTHER_ENGLISH: Lang = "en-GB"


@dataclass(frozen=True)
class NationalNumber:
    """A health service's patient number, printed under its own name when the patient gives it."""

    label: str  # as printed, already in the language: "NHS number"
    # What the patient may have typed before the number ("NHS no. 943 476 5919").
    prefix: re.Pattern[str]


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47, as files, options and <html lang> write it: "en-GB"
    name: str  # in English, for choices: "UK English"
    short_name: str  # the interview's default in brackets: "[UK]"
    microgram_unit: str  # never "µg" or "ug" (misread as "mg")
    paper: PaperName
    date_order: DateOrder  # how 04/03/1972 is read when the person typed it
    # Folder under locales/ holding LC_MESSAGES/messages.po; None only for
    # SOURCE, whose sentences are the templates' own.
    catalogue: str | None
    babel_locale: str  # Babel's data for long dates and lists: "en_GB"
    # False: "Dr Rivera", a full stop typed after a title is dropped (British
    # usage); True: the title is written as the person typed it.
    title_full_stop: bool
    quotes: tuple[str, str]  # around words quoted from a source
    # Answers to the interview's language question that mean this language
    # ("uk", "british"); the code itself always counts.
    words: frozenset[str]
    # Locale regions that choose it when nobody has said (LANG=en_GB.UTF-8).
    regions: tuple[str, ...]
    national_number: NationalNumber | None = None
    # Where the letter cites the US labels, the local product information it
    # did not check ("the UK product information (SmPC)"); None in the US.
    local_product_information: str | None = None

    def __post_init__(self) -> None:
        if (self.catalogue is None) != (self.code == SOURCE):
            msg = f"{self.code}: only the source language ({SOURCE}) goes without a catalogue"
            raise ValueError(msg)


_ENTRIES = (
    Language(
        code="en-US",
        name="US English",
        short_name="US",
        microgram_unit="mcg",
        paper="letter",
        date_order="month-first",
        catalogue=None,
        babel_locale="en_US",
        title_full_stop=True,
        quotes=("\u201c", "\u201d"),
        words=frozenset({"us", "usa", "american", "america", "united states"}),
        regions=("US",),
    ),
    Language(
        code="en-GB",
        name="UK English",
        short_name="UK",
        microgram_unit="micrograms",
        paper="a4",
        date_order="day-first",
        catalogue="en_GB",
        babel_locale="en_GB",
        title_full_stop=False,
        quotes=("\u2018", "\u2019"),
        words=frozenset(
            {"uk", "gb", "british", "britain", "great britain", "united kingdom", "england"}
        ),
        regions=("GB",),
        national_number=NationalNumber(
            "NHS number", re.compile(r"^\s*NHS(?:\s+(?:number|no\.?))?[:\s]*", re.IGNORECASE)
        ),
        local_product_information="the UK product information (SmPC)",
    ),
)
# code -> entry, in the order choices are offered.
REGISTRY: dict[str, Language] = {entry.code: entry for entry in _ENTRIES}


def get(code: str) -> Language:
    try:
        return REGISTRY[code]
    except (KeyError, TypeError):
        msg = f"unknown language {code!r}; choose one of {', '.join(REGISTRY)}."
        raise UnknownLanguage(msg) from None


def codes() -> tuple[str, ...]:
    return tuple(REGISTRY)


def entries() -> Iterator[Language]:
    return iter(REGISTRY.values())


def is_known(code: object) -> bool:
    return isinstance(code, str) and code in REGISTRY


def from_word(word: str) -> str | None:
    """The code a word means ("uk", "en-gb" -> "en-GB"), or None; ``word`` is already casefolded."""
    for entry in REGISTRY.values():
        if word == entry.code.casefold() or word in entry.words:
            return entry.code
    return None


_LOCALE = re.compile(r"en[_-]([A-Za-z]{2})")


def for_locale(value: str) -> str:
    """The language an English locale name picks (en_GB.UTF-8 -> en-GB); DEFAULT for any other."""
    match = _LOCALE.match(value)
    if match is None:
        return DEFAULT
    region = match[1].upper()
    for entry in REGISTRY.values():
        if region in entry.regions:
            return entry.code
    return OTHER_ENGLISH


def either(words: list[str]) -> str:
    """["US", "UK"] -> "US or UK"; three or more -> "US, UK or AU"."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"
