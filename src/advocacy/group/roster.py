"""A support group's member list: CSV, XLSX, or a YAML/JSON list of patient records.

Each row becomes the raw mapping a patient file would hold (nested by the
dotted headers), to be validated by ``model.validate_patient`` exactly as
``check`` validates a file. Headers are the patient file's field paths
(``patient.date_of_birth``) or friendly labels (``Date of birth``), matched
ignoring case, spaces and punctuation. Rows are read lazily so a long roster
never sits in memory; the header is checked when the roster is opened, so an
unknown column stops the run before anything renders.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from advocacy import dates, loading, output
from advocacy.branding import with_logo_from
from advocacy.errors import AdvocacyError, Problem, RosterError
from advocacy.model import PatientFile
from advocacy.textcheck import printable, shown
from advocacy.validation import is_number

LIST_SEPARATOR = ";"
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
# LibreOffice's own format and Excel's old one, read by calamine.
CALAMINE_SUFFIXES = {".ods", ".xls"}
LIST_SUFFIXES = {".yaml", ".yml", ".json"}
SUFFIXES = CSV_SUFFIXES | XLSX_SUFFIXES | CALAMINE_SUFFIXES | LIST_SUFFIXES
# A few thousand members as CSV is a few megabytes; a workbook is zipped.
MAX_ROSTER_BYTES = 64 * 1024 * 1024
# Members in one run; more is a mistake (or a bomb), and a run that long
# is better split.
MAX_ROWS = 50_000
# A cell longer than this is not a patient's field (the longest, the
# statement, is limited to 20,000 characters).
MAX_CELL = 100_000
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024

# Labels people write in a spreadsheet, beyond the field paths themselves and
# the field names that occur only once (``Diagnosis``, ``Clinic``). The first
# is the label shown in help; every one must be unambiguous (tests check).
FRIENDLY_LABELS: dict[str, tuple[str, ...]] = {
    "patient.name": ("Name", "Full name", "Member name"),
    "patient.date_of_birth": ("Date of birth", "DOB", "Birth date"),
    "patient.hospital_number": ("Hospital number", "NHS number", "MRN"),
    "patient.phone": ("Phone", "Phone number", "Telephone"),
    "patient.address": ("Address", "Home address"),
    "patient.email": ("Email",),
    "patient.weight_kg": ("Weight kg", "Weight"),
    "writer.name": ("Writer", "Writer name", "Written by"),
    "writer.relationship": ("Writer relationship", "Writer is"),
    "mobility.summary": ("Mobility",),
    "mobility.walking": ("Walking",),
    "mobility.aids": ("Walking aids",),
    "medication.oral_baclofen_mg_per_day": ("Oral baclofen mg per day", "Oral baclofen mg/day"),
    "medication.side_effects": ("Side effects",),
    "medication.other": ("Other medicines", "Medicines"),
    "appointment.date": ("Appointment date",),
    "appointment.time": ("Appointment time",),
    "appointment.address": ("Clinic address",),
    "trial.first_dose_mcg": ("First dose mcg", "First dose"),
    "trial.reduced_dose_mcg": ("Reduced dose mcg", "Reduced dose"),
    "emergency_contact.name": ("Emergency contact", "Emergency contact name"),
    "emergency_contact.phone": ("Emergency contact phone", "Emergency phone"),
    "prepared_with.name": ("Prepared with", "Helper"),
    "prepared_with.organisation": ("Prepared with organisation", "Support group"),
    "organisation.name": ("Organisation name", "Group name"),
    "organisation.logo": ("Organisation logo", "Logo"),
    "organisation.website": ("Organisation website", "Website"),
    "organisation.phone": ("Organisation phone", "Group phone"),
    "organisation.message": ("Organisation message", "Group message"),
    "document.date": ("Date prepared", "Document date"),
}


# Field names too vague to stand alone as a column header ("Other", "Time").
_TOO_VAGUE = {"other", "summary", "time", "date", "message", "logo"}


@dataclass(frozen=True)
class Column:
    """One patient-file field a roster column can fill."""

    path: str
    label: str
    is_list: bool
    description: str
    is_date: bool = False
    is_number: bool = False
    is_bool: bool = False


@dataclass(frozen=True)
class Row:
    """One member: the raw nested mapping and where it came from."""

    number: int
    label: str  # "row 5" as the spreadsheet shows it, or "item 3" in a YAML/JSON list
    data: dict[str, Any]
    problems: tuple[Problem, ...] = ()
    # Better words than validation's for a field's problem ("could be 4 March or
    # 3 April"), used in place of its generic one for the same field.
    field_problems: Mapping[str, Problem] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()
    # In a YAML list: the line of each of the item's fields, for its messages.
    lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DateEvidence:
    """A short date that can only be read one way (``14/03/1972``: day first)."""

    order: dates.DayMonthOrder
    row: int
    letter: str
    text: str

    @property
    def first(self) -> str:
        """What comes first in this date: "day" or "month"."""
        return "day" if self.order == "day-first" else "month"

    def __str__(self) -> str:
        return f"row {self.row}: {self.text!r}"


@dataclass(frozen=True)
class Header:
    """A column in the roster as written: its position, its text and its field."""

    index: int
    text: str
    letter: str
    column: Column | None
    ignored: bool = False  # an unknown column, warned about once and left out


def normalise(label: str) -> str:
    """``"Date of birth"``, ``"date_of_birth"`` and ``"DATE OF BIRTH"`` are the same header."""
    key = re.sub(r"[\W_]+", "", label.casefold())
    return key.replace("organization", "organisation")


def _section_model(annotation: Any) -> type[BaseModel] | None:
    """The section model behind ``Trial`` or ``EmergencyContact | None``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in {typing.Union, types.UnionType}:
        for arg in typing.get_args(annotation):
            found = _section_model(arg)
            if found is not None:
                return found
    return None


