"""`sitegen serve`: build, serve from memory, watch, rebuild incrementally and reload open tabs."""

from __future__ import annotations

import secrets
import sys
import threading
import time
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from sitegen.build import BuildCache, collector_paused, render_site, settle_heap
from sitegen.config import Config, load_config
from sitegen.diagnostics import Diagnostic, Level, error, has_errors
from sitegen.render import Output, theme_dirs
from sitegen.reuse import Reuse
from sitegen.serve_client import overlay_html
from sitegen.serve_files import OutputTable
from sitegen.serve_http import PreviewServer
from sitegen.serve_search import INDEX_PREFIX, DeferredSearchIndex, Key, is_index_file
from sitegen.serve_state import WAIT_FOR_BUILD_SECONDS, Broadcaster, SiteState, Snapshot
from sitegen.watch import ChangeBatch, ChangeKind, Debouncer, Watcher, WatchLayout

SWITCH_INTERVAL_SECONDS = 0.0005
RELOAD_FIRST_SECONDS = 0.25
"""How long a rebuild that has shown its pages pauses for a reloading tab (see _show_pages)."""


@dataclass(frozen=True, slots=True)
class Rebuild:
    """What one rebuild did, for the terminal line and for tests."""

    succeeded: bool
    pages: int
    rendered: int
    changed_files: tuple[str, ...]
    milliseconds: float
    diagnostics: tuple[Diagnostic, ...]


def _counts(diagnostics: tuple[Diagnostic, ...]) -> str:
    errors = sum(d.level is Level.ERROR for d in diagnostics)
    warnings = sum(d.level is Level.WARNING for d in diagnostics)
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


