"""Full-text search: the Pagefind index built by `sitegen build`, and the search page in Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.config import parse_config
from tests.conftest import run_cli
from tests.publishing_support import base_path, build_site, chromium, seed_root, serve

PERSON = '---\nname: "Jane Doe"\naliases: ["Doe"]\n---\n'
ARTICLE = """\
---
title: "Harbour report"
published: 2020-05-04
language: en
outlet: courier
people: [jane-doe]
notes:
  - kind: context
    exact: "the harbour"
    text: "Zanzibarian context that only the note contains."
---
Doe visited the harbour and spoke about lighthouses.
"""
DRAFT = """\
---
title: "Draft about quokkas"
language: en
draft: true
---
Quokkas everywhere.
"""
COURIER = '---\nname: "Daily Courier"\nkind: outlet\n---\n'


def small_site(make_site, config: str = "") -> Path:
    return make_site({"sitegen.toml": 'title = "T"\nbase_url = "https://example.org/sub/"\n' + config,
                      "content/people/jane-doe.md": PERSON, "content/articles/harbour.md": ARTICLE,
                      "content/articles/quokka.md": DRAFT, "content/organisations/courier.md": COURIER})


def test_build_adds_the_index_and_the_search_page(make_site, tmp_path: Path) -> None:
    site = build_site(small_site(make_site), tmp_path / "out")
    bundle = site / "pagefind"
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    assert not (bundle / "pagefind-ui.js").exists(), "Pagefind's own UI is not shipped"
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 3, "one article and two entity pages"
    search = (site / "search/index.html").read_text()
    assert 'data-bundle="../pagefind/"' in search and 'data-root="../"' in search
    article = (site / "articles/harbour/index.html").read_text()
    assert 'action="../../search/"' in article, "the header search box submits to the search page"
    for facet in ('data-pagefind-filter="person"', 'data-pagefind-filter="outlet"',
                  'data-pagefind-filter="year:2020"', 'data-pagefind-filter="type:Article"'):
        assert facet in article, facet


def test_notes_are_ignored_unless_configured(make_site, tmp_path: Path) -> None:
    plain = build_site(small_site(make_site), tmp_path / "a") / "articles/harbour/index.html"
    assert '<section aria-labelledby="g-notes" data-pagefind-ignore>' in plain.read_text()
    root = small_site(make_site, "[search]\nindex_notes = true\n")
    indexed = build_site(root, tmp_path / "b") / "articles/harbour/index.html"
    assert '<section aria-labelledby="g-notes">' in indexed.read_text()


def test_drafts_are_not_indexed_unless_configured(make_site, tmp_path: Path) -> None:
    draft = build_site(small_site(make_site), tmp_path / "a", "--drafts") / "articles/quokka/index.html"
    assert "data-pagefind-body" not in draft.read_text() and 'content="noindex"' in draft.read_text()
    root = small_site(make_site, "[search]\nindex_drafts = true\n")
    indexed = build_site(root, tmp_path / "b", "--drafts") / "articles/quokka/index.html"
    assert "data-pagefind-body" in indexed.read_text()


def test_search_can_be_turned_off(make_site, tmp_path: Path) -> None:
    site = build_site(small_site(make_site, "[search]\nenabled = false\n"), tmp_path / "out")
    assert not (site / "pagefind").exists() and not (site / "search").exists()
    assert 'role="search"' not in (site / "index.html").read_text()


@pytest.mark.parametrize("text, message", [
    ("[search]\nindex_notes = \"yes\"\n", "search.index_notes must be true or false"),
    ("[search]\nindex_note = true\n", "unknown key 'search.index_note'"),
    ("search = 1\n", "'search' must be a table"),
])
def test_search_settings_are_validated(text: str, message: str, tmp_path: Path) -> None:
    _, problems = parse_config('base_url = "https://example.org/"\n' + text, tmp_path)
    assert [p.message for p in problems] == [message]
    assert all(p.line >= 1 for p in problems)


def test_index_is_byte_identical_across_builds(make_site, tmp_path: Path) -> None:
    root = small_site(make_site)
    a, b = build_site(root, tmp_path / "a"), build_site(root, tmp_path / "b")
    files = sorted(p.relative_to(a) for p in (a / "pagefind").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in (b / "pagefind").rglob("*") if p.is_file())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


def results(page) -> list[dict]:
    page.wait_for_function("document.getElementById('search-status').textContent.includes('result')")
    return page.eval_on_selector_all("#search-results article", """items => items.map(a => ({
        title: a.querySelector('h2 a').textContent, href: a.querySelector('h2 a').getAttribute('href'),
        meta: a.querySelector('.meta').textContent, excerpt: a.querySelector('.excerpt').innerHTML}))""")


def test_search_in_the_browser_under_a_sub_path(tmp_path: Path) -> None:
    root = seed_root()
    prefix = base_path(root)
    site = build_site(root, tmp_path / "out")
    with serve(site, prefix) as served, chromium() as browser:
        page = browser.new_page()
        page.goto(served.page(""))
        page.fill("#site-search-q", "coordination")
        page.press("#site-search-q", "Enter")
        found = results(page)
        assert found, "no results for a word the archive is full of"
        assert page.url.startswith(served.page("search/?q=coordination"))
        articles = [r for r in found if "Article" in r["meta"]]
        assert articles and all(r["title"] for r in found)
        for r in articles:
            assert r["href"].startswith(prefix + "articles/"), "result links keep the sub-path"
            assert "<mark>" in r["excerpt"].lower() and " · " in r["meta"], r
        first_ms = float(page.get_attribute("#search-app", "data-search-ms"))

        person = page.eval_on_selector_all("#facet-person option", "os => os.map(o => o.value)")[1]
        page.click("#search-filters summary")
        page.select_option("#facet-person", person)
        page.wait_for_function("location.search.includes('person=')")
        narrowed = results(page)
        assert 0 < len(narrowed) <= len(found)
        for facet in ("type", "person", "organisation", "place", "event", "outlet", "year"):
            assert page.is_visible(f"[data-facet={facet}]"), f"no {facet} filter"

        page.click(f"#search-results a[href^='{prefix}articles/']")
        page.wait_for_load_state()
        assert "/articles/" in page.url and page.title()
        timings = []
        page.goto(served.page("search/"))
        page.wait_for_function("document.getElementById('search-status').textContent === ''")
        for term in ("embassy", "golan", "putin", "deconfliction mechanism"):
            page.fill("#search-q", term)
            page.wait_for_function(f"document.getElementById('search-status').textContent.includes('{term}')")
            timings.append(float(page.get_attribute("#search-app", "data-search-ms")))
        print(f"search latency: first {first_ms:.0f} ms, then {', '.join(f'{t:.0f}' for t in timings)} ms")
        assert max(timings) < 1000, timings


def test_notes_and_drafts_are_not_found(make_site, tmp_path: Path) -> None:
    root = small_site(make_site)
    site = build_site(root, tmp_path / "out", "--drafts")
    with serve(site, "/sub/") as served, chromium() as browser:
        page = browser.new_page()
        for term, expected in (("lighthouses", 1), ("zanzibarian", 0), ("quokkas", 0)):
            page.goto(served.page(f"search/?q={term}"))
            page.wait_for_function("document.getElementById('search-status').textContent.includes('result')")
            count = page.locator("#search-results li").count()
            assert count == expected, f"{term}: {count} results"


def test_search_page_without_an_index_says_why(tmp_path: Path) -> None:
    site = build_site(seed_root(), tmp_path / "out")
    with chromium() as browser:
        page = browser.new_page()
        page.goto((site / "search" / "index.html").as_uri() + "?q=russia")
        page.wait_for_function("document.getElementById('search-status').textContent.includes('served')")


def test_cli_reports_a_missing_pagefind_binary_as_an_error(make_site, monkeypatch) -> None:
    import pagefind_bin

    def missing() -> Path:
        raise FileNotFoundError("no binary")

    monkeypatch.setattr(pagefind_bin, "get_executable", missing)
    result = run_cli("build", "--root", str(small_site(make_site)))
    assert result.code == 1
    assert "search-index-failed" in result.err and "pagefind[bin]" in result.err
