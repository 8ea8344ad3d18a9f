"""The hostile and faulty inputs, one row per finding: what a person gives, what the
tool must answer (exit code and words), never a traceback, a hang or a lost file."""

from __future__ import annotations

import codecs
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

Files = dict[str, "bytes | str"]


def patient(name: str = "Sam Minimal", extra: str = "", dob: str = "1970-01-02") -> str:
    return f"patient:\n  name: {name}\n  date_of_birth: {dob}\n  diagnosis: HSP\n{extra}"


GOOD = patient()
GOOD_ROW = "Sam Good,1970-01-02,HSP"


def alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels):
        refs = ",".join([f"*a{n - 1}"] * 10)
        lines.append(f"a{n}: &a{n} [{refs}]")
    return "\n".join(lines) + "\n"


def field_bomb() -> str:
    return alias_bomb() + patient(extra=f"statement: *a{8}\n")


def roster_bomb() -> str:
    # A good member, then an item that is nine levels of ten aliases each.
    levels = ['&a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"&a{n} [" + ",".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 9)]
    return "- " + patient().replace("\n", "\n  ").rstrip() + "\n- [" + ", ".join(levels) + "]\n"


def xlsx(rows: list[list[object]], dimension: str | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if dimension is None:
        return data
    # Rewrite the sheet's declared size, as a hostile or broken exporter would.
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                start = text.index('<dimension ref="') + len('<dimension ref="')
                end = text.index('"', start)
                content = (text[:start] + dimension + text[end:]).encode()
            target.writestr(item, content)
    return out.getvalue()


def xlsx_zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("xl/worksheets/sheet1.xml", b" " * (300 * 1024 * 1024))
    return out.getvalue()


def png(width: int, height: int) -> bytes:
    import struct
    import zlib

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def svg(body: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' width="10" height="10">{body}</svg>'
    )


def use_bomb() -> str:
    parts = ['<g id="g0"><rect width="1" height="1"/></g>']
    for n in range(1, 10):
        uses = "".join(f'<use href="#g{n - 1}"/>' for _ in range(10))
        parts.append(f'<g id="g{n}">{uses}</g>')
    return svg("<defs>" + "".join(parts) + '</defs><use href="#g9"/>')


def org_with_logo(name: str) -> str:
    return f"name: Test Group\nlogo: {name}\n"


def big_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200 * 72, 200 * 72))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


@dataclass
class Case:
    id: str
    args: list[str]
    code: int
    words: str  # must appear in stderr (or stdout for `check`'s OK)
    files: Files = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None
    stdin: bytes | None = None
    creates: tuple[str, ...] = ()  # the only new files allowed
    root: bool = False  # needs mount (skipped when not permitted)
    tty: bool = False  # standard output is a terminal
    closed_stdout: bool = False  # started with no file descriptor 1 (a shell's >&-)
    broken_pipe: bool = False  # standard output is a pipe nobody reads
    stdout_file: str = ""  # standard output sent here (a shell's > /dev/full)
    then: Callable[[Path], None] | None = None  # more checks on the folder afterwards


def _no_formulas(report: Path) -> None:
    import csv

    with report.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells), cells
    assert not [c for c in cells if c[:1] in {"=", "+", "-", "@", "\t", "\r"}], cells


def _manifest_says(path: Path, line: str) -> None:
    assert line in path.read_text(encoding="utf-8-sig").splitlines(), path.read_text()


def _example_file() -> str:
    from advocacy import starter

    return starter.example_text()


def _starter() -> str:
    from advocacy import starter

    return starter.starter_text()


def _fifo(name: str) -> Callable[[Path], None]:
    return lambda d: os.mkfifo(d / name)


def _link(name: str, target: str) -> Callable[[Path], None]:
    return lambda d: os.symlink(target, d / name)


def _folder(name: str) -> Callable[[Path], None]:
    return lambda d: (d / name).mkdir()


CSV_HEAD = "Name,Date of birth,Diagnosis,First dose mcg\n"

