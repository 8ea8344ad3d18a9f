"""What ``advocacy serve`` was asked for: plain values, no imports of the web stack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# A form of answers is a few KiB; a roster of a few thousand members fits in
# 1 MiB. Under Starlette's 1 MiB spooling threshold an upload also never
# reaches the disk.
MAX_BODY_BYTES = 1024 * 1024
# One answer: a statement of a few paragraphs fits; a pasted book does not.
MAX_FIELD_CHARS = 2000
MAX_LIST_ITEMS = 50
MAX_ROSTER_ROWS = 500


@dataclass(frozen=True)
class WebSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    org: Path | None = None
    lang: str | None = None
    # Renders at once; None: one per CPU this process may use (more would
    # only queue for the same CPUs).
    workers: int | None = None
    # Requests allowed to wait for a worker before the site answers 503: 20
    # people pressing Download at once are all served (about 10 s for the last).
    queue: int = 32
    # A render past this many seconds is stopped, and only its request fails.
    render_timeout: float = 60.0
    max_body_bytes: int = MAX_BODY_BYTES
    max_field_chars: int = MAX_FIELD_CHARS
    max_list_items: int = MAX_LIST_ITEMS
    max_roster_rows: int = MAX_ROSTER_ROWS
    # Renders one worker does before a fresh one replaces it (WeasyPrint's
    # native memory creeps up a little per document).
    recycle_after: int = 200
