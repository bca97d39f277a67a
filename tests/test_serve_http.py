"""`sitegen serve` over HTTP: only the site's files, only to its own host, never a crash."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.serve import Preview
from sitegen.serve_cli import _bind_warning
from sitegen.serve_client import EVENTS_PATH
from sitegen.serve_http import BadTarget, host_allowed, site_path, tab_page
from tests.conftest import run_cli
from tests.test_serve_support import ARTICLE, ARTICLE_URL, copy_mini, fetch, first_event, running

SECRET = 'title = "Mini archive"'  # the contents of sitegen.toml, which must never be served


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    root = copy_mini(tmp_path_factory.mktemp("http") / "site", own_theme=False)
    with running(root) as live:
        yield live


def test_pages_come_from_memory_with_the_reload_script(preview: Preview) -> None:
    home = fetch(preview, "/mini/")
    assert home.status == 200
    assert home.headers["content-type"] == "text/html; charset=utf-8"
    assert home.headers["cache-control"] == "no-store"
    assert EVENTS_PATH in home.text and home.text.rstrip().endswith("</html>")
    assert int(home.headers["content-length"]) == len(home.body)
    css = fetch(preview, "/mini/static/style.css")
    assert css.status == 200 and css.headers["content-type"].startswith("text/css")
    assert EVENTS_PATH.encode() not in css.body
    assert not (preview.root / "public").exists(), "serve never writes the output folder"


def test_built_site_has_no_reload_script(tmp_path: Path) -> None:
    root = copy_mini(tmp_path / "site", own_theme=False)
    assert run_cli("build", "--root", str(root), "--output", str(tmp_path / "out")).code in (0, 1)
    for page in (tmp_path / "out").rglob("*.html"):
        assert "__sitegen" not in page.read_text(), page


def test_base_path_and_folder_redirects(preview: Preview) -> None:
    root = fetch(preview, "/")
    assert root.status == 302 and root.headers["location"] == "/mini/"
    assert fetch(preview, "/mini").headers["location"] == "/mini/"
    folder = fetch(preview, "/mini/articles?x=1")
    assert folder.status == 301 and folder.headers["location"] == "/mini/articles/?x=1"
    assert fetch(preview, "/mini/articles/").status == 200


def test_missing_page_gets_the_sites_404_page(preview: Preview) -> None:
    for target in ("/mini/no/such/page/", "/elsewhere/", "/mini/static/"):  # no folder listings
        missing = fetch(preview, target)
        assert missing.status == 404, target
        assert "Page not found" in missing.text and EVENTS_PATH in missing.text


def test_head_has_the_headers_of_get_and_no_body(preview: Preview) -> None:
    get, head = fetch(preview, "/mini/" + ARTICLE_URL), fetch(preview, "/mini/" + ARTICLE_URL, method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["content-type"] == get.headers["content-type"]
    assert fetch(preview, "/mini/nope", method="HEAD").status == 404


@pytest.mark.parametrize("target", [
    "/mini/../sitegen.toml", "/../sitegen.toml", "/mini/%2e%2e/sitegen.toml", "/mini/%2E%2E/%2e%2E/etc/passwd",
    "/mini/articles%2f..%2f..%2fsitegen.toml", "/mini/..%5csitegen.toml", "/mini/..%5Csitegen.toml",
    "/mini\\..\\sitegen.toml", "/mini/%00", "/mini/index.html%00.css", "/mini/./index.html",
    "/mini/%c0%ae%c0%ae/sitegen.toml", "/mini/%252e%252e/sitegen.toml", "/mini//etc/passwd",
    "//etc/passwd", "/etc/passwd", "/%2fetc%2fpasswd", "http://127.0.0.1/etc/passwd",
    "/mini/C:/Windows/win.ini", "*", "/mini/sitegen.toml", "/mini/../../../../../../etc/passwd",
])
def test_traversal_and_odd_targets_are_refused(preview: Preview, target: str) -> None:
    reply = fetch(preview, target)
    assert reply.status in (400, 404), (target, reply.status)
    assert SECRET not in reply.text and "root:" not in reply.text


@pytest.mark.parametrize("target", ["/a/../b", "/%2e%2e/", "/a%2Fb", "/a%5cb", "/a\\b", "/%00",
                                    "/a//b", "x", "/%ff"])
def test_site_path_refuses(target: str) -> None:
    with pytest.raises(BadTarget):
        site_path(target)


def test_site_path_decodes_once() -> None:
    assert site_path("/people/caf%C3%A9/?q=1") == ("/people/café/", "q=1")
    assert site_path("/a%2520b") == ("/a%20b", "")


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "localhost",
                                  "localhost.evil.example:{port}", "127.0.0.1.nip.io:{port}", None])
def test_foreign_host_is_refused(preview: Preview, host: str | None) -> None:
    reply = fetch(preview, "/mini/", host=host.format(port=preview.port) if host else None)
    assert reply.status == 403
    assert "<html" not in reply.text


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_local_hosts_are_served(preview: Preview, host: str) -> None:
    assert fetch(preview, "/mini/", host=host.format(port=preview.port)).status == 200


def test_host_rules() -> None:
    assert host_allowed("[::1]:8000", "127.0.0.1", 8000)
    assert host_allowed("192.168.1.5:8000", "0.0.0.0", 8000)  # an IP literal when bound to all
    assert not host_allowed("attacker.example:8000", "0.0.0.0", 8000)
    assert host_allowed("10.0.0.2:8000", "10.0.0.2", 8000)
    assert not host_allowed("10.0.0.3:8000", "10.0.0.2", 8000)


def test_event_stream_checks_origin(preview: Preview) -> None:
    state = first_event(preview)
    assert state["build"] and state["error"] is None
    assert first_event(preview, {"Origin": f"http://localhost:{preview.port}"})["build"] == state["build"]
    for origin in ("https://evil.example", "null", f"http://evil.example:{preview.port}"):
        assert fetch(preview, EVENTS_PATH, headers={"Origin": origin}).status == 403


@pytest.mark.parametrize(("query", "page"), [
    ("page=%2Fmini%2Farticles%2Fx%2F", "articles/x/"),
    ("x=1&page=%2Fmini%2F", ""),
    ("page=%2Fmini%2Fpeople%2F%25C3%25A9lise%2F", "people/élise/"),  # location.pathname is itself encoded
    ("page=%2Fother%2Farticles%2Fx%2F", None),                       # not under the base path
    ("page=%2Fmini%2F..%2Fsitegen.toml", None),
    ("page=mini%2Fx%2F", None),
    ("page=%2Fmini%2Fa%2F&page=%2Fmini%2Fb%2F", None),
    ("", None),
    ("page=" + "a" * 5000, None),
])
def test_tab_page(query: str, page: str | None) -> None:
    assert tab_page(query, "/mini/") == page


def test_an_event_stream_tells_which_page_its_tab_is_on(preview: Preview) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=30)
    try:
        connection.request("GET", f"{EVENTS_PATH}?page=%2Fmini%2F{ARTICLE_URL.replace('/', '%2F')}")
        response = connection.getresponse()
        assert response.status == 200
        while not response.fp.readline().startswith(b"data: "):
            pass
        assert ARTICLE_URL in preview.events.open_pages()
    finally:
        connection.close()


def test_other_methods_and_malformed_requests_get_4xx(preview: Preview) -> None:
    post = fetch(preview, "/mini/", method="POST")
    assert post.status == 405 and post.headers["allow"] == "GET, HEAD"
    assert fetch(preview, "/mini/", method="BREW").status == 405
    for raw in (b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/x.y\r\n\r\n",
                b"GET /mini/ HTTP/1.1\r\nHost: " + b"a" * 70000 + b"\r\n\r\n",
                b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", preview.port), timeout=30) as sock:
            sock.sendall(raw)
            answer = sock.recv(64)
        # An HTTP/0.9-style request line gets a bare body, which starts with the status code.
        status = answer.split(b" ", 2)[1 if answer.startswith(b"HTTP/") else 0]
        assert status.startswith(b"4"), (raw[:30], status)
    assert fetch(preview, "/mini/").status == 200, "the server survives them all"


def test_requests_during_a_rebuild_wait_and_get_complete_pages(tmp_path: Path) -> None:
    root = copy_mini(tmp_path / "site", own_theme=False)
    with running(root) as live:
        live.site.mark_pending()  # as the watcher does on the first event of a burst
        replies: list[str] = []
        lock = threading.Lock()

        def get() -> None:
            text = fetch(live, "/mini/" + ARTICLE_URL).text
            with lock:
                replies.append(text)

        threads = [threading.Thread(target=get) for _ in range(8)]
        for thread in threads:
            thread.start()
        assert live.site.wait_until(lambda site: site.waiting >= 8), "requests did not queue up"
        article = root / ARTICLE
        article.write_text(article.read_text() + "\nA freshly added closing line.\n")
        live.build()
        for thread in threads:
            thread.join(timeout=30)
    assert len(replies) == 8
    for text in replies:
        assert "A freshly added closing line." in text and text.rstrip().endswith("</html>")


def test_a_running_preview_hands_the_interpreter_lock_over_quickly_and_restores_it_after(tmp_path: Path) -> None:
    import sys

    from sitegen.serve import SWITCH_INTERVAL_SECONDS

    before = sys.getswitchinterval()
    with running(copy_mini(tmp_path / "site", own_theme=False)):
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL_SECONDS)
    assert sys.getswitchinterval() == before


def test_port_in_use_is_a_usage_error(tmp_path: Path) -> None:
    root = copy_mini(tmp_path / "site", own_theme=False)
    with socket.socket() as taken:  # the very address serve asks for, so binding fails on any system
        taken.bind(("127.0.0.2", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--root", str(root), "--port", str(port), "--host", "127.0.0.2")
    assert result.code == 2
    assert "warning: serving on 127.0.0.2" in result.err, "any address but the default warns"
    assert f"cannot listen on 127.0.0.2:{port}" in result.err and "--port 0" in result.err


def test_bind_warnings() -> None:
    assert _bind_warning("127.0.0.1") is None
    assert "instead of the default" in (_bind_warning("::1") or "")
    assert "other machines can see" in (_bind_warning("0.0.0.0") or "")
    assert "other machines can see" in (_bind_warning("192.168.1.5") or "")


def test_missing_config_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("serve", "--root", str(tmp_path))
    assert result.code == 2 and "no sitegen.toml" in result.err


# Targets built from the pieces traversal attempts are made of, in any order and encoding.
PIECES = st.sampled_from(["/", "..", ".", "%2e", "%2E", "%2f", "%5c", "\\", "%00", "%25", "%c0%ae", "mini",
                          "articles", "index.html", "sitegen.toml", "etc", "passwd", "%", "?", "#", "C:", "~"])
TARGETS = st.lists(PIECES, max_size=12).map("".join) | st.text(max_size=40)


@settings(max_examples=300, deadline=None)
@given(TARGETS)
def test_site_path_never_lets_a_dot_segment_or_odd_character_through(target: str) -> None:
    try:
        path, _ = site_path(target)
    except BadTarget:
        return
    segments = path[1:].split("/")
    assert path.startswith("/")
    assert not {".", ".."} & set(segments)
    assert "\\" not in path and not any(ord(c) < 0x20 for c in path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(PIECES, min_size=1, max_size=10).map(lambda parts: "/" + "".join(parts)))
def test_any_target_gets_an_answer_from_the_site_or_a_4xx(preview: Preview, target: str) -> None:
    reply = fetch(preview, target.replace(" ", "%20"))
    assert reply.status in (200, 301, 302, 400, 404), (target, reply.status)
    assert SECRET not in reply.text and "root:" not in reply.text
