"""Watching the project for `serve`: which paths matter, and editor save bursts turned into one batch."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from sitegen.config import CONFIG_NAME, Config
from sitegen.editor_files import is_editor_temp
from sitegen.render import BUILTIN_THEMES

QUIET_SECONDS = 0.05
"""A burst of events ends after this long without a new one (an editor's save is one burst:
vim, JetBrains and gedit save patterns take a few milliseconds, see tests/test_watch.py)."""
SAVED_QUIET_SECONDS = 0.01
"""The shorter wait once every file in the burst has been saved whole: its last event closed
it after writing or renamed it into place, which is how each editor's save ends. The burst
can still grow (a "save all" writes files one after another); a later event restarts it."""
LONGEST_SECONDS = 2.0
"""A stream of events that never goes quiet is still rebuilt this often."""
POLL_SECONDS = 0.5
WATCHED_EVENTS = [FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileClosedEvent,
                  DirCreatedEvent, DirDeletedEvent, DirMovedEvent]
"""What the kernel is asked to report. Not opens and closes without writing: every build
reads the templates, the theme's files and the config, and each such event handled by the
observer's threads (in Python, under the interpreter lock) slowed the rebuild it came from."""


class ChangeKind(StrEnum):
    CONTENT = "content"
    TEMPLATE = "template"
    STATIC = "static"
    CONFIG = "config"
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class WatchLayout:
    """Where a project's inputs live: content/, the theme folders and sitegen.toml."""

    root: Path
    themes: tuple[Path, ...]
    """Every theme folder that can take part, existing or not, in lookup order."""

    @classmethod
    def for_config(cls, config: Config) -> WatchLayout:
        root = config.root.resolve()
        themes = [root / "themes" / config.theme, root / "themes" / "default", BUILTIN_THEMES / "default"]
        return cls(root, tuple(dict.fromkeys(themes)))

    def folders(self) -> list[tuple[Path, bool]]:
        """(folder, recursive) pairs to observe; the root itself only for sitegen.toml and new folders."""
        wanted = [(self.root, False), (self.root / "content", True), (self.root / "themes", True)]
        wanted += [(theme, True) for theme in self.themes if self.root / "themes" not in theme.parents]
        return [(folder, recursive) for folder, recursive in wanted if folder.is_dir()]


def classify(path: Path, layout: WatchLayout) -> ChangeKind:
    """What a change to `path` (absolute) means for the site; pure, a function of names only."""
    root = layout.root
    if path == root / CONFIG_NAME:
        return ChangeKind.CONFIG
    try:
        inside_root = path.relative_to(root).parts
    except ValueError:
        inside_root = ()
    if any(part.startswith(".") for part in inside_root) or is_editor_temp(path.name):
        return ChangeKind.IGNORED
    if inside_root[:1] == ("content",):
        return ChangeKind.CONTENT
    if inside_root == ("themes",):
        return ChangeKind.TEMPLATE  # a new themes/ folder can override any template
    for theme in layout.themes:
        if path == theme:
            return ChangeKind.TEMPLATE
        try:
            parts = path.relative_to(theme).parts
        except ValueError:
            continue
        return {"templates": ChangeKind.TEMPLATE, "static": ChangeKind.STATIC}.get(parts[0], ChangeKind.IGNORED)
    return ChangeKind.IGNORED


@dataclass(frozen=True, slots=True)
class Change:
    path: Path
    kind: ChangeKind
    action: str
    """'added', 'changed' or 'deleted', judged by existence after the burst, not by event type."""


@dataclass(frozen=True, slots=True)
class ChangeBatch:
    changes: tuple[Change, ...]

    @property
    def kinds(self) -> frozenset[ChangeKind]:
        return frozenset(c.kind for c in self.changes)

    def describe(self, root: Path) -> str:
        def name(change: Change) -> str:
            try:
                return change.path.relative_to(root).as_posix()
            except ValueError:
                return str(change.path)
        shown = [f"{name(c)} {c.action}" for c in self.changes[:3]]
        more = len(self.changes) - len(shown)
        return ", ".join(shown) + (f" and {more} more" if more else "")


