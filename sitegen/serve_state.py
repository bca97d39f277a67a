"""The served site's state for `serve`: snapshots, waiting for rebuilds, and the reload messages."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from sitegen.config import Config

WAIT_FOR_BUILD_SECONDS = 60.0
"""A request waits at most this long for a rebuild before it gets the last good site."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the server answers with: the last good site, and the failure since, if any."""

    files: Mapping[str, bytes]
    build: str
    """Names the good build the files come from; changes exactly when the files do."""
    previous: str
    css_only: bool
    """True when the files differ from the previous build's in stylesheets only."""
    config: Config
    error_html: str | None = None
    search_key: bytes | None = None
    """The key of the search index matching these pages (see serve_search); None: no index."""
    final: AbstractSet[str] | None = None
    """Set on an early snapshot (pages rendered, the rest of the build still under way): the
    only files in it that are already this build's; None for a whole build."""

    def state(self) -> dict[str, Any]:
        """The event-stream message for open tabs."""
        return {"build": self.build, "previous": self.previous, "css": self.css_only,
                "error": self.error_html}


class SiteState:
    """The snapshot being served; while a change is not yet built, readers wait for the build.

    Changes and builds are counted: a change noticed while a build runs is not covered by
    that build, so readers go on waiting for the next one instead of getting a stale page.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._snapshot: Snapshot | None = None
        self._early: tuple[Snapshot, int] | None = None
        """A build's pages, published before the rest of it, and the change number it covers."""
        self._requested = self._built = 0
        self._closed = False
        self.waiting = 0
        """Requests now waiting for a rebuild (tests wait on this to stage concurrent requests)."""

    def mark_pending(self) -> int:
        """Note a change that the next build will cover; returns its number."""
        with self._changed:
            self._requested += 1
            return self._requested

    def publish(self, snapshot: Snapshot, covers: int) -> None:
        """Serve `snapshot`, built from disk as it was after change number `covers`."""
        with self._changed:
            self._snapshot, self._built = snapshot, max(self._built, covers)
            self._early = None
            self._changed.notify_all()

    def publish_early(self, snapshot: Snapshot, covers: int) -> None:
        """Answer requests for `snapshot.final` files from it until the whole build is published."""
        with self._changed:
            self._early = (snapshot, covers)
            self._changed.notify_all()

    def latest(self) -> Snapshot | None:
        with self._changed:
            return self._snapshot

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _ready(self) -> bool:
        return self._closed or (self._snapshot is not None and self._built >= self._requested)

    def _early_answers(self, file: Callable[[Snapshot], str | None] | None) -> Snapshot | None:
        """The early snapshot, if it covers every change so far and has the wanted file final."""
        if file is None or self._early is None or self._closed:
            return None
        snapshot, covers = self._early
        assert snapshot.final is not None
        return snapshot if covers >= self._requested and file(snapshot) in snapshot.final else None

    def current(self, timeout: float = WAIT_FOR_BUILD_SECONDS,
                file: Callable[[Snapshot], str | None] | None = None) -> Snapshot:
        """The snapshot to answer with, after any rebuild already under way or due.

        `file` names the file a request wants in a given snapshot: when a rebuild has already
        published it early (its pages), the request need not wait for the rest of the build.
        """
        with self._changed:
            self.waiting += 1
            self._changed.notify_all()
            try:
                self._changed.wait_for(lambda: self._ready() or self._early_answers(file) is not None, timeout)
            finally:
                self.waiting -= 1
            if not self._ready() and (early := self._early_answers(file)) is not None:
                return early
            assert self._snapshot is not None, "the server starts only after the first build"
            return self._snapshot

    def wait_until(self, predicate: Any, timeout: float = 10.0) -> bool:
        """Block until predicate(self) holds; for tests that stage requests behind a rebuild."""
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self), timeout)


class Broadcaster:
    """The latest state message with a sequence number; event streams wait for a newer one."""

    def __init__(self) -> None:
        self._changed = threading.Condition(threading.RLock())
        self._number = 0
        self._state: dict[str, Any] = {}
        self._closed = False
        self._streams = self._opened = 0
        """Event streams open now (closed ones are noticed at their next write), and opened so far."""
        self._pages: Counter[str] = Counter()
        """The site paths ('articles/x/') of the pages whose tabs have a stream open now."""

    def stream_opened(self, page: str | None = None) -> None:
        with self._changed:
            self._streams += 1
            self._opened += 1
            if page is not None:
                self._pages[page] += 1
            self._changed.notify_all()

    def stream_closed(self, page: str | None = None) -> None:
        with self._changed:
            self._streams -= 1
            if page is not None:
                self._pages[page] -= 1
                if self._pages[page] <= 0:
                    del self._pages[page]

    def open_pages(self) -> list[str]:
        """The site paths of the pages open in tabs now, in a stable order."""
        with self._changed:
            return sorted(self._pages)

    def send_and_wait_for_a_tab(self, state: dict[str, Any], timeout: float) -> float:
        """send(state); then, if a tab is listening, wait until one opens its stream again (a
        reloaded page does, once its HTML is parsed and its stylesheets asked for), at most
        `timeout` seconds. Returns the seconds waited."""
        with self._changed:
            opened, listening = self._opened, self._streams > 0
            self.send(state)
            if not listening:
                return 0.0
            started = time.perf_counter()
            self._changed.wait_for(lambda: self._closed or self._opened > opened, timeout)
            return time.perf_counter() - started

    def send(self, state: dict[str, Any]) -> None:
        with self._changed:  # reentrant: send_and_wait_for_a_tab holds it
            if state != self._state:
                self._number += 1
                self._state = state
                self._changed.notify_all()

    def wait(self, after: int, timeout: float) -> tuple[int, dict[str, Any]] | None:
        """(number, state) once newer than `after`, or the same after `timeout`; None when closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._number != after, timeout)
            return None if self._closed else (self._number, self._state)

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()
