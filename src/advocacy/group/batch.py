"""Many members, one command: a roster in, a PDF per valid row out, every bad row reported.

``run(roster_path, settings)`` returns a :class:`BatchResult`; it never exits
and never prints. Each row is validated here, in the calling process, with
``model.validate_patient`` (the same rules and messages as ``check``), so a bad
row costs nothing and never holds the good ones back. Good rows are rendered
by worker processes, each warmed once (one ``Renderer``: one FontConfiguration,
parsed stylesheets, an image cache) and replaced after ``recycle_after`` rows,
because WeasyPrint's native memory creeps up a little with every document.

Rows are streamed: only a small window of rows is in flight at a time, so
memory stays flat whatever the roster's length. Every file is written
atomically, so Ctrl-C or a killed run leaves only complete PDFs, and
``skip_existing`` resumes where it stopped.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import csv
import dataclasses
import io
import multiprocessing
import os
import re
import shutil
import signal
import string
import sys
import tempfile
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from advocacy import branding, loading, output, pdfedit, pipeline
from advocacy.dates import DayMonthOrder
from advocacy.errors import (
    AdvocacyError,
    BatchUsageError,
    InvalidPatientError,
    OutputError,
    Problem,
    UnsupportedCharactersError,
)
from advocacy.group.roster import Roster, Row, deep_merge, open_roster
from advocacy.model import PatientFile, validate_patient
from advocacy.options import DEFAULT_NAME_PATTERN, RenderOptions
from advocacy.validation import at_lines

NAME_FIELDS = ("name", "preferred_name", "date_of_birth", "hospital_number", "clinic", "row")
# Rows one worker renders before it is replaced: WeasyPrint's native memory
# grows about 30 KiB a letter even with one FontConfiguration, and a fresh
# worker costs about a second, so this keeps both small.
RECYCLE_AFTER = 200
# Rows queued per worker: enough that no worker waits, few enough to keep memory flat.
WINDOW_PER_JOB = 4

_RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in "123456789"
}
_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_POOL_PREFIX = "advocacy-batch-"
_PART_FILE = re.compile(r"^\..+\.pdf\.[A-Za-z0-9_]+\.part$")
# The placeholder patient lets a partial file (--defaults) be checked by the full schema.
_PLACEHOLDER = {"patient": {"name": "-", "date_of_birth": "1970-01-01", "diagnosis": "-"}}

Status = Literal["rendered", "skipped", "failed", "checked"]
MANIFEST = "manifest.csv"


@dataclass(frozen=True)
class BatchSettings:
    """What to make and where; every field has the command line's default."""

    out_dir: Path | None = None
    combined: Path | None = None
    name_pattern: str = DEFAULT_NAME_PATTERN
    jobs: int | None = None
    force: bool = False
    skip_existing: bool = False
    fail_fast: bool = False
    duplex: bool = False
    defaults: Path | None = None
    org: Path | None = None
    report: Path | None = None
    # How to read dates such as 04/03/1972; None: such a date fails its row.
    date_order: DayMonthOrder | None = None
    # Every column must be known (else unknown ones are warned about and left out).
    strict_columns: bool = False
    # A row whose text the bundled fonts cannot print fails (else it is a warning).
    strict: bool = False
    # Check every row, render nothing, write nothing.
    dry_run: bool = False
    recycle_after: int = RECYCLE_AFTER
    overrides: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RowOutcome:
    number: int
    label: str
    status: Status
    path: Path | None = None
    pages: int = 0
    problems: tuple[Problem, ...] = ()
    title: str = ""
    # The disk is full or read-only: no later row can be written either.
    disk_unusable: bool = False


@dataclass(frozen=True)
class Progress:
    done: int
    failed: int
    skipped: int
    total: int | None


