"""Search: the search page, and a Pagefind full-text index of the rendered pages as outputs.

Pagefind reads HTML files from a folder, so the pages that opt in (`data-pagefind-body`)
are copied into a temporary folder (less what cannot change their records, see
search_copy.py), indexed there by the binary that the `pagefind[bin]` package ships,
and the bundle is read back as outputs: write.py stays the only writer
of the output folder, `serve` can serve the index from memory, and a failed build
leaves the published site untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from sitegen.config import Config
from sitegen.diagnostics import Diagnostic, error
from sitegen.pages import PageSpec
from sitegen.render import Output
from sitegen.search_bundle import SortValues, canonical_bundle, sort_values
from sitegen.search_copy import reduced

BUNDLE_DIR = "pagefind"
INDEXED_MARKER = b"data-pagefind-body"
# Pagefind's own prebuilt interfaces; the theme brings its own (static/search.js), so these
# would be dead weight in every published copy of the site.
UNUSED_BUNDLE_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
                       "pagefind-modular-ui.css", "pagefind-component-ui.js",
                       "pagefind-component-ui.css", "pagefind-highlight.js")
FACETS = (("type", "Type"), ("person", "Person"), ("organisation", "Organisation"),
          ("place", "Place"), ("event", "Event"), ("outlet", "Outlet"), ("year", "Year"))
"""Filter names written by the templates (data-pagefind-filter) and their labels, in order."""
TIMEOUT_SECONDS = 600
# Markup the annotation plugin adds inside archived text: margin copies of notes, speaker
# chips and note numbers are not the text, and would otherwise fill the excerpts.
EXCLUDED = ".margin-note, .quote-by, .note-ref"
MEMORY_FOLDER = "/dev/shm"
MEMORY_MARGIN = 256 * 1024 * 1024
TEMPORARY_PREFIX = "sitegen-search-"
CLEANUP_THREAD = "sitegen-search-cleanup"
OFF = "or turn search off with `[search] enabled = false` in sitegen.toml"


def search_page(config: Config) -> list[PageSpec]:
    """The /search/ page, when search is enabled."""
    if not config.search_enabled:
        return []
    facets = [{"name": name, "label": label} for name, label in FACETS]
    return [PageSpec("search/", "search.html", {"facets": facets, "bundle": f"{BUNDLE_DIR}/"})]


def pagefind_executable() -> Path | None:
    """The Pagefind binary shipped inside the pagefind-bin wheel, if it is installed."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        return None
    try:
        return get_executable()
    except FileNotFoundError:
        return None


def _problem(message: str, hint: str) -> list[Diagnostic]:
    return [error("sitegen.toml", 0, 0, "search-index-failed", message, hint)]


def index_outputs(outputs: Iterable[Output], config: Config) -> tuple[list[Output], list[Diagnostic]]:
    """Run Pagefind over the pages that opt in; its bundle comes back as outputs under pagefind/."""
    if not config.search_enabled:
        return [], []
    executable = pagefind_executable()
    if executable is None:
        return [], _problem("the Pagefind binary is not installed, so no search index was built",
                            f"pip install 'pagefind[bin]' (a dependency of sitegen), {OFF}")
    # Pagefind reads a copy of each page without what cannot change its record: same index, less to parse.
    pages = {output.path: reduced(output.data) for output in outputs
             if output.path.endswith(".html") and INDEXED_MARKER in output.data}
    return pagefind_bundle(executable, pages)


def _memory_folder(size: int) -> str | None:
    """A folder in memory for Pagefind's input and bundle, if there is one with room to spare.

    Pagefind reads and writes a file per page; on a busy disk creating, reading and deleting
    them costs more system time than Pagefind's own work. The order the folder lists the
    pages in numbers them, but canonical_bundle renumbers them, so any folder gives the same bundle.
    """
    try:
        if not os.path.isdir(MEMORY_FOLDER) or not os.access(MEMORY_FOLDER, os.W_OK | os.X_OK) or \
                shutil.disk_usage(MEMORY_FOLDER).free < size + MEMORY_MARGIN:
            return None
    except OSError:
        return None
    return MEMORY_FOLDER


def _sweep(folder: str) -> None:
    """Delete the folders that builds killed while indexing left in a temporary folder.

    None can belong to a live build: it would be younger than twice Pagefind's time limit.
    """
    stale = time.time() - 2 * TIMEOUT_SECONDS
    try:
        for old in Path(folder).glob(f"{TEMPORARY_PREFIX}*"):
            if old.is_dir() and old.stat().st_mtime < stale:
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass


def _clean_up(tmp: str) -> None:
    shutil.rmtree(tmp, ignore_errors=True)
    _sweep(tempfile.gettempdir())
    _sweep(MEMORY_FOLDER)  # a bundle left in memory holds memory until it is deleted


def pagefind_bundle(executable: Path, pages: dict[str, bytes]) -> tuple[list[Output], list[Diagnostic]]:
    """Pagefind's bundle for these pages (output path to bytes), as outputs under pagefind/."""
    size = sum(map(len, pages.values()))
    tmp = tempfile.mkdtemp(prefix=TEMPORARY_PREFIX, dir=_memory_folder(2 * size))  # the pages, and the bundle
    try:
        site = Path(tmp) / "site"
        for path, data in pages.items():
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        site.mkdir(exist_ok=True)
        return _run_pagefind(executable, site, Path(tmp) / BUNDLE_DIR, sort_values(pages))
    finally:
        # Deleting a folder per page waits on the disk (seconds on a busy one) where there was no
        # room in memory: the build need not wait. Not a daemon: the process ends once it is done.
        threading.Thread(target=_clean_up, args=(tmp,), name=CLEANUP_THREAD).start()


def _run_pagefind(executable: Path, site: Path, bundle: Path,
                  values: SortValues) -> tuple[list[Output], list[Diagnostic]]:
    command = [str(executable), "--site", str(site), "--output-path", str(bundle),
               "--exclude-selectors", EXCLUDED, "--silent"]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [], _problem(f"Pagefind could not be run: {exc}", OFF)
    if run.returncode != 0 or not (bundle / "pagefind.js").is_file():
        detail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
        return [], _problem(f"Pagefind failed (exit {run.returncode}): {detail[0]}", OFF)
    files = {p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*"))
             if p.is_file() and p.name not in UNUSED_BUNDLE_FILES}
    return [Output(f"{BUNDLE_DIR}/{path}", data) for path, data in sorted(canonical_bundle(files, values).items())], []

