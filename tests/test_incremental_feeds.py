"""Entity feeds, article checks and exports kept by `serve` equal a fresh build, with short feeds and runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks import gen_corpus  # a plain script folder, importable from the repository root
from sitegen import checks_project, datasets, exports, feeds
from sitegen.build import BuildCache, capture_outputs, render_site
from sitegen.config import load_config
from sitegen.reuse import Reuse
from tests.test_incremental_listings import (
    _articles,
    _sub,
    add,
    body,
    date_moves,
    delete,
    no_index,
    person,
    references,
    title,
)


def undraft(root: Path) -> None:
    _sub(_articles(root)[2], r"^draft: true", "draft: false")


def draft(root: Path) -> None:
    _sub(_articles(root)[2], r"^draft: false", "draft: true")


def unreference(root: Path) -> None:
    _sub(_articles(root)[7], r'^people: \["[^"]*", ', "people: [")


def newest_refers(root: Path) -> None:
    # The newest article comes first in every feed it joins, even one of two entries.
    path = _articles(root)[-1]
    text = path.read_text(encoding="utf-8")
    person = next(p.stem for p in sorted((root / "content" / "people").glob("*.md")) if f'"{p.stem}"' not in text)
    _sub(path, r'^people: \[', f'people: ["{person}", ')


def captured_body(root: Path) -> None:
    path = next(p for p in _articles(root) if p.with_suffix(".capture.txt").exists())
    with path.open("a", encoding="utf-8") as f:
        f.write("\nThe archive later kept a second copy.\n")


def capture_text(root: Path) -> None:
    with sorted((root / "content" / "articles").glob("*.capture.txt"))[-1].open("a", encoding="utf-8") as f:
        f.write("\nAmended.\n")


def strip(root: Path) -> None:
    # An article with no annotations and no names in its body, and a capture named but missing.
    path = _articles(root)[9]
    kept = [line for line in path.read_text(encoding="utf-8").split("\n")
            if line.startswith(("title:", "published:", "language:", "draft:"))]
    path.write_text("\n".join(["---", *kept, "capture:", '  file: "gone.txt"', "---", "",
                               "Nothing of note was said.", ""]), encoding="utf-8")


EDITS: list[Callable[[Path], None]] = [body, draft, body, undraft, references, newest_refers, unreference,
                                       date_moves, strip, captured_body, capture_text, body, person, add, delete, body]


@pytest.mark.parametrize("drafts", [True, False])
def test_kept_feeds_and_checks_equal_a_fresh_build_after_each_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   drafts: bool) -> None:
    root = tmp_path / "site"
    gen_corpus.generate(40, 3, root)
    with (root / "sitegen.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[search]\nenabled = false\n")
    # Feeds of two articles: which articles a feed looks at depends on drafts and order.
    monkeypatch.setattr(feeds, "FEED_LIMIT", 2)
    monkeypatch.setattr(checks_project, "RUN", 3)
    for module in (datasets, exports):
        monkeypatch.setattr(module, "CHUNK", 3)
    config, _ = load_config(root)
    cache = BuildCache(search_index=no_index, reuse=Reuse(), reads={})
    render_site(config, drafts=drafts, cache=cache)
    captures = Reuse()  # capture_outputs' own, as render_site does not hand it one
    kinds = set()
    for edit in EDITS:
        edit(root)
        config, _ = load_config(root)
        incremental = render_site(config, drafts=drafts, cache=cache)
        fresh = render_site(config, drafts=drafts, cache=BuildCache(search_index=no_index))
        assert [o.path for o in incremental.outputs] == [o.path for o in fresh.outputs], edit.__name__
        differing = [o.path for o, f in zip(incremental.outputs, fresh.outputs, strict=True) if o.data != f.data]
        assert not differing, (edit.__name__, differing[:5])
        assert incremental.diagnostics == fresh.diagnostics, edit.__name__
        assert incremental.archive is not None and fresh.archive is not None
        captures.start_build()
        assert capture_outputs(incremental.archive, captures) == capture_outputs(fresh.archive), edit.__name__
        kinds |= {d.code for d in fresh.diagnostics}
    assert {"capture-missing", "article-unannotated"} <= kinds  # the edits reach what is checked


def test_a_title_edit_keeps_the_feeds_not_listing_the_article(tmp_path: Path) -> None:
    root = tmp_path / "site"
    gen_corpus.generate(40, 3, root)
    with (root / "sitegen.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[search]\nenabled = false\n")
    config, _ = load_config(root)
    cache = BuildCache(search_index=no_index, reuse=Reuse(), reads={})
    first = {o.path: o for o in render_site(config, cache=cache).outputs if o.path.endswith("feed.xml")}
    title(root)
    second = {o.path: o for o in render_site(config, cache=cache).outputs if o.path.endswith("feed.xml")}
    assert first.keys() == second.keys()
    changed = {path for path in first if second[path].data != first[path].data}
    # The very objects of the last build where the bytes are the same; some feeds list the article.
    assert changed and all(second[path] is first[path] for path in first.keys() - changed)