@dataclass
class BatchResult:
    """What happened, row by row for the bad ones and as counts for the rest."""

    roster: Roster
    out_dir: Path | None
    combined: Path | None = None
    rendered: int = 0
    skipped: int = 0
    checked: int = 0  # --dry-run: rows that would be rendered
    # (row, name, file, status) of every member with a PDF, for the manifest.
    entries: list[tuple[int, str, str, str]] = field(default_factory=list)
    combined_pages: int = 0
    failures: list[RowOutcome] = field(default_factory=list)
    warnings: list[tuple[str, Problem]] = field(default_factory=list)
    stopped_early: bool = False
    disk_unusable: bool = False
    interrupted: bool = False

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures or self.interrupted else 0

    def problem_lines(self) -> Iterator[str]:
        """One line per problem, naming the row, the field (and its column) and the fix."""
        for outcome in sorted(self.failures, key=lambda o: o.number):
            for problem in outcome.problems:
                yield f"{self.roster.source} {outcome.label}: {self._describe(problem)}"

    def report_rows(self) -> Iterator[dict[str, str]]:
        for outcome in sorted(self.failures, key=lambda o: o.number):
            for problem in outcome.problems:
                header = self.roster.column_for(problem.path) if problem.path else None
                yield {
                    "row": str(outcome.number),
                    "field": problem.path,
                    "column": f"{header.letter} ({header.text})" if header else "",
                    "problem": problem.message,
                    "fix": problem.fix,
                }

    def summary(self) -> str:
        parts = []
        if self.out_dir is not None:
            noun = "PDF" if self.rendered == 1 else "PDFs"
            parts.append(f"{self.rendered} {noun} written to {self.out_dir}")
        if self.checked:
            noun = "row is" if self.checked == 1 else "rows are"
            parts = [f"{self.checked} {noun} ready to render (--dry-run: nothing written)"]
        if self.skipped:
            parts.append(f"{self.skipped} already there (skipped; --force replaces them)")
        if self.combined is not None and self.combined_pages:
            members = self.rendered + self.skipped
            parts.append(
                f"{self.combined} written ({members} members, {self.combined_pages} pages)"
            )
        if self.failures:
            noun = "row" if self.failed == 1 else "rows"
            parts.append(f"{self.failed} {noun} failed")
        text = f"{self.roster.source}: " + ("; ".join(parts) or "nothing to do") + "."
        if self.interrupted:
            text += " Interrupted: run the same command with --skip-existing to finish."
        elif self.disk_unusable:
            text += (
                " Stopped: the disk is full or read-only (see above). Make room, then run the"
                " same command again: the PDFs already made are kept."
            )
        elif self.stopped_early:
            text += " Stopped at the first bad row (--fail-fast)."
        if self.combined is not None and not self.combined_pages:
            text += f" {self.combined} was not written."
        return text

    def _describe(self, problem: Problem) -> str:
        header = self.roster.column_for(problem.path) if problem.path else None
        text = str(problem)
        if header is not None:
            where = f"{problem.path} (column {header.letter})"
            text = where + text[len(problem.path) :]
        return text


ProgressSink = Callable[[Progress], None]


# --------------------------------------------------------------------------- names


def check_name_pattern(pattern: str) -> str:
    """The pattern without ``.pdf``; raises BatchUsageError for unknown placeholders."""
    pattern = pattern.removesuffix(".pdf")
    if "/" in pattern or "\\" in pattern:
        msg = f"--name-pattern {pattern!r}: a file name cannot contain / or \\."
        raise BatchUsageError(msg)
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError:
        msg = f"--name-pattern {pattern!r}: write placeholders as {{name}}, with no lone {{ or }}."
        raise BatchUsageError(msg) from None
    unknown = [name for name in fields if name not in NAME_FIELDS]
    if unknown or not fields:
        allowed = ", ".join(f"{{{n}}}" for n in NAME_FIELDS)
        msg = f"--name-pattern {pattern!r}: use at least one of {allowed}."
        raise BatchUsageError(msg)
    return pattern


def safe_name(text: str) -> str:
    """A file name that works on Windows, macOS, Linux and USB sticks (FAT)."""
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE_CHARS.sub("-", text)
    text = re.sub(r"\s+", "-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-. ")
    # Leave room under the 255-byte limit for a suffix and write_atomic's temporary name.
    text = text.encode("utf-8")[:150].decode("utf-8", errors="ignore").rstrip("-. ")
    if text.split(".")[0].upper() in _RESERVED_NAMES:
        text = f"_{text}"
    return text


