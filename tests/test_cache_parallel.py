"""Worker processes never change the build: same outputs and problems as one process, in order."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from benchmarks import gen_corpus
from sitegen.build import render_site
from sitegen.config import load_config
from sitegen.parallel import MIN_TASKS, Workers, fork_is_safe, in_background


def _square(n: int) -> int:
    return n * n


def test_results_come_back_in_task_order() -> None:
    tasks = [lambda n=n: _square(n) for n in range(1000)]
    assert Workers(2).run(tasks) == [n * n for n in range(1000)]
    assert Workers(1).run(tasks) == Workers(3).run(tasks)


@pytest.mark.skipif(not fork_is_safe(), reason="workers fork only on Linux from one thread")
def test_workers_are_reaped() -> None:
    pids = set(Workers(2).run([os.getpid for _ in range(8 * MIN_TASKS)])) - {os.getpid()}
    for pid in pids:  # a worker that did some of the work has been waited for: no zombies
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_a_task_error_is_raised_in_the_caller() -> None:
    def task(n: int) -> int:
        if n == 300:
            raise KeyError("the broken one")
        return n
    with pytest.raises(KeyError, match="the broken one"):
        Workers(2).run([lambda n=n: task(n) for n in range(500)])


def test_no_fork_while_other_threads_run() -> None:
    """serve builds from a thread next to its HTTP server: forking there could deadlock."""
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait)
    helper.start()
    try:
        assert set(Workers(2).run([os.getpid for _ in range(4 * MIN_TASKS)])) == {os.getpid()}
    finally:
        stop.set()
        helper.join()


def test_a_background_task_runs_in_another_process_and_hands_back_its_result() -> None:
    collect = in_background(lambda: (os.getpid(), list(range(100_000))))  # larger than a pipe's buffer
    pid, numbers = collect()
    assert numbers == list(range(100_000))
    assert pid != os.getpid() or not fork_is_safe()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped


def test_a_background_task_finishes_the_threads_it_starts(tmp_path: Path) -> None:
    """search.py leaves the deletion of Pagefind's input to a thread: it must not be cut short."""
    marker = tmp_path / "done"

    def task() -> int:
        def later() -> None:
            threading.Event().wait(0.2)  # stands for slow clean-up work, not synchronisation
            marker.write_text("ok")
        threading.Thread(target=later).start()
        return 1
    assert in_background(task)() == 1
    assert marker.read_text() == "ok"  # the result came after the child's threads ended


def test_a_background_task_error_is_raised_by_its_collector() -> None:
    def broken() -> None:
        raise ValueError("index failed")
    collect = in_background(broken)
    with pytest.raises(ValueError, match="index failed"):
        collect()


def test_a_background_task_runs_in_a_thread_where_forking_is_unsafe() -> None:
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait)
    helper.start()
    try:
        assert in_background(os.getpid)() == os.getpid()
    finally:
        stop.set()
        helper.join()


def test_a_parallel_build_equals_a_serial_one(tmp_path: Path) -> None:
    root = tmp_path / "site"
    gen_corpus.generate(150, 5, root)
    with (root / "sitegen.toml").open("a") as toml:
        toml.write("\n[search]\nenabled = false\n")
    config, _ = load_config(root)
    serial = render_site(config, workers=Workers(1))
    parallel = render_site(config, workers=Workers(2))
    assert len(serial.outputs) > 400
    assert [(o.path, o.data) for o in parallel.outputs] == [(o.path, o.data) for o in serial.outputs]
    assert parallel.diagnostics == serial.diagnostics