CASES = [
    # ---------------------------------------------------------------- resource bombs
    Case("yaml-alias-bomb-in-field", ["check", "p.yaml"], 2, "aliases", {"p.yaml": field_bomb()}),
    Case("yaml-alias-bomb-roster", ["batch", "r.yaml"], 2, "aliases", {"r.yaml": roster_bomb()}),
    Case(
        "yaml-alias-recursive",
        ["check", "p.yaml"],
        2,
        "refers to the section that contains it",
        {"p.yaml": "a: &a [*a]\n" + GOOD},
    ),
    Case("yaml-deep-nesting", ["check", "p.yaml"], 2, "nested", {"p.yaml": "[" * 5000}),
    Case("json-deep-nesting", ["check", "p.json"], 2, "nested", {"p.json": "[" * 50000}),
    Case(
        "file-too-large",
        ["check", "p.yaml"],
        2,
        "larger than 1 MB",
        {"p.yaml": GOOD + "# " + "x" * (2 * 1024 * 1024) + "\n"},
    ),
    Case("fifo-patient", ["check", "p.yaml"], 2, "is a pipe (FIFO)", setup=_fifo("p.yaml")),
    Case(
        "link-to-dev-zero",
        ["check", "p.yaml"],
        2,
        "is a device",
        setup=_link("p.yaml", "/dev/zero"),
    ),
    Case(
        "fifo-group-file",
        ["blank", "--org", "g.yaml", "-o", "b.pdf"],
        2,
        "is a pipe (FIFO)",
        setup=_fifo("g.yaml"),
    ),
    Case("fifo-roster", ["batch", "r.csv"], 2, "is a pipe (FIFO)", setup=_fifo("r.csv")),
    Case(
        "fifo-defaults",
        ["batch", "r.csv", "--defaults", "d.yaml"],
        2,
        "is a pipe (FIFO)",
        {"r.csv": CSV_HEAD + GOOD_ROW + ",50\n"},
        setup=_fifo("d.yaml"),
    ),
    # ---------------------------------------------------------------- encodings
    Case(
        "utf16-with-bom-is-read",
        ["check", "p.yaml"],
        0,
        "OK",
        {"p.yaml": codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le")},
    ),
    Case(
        "utf16-without-bom",
        ["check", "p.yaml"],
        2,
        "UTF-16 without a byte-order mark",
        {"p.yaml": GOOD.encode("utf-16-le")},
    ),
    Case(
        "latin1",
        ["check", "p.yaml"],
        2,
        "line 2 is not UTF-8 text",
        {"p.yaml": patient("Zoë").encode("latin-1")},
    ),
    Case("nul-byte", ["check", "p.yaml"], 2, "NUL byte", {"p.yaml": GOOD.encode() + b"\0\n"}),
    Case(
        "utf8-bom-is-read",
        ["check", "p.yaml"],
        0,
        "OK",
        {"p.yaml": codecs.BOM_UTF8 + GOOD.encode()},
    ),
    # ---------------------------------------------------------------- numbers
    Case(
        "dose-dot-inf",
        ["check", "p.yaml"],
        2,
        "trial.first_dose_mcg (line 6): inf is not a number that can be printed",
        {"p.yaml": patient(extra="trial:\n  first_dose_mcg: .inf\n")},
    ),
    Case(
        "dose-1e400",
        ["check", "p.yaml"],
        2,
        "trial.first_dose_mcg (line 6): inf is not a number",
        {"p.yaml": patient(extra="trial:\n  first_dose_mcg: 1e400\n")},
    ),
    Case(
        "dose-json-infinity",
        ["check", "p.json"],
        2,
        "trial.first_dose_mcg: inf is not a number",
        {
            "p.json": '{"patient": {"name": "Sam", "date_of_birth": "1970-01-02",'
            ' "diagnosis": "HSP"}, "trial": {"first_dose_mcg": Infinity}}'
        },
    ),
    Case(
        "oral-dose-nan",
        ["check", "p.yaml"],
        2,
        "medication.oral_baclofen_mg_per_day (line 6): nan is not a number",
        {"p.yaml": patient(extra="medication:\n  oral_baclofen_mg_per_day: .nan\n")},
    ),
    Case(
        "toml-inf",
        ["check", "p.toml"],
        2,
        "trial.first_dose_mcg: inf",
        {
            "p.toml": '[patient]\nname = "Sam"\ndate_of_birth = "1970-01-02"\n'
            'diagnosis = "HSP"\n[trial]\nfirst_dose_mcg = inf\n'
        },
    ),
    Case(
        "roster-list-inf-keeps-good-rows",
        ["batch", "r.yaml", "--out-dir", "out"],
        1,
        "1 PDF written",
        {
            "r.yaml": "- "
            + patient().replace("\n", "\n  ").rstrip()
            + "\n- "
            + patient("Sam Two", "trial:\n  first_dose_mcg: .inf\n").replace("\n", "\n  ").rstrip()
            + "\n"
        },
        creates=("out/1-Sam-Minimal.pdf", "out/manifest.csv"),
    ),
    Case(
        "bengali-digits-dose",
        ["check", "p.yaml"],
        2,
        "uses digits other than 0-9",
        {"p.yaml": patient(extra="trial:\n  first_dose_mcg: ৪০\n")},
    ),
    # ---------------------------------------------------------------- rosters
    Case(
        "csv-cell-over-field-limit",
        ["batch", "r.csv", "--out-dir", "out"],
        1,
        "row 2: has a cell longer than 100,000 characters",
        {"r.csv": CSV_HEAD + "Sam Huge," + "x" * 200_000 + ",HSP,50\n" + GOOD_ROW + ",50\n"},
        creates=("out/3-Sam-Good.pdf", "out/manifest.csv"),
    ),
    Case(
        "xlsx-huge-dimension",
        ["batch", "r.xlsx", "--out-dir", "out"],
        0,
        "1 PDF written",
        {
            "r.xlsx": xlsx(
                [["Name", "Date of birth", "Diagnosis"], ["Sam Good", "1970-01-02", "HSP"]],
                dimension="A1:XFD1048576",
            )
        },
        creates=("out/2-Sam-Good.pdf", "out/manifest.csv"),
    ),
    Case("xlsx-zip-bomb", ["batch", "r.xlsx"], 2, "unpacks to 300 MB", {"r.xlsx": xlsx_zip_bomb()}),
    Case(
        "export-with-extra-columns",
        ["batch", "r.csv", "--out-dir", "out"],
        0,
        "2 columns left out, not being patient-file fields: A (Member ID), E (Notes)",
        {"r.csv": "Member ID,Name,Date of birth,Diagnosis,Notes\n7,Sam Good,1970-01-02,HSP,=1+1\n"},
        creates=("out/2-Sam-Good.pdf", "out/manifest.csv"),
        then=lambda d: _manifest_says(d / "out/manifest.csv", "2,Sam Good,2-Sam-Good.pdf,rendered"),
    ),
    Case(
        "export-misspelt-column",
        ["batch", "r.csv", "--out-dir", "out"],
        2,
        "'Date of brith': unknown column. Did you mean 'Date of birth'?",
        {"r.csv": "Name,Date of brith,Diagnosis\nSam Good,1970-01-02,HSP\n"},
    ),
    Case(
        "export-strict-columns",
        ["batch", "r.csv", "--out-dir", "out", "--strict-columns"],
        2,
        "'Member ID': unknown column",
        {"r.csv": "Member ID,Name,Date of birth,Diagnosis\n7,Sam Good,1970-01-02,HSP\n"},
    ),
    Case(
        "export-decimal-comma-and-wahr",
        ["batch", "r.csv", "--out-dir", "out", "--dry-run"],
        0,
        "1 row is ready to render (--dry-run: nothing written)",
        {
            "r.csv": "Name;Date of birth;Diagnosis;Oral baclofen mg per day;"
            "mobility.relies_on_leg_tone_to_stand\nSam Good;1970-01-02;HSP;37,5;WAHR\n"
        },
    ),
    Case(
        "export-phone-as-number",
        ["batch", "r.xlsx", "--out-dir", "out", "--dry-run"],
        0,
        "patient.phone: came through as a number (7700900123), so a leading 0 or + may be lost",
        {
            "r.xlsx": xlsx(
                [
                    ["Name", "Date of birth", "Diagnosis", "Phone"],
                    ["Sam", "1970-01-02", "HSP", 7700900123],
                ]
            )
        },
    ),
    Case(
        "rerun-counts-existing-as-skipped",
        ["batch", "r.csv", "--out-dir", "out"],
        0,
        "1 already there (skipped; --force replaces them)",
        {"r.csv": CSV_HEAD + GOOD_ROW + ",50\n", "out/2-Sam-Good.pdf": b"%PDF-1.7 mine"},
        creates=("out/manifest.csv",),
    ),
    # ---------------------------------------------------------------- field sizes
    Case(
        "name-100000-characters",
        ["check", "p.yaml"],
        2,
        "patient.name (line 2): is 100,000 characters long; the limit is 2,000",
        {"p.yaml": patient("x" * 100_000)},
    ),
    Case(
        "statement-too-long",
        ["check", "p.yaml"],
        2,
        "statement (line 5): is 29,999 characters long; the limit is 20,000",
        {"p.yaml": patient(extra="statement: " + "word " * 6000 + "\n")},
    ),
    Case(
        "long-name-without-spaces-renders",
        ["render", "p.yaml"],
        0,
        "Wrote p.pdf",
        {"p.yaml": patient("x" * 2000)},
        creates=("p.pdf",),
    ),
    # ---------------------------------------------------------------- dates and words
    Case(
        "impossible-date-feb-29",
        ["check", "p.yaml"],
        2,
        "patient.date_of_birth (line 3): '2023-02-29' is not a day on the calendar",
        {"p.yaml": patient(dob="2023-02-29")},
    ),
    Case(
        "impossible-date-zeros",
        ["check", "p.yaml"],
        2,
        "patient.date_of_birth (line 3): '0000-00-00' is not a day on the calendar",
        {"p.yaml": patient(dob="0000-00-00")},
    ),
    Case("date-in-words", ["check", "p.yaml"], 0, "OK", {"p.yaml": patient(dob="14 March 1972")}),
    Case(
        "yaml-tab",
        ["check", "p.yaml"],
        2,
        "line 3 has a tab",
        {"p.yaml": "patient:\n  name: Sam\n\tdiagnosis: HSP\n"},
    ),
    Case(
        "yaml-colon-in-value",
        ["check", "p.yaml"],
        2,
        "line 4: the value has a colon",
        {"p.yaml": "patient:\n  name: Sam\n  date_of_birth: 1970-01-02\n  diagnosis: HSP: SPG4\n"},
    ),
    Case(
        "yaml-bad-indentation",
        ["check", "p.yaml"],
        2,
        "line 3 is",
        {"p.yaml": "patient:\n  name: Sam\n diagnosis: HSP\n"},
    ),
    Case(
        "empty-required-field",
        ["check", "p.yaml"],
        2,
        "patient.name (line 2): is empty. Fill it in",
        {"p.yaml": "patient:\n  name:\n  date_of_birth: 1970-01-02\n  diagnosis: HSP\n"},
    ),
    # ---------------------------------------------------------------- example data
    Case(
        "init-file-as-written",
        ["check", "p.yaml"],
        2,
        "patient.name (line 13): still holds the example text '<your full name>'",
        {"p.yaml": _starter()},
    ),
    Case(
        "init-file-only-name-changed",
        ["render", "p.yaml"],
        2,
        "patient.email (line 20): still holds the example text",
        {"p.yaml": _starter().replace('"<your full name>"', "Jo Real")},
    ),
    Case(
        "empty-section-is-nothing",
        ["check", "p.yaml"],
        0,
        "OK",
        {"p.yaml": GOOD + "appointment:\n"},
    ),
    # ---------------------------------------------------------------- names that impersonate
    Case(
        "bidi-override-in-name",
        ["check", "p.yaml"],
        2,
        "patient.name (line 2): contains U+202E (RIGHT-TO-LEFT OVERRIDE)",
        {"p.yaml": patient('"Sam \\u202enosnhoJ"')},
    ),
    Case(
        "zero-width-in-name",
        ["check", "p.yaml"],
        2,
        "U+200B (ZERO WIDTH SPACE)",
        {"p.yaml": patient('"Sam\\u200b Minimal"')},
    ),
    Case(
        "name-only-invisible",
        ["check", "p.yaml"],
        2,
        "patient.name (line 2): contains U+200B",
        {"p.yaml": patient('"\\u200b\\u200b\\u200b"')},
    ),
    Case(
        "bell-and-escape-in-statement",
        ["check", "p.yaml"],
        2,
        "statement (line 5): contains U+0007 (BEL",
        {"p.yaml": patient(extra='statement: "Hello\\a\\e[2J"\n')},
    ),
    Case(
        "terminal-escape-in-unknown-key",
        ["check", "p.yaml"],
        2,
        "\\x1b[2J",
        {"p.yaml": patient(extra='"\\e[2Jtrial": 1\n')},
    ),
    Case(
        "bidi-in-roster-name",
        ["batch", "r.csv", "--out-dir", "out"],
        1,
        "row 2: patient.name (column A): contains U+202E",
        {"r.csv": CSV_HEAD + "Sam \u202enosnhoJ,1970-01-02,HSP,50\n"},
    ),
    Case(
        "formula-in-report",
        ["batch", "r.yaml", "--out-dir", "out", "--report", "bad.csv"],
        1,
        "1 row failed",
        {
            "r.yaml": "- patient: {name: Sam, date_of_birth: 1970-01-02, diagnosis: HSP}\n"
            "  '=HYPERLINK(\"http://x\")': 1\n  '@SUM(A1)': 2\n  '-2+3': 3\n"
        },
        creates=("bad.csv",),
        then=lambda d: _no_formulas(d / "bad.csv"),
    ),
    # ---------------------------------------------------------------- hostile logos
    Case(
        "svg-nested-use",
        ["blank", "--org", "g.yaml", "-o", "b.pdf"],
        2,
        "would draw more than 20,000 shapes",
        {"g.yaml": org_with_logo("l.svg"), "l.svg": use_bomb()},
    ),
    Case(
        "svg-use-cycle",
        ["blank", "--org", "g.yaml", "-o", "b.pdf"],
        2,
        "refers to itself",
        {"g.yaml": org_with_logo("l.svg"), "l.svg": svg('<g id="a"><use href="#a"/></g>')},
    ),
    Case(
        "svg-external-entity",
        ["blank", "--org", "g.yaml", "-o", "b.pdf"],
        2,
        "declares XML entities",
        {
            "g.yaml": org_with_logo("l.svg"),
            "l.svg": '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + svg("&x;"),
        },
    ),
    Case(
        "svg-file-reference",
        ["blank", "--org", "g.yaml", "-o", "b.pdf"],
        2,
        "refers to another file or address (file:///etc/passwd)",
        {
            "g.yaml": org_with_logo("l.svg"),
            "l.svg": svg('<image href="file:///etc/passwd" width="1" height="1"/>'),
        },
    ),
    Case(
        "svg-css-escape",
        ["blank", "--org", "g.yaml", "-o", "b.pdf"],
        2,
        "uses CSS escapes",
        {
            "g.yaml": org_with_logo("l.svg"),
            "l.svg": svg("<style>rect { fill: u\\72l(\\66ile:///etc/passwd) }</style>"),
        },
    ),
    Case(
        "png-decompression-bomb",
        ["blank", "--org", "g.yaml", "-o", "b.pdf"],
        2,
        "million); keep it under 16 million pixels",
        {"g.yaml": org_with_logo("l.png"), "l.png": png(6000, 6000)},
    ),
    Case(
        "logo-is-a-folder",
        ["blank", "--org", "g.yaml", "-o", "b.pdf"],
        2,
        "l.png is a folder, not an image file",
        {"g.yaml": org_with_logo("l.png")},
        setup=_folder("l.png"),
    ),
    Case(
        "logo-is-a-fifo",
        ["blank", "--org", "g.yaml", "-o", "b.pdf"],
        2,
        "l.png is a pipe (FIFO), not an image file",
        {"g.yaml": org_with_logo("l.png")},
        setup=_fifo("l.png"),
    ),
    # ---------------------------------------------------------------- outputs
    Case(
        "force-never-replaces-dev-full",
        ["render", "p.yaml", "-o", "/dev/full", "--force"],
        1,
        "/dev/full is a device, not a regular file, and is never replaced",
        {"p.yaml": GOOD},
    ),
    Case(
        "force-never-replaces-dev-null",
        ["render", "p.yaml", "-o", "/dev/null", "--force"],
        1,
        "/dev/null is a device",
        {"p.yaml": GOOD},
    ),
    Case(
        "force-never-replaces-link-to-device",
        ["render", "p.yaml", "-o", "out.pdf", "--force"],
        1,
        "out.pdf is a link",
        {"p.yaml": GOOD},
        setup=_link("out.pdf", "/dev/null"),
    ),
    Case(
        "force-never-replaces-fifo",
        ["blank", "-o", "out.pdf", "--force"],
        1,
        "out.pdf is a pipe (FIFO), not a regular file",
        setup=_fifo("out.pdf"),
    ),
    Case(
        "missing-output-folder",
        ["render", "p.yaml", "-o", "nowhere/p.pdf"],
        1,
        "nowhere is not a folder; create it first",
        {"p.yaml": GOOD},
    ),
    Case(
        "read-only-folder-render",
        ["render", "p.yaml", "-o", "ro/p.pdf"],
        1,
        "cannot write ro/p.pdf: read-only file system",
        {"p.yaml": GOOD},
        root=True,
    ),
    Case(
        "full-disk-render",
        ["render", "p.yaml", "-o", "tiny/p.pdf"],
        1,
        "cannot write tiny/p.pdf: no space left on device; the disk is full",
        {"p.yaml": GOOD + "statement: " + "many words " * 1500 + "\n"},
        root=True,
    ),
    Case(
        "read-only-folder-batch",
        ["batch", "r.csv", "--out-dir", "ro/out"],
        1,
        "cannot write ro/out: read-only file system",
        {"r.csv": CSV_HEAD + GOOD_ROW + ",50\n"},
        root=True,
    ),
    Case(
        "full-disk-blank",
        ["blank", "-o", "tiny/b.pdf"],
        1,
        "no space left on device",
        root=True,
    ),
    Case(
        "read-only-folder-preview",
        ["preview", "p.yaml", "-o", "ro/pictures"],
        1,
        "cannot write ro/pictures: read-only file system",
        {"p.yaml": GOOD},
        root=True,
    ),
    Case(
        "read-only-folder-interview",
        ["interview", "--from", "p.yaml", "-o", "ro/p.yaml"],
        1,
        "cannot write ro/p.yaml: read-only file",
        {"p.yaml": GOOD},
        stdin=b"\n" * 50,
        root=True,
    ),
    Case(
        "stdout-to-a-terminal",
        ["render", "p.yaml", "-o", "-"],
        1,
        "would print the PDF's bytes on the terminal",
        {"p.yaml": GOOD},
        tty=True,
    ),
    Case(
        "stdout-reader-gone",
        ["render", "p.yaml", "-o", "-"],
        1,
        "cannot write standard output: broken pipe",
        {"p.yaml": GOOD},
        broken_pipe=True,
    ),
    Case(
        "stdout-closed",
        ["render", "p.yaml", "-o", "-"],
        1,
        "standard output is closed",
        {"p.yaml": GOOD},
        closed_stdout=True,
    ),
    Case("check-reads-stdin", ["check", "-"], 0, "-: OK", stdin=GOOD.encode()),
    Case(
        "check-stdin-alias-bomb",
        ["check", "-"],
        2,
        "aliases",
        stdin=field_bomb().encode(),
    ),
    Case(
        "preview-200-inch-page",
        ["preview", "big.pdf"],
        1,
        "page 1 is 200 x 200 inches",
        {"big.pdf": big_pdf()},
    ),
]


def _group(language: str = "") -> str:
    from advocacy import starter

    text = starter.GROUP_TEMPLATE.format(name="g.yaml")
    if language:
        text = text.replace(f'"{starter.GROUP_PLACEHOLDER}"', "Leeds HSP Group")
        text = text.replace("# language: en-GB", f"language: {language}")
    return text


def _a4(path: Path) -> None:
    import pikepdf

    with pikepdf.open(path) as pdf:
        assert round(float(pdf.pages[0].mediabox[2])) == 595, pdf.pages[0].mediabox


CASES += [
    Case(
        "group-file-from-init-as-written",
        ["blank", "--org", "g.yaml", "-o", "b.pdf"],
        2,
        "organisation.name: still holds the example text",
        {"g.yaml": _group()},
    ),
    Case(
        "group-file-sets-language-and-paper",
        ["blank", "--org", "g.yaml", "-o", "b.pdf"],
        0,
        "Wrote b.pdf",
        {"g.yaml": _group("en-GB")},
        creates=("b.pdf",),
        then=lambda d: _a4(d / "b.pdf"),
    ),
    Case(
        "group-file-bad-language",
        ["blank", "--org", "g.yaml", "-o", "b.pdf"],
        2,
        "language: 'British' is not allowed. Use one of: 'en-US' or 'en-GB'",
        {"g.yaml": _group("British")},
    ),
]
CASES.append(
    Case(
        "group-file-language-in-batch",
        ["batch", "r.csv", "--out-dir", "out", "--org", "g.yaml"],
        0,
        "1 PDF written",
        {"r.csv": CSV_HEAD + GOOD_ROW + ",50\n", "g.yaml": _group("en-GB")},
        creates=("out/2-Sam-Good.pdf", "out/manifest.csv"),
        then=lambda d: _a4(d / "out/2-Sam-Good.pdf"),
    )
)

MARKUP = (
    "statement: \"<b>bold</b> {{ 7*7 }} {% include '/etc/passwd' %}"
    ' <link rel=stylesheet href=\\"file:///etc/passwd\\"> <img src=\\"http://example.com/x.png\\">"\n'
    'goals:\n  - "<script>alert(1)</script>"\n  - "{{ config }}"\n'
    "appointment:\n  clinic: \"<iframe src='file:///etc/shadow'>\"\n"
)

CASES += [
    Case(
        "markup-and-template-syntax-print-literally",
        ["render", "p.yaml", "--format", "html"],
        0,
        "Wrote p.html",
        {"p.yaml": patient("\"<img src='file:///etc/passwd'> {{ name }}\"", MARKUP)},
        creates=("p.html",),
        then=lambda d: _escaped(d / "p.html"),
    ),
    Case(
        "markup-rendered-to-pdf-reads-nothing",
        ["render", "p.yaml"],
        0,
        "Wrote p.pdf",
        {"p.yaml": patient("\"<img src='file:///etc/passwd'> {{ name }}\"", MARKUP)},
        creates=("p.pdf",),
    ),
    Case(
        "path-traversal-and-reserved-names-in-file-names",
        ["batch", "r.csv", "--out-dir", "out"],
        0,
        "3 PDFs written",
        {
            "r.csv": CSV_HEAD
            + "../../etc/passwd,1970-01-02,HSP,50\nCON,1970-01-02,HSP,50\n"
            + '"a/b\\\\c:d*e?f",1970-01-02,HSP,50\n'
        },
        creates=(
            "out/2-..-..-etc-passwd.pdf",  # no folder in a name: never outside out/
            "out/3-CON.pdf",  # only CON itself is reserved on Windows
            "out/4-a-b-c-d-e-f.pdf",
            "out/manifest.csv",
        ),
    ),
]


CASES.append(
    Case(
        "reserved-name-alone",
        ["batch", "r.csv", "--out-dir", "out", "--name-pattern", "{name}"],
        0,
        "1 PDF written",
        {"r.csv": CSV_HEAD + "CON,1970-01-02,HSP,50\n"},
        creates=("out/_CON.pdf", "out/manifest.csv"),
    )
)


def _escaped(html: Path) -> None:
    text = html.read_text(encoding="utf-8")
    assert "&lt;b&gt;bold&lt;/b&gt;" in text
    assert "{{ 7*7 }}" in text and "49" not in text.split("{{ 7*7 }}")[1][:5]
    assert "<script>" not in text and "<iframe" not in text


CASES.append(
    Case(
        # The longest text a file may hold, as one word: the layout's worst case.
        "statement-at-the-limit-one-word-renders",
        ["render", "p.yaml"],
        0,
        "Wrote p.pdf",
        {"p.yaml": patient(extra='statement: "' + "x" * 19_999 + '"\n')},
        creates=("p.pdf",),
    )
)


def ods(rows: list[list[object]]) -> bytes:
    """A minimal OpenDocument spreadsheet, as LibreOffice saves one."""
    from xml.sax.saxutils import escape

    def cell(value: object) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            '<table:table-cell office:value-type="string">'
            f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Members">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
        ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        target.writestr("META-INF/manifest.xml", manifest)
        target.writestr("content.xml", content)
    return out.getvalue()


CASES += [
    Case(
        "libreoffice-ods-roster",
        ["batch", "r.ods", "--out-dir", "out", "--dry-run"],
        0,
        "2 rows are ready to render",
        {
            "r.ods": ods(
                [
                    ["Member ID", "Name", "Date of birth", "Diagnosis", "Phone"],
                    [1, "Sam Good", "1970-01-02", "HSP", 7700900123],
                    [],
                    [2, "Al Two", "14 March 1972", "HSP", "+44 7700 900123"],
                ]
            )
        },
    ),
    Case(
        "damaged-ods-roster",
        ["batch", "r.ods"],
        2,
        "r.ods: not a spreadsheet that can be read",
        {"r.ods": b"PK\x03\x04 not really a zip"},
    ),
    Case(
        "ods-zip-bomb",
        ["batch", "r.ods"],
        2,
        "unpacks to 300 MB",
        {"r.ods": xlsx_zip_bomb()},
    ),
]

CASES += [
    Case(
        f"{' '.join(args)}-into-a-full-stdout".replace(" ", "-"),
        args,
        1,
        "cannot write standard output: no space left on device",
        {"p.yaml": GOOD},
        stdout_file="/dev/full",
    )
    for args in (["check", "p.yaml"], ["schema"], ["--help"], ["render", "p.yaml", "-o", "-"])
]
CASES.append(
    Case(
        # Copied from the examples rather than from init: said, field by field.
        "example-people-are-named",
        ["check", "p.yaml"],
        0,
        "appointment.clinician: 'Dr Sam Neurologist' is the example's value, not yours",
        {"p.yaml": _example_file()},
    )
)
CASES += [
    Case(
        "nul-in-logo-path",
        ["check", "p.yaml"],
        0,
        "OK",  # check does not look at the logo; render does
        {"p.yaml": patient(extra='organisation:\n  name: G\n  logo: "a\\0.png"\n')},
    ),
    Case(
        "nul-in-logo-path-render",
        ["render", "p.yaml"],
        2,
        "is not a file name (it has a NUL character)",
        {"p.yaml": patient(extra='organisation:\n  name: G\n  logo: "a\\0.png"\n')},
    ),
    Case(
        "csv-saved-as-utf16",
        ["batch", "r.csv"],
        2,
        "line 1 has a NUL byte, so it is not UTF-8 text",
        {"r.csv": (CSV_HEAD + GOOD_ROW + ",50\n").encode("utf-16-le")},
    ),
]
CASES += [
    Case(
        "csv-infinity-and-nan-cells-keep-good-rows",
        ["batch", "r.csv", "--dry-run"],
        1,
        "row 3: trial.first_dose_mcg (column D): inf is not a number that can be printed",
        {
            "r.csv": CSV_HEAD
            + GOOD_ROW
            + ",50\nSam Inf,1970-01-02,HSP,1e400\nSam Nan,1970-01-02,HSP,NaN\n"
        },
    ),
    Case(
        "lone-surrogate-escape",
        ["check", "p.yaml"],
        2,
        "patient.name (line 2): contains half of a character",
        {"p.yaml": patient('"\\ud800"')},
    ),
]
CASES.append(
    Case(
        "terminal-escape-typed-in-the-interview",
        ["interview", "-o", "me.yaml"],
        1,
        "U+001B (ESC, which starts terminal commands)",
        stdin=b"\n\n\n\x1b[2J\x1b]0;pwned\x07Evil\n",
    )
)
CASES.append(
    Case(
        "full-disk-batch-stops",
        ["batch", "r.csv", "--out-dir", "tiny/out", "-j", "1"],
        1,
        "Stopped: the disk is full or read-only",
        {"r.csv": CSV_HEAD + "".join(f"Member {n},1970-01-0{n},HSP,50\n" for n in range(1, 7))},
        root=True,
    )
)
CASES += [
    Case("fifo-to-preview", ["preview", "p.pdf"], 2, "is a pipe (FIFO)", setup=_fifo("p.pdf")),
    Case(
        "fifo-as-interview-start",
        ["interview", "--from", "p.yaml"],
        2,
        "is a pipe (FIFO)",
        setup=_fifo("p.yaml"),
    ),
    Case(
        "link-to-dev-zero-as-roster",
        ["batch", "r.yaml"],
        2,
        "is a device",
        setup=_link("r.yaml", "/dev/zero"),
    ),
    Case(
        "blank-pdf-to-a-terminal",
        ["blank", "-o", "-"],
        1,
        "would print the PDF's bytes on the terminal",
        tty=True,
    ),
]
CASES += [
    Case(
        "list-of-150-goals",
        ["check", "p.yaml"],
        2,
        "goals (line 5): has 150 items; the limit is 100",
        {"p.yaml": patient(extra="goals:\n" + "".join(f"  - goal {n}\n" for n in range(150)))},
    ),
    Case(
        "ten-pages-of-text-and-more",
        ["render", "p.yaml"],
        2,
        "holds more than 60,000 characters of text",
        {"p.yaml": patient(extra="goals:\n" + f'  - "{"word " * 300}"\n' * 60)},
    ),
    Case(
        "alias-expansion-under-the-limit-in-a-list",
        ["check", "p.yaml"],
        2,
        "goals[1] (line 2): [[1, 1, 1, 1",
        {
            "p.yaml": "a0: &a0 [1,1,1,1,1,1,1,1,1,1]\n"
            + "".join(f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 10) + "]\n" for n in (1, 2))
            + patient(extra="goals: *a2\n")
        },
    ),
]
CASES.append(
    Case(
        # Nearly all the text a letter may hold, in unbroken words: the slowest valid layout.
        "the-most-text-a-letter-may-hold-renders",
        ["render", "p.yaml"],
        0,
        "Wrote p.pdf",
        {
            "p.yaml": patient(
                extra='statement: "'
                + "x" * 19_990
                + '"\ngoals:\n'
                + "".join(f'  - "{"y" * 1_990}"\n' for _ in range(19))
            )
        },
        creates=("p.pdf",),
    )
)
CASES.append(
    Case(
        "yaml-roster-problems-name-their-line",
        ["batch", "r.yaml", "--dry-run"],
        1,
        "r.yaml item 2: trial.first_dose_mcg (line 10): inf is not a number",
        {
            "r.yaml": "- "
            + patient().replace("\n", "\n  ").rstrip()
            + "\n- "
            + patient("Sam Two", "trial:\n  first_dose_mcg: .inf\n").replace("\n", "\n  ").rstrip()
            + "\n"
        },
    )
)
