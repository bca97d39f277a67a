"""The benchmark corpus (benchmarks/gen_corpus.py): deterministic, realistic, and a clean build."""

from __future__ import annotations

import hashlib
import statistics
from collections import Counter
from pathlib import Path

import pytest

from benchmarks import gen_corpus  # a plain script folder, importable from the repository root
from sitegen.build import render_site
from sitegen.config import load_config
from sitegen.diagnostics import Level


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_size_and_seed_give_the_same_files(tmp_path: Path) -> None:
    gen_corpus.generate(25, 7, tmp_path / "a")
    gen_corpus.generate(25, 7, tmp_path / "b")
    gen_corpus.generate(25, 8, tmp_path / "c")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert _tree(tmp_path / "a") != _tree(tmp_path / "c")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("corpus") / "site"
    gen_corpus.generate(120, 3, root)
    with (root / "sitegen.toml").open("a") as toml:
        toml.write("\n[search]\nenabled = false\n")  # Pagefind has nothing to do with the corpus
    config, problems = load_config(root)
    assert not problems
    return root, render_site(config)


def test_the_corpus_builds_without_errors_or_warnings(built) -> None:  # type: ignore[no-untyped-def]
    _, result = built
    levels = Counter(d.level for d in result.diagnostics)
    assert levels[Level.ERROR] == 0 and levels[Level.WARNING] == 0, \
        [d.format() for d in result.diagnostics if d.level is not Level.SUGGESTION][:5]
    # Some bodies name people their front matter does not list: the suggestion pass has work.
    assert any(d.code == "mention-unreferenced" for d in result.diagnostics)


def test_articles_look_like_news(built) -> None:  # type: ignore[no-untyped-def]
    root, result = built
    archive = result.archive
    words = [len(a.body.split()) for a in archive.articles]
    assert 560 <= min(words) and max(words) <= 1000 and 650 <= statistics.median(words) <= 850
    bodies = "\n".join(a.body for a in archive.articles)
    for syntax in ("\n## ", "\n- ", "\n> ", "](https://", "](@people/"):
        assert syntax in bodies
    assert all(1 <= len(a.quotes) <= 3 and len(a.notes) <= 3 for a in archive.articles)
    assert sum(bool(a.capture) for a in archive.articles) >= len(archive.articles) // 8
    assert any((root / "content" / "articles" / a.capture.file).is_file()
               for a in archive.articles if a.capture)


def test_names_and_aliases_occur_in_the_bodies(built) -> None:  # type: ignore[no-untyped-def]
    _, result = built
    archive = result.archive
    matched = Counter()
    for article in archive.articles:
        body = archive.bodies[("articles", article.slug)]
        text = "\n".join(body.blocks)
        for mention in body.mentions:
            entity = archive.get(mention.collection, mention.slug)
            form = text.split("\n")[mention.block][mention.start:mention.end] if not mention.explicit else ""
            matched["alias" if form in entity.aliases else "name" if form == entity.name else "other"] += 1
    assert matched["name"] > 500 and matched["alias"] > 200


def test_popularity_is_zipf_like(built) -> None:  # type: ignore[no-untyped-def]
    _, result = built
    counts = sorted((len(v) for k, v in result.archive.relations.backlinks.items() if k[0] == "people"),
                    reverse=True)
    assert counts[0] >= 8 * statistics.median(counts)
