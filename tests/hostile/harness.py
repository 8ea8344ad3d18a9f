"""Run the command line as a person would, with a timeout, a memory cap and a trace.

Each run is a separate process (``python -m advocacy``) so that a regression
that hangs or eats memory fails its case instead of hanging the suite.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import resource
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT

TIMEOUT = 90  # seconds; a normal render takes about two on a busy machine
MEMORY_CAP = 3 * 1024**3  # address space per process; a normal render maps ~1 GB
TRACE_DIR = Path(__file__).parent / "trace"

# Files the tool may read besides a case's own: Python, its packages and the
# project's assets (templates, styles, fonts).
_ALLOWED = tuple(
    str(Path(p).resolve())
    for p in {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sysconfig.get_paths()["stdlib"],
        sysconfig.get_paths()["purelib"],
        str(ROOT / "src"),
        str(ROOT / "templates"),
        str(ROOT / "styles"),
        str(TRACE_DIR),
    }
) + (
    # The system's own tables (Python's mimetypes reads /etc/mime.types) and
    # the batch's private temporary folder.
    *mimetypes.knownfiles,
    str(Path(tempfile.gettempdir()) / "advocacy-batch-"),
    "/dev/null",
    "/dev/urandom",
    "/etc/localtime",
    "/usr/share/zoneinfo",
    "/proc/self/",
)


@dataclass
class Outcome:
    code: int | None
    out: bytes
    err: str
    seconds: float
    peak_kb: int
    timed_out: bool
    opened_outside: list[str] = field(default_factory=list)
    network: list[str] = field(default_factory=list)


def _limits(close_stdout: bool) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    os.setsid()  # its own group: a timeout kills workers too
    if close_stdout:
        os.close(1)


def run(
    args: list[str],
    cwd: Path,
    *,
    stdin: bytes | None = None,
    stdout: int | None = None,
    timeout: float = TIMEOUT,
    close_stdout: bool = False,
) -> Outcome:
    """``advocacy ARGS`` in ``cwd``; stdout ``None`` captures it, or pass a file descriptor."""
    trace = cwd / ".trace"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(TRACE_DIR), str(ROOT / "src")]),
        "HOSTILE_TRACE": str(trace),
        "COLUMNS": "100",
        "PYTHONFAULTHANDLER": "",
    }
    out_path, err_path = cwd / ".stdout", cwd / ".stderr"
    with open(err_path, "wb") as err_file, open(out_path, "wb") as out_file:  # noqa: PTH123
        process = subprocess.Popen(
            [sys.executable, "-m", "advocacy", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=out_file if stdout is None else stdout,
            stderr=err_file,
            preexec_fn=lambda: _limits(close_stdout),  # noqa: PLW1509 - the limits are the point
        )
        if stdin is not None and process.stdin is not None:
            try:
                process.stdin.write(stdin)
                process.stdin.close()
            except BrokenPipeError:
                pass
        start = time.monotonic()
        code, peak, timed_out = None, 0, False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                peak = usage.ru_maxrss
                process.returncode = code
                break
            if time.monotonic() - start > timeout:
                timed_out = True
                os.killpg(process.pid, signal.SIGKILL)
                _, status, usage = os.wait4(process.pid, 0)
                process.returncode = os.waitstatus_to_exitcode(status)
                peak = usage.ru_maxrss
                break
            time.sleep(0.02)
    seconds = time.monotonic() - start
    outcome = Outcome(
        code,
        out_path.read_bytes(),
        err_path.read_text(encoding="utf-8", errors="replace"),
        seconds,
        peak,
        timed_out,
    )
    out_path.unlink()
    err_path.unlink()
    for log in cwd.glob(".trace.*"):
        data = json.loads(log.read_text(encoding="utf-8"))
        log.unlink()
        outcome.network += data["network"]
        outcome.opened_outside += [p for p in data["opened"] if not _allowed(p, cwd)]
    return outcome


def _allowed(path: str, cwd: Path) -> bool:
    if not os.path.isabs(path):
        path = str(cwd / path)
    resolved = os.path.realpath(path) if not path.startswith("/dev/") else path
    return resolved.startswith((str(cwd.resolve()), str(cwd))) or resolved.startswith(_ALLOWED)


def snapshot(folder: Path) -> dict[str, str]:
    """Every regular file under ``folder`` and a hash of its bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and not path.name.startswith(".trace"):
            found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found
