"""Structured data and crawler files: JSON-LD that parses and resolves, OpenGraph, sitemap, robots."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.publishing_support import build_site, seed_root

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(seed_root(), tmp_path_factory.mktemp("seo") / "public")


def base_url(site: Path) -> str:
    return json.loads((site / "archive.json").read_text())["site"]["base_url"].rstrip("/") + "/"


def graph_of(page: Path) -> list[dict]:
    blocks = JSONLD.findall(page.read_text(encoding="utf-8"))
    assert len(blocks) == 1, f"{page}: {len(blocks)} JSON-LD blocks"
    data = json.loads(blocks[0])
    assert data["@context"] == "https://schema.org"
    return data["@graph"]


def walk(value: object):
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v)


def page_for(site: Path, base: str, url: str) -> Path:
    path = url[len(base):].split("#", 1)[0].split("?", 1)[0]
    return site / path / "index.html" if path.endswith("/") or not path else site / path


def test_every_page_has_json_ld_whose_site_ids_resolve_to_pages(site: Path) -> None:
    base = base_url(site)
    pages = sorted(site.rglob("*.html"))
    unresolved, types = [], set()
    for page in pages:
        for node in walk(graph_of(page)):
            types.add(node.get("@type"))
            ident = node.get("@id", "")
            if ident.startswith(base) and not page_for(site, base, ident).is_file():
                unresolved.append(f"{page.relative_to(site)}: {ident}")
    assert not unresolved, "\n".join(unresolved[:20])
    assert {"NewsArticle", "Person", "Event", "Quotation", "WebSite"} <= types
    assert types & {"Organization", "NewsMediaOrganization", "GovernmentOrganization"}
    assert types & {"Place", "Country", "City"}


def test_news_article_names_its_parts_and_links_entities(site: Path) -> None:
    article = sorted((site / "articles").glob("*/index.html"))[0]
    graph = graph_of(article)
    news = next(n for n in graph if n["@type"] == "NewsArticle")
    assert news["headline"] and news["datePublished"] and news["publisher"]["@id"]
    assert news["url"] == news["mainEntityOfPage"] and news["url"].startswith(base_url(site))
    assert news["mentions"] and all(m["@id"] and m["name"] for m in news["mentions"])
    quotes = [n for n in graph if n["@type"] == "Quotation"]
    for quote in quotes:
        assert quote["text"] and quote["spokenByCharacter"]["@id"]
        fragment = quote["@id"].split("#", 1)[1]
        assert f'id="{fragment}"' in article.read_text(), "a quotation's @id names its place in the text"


def test_event_dates_keep_their_precision(make_site, tmp_path: Path) -> None:
    root = make_site({"content/events/intervention.md": '---\nname: "Intervention"\ndate: 2015-09\n---\n',
                      "content/events/war.md": '---\nname: "War"\ndate: 1967-06-05\nend_date: 1967-06-10\n---\n'})
    site = build_site(root, tmp_path / "out")
    month = next(n for n in graph_of(site / "events/intervention/index.html") if n["@type"] == "Event")
    assert month["startDate"] == "2015-09" and "endDate" not in month
    war = next(n for n in graph_of(site / "events/war/index.html") if n["@type"] == "Event")
    assert (war["startDate"], war["endDate"]) == ("1967-06-05", "1967-06-10")


def test_script_end_tags_in_content_cannot_break_out_of_json_ld(make_site, tmp_path: Path) -> None:
    title = "</script><script>alert(1)</script> & <!-- “quoted” -->"
    root = make_site({"content/articles/x.md": f"---\ntitle: {json.dumps(title)}\nlanguage: en\n---\nText.\n"})
    page = build_site(root, tmp_path / "out") / "articles/x/index.html"
    raw = JSONLD.findall(page.read_text(encoding="utf-8"))[0]
    assert "</" not in raw and "<!--" not in raw
    news = next(n for n in json.loads(raw)["@graph"] if n["@type"] == "NewsArticle")
    assert news["headline"] == title


def test_opengraph_and_twitter_cards_and_canonical_urls(site: Path) -> None:
    base = base_url(site)
    article = sorted((site / "articles").glob("*/index.html"))[0]
    html = article.read_text(encoding="utf-8")
    url = base + article.parent.relative_to(site).as_posix() + "/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    for tag in ('property="og:title"', 'property="og:description"', 'property="og:type" content="article"',
                'property="og:site_name"', 'name="twitter:card" content="summary"'):
        assert tag in html, tag
    not_found = (site / "404.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in not_found and 'content="noindex"' in not_found


def test_sitemap_lists_every_public_page_and_robots_points_to_it(site: Path) -> None:
    base = base_url(site)
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = [e.text for e in root.iter(f"{SITEMAP_NS}loc")]
    assert len(locs) == len(set(locs))
    assert all(page_for(site, base, u).is_file() for u in locs)
    pages = {p for p in site.rglob("index.html")} - {site / "search/index.html"}
    assert {page_for(site, base, u) for u in locs} == pages
    assert base + "search/" not in locs and not any(u.endswith("404.html") for u in locs)
    assert f"Sitemap: {base}sitemap.xml" in (site / "robots.txt").read_text()


def test_a_large_site_gets_a_sitemap_index(make_site, tmp_path: Path, monkeypatch) -> None:
    from sitegen import seo

    monkeypatch.setattr(seo, "SITEMAP_LIMIT", 3)
    root = make_site({f"content/people/p{i}.md": f'---\nname: "P {i}"\n---\n' for i in range(5)})
    site = build_site(root, tmp_path / "out")
    index = ET.parse(site / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP_NS}sitemapindex"
    parts = [e.text.rsplit("/", 1)[1] for e in index.iter(f"{SITEMAP_NS}loc")]
    assert parts and all((site / p).is_file() for p in parts)
    total = sum(len(ET.parse(site / p).getroot()) for p in parts)
    assert total == len([p for p in site.rglob("index.html") if "search" not in p.parts])
