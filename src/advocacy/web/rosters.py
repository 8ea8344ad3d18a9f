"""A coordinator's roster in, a ZIP of letters and the bad-rows report out.

This is the batch engine (``batch.run``: the same row checks, messages and
worker processes as ``advocacy batch``). It reads files, so the upload goes
into a private temporary folder that is removed, whatever happens, before
the response is sent; the ZIP is built in memory.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advocacy.errors import AdvocacyError, Problem, RosterRefused
from advocacy.group import batch
from advocacy.group.roster import open_roster
from advocacy.loading import parse_text

ROSTER_TYPES = (".csv", ".xlsx")
GROUP_FILE_TYPES = (".yaml", ".yml", ".json", ".toml")
COMBINED_NAME = "all-members.pdf"
REPORT_NAME = "bad-rows.csv"


@dataclass(frozen=True)
class RosterUpload:
    name: str
    data: bytes
    group_name: str = ""
    group_data: bytes = b""
    combined: bool = False
    date_order: str | None = None


@dataclass(frozen=True)
class RosterOutcome:
    zip_bytes: bytes
    rendered: int
    failed: int
    problem_lines: tuple[str, ...]


def suffix_of(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def make_zip(
    upload: RosterUpload,
    *,
    org: Path | None,
    jobs: int,
    max_rows: int,
    on_progress: batch.ProgressSink | None = None,
) -> RosterOutcome:
    """Blocking: run it in a thread. Raises RosterRefused, or the batch's own errors."""
    suffix = suffix_of(upload.name)
    if suffix not in ROSTER_TYPES:
        msg = "The roster must be a .csv or .xlsx file."
        raise RosterRefused(msg)
    folder = Path(tempfile.mkdtemp(prefix="advocacy-roster-"))
    try:
        return _run(
            upload, folder, suffix, org=org, jobs=jobs, max_rows=max_rows, on_progress=on_progress
        )
    except AdvocacyError as exc:
        # The batch names files by their path; here they have only the names people gave them.
        raise RosterRefused(str(exc).replace(f"{folder}/", "")) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(
    upload: RosterUpload,
    folder: Path,
    suffix: str,
    *,
    org: Path | None,
    jobs: int,
    max_rows: int,
    on_progress: batch.ProgressSink | None,
) -> RosterOutcome:
    # Messages then name the file as the coordinator knows it.
    stem = batch.safe_name(upload.name[: -len(suffix)]) or "roster"
    roster_path = folder / f"{stem}{suffix}"
    roster_path.write_bytes(upload.data)
    count = open_roster(roster_path).count()
    if count > max_rows:
        msg = f"The roster has {count} members; this site makes at most {max_rows} at a time."
        raise RosterRefused(msg + " Split it into smaller files.")
    defaults = _group_file(upload, folder) if upload.group_data else None
    out_dir = folder / "letters"
    settings = batch.BatchSettings(
        out_dir=out_dir,
        combined=folder / COMBINED_NAME if upload.combined else None,
        jobs=jobs,
        defaults=defaults,
        org=org,
        report=folder / REPORT_NAME,
        date_order=upload.date_order,  # type: ignore[arg-type]
    )
    result = batch.run(roster_path, settings, on_progress=on_progress)
    lines = tuple(line.replace(f"{folder}/", "") for line in result.problem_lines())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for pdf in sorted(out_dir.glob("*.pdf")):
            archive.write(pdf, f"letters/{pdf.name}")
        if upload.combined and (folder / COMBINED_NAME).is_file():
            archive.write(folder / COMBINED_NAME, COMBINED_NAME)
        if result.failures:
            archive.write(folder / REPORT_NAME, REPORT_NAME)
    return RosterOutcome(buffer.getvalue(), result.rendered, result.failed, lines)


def _group_file(upload: RosterUpload, folder: Path) -> Path:
    """The group's defaults (clinic, doses…), refused if it names a file on this server."""
    suffix = suffix_of(upload.group_name)
    if suffix not in GROUP_FILE_TYPES:
        msg = "The group file must be a .yaml, .json or .toml file."
        raise RosterRefused(msg)
    try:
        text = upload.group_data.decode("utf-8-sig")
    except UnicodeDecodeError:
        msg = "The group file is not UTF-8 text; save it as UTF-8."
        raise RosterRefused(msg) from None
    raw: Any = parse_text(text, suffix, upload.group_name)
    organisation = raw.get("organisation") if isinstance(raw, dict) else None
    if isinstance(organisation, dict) and "logo" in organisation:
        problem = Problem(
            "organisation.logo",
            "a logo file cannot be named in an uploaded file.",
            "Leave it out; the site's own branding is used.",
        )
        msg = f"{upload.group_name}: {problem}"
        raise RosterRefused(msg)
    path = folder / f"group{suffix}"
    path.write_text(text, encoding="utf-8")
    return path