def _is_date(annotation: Any) -> bool:
    if annotation is dt.date:
        return True
    if typing.get_origin(annotation) is typing.Annotated:
        return _is_date(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in {typing.Union, types.UnionType}:
        return any(_is_date(arg) for arg in typing.get_args(annotation))
    return False


def _is_bool(annotation: Any) -> bool:
    if annotation is bool:
        return True
    if typing.get_origin(annotation) in {typing.Union, types.UnionType}:
        return any(_is_bool(arg) for arg in typing.get_args(annotation))
    return False


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) is tuple:
        return True
    if typing.get_origin(annotation) in {typing.Union, types.UnionType}:
        return any(_is_list(arg) for arg in typing.get_args(annotation))
    return False


def _leaves(model: type[BaseModel], prefix: str = "") -> Iterator[Column]:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        nested = _section_model(info.annotation)
        if nested is not None:
            yield from _leaves(nested, f"{path}.")
            continue
        labels = FRIENDLY_LABELS.get(path)
        label = labels[0] if labels else name.replace("_", " ").capitalize()
        description = (info.description or "").rstrip(".")
        annotation = info.annotation
        yield Column(
            path,
            label,
            _is_list(annotation),
            description,
            _is_date(annotation),
            is_number(annotation),
            _is_bool(annotation),
        )


@cache
def columns() -> tuple[Column, ...]:
    """Every field a roster can fill, in the patient file's order."""
    return tuple(_leaves(PatientFile))


@cache
def _lookup() -> dict[str, Column]:
    table: dict[str, Column] = {}
    all_columns = columns()
    sections = {normalise(name) for name in PatientFile.model_fields}
    leaf_names: dict[str, list[Column]] = {}
    for column in all_columns:
        leaf_names.setdefault(normalise(column.path.rsplit(".", 1)[-1]), []).append(column)
    for column in all_columns:
        for label in (column.path, *FRIENDLY_LABELS.get(column.path, ())):
            key = normalise(label)
            if table.setdefault(key, column) is not column:
                msg = f"roster label {label!r} would mean two fields"  # a bug in the table above
                raise RuntimeError(msg)
    for key, found in leaf_names.items():
        # A field name alone ("Clinic") is a label only where it cannot mean two fields.
        if len(found) == 1 and key not in sections | _TOO_VAGUE:
            table.setdefault(key, found[0])
    return table


