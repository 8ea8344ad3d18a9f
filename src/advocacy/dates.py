"""Dates as people and spreadsheets write them: 14/03/1972, 14.03.1972, 14 March 1972.

The interview reads one date and asks the person when day and month could be
swapped; a roster is read with no one to ask, so 04/03/1972 needs an order
given for the whole file (:func:`read_date`) and is refused without one, never
guessed: a date of birth identifies the patient.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from advocacy import i18n, languages

DayMonthOrder = languages.DateOrder


@dataclass(frozen=True)
class ParsedDate:
    """A date read from what someone typed; ``alternative`` is the other day/month reading."""

    value: dt.date
    alternative: dt.date | None = None


class DateNotUnderstood(ValueError):  # noqa: N818 - reads better at the call site
    """What is wrong with the date (``message``) and what to write instead (``fix``)."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(f"{message} {fix}".strip())
        self.message = message
        self.fix = fix


_MONTHS: dict[str, int] = {}


def _month_names() -> dict[str, int]:
    if not _MONTHS:
        from babel.dates import get_month_names

        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale="en").items():
                _MONTHS[name.lower()] = number
        _MONTHS["sept"] = 9
    return _MONTHS


def age_on(born: dt.date, on: dt.date) -> int:
    """Whole years from ``born`` to ``on``: a birthday not yet reached that year counts not."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def example(lang: str) -> str:
    """14 March 1972 in ``lang``'s long form: the unambiguous way to write a date."""
    return i18n.format_date(dt.date(1972, 3, 14), lang)


def parse_date(text: str, lang: str) -> ParsedDate:
    """Read a date written the way people write them.

    Accepts 1972-03-14, 14/03/1972, 14.03.1972, 14 March 1972, March 14, 1972
    and the like. When both numbers could be the month (04/03/1972), the
    language's date order decides (en-GB: day first, en-US: month first;
    dots: day first)
    and the other reading is kept so the caller can offer it.
    """
    day_first_language = languages.get(lang).date_order == "day-first"
    shown = f"Write it like {example(lang)}, or 1972-03-14."
    cleaned = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text.strip().lower())
    tokens = re.findall(r"[a-z]+|\d+", cleaned)
    tokens = [t for t in tokens if t != "of"]
    if len(tokens) != 3:
        msg = f"{text!r} is not a date."
        raise DateNotUnderstood(msg, shown)
    words = [t for t in tokens if not t.isdigit()]
    numbers = [t for t in tokens if t.isdigit()]
    if not any(len(n) == 4 for n in numbers):
        msg = f"{text!r} has no year in full, so it could be misread."
        raise DateNotUnderstood(msg, "Write the year in full, for example 1972.")
    if words:
        month = _month_names().get(words[0].rstrip(".")) if len(words) == 1 else None
        if month is None:
            msg = f"{text!r} is not a date."
            raise DateNotUnderstood(msg, shown)
        year_text = next(n for n in numbers if len(n) == 4)
        day_text = next((n for n in numbers if n is not year_text), "")
        return ParsedDate(_make_date(int(year_text), month, int(day_text), text))
    first, second, third = (int(n) for n in numbers)
    if len(numbers[0]) == 4:  # 1972-03-14, 1972/03/14
        return ParsedDate(_make_date(first, second, third, text))
    if len(numbers[2]) != 4:
        msg = f"{text!r} is not a date."
        raise DateNotUnderstood(msg, shown)
    day_first = _make_date_or_none(third, second, first)
    month_first = _make_date_or_none(third, first, second)
    if day_first and month_first and day_first != month_first:
        if is_dotted(text) or day_first_language:
            return ParsedDate(day_first, month_first)
        return ParsedDate(month_first, day_first)
    found = day_first or month_first
    if found is None:
        if 1 <= first <= 12 or 1 <= second <= 12:
            msg = f"{text!r} is not a day on the calendar."
            raise DateNotUnderstood(msg, "Check the day and the month.")
        msg = f"{text!r} has no month between 1 and 12."
        raise DateNotUnderstood(msg, "Check the numbers.")
    return ParsedDate(found)


def _make_date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _make_date(year: int, month: int, day: int, text: str) -> dt.date:
    found = _make_date_or_none(year, month, day)
    if found is None:
        msg = f"{text!r} is not a day on the calendar."
        raise DateNotUnderstood(msg, "Check the day and the month.")
    return found


_DOTTED = re.compile(r"^\s*\d{1,2}\s*\.\s*\d{1,2}\s*\.\s*\d{4}\s*$")


def is_dotted(text: str) -> bool:
    """14.03.1972: written with dots, as in most of Europe, where the day comes first."""
    return _DOTTED.match(text) is not None


# A date a spreadsheet exported in its short form, day and month in either order.
_SHORT = re.compile(r"^\s*(\d{1,2})\s*[/-]\s*(\d{1,2})\s*[/-]\s*(\d{4})\s*$")


def order_shown(text: str) -> DayMonthOrder | None:
    """The order a short date proves: 14/03/1972 is day first, 03/14/1972 month first.

    ``None`` when it proves nothing (04/03/1972, 1972-03-04, 4 March 1972, or
    dots, which are always day first). It checks an order someone gave and
    hints at the likely one; it never settles another date on its own, since
    people typing into one sheet do not all write dates the same way.
    """
    match = _SHORT.match(text)
    if match is None:
        return None
    first, second, year = (int(match.group(n)) for n in (1, 2, 3))
    if first > 12 and _make_date_or_none(year, second, first):
        return "day-first"
    if second > 12 and _make_date_or_none(year, first, second):
        return "month-first"
    return None


class AmbiguousDate(DateNotUnderstood):
    """Day and month could be either way round, and nothing says which."""

    def __init__(self, text: str, readings: tuple[dt.date, dt.date]) -> None:
        self.words = tuple(i18n.format_date(d, "en-GB") for d in readings)
        super().__init__(f"{text!r} could be {self.words[0]} or {self.words[1]}.")


def read_date(text: str, order: DayMonthOrder | None) -> dt.date:
    """A date with no one to ask: ``order`` settles 04/03/1972, or it is refused.

    Dots put the day first (14.03.1972); an ``order`` of month-first makes a
    dotted date in doubt ambiguous again rather than overruling either side.
    """
    parsed = parse_date(text, "en-GB")  # en-GB: `value` is the day-first reading
    if parsed.alternative is None:
        return parsed.value
    if is_dotted(text) and order != "month-first":
        return parsed.value
    if order is None or is_dotted(text):
        raise AmbiguousDate(text, (parsed.value, parsed.alternative))
    return parsed.value if order == "day-first" else parsed.alternative
