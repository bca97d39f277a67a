"""Atom feeds, read back by a real feed parser: valid, complete, deterministic, discoverable."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from tests.conftest import MINI
from tests.publishing_support import build_site, seed_root
from tests.sitecheck import page_links, resolve

UNDATED = """\
---
title: "An undated report"
language: en
people: [jane-doe]
---
Jane Doe spoke.
"""
PERSON = """\
---
name: "Jane Doe"
---
"""
DRAFT = """\
---
title: "Unfinished"
language: en
published: 2030-01-01
draft: true
people: [jane-doe]
---
Draft text.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(seed_root(), tmp_path_factory.mktemp("feeds") / "public")


def parse(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, f"{path}: {parsed.get('bozo_exception')}"
    return parsed


def check_required(parsed: feedparser.FeedParserDict) -> None:
    feed = parsed.feed
    for key in ("id", "title", "updated"):
        assert feed.get(key), f"feed has no {key}"
    assert feed.get("author_detail", {}).get("name"), "feed has no author"
    for entry in parsed.entries:
        for key in ("id", "title", "updated", "link"):
            assert entry.get(key), f"entry {entry.get('id')} has no {key}"
        # RFC 4287 4.1.2: an entry without atom:author takes the feed's.
        assert entry.get("author") or feed.author_detail.name, f"entry {entry.id} has no author"


def test_site_feed_is_valid_atom_with_every_required_element(site: Path) -> None:
    parsed = parse(site / "feed.xml")
    assert parsed.version == "atom10"
    check_required(parsed)
    assert parsed.entries, "the archive feed lists articles"
    assert parsed.feed.id == "https://example.org/deconfliction/feed.xml" or \
        parsed.feed.id.endswith("/feed.xml")
    updated = [e.updated for e in parsed.entries]
    assert updated == sorted(updated, reverse=True), "newest first"
    assert parsed.feed.updated == updated[0], "the feed is as new as its newest entry"
    for entry in parsed.entries:
        assert entry.link.startswith(parsed.feed.link), "entry links are canonical, absolute URLs"


def test_every_entity_feed_is_valid_and_lists_its_articles(site: Path) -> None:
    feeds = sorted(site.glob("*/*/feed.xml"))
    assert len(feeds) > 5
    for path in feeds:
        parsed = parse(path)
        check_required(parsed)
        page = path.parent / "index.html"
        links, _ = page_links(page.read_text(encoding="utf-8"))
        articles = {resolve(site, page, href)[0] for _, href in links if "/articles/" in href}
        for entry in parsed.entries:
            slug = entry.link.rstrip("/").rsplit("/", 1)[-1]
            assert site / "articles" / slug / "index.html" in articles, \
                f"{path.relative_to(site)} lists {slug}, which its page does not link"


def test_pages_announce_their_feeds_with_autodiscovery_links(site: Path) -> None:
    html = (site / "people" / "vladimir-putin" / "index.html").read_text(encoding="utf-8") \
        if (site / "people" / "vladimir-putin").is_dir() else (site / "index.html").read_text()
    discovered = [line for line in html.splitlines() if 'rel="alternate" type="application/atom+xml"' in line]
    assert discovered, "no <link rel=alternate> for a feed"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in home and 'href="feed.xml"' in home


def test_timestamps_come_from_article_dates(tmp_path: Path) -> None:
    site = build_site(MINI, tmp_path / "out")
    parsed = parse(site / "feed.xml")
    # 2015-12-01 and 2015-12 (a month stands for its first day)
    assert [e.updated for e in parsed.entries] == ["2015-12-01T00:00:00Z", "2015-12-01T00:00:00Z"]
    again = build_site(MINI, tmp_path / "again")
    assert (again / "feed.xml").read_bytes() == (site / "feed.xml").read_bytes()


def test_undated_articles_use_the_newest_date_and_drafts_stay_out(make_site, tmp_path: Path) -> None:
    root = make_site({"content/people/jane-doe.md": PERSON, "content/articles/undated.md": UNDATED,
                      "content/articles/unfinished.md": DRAFT,
                      "content/articles/dated.md": UNDATED.replace("An undated", "A dated")
                      .replace("language: en", "language: en\npublished: 2020-05")})
    site = build_site(root, tmp_path / "out", "--drafts")
    parsed = parse(site / "feed.xml")
    check_required(parsed)
    titles = {e.title: e for e in parsed.entries}
    assert set(titles) == {"An undated report", "A dated report"}, "drafts never go into a feed"
    assert titles["A dated report"].updated == "2020-05-01T00:00:00Z", "a month stands for its first day"
    assert titles["An undated report"].updated == "2020-05-01T00:00:00Z"
    assert "published" not in titles["An undated report"]
    person = parse(site / "people" / "jane-doe" / "feed.xml")
    assert len(person.entries) == 2
