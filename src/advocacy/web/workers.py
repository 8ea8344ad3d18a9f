"""A few warm render processes, shared by every request, each job with a time limit.

Why not ``advocacy.group.batch._Pool`` (a ``ProcessPoolExecutor``): an executor cannot stop
one job that runs too long, and one worker that dies breaks the whole pool,
failing every request in flight. Here each worker is its own process on its
own pipe: a job past its time limit has its worker killed and replaced, a
worker that crashes is replaced, and in both cases only that job's request
fails. Workers are warmed like the batch's (one ``Renderer``: fonts and
stylesheets loaded once), get a private temp folder (WeasyPrint leaves copies
of web fonts behind), and are replaced after ``recycle_after`` jobs because
WeasyPrint's native memory creeps up a little with every document.

The queue is bounded: when ``queue`` requests already wait for a worker, the
next is refused at once (:class:`advocacy.errors.Busy`, a 503 with Retry-After) instead of
piling up.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from advocacy.errors import AdvocacyError, Busy, JobFailed

_PREFIX = "advocacy-web-"
# A letter takes a second or two; by then a worker has most likely come free.
RETRY_AFTER_SECONDS = 5


_renderer: Any = None


def renderer() -> Any:
    """The worker's warm renderer (made on first use outside a worker, as in tests)."""
    global _renderer
    if _renderer is None:
        from advocacy import render

        _renderer = render.Renderer()
    return _renderer


def _worker_main(conn: Connection, temp_dir: str) -> None:
    # WeasyPrint copies web fonts into a weasyprint-* folder it never removes
    # when a process exits; the pool's own folder goes when the pool closes.
    os.environ["TMPDIR"] = temp_dir
    tempfile.tempdir = temp_dir
    # Ctrl-C reaches the whole process group; the server alone decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        renderer()
    except Exception:  # noqa: S110 - the first job reports the same problem in words
        pass
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        function, args = job
        try:
            reply: tuple[str, Any] = ("ok", function(*args))
        except AdvocacyError as exc:
            reply = ("error", str(exc))
        except Exception as exc:  # one person's odd data must not stop the worker
            reply = ("error", f"The document could not be made ({type(exc).__name__}).")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


class _Worker:
    def __init__(self, context: Any, temp_dir: Path) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child, str(temp_dir)), daemon=True
        )
        self.process.start()
        child.close()
        self.jobs = 0

    def call(self, function: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> Any:
        """Run one job; blocks the calling thread (never the event loop)."""
        self.jobs += 1
        try:
            self.conn.send((function, args))
            if not self.conn.poll(timeout):
                self.kill()
                msg = (
                    f"Making the document took longer than {timeout:g} seconds and was stopped."
                    " Please try again."
                )
                raise JobFailed(msg)
            status, value = self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.kill()
            msg = "The process making the document stopped unexpectedly. Please try again."
            raise JobFailed(msg) from None
        if status != "ok":
            raise JobFailed(str(value))
        return value

    @property
    def alive(self) -> bool:
        return bool(self.process.is_alive())

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(5)
        self.kill()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    def __init__(
        self,
        size: int = 2,
        queue: int = 8,
        timeout: float = 60.0,
        recycle_after: int = 200,
    ) -> None:
        self.size = max(1, size)
        self.queue = max(0, queue)
        self.timeout = timeout
        self.recycle_after = max(1, recycle_after)
        # spawn: no fork of a server with threads; the same on every system.
        self._context = multiprocessing.get_context("spawn")
        self._temp_dir: Path | None = None
        self._idle: asyncio.Queue[_Worker] | None = None
        self._threads: cf.ThreadPoolExecutor | None = None
        self._waiting = 0
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        self._returning: set[asyncio.Task[None]] = set()

    @property
    def temp_dir(self) -> Path | None:
        return self._temp_dir

    def start(self) -> None:
        self._temp_dir = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-"))
        self._idle = asyncio.Queue()
        self._threads = cf.ThreadPoolExecutor(self.size, thread_name_prefix="render")
        for _ in range(self.size):
            self._idle.put_nowait(self._spawn())

    def _spawn(self) -> _Worker:
        assert self._temp_dir is not None  # noqa: S101 - start() comes first
        worker = _Worker(self._context, self._temp_dir)
        with self._lock:
            self._all.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run ``function(*args)`` in a worker; raises Busy or JobFailed."""
        if self._idle is None or self._threads is None:
            msg = "The render workers are not running."
            raise JobFailed(msg)
        if self._idle.empty() and self._waiting >= self.queue:
            raise Busy(retry_after=RETRY_AFTER_SECONDS)
        self._waiting += 1
        try:
            worker = await self._idle.get()
        finally:
            self._waiting -= 1
        loop = asyncio.get_running_loop()
        job = loop.run_in_executor(self._threads, worker.call, function, args, self.timeout)
        # The worker goes back to the pool when its job is over, not when the
        # request is: a request that goes away mid-render must not hand a busy
        # worker to the next one.
        job.add_done_callback(lambda done: self._job_over(loop, worker, done))
        return await asyncio.shield(job)

    def _job_over(
        self, loop: asyncio.AbstractEventLoop, worker: _Worker, job: asyncio.Future[Any]
    ) -> None:
        if not job.cancelled():
            job.exception()  # retrieved here when nobody waits for it any more
        task = loop.create_task(self._give_back(worker))
        self._returning.add(task)
        task.add_done_callback(self._returning.discard)

    async def _give_back(self, worker: _Worker) -> None:
        assert self._idle is not None  # noqa: S101 - start() comes first
        if not worker.alive or worker.jobs >= self.recycle_after:
            self._retire(worker)
            loop = asyncio.get_running_loop()
            worker = await loop.run_in_executor(self._threads, self._replace, worker)
        self._idle.put_nowait(worker)

    def _replace(self, old: _Worker) -> _Worker:
        old.stop()
        return self._spawn()

    @property
    def busy(self) -> int:
        """Jobs waiting for a worker (for tests and the benchmark)."""
        return self._waiting

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.stop()
        if self._threads is not None:
            self._threads.shutdown(wait=True)
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
