"""load.py's memory of file contents (kept by `serve`): it never returns stale bytes."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sitegen.load import RACY_NS, _read


def _age(path: Path, seconds: float) -> None:
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_an_unchanged_old_file_is_not_read_again(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"first")
    reads: dict = {}  # type: ignore[type-arg]
    first = _read(path, "a.md", reads, time.time_ns())
    # Only ctime (which utime cannot set back) is recent; "now" is taken past the racy window.
    later = time.time_ns() + 2 * RACY_NS
    assert _read(path, "a.md", reads, later) is first


def test_a_rewrite_with_the_same_size_and_modification_time_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"first")
    _age(path, 60)
    reads: dict = {}  # type: ignore[type-arg]
    assert _read(path, "a.md", reads, time.time_ns()) == b"first"
    stamp = path.stat().st_mtime_ns
    path.write_bytes(b"other")  # same size
    os.utime(path, ns=(stamp, stamp))  # and the very same modification time, as within one tick
    assert _read(path, "a.md", reads, time.time_ns()) == b"other"


def test_a_file_changed_just_before_the_previous_read_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"first")
    reads: dict = {}  # type: ignore[type-arg]
    now = time.time_ns()
    assert _read(path, "a.md", reads, now) == b"first"
    # Same signature, but too recent to trust: a second write in the same tick could hide in it.
    reads["a.md"] = (reads["a.md"][0], b"stale")
    assert _read(path, "a.md", reads, now) == b"first"
