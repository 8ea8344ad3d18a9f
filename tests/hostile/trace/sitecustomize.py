"""Loaded by every Python process of a hostile case (the CLI and its batch workers).

Records, through Python's audit hooks, every file opened for reading and
every network call, to ``$HOSTILE_TRACE.<pid>``: the suite checks that no
case reads outside its own folder and the tool's assets, and that none
connects anywhere.
"""

import atexit
import json
import os
import sys

_LOG = os.environ.get("HOSTILE_TRACE")
if _LOG:
    _opened: set[str] = set()
    _network: list[str] = []

    def _hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = args
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR)
            )
            if isinstance(path, str | bytes) and not writing:
                _opened.add(os.fsdecode(path))
        elif event in {"socket.connect", "socket.getaddrinfo", "urllib.Request"}:
            _network.append(f"{event} {args[:2]!r}")

    def _write() -> None:
        with open(f"{_LOG}.{os.getpid()}", "w", encoding="utf-8") as handle:  # noqa: PTH123
            json.dump({"opened": sorted(_opened), "network": _network}, handle)

    atexit.register(_write)
    sys.addaudithook(_hook)
