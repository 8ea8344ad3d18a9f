"""Jobs for the worker-pool tests: importable by a spawned worker process."""

from __future__ import annotations

import os
import time


def echo(value: str) -> str:
    return value


def nap(seconds: float) -> str:
    time.sleep(seconds)
    return "rested"


def crash() -> None:
    # What an out-of-memory kill or a segfault in a native library looks like.
    os._exit(1)


def fail() -> None:
    msg = "a secret answer in an exception"
    raise ValueError(msg)


def pid() -> int:
    return os.getpid()
