"""The command line: parse, call the core, translate errors. Nothing else lives here.

Exit codes: 0 success; 1 failure (rendering, writing, a batch with bad rows);
2 usage error or invalid patient data.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from advocacy import __version__, languages
from advocacy.errors import AdvocacyError, Problem, describe_os_error
from advocacy.options import DEFAULT_NAME_PATTERN, LANGUAGES, PAPERS, PDF_VARIANTS
from advocacy.pipeline import FORMATS
from advocacy.textcheck import printable

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES = """\b
Exit codes:
  0  success
  1  failure (rendering or writing failed; a batch had bad rows)
  2  usage error or invalid patient data
"""


def _examples(*lines: str) -> str:
    """A command's epilog: examples to copy, then the exit codes."""
    shown = "\n".join(f"  {line}" for line in lines)
    return f"\b\nExamples:\n{shown}\n\n{EXIT_CODES}"


class _Failure(click.ClickException):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]


def _verbosity() -> int:
    """-1 with -q, 1 with -v, else 0 (outside a command too)."""
    ctx = click.get_current_context(silent=True)
    return int(ctx.meta.get("advocacy.verbosity", 0)) if ctx else 0


def _set_verbosity(level: int) -> Callable[[click.Context, click.Parameter, bool], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if value:
            ctx.meta["advocacy.verbosity"] = level

    return callback


def talk_options(func: F) -> F:
    """-q and -v, the same on every command."""
    func = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        callback=_set_verbosity(1),
        help="Also say which versions ran and how long it took.",
    )(func)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_set_verbosity(-1),
        help="Only errors: no progress, notes or warnings.",
    )(func)


def note(text: str) -> None:
    """What was done ("Wrote p.pdf"), on standard error; silent with -q."""
    if _verbosity() >= 0:
        click.echo(printable(text), err=True)


def reports_errors(func: F) -> F:
    """Translate the core's errors, once, into Click's ``Error: …`` and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.monotonic()
        if _verbosity() > 0:
            click.echo(_version_message(), err=True)
        try:
            result = func(*args, **kwargs)
            if _verbosity() > 0:
                click.echo(f"Done in {time.monotonic() - start:.1f} s.", err=True)
            return result
        except AdvocacyError as exc:
            raise _Failure(printable(str(exc)), exc.exit_code) from exc
        except OSError as exc:
            # Every disk fault the core did not word itself: still one sentence.
            # One without a file name was writing to a stream (check > /dev/full).
            where = exc.filename or "standard output"
            _quiet_stdout()
            raise _Failure(printable(describe_os_error(exc, where)), 1) from exc

    return wrapper  # type: ignore[return-value]


def warn(problems: list[Problem], source: str) -> None:
    if _verbosity() < 0:
        return
    for problem in problems:
        click.echo(printable(f"Warning: {source}: {problem}"), err=True)


def _version_message() -> str:
    from advocacy.render import weasyprint_versions

    parts = ", ".join(f"{k} {v}" for k, v in weasyprint_versions().items())
    return f"advocacy {__version__} ({parts}, Python {sys.version.split()[0]})"


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    click.echo(_version_message())
    ctx.exit()


# '-' reads the patient file (YAML or JSON) from standard input.
patient_file = click.argument(
    "file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path)
)


# "letter for en-US, a4 for en-GB"
_PAPER_BY_LANGUAGE = ", ".join(f"{e.paper} for {e.code}" for e in languages.entries())


def render_options(func: F, *, lang_help: str = "") -> F:
    """Options shared by every command that renders a document."""
    decorators = [
        click.option(
            "--lang",
            type=click.Choice(LANGUAGES),
            help=lang_help
            or f"Language and spelling. Default: the file's, else {languages.DEFAULT}.",
        ),
        click.option(
            "--paper",
            type=click.Choice(PAPERS),
            help=f"Paper size. Default: {_PAPER_BY_LANGUAGE}.",
        ),
        click.option("--large-print", is_flag=True, default=None, help="Body text at least 16 pt."),
        click.option(
            "--pdf-variant",
            type=click.Choice(PDF_VARIANTS),
            default="pdf/ua-1",
            show_default=True,
            help="Tagged PDF/UA (accessible), PDF/A-3b or plain.",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so Python's flush at exit cannot fail again."""
    with contextlib.suppress(OSError, AttributeError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


class _Group(click.Group):
    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)
        except OSError as exc:
            # Raised outside any command: --help or --version into a full or closed output.
            _quiet_stdout()
            message = describe_os_error(exc, exc.filename or "standard output")
            click.echo(f"Error: {message}", err=True)
            sys.exit(1)


