"""The search index while serving: memoised by the pages it indexes, and built off the rebuild's path.

Pagefind indexes every page in a separate process and takes seconds on a large archive,
so `serve` must not wait for it before showing an edit. A build asks for the index of its
pages; if it is at hand it is used, otherwise the previous one is returned at once and the
new one is built in the background. The server makes requests for the index's own files
wait until the index matches the pages served, so no answer mixes two versions.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import pickle
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sitegen.config import Config
from sitegen.diagnostics import Diagnostic, error
from sitegen.pages import differing
from sitegen.render import Output
from sitegen.search import BUNDLE_DIR
from sitegen.search_process import NICENESS, IndexProcess

Index = tuple[list[Output], list[Diagnostic]]
Key = bytes


@dataclass(frozen=True, slots=True)
class PageDigests:
    """The pages a key was taken of, in order, and what each added to the key (path and digest)."""

    pages: tuple[Output, ...] = ()
    parts: tuple[bytes, ...] = ()


def _part(page: Output) -> bytes:
    return (len(page.path).to_bytes(8, "little") + page.path.encode()
            + hashlib.blake2b(page.data, digest_size=20).digest())


def index_key(pages: Iterable[Output], config: Config, known: PageDigests | None = None) -> tuple[Key, PageDigests]:
    """A digest of everything the index is built from: the rendered pages and the configuration.

    Hashing every page again would cost more than the rest of a serve rebuild (a 10,000-article
    site is hundreds of megabytes), so the pages are compared with those `known` digests were
    taken of, position by position, by identity in C: only the pages that differ are hashed.
    """
    pages = tuple(pages)
    known = known or PageDigests()
    if len(known.pages) == len(pages):
        parts = list(known.parts)
        for i in differing(known.pages, pages):
            parts[i] = _part(pages[i])
    else:
        parts = [_part(page) for page in pages]
    hasher = hashlib.blake2b(pickle.dumps(config, protocol=5), digest_size=20)
    hasher.update(b"".join(parts))
    return hasher.digest(), PageDigests(pages, tuple(parts))


INDEX_PREFIX = f"{BUNDLE_DIR}/"


def is_index_file(path: str) -> bool:
    return path.startswith(INDEX_PREFIX)


def _lower_priority() -> None:
    """Yield the CPU to rebuilds and page loads: on Linux a thread has its own nice value,
    and the Pagefind process it starts inherits it."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
    except (AttributeError, OSError):
        pass  # not Linux, or not allowed: the index is merely built at normal priority


_RUNNING: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


@atexit.register
def _finish_before_exit() -> None:
    """Let index threads end before the interpreter does.

    A daemon thread still running when Python finalises is stopped where it next takes the
    interpreter lock; inside a C extension (cbor2, while a bundle is canonicalised) that
    aborts the process. atexit handlers run before that point. `sitegen serve` does not
    wait here on Ctrl+C: it leaves without finalising (see serve_cli.cmd_serve).
    """
    for thread in list(_RUNNING):
        thread.join()


def indexing_unfinished() -> bool:
    """True while some index thread still runs (after close(), an interrupted serve)."""
    return any(thread.is_alive() for thread in _RUNNING)


class DeferredSearchIndex:
    """Called like index_outputs(pages, config) from a build; the index is built in another thread
    (by default waiting on a child process, search_process.py)."""

    def __init__(self, on_ready: Callable[[Key], None] | None = None,
                 build_index: Callable[[list[Output], Config], Index] | None = None) -> None:
        self._changed = threading.Condition()
        self._done: dict[Key, Index] = {}
        """The latest finished index (one entry), by the key of the pages it indexes."""
        self._job: tuple[Key, list[Output], Config] | None = None
        self._closed = False
        self._on_ready = on_ready
        self._build_index = build_index or IndexProcess()
        self._thread: threading.Thread | None = None
        self._digests = PageDigests()
        self.wanted: Key | None = None
        """The key of the pages of the latest build: what the served index should match."""

    def __call__(self, pages: list[Output], config: Config) -> Index:
        key, self._digests = index_key(pages, config, self._digests)
        with self._changed:
            self.wanted = key
            if key in self._done:
                outputs, problems = self._done[key]
                return list(outputs), list(problems)
            self._job = (key, list(pages), config)
            self._changed.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="sitegen-search", daemon=True)
                self._thread.start()
                _RUNNING.add(self._thread)
            stale = next(iter(self._done.values()), ([], []))
            return list(stale[0]), []  # problems of a stale index are not this build's

    def result(self, key: Key) -> Index | None:
        with self._changed:
            return self._done.get(key)

    def is_ready(self, key: Key | None) -> bool:
        with self._changed:
            return key is None or key in self._done

    def wait_ready(self, key: Key | None, timeout: float) -> bool:
        """Block until the index for `key` is built (or the indexer closes)."""
        with self._changed:
            return self._changed.wait_for(lambda: self._closed or key is None or key in self._done,
                                          timeout)

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        close_builder = getattr(self._build_index, "close", None)
        if close_builder is not None:
            close_builder()  # ends an index build under way in another process
        if self._thread is not None:
            # Ctrl+C must not wait for a low-priority index build on a busy machine: the
            # thread is a daemon, and an unfinished index is never served.
            self._thread.join(timeout=2)

    def _same_objects(self, index: Index) -> Index:
        """The index's files as the very objects of the last index, where they did not change,
        and at the same positions: a rebuild then finds the few that changed by identity
        (serve_files.py), not by comparing thousands of files. Pagefind names fragments after
        their contents, so an edited page's fragment takes the place its old one had."""
        with self._changed:
            last = next(iter(self._done.values()), ([], []))[0]
        fresh = {o.path: o for o in index[0]}
        outputs: list[Output | None] = []
        for old in last:
            new = fresh.pop(old.path, None)
            outputs.append(None if new is None else old if new.data == old.data else new)
        came = iter(sorted(fresh.values(), key=lambda o: o.path))
        placed = [o if o is not None else next(came, None) for o in outputs]
        return [o for o in placed if o is not None] + list(came), index[1]

    def _work(self) -> None:
        _lower_priority()
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._closed or self._job is not None)
                if self._closed or self._job is None:
                    return
                key, pages, config = self._job
                self._job = None
            try:
                index = self._same_objects(self._build_index(pages, config))
            except Exception as exc:  # our bug, not the user's: report it, keep serving
                index = [], [error("sitegen.toml", 0, 0, "search-index-failed",
                                   f"building the search index crashed: {exc!r}")]
            with self._changed:
                self._done = {key: index}
                self._changed.notify_all()
            if self._on_ready:
                self._on_ready(key)
