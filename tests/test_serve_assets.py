"""Served pages load the site's stylesheets, icons and scripts by content version; the browser keeps exactly those."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.serve import Preview
from sitegen.serve_assets import KEPT, asset_path, cache_control, version_of, versioned_assets
from tests.test_serve_support import ARTICLE, ARTICLE_URL, copy_mini, fetch, running

CSS, ICON, JS = b"body{color:red}", b"<svg/>", b"console.log(1)"
FILES = {"static/style.css": CSS, "static/favicon.svg": ICON, "static/app.js": JS, "feed.xml": b"<feed/>",
         "articles/a/index.html": b"", "static/a b.css": CSS}


@pytest.mark.parametrize(("url", "path"), [
    ("../../static/style.css", "static/style.css"),
    ("/mini/static/style.css", "static/style.css"),
    ("../../static/a%20b.css", "static/a b.css"),
    ("./../.././static/style.css", "static/style.css"),
    ("../../../static/style.css", None),     # leaves the site
    ("/elsewhere/static/style.css", None),   # outside the base path
    ("https://cdn.example/style.css", None),
    ("//cdn.example/style.css", None),
    ("../../static/style.css?x=1", None),    # a query of the author's own: left alone
    ("../../static/style.css#top", None),
    ("javascript:alert(1)", None),
    ("", None),
])
def test_asset_path(url: str, path: str | None) -> None:
    assert asset_path(url, "articles/a/index.html", "/mini/") == path


def test_loading_tags_get_the_version_and_other_links_do_not() -> None:
    page = (b'<link rel="stylesheet" href="../../static/style.css">\n'
            b"<LINK REL='icon' type=\"image/svg+xml\" HREF='/mini/static/favicon.svg'>\n"
            b'<script defer src="../../static/app.js"></script>\n'
            b'<link rel="alternate" href="../../feed.xml">\n'
            b'<link rel="stylesheet" href="https://cdn.example/x.css">\n'
            b'<link rel="stylesheet" href="../../static/missing.css">\n'
            b'<script type="application/ld+json">{"href": "../../static/style.css"}</script>\n')
    served = versioned_assets(page, "articles/a/index.html", FILES, "/mini/")
    assert served.decode().splitlines() == [
        f'<link rel="stylesheet" href="../../static/style.css?v={version_of(CSS)}">',
        f"<LINK REL='icon' type=\"image/svg+xml\" HREF='/mini/static/favicon.svg?v={version_of(ICON)}'>",
        f'<script defer src="../../static/app.js?v={version_of(JS)}"></script>',
        '<link rel="alternate" href="../../feed.xml">',
        '<link rel="stylesheet" href="https://cdn.example/x.css">',
        '<link rel="stylesheet" href="../../static/missing.css">',
        '<script type="application/ld+json">{"href": "../../static/style.css"}</script>',
    ]


@given(st.text(alphabet=st.sampled_from(list("<>'\"= /relinkscriptshrefsrc.?#stylesheeticon")), max_size=200))
def test_versioning_only_ever_inserts_a_version(text: str) -> None:
    page = text.encode()
    served = versioned_assets(page, "articles/a/index.html", {"static/style.css": CSS, "style.css": CSS}, "/")
    assert re.sub(rb"\?v=[0-9a-f]{16}", b"", served) == page


def test_cache_control_keeps_only_the_current_version() -> None:
    assert cache_control(f"v={version_of(CSS)}", CSS) == KEPT
    assert cache_control(f"v={version_of(CSS)}&sitegen=2", CSS) == KEPT
    assert cache_control(f"v={version_of(b'old')}", CSS) == "no-store"  # an older page's URL: the bytes changed
    assert cache_control("", CSS) == "no-store"
    assert cache_control(f"v={version_of(CSS)}&v=x", CSS) == "no-store"


@pytest.fixture()
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    root = copy_mini(tmp_path_factory.mktemp("assets") / "site", own_theme=True)
    with running(root) as live:
        yield live


def _stylesheet_urls(page: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)


def test_served_stylesheets_are_kept_until_they_change(preview: Preview) -> None:
    urls = _stylesheet_urls(fetch(preview, "/mini/" + ARTICLE_URL).text)
    assert urls and all("?v=" in url for url in urls)
    style = next(url for url in urls if "style.css" in url)
    absolute = urljoin("/mini/" + ARTICLE_URL, style)
    first = fetch(preview, absolute)
    assert first.status == 200 and first.headers["cache-control"] == KEPT
    assert fetch(preview, "/mini/static/style.css").headers["cache-control"] == "no-store"

    css_file = preview.root / "themes" / "default" / "static" / "style.css"
    css_file.write_text(css_file.read_text() + "\nbody { color: rebeccapurple; }\n")
    preview.build()  # what the watcher would do; done here so the test need not wait for it
    again = fetch(preview, absolute)  # the old page's URL: fresh bytes, and not to be kept
    assert b"rebeccapurple" in again.body and again.headers["cache-control"] == "no-store"
    renewed = next(url for url in _stylesheet_urls(fetch(preview, "/mini/" + ARTICLE_URL).text) if "style.css" in url)
    assert renewed != style
    assert fetch(preview, urljoin("/mini/" + ARTICLE_URL, renewed)).headers["cache-control"] == KEPT


def test_pages_themselves_are_never_kept(preview: Preview) -> None:
    page = fetch(preview, "/mini/" + ARTICLE_URL + f"?v={version_of(ARTICLE.encode())}")
    assert page.status == 200 and page.headers["cache-control"] == "no-store"
