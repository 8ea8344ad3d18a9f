"""Batch rendering benchmarks, measured side by side in one run.

    .venv/bin/python benchmarks/bench.py            # everything (about 20 minutes on 2 cores)
    .venv/bin/python benchmarks/bench.py --quick    # 20 rows, 100 for memory: a smoke run

What it measures, on a roster generated from the full example patient
(examples/full.yaml, else the starter templates/patient.yaml), one member per row with a
different name and date of birth:

1. ``advocacy batch --jobs 1`` and ``--jobs 2``: letters per second, wall clock,
   process start-up included;
2. the naive way a user would script it: one ``advocacy render --format html``
   per member (timed separately), then one ``weasyprint`` command per file,
   one after another;
3. a bare ``HTML(string=...).write_pdf()`` loop in one process on the same HTML;
4. ``advocacy blank --copies 1000``;
5. the memory of the whole process tree (parent and workers) while
   ``advocacy batch --jobs 2`` renders 1,000 rows, sampled twice a second.

Results are printed as Markdown (paste them into benchmarks/README.md) and
written as JSON beside the work folder. Nothing here is imported by the package.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


# --------------------------------------------------------------------------- inputs


def example_patient() -> Path:
    if (EXAMPLES / "full.yaml").is_file():
        return EXAMPLES / "full.yaml"
    return ROOT / "templates" / "patient.yaml"


def _cells(data: dict[str, Any]) -> dict[str, str]:
    """The example patient as one roster row: dotted headers, lists joined with ';'."""
    from advocacy.group import roster

    row: dict[str, str] = {}
    for column in roster.columns():
        value: Any = data
        for part in column.path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is None or value == []:
            continue
        if isinstance(value, list):
            row[column.path] = "; ".join(str(item) for item in value)
        elif isinstance(value, bool):
            row[column.path] = "true" if value else "false"
        else:
            row[column.path] = str(value)
    return row


def write_roster(path: Path, rows: int) -> None:
    """``rows`` members, each the example patient with their own name and date of birth."""
    import datetime as dt

    from advocacy.model import parse_text

    source = example_patient()
    data = parse_text(source.read_text(encoding="utf-8"), source.suffix, str(source))
    template = _cells(data)
    template.pop("organisation.logo", None)  # relative to examples/; branding is not measured
    header = list(template)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for number in range(rows):
            row = dict(template)
            row["patient.name"] = f"Member {number + 1:04d} Example"
            born = dt.date(1940, 1, 1) + dt.timedelta(days=13 * number)
            row["patient.date_of_birth"] = born.isoformat()
            writer.writerow(row)


def write_patient_files(roster_path: Path, folder: Path) -> list[Path]:
    """Each row as its own patient file, as a user's script would split the roster."""
    from advocacy.group import roster

    folder.mkdir()
    paths = []
    for row in roster.open_roster(roster_path).rows():
        path = folder / f"{row.number:05d}.json"
        path.write_text(json.dumps(row.data), encoding="utf-8")
        paths.append(path)
    return paths


def write_html(patient_files: list[Path]) -> list[Path]:
    """Each row's standalone HTML (stylesheets linked), made in this process: not timed."""
    from advocacy import pipeline
    from advocacy.model import load_patient

    paths = []
    for source in patient_files:
        patient = load_patient(source).data
        html = pipeline.render_html(pipeline.letter(patient), standalone=True)
        path = source.with_suffix(".html")
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    return paths


def naive_html_run(patient_files: list[Path]) -> tuple[float, list[Path]]:
    """The HTML as a user's script would make it: one ``advocacy render`` per member."""
    start = time.perf_counter()
    paths = []
    for source in patient_files:
        path = source.with_suffix(".html")
        command = _advocacy("render", source, "--format", "html", "-o", path, "--force")
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        paths.append(path)
    return time.perf_counter() - start, paths


# --------------------------------------------------------------------------- measuring


def _advocacy(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "advocacy", *map(str, args)]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - start
    if result.returncode:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return took


def batch_run(roster_path: Path, out: Path, jobs: int) -> float:
    return timed(_advocacy("batch", roster_path, "--out-dir", out, "--jobs", jobs, "-q"))


