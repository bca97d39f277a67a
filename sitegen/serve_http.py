"""The HTTP side of `serve`: which requests are answered, with which bytes, and the event stream."""

from __future__ import annotations

import ipaddress
import json
import mimetypes
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote_to_bytes, urlsplit

from sitegen.search import BUNDLE_DIR
from sitegen.serve_assets import cache_control, versioned_assets
from sitegen.serve_client import EVENTS_PATH, inject
from sitegen.serve_state import Snapshot

if TYPE_CHECKING:
    from sitegen.serve import Preview

HEARTBEAT_SECONDS = 15.0
"""An idle event stream sends a comment this often, which also notices closed tabs."""
MAX_PAGE_PARAM = 2048
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".json": "application/json",
         ".jsonld": "application/ld+json", ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
         ".svg": "image/svg+xml"}


NOT_FOUND_PAGE = b"<!DOCTYPE html>\n<title>Not found</title>\n<body><p>No page at this address.</p></body>\n"


class BadTarget(ValueError):
    """A request target that names no file of any site: refused with 400."""


def site_path(target: str) -> tuple[str, str]:
    """(decoded path, query) of a request target, after the checks that keep requests in the site.

    The path is URL-decoded exactly once. Encoded slashes and backslashes, backslashes, NUL and
    other control characters, '.' and '..' segments, empty segments and anything that is not an
    absolute path ('http://…', '*', 'C:\\…') are refused rather than normalised away.
    """
    path, _, query = target.partition("?")
    path = path.partition("#")[0]
    if not path.startswith("/"):
        raise BadTarget("the request target must be a path starting with '/'")
    lowered = path.lower()
    if "%2f" in lowered or "%5c" in lowered or "\\" in path:
        raise BadTarget("encoded slashes and backslashes are not allowed")
    try:
        decoded = unquote_to_bytes(path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadTarget("the path is not valid UTF-8") from exc
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in decoded) or "\\" in decoded:
        raise BadTarget("control characters and backslashes are not allowed")
    segments = decoded[1:].split("/")
    for number, segment in enumerate(segments):
        if segment in (".", ".."):
            raise BadTarget("'.' and '..' segments are not allowed")
        if not segment and number != len(segments) - 1:
            raise BadTarget("empty path segments are not allowed")
    return decoded, query


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    file: str | None = None
    """Path in the site's files whose bytes make the body."""
    location: str | None = None


def _found(path: str, query: str, snapshot: Snapshot) -> str | None:
    """The file a request gets from `snapshot`, if it exists there. A page that a rebuild has
    already rendered need not wait for the rest of it; a 404 might, since the rest could add the file."""
    answer = resolve(path, query, snapshot.config.base_path, snapshot.files)
    return answer.file if answer.status == HTTPStatus.OK else None


def resolve(path: str, query: str, base_path: str, files: Mapping[str, bytes]) -> Answer:
    """What to answer for a checked, decoded path: a file, a redirect, or the 404 page."""
    suffix = f"?{query}" if query else ""
    if base_path != "/" and not path.startswith(base_path):
        if path == "/" or path == base_path.rstrip("/"):
            return Answer(HTTPStatus.FOUND if path == "/" else HTTPStatus.MOVED_PERMANENTLY,
                          location=quote(base_path) + suffix)
        return Answer(HTTPStatus.NOT_FOUND, "404.html" if "404.html" in files else None)
    relative = path[len(base_path):]
    wanted = relative + "index.html" if relative == "" or relative.endswith("/") else relative
    if wanted in files:
        return Answer(HTTPStatus.OK, wanted)
    if f"{relative}/index.html" in files:
        return Answer(HTTPStatus.MOVED_PERMANENTLY, location=quote(path + "/") + suffix)
    return Answer(HTTPStatus.NOT_FOUND, "404.html" if "404.html" in files else None)


def tab_page(query: str, base_path: str) -> str | None:
    """The site path ('articles/x/') of the page whose tab opened an event stream with this
    query ('page=' and its URL path, percent-encoded); None if it names none of the site."""
    pages = [value for key, value in parse_qsl(query, keep_blank_values=True) if key == "page"]
    if len(pages) != 1 or len(pages[0]) > MAX_PAGE_PARAM:
        return None
    try:
        path, _ = site_path(pages[0])
    except BadTarget:
        return None
    return path[len(base_path):] if path.startswith(base_path) else None


def content_type(path: str) -> str:
    ext = path[path.rfind("."):].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return TYPES.get(ext) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def _split_host(host: str) -> tuple[str, int | None]:
    name, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not name:
        return host, None
    return (name, int(port)) if port.isdigit() else (host, None)