def file_stem(pattern: str, patient: PatientFile, row: int) -> str:
    values = {
        "name": patient.patient.name,
        "preferred_name": patient.patient.preferred_name or "",
        "date_of_birth": patient.patient.date_of_birth.isoformat(),
        "hospital_number": patient.patient.hospital_number or "",
        "clinic": patient.appointment.clinic or "",
        "row": str(row),
    }
    text = "".join(
        literal + (values[name] if name else "")
        for literal, name, _, _ in string.Formatter().parse(pattern)
    )
    return safe_name(text) or f"row-{row}"


class _Names:
    """Hands out one file name per row; a second member with the same name gets -2."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def claim(self, stem: str) -> str:
        candidate, number = stem, 1
        # Case-insensitive, as on Windows and macOS disks.
        while candidate.casefold() in self._used:
            number += 1
            candidate = f"{stem}-{number}"
        self._used.add(candidate.casefold())
        return f"{candidate}.pdf"


# --------------------------------------------------------------------------- inputs


def load_defaults(path: Path) -> dict[str, Any]:
    """A partial patient file merged under every row; checked against the schema now."""
    source = str(path)
    raw = loading.load_data(path)
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InvalidPatientError(
            source,
            [
                Problem(
                    "", "is not a set of fields.", "Write sections like appointment: and trial:."
                )
            ],
        )
    data = branding.with_logo_from(dict(raw), path.parent)
    loaded = validate_patient(deep_merge(_PLACEHOLDER, data), source)
    branding.brand(loaded.data.organisation, source)
    return data


def _base_record(settings: BatchSettings) -> dict[str, Any]:
    base = load_defaults(settings.defaults) if settings.defaults else {}
    if settings.org is not None:
        group, document = branding.group(settings.org)
        # --org names the group for this run: it replaces any in --defaults.
        base["organisation"] = group.organisation.model_dump(mode="json", exclude_none=True)
        # Its language and paper are for every letter, unless --defaults or a
        # row says otherwise (and --lang, --paper override all).
        base["document"] = deep_merge(document, base.get("document") or {})
    return base


def _check_settings(roster_path: Path, settings: BatchSettings) -> tuple[Path | None, str]:
    if settings.force and settings.skip_existing:
        msg = "--force and --skip-existing contradict each other; choose one."
        raise BatchUsageError(msg)
    if settings.duplex and settings.combined is None:
        msg = "--duplex pads documents inside one --combined PDF; add --combined FILE."
        raise BatchUsageError(msg)
    out_dir = settings.out_dir
    if out_dir is None and settings.combined is None:
        # A folder named after the roster, beside it: never the current folder by surprise.
        out_dir = roster_path.with_suffix("")
    if settings.skip_existing and out_dir is None:
        msg = "--skip-existing resumes an --out-dir run; a --combined PDF is made whole each time."
        raise BatchUsageError(msg)
    if settings.jobs is not None and settings.jobs < 1:
        msg = "--jobs must be 1 or more."
        raise BatchUsageError(msg)
    pattern = check_name_pattern(settings.name_pattern)
    for target in (settings.combined, settings.report):
        if target is not None:
            output.check_writable(target, force=settings.force)
    return out_dir, pattern


def default_jobs() -> int:
    """The CPUs this process may use (a container's limit, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows
        return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------- workers


@dataclass(frozen=True)
class _Task:
    number: int
    label: str
    title: str
    job: pipeline.Job
    target: Path
    force: bool


_renderer: Any = None


def _start_worker(temp_dir: str, warm: RenderOptions, parent: int = 0) -> None:
    """Runs once in each worker: private temp folder, no Ctrl-C, a warm renderer."""
    global _renderer
    _die_with(parent)
    # WeasyPrint copies web fonts into a weasyprint-* folder it never removes
    # when a worker exits; the pool's own folder is removed when the run ends.
    os.environ["TMPDIR"] = temp_dir
    tempfile.tempdir = temp_dir
    # Ctrl-C goes to the whole process group: the parent decides, and lets
    # rows already rendering finish their (atomic) writes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from advocacy import render

    _renderer = render.Renderer()
    _renderer.stylesheets(warm)


def _die_with(parent: int) -> None:
    """Stop this worker when the batch that started it is killed (even by kill -9).

    Otherwise it would go on rendering and writing into the folder of a run
    that no longer exists. Linux says so at once; elsewhere a thread looks.
    """
    if not parent:
        return
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    elif os.name != "posix":
        return
    else:

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # it died before we could ask to follow it
        os._exit(1)


def _render_task(task: _Task) -> RowOutcome:
    try:
        pages = render_to_file(task, _renderer)
    except OutputError as exc:
        failed = _failed(task.number, task.label, Problem("", str(exc)))
        return dataclasses.replace(failed, disk_unusable=exc.disk_unusable)
    except AdvocacyError as exc:
        return _failed(task.number, task.label, Problem("", str(exc)))
    except Exception as exc:  # one member's odd data must not stop the others
        problem = Problem("", f"could not be rendered ({type(exc).__name__}).")
        return _failed(task.number, task.label, problem)
    return RowOutcome(task.number, task.label, "rendered", task.target, pages, title=task.title)


def render_to_file(task: _Task, renderer: Any) -> int:
    """Render one member's document to ``task.target``; returns its page count."""
    made = pipeline.render(task.job, renderer=renderer)
    output.write_atomic(task.target, made.data, force=task.force)
    return made.pages or 0


def _failed(number: int, label: str, *problems: Problem) -> RowOutcome:
    return RowOutcome(number, label, "failed", problems=tuple(problems))


@contextlib.contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Start workers with Ctrl-C ignored.

    A worker is started inside ``submit``; a Ctrl-C during its first second
    would interrupt its imports and print a traceback. A process started
    while SIGINT is ignored keeps ignoring it (the parent alone decides what a
    Ctrl-C means). The parent ignores it only for the few milliseconds a
    ``submit`` takes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _Pool:
    """Worker processes in generations: after ``recycle_after`` rows each, a fresh set.

    The old generation finishes its rows and exits before the new one starts,
    so there are never more than ``jobs`` workers in memory; the pause (about
    two seconds every few hundred rows) costs around 1%.
    """

    def __init__(self, jobs: int, recycle_after: int, temp_dir: Path, warm: RenderOptions):
        self.jobs = jobs
        self.per_generation = max(1, recycle_after) * jobs
        self.temp_dir = temp_dir
        self.warm = warm
        # spawn everywhere: no fork of a parent with threads, the same on every system.
        self.context = multiprocessing.get_context("spawn")
        self.executor = self._new()
        self.submitted = 0
        self.retired: list[cf.ProcessPoolExecutor] = []

    def _new(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=self.context,
            initializer=_start_worker,
            initargs=(str(self.temp_dir), self.warm, os.getpid()),
        )

    def submit(self, task: _Task) -> cf.Future[RowOutcome]:
        if self.submitted >= self.per_generation:
            self.renew(wait=True)
        self.submitted += 1
        with _workers_ignore_ctrl_c():
            try:
                return self.executor.submit(_render_task, task)
            except BrokenProcessPool:
                # A worker died (killed, out of memory) and took this generation with it.
                self.renew(wait=False)
                return self.executor.submit(_render_task, task)

    def renew(self, *, wait: bool) -> None:
        self.executor.shutdown(wait=wait)
        if not wait:
            self.retired.append(self.executor)
        self.executor = self._new()
        self.submitted = 0

    def close(self, *, cancel: bool = False) -> None:
        for executor in [*self.retired, self.executor]:
            executor.shutdown(wait=True, cancel_futures=cancel)


# --------------------------------------------------------------------------- combined


# --------------------------------------------------------------------------- the run


@dataclass
class _Pending:
    outcome: cf.Future[RowOutcome]
    task: _Task | None = None
    retried: bool = False


class _Run:
    def __init__(
        self,
        roster: Roster,
        settings: BatchSettings,
        out_dir: Path | None,
        pattern: str,
        base: dict[str, Any],
        on_progress: ProgressSink | None,
    ) -> None:
        self.roster = roster
        self.settings = settings
        self.out_dir = out_dir
        self.pattern = pattern
        self.base = base
        self.on_progress = on_progress
        self.result = BatchResult(roster, out_dir, settings.combined)
        self.names = _Names()
        self.logos: dict[Path, Problem | None] = {}
        self.total = roster.count() if on_progress else None
        self.jobs = settings.jobs or default_jobs()
        if self.total is not None:
            self.jobs = max(1, min(self.jobs, self.total))

    def execute(self) -> BatchResult:
        self.result.warnings += [("", w) for w in self.roster.warnings]
        if self.settings.dry_run:
            for row in self.roster.rows():
                outcome = self._prepare(row, Path(tempfile.gettempdir()))
                if isinstance(outcome, _Task):
                    outcome = RowOutcome(row.number, row.label, "checked", outcome.target)
                self._record(outcome, None)
                if self.result.stopped_early:
                    break
            return self.result
        if self.out_dir is not None:
            output.make_folder(self.out_dir)
            _remove_stale_parts(self.out_dir)
        _remove_abandoned_pools()
        temp_dir = Path(tempfile.mkdtemp(prefix=f"{_POOL_PREFIX}{os.getpid()}-"))
        combiner = (
            pdfedit.Combiner(temp_dir, duplex=self.settings.duplex)
            if self.settings.combined is not None
            else None
        )
        pool: _Pool | None = None
        try:
            pool = _Pool(self.jobs, self.settings.recycle_after, temp_dir, self._warm_options())
            self._loop(pool, temp_dir, combiner)
            pool.close()
            if combiner is not None and self.settings.combined is not None:
                complete = not (self.result.stopped_early or self.result.interrupted)
                if complete and (self.result.rendered + self.result.skipped):
                    pages = combiner.finish(self.settings.combined, force=self.settings.force)
                    self.result.combined_pages = pages
        except KeyboardInterrupt:
            self.result.interrupted = True
            if pool is not None:
                pool.close(cancel=True)
        finally:
            if combiner is not None:
                combiner.close()
            shutil.rmtree(temp_dir, ignore_errors=True)
        return self.result

    def _warm_options(self) -> RenderOptions:
        overrides = {k: v for k, v in self.settings.overrides.items() if v is not None}
        return RenderOptions(**overrides)

    def _loop(self, pool: _Pool, temp_dir: Path, combiner: pdfedit.Combiner | None) -> None:
        window: deque[_Pending] = deque()
        limit = self.jobs * WINDOW_PER_JOB
        for row in self.roster.rows():
            if self.result.stopped_early:
                break
            window.append(self._start(row, pool, temp_dir))
            while len(window) >= limit or (window and window[0].outcome.done()):
                self._finish(window.popleft(), pool, window, combiner)
                if self.result.stopped_early:
                    break
        while window:
            self._finish(window.popleft(), pool, window, combiner)

    def _start(self, row: Row, pool: _Pool, temp_dir: Path) -> _Pending:
        outcome = self._prepare(row, temp_dir)
        if isinstance(outcome, _Task):
            return _Pending(pool.submit(outcome), outcome)
        done: cf.Future[RowOutcome] = cf.Future()
        done.set_result(outcome)
        if outcome.status == "failed" and self.settings.fail_fast:
            self.result.stopped_early = True
        return _Pending(done)

    def _prepare(self, row: Row, temp_dir: Path) -> _Task | RowOutcome:
        problems = list(row.problems)
        if problems and not row.data:
            # Not a record at all (a number in a YAML list): that is the whole story.
            return _failed(row.number, row.label, *problems)
        unused = dict(row.field_problems)
        self.result.warnings += [(row.label, w) for w in row.warnings]
        try:
            loaded = validate_patient(deep_merge(self.base, row.data), row.label)
        except InvalidPatientError as exc:
            # The roster's own words for a field (a date in doubt) replace the
            # generic ones; every problem of the row is reported at once.
            problems += [unused.pop(p.path, p) for p in exc.problems]
        # A cell the roster refused stays refused even where the model would
        # accept it as written.
        problems += unused.values()
        problems = at_lines(problems, dict(row.lines))
        if problems:
            return _failed(row.number, row.label, *problems)
        patient = loaded.data
        brand, logo_problem = self._brand(patient)
        if logo_problem is not None:
            return _failed(row.number, row.label, logo_problem)
        try:
            job = pipeline.letter(
                patient,
                brand=brand,
                source=row.label,
                warnings=loaded.warnings,
                strict=self.settings.strict,
                **self.settings.overrides,
            )
        except UnsupportedCharactersError as exc:
            return _failed(row.number, row.label, *exc.problems)
        self.result.warnings += [(row.label, w) for w in job.warnings]
        name = self.names.claim(file_stem(self.pattern, patient, row.number))
        if self.out_dir is not None:
            target = self.out_dir / name
            if target.exists() and not self.settings.force:
                # Kept, and said so: a re-run after fixing one row is not N failures.
                return RowOutcome(
                    row.number, row.label, "skipped", target, title=patient.patient.name
                )
            force = self.settings.force
        else:
            target = temp_dir / f"{row.number:07d}.pdf"
            force = True
        return _Task(row.number, row.label, patient.patient.name, job, target, force)

    def _brand(self, patient: PatientFile) -> tuple[branding.Branding | None, Problem | None]:
        organisation = patient.organisation
        if organisation is None or organisation.logo is None:
            return (branding.Branding(organisation) if organisation else None), None
        logo = organisation.logo
        if logo not in self.logos:
            self.logos[logo] = branding.logo_problem(logo)
        problem = self.logos[logo]
        if problem is not None:
            return None, problem
        return branding.Branding(organisation, logo.resolve()), None

    def _finish(
        self,
        pending: _Pending,
        pool: _Pool,
        window: deque[_Pending],
        combiner: pdfedit.Combiner | None,
    ) -> None:
        try:
            outcome = pending.outcome.result()
        except BrokenProcessPool:
            task = pending.task
            assert task is not None  # noqa: S101 - only submitted rows can break
            if not pending.retried:
                # Its worker died (killed, out of memory): retry once in a fresh one.
                window.appendleft(_Pending(pool.submit(task), task, retried=True))
                return
            problem = Problem(
                "",
                "the rendering process stopped unexpectedly (out of memory?).",
                "Run again with --skip-existing to retry the rows that are missing.",
            )
            outcome = _failed(task.number, task.label, problem)
        self._record(outcome, combiner)

    def _record(self, outcome: RowOutcome, combiner: pdfedit.Combiner | None) -> None:
        result = self.result
        if outcome.status == "failed":
            result.failures.append(outcome)
            if self.settings.fail_fast:
                result.stopped_early = True
            if outcome.disk_unusable:
                # Stop rather than fail every remaining row the same way.
                result.stopped_early = result.disk_unusable = True
        elif outcome.status == "skipped":
            result.skipped += 1
        elif outcome.status == "checked":
            result.checked += 1
        else:
            result.rendered += 1
        if outcome.status in {"rendered", "skipped"} and outcome.path and self.out_dir:
            result.entries.append(
                (outcome.number, outcome.title, outcome.path.name, outcome.status)
            )
        if combiner is not None and outcome.path is not None and not result.stopped_early:
            combiner.add(outcome.path, outcome.title)
            if self.out_dir is None:
                outcome.path.unlink(missing_ok=True)
        if self.on_progress is not None:
            done = result.rendered + result.skipped + result.failed
            self.on_progress(Progress(done, result.failed, result.skipped, self.total))


def _remove_abandoned_pools() -> None:
    """Remove pool folders whose run was killed (SIGKILL leaves no chance to clean up).

    Each is named after its run's process; one whose process is gone holds
    only copies of the bundled fonts. POSIX only: elsewhere ``os.kill(pid, 0)``
    would not merely ask whether the process exists.
    """
    if os.name != "posix":
        return
    for folder in Path(tempfile.gettempdir()).glob(f"{_POOL_PREFIX}*-*"):
        pid = folder.name.removeprefix(_POOL_PREFIX).split("-", 1)[0]
        try:
            if not pid.isdigit() or folder.stat().st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # someone else's process, or the folder just went
            continue


def _remove_stale_parts(folder: Path) -> None:
    """Temporary files a killed run left (``.name.pdf.x1y2.part``): never a finished PDF,
    and never one another run is still writing (it holds a lock on it)."""
    for path in folder.iterdir():
        if _PART_FILE.match(path.name) and path.is_file() and not output.in_use(path):
            path.unlink(missing_ok=True)


# A cell starting with one of these is a formula to Excel, LibreOffice and
# Google Sheets (=HYPERLINK(...) can send data away when clicked). OWASP's
# advice: start such a cell with an apostrophe, which shows it as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """``value`` as a report cell no spreadsheet will run as a formula."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def write_manifest(result: BatchResult, path: Path) -> None:
    """Which file is whose: row, name, file, status, rewritten by every run (it is the
    run's own list, not a member's letter)."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["row", "name", "file", "status"])
    for number, name, file, status in sorted(result.entries):
        writer.writerow([str(number), spreadsheet_safe(name), spreadsheet_safe(file), status])
    output.write_atomic(path, b"\xef\xbb\xbf" + text.getvalue().encode("utf-8"), force=True)


def write_report(result: BatchResult, path: Path, *, force: bool) -> None:
    """The bad rows as CSV (UTF-8 with a BOM, so Excel opens it as it looks)."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=["row", "field", "column", "problem", "fix"])
    writer.writeheader()
    writer.writerows(
        {key: spreadsheet_safe(value) for key, value in row.items()} for row in result.report_rows()
    )
    output.write_atomic(path, b"\xef\xbb\xbf" + text.getvalue().encode("utf-8"), force=force)


def run(
    roster_path: Path,
    settings: BatchSettings | None = None,
    *,
    on_progress: ProgressSink | None = None,
) -> BatchResult:
    """Render every valid row of ``roster_path``; bad rows are reported, not fatal.

    Raises (before anything renders) for a roster that cannot be read, an
    unknown column, invalid ``--defaults`` or ``--org``, or options that
    contradict each other. ``KeyboardInterrupt`` stops the run cleanly: rows
    already rendering finish, and the result says it was interrupted.
    """
    settings = settings or BatchSettings()
    out_dir, pattern = _check_settings(roster_path, settings)
    roster = open_roster(roster_path, settings.date_order, strict_columns=settings.strict_columns)
    if settings.date_order is not None and roster.kind == "list":
        msg = (
            f"{roster_path}: --date-order is for spreadsheet rosters (.csv, .xlsx); dates in a"
            " YAML or JSON list are written YYYY-MM-DD, as in a patient file."
        )
        raise BatchUsageError(msg)
    base = _base_record(settings)
    result = _Run(roster, settings, out_dir, pattern, base, on_progress).execute()
    if settings.report is not None:
        write_report(result, settings.report, force=settings.force)
    if out_dir is not None and result.entries and not settings.dry_run:
        write_manifest(result, out_dir / MANIFEST)
    return result


def run_command(
    roster_path: Path,
    options: Mapping[str, Any],
    *,
    on_progress: ProgressSink | None = None,
) -> BatchResult:
    """``run`` with the command line's options as they come: settings and render options."""
    names = {f.name for f in fields(BatchSettings)}
    settings = BatchSettings(
        **{k: v for k, v in options.items() if k in names},
        overrides={k: v for k, v in options.items() if k not in names},
    )
    return run(roster_path, settings, on_progress=on_progress)