@click.group(
    cls=_Group, epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version (with WeasyPrint's and Pango's).",
)
def cli() -> None:
    """Make a printable, sourced request for an intrathecal baclofen screening
    trial through a catheter, with a reduced-dose retry if the first dose is too
    strong.

    Start with `advocacy init`, fill in the file, then `advocacy render`.
    Nothing leaves your computer.
    """


@cli.command(
    epilog=_examples(
        "advocacy init                 # writes patient.yaml to fill in", "advocacy init me.yaml"
    )
)
@talk_options
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default="patient.yaml")
@click.option(
    "--org",
    "group",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a commented group file here instead (name, logo, language, paper…),"
    " for batch --org and blank --org.",
)
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@reports_errors
def init(path: Path, group: Path | None, force: bool) -> None:
    """Write a patient file to fill in to PATH (default patient.yaml): placeholders
    such as <your full name> that check refuses until they are replaced."""
    from advocacy import starter

    if group is not None:
        starter.write_group(group, force=force)
        note(f"Wrote {group}. Fill it in, then use it with: advocacy batch ROSTER --org {group}")
        return
    starter.write_example(path, force=force)
    note(f"Wrote {path}. Fill it in, then run: advocacy check {path}")


@cli.command(epilog=_examples("advocacy check me.yaml", "cat me.yaml | advocacy check -"))
@talk_options
@patient_file
@reports_errors
def check(file: Path) -> None:
    """Validate FILE and list every problem, with its field and the fix."""
    from advocacy.model import load_patient
    from advocacy.starter import example_values

    loaded = load_patient(file)
    warnings = loaded.warnings + example_values(loaded.data)
    warn(warnings, str(file))
    noun = "warning" if len(warnings) == 1 else "warnings"
    suffix = f" ({len(warnings)} {noun})" if warnings else ""
    if _verbosity() >= 0:
        click.echo(f"{file}: OK{suffix}")


@cli.command(
    epilog=_examples(
        "advocacy render me.yaml               # writes me.pdf",
        "advocacy render me.yaml --lang en-GB -o letter.pdf",
        "advocacy render me.yaml -o - | lp      # print it",
    )
)
@talk_options
@patient_file
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write; '-' for standard output. Default: FILE with the format's suffix.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="pdf",
    show_default=True,
    help="; ".join(f"{f.name}: {f.help}" for f in FORMATS.values()) + ".",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option(
    "--strict", is_flag=True, help="Fail if the text has characters the bundled fonts cannot print."
)
@click.option(
    "--standard-copy",
    is_flag=True,
    help="With --large-print, also write the standard-print copy for the care team"
    " (with its checklist and record sheets) beside it, as NAME-standard.pdf.",
)
@render_options
@reports_errors
def render(
    file: Path,
    output: Path | None,
    fmt: str,
    force: bool,
    strict: bool,
    standard_copy: bool,
    **options: Any,
) -> None:
    """Render FILE to a PDF (or HTML) ready to print."""
    from advocacy import pipeline

    pipeline.render_file(
        file,
        output,
        fmt=fmt,
        force=force,
        strict=strict,
        on_warning=warn,
        standard_copy=standard_copy,
        on_written=lambda path: note(f"Wrote {path}"),
        **options,
    )


@cli.command(epilog=EXIT_CODES)
@talk_options
@reports_errors
def schema() -> None:
    """Print the JSON Schema of the patient file (for editor autocompletion)."""
    from advocacy.model import PatientFile

    click.echo(json.dumps(PatientFile.model_json_schema(), indent=2, ensure_ascii=False))


def _say(text: str = "") -> None:
    # Answers are echoed back: never as raw escape sequences on the terminal.
    click.echo(printable(text))


def _prompt(text: str) -> str:
    """One line of the interview; Ctrl-C and the end of piped input both stop it."""
    from advocacy.interview.terminal import Interrupted

    try:
        return click.prompt(printable(text), default="", show_default=False, prompt_suffix=" ")
    except click.Abort:
        click.echo()
        raise Interrupted from None


