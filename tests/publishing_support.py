"""Shared by the publishing tests: a built site served over loopback HTTP, and Debian's Chromium.

The site is served by a stdlib server on 127.0.0.1 with an ephemeral port, optionally under
a sub-path (as when published at https://example.org/deconfliction/), so the browser sees
exactly what a visitor would. Chromium is driven by Playwright and never downloaded.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import MINI, REPO, run_cli

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "tests" / "artifacts"


def seed_root() -> Path:
    """The real archive in content/ when it has articles, else the mini fixture site."""
    articles = REPO / "content" / "articles"
    return REPO if articles.is_dir() and any(articles.glob("*.md")) else MINI


def base_path(root: Path) -> str:
    """The sub-path the project is published under (from base_url), e.g. '/deconfliction/'."""
    from sitegen.config import load_config

    config, problems = load_config(root)
    assert not problems, problems
    return config.base_path


def build_site(root: Path, out: Path, *extra: str) -> Path:
    result = run_cli("build", "--root", str(root), "--output", str(out), "--quiet", *extra)
    assert result.code == 0, result.err
    return out


@dataclass(frozen=True)
class ServedSite:
    folder: Path
    url: str
    """Address of the site's home page, ending in '/' (includes the sub-path, if any)."""

    def page(self, path: str) -> str:
        return self.url + path


class _Handler(SimpleHTTPRequestHandler):
    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextlib.contextmanager
def serve(folder: Path, prefix: str = "/") -> Iterator[ServedSite]:
    """Serve `folder` at http://127.0.0.1:<port><prefix> until the block ends."""
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ServedSite(folder, f"http://127.0.0.1:{server.server_address[1]}{prefix}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium browser (Playwright), failing clearly when none is installed."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is not installed at /usr/bin/chromium: `python3 tasks.py test` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def artifact_dir(name: str) -> Path:
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
