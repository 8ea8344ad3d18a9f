"""Errors meant for people: each message names the file, row or field and the fix.

Every error class lives here, in one of two families, as Click's own errors do:

- :class:`UsageError` (exit code 2): what the person gave cannot be used (a
  patient file with invalid values, options that contradict each other, a
  logo that is not an image). Fixing the input and running again will work.
- :class:`Failure` (exit code 1): the input was fine but the work failed (a
  render, a write, a busy or crashed worker).
"""

from __future__ import annotations

from dataclasses import dataclass


class AdvocacyError(Exception):
    """Base class for every error the tool reports without a traceback."""

    exit_code = 1


class UsageError(AdvocacyError):
    """The input or the command line cannot be used; the message says how to fix it."""

    exit_code = 2


class Failure(AdvocacyError):
    """The input was usable but the work failed; nothing half-done was left behind."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a patient file.

    ``path`` is the dotted field path (``trial.first_dose_mcg``), ``message``
    says what is wrong and ``fix`` says what to do about it.
    """

    path: str
    message: str
    fix: str = ""
    line: int | None = None  # where in the file, when it is known (YAML)

    def __str__(self) -> str:
        where = f"{self.path} (line {self.line})" if self.line else self.path
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} {self.fix}".strip() if self.fix else text


# Problems listed for one file: a file with thousands is better fixed from the top.
MAX_LISTED = 40


class InvalidPatientError(UsageError):
    """The patient file could not be read or has invalid values."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        if count == 1 and not problems[0].path:
            # About the whole file (not found, not UTF-8, a syntax mistake): one sentence.
            super().__init__(f"{source}: {problems[0]}")
            return
        lines = [f"{source}: {count:,} {noun}:"]
        lines += [f"  - {p}" for p in problems[:MAX_LISTED]]
        if count > MAX_LISTED:
            lines.append(f"  - … and {count - MAX_LISTED:,} more; fix these first.")
        super().__init__("\n".join(lines))


class OutputExistsError(Failure):
    """Refuse to replace a file the user did not ask us to replace."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} already exists; use --force to replace it.")


class RenderError(Failure):
    """WeasyPrint or a template reported a problem; no output was written."""


class UnsupportedCharactersError(UsageError):
    """Patient text uses characters the bundled fonts cannot show (with --strict)."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        lines = [f"{source}: characters the bundled fonts cannot print (--strict):"]
        lines += [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


class OutputError(Failure):
    """A file or folder could not be written: the path, the reason and the fix."""

    def __init__(self, message: str, errno: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno

    @property
    def disk_unusable(self) -> bool:
        """Full or read-only: every later write would fail the same way."""
        import errno

        return self.errno in {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


# --------------------------------------------------------------------------- usage (exit 2)


class BrandingError(UsageError):
    """The organisation file or its logo cannot be used."""


class RosterError(UsageError):
    """The roster cannot be read, or its header names a column we do not know."""


class BatchUsageError(UsageError):
    """Options that cannot work together, found before any row is read."""


class BlankUsageError(UsageError):
    """``advocacy blank`` was asked for a number of copies it will not make."""


class PageRangeError(UsageError):
    """``--pages`` or ``--dpi`` asks for something that is not a page of this document."""


class InterviewUsageError(UsageError):
    """The interview cannot start (no terminal to ask on, a bad ``--from`` file)."""


class RosterRefused(UsageError):
    """A roster uploaded to the web form cannot be used; the message says why and what to do."""


class UnknownLanguage(UsageError, ValueError):
    """A language code no entry in languages.py declares; never written as another language.

    A ValueError too: a language is a value, and callers that check values
    (the patient model, option parsing) already catch those.
    """


# --------------------------------------------------------------------------- failure (exit 1)


class InterviewStopped(Failure):
    """The interview ended before the file was written; the message says what was kept."""


class Busy(Failure):
    """Every web worker is busy and the queue is full; try again shortly."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("The site is busy making other documents. Please try again in a moment.")
        self.retry_after = retry_after


class MissingCatalogue(Failure):
    """A language declares a catalogue that is not installed: the installation is broken."""


class JobFailed(Failure):
    """A web worker's job raised, ran past its time limit, or its worker died."""


class PortInUse(Failure):
    """``advocacy serve`` cannot listen where it was asked to."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(
            f"port {port} on {host} is in use (is advocacy serve already running?);"
            f" choose another with --port, for example --port {port + 1}."
        )


# What to do about the usual reasons a write fails, by errno name.
_FIXES = {
    "EROFS": "the disk or folder is read-only; choose another folder.",
    "ENOSPC": "the disk is full; free some space or choose another disk.",
    "EDQUOT": "your disk quota is used up; free some space or choose another disk.",
    "EACCES": "you do not have permission to write there; choose another folder.",
    "EPERM": "you do not have permission to write there; choose another folder.",
    "ENOENT": "the folder does not exist; create it first or choose another.",
    "ENOTDIR": "part of the path is a file, not a folder; check the path.",
    "EISDIR": "it is a folder; give a file name.",
    "ENAMETOOLONG": "the name is too long; choose a shorter one.",
    "EPIPE": "the program reading the output stopped; nothing more was written.",
}


def describe_os_error(exc: OSError, path: object = None) -> str:
    """One sentence for an OSError: which path, what happened, what to do."""
    import errno

    where = path if path is not None else (exc.filename or "a file")
    name = errno.errorcode.get(exc.errno or 0, "")
    reason = exc.strerror or str(exc)
    fix = _FIXES.get(name, "check the path and try again.")
    return f"cannot write {where}: {reason.lower()}; {fix}"