@cli.command(epilog=_examples("advocacy interview", "advocacy interview --from me.yaml"))
@talk_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The patient file to write (.yaml). Default: patient.yaml, or the --from file.",
)
@click.option(
    "--from",
    "start",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Start from an existing patient file: its answers are the defaults.",
)
@click.option("--force", is_flag=True, help="Replace the patient file and PDF without asking.")
@reports_errors
def interview(output: Path | None, start: Path | None, force: bool) -> None:
    """Make the patient file by answering plain questions, one at a time.

    No YAML needed: each answer is checked as you go, then the file is written
    and the PDF offered. Ctrl-C asks whether to keep the answers so far. Reads
    a pipe as well as a terminal.
    """
    from advocacy.interview import terminal as questions

    questions.run(
        _prompt,
        _say,
        output_path=output,
        started_from=start,
        force=force,
    )


@cli.command(
    epilog=_examples(
        "advocacy preview me.yaml --pages 1", "advocacy preview letter.pdf -o pictures --dpi 150"
    )
)
@talk_options
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the pictures (made if needed). Default: FILE's folder.",
)
@click.option("--pages", metavar="RANGE", help="Pages to draw, like 1-2, 3- or 1,3. Default: all.")
@click.option(
    "--dpi",
    type=click.IntRange(20, 600),
    default=96,
    show_default=True,
    help="Resolution; 96 is actual size on most screens.",
)
@click.option("--force", is_flag=True, help="Replace pictures that exist.")
@render_options
@reports_errors
def preview(
    file: Path, folder: Path | None, pages: str | None, dpi: int, force: bool, **options: Any
) -> None:
    """Save the pages of FILE as PNG pictures to look over before printing.

    FILE is a patient file (made into a PDF as `render` would) or a PDF. The
    pictures are named FILE-p01.png, FILE-p02.png… so they sort by page.
    """
    from advocacy import preview as pictures

    written = pictures.preview(
        file, folder, pages=pages, dpi=dpi, force=force, on_warning=warn, **options
    )
    for path in written:
        note(f"Wrote {path}")


def _progress_sink(enabled: bool) -> Any:
    """A progress callback drawing a bar on stderr, or None when there is nobody to see it."""
    if not enabled or not sys.stderr.isatty():
        return None
    state: dict[str, Any] = {}

    def update(progress: Any) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = click.progressbar(
                length=progress.total or 0,
                label="Rendering",
                show_eta=True,
                show_pos=True,
                file=sys.stderr,
                item_show_func=lambda _: f"{state['failed']} failed" if state["failed"] else "",
            )
            state.update(bar=bar, done=0, failed=0)
        state["failed"] = progress.failed
        bar.update(progress.done - state["done"], progress)
        state["done"] = progress.done
        if progress.total is not None and progress.done >= progress.total:
            bar.render_finish()

    return update


