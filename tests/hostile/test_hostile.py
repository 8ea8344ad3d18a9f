"""Every hostile or faulty input from issue 13, run as a person would run it.

Each case asserts its exit code and its words, that no traceback appeared, that
it finished within the timeout under a memory cap, that no file outside the
case and the tool's assets was read, that nothing touched the network, and that
nothing was left half-written or replaced: the only new files are the ones the
case expects, and every file that was there is unchanged.
"""

from __future__ import annotations

import contextlib
import os
import pty
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hostile import harness
from tests.hostile.cases import CASES, Case


@contextlib.contextmanager
def _mounts(folder: Path) -> Iterator[None]:
    """``ro``: a read-only disk; ``tiny``: a 32 KB one. Needs root (or skips)."""
    mounted = []
    try:
        for name, options in (("ro", "size=64k,ro"), ("tiny", "size=32k")):
            (folder / name).mkdir()
            result = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder / name)],
                capture_output=True,
                check=False,
            )
            if result.returncode != 0:
                pytest.skip("mounting a tmpfs is not permitted here")
            mounted.append(folder / name)
        yield
    finally:
        for path in mounted:
            subprocess.run(["umount", str(path)], check=False)


def _write(folder: Path, case: Case) -> None:
    for name, content in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    if case.setup is not None:
        case.setup(folder)


def _run(case: Case, folder: Path) -> harness.Outcome:
    if case.tty:
        leader, follower = pty.openpty()
        try:
            return harness.run(case.args, folder, stdin=case.stdin, stdout=follower)
        finally:
            os.close(leader)
            os.close(follower)
    if case.broken_pipe:
        return _broken_pipe(case, folder)
    if case.stdout_file:
        fd = os.open(case.stdout_file, os.O_WRONLY)
        try:
            return harness.run(case.args, folder, stdin=case.stdin, stdout=fd)
        finally:
            os.close(fd)
    return harness.run(case.args, folder, stdin=case.stdin, close_stdout=case.closed_stdout)


def _broken_pipe(case: Case, folder: Path) -> harness.Outcome:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return harness.run(case.args, folder, stdin=case.stdin, stdout=write_end)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile(case: Case, tmp_path: Path, figures: list[dict[str, Any]]) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    with _mounts(folder) if case.root else contextlib.nullcontext():
        _write(folder, case)
        before = harness.snapshot(folder)
        outcome = _run(case, folder)
        after = harness.snapshot(folder)
    lost = [name for name, digest in before.items() if after.get(name) != digest]
    new = sorted(set(after) - set(before) - set(case.creates))
    half = [name for name in after if name.endswith(".part")]
    figures.append(
        {
            "id": case.id,
            "traceback": "Traceback" in outcome.err,
            "timed_out": outcome.timed_out,
            "outside": len(outcome.opened_outside),
            "network": len(outcome.network),
            "lost": len(lost) + len(half) + len(new),
            "peak_kb": outcome.peak_kb,
            "seconds": outcome.seconds,
        }
    )
    shown = f"exit {outcome.code} after {outcome.seconds:.1f} s\n{outcome.err}"
    assert not outcome.timed_out, shown
    assert "Traceback" not in outcome.err, shown
    assert outcome.code == case.code, shown
    said = outcome.err + outcome.out.decode("utf-8", errors="replace")
    assert case.words in said, shown
    assert "\x1b" not in outcome.err, "a raw escape reached the terminal"
    if not outcome.out.startswith(b"%PDF"):
        assert b"\x1b" not in outcome.out, "a raw escape reached the terminal"
    assert not outcome.network, outcome.network
    assert not outcome.opened_outside, outcome.opened_outside
    assert not lost, f"changed or removed: {lost}"
    assert not half, f"half-written: {half}"
    assert not new, f"unexpected files: {new}"
    for name in case.creates:
        assert (folder / name).stat().st_size > 0, name
    if case.then is not None:
        case.then(folder)