def find_column(header: str) -> Column | None:
    return _lookup().get(normalise(header))


def _suggest(header: str) -> str:
    known = [c.path for c in columns()] + [
        label for labels in FRIENDLY_LABELS.values() for label in labels
    ]
    by_key = {normalise(k): k for k in known}
    close = difflib.get_close_matches(normalise(header), list(by_key), n=1, cutoff=0.75)
    return f" Did you mean '{by_key[close[0]]}'?" if close else ""


def column_letter(index: int) -> str:
    """0 -> A, 26 -> AA: the letters a spreadsheet shows above its columns."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# --------------------------------------------------------------------------- values

_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")

# Yes and no as spreadsheets in Europe export them (TRUE is WAHR in a German
# Excel, VRAI in a French one) and as people type them.
_YES = {"true", "yes", "y", "wahr", "ja", "vrai", "oui", "sí", "si", "verdadero", "vero"}
_YES |= {"sim", "verdadeiro", "waar", "tak", "prawda", "sann", "sandt", "kyllä", "igen"}
_NO = {"false", "no", "n", "falsch", "nein", "faux", "non", "falso", "não", "nao", "onwaar"}
_NO |= {"nee", "nie", "fałsz", "nej", "falsk", "usann", "ei", "nem"}


def yes_no_word(text: str) -> str:
    """``WAHR`` -> ``true``, ``non`` -> ``false``; anything else as written, for the
    schema to refuse with its own words."""
    word = text.strip().casefold()
    if word in _YES:
        return "true"
    if word in _NO:
        return "false"
    return text


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person typed: ``50.0`` -> ``50``, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # A line break typed in a cell is one newline, whichever system saved the file.
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    *sections, name = path.split(".")
    for section in sections:
        data = data.setdefault(section, {})
    data[name] = value


def deep_merge(under: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` wins field by field; sections present in both are merged, not replaced."""
    merged: dict[str, Any] = dict(under)
    for key, value in over.items():
        below = merged.get(key)
        if isinstance(below, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(below, value)
        else:
            merged[key] = value
    return merged


# --------------------------------------------------------------------------- rosters


@dataclass
class Roster:
    """An opened roster: its header is checked; ``rows()`` reads the members lazily."""

    path: Path
    kind: str  # "csv", "xlsx", "calamine" (.ods, .xls) or "list"
    headers: tuple[Header, ...] = ()
    delimiter: str = ","
    records: list[Any] | None = field(default=None, repr=False)
    # A YAML list's field lines ("[2].patient.name": 9), for messages.
    record_lines: dict[str, int] = field(default_factory=dict, repr=False)
    # How to read 04/03/1972 (--date-order); None: such a date fails its row.
    date_order: dates.DayMonthOrder | None = None
    # Per column letter, the first date that can only be read day first, and
    # month first: a hint for a date in doubt, and a check on a given order.
    date_evidence: dict[str, dict[str, DateEvidence]] = field(default_factory=dict)
    # About the roster as a whole (columns left out), said once before the rows.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def source(self) -> str:
        return str(self.path)

    def rows(self) -> Iterator[Row]:
        """Every member row, skipping rows with no values at all."""
        if self.kind == "list":
            yield from self._list_rows()
            return
        for number, cells in self._tabular_cells():
            row = self._row(number, cells)
            if row is not None:
                yield row

    def count(self) -> int:
        """How many member rows there are (one quick pass; for the progress bar)."""
        if self.kind == "list":
            return len(self.records or [])
        return sum(
            1 for _, cells in self._tabular_cells() if any(_cell_text(c).strip() for c in cells)
        )

    def column_for(self, path: str) -> Header | None:
        """The roster column a problem's field path came from, if any (``goals[2]`` -> goals)."""
        base = re.sub(r"\[\d+\]", "", path)
        for header in self.headers:
            if header.column is not None and header.column.path == base:
                return header
        return None

    def _tabular_cells(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """The cells of every row below the header."""
        if self.kind == "csv":
            records = _csv_records(self.path, self.delimiter)
        elif self.kind == "calamine":
            records = _calamine_records(self.path)
        else:
            records = _xlsx_records(self.path)
        next(records, None)
        yield from records

    def _row(self, number: int, cells: tuple[Any, ...]) -> Row | None:
        if cells and isinstance(cells[0], CellTooLong):
            too_long = Problem(
                "",
                f"has a cell longer than {MAX_CELL:,} characters, more than any field holds.",
                "Check the row in the spreadsheet (a pasted document?).",
            )
            return Row(number, f"row {number}", {}, (too_long,))
        texts = [_cell_text(c).strip() for c in cells]
        if not any(texts):
            return None
        data: dict[str, Any] = {}
        problems: list[Problem] = []
        warnings: list[Problem] = []
        field_problems: dict[str, Problem] = {}
        for index, text in enumerate(texts):
            if not text:
                continue
            header = self.headers[index] if index < len(self.headers) else None
            if header is not None and header.ignored:
                continue
            if header is None or header.column is None:
                problems.append(
                    Problem(
                        "",
                        f"column {column_letter(index)} has a value but no header.",
                        "Give the column a header, or delete the value.",
                    )
                )
                continue
            value: Any = text
            column = header.column
            if column.path.endswith("phone") and isinstance(cells[index], int | float):
                warnings.append(
                    Problem(
                        column.path,
                        f"came through as a number ({text}), so a leading 0 or + may be lost.",
                        "Format the column as Text in the spreadsheet and type the number again.",
                    )
                )
            if column.is_number and _DECIMAL_COMMA.match(value):
                value = value.replace(",", ".")  # 37,5 as most of Europe writes 37.5
            elif column.is_bool:
                value = yes_no_word(value)
            if header.column.is_list:
                value = [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]
            elif header.column.is_date:
                value, problem = self._date(header, text)
                if problem is not None:
                    field_problems[header.column.path] = problem
            _set_path(data, header.column.path, value)
        return Row(
            number,
            f"row {number}",
            with_logo_from(data, self.path.parent),
            tuple(problems),
            field_problems,
            tuple(warnings),
        )

    def _date(self, header: Header, text: str) -> tuple[str, Problem | None]:
        """A date cell as ISO text, or the cell as written and what is wrong with it."""
        path = header.column.path if header.column else ""
        try:
            return dates.read_date(text, self.date_order).isoformat(), None
        except dates.AmbiguousDate as exc:
            message = f"{exc.message} The day and the month could be either way round."
            shown = self.date_evidence.get(header.letter, {})
            if len(shown) == 1:
                (evidence,) = shown.values()
                message += (
                    f" Other dates in column {header.letter} put the {evidence.first} first"
                    f" ({evidence})."
                )
            fix = (
                "Say which with --date-order day-first or --date-order month-first, or write"
                f" the month in words ({exc.words[0]} or {exc.words[1]})."
            )
            return text, Problem(path, message, fix)
        except dates.DateNotUnderstood as exc:
            return text, Problem(path, exc.message, exc.fix)

    def _list_rows(self) -> Iterator[Row]:
        for number, record in enumerate(self.records or [], start=1):
            label = f"item {number}"
            if not isinstance(record, Mapping):
                problem = Problem(
                    "",
                    "is not a patient record (a set of fields).",
                    "Each item in the list is one patient file's fields.",
                )
                yield Row(number, label, {}, (problem,))
                continue
            prefix = f"[{number}]."
            lines = {
                path.removeprefix(prefix): line
                for path, line in self.record_lines.items()
                if path.startswith(prefix)
            }
            yield Row(number, label, with_logo_from(dict(record), self.path.parent), lines=lines)


def open_roster(
    path: Path,
    date_order: dates.DayMonthOrder | None = None,
    *,
    strict_columns: bool = False,
) -> Roster:
    """Open ``path`` and check its format, its header and its dates; raises RosterError
    before any row is rendered.

    ``date_order`` says how to read dates such as 04/03/1972; without it such
    a date fails its row rather than being guessed. A given order that a date
    in the roster contradicts (25/12/1980 with month-first) stops the run.
    """
    suffix = path.suffix.lower()
    try:
        loading.check_file(path, limit=MAX_ROSTER_BYTES)
    except AdvocacyError as exc:
        raise RosterError(str(exc)) from None
    if suffix in LIST_SUFFIXES:
        return _open_list(path)
    if suffix in XLSX_SUFFIXES:
        header_cells = next((cells for _, cells in _xlsx_records(path)), ())
        roster = _tabular(path, "xlsx", header_cells, strict_columns=strict_columns)
        return _with_date_order(roster, date_order)
    if suffix in CSV_SUFFIXES:
        _check_utf8(path)
        delimiter = _sniff_delimiter(path)
        header_cells = next((cells for _, cells in _csv_records(path, delimiter)), ())
        roster = _tabular(path, "csv", header_cells, delimiter, strict_columns=strict_columns)
        return _with_date_order(roster, date_order)
    if suffix in CALAMINE_SUFFIXES:
        header_cells = next((cells for _, cells in _calamine_records(path)), ())
        roster = _tabular(path, "calamine", header_cells, strict_columns=strict_columns)
        return _with_date_order(roster, date_order)
    if suffix == ".numbers":
        msg = f"{path}: .numbers files cannot be read; export the sheet as .xlsx or as CSV (UTF-8)."
        raise RosterError(msg)
    msg = (
        f"{path}: unknown roster type {suffix or '(none)'!r};"
        " use .csv, .xlsx, .ods, .xls, or a .yaml/.json list of patient records."
    )
    raise RosterError(msg)


def _tabular(
    path: Path,
    kind: str,
    header_cells: tuple[Any, ...],
    delimiter: str = ",",
    *,
    strict_columns: bool = False,
) -> Roster:
    headers: list[Header] = []
    unknown: list[str] = []
    ignored: list[str] = []
    seen: dict[str, Header] = {}
    duplicate: list[str] = []
    for index, cell in enumerate(header_cells):
        text = _cell_text(cell).strip()
        letter = column_letter(index)
        if not text:
            headers.append(Header(index, text, letter, None))
            continue
        column = find_column(text)
        suggestion = _suggest(text) if column is None else ""
        if column is None and not suggestion and not strict_columns:
            # A real export has its own columns (Member ID, Notes): not ours, left out.
            ignored.append(f"{letter} ({printable(text[:40])})")
            headers.append(Header(index, text, letter, None, ignored=True))
            continue
        if column is None:
            unknown.append(f"  - column {letter}, {shown(text, 60)}: unknown column.{suggestion}")
        elif column.path in seen:
            first = seen[column.path]
            duplicate.append(
                f"  - column {letter}, {text!r}: {column.path} is already column"
                f" {first.letter} ({first.text!r}); keep one of them."
            )
        else:
            seen[column.path] = Header(index, text, letter, column)
        headers.append(Header(index, text, letter, column))
    if not seen:
        msg = (
            f"{path}: the first row has no column headers we know. Headers are the patient"
            " file's field paths (patient.name, patient.date_of_birth, …) or their labels"
            " (Name, Date of birth, …); `advocacy batch --roster-template FILE` writes them all."
        )
        raise RosterError(msg)
    problems = unknown + duplicate
    if problems:
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{path}: {count} {noun} in the header row; nothing was rendered:", *problems]
        lines.append(
            "  Headers are the patient file's field paths (patient.name, …) or their labels"
            " (Name, Date of birth, …); `advocacy batch --roster-template FILE` writes them all."
        )
        raise RosterError("\n".join(lines))
    roster = Roster(path, kind, tuple(headers), delimiter)
    if ignored:
        roster.warnings.append(
            Problem(
                "",
                f"{len(ignored)} column{'s' if len(ignored) > 1 else ''} left out, not being"
                f" patient-file fields: {', '.join(ignored)}.",
                "Use --strict-columns to stop at any column not known.",
            )
        )
    return roster


def _with_date_order(roster: Roster, given: dates.DayMonthOrder | None) -> Roster:
    """Look through the date columns once: which dates can only be read one way.

    A given order must agree with every such date: a roster that has both
    25/12/1980 and month-first was typed two ways, and its 04/03/1972 could be
    either.
    """
    roster.date_order = given
    columns = [h for h in roster.headers if h.column is not None and h.column.is_date]
    contradictions: list[DateEvidence] = []
    if columns:
        for number, cells in roster._tabular_cells():
            for header in columns:
                cell = cells[header.index] if header.index < len(cells) else None
                if not isinstance(cell, str):  # empty, or a real date in a workbook
                    continue
                order = dates.order_shown(cell)
                if order is None:
                    continue
                evidence = DateEvidence(order, number, header.letter, cell.strip())
                roster.date_evidence.setdefault(header.letter, {}).setdefault(order, evidence)
                if given is not None and order != given:
                    contradictions.append(evidence)
    if contradictions:
        first = contradictions[0].first
        shown = "; ".join(f"column {e.letter} {e}" for e in contradictions[:3])
        more = f" and {len(contradictions) - 3} more" if len(contradictions) > 3 else ""
        msg = (
            f"{roster.path}: --date-order {given} was given, but some dates can only be read"
            f" with the {first} first ({shown}{more}), so the dates were typed more than one"
            " way and one order cannot read them all; nothing was rendered. Write those dates"
            " as the others are written, or as 1972-03-14, then run again."
        )
        raise RosterError(msg)
    return roster


def _check_utf8(path: Path) -> None:
    # Decode the whole file up front, in chunks: a stray Windows-1252 byte on
    # row 900 should stop the run before row 1 renders, not halfway through.
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 16):
            if b"\x00" in chunk:
                # UTF-16 (Excel's "Unicode text"), or not a text file at all.
                line += chunk[: chunk.index(b"\x00")].count(b"\n")
                msg = (
                    f"{path}: line {line} has a NUL byte, so it is not UTF-8 text (a sheet saved"
                    " as 'Unicode text' is UTF-16). Save it as 'CSV UTF-8 (Comma delimited)'."
                )
                raise RosterError(msg)
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line += chunk[: exc.start].count(b"\n")
                msg = (
                    f"{path}: line {line} is not UTF-8 text. In Excel choose"
                    " 'CSV UTF-8 (Comma delimited)'; in LibreOffice tick 'Edit filter settings'"
                    " and pick Unicode (UTF-8)."
                )
                raise RosterError(msg) from None
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            msg = f"{path}: the file ends in the middle of a character."
            raise RosterError(msg) from None


_SEP_HINT = re.compile(r"^\ufeff?sep=(.)\s*$")


def _sniff_delimiter(path: Path) -> str:
    """Comma, semicolon (Excel in most of Europe) or tab: whichever splits the header most."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    hint = _SEP_HINT.match(first)
    if hint:
        return hint.group(1)
    counts = {d: len(next(csv.reader([first], delimiter=d), [])) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


class CellTooLong:
    """Stands for a row with a cell past MAX_CELL: the row fails, the others go on."""

    def __str__(self) -> str:
        return "(too long)"


def _csv_records(path: Path, delimiter: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """``(row number as a spreadsheet shows it, cells)``; a quoted newline stays in its row."""
    csv.field_size_limit(MAX_CELL)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        number = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error:
                # The reader carries on at the next line; only this row is lost.
                record = [CellTooLong()]  # type: ignore[list-item]
            if number == 0 and _SEP_HINT.match(delimiter.join(map(str, record))):
                continue  # Excel's "sep=;" line is not a row it shows
            number += 1
            _check_row_count(path, number)
            yield number, tuple(record)


def _check_row_count(path: Path, number: int) -> None:
    if number > MAX_ROWS + 1:
        msg = (
            f"{path}: has more than {MAX_ROWS:,} rows, more than one run should take;"
            " split it into smaller rosters."
        )
        raise RosterError(msg)


def _xlsx_records(path: Path) -> Iterator[tuple[int, tuple[Any, ...]]]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_unzipped_size(path)
    try:
        # read_only streams rows from the zip; data_only gives formulas' last results.
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        msg = f"{path}: not an Excel workbook ({type(exc).__name__}); save it as .xlsx or as CSV."
        raise RosterError(msg) from None
    try:
        sheet = workbook.worksheets[0]
        # The size a workbook declares is not trusted: a 2 KB file can claim
        # a million rows by 16,384 columns. Only the cells it holds are read.
        sheet.reset_dimensions()
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            _check_row_count(path, number)
            if any(isinstance(c, str) and len(c) > MAX_CELL for c in cells):
                cells = (CellTooLong(),)
            yield number, tuple(cells)
    finally:
        workbook.close()


def _calamine_records(path: Path) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Rows of an .ods or .xls sheet, as ``_xlsx_records`` gives them."""
    import zipfile

    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a dependency; only a broken install lacks it
        msg = f"{path}: reading {path.suffix} needs python-calamine; save the sheet as .xlsx."
        raise RosterError(msg) from None
    if zipfile.is_zipfile(path):  # .ods is a zip; .xls is not
        _check_unzipped_size(path)
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine's errors have no common base worth naming
        msg = (
            f"{path}: not a spreadsheet that can be read ({type(exc).__name__});"
            " save it again, or as .xlsx or CSV."
        )
        raise RosterError(msg) from None
    for number, cells in enumerate(rows, start=1):
        _check_row_count(path, number)
        if any(isinstance(c, str) and len(c) > MAX_CELL for c in cells):
            yield number, (CellTooLong(),)
        else:
            yield number, tuple(cells)


def _check_unzipped_size(path: Path) -> None:
    """A workbook is a zip: refuse one that would unpack to far more than a roster holds."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # load_workbook says it is not a workbook, in its own words
    if unpacked > MAX_UNZIPPED_BYTES:
        msg = (
            f"{path}: unpacks to {unpacked / 1024 / 1024:,.0f} MB, far more than a member list"
            " holds; open it in a spreadsheet program and save it again, or save it as CSV."
        )
        raise RosterError(msg)


def _open_list(path: Path) -> Roster:
    try:
        records, lines = loading.load_data_with_lines(path, limit=loading.MAX_LIST_BYTES)
    except AdvocacyError as exc:
        raise RosterError(str(exc)) from None
    if isinstance(records, Mapping) and len(records) == 1:
        # Accept {"patients": [...]} as well as a bare list.
        key, only = next(iter(records.items()))
        if isinstance(only, list):
            records = only
            lines = {p.removeprefix(str(key)): n for p, n in lines.items()}
    if not isinstance(records, list):
        msg = f"{path}: expected a list of patient records (one '- patient: …' item per member)."
        raise RosterError(msg)
    return Roster(path, "list", records=records, record_lines=lines)


# --------------------------------------------------------------------------- template


def header_row() -> list[str]:
    return [column.path for column in columns()]


def template_bytes(path: Path) -> bytes:
    """An empty roster with every header, as CSV (with a BOM, for Excel) or XLSX."""
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _xlsx_template()
    if suffix in CSV_SUFFIXES:
        import io

        text = io.StringIO()
        csv.writer(text, delimiter="\t" if suffix == ".tsv" else ",").writerow(header_row())
        return codecs.BOM_UTF8 + text.getvalue().encode("utf-8")
    msg = f"{path}: write the roster template as .csv or .xlsx."
    raise RosterError(msg)


def write_template(path: Path, *, force: bool = False) -> None:
    output.write_atomic(path, template_bytes(path), force=force)


def _xlsx_template() -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Members"
    sheet.append(header_row())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns()):
        sheet.column_dimensions[column_letter(index)].width = max(14, len(column.path) + 2)
        # Dates and numbers typed into text cells keep exactly what was typed.
        sheet.column_dimensions[column_letter(index)].number_format = "@"
    help_sheet = workbook.create_sheet("Help")
    help_sheet.append(["Column", "Also accepted as", "What to write"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in columns():
        also = ", ".join(FRIENDLY_LABELS.get(column.path, (column.label,)))
        note = column.description
        if column.is_list:
            note = f"{note}; separate items with {LIST_SEPARATOR}".lstrip("; ")
        help_sheet.append([column.path, also, note])
    help_sheet.column_dimensions["A"].width = 38
    help_sheet.column_dimensions["B"].width = 40
    help_sheet.column_dimensions["C"].width = 70
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()
