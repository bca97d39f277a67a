"""Helpers shared by the `serve` tests (no tests here): a live preview of a copy of the mini site."""

from __future__ import annotations

import http.client
import io
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sitegen.serve import Preview
from sitegen.serve_client import EVENTS_PATH
from tests.conftest import MINI, REPO

ARTICLE = "content/articles/2015-12-01-paris-talks.md"
ARTICLE_URL = "articles/2015-12-01-paris-talks/"


def copy_mini(target: Path, *, own_theme: bool = True) -> Path:
    """A writable copy of the mini site; with its own copy of the theme, so tests may edit it."""
    shutil.copytree(MINI, target)
    if own_theme:
        shutil.copytree(REPO / "themes" / "default", target / "themes" / "default")
    return target


@contextmanager
def running(root: Path, **options: object) -> Iterator[Preview]:
    """A started preview on an ephemeral port, its terminal output captured; always closed."""
    preview = Preview(root, port=0, out=io.StringIO(), err=io.StringIO(), **options)  # type: ignore[arg-type]
    preview.start()
    try:
        yield preview
    finally:
        preview.close()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def fetch(preview: Preview, target: str, *, method: str = "GET", host: str | None = "",
          headers: dict[str, str] | None = None) -> Reply:
    """Send exactly this request target (nothing normalised); host None sends no Host header."""
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=30)
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", host or f"127.0.0.1:{preview.port}")
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def first_event(preview: Preview, headers: dict[str, str] | None = None) -> dict[str, object]:
    """The first state message of the event stream."""
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=30)
    try:
        connection.request("GET", EVENTS_PATH, headers=headers or {})
        response = connection.getresponse()
        assert response.status == 200, response.status
        assert response.getheader("Content-Type") == "text/event-stream"
        while True:
            line = response.fp.readline()
            assert line, "the stream ended before a message"
            if line.startswith(b"data: "):
                return json.loads(line[6:])  # type: ignore[no-any-return]
    finally:
        connection.close()
