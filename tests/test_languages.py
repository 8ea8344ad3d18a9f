"""The language registry: every language complete, no silent fallback, a new one is one entry."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gettext
import re
import typing
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from advocacy import context, dates, i18n, languages, notation, options, pipeline
from advocacy.errors import MissingCatalogue, UnknownLanguage
from advocacy.interview import questions
from advocacy.languages import Language
from tests.conftest import EXAMPLES

ENTRIES = list(languages.entries())
IDS = [entry.code for entry in ENTRIES]


def test_the_literal_names_exactly_the_registry() -> None:
    assert typing.get_args(languages.Lang) == languages.codes()


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_language_declares_what_the_documents_need(entry: Language) -> None:
    assert entry.microgram_unit in {"mcg", "micrograms"}  # never µg or ug
    assert entry.date_order in typing.get_args(languages.DateOrder)
    assert entry.paper in options.PAPERS
    assert entry.name and entry.short_name and entry.babel_locale
    assert len(entry.quotes) == 2 and all(entry.quotes)
    assert entry.regions
    # The source language alone goes without a catalogue.
    assert (entry.catalogue is None) == (entry.code == languages.SOURCE)


@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if e.catalogue], ids=[e.code for e in ENTRIES if e.catalogue]
)
def test_each_declared_catalogue_is_installed_and_compiles(entry: Language) -> None:
    assert i18n.catalogue_path(entry.code).is_file()
    catalogue = i18n.translations(entry.code)
    assert isinstance(catalogue, gettext.GNUTranslations)
    assert catalogue.gettext("Sincerely,") != "Sincerely,"  # it translates something


def test_only_the_source_language_goes_without_a_catalogue() -> None:
    english = languages.get("en-GB")
    with pytest.raises(ValueError, match="source language"):
        dataclasses.replace(english, code="en-AU", catalogue=None)
    assert isinstance(i18n.translations(languages.SOURCE), gettext.NullTranslations)


def test_get_refuses_an_unknown_code_rather_than_guessing() -> None:
    with pytest.raises(UnknownLanguage, match="'fr-FR'.*en-US, en-GB"):
        languages.get("fr-FR")
    with pytest.raises(ValueError):  # what callers checking values already catch
        languages.get("en_GB")


UNKNOWN = "en-AU"
CALLS: dict[str, Callable[[str], Any]] = {
    "notation.microgram_unit": notation.microgram_unit,
    "notation.format_dose": lambda lang: notation.format_dose(25, lang),
    "notation.format_strength": notation.format_strength,
    "dates.parse_date": lambda lang: dates.parse_date("04/03/1972", lang),
    "i18n.translations": i18n.translations,
    "i18n.quoted": lambda lang: i18n.quoted("failed", lang),
    "i18n.format_date": lambda lang: i18n.format_date(dt.date(1972, 3, 14), lang),
    "options.page_size": lambda lang: options.RenderOptions(lang=lang).page_size,  # type: ignore[arg-type]
    "context.salutation_for": lambda lang: context.salutation_for("Dr. Sam Rivera", None, lang),
    "context.hospital_number": lambda lang: context.hospital_number("NHS 943", lang),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_an_unknown_language_is_an_error_not_us_english(call: Callable[[str], Any]) -> None:
    with pytest.raises(UnknownLanguage):
        call(UNKNOWN)


@pytest.fixture
def register() -> Iterator[Callable[[Language], None]]:
    """Add a language for one test, as a developer would, touching only the registry."""
    added: list[str] = []

    def add(entry: Language) -> None:
        languages.REGISTRY[entry.code] = entry
        added.append(entry.code)

    yield add
    for code in added:
        del languages.REGISTRY[code]
    i18n.translations.cache_clear()


def test_a_declared_catalogue_that_is_missing_is_an_error(register) -> None:  # type: ignore[no-untyped-def]
    register(dataclasses.replace(languages.get("en-GB"), code="en-NZ", catalogue="en_NZ"))
    with pytest.raises(MissingCatalogue, match="en-NZ"):
        i18n.translations("en-NZ")


AUSTRALIAN = Language(
    code="en-AU",
    name="Australian English",
    short_name="AU",
    microgram_unit="micrograms",
    paper="a4",
    date_order="day-first",
    catalogue="en_GB",  # a dry run: the British sentences stand in for its own catalogue
    babel_locale="en_AU",
    title_full_stop=False,
    quotes=("\u2018", "\u2019"),
    words=frozenset({"au", "australian", "australia"}),
    regions=("AU",),
    local_product_information="the Australian product information (PI)",
)


def test_a_new_language_is_one_entry(register) -> None:  # type: ignore[no-untyped-def]
    register(AUSTRALIAN)
    lang = "en-AU"
    assert notation.format_dose(25, lang) == "25 micrograms"
    assert notation.format_strength(lang) == "50 micrograms/mL"
    assert dates.parse_date("04/03/1972", lang).value == dt.date(1972, 3, 4)
    assert i18n.format_date(dt.date(1972, 3, 14), lang) == "14 March 1972"
    assert options.RenderOptions(lang=lang).page_size == "a4"  # type: ignore[arg-type]
    assert i18n.translations(lang).gettext("Sincerely,") == "Yours sincerely,"
    assert context.salutation_for("Dr. Sam Rivera", None, lang) == "Dr Rivera"
    # The interview hears it, names it and finds it in the computer's locale.
    assert questions.language_word("Australian English") == lang
    assert questions.language_word("en-au") == lang
    assert questions.language_name(lang) == "Australian English (micrograms, A4 paper)"
    assert questions.language_from_environment({"LANG": "en_AU.UTF-8"}) == lang
    # And a whole letter comes out in it.
    html = pipeline.render_html(pipeline.from_file(EXAMPLES / "uk.yaml", lang=lang))
    assert '<html lang="en-AU">' in html
    assert "the Australian product information (PI) was not checked" in html
    assert "Yours sincerely," in html
    assert re.search(r"25(&nbsp;|\u00a0)micrograms", html)


def test_locales_pick_the_language_their_region_names() -> None:
    assert questions.language_from_environment({"LANG": "en_US.UTF-8"}) == "en-US"
    assert questions.language_from_environment({"LANG": "en_GB.UTF-8"}) == "en-GB"
    # English elsewhere writes the day first on A4; any other locale gets the default.
    assert questions.language_from_environment({"LANG": "en_IE.UTF-8"}) == languages.OTHER_ENGLISH
    assert questions.language_from_environment({"LANG": "de_DE.UTF-8"}) == languages.DEFAULT