@cli.command(
    epilog=_examples(
        "advocacy batch members.xlsx --dry-run",
        "advocacy batch members.csv --out-dir letters --org group.yaml",
        "advocacy batch members.csv --combined all.pdf --duplex",
    )
)
@talk_options
@click.argument(
    "roster", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for one PDF per member (made if needed). Default: a folder named after"
    " ROSTER, beside it (unless only --combined is given).",
)
@click.option(
    "--combined",
    type=click.Path(dir_okay=False, path_type=Path),
    help="One PDF with every member, each starting on a new sheet (for a print shop).",
)
@click.option(
    "--duplex",
    is_flag=True,
    help="With --combined: add a blank page where needed so each member starts on a front side.",
)
@click.option(
    "--name-pattern",
    default=DEFAULT_NAME_PATTERN,
    show_default=True,
    help="File names from {name}, {date_of_birth}, {preferred_name}, {hospital_number},"
    " {clinic}, {row}; made safe for every disk; a repeat gets -2.",
)
@click.option(
    "--defaults",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A partial patient file (clinic, doses, organisation…) under every row.",
)
@click.option(
    "--org",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The group's branding file: name, logo (PNG or SVG), website, phone, message.",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), help="Worker processes. Default: the CPUs."
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the bad rows (row, field, problem, fix) to this CSV file.",
)
@click.option(
    "--date-order",
    type=click.Choice(["day-first", "month-first"]),
    help="How to read dates such as 04/03/1972 in a CSV or XLSX roster. Without it such a"
    " date fails its row: it is never guessed.",
)
@click.option("--fail-fast", is_flag=True, help="Stop at the first bad row.")
@click.option(
    "--skip-existing",
    is_flag=True,
    help="Keep PDFs already in --out-dir (always so without --force; kept for old scripts).",
)
@click.option(
    "--strict-columns",
    is_flag=True,
    help="Stop at any column that is not a patient-file field (else it is left out, with a"
    " warning; a misspelt field always stops the run).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="A row whose text has characters the bundled fonts cannot print fails (else a warning).",
)
@click.option(
    "--dry-run", is_flag=True, help="Check every row and say what would be made; write nothing."
)
@click.option("--force", is_flag=True, help="Replace PDFs and files that exist.")
@click.option(
    "--roster-template",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write an empty roster (.csv or .xlsx) with every column header, and stop.",
)
@render_options
@reports_errors
def batch(
    roster: Path | None,
    roster_template: Path | None,
    **settings: Any,
) -> None:
    """One PDF per member of ROSTER (.csv, .xlsx, .ods, .xls, or a .yaml/.json list).

    Headers are the patient file's field paths (patient.name,
    patient.date_of_birth, trial.first_dose_mcg…) or their labels (Name, Date
    of birth…); list fields (goals, medicines) are split on ';'. Every row is
    checked as `check` checks a file: bad rows are listed with their row
    number, field and fix, and the good rows are still made.
    """
    from advocacy.group import batch as batches
    from advocacy.group.roster import write_template

    if roster_template is not None:
        write_template(roster_template, force=settings["force"])
        note(f"Wrote {roster_template}")
        return
    if roster is None:
        msg = "give a ROSTER file, or --roster-template FILE."
        raise click.UsageError(msg)
    quiet = _verbosity() < 0
    result = batches.run_command(roster, settings, on_progress=_progress_sink(not quiet))
    for line in result.problem_lines():
        click.echo(printable(line), err=True)
    if not quiet:
        for label, problem in result.warnings:
            warn([problem], f"{roster} {label}".rstrip())
    note(result.summary())
    click.get_current_context().exit(result.exit_code)


@cli.command(
    epilog=_examples(
        "advocacy blank -n 20 --org group.yaml -o blanks.pdf",
        "advocacy blank --fillable -o fill-in.pdf",
    )
)
@talk_options
@click.option(
    "-n",
    "--copies",
    type=click.IntRange(1, 10_000),
    default=1,
    show_default=True,
    help="Copies in the one PDF (rendered once, then repeated).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default="blank.pdf",
    show_default=True,
    help="Where to write; '-' for standard output.",
)
@click.option(
    "--fillable", is_flag=True, help="Add form fields to fill in on screen (each with a title)."
)
@click.option(
    "--duplex", is_flag=True, help="Add a blank page where needed so each copy starts on a front."
)
@click.option(
    "--org",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The group's branding file: name, logo (PNG or SVG), website, phone, message.",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@functools.partial(
    render_options,
    # A blank copy has no patient file whose language could be the default.
    lang_help=(
        f"Language and spelling. Default: {languages.DEFAULT} (there is no patient file to follow)."
    ),
)
@reports_errors
def blank(output: Path, **settings: Any) -> None:
    """Copies to fill in by hand: lines and boxes where the patient's details
    go, the usual doses printed but open to change. Rendered once, however
    many copies."""
    from advocacy.group import blank as blanks

    result = blanks.make_blank(output, **settings)
    if result.path is not None:
        copies = "1 copy" if result.copies == 1 else f"{result.copies} copies"
        note(f"Wrote {result.path} ({copies}, {result.pages} pages)")


@cli.command(epilog=EXIT_CODES)
@click.option("--host", default="127.0.0.1", show_default=True, help="0.0.0.0 behind a proxy.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--open", "open_browser", is_flag=True, help="Open the form in the web browser.")
@click.option(
    "--org",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The group's branding file, on every letter made here.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    help="The form's default language; default: the locale's.",
)
@talk_options
@reports_errors
def serve(open_browser: bool, **settings: Any) -> None:
    """The same in a web browser: the form, page previews, blank copies, a JSON API.

    Nothing is stored: answers exist only for the request that uses them.

    \b
    Examples:
      advocacy serve --open                  on this computer, in your browser
      advocacy serve --host 0.0.0.0 --org group.yaml   for a group, behind HTTPS"""
    from advocacy import web

    web.serve(web.WebSettings(**settings), open_browser=open_browser)
