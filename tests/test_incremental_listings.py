"""Listings, feeds, tables and exports kept in runs by `serve` equal a fresh build, edit after edit."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks import gen_corpus  # a plain script folder, importable from the repository root
from sitegen import datasets, exports, pages, seo
from sitegen.build import BuildCache, render_site
from sitegen.config import Config, load_config
from sitegen.diagnostics import Diagnostic
from sitegen.pages import plan_pages
from sitegen.render import Output
from sitegen.reuse import Reuse
from sitegen.seo import publish_context
from tests.conftest import MINI


def no_index(pages: list[Output], config: Config) -> tuple[list[Output], list[Diagnostic]]:
    return [], []  # Pagefind is not what is under test here, and it is slow


def _articles(root: Path) -> list[Path]:
    return sorted((root / "content" / "articles").glob("*.md"))


def _sub(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert changed != text, (path, pattern)
    path.write_text(changed, encoding="utf-8")


def body(root: Path) -> None:
    with _articles(root)[5].open("a", encoding="utf-8") as f:
        f.write("\nThe ministry later confirmed it.\n")


def title(root: Path) -> None:
    _sub(_articles(root)[11], r'^title: "', 'title: "Retitled: ')


def summary(root: Path) -> None:
    _sub(_articles(root)[20], r'^summary: "', 'summary: "In short, ')


def date_moves(root: Path) -> None:
    # Moves the article to the other end of every newest-first list, and to another year.
    _sub(_articles(root)[3], r'^published: "\d{4}', 'published: "2031')


def earliest(root: Path) -> None:
    # The oldest article stays the oldest, with an earlier date: only the home page's span changes.
    _sub(_articles(root)[0], r'^published: "\d{4}', 'published: "2001')


def undated(root: Path) -> None:
    _sub(_articles(root)[30], r'^published: "[^"]*"\n', "")


def add(root: Path) -> None:
    source = _articles(root)[8]
    text = re.sub(r'^title: "', 'title: "Added: ', source.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE)
    (source.parent / "2012-06-01-an-added-article.md").write_text(
        re.sub(r'^published: "[^"]*"', 'published: "2012-06-01"', text, count=1, flags=re.MULTILINE),
        encoding="utf-8")


def delete(root: Path) -> None:
    _articles(root)[14].unlink()


def draft(root: Path) -> None:
    _sub(_articles(root)[0], r"^draft: false", "draft: true")


def person(root: Path) -> None:
    _sub(sorted((root / "content" / "people").glob("*.md"))[0], r'^name: "', 'name: "Dr ')


def outlet(root: Path) -> None:
    outlets = [p for p in sorted((root / "content" / "organisations").glob("*.md"))
               if "kind: \"outlet\"" in p.read_text(encoding="utf-8")]
    _sub(outlets[0], r'^name: "', 'name: "The ')


def references(root: Path) -> None:
    _sub(_articles(root)[25], r'^places: \["', 'places: ["russha", "')


SEQUENCES: dict[str, list[Callable[[Path], None]]] = {
    "front matter": [body, title, summary, earliest, body, date_moves, undated],
    "articles come and go": [add, body, delete, draft, references],
    "entities": [person, body, outlet, title],
}


@pytest.mark.parametrize("sequence", sorted(SEQUENCES))
def test_kept_runs_equal_a_fresh_build_after_each_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       sequence: str) -> None:
    root = tmp_path / "site"
    gen_corpus.generate(40, 3, root)
    with (root / "sitegen.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[search]\nenabled = false\n")
    # Small runs, so that 40 articles make many of them and an edit moves records across their edges.
    for module in (pages, datasets, exports):
        monkeypatch.setattr(module, "CHUNK", 3)
    config, _ = load_config(root)
    cache = BuildCache(search_index=no_index, reuse=Reuse(), reads={})  # what `serve` keeps between builds
    render_site(config, cache=cache)
    for edit in SEQUENCES[sequence]:
        edit(root)
        config, _ = load_config(root)
        incremental = render_site(config, cache=cache)
        fresh = render_site(config, cache=BuildCache(search_index=no_index))
        assert [o.path for o in incremental.outputs] == [o.path for o in fresh.outputs], edit.__name__
        differing = [o.path for o, f in zip(incremental.outputs, fresh.outputs, strict=True) if o.data != f.data]
        assert not differing, (edit.__name__, differing[:5])
        assert incremental.diagnostics == fresh.diagnostics


def test_a_body_edit_keeps_the_listings_and_feeds_whole(tmp_path: Path) -> None:
    root = tmp_path / "site"
    gen_corpus.generate(40, 3, root)
    with (root / "sitegen.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[search]\nenabled = false\n")
    config, _ = load_config(root)
    reuse = Reuse()
    cache = BuildCache(search_index=no_index, reuse=reuse, reads={})
    listings = ("", "timeline/", "articles/", "people/", "organisations/", "places/", "events/")
    first = {o.path: o for o in render_site(config, cache=cache).outputs}
    planned = [reuse.kept(("listing", path), ())[1] for path in listings]
    body(root)
    second = {o.path: o for o in render_site(config, cache=cache).outputs}
    # Kept whole: the very objects of the last build, not merely equal ones.
    assert all(reuse.kept(("listing", path), ())[1] is spec for path, spec in zip(listings, planned, strict=True))
    assert second["feed.xml"] is first["feed.xml"]
    assert all(second[f"{path}index.html"].data == first[f"{path}index.html"].data for path in listings)


@pytest.mark.parametrize("limit", [50_000, 3])
def test_sitemap_runs_kept_between_builds_equal_a_fresh_sitemap(monkeypatch: pytest.MonkeyPatch, limit: int) -> None:
    config, _ = load_config(MINI)
    archive = render_site(config, cache=BuildCache(search_index=no_index)).archive
    assert archive is not None
    specs = publish_context(archive, plan_pages(archive))
    monkeypatch.setattr(seo, "SITEMAP_RUN", 2)
    monkeypatch.setattr(seo, "SITEMAP_LIMIT", limit)  # 3: an index of sitemaps, which is not kept in runs
    hidden = {**specs[1].context, "publish": {**specs[1].context["publish"], "noindex": True}}
    variants = [specs, [*specs[:3], replace(specs[3], path="moved/"), *specs[4:]], specs[:-3],
                [replace(s, context=hidden) if i == 1 else s for i, s in enumerate(specs)], specs]
    reuse = Reuse()
    for variant in variants:
        reuse.start_build()
        assert seo.sitemap_outputs(archive, variant, reuse) == seo.sitemap_outputs(archive, variant)