def host_allowed(host: str | None, bound: str, port: int) -> bool:
    """Whether a Host (or Origin authority) names this server, so DNS rebinding is refused.

    Loopback names and the bound address always qualify; when bound to every interface, any
    IP literal does too (a rebinding attack needs a domain name, never an IP literal).
    """
    if not host:
        return False
    name, given_port = _split_host(host.strip().lower())
    if (given_port or 80) != port:
        return False
    bound_name = f"[{bound}]" if ":" in bound else bound
    if name in LOOPBACK_NAMES or name == bound_name.lower():
        return True
    if bound in ("0.0.0.0", "::", ""):
        try:
            ipaddress.ip_address(name.strip("[]"))
            return True
        except ValueError:
            return False
    return False


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "sitegen-serve"
    error_content_type = "text/plain; charset=utf-8"
    error_message_format = "%(code)d %(message)s: %(explain)s\n"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows rebuilds, not every request

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # any other method: 405, not http.server's 501
            return self._method_not_allowed
        raise AttributeError(name)

    def _method_not_allowed(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _refuse(self, status: HTTPStatus, why: str) -> None:
        body = f"{status.value} {status.phrase}: {why}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _answer(self, head: bool) -> None:
        preview = self.server.preview
        port = self.server.server_address[1]
        if not host_allowed(self.headers.get("Host"), preview.host, port):
            return self._refuse(HTTPStatus.FORBIDDEN, "unknown Host; open the address sitegen printed")
        try:
            path, query = site_path(self.path)
        except BadTarget as exc:
            return self._refuse(HTTPStatus.BAD_REQUEST, str(exc))
        if path == EVENTS_PATH:
            return self._events(head, port, query)
        snapshot = preview.site.current(file=partial(_found, path, query))
        answer = resolve(path, query, snapshot.config.base_path, snapshot.files)
        if path.startswith(f"{snapshot.config.base_path}{BUNDLE_DIR}/"):
            snapshot = preview.settled(snapshot)  # never an index of other pages than these
            answer = resolve(path, query, snapshot.config.base_path, snapshot.files)
        if answer.location is not None:
            self.send_response(answer.status)
            self.send_header("Location", answer.location)
            self.send_header("Content-Length", "0")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            return None
        # Without a 404.html, a bare page still carries the script, so the overlay can show.
        body = snapshot.files[answer.file] if answer.file else NOT_FOUND_PAGE
        kind = content_type(answer.file or "404.html")
        caching = "no-store"  # a preview must never show a stale copy
        if kind.startswith("text/html"):
            if answer.status == HTTPStatus.OK and answer.file:  # a 404's relative URLs depend on where it is shown
                body = versioned_assets(body, answer.file, snapshot.files, snapshot.config.base_path)
            body = inject(body, snapshot.build)
        elif answer.status == HTTPStatus.OK:
            caching = cache_control(query, body)
        self.send_response(answer.status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", caching)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(body)
        return None

    def _events(self, head: bool, port: int, query: str) -> None:
        origin = self.headers.get("Origin")
        if origin is not None:
            parts = urlsplit(origin)
            if parts.scheme != "http" or not host_allowed(parts.netloc, self.server.preview.host, port):
                return self._refuse(HTTPStatus.FORBIDDEN, "events are for pages of this server only")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if head:
            return None
        broadcaster = self.server.preview.events
        seen = -1
        page = tab_page(query, self.server.preview.config.base_path)
        broadcaster.stream_opened(page)
        try:
            self.wfile.write(b"retry: 500\n\n")
            while True:
                update = broadcaster.wait(after=seen, timeout=HEARTBEAT_SECONDS)
                if update is None:
                    return None  # shutting down
                number, state = update
                if number == seen:
                    self.wfile.write(b": still here\n\n")
                else:
                    seen = number
                    self.wfile.write(f"data: {json.dumps(state)}\n\n".encode())
                self.wfile.flush()
        except OSError:
            return None  # the tab was closed
        finally:
            broadcaster.stream_closed(page)


class PreviewServer(ThreadingHTTPServer):
    """One thread per request; threads are daemons so a lingering event stream never blocks exit."""

    daemon_threads = True
    preview: Preview

    def __init__(self, host: str, port: int, preview: Preview) -> None:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        self.address_family = infos[0][0]
        self.preview = preview
        super().__init__((host, port), PreviewHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        problem = sys.exc_info()[1]
        if isinstance(problem, ConnectionError | TimeoutError):
            return  # a client hanging up mid-answer is not the server's problem
        print(f"error: internal error answering {client_address[0]}: {problem!r}", file=self.preview.err)