class Preview:
    """The whole preview: initial build, HTTP server, watcher and the builder thread."""

    def __init__(self, root: Path, *, host: str = "127.0.0.1", port: int = 8000, drafts: bool = False,
                 poll: bool = False, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.root = root.resolve()
        self.host, self.drafts = host, drafts
        self.out, self.err = out or sys.stdout, err or sys.stderr
        self.site = SiteState()
        self.events = Broadcaster()
        self.search = DeferredSearchIndex(on_ready=self._index_ready)
        self.cache = BuildCache(search_index=self.search, reuse=Reuse(), reads={})
        self._instance = secrets.token_hex(4)  # a restarted server's builds never match old tabs
        self._builds = 0
        self._last_diagnostics: frozenset[Diagnostic] = frozenset()
        self._build_lock = threading.Lock()
        self._debouncer = Debouncer(on_pending=self.site.mark_pending)
        self._threads: list[threading.Thread] = []
        self._serving = False
        self._switch_interval: float | None = None
        self.config = self._initial_config()
        self._watched = (self.config, WatchLayout.for_config(self.config))
        self._watcher = Watcher(self._watched[1], self._debouncer, poll=poll)
        self._table = OutputTable()
        """The outputs of the last good build: a rebuild's files are this table patched."""
        self._shown = OutputTable()
        """The pages and theme files of the last good build, which a rebuild shows early."""
        self._unloaded: set[str] | None = None
        """Content files (relative to the root) the watcher saw change since the last load; None: unknown."""
        self._server = PreviewServer(host, port, self)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        shown = "127.0.0.1" if host in ("0.0.0.0", "[::]", "") else host
        return f"http://{shown}:{self.port}{self.config.base_path}"

    def _initial_config(self) -> Config:
        config, problems = load_config(self.root)
        return config if not has_errors(problems) else Config(root=self.root)

    def _roots(self, config: Config) -> list[Path]:
        return [self.root, *theme_dirs(config)]

    def build(self, batch: ChangeBatch | None = None) -> Rebuild:
        """Rebuild from what is on disk now and publish the result; never raises for bad input.

        `batch`: what the watcher saw change since the last build. Without one (the first
        build, or a build asked for directly), every content file is looked at again.
        """
        # After an edit, the collector waits for settle_heap below: its passes over what the
        # rebuild keeps would otherwise cost a tenth of the way to the reloaded page.
        with self._build_lock, collector_paused() if batch is not None else nullcontext():
            self._note(batch)
            covers = self.site.mark_pending()
            started = time.perf_counter()
            config, problems = load_config(self.root)
            rendered, table, files, changed_files = 0, None, None, None
            shown: dict[str, Any] = {}  # its early table, and the build id if its pages were published early
            if has_errors(problems):
                diagnostics = tuple(problems)
            else:
                try:
                    self.search.wanted = None
                    changed, self._unloaded = self._unloaded, None  # a crash below: look at everything
                    result = render_site(config, drafts=self.drafts, cache=self.cache,
                                         changed=None if changed is None else frozenset(changed),
                                         on_pages=partial(self._show_pages, config, covers, shown),
                                         first_paths=self.events.open_pages,
                                         on_first=partial(self._show_first, config, covers, shown))
                    self._unloaded = set()
                    diagnostics = result.diagnostics
                    table, changes = self._table.next(result.outputs)
                    files = table.files
                    changed_files = None if changes is None else changes.paths()
                    rendered = self.cache.pages.rendered
                    self._bound_caches(len(result.archive.by_key) if result.archive else 0)
                except Exception as exc:  # our bug, not the user's: report it, keep serving
                    diagnostics = (error("sitegen", 0, 0, "internal-error", f"the build crashed: {exc!r}",
                                         "please report this with the change that caused it"),)
            failed = files is None or has_errors(diagnostics)
            if not failed:
                self.config = config
            search_key = None if failed else self.search.wanted
            snapshot, changed = self._next_snapshot(config, diagnostics, files, failed, search_key,
                                                    shown.get("build"), changed_files)
            if not failed:
                assert table is not None
                self._table, self._shown = table, shown.get("pages", self._shown)
            self.site.publish(snapshot, covers)
            self.events.send(snapshot.state())
            # The rebuild's own time (not the pause for a reloading tab); the rest is upkeep.
            seconds = time.perf_counter() - started - shown.get("waited", 0.0)
            settle_heap()
            self._watch(self.config)
            return Rebuild(not failed, self._count_pages(snapshot.files), rendered, changed, seconds * 1000,
                           diagnostics)

    def _note(self, batch: ChangeBatch | None) -> None:
        """Add the batch's content files to those changed since the last load."""
        if batch is None:
            self._unloaded = None
        elif self._unloaded is not None:
            self._unloaded.update(c.path.relative_to(self.root).as_posix() for c in batch.changes
                                  if c.kind is ChangeKind.CONTENT)

    def _watch(self, config: Config) -> None:
        """Follow the folders this configuration reads; theme folders can appear at any time."""
        if config != self._watched[0]:  # resolving the root is not free: only when it can change
            self._watched = (config, WatchLayout.for_config(config))
        self._watcher.sync(self._watched[1])

    def _count_pages(self, files: Mapping[str, bytes]) -> int:
        if files is self._table.files:
            return self._table.html_pages
        return sum(1 for path in files if path.endswith(".html"))  # a failed first build's pages

    def _bound_caches(self, documents: int) -> None:
        """Forget superseded parses and bodies once they pile up: every save adds a version."""
        for cache in (self.cache.documents, self.cache.bodies):
            if len(cache) > 4 * documents + 256:
                cache.clear()  # refilled by the next build, which is then a full one

    def _show_pages(self, config: Config, covers: int, shown: dict[str, Any], pages: list[Output]) -> None:
        """Publish a build's pages as soon as they are rendered, and tell the tabs.

        At 10,000 articles the exports, feeds, datasets and checks that follow take longer
        than everything before them. A tab reloads a page and the theme files it loads
        (stylesheets, icons), which are final by now; requests for any other file wait for the
        whole build, as before. Should the rest of the build fail, the tabs are sent back to
        the last good site, under the overlay.
        """
        old = self.site.latest()
        table, changes = self._shown.next(pages)
        shown["pages"] = table
        if old is None or old.error_html is not None:
            return  # a first build, or one that may fix a failure: shown whole, as before
        if changes is None:
            gone, fresh = self._shown.files.keys() - table.files.keys(), \
                [o for o in pages if old.files.get(o.path) != o.data]
        else:
            gone, fresh = changes.gone, changes.fresh
        if not gone and not fresh:
            return
        files = dict(old.files)
        files.update((o.path, o.data) for o in fresh)
        for path in gone:
            files.pop(path, None)
        if "build" in shown:  # the open tabs' pages went first: the tabs already have this build
            self.site.publish_early(Snapshot(files, shown["build"], old.build, False, config,
                                             final=table.files.keys()), covers)
            return
        build = shown["build"] = self._next_build()
        css_only = all(path.endswith(".css") for path in (*gone, *(o.path for o in fresh)))  # swapped in place
        snapshot = Snapshot(files, build, old.build, css_only, config, final=table.files.keys())
        self.site.publish_early(snapshot, covers)
        # The reader first: on two cores the rest of the build would take the CPU and the
        # interpreter lock from the reloading tab and its requests. It waits for the tab.
        # (Stylesheets are swapped in place: no tab comes back for those.)
        shown["waited"] = self.events.send_and_wait_for_a_tab(snapshot.state(), 0 if css_only else RELOAD_FIRST_SECONDS)

    def _show_first(self, config: Config, covers: int, shown: dict[str, Any], outputs: list[Output]) -> None:
        """Publish the pages open in tabs (and the theme's files) as soon as the model is built.

        They are what the reloading tabs ask for; planning and rendering the other 10,000
        pages of a large site would come first otherwise. Every other file waits for the rest
        of the build, and the pages are those a whole build makes (render_site's `first_paths`).
        """
        old = self.site.latest()
        if old is None or old.error_html is not None:
            return
        fresh = [o for o in outputs if old.files.get(o.path) != o.data]
        if not any(o.path.endswith(".html") for o in fresh):
            return  # the open pages did not change: they are shown with all the others
        files = dict(old.files)
        files.update((o.path, o.data) for o in fresh)
        build = shown["build"] = self._next_build()
        snapshot = Snapshot(files, build, old.build, False, config, final=frozenset(o.path for o in outputs))
        self.site.publish_early(snapshot, covers)
        shown["waited"] = self.events.send_and_wait_for_a_tab(snapshot.state(), RELOAD_FIRST_SECONDS)

    def _next_snapshot(self, config: Config, diagnostics: tuple[Diagnostic, ...],
                       files: dict[str, bytes] | None, failed: bool,
                       search_key: Key | None, build: str | None = None,
                       changed_files: list[str] | None = None) -> tuple[Snapshot, tuple[str, ...]]:
        """The snapshot after a build: the new files if it succeeded, else the old under an overlay.

        `changed_files`: the paths whose bytes changed since the last good build, if known.
        """
        old = self.site.latest()
        if failed:
            error_html = overlay_html(diagnostics, self._roots(config))
            if old is None:  # nothing good yet: serve the pages that did build, under the overlay
                return Snapshot(files or {}, self._next_build(), "", False, config, error_html), ()
            return Snapshot(old.files, old.build, old.previous, old.css_only, old.config, error_html), ()
        assert files is not None
        before = old.files if old else {}
        # The search index follows the pages by itself (see _index_ready); it never reloads a tab.
        # Unchanged outputs are the very same bytes objects as last time (memoised steps), so
        # identity settles all but a handful of the tens of thousands of files of a large site.
        if changed_files is not None and old is not None:
            changed = tuple(p for p in changed_files if not is_index_file(p))
        else:
            changed = tuple(sorted([p for p, data in files.items() if (old_data := before.get(p)) is not data
                                    and old_data != data and not is_index_file(p)]
                                   + [p for p in before.keys() - files.keys() if not is_index_file(p)]))
        if old is not None and not changed:
            return Snapshot(old.files, old.build, old.previous, old.css_only, config, None, search_key), ()
        css_only = bool(changed) and all(p.endswith(".css") for p in changed)
        # A build whose pages were shown early keeps the id it was shown with: the tabs have it.
        build, previous = build or self._next_build(), old.build if old else ""
        return Snapshot(files, build, previous, css_only, config, None, search_key), changed

    def _index_ready(self, key: Key) -> None:
        """Put a freshly built search index into the snapshot whose pages it indexes."""
        with self._build_lock:
            snapshot, index = self.site.latest(), self.search.result(key)
            if snapshot is None or snapshot.search_key != key or index is None:
                return  # the pages changed again meanwhile; their own index is on its way
            outputs, problems = index
            # Made anew rather than deleted from: a dict with holes is copied item by item (each
            # rebuild copies this one), which at 10,000 articles took 10 ms instead of 1.
            files = {path: data for path, data in snapshot.files.items() if not path.startswith(INDEX_PREFIX)}
            files.update((o.path, o.data) for o in outputs)
            self.site.publish(replace(snapshot, files=files), covers=0)
        for problem in problems:
            print(problem.format(), file=self.err)

    def settled(self, snapshot: Snapshot) -> Snapshot:
        """The served snapshot once the search index matches its pages (for the index's files)."""
        self.search.wait_ready(snapshot.search_key, WAIT_FOR_BUILD_SECONDS)
        return self.site.current()

    def _next_build(self) -> str:
        self._builds += 1
        return f"{self._instance}-{self._builds}"

    # -- terminal --------------------------------------------------------------------------

    def _print_problems(self, report: Rebuild, everything: bool) -> None:
        """Errors every time the build fails; warnings and suggestions only when new."""
        for problem in report.diagnostics:
            if everything or problem.level is Level.ERROR or problem not in self._last_diagnostics:
                print(problem.format(), file=self.err)
        self._last_diagnostics = frozenset(report.diagnostics)

    def _summary(self, report: Rebuild) -> str:
        if not report.succeeded:
            errors = sum(d.level is Level.ERROR for d in report.diagnostics)
            return f"build failed: {errors} error{'s' * (errors != 1)}; still serving the last good site"
        return f"{report.rendered} of {report.pages} pages re-rendered in {report.milliseconds:.0f} ms"

    def _rebuild_loop(self) -> None:
        while (batch := self._debouncer.take()) is not None:
            try:
                report = self.build(batch)
            except Exception as exc:  # a bug of ours must not end live reloading for the session
                print(f"error: internal error while rebuilding: {exc!r}", file=self.err, flush=True)
                continue
            self._print_problems(report, everything=False)
            stamp = time.strftime("%H:%M:%S")
            print(f"{stamp} {batch.describe(self.root)} → {self._summary(report)}", file=self.out,
                  flush=True)

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> Rebuild:
        """Build once, then serve and watch in background threads; returns the first build."""
        report = self.build()
        self._print_problems(report, everything=True)
        if report.succeeded:
            print(f"built {report.pages} pages in {report.milliseconds:.0f} ms; "
                  f"{_counts(report.diagnostics)}", file=self.out)
        else:
            print(self._summary(report).replace("last good site", "pages that built"), file=self.out)
        self._watcher.start()
        # A request or a reload message needs the interpreter lock several times, and a rebuild
        # holds it for up to the switch interval each time (5 ms by default): while a rebuild
        # finishes the feeds and checks, a reloading tab's page and stylesheets would wait.
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        # A file saved during the first build, after it was read, was seen by no watcher: the
        # next build looks at everything once more.
        self._unloaded = None
        self._serving = True
        for name, target in (("sitegen-http", self._server.serve_forever),
                             ("sitegen-rebuild", self._rebuild_loop)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return report

    def close(self) -> None:
        """Stop watching, end every event stream and request, and release the port."""
        self._debouncer.close()
        self._watcher.stop()
        self.search.close()
        self.events.close()
        self.site.close()
        if self._serving:  # shutdown() waits for serve_forever, which must have started
            self._server.shutdown()
        self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)

    def __enter__(self) -> Preview:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
