"""The command line: parse, call the core, translate errors. Nothing else lives here.

Exit codes: 0 success; 1 failure (rendering, writing, a batch with bad rows);
2 usage error or invalid patient data.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from advocacy import __version__
from advocacy.errors import AdvocacyError, Problem
from advocacy.options import LANGUAGES, PAPERS, PDF_VARIANTS

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES = """\b
Exit codes:
  0  success
  1  failure (rendering or writing failed; a batch had bad rows)
  2  usage error or invalid patient data
"""


class _Failure(click.ClickException):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]


def reports_errors(func: F) -> F:
    """Translate the core's errors, once, into Click's ``Error: …`` and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AdvocacyError as exc:
            raise _Failure(str(exc), exc.exit_code) from exc

    return wrapper  # type: ignore[return-value]


def warn(problems: list[Problem], source: str) -> None:
    for problem in problems:
        click.echo(f"Warning: {source}: {problem}", err=True)


def _version_message() -> str:
    from advocacy.render import weasyprint_versions

    parts = ", ".join(f"{k} {v}" for k, v in weasyprint_versions().items())
    return f"advocacy {__version__} ({parts}, Python {sys.version.split()[0]})"


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    click.echo(_version_message())
    ctx.exit()


patient_file = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))


def render_options(func: F) -> F:
    """Options shared by every command that renders a document."""
    decorators = [
        click.option(
            "--lang",
            type=click.Choice(LANGUAGES),
            help="Language and spelling. Default: the file's, else en-US.",
        ),
        click.option(
            "--paper",
            type=click.Choice(PAPERS),
            help="Paper size. Default: letter for en-US, a4 for en-GB.",
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


@click.group(epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]})
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


@cli.command(epilog=EXIT_CODES)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default="patient.yaml")
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@reports_errors
def init(path: Path, force: bool) -> None:
    """Write a commented example patient file to PATH (default patient.yaml)."""
    from advocacy import starter

    starter.write_example(path, force=force)
    click.echo(f"Wrote {path}. Fill it in, then run: advocacy check {path}", err=True)


@cli.command(epilog=EXIT_CODES)
@patient_file
@reports_errors
def check(file: Path) -> None:
    """Validate FILE and list every problem, with its field and the fix."""
    from advocacy.model import load_patient

    loaded = load_patient(file)
    warn(loaded.warnings, str(file))
    noun = "warning" if len(loaded.warnings) == 1 else "warnings"
    suffix = f" ({len(loaded.warnings)} {noun})" if loaded.warnings else ""
    click.echo(f"{file}: OK{suffix}")


@cli.command(epilog=EXIT_CODES)
@patient_file
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write; '-' for standard output. Default: FILE with .pdf or .html.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "html"]),
    default="pdf",
    show_default=True,
    help="PDF to print, or HTML to inspect.",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option(
    "--strict", is_flag=True, help="Fail if the text has characters the bundled fonts cannot print."
)
@render_options
@reports_errors
def render(
    file: Path, output: Path | None, fmt: str, force: bool, strict: bool, **options: Any
) -> None:
    """Render FILE to a PDF (or HTML) ready to print."""
    from advocacy import commands

    written = commands.render_file(
        file, output, fmt=fmt, force=force, strict=strict, on_warning=warn, **options
    )
    if written is not None:
        click.echo(f"Wrote {written}", err=True)


@cli.command(epilog=EXIT_CODES)
def schema() -> None:
    """Print the JSON Schema of the patient file (for editor autocompletion)."""
    from advocacy.model import PatientFile

    click.echo(json.dumps(PatientFile.model_json_schema(), indent=2, ensure_ascii=False))


def _prompt(text: str) -> str:
    """One line of the interview; Ctrl-C and the end of piped input both stop it."""
    from advocacy.interview import Interrupted

    try:
        return click.prompt(text, default="", show_default=False, prompt_suffix=" ")
    except click.Abort:
        click.echo()
        raise Interrupted from None


@cli.command(epilog=EXIT_CODES)
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
    from advocacy import interview as questions

    questions.run(_prompt, click.echo, output_path=output, started_from=start, force=force)


@cli.command(epilog=EXIT_CODES)
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
        click.echo(f"Wrote {path}", err=True)