class Debouncer:
    """Collects relevant paths from watcher threads; hands the builder one batch per burst.

    A path seen deleted but missing when the burst ends gets one more quiet period to come
    back: editors that save by renaming leave the file absent for a moment. A burst whose
    every path was last seen saved whole ends after the shorter `saved_quiet`.
    """

    def __init__(self, on_pending: Callable[[], None] | None = None, quiet: float = QUIET_SECONDS,
                 longest: float = LONGEST_SECONDS, saved_quiet: float = SAVED_QUIET_SECONDS) -> None:
        self._changed = threading.Condition()
        self._paths: dict[Path, tuple[ChangeKind, bool]] = {}
        """path -> (kind, existed before the burst, as far as the events tell)."""
        self._unsaved: set[Path] = set()
        """Paths whose last event was not the end of a save (a write still open, a deletion)."""
        self._first = self._last = 0.0
        self._closed = False
        self._on_pending = on_pending
        self.quiet, self.longest, self.saved_quiet = quiet, longest, min(saved_quiet, quiet)

    def add(self, path: Path, kind: ChangeKind, created: bool = False, saved: bool = False,
            gone: bool = False) -> None:
        """Note an event on `path`: `saved` when it ends a save (closed after writing, renamed
        into place), `gone` when it removed the path (deleted, renamed away)."""
        with self._changed:
            if self._closed:
                return
            starting = not self._paths
            now = time.monotonic()
            if starting:
                self._first = now
            self._last = now
            if path not in self._paths:
                self._paths[path] = (kind, not created)
            if saved or (gone and not self._paths[path][1]):
                # A file made and removed within the burst is a save's temporary file (sed -i,
                # Kate, Qt's QSaveFile): nothing to wait for.
                self._unsaved.discard(path)
            else:
                self._unsaved.add(path)
            self._changed.notify_all()
        if starting and self._on_pending:
            self._on_pending()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _wait_quiet(self) -> bool:
        """Wait until no event came for `quiet` seconds (or `longest` passed); False if closed."""
        while not self._closed:
            now = time.monotonic()
            quiet = self.quiet if self._unsaved else self.saved_quiet
            due = min(self._last + quiet, self._first + self.longest)
            if now >= due:
                return True
            self._changed.wait(due - now)
        return False

    def take(self, timeout: float | None = None) -> ChangeBatch | None:
        """Block until a burst of changes has ended; None once closed (or after `timeout`)."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._paths or self._closed, timeout):
                return None
            if not self._wait_quiet():
                return None
            if any(existed and not path.exists() for path, (_, existed) in self._paths.items()):
                # A missing file may be mid-save: give it one more (full) quiet period to come back.
                self._first = self._last = time.monotonic()
                self._unsaved.update(self._paths)
                if not self._wait_quiet():
                    return None
            paths, self._paths = self._paths, {}
            self._unsaved.clear()
        changes = []
        for path, (kind, existed) in sorted(paths.items()):
            exists = path.exists()
            action = "deleted" if not exists else "changed" if existed else "added"
            changes.append(Change(path, kind, action))
        # Files made and removed within the burst changed nothing; they are only reported when
        # nothing else is, because the pending mark needs a build to answer it.
        lasting = [c for c in changes if c.action != "deleted" or paths[c.path][1]]
        return ChangeBatch(tuple(lasting or changes))


class _Relay(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in (EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED,
                                    EVENT_TYPE_MOVED, EVENT_TYPE_CLOSED):
            return  # opened/accessed/attribute events: our own builds read files too
        if event.event_type == EVENT_TYPE_MODIFIED and event.is_directory:
            return  # a folder's mtime changes with every file event inside it, reported separately
        kind = event.event_type
        self.watcher.notice(Path(str(event.src_path)), kind == EVENT_TYPE_CREATED, saved=kind == EVENT_TYPE_CLOSED,
                            gone=kind in (EVENT_TYPE_DELETED, EVENT_TYPE_MOVED))
        if event.event_type == EVENT_TYPE_MOVED:
            self.watcher.notice(Path(str(event.dest_path)), True, saved=not event.is_directory)


class Watcher:
    """Observes the layout's folders (natively, or by polling where native events do not arrive)."""

    def __init__(self, layout: WatchLayout, debouncer: Debouncer, *, poll: bool = False) -> None:
        self.layout = layout
        self.debouncer = debouncer
        self._observer: BaseObserver = PollingObserver(timeout=POLL_SECONDS) if poll else Observer()
        self._watches: dict[tuple[Path, bool], ObservedWatch] = {}
        self._relay = _Relay(self)

    def notice(self, path: Path, created: bool, saved: bool = False, gone: bool = False) -> None:
        kind = classify(path, self.layout)
        if kind is not ChangeKind.IGNORED:
            self.debouncer.add(path, kind, created, saved, gone)

    def sync(self, layout: WatchLayout) -> None:
        """Observe exactly the folders the layout names now (theme folders can come and go)."""
        self.layout = layout
        wanted = set(layout.folders())
        for key in [k for k in self._watches if k not in wanted]:
            try:
                self._observer.unschedule(self._watches.pop(key))
            except (KeyError, OSError):
                pass
        for folder, recursive in sorted(wanted - set(self._watches)):
            try:
                self._watches[(folder, recursive)] = self._observer.schedule(
                    self._relay, str(folder), recursive=recursive, event_filter=WATCHED_EVENTS)
            except OSError:
                continue  # vanished meanwhile; the next sync tries again

    def start(self) -> None:
        self.sync(self.layout)
        self._observer.start()

    def stop(self) -> None:
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)
