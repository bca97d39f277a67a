"""Forked worker processes for the build: run many small pure tasks on every core, results in input order.

The build's expensive steps (rendering Markdown bodies, rendering pages) are independent
per item and read a large shared model. Forking after the model exists gives each worker
that model for free (copy-on-write), so only task *results* cross a pipe, never inputs:
tasks are plain closures over the parent's data, not picklable jobs.

Scheduling is dynamic (a shared counter hands out chunks, so one giant entity page does
not leave a core idle) but the output never depends on it: results are reassembled by
task index, and every task is a pure function of data fixed before the fork.

Fork is used only where it is safe: on Linux, from a process with a single thread (the
`serve` preview runs HTTP and watcher threads, and builds serially). Anywhere else, and
for small batches, tasks simply run in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

MIN_TASKS = 48
"""Below this many tasks a fork costs more than it saves."""
CHUNKS_PER_WORKER = 16
"""Chunks handed out per worker: small enough to balance, large enough to amortise the lock."""


def available_cores() -> int:
    """Cores this process may run on (respects taskset/cgroup CPU affinity)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def fork_is_safe() -> bool:
    """Forking copies only the calling thread; with other threads alive, locks they hold stay held."""
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


class WorkerFailed(RuntimeError):
    """A task raised in a worker process; carries the worker's traceback as text."""


@dataclass(frozen=True, slots=True)
class Workers:
    """How many processes the build may use; `Workers(1)` (the default everywhere) runs serially."""

    jobs: int = 1

    def run(self, tasks: Sequence[Callable[[], T]]) -> list[T]:
        """Every task's result, in the order of `tasks`; a task's exception is re-raised here."""
        jobs = min(self.jobs, len(tasks) // (MIN_TASKS // 2) or 1)
        if jobs <= 1 or len(tasks) < MIN_TASKS or not fork_is_safe():
            return [task() for task in tasks]
        return _forked(tasks, jobs)


def _chunks(count: int, jobs: int) -> list[range]:
    size = max(1, -(-count // (jobs * CHUNKS_PER_WORKER)))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def _work(tasks: Sequence[Callable[[], T]], chunks: list[range], counter,  # type: ignore[no-untyped-def]
          ) -> dict[int, list[T]]:
    """Take the next chunk until none are left; results by chunk number."""
    done: dict[int, list[T]] = {}
    while True:
        with counter.get_lock():
            number = counter.value
            counter.value += 1
        if number >= len(chunks):
            return done
        done[number] = [tasks[i]() for i in chunks[number]]


def _child(tasks: Sequence[Callable[[], object]], chunks: list[range], counter, write_fd: int,  # type: ignore[no-untyped-def]
           ) -> None:
    """Body of a forked worker: compute, send the pickled results, and leave without cleanup."""
    status = 0
    try:
        try:
            payload = pickle.dumps(("ok", _work(tasks, chunks, counter)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # noqa: BLE001 — every failure is reported to the parent
            detail = traceback.format_exc()
            try:
                payload = pickle.dumps(("raised", exc, detail), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # an exception that cannot be pickled still gets its traceback across
                payload = pickle.dumps(("raised", None, detail), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_fd, "wb", closefd=True) as pipe:
            pipe.write(payload)
        # A task may leave work to a non-daemon thread that a normal exit would wait for
        # (search.py deletes Pagefind's input folder so): os._exit would cut it short.
        for thread in threading.enumerate():
            if thread is not threading.current_thread() and not thread.daemon:
                thread.join()
    except BaseException:  # noqa: BLE001 — nothing may escape a forked child
        status = 1
    finally:
        os._exit(status)  # no atexit handlers, no flushing of the parent's buffers


def _forked(tasks: Sequence[Callable[[], T]], jobs: int) -> list[T]:
    chunks = _chunks(len(tasks), jobs)
    counter = multiprocessing.get_context("fork").Value("q", 0)
    sys.stdout.flush()
    sys.stderr.flush()
    # Objects that exist now are never collected by the workers, so their memory stays shared.
    # A build that freezes its own stages (build.py) keeps them frozen afterwards as well.
    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    children: list[tuple[int, int]] = []
    try:
        for _ in range(jobs - 1):
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_fd)
                _child(tasks, chunks, counter, write_fd)
            os.close(write_fd)
            children.append((pid, read_fd))
    finally:
        if not frozen_before:
            gc.unfreeze()
    results: dict[int, list[T]] = {}
    failure: tuple[BaseException | None, str] | None = None
    try:
        results.update(_work(tasks, chunks, counter))  # this process is a worker too
    except BaseException as exc:
        failure = (exc, traceback.format_exc())
    for pid, read_fd in children:
        with os.fdopen(read_fd, "rb", closefd=True) as pipe:
            payload = pipe.read()
        _, status = os.waitpid(pid, 0)
        if not payload:
            failure = failure or (None, f"worker {pid} ended without results (wait status {status})")
            continue
        message = pickle.loads(payload)
        if message[0] == "ok":
            results.update(message[1])
        else:
            failure = failure or (message[1], message[2])
    if failure is not None:
        exc, detail = failure
        if exc is not None:
            raise exc
        raise WorkerFailed(detail)
    return [result for number in range(len(chunks)) for result in results[number]]


def in_background(task: Callable[[], T]) -> Callable[[], T]:
    """Start `task` in a forked process now; the function returned waits for its result.

    For a long task that is mostly not Python (Pagefind) but has Python steps around it:
    in a thread those would compete for this process's interpreter lock with the rest
    of the build. Where forking is not safe the task runs in a thread instead.
    """
    if not fork_is_safe():
        box: list[tuple[bool, object]] = []

        def run() -> None:
            try:
                box.append((True, task()))
            except BaseException as exc:  # noqa: BLE001 — re-raised by the collector
                box.append((False, exc))

        thread = threading.Thread(target=run, name="sitegen-background")
        thread.start()

        def joined() -> T:
            thread.join()
            ok, value = box[0]
            if not ok:
                raise value  # type: ignore[misc]
            return value  # type: ignore[return-value]
        return joined
    counter = multiprocessing.get_context("fork").Value("q", 0)
    sys.stdout.flush()
    sys.stderr.flush()
    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child([task], [range(1)], counter, write_fd)
    os.close(write_fd)
    if not frozen_before:
        gc.unfreeze()

    def collected() -> T:
        with os.fdopen(read_fd, "rb", closefd=True) as pipe:
            payload = pipe.read()
        _, status = os.waitpid(pid, 0)
        if not payload:
            raise WorkerFailed(f"background process {pid} ended without a result (wait status {status})")
        message = pickle.loads(payload)
        if message[0] != "ok":
            if message[1] is not None:
                raise message[1]
            raise WorkerFailed(message[2])
        result: T = message[1][0][0]
        return result
    return collected
