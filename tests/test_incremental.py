"""Incremental rebuilds (render memo + cached parsing and bodies) equal a full build, byte for byte."""

from __future__ import annotations

from pathlib import Path

from sitegen.build import BuildCache, render_site
from sitegen.config import Config, load_config
from sitegen.diagnostics import Diagnostic
from sitegen.render import Output
from sitegen.serve import Preview
from sitegen.serve_search import is_index_file
from tests.test_serve_support import ARTICLE

NEW_PERSON = """\
---
name: "Moshe Yaalon"
description: "Israeli defence minister."
---
"""


def no_index(pages: list[Output], config: Config) -> tuple[list[Output], list[Diagnostic]]:
    return [], []


def full_build(root: Path) -> dict[str, bytes]:
    """A fresh build with nothing memoised, as `sitegen build` makes it (search index aside)."""
    config, problems = load_config(root)
    assert not problems
    # Pagefind's bundle is left out of the comparison (see served), so it need not be built here.
    result = render_site(config, cache=BuildCache(search_index=no_index))
    assert not result.failed(), [d.format() for d in result.diagnostics]
    return {o.path: o.data for o in result.outputs if not is_index_file(o.path)}


def served(preview: Preview) -> dict[str, bytes]:
    snapshot = preview.settled(preview.site.current())
    # Pagefind writes differently named files on every run, so its bundle cannot be compared
    # byte for byte; that the served bundle indexes exactly the served pages is checked below.
    assert any(is_index_file(p) for p in snapshot.files), "the search index is served too"
    return {p: d for p, d in snapshot.files.items() if not is_index_file(p)}




def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_step_of_an_editing_session_equals_a_full_build(preview: Preview) -> None:
    root = preview.root
    article = root / ARTICLE
    first = preview.build()
    assert first.succeeded and first.rendered == first.pages
    assert served(preview) == full_build(root)
    pages = first.pages

    def step(change) -> int:  # type: ignore[no-untyped-def]
        change()
        report = preview.build()
        assert report.succeeded, [d.format() for d in report.diagnostics]
        assert served(preview) == full_build(root)
        return report.rendered

    # A sentence in one body: that article's page, and pages quoting its sentences.
    rendered = step(lambda: edit(article, "with `code` and *emphasis*.", "with `code` and new words."))
    assert 1 <= rendered < pages // 2
    # Its title shows on lists, the timeline, the home page and every page linking to it.
    assert step(lambda: edit(article, 'title: "Leaders agree', 'title: "Two leaders agree')) > rendered
    assert step(lambda: None) == 0, "nothing changed, nothing re-rendered"
    # A new person referenced by an article that named them as unknown.
    assert step(lambda: (root / "content/people/moshe-yaalon.md").write_text(NEW_PERSON)) >= 2
    # Renamed, as `git mv` or a file manager does it.
    step(lambda: article.rename(article.with_name("2015-12-01-paris-meeting-talks.md")))
    # A deleted person: their page goes, references to them become stubs.
    step(lambda: (root / "content/people/moshe-yaalon.md").unlink())
    # A template: only the pages using it are re-rendered.
    articles = sum(p.startswith("articles/") and p.count("/") == 2 and p.endswith("/index.html")
                   for p in served(preview))
    template = root / "themes/default/templates/article.html"
    assert step(lambda: template.write_text(template.read_text() + "\n<!-- edited -->\n")) == articles
    # A stylesheet: no page at all.
    style = root / "themes/default/static/style.css"
    assert step(lambda: style.write_text(style.read_text() + "\nbody { color: red; }\n")) == 0
    # The site title is on every page.
    assert step(lambda: edit(root / "sitegen.toml", 'title = "Mini archive"', 'title = "Mini"')) == pages


def test_a_failed_build_keeps_the_last_good_site_and_the_fix_equals_a_full_build(preview: Preview) -> None:
    root = preview.root
    article = root / ARTICLE
    assert preview.build().succeeded
    before = served(preview)
    edit(article, "title: ", "title: [unclosed\n")
    broken = preview.build()
    assert not broken.succeeded
    assert served(preview) == before
    state = preview.site.current()
    assert state.error_html and ARTICLE in state.error_html
    edit(article, "title: [unclosed\n", "title: ")
    assert preview.build().succeeded
    assert preview.site.current().error_html is None
    assert served(preview) == full_build(root) == before


def test_served_search_index_is_built_from_the_served_pages(preview: Preview) -> None:
    assert preview.build().succeeded
    snapshot = preview.settled(preview.site.current())
    assert preview.search.is_ready(snapshot.search_key)
    assert snapshot.search_key == preview.search.wanted


def test_template_mistakes_show_the_template_source_in_the_overlay(preview: Preview) -> None:
    template = preview.root / "themes/default/templates/article.html"
    assert preview.build().succeeded
    before = served(preview)
    original = template.read_text(encoding="utf-8")
    template.write_text(original + "\n{% if <broken> %}\n", encoding="utf-8")
    assert not preview.build().succeeded
    overlay = preview.site.current().error_html
    assert overlay and "themes/default/templates/article.html:" in overlay
    assert "{% if &lt;broken&gt; %}" in overlay, "the offending template line, escaped"
    assert served(preview) == before
    template.write_text(original, encoding="utf-8")
    assert preview.build().succeeded and preview.site.current().error_html is None
