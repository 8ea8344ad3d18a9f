"""Errors meant for people: each message names the file, row or field and the fix."""

from __future__ import annotations

from dataclasses import dataclass


class AdvocacyError(Exception):
    """Base class for every error the tool reports without a traceback."""

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


class InvalidPatientError(AdvocacyError):
    """The patient file could not be read or has invalid values."""

    exit_code = 2

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


class OutputExistsError(AdvocacyError):
    """Refuse to replace a file the user did not ask us to replace."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} already exists; use --force to replace it.")


class RenderError(AdvocacyError):
    """WeasyPrint or a template reported a problem; no output was written."""


class UnsupportedCharactersError(AdvocacyError):
    """Patient text uses characters the bundled fonts cannot show (with --strict)."""

    exit_code = 2


class OutputError(AdvocacyError):
    """A file or folder could not be written: the path, the reason and the fix."""

    def __init__(self, message: str, errno: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno

    @property
    def disk_unusable(self) -> bool:
        """Full or read-only: every later write would fail the same way."""
        import errno

        return self.errno in {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


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
