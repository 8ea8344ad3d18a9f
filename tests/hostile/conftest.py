"""Collects each hostile case's figures and prints them after the run."""

from __future__ import annotations

from typing import Any

import pytest

FIGURES: list[dict[str, Any]] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    worst = max(FIGURES, key=lambda f: f["peak_kb"])
    lines = [
        f"cases: {len(FIGURES)}",
        f"tracebacks: {sum(f['traceback'] for f in FIGURES)}",
        f"hangs (timed out): {sum(f['timed_out'] for f in FIGURES)}",
        f"files read outside the case and the assets: {sum(f['outside'] for f in FIGURES)}",
        f"network calls: {sum(f['network'] for f in FIGURES)}",
        f"files lost, changed or half-written: {sum(f['lost'] for f in FIGURES)}",
        f"peak memory: {worst['peak_kb'] / 1024:.0f} MiB ({worst['id']})",
        f"slowest: {max(f['seconds'] for f in FIGURES):.1f} s",
    ]
    terminalreporter.write_sep("-", "hostile suite figures")
    for line in lines:
        terminalreporter.write_line(line)


@pytest.fixture
def figures() -> list[dict[str, Any]]:
    return FIGURES