def naive_run(html_files: list[Path], out: Path) -> float:
    out.mkdir()
    weasyprint = Path(sys.executable).with_name("weasyprint")
    command = [str(weasyprint)] if weasyprint.exists() else [sys.executable, "-m", "weasyprint"]
    start = time.perf_counter()
    for path in html_files:
        subprocess.run(
            [*command, str(path), str(out / f"{path.stem}.pdf")],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return time.perf_counter() - start


_BARE_LOOP = """
import sys, time
from pathlib import Path
import weasyprint
files = [Path(p) for p in sys.argv[1:]]
texts = [(p.read_text(encoding="utf-8"), p.parent.as_uri() + "/") for p in files]
start = time.perf_counter()
for html, base in texts:
    weasyprint.HTML(string=html, base_url=base).write_pdf()
print(time.perf_counter() - start)
"""


def bare_run(html_files: list[Path]) -> float:
    """Seconds for the loop alone (WeasyPrint already imported, files already read)."""
    result = subprocess.run(
        [sys.executable, "-c", _BARE_LOOP, *map(str, html_files)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def blank_run(out: Path, copies: int) -> float:
    return timed(_advocacy("blank", "--copies", copies, "-o", out, "--force"))


def _tree(root: int) -> list[int]:
    """``root`` and every process below it, from /proc (Linux only)."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(parents.get(pid, []))
    return found


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_run(roster_path: Path, out: Path, jobs: int, interval: float = 0.5) -> dict[str, Any]:
    """Peak RSS of the whole process tree, per hundred rows done."""
    process = subprocess.Popen(
        _advocacy("batch", roster_path, "--out-dir", out, "--jobs", jobs, "-q"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    samples: list[tuple[int, int, int]] = []  # (rows done, tree KiB, parent KiB)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            done = sum(1 for e in os.scandir(out) if e.name.endswith(".pdf")) if out.exists() else 0
            pids = _tree(process.pid)
            samples.append((done, sum(_rss_kib(p) for p in pids), _rss_kib(process.pid)))
            stop.wait(interval)

    start = time.perf_counter()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    stop.set()
    sampler.join()
    seconds = time.perf_counter() - start
    buckets: dict[int, tuple[int, int]] = {}
    for done, tree, parent in samples:
        # Rows 1-100 are the first hundred; a sample after the last row counts with it.
        bucket = max(done - 1, 0) // 100
        peak = buckets.get(bucket, (0, 0))
        buckets[bucket] = (max(peak[0], tree), max(peak[1], parent))
    return {
        "seconds": seconds,
        "rows": sum(1 for e in os.scandir(out) if e.name.endswith(".pdf")),
        "peak_mib_by_hundred": {
            f"{b * 100 + 1}-{(b + 1) * 100}": [round(t / 1024), round(p / 1024)]
            for b, (t, p) in sorted(buckets.items())
        },
    }


# --------------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    from advocacy.render import weasyprint_versions

    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text(encoding="utf-8").splitlines() if cpuinfo.exists() else []
    model = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "")
    return {
        "cpus": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        **weasyprint_versions(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _pages(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as document:
        return len(document.pages)


def report(results: dict[str, Any]) -> Iterator[str]:
    rows = results["rows"]
    seconds = results["seconds"]
    rate = {k: rows / v for k, v in seconds.items() if k in {"jobs1", "jobs2", "bare"}}
    if "naive_html" in seconds:
        seconds["naive_total"] = seconds["naive_html"] + seconds["naive"]
    yield f"Example: `{results['example']}` ({results['pages']} pages a letter), {rows} rows."
    yield f"Machine: {results['machine']['cpus']} CPUs ({results['machine']['cpu']}),"
    yield (
        f"Python {results['machine']['python']}, WeasyPrint {results['machine']['WeasyPrint']},"
        f" Pango {results['machine']['Pango']}; load average before"
        f" {results['machine']['load_average']}, after {results['load_after']}."
    )
    yield ""
    yield "| way | seconds | letters/s | s/letter |"
    yield "|---|---:|---:|---:|"
    names = {
        "naive_total": "naive: one `advocacy render --format html`, then one `weasyprint`, per row",
        "naive": "naive, `weasyprint` processes only (HTML made beforehand, not timed)",
        "bare": "bare `HTML(string=...).write_pdf()` loop, 1 process",
        "jobs1": "`advocacy batch --jobs 1`",
        "jobs2": "`advocacy batch --jobs 2`",
    }
    for key, label in names.items():
        if key in results["seconds"]:
            took = seconds[key]
            count = results.get("naive_rows", rows) if key.startswith("naive") else rows
            yield f"| {label} | {took:.1f} | {count / took:.2f} | {took / count:.3f} |"
    yield ""
    naive_rows = results.get("naive_rows", rows)
    for key, words in (("naive_total", "the naive script"), ("naive", "`weasyprint` alone")):
        if "jobs2" in rate and key in seconds:
            ratio = rate["jobs2"] / (naive_rows / seconds[key])
            yield f"- `--jobs 2` vs {words}: {ratio:.1f}x (target >= 8x)"
    if "bare" in rate and "naive_total" in seconds:
        # What --jobs 2 would reach doing nothing but WeasyPrint's own work on
        # the same HTML, split perfectly over two cores.
        ceiling = (naive_rows / seconds["naive_total"]) ** -1 / (1 / rate["bare"] / 2)
        yield f"- ceiling on 2 cores, naive script / (bare loop / 2): {ceiling:.1f}x"
    if "jobs2" in rate and "jobs1" in rate:
        yield f"- `--jobs 2` vs `--jobs 1`: {rate['jobs2'] / rate['jobs1']:.2f}x (target >= 1.8x)"
    if "jobs1" in rate and "bare" in rate:
        ratio = (1 / rate["jobs1"]) / (1 / rate["bare"])
        yield f"- per letter, `--jobs 1` vs bare loop: {ratio:.2f} (target <= 1.15)"
    if "blank" in seconds:
        copies = results["copies"]
        yield (
            f"- `advocacy blank --copies {copies}`: {seconds['blank']:.1f} s,"
            f" {copies / seconds['blank']:.0f} copies/s, start-up included (target < 15 s)"
        )
    if "memory" in results:
        memory = results["memory"]
        yield (
            f"- memory, `--jobs 2` over {memory['rows']} rows ({memory['seconds']:.0f} s):"
            " peak RSS of the process tree (parent) per hundred rows, MiB:"
        )
        yield "  " + ", ".join(
            f"{span}: {tree} ({parent})"
            for span, (tree, parent) in memory["peak_mib_by_hundred"].items()
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--naive-rows", type=int, help="Rows for the naive way (default: --rows).")
    parser.add_argument("--memory-rows", type=int, default=1000)
    parser.add_argument("--copies", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="20 rows, 100 for memory.")
    parser.add_argument(
        "--skip",
        default="",
        help="Comma-separated: jobs1, jobs2, naive, bare, blank, memory.",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the work folder.")
    parser.add_argument(
        "--report", type=Path, metavar="JSON", help="Print the summary of a saved run, and stop."
    )
    args = parser.parse_args()
    if args.report is not None:
        print("\n".join(report(json.loads(args.report.read_text(encoding="utf-8")))))
        return
    # A stopped run still removes its work folder.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if args.quick:
        args.rows, args.memory_rows = 20, 100
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    work = Path(tempfile.mkdtemp(prefix="advocacy-bench-"))
    results: dict[str, Any] = {
        "example": str(example_patient().relative_to(ROOT)),
        "rows": args.rows,
        "copies": args.copies,
        "machine": machine(),
        "seconds": {},
    }
    try:
        roster_path = work / "roster.csv"
        write_roster(roster_path, args.rows)
        patient_files = write_patient_files(roster_path, work / "members")
        if "naive" in skip:
            html_files = write_html(patient_files)
        else:
            print("measuring naive_html…", file=sys.stderr, flush=True)
            seconds, html_files = naive_html_run(patient_files[: args.naive_rows or args.rows])
            results["seconds"]["naive_html"] = seconds
            html_files += write_html(patient_files[len(html_files) :])
        naive_files = html_files[: args.naive_rows or args.rows]
        results["naive_rows"] = len(naive_files)
        steps = {
            "jobs1": lambda: batch_run(roster_path, work / "jobs1", 1),
            "jobs2": lambda: batch_run(roster_path, work / "jobs2", 2),
            "naive": lambda: naive_run(naive_files, work / "naive"),
            "bare": lambda: bare_run(html_files),
            "blank": lambda: blank_run(work / "blank.pdf", args.copies),
        }
        for name, step in steps.items():
            if name not in skip:
                print(f"measuring {name}…", file=sys.stderr, flush=True)
                results["seconds"][name] = step()
        for folder in ("jobs1", "jobs2"):
            pdfs = sorted((work / folder).glob("*.pdf")) if (work / folder).exists() else []
            if pdfs:
                results["pages"] = _pages(pdfs[0])
        if "memory" not in skip and sys.platform.startswith("linux"):
            print("measuring memory…", file=sys.stderr, flush=True)
            memory_roster = work / "memory.csv"
            write_roster(memory_roster, args.memory_rows)
            results["memory"] = memory_run(memory_roster, work / "memory", 2)
        results["load_after"] = [round(x, 2) for x in os.getloadavg()]
        results.setdefault("pages", "?")
        saved = work.parent / f"{work.name}.json"
        saved.write_text(json.dumps(results, indent=2), encoding="utf-8")
        print(f"results saved to {saved}", file=sys.stderr)
        print("\n".join(report(results)))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
