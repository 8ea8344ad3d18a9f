"""Web benchmarks: ``advocacy serve`` as people use it, measured over real HTTP.

    .venv/bin/python benchmarks/web.py               # the figures in benchmarks/README.md
    .venv/bin/python benchmarks/web.py --quick       # a smoke run (a few requests)

It starts ``advocacy serve`` (one render worker per CPU, the default) on a free port,
fills the form with the full example patient (examples/full.yaml, as the
"Check your answers" page would send it) and measures:

1. one person: the time from pressing "Download PDF" (the POST) to the last
   byte of the PDF, ``--single`` times one after another;
2. 20 people pressing it at the same moment (``--crowd``), twice: every
   response is counted (served, 503, failed) and timed;
3. the page previews (``POST /preview``: the pages as PNG pictures);
4. memory: the resident memory (RSS) of the server's whole process tree
   (server and render workers), sampled from /proc after every 50 downloads
   over ``--memory`` downloads.

Only the standard library talks to the server. Nothing here is imported by the package.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def form_body(source: Path | None = None) -> bytes:
    """The example patient as the review page posts it."""
    from advocacy.model import parse_text
    from advocacy.web import form

    source = source or EXAMPLES / "full.yaml"
    if not source.is_file():
        source = ROOT / "templates" / "patient.yaml"
    raw = parse_text(source.read_text(encoding="utf-8"), source.suffix, str(source))
    values, _ = form.from_patient_data(raw, "en-US")
    return urllib.parse.urlencode(values).encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def post(url: str, body: bytes) -> tuple[int, float, int]:
    """(status, seconds to the last byte, bytes)."""
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
            data = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        data = exc.read()
        status = exc.code
    except OSError:
        return 0, time.perf_counter() - started, 0
    return status, time.perf_counter() - started, len(data)


def post_json(url: str, body: bytes) -> tuple[int, float, int]:
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        url, data=body, headers={"Content-Type": "application/json"}
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, time.perf_counter() - started, len(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, time.perf_counter() - started, 0


def _api_patient(body: bytes) -> dict[str, Any]:
    """The posted form as the patient file the API takes."""
    from advocacy.web import form

    values = dict(urllib.parse.parse_qsl(body.decode()))
    return form.to_answers(values)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def tree_rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def crowd(url: str, body: bytes, people: int) -> list[tuple[int, float, int]]:
    results: list[tuple[int, float, int]] = []
    lock = threading.Lock()
    gate = threading.Barrier(people)

    def one() -> None:
        gate.wait()
        outcome = post(url, body)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=one) for _ in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def summary(name: str, results: list[tuple[int, float, int]]) -> dict[str, Any]:
    times = [t for status, t, _ in results if status == 200]
    return {
        "name": name,
        "requests": len(results),
        "served": sum(1 for s, _, _ in results if s == 200),
        "busy_503": sum(1 for s, _, _ in results if s == 503),
        "failed": sum(1 for s, _, _ in results if s not in (200, 503)),
        "p50": percentile(times, 0.5) if times else None,
        "p95": percentile(times, 0.95) if times else None,
        "max": max(times) if times else None,
        "mean_bytes": statistics.mean(b for s, _, b in results if s == 200) if times else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--single", type=int, default=20)
    parser.add_argument("--crowd", type=int, default=20)
    parser.add_argument("--previews", type=int, default=5)
    parser.add_argument("--memory", type=int, default=300)
    parser.add_argument(
        "--memory-clients", type=int, default=1, help="downloads at once in the memory run"
    )
    parser.add_argument(
        "--checks", type=int, default=0, help="also N requests to /api/check (no render)"
    )
    parser.add_argument("--example", type=Path, help="the patient file (default: full.yaml)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.single, args.crowd, args.previews, args.memory = 3, 5, 1, 20

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "advocacy", "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    runs: list[dict[str, Any]] = []
    memory: list[tuple[int, float]] = []
    check_memory: list[tuple[int, float]] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=2):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        body = form_body(args.example)
        # Warm: the workers load fonts and stylesheets on their first letters.
        for _ in range(2):
            post(base + "/pdf", body)

        if args.single:
            singles = [post(base + "/pdf", body) for _ in range(args.single)]
            runs.append(summary("1 person", singles))
        for attempt in (1, 2) if args.crowd else ():
            runs.append(
                summary(f"{args.crowd} at once ({attempt})", crowd(base + "/pdf", body, args.crowd))
            )
        if args.previews:
            previews = [post(base + "/preview", body) for _ in range(args.previews)]
            runs.append(summary("preview (PNG pages)", previews))
        if args.checks:
            patient = json.dumps(_api_patient(body)).encode()
            before = tree_rss_mib(server.pid)
            checks = [post_json(base + "/api/check", patient) for _ in range(args.checks)]
            runs.append(summary(f"/api/check x {args.checks}", checks))
            check_memory.extend([(0, before), (args.checks, tree_rss_mib(server.pid))])
        memory.append((0, tree_rss_mib(server.pid)))
        done = 0
        while done < args.memory:
            batch = min(args.memory_clients, args.memory - done)
            outcomes = (
                crowd(base + "/pdf", body, batch) if batch > 1 else [post(base + "/pdf", body)]
            )
            failed = [status for status, _, _ in outcomes if status != 200]
            if failed:
                runs.append({"name": "memory run", "failed_at": done, "status": failed[0]})
                break
            previous, done = done, done + batch
            if done // 50 != previous // 50 or done == args.memory:
                memory.append((done, tree_rss_mib(server.pid)))
    finally:
        server.terminate()
        server.wait(30)

    print(f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print()
    print("| run | requests | served | 503 | failed | p50 s | p95 s | max s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for run in runs:
        if "p50" not in run:
            print(f"| {run['name']} | failed at {run['failed_at']} ({run['status']}) |")
            continue
        cells = [
            f"{run[k]:.2f}" if isinstance(run[k], float) else "–" for k in ("p50", "p95", "max")
        ]
        print(
            f"| {run['name']} | {run['requests']} | {run['served']} | {run['busy_503']}"
            f" | {run['failed']} | " + " | ".join(cells) + " |"
        )
    print()
    print("| downloads | " + " | ".join(str(n) for n, _ in memory) + " |")
    print("|---|" + "---:|" * len(memory))
    print("| RSS MiB (server + workers) | " + " | ".join(f"{m:.0f}" for _, m in memory) + " |")
    if check_memory:
        (_, before), (count, after) = check_memory
        print(f"\n/api/check: {before:.0f} MiB before {count} requests, {after:.0f} MiB after")
    saved = Path(tempfile.gettempdir()) / f"advocacy-web-bench-{int(time.time())}.json"
    raw = {"runs": runs, "memory": memory, "check_memory": check_memory}
    saved.write_text(json.dumps(raw, indent=2), encoding="utf-8")
    print(f"\nRaw numbers: {saved}")


if __name__ == "__main__":
    main()
