"""Faults that need timing: a batch killed with kill -9, and two batches in one folder."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.hostile import harness
from tests.hostile.cases import CSV_HEAD

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux")
    or not Path(f"/proc/self/task/{os.getpid()}/children").exists(),
    reason="reads /proc/PID/task/TID/children",
)


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found |= {int(p) for p in text.split()}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def _roster(folder: Path, rows: int) -> Path:
    roster = folder / "r.csv"
    lines = [f"Member {n},1970-01-{n % 28 + 1:02d},HSP,50" for n in range(rows)]
    roster.write_text(CSV_HEAD + "\n".join(lines) + "\n", encoding="utf-8")
    return roster


def test_kill_9_of_the_batch_leaves_no_worker_running(tmp_path: Path) -> None:
    _roster(tmp_path, 40)
    process = subprocess.Popen(
        [sys.executable, "-m", "advocacy", "batch", "r.csv", "--out-dir", "out", "-j", "2"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: harness._limits(False),  # noqa: PLW1509
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        # Wait until the workers have started rendering (a PDF is written).
        while time.monotonic() < deadline:
            workers = _children(process.pid)
            if len(workers) >= 2 and list((tmp_path / "out").glob("*.pdf")):
                break
            time.sleep(0.1)
        assert workers, "the batch never started its workers"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        left = [w for w in workers if _alive(w)]
        assert not left, f"workers still running after kill -9 of the batch: {left}"
        written = len(list((tmp_path / "out").glob("*.pdf")))
        time.sleep(2)
        assert len(list((tmp_path / "out").glob("*.pdf"))) == written, "still writing"
    finally:
        # Only the processes this test started, if the fix ever regresses.
        for pid in [w for w in workers if _alive(w)]:
            os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_second_batch_clears_only_abandoned_part_files(tmp_path: Path) -> None:
    _roster(tmp_path, 1)
    out = tmp_path / "out"
    out.mkdir()
    in_flight = out / ".Other-Member.pdf.k2j4h1.part"
    abandoned = out / ".Killed-Member.pdf.q8w7e6.part"
    in_flight.write_bytes(b"%PDF-1.7 being written by another run")
    abandoned.write_bytes(b"%PDF-1.7 left by kill -9")
    with in_flight.open("rb") as handle:
        # Another run, alive and writing: it holds the lock write_atomic takes.
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        outcome = harness.run(["batch", "r.csv", "--out-dir", "out"], tmp_path)
        assert outcome.code == 0, outcome.err
        assert in_flight.exists(), "deleted another run's file in flight"
    assert not abandoned.exists(), "a killed run's leftover was not cleared"
    assert "Traceback" not in outcome.err


def test_ctrl_c_mid_batch_leaves_only_whole_pdfs(tmp_path: Path) -> None:
    import pikepdf

    _roster(tmp_path, 30)
    process = subprocess.Popen(
        [sys.executable, "-m", "advocacy", "batch", "r.csv", "--out-dir", "out", "-j", "2"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: harness._limits(False),  # noqa: PLW1509 - its own process group
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list((tmp_path / "out").glob("*.pdf")):
            time.sleep(0.1)
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole group
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    text = err.decode("utf-8", errors="replace")
    assert "Traceback" not in text, text
    assert "Interrupted" in text, text
    assert process.returncode != 0
    out = tmp_path / "out"
    assert not [p.name for p in out.iterdir() if p.name.endswith(".part")]
    for pdf in out.glob("*.pdf"):
        with pikepdf.open(pdf) as document:  # a half-written file would not open
            assert len(document.pages) >= 1
