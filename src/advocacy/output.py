"""Writing results safely: never half a file, never a file the user did not mean to replace.

Only a regular file is ever replaced, and only with ``--force``: a device
(``/dev/null``, ``/dev/full``), a FIFO or a link is refused whatever the flags,
and every failure to write is one sentence naming the path and the fix.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from pathlib import Path

from advocacy.errors import OutputError, OutputExistsError, describe_os_error


def check_writable(path: Path, *, force: bool) -> None:
    """Fail early, before any work, if ``path`` exists and may not be replaced."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(describe_os_error(exc, path), exc.errno) from None
    if stat.S_ISLNK(info.st_mode):
        msg = (
            f"{path} is a link; only a regular file is ever replaced."
            " Give the path of the file itself, or another name."
        )
        raise OutputError(msg)
    if not stat.S_ISREG(info.st_mode):
        from advocacy.loading import kind_of

        msg = (
            f"{path} is {kind_of(info.st_mode)}, not a regular file, and is never replaced"
            " (not even with --force). Choose a file name."
        )
        raise OutputError(msg)
    if not force:
        raise OutputExistsError(str(path))


def write_atomic(path: Path, data: bytes, *, force: bool) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place.

    A crash or Ctrl-C leaves either the old file or the new one, never a mix.
    Without ``force`` an existing file is refused and left untouched.
    """
    check_writable(path, force=force)
    directory = path.parent if str(path.parent) else Path()
    if not directory.is_dir():
        msg = f"{directory} is not a folder; create it first or choose another output path."
        raise OutputError(msg)
    temp_name = ""
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
        # mkstemp makes the file private (0600); give it the permissions any new file gets.
        os.chmod(temp_name, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            # Held until after the rename: another run clearing a killed run's
            # leftovers can tell this one is still being written.
            _lock(handle.fileno())
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            # Again, just before the rename: someone may have put a file (or a
            # device, or a link) there while we rendered.
            check_writable(path, force=force)
            os.replace(temp_name, path)
    except OSError as exc:
        _discard(temp_name)
        raise OutputError(describe_os_error(exc, path), exc.errno) from None
    except BaseException:
        _discard(temp_name)
        raise


def _lock(fd: int) -> None:
    with contextlib.suppress(ImportError, OSError):
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def in_use(path: Path) -> bool:
    """Whether a process (alive) holds the lock ``write_atomic`` takes on its temporary file."""
    try:
        import fcntl
    except ImportError:  # Windows: an open file cannot be removed there anyway
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def make_folder(folder: Path) -> None:
    """Create ``folder`` if needed and make sure files can be written in it, before any work."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except FileExistsError:
        msg = f"{folder} is a file, not a folder; choose a folder."
        raise OutputError(msg) from None
    except OSError as exc:
        raise OutputError(describe_os_error(exc, folder)) from None


def _discard(temp_name: str) -> None:
    if temp_name:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_stdout(*, binary: bool) -> None:
    """Refuse, before any work, to send a PDF to a terminal or to a closed output."""
    if sys.stdout is None:
        msg = "standard output is closed; write to a file with -o FILE."
        raise OutputError(msg)
    if binary and sys.stdout.isatty():
        msg = (
            "-o - would print the PDF's bytes on the terminal. Redirect it to a file"
            " (… -o - > letter.pdf) or pipe it to a program, or give -o letter.pdf."
        )
        raise OutputError(msg)


def write_stdout(data: bytes) -> None:
    check_stdout(binary=False)
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except OSError as exc:
        # Python would try the flush again at exit and print a second error.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        raise OutputError(describe_os_error(exc, "standard output")) from None
