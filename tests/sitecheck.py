"""Helpers that read a built site: every link and id on every page."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if value is not None and (name in ("href", "src") or (tag == "link" and name == "href")):
                self.links.append((tag, value))


def page_links(html: str) -> tuple[list[tuple[str, str]], set[str]]:
    collector = _Collector()
    collector.feed(html)
    return collector.links, collector.ids


def resolve(site: Path, page: Path, link: str) -> tuple[Path | None, str]:
    """The file an internal link points at (None for external links) and its fragment."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None, ""
    if not parts.path:
        return page, parts.fragment
    base = page.parent.relative_to(site).as_posix()
    target = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
    path = site / target
    if parts.path.endswith("/") or path.is_dir():
        path = path / "index.html"
    return path, parts.fragment


def broken_links(site: Path) -> list[str]:
    """Every internal href/src on every HTML page that names a missing file or fragment."""
    ids_cache: dict[Path, set[str]] = {}
    problems = []
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        if page.name == "404.html":
            continue  # served at any path, so its links are root-relative to base_url
        links, ids = page_links(page.read_text(encoding="utf-8"))
        ids_cache[page] = ids
        for tag, link in links:
            target, fragment = resolve(site, page, link)
            if target is None:
                continue
            where = f"{page.relative_to(site)}: <{tag}> {link}"
            if not target.is_file():
                shown = target.relative_to(site) if target.is_relative_to(site) else target
                problems.append(f"{where} -> missing {shown}")
                continue
            if fragment and target.suffix == ".html":
                if target not in ids_cache:
                    ids_cache[target] = page_links(target.read_text(encoding="utf-8"))[1]
                if fragment not in ids_cache[target]:
                    problems.append(f"{where} -> no id '{fragment}' in {target.relative_to(site)}")
    return problems
