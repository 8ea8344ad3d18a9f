"""Writing results safely: never half a file, never a file the user did not mean to replace."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

from advocacy.errors import AdvocacyError, OutputExistsError


def check_writable(path: Path, *, force: bool) -> None:
    """Fail early, before any work, if ``path`` exists and ``force`` is off."""
    if path.exists() and not force:
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
        raise AdvocacyError(msg)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    try:
        # mkstemp makes the file private (0600); give it the permissions any new file gets.
        os.chmod(temp_name, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if not force and path.exists():
            # Someone else wrote it while we rendered: still not ours to replace.
            raise OutputExistsError(str(path))
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_stdout(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
