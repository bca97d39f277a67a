"""serve's load and model steps: after any sequence of edits, a kept Reuse gives what a fresh build gives.

Equal is not enough: the tables must list their keys in the same order, and whatever is
unchanged must stay the very same object (later steps tell unchanged inputs by identity).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks import gen_corpus
from sitegen.build import BuildCache, render_site
from sitegen.config import Config, load_config
from sitegen.diagnostics import Diagnostic
from sitegen.graph import Archive, build_archive
from sitegen.load import load_project
from sitegen.relations import Relations
from sitegen.render import Output
from sitegen.reuse import Reuse


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "site"
    gen_corpus.generate(30, 11, root)
    with (root / "sitegen.toml").open("a") as toml:
        toml.write("\n[search]\nenabled = false\n")
    return root


def _articles(root: Path) -> list[Path]:
    return sorted((root / "content" / "articles").glob("*.md"))


def _people(root: Path) -> list[Path]:
    return sorted((root / "content" / "people").glob("*.md"))


def _name(person: Path) -> str:
    return re.search(r'^name: "(.*)"$', person.read_text(), re.M).group(1)  # type: ignore[union-attr]


def _people_line(path: Path) -> list[str]:
    found = re.search(r"^people: \[(.*)\]$", path.read_text(), re.M)
    return re.findall(r'"([^"]+)"', found.group(1)) if found else []


def _set_people(path: Path, slugs: list[str]) -> None:
    text = path.read_text()
    line = "people: [" + ", ".join(f'"{s}"' for s in slugs) + "]"
    path.write_text(re.sub(r"^people: \[.*\]$", line, text, count=1, flags=re.M))


def edit_body(root: Path, n: int) -> None:
    """A sentence naming a person appended to a body: new mentions in context."""
    articles, people = _articles(root), _people(root)
    path = articles[n % len(articles)]
    path.write_text(path.read_text() + f"\n\nLater {_name(people[n % len(people)])} spoke again.\n")


def move_person(root: Path, n: int) -> None:
    """A person taken out of one article's front matter and added to another's."""
    articles = _articles(root)
    source, target = articles[n % len(articles)], articles[(n * 7 + 3) % len(articles)]
    people = _people_line(source)
    if not people or source == target:
        return
    _set_people(source, people[1:])
    if people[0] not in _people_line(target):
        _set_people(target, [*_people_line(target), people[0]])


def reorder_people(root: Path, n: int) -> None:
    """The newest article's people reversed: it is the first to list each, so the tables' key order moves."""
    path = _articles(root)[-1 - n % 3]
    _set_people(path, list(reversed(_people_line(path))))


def _pick(root: Path, n: int) -> Path:
    """An article, for even n one that another article's note points to (so references break)."""
    articles = _articles(root)
    seen = sorted({s for p in articles for s in re.findall(r'^    see: \["([^"]+)"', p.read_text(), re.M)})
    existing = [p for p in articles if p.stem in seen]
    return existing[n % len(existing)] if n % 2 == 0 and existing else articles[n % len(articles)]


def rename(root: Path, n: int) -> None:
    path = _pick(root, n)
    path.rename(path.with_name(f"{path.stem}-renamed.md"))


def delete(root: Path, n: int) -> None:
    if len(_articles(root)) > 3:
        _pick(root, n).unlink()


def add(root: Path, n: int) -> None:
    """A copy of an article under a new name, dated last: it becomes the newest."""
    articles = _articles(root)
    text = articles[n % len(articles)].read_text()
    text = re.sub(r'^published: ".*"$', 'published: "2030-01-0' + str(1 + n % 9) + '"', text, count=1, flags=re.M)
    (root / "content" / "articles" / f"2030-added-{n}.md").write_text(text)


def redate(root: Path, n: int) -> None:
    """An article's date changed: it moves in the archive's order."""
    articles = _articles(root)
    path = articles[n % len(articles)]
    path.write_text(re.sub(r'^published: ".*"$', f'published: "19{50 + n % 40}-05-05"', path.read_text(),
                           count=1, flags=re.M))


def coverage(root: Path, n: int) -> None:
    for path in _articles(root)[n % 5::5]:
        text = path.read_text()
        swapped = text.replace('coverage: "background"', 'coverage: "X"').replace(
            'coverage: "reported"', 'coverage: "background"').replace('coverage: "X"', 'coverage: "reported"')
        if swapped != text:
            path.write_text(swapped)
            return


def alias(root: Path, n: int) -> None:
    """A person gains an alias that occurs in bodies: mentions move without any article changing."""
    people = _people(root)
    path = people[n % len(people)]
    word = ["villages", "strikes", "hotline", "morning"][n % 4]
    text = path.read_text()
    if re.search(r"^aliases: \[", text, re.M):
        path.write_text(re.sub(r"^aliases: \[", f'aliases: ["{word}", ', text, count=1, flags=re.M))
    else:
        path.write_text(text.replace("---\n", f'---\naliases: ["{word}"]\n', 1))


def drop_speaker(root: Path, n: int) -> None:
    """An organisation quoted somewhere removed: its quotes' speakers become people (and stubs)."""
    speakers = sorted({s for p in _articles(root) for s in re.findall(r'^    speaker: "([^"]+)"', p.read_text(), re.M)})
    files = [root / "content" / "organisations" / f"{s}.md" for s in speakers]
    files = [f for f in files if f.exists()]
    if files:
        files[n % len(files)].unlink()


EDITS = {f.__name__: f for f in (drop_speaker, edit_body, move_person, reorder_people, rename, delete, add, redate,
                                  coverage, alias)}


def _model(config: Config, reads: Any, documents: dict, bodies: dict,  # type: ignore[type-arg]
           reuse: Reuse | None) -> tuple[Archive, list[Diagnostic]]:
    loaded = load_project(config, cache=documents, reads=reads)
    archive, problems = build_archive(loaded.documents, config, loaded.captures, bodies, None, reuse)
    return archive, [*loaded.diagnostics, *problems]


def _assert_same_model(kept: Archive, fresh: Archive) -> None:
    assert kept.articles == fresh.articles
    assert kept.entities == fresh.entities
    assert list(kept.by_key.items()) == list(fresh.by_key.items())
    assert list(kept.bodies.items()) == list(fresh.bodies.items())
    for f in fields(Relations):
        mine, theirs = getattr(kept.relations, f.name), getattr(fresh.relations, f.name)
        if isinstance(mine, dict):
            assert list(mine.items()) == list(theirs.items()), f.name  # same keys in the same order
        else:
            assert mine == theirs, f.name


def _assert_unchanged_kept(now: Relations, before: Relations) -> None:
    """Every entry equal to the previous build's is that very object; so is every unchanged table."""
    for f in fields(Relations):
        table, previous = getattr(now, f.name), getattr(before, f.name)
        if not isinstance(table, dict):
            assert table != previous or table is previous, f.name
            continue
        assert list(table.items()) != list(previous.items()) or table is previous, f.name
        for key, value in table.items():
            assert previous.get(key) != value or previous[key] is value, (f.name, key)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.integers(0, 50)), min_size=1, max_size=4))
def test_kept_model_equals_a_fresh_model_whatever_the_edits(corpus: Path, tmp_path_factory: pytest.TempPathFactory,
                                                            edits: list[tuple[str, int]]) -> None:
    root = tmp_path_factory.mktemp("edits") / "site"
    shutil.copytree(corpus, root)
    config, _ = load_config(root)
    reuse, reads, documents, bodies = Reuse(), {}, {}, {}  # type: ignore[var-annotated]
    fresh_bodies: dict = {}  # type: ignore[type-arg]  # bodies are keyed by all they depend on
    reuse.start_build()
    before, _ = _model(config, reads, documents, bodies, reuse)
    for name, n in edits:
        EDITS[name](root, n)
        reuse.start_build()
        kept, kept_problems = _model(config, reads, documents, bodies, reuse)
        fresh, fresh_problems = _model(config, None, {}, fresh_bodies, None)
        _assert_same_model(kept, fresh)
        assert kept_problems == fresh_problems
        _assert_unchanged_kept(kept.relations, before.relations)
        before = kept


@pytest.mark.parametrize("name", sorted(EDITS))
def test_each_edit_alone(corpus: Path, tmp_path: Path, name: str) -> None:
    root = tmp_path / "site"
    shutil.copytree(corpus, root)
    config, _ = load_config(root)
    reuse, reads, documents, bodies = Reuse(), {}, {}, {}  # type: ignore[var-annotated]
    reuse.start_build()
    before, _ = _model(config, reads, documents, bodies, reuse)
    for n in (1, 6, 17, 4):
        EDITS[name](root, n)
        reuse.start_build()
        kept, kept_problems = _model(config, reads, documents, bodies, reuse)
        fresh, fresh_problems = _model(config, None, {}, {}, None)
        _assert_same_model(kept, fresh)
        assert kept_problems == fresh_problems
        _assert_unchanged_kept(kept.relations, before.relations)
        before = kept


def test_a_body_linking_an_article_follows_it_going_and_coming_back(corpus: Path, tmp_path: Path) -> None:
    """Bodies are kept across articles coming and going, except those that link to one of them."""
    root = tmp_path / "site"
    shutil.copytree(corpus, root)
    config, _ = load_config(root)
    source, target = _articles(root)[3], _articles(root)[10]
    kept_text = target.read_text()
    source.write_text(source.read_text() + f"\n\nSee [the other report](@articles/{target.stem}).\n")
    reuse, reads, documents, bodies = Reuse(), {}, {}, {}  # type: ignore[var-annotated]
    for change in (lambda: None, target.unlink, lambda: target.write_text(kept_text),
                   lambda: (root / "content" / "articles" / "2031-01-01-unrelated.md").write_text(kept_text)):
        change()
        reuse.start_build()
        kept, kept_problems = _model(config, reads, documents, bodies, reuse)
        fresh, fresh_problems = _model(config, None, {}, {}, None)
        _assert_same_model(kept, fresh)
        assert kept_problems == fresh_problems


def test_a_body_edit_keeps_every_unchanged_table_and_entry(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(corpus, root)
    config, _ = load_config(root)
    reuse, reads, documents, bodies = Reuse(), {}, {}, {}  # type: ignore[var-annotated]
    reuse.start_build()
    before, _ = _model(config, reads, documents, bodies, reuse)
    path = _articles(root)[4]
    path.write_text(path.read_text() + "\n\nA sentence naming nobody.\n")
    reuse.start_build()
    after, _ = _model(config, reads, documents, bodies, reuse)
    assert after.relations is before.relations  # nothing this edit changes is in a table
    changed = [k for k, d in after.by_key.items() if d is not before.by_key.get(k)]
    assert changed == [("articles", path.stem)]


def no_index(pages: list[Output], config: Config) -> tuple[list[Output], list[Diagnostic]]:
    return [], []


@pytest.mark.parametrize("sequence", [
    ("edit_body", "move_person", "alias"),
    ("rename", "add", "reorder_people"),
    ("delete", "redate", "coverage"),
])
def test_serve_rebuilds_equal_fresh_builds(corpus: Path, tmp_path: Path, sequence: tuple[str, ...]) -> None:
    root = tmp_path / "site"
    shutil.copytree(corpus, root)
    config, _ = load_config(root)
    cache = BuildCache(search_index=no_index, reuse=Reuse(), reads={})  # what `serve` keeps between builds
    render_site(config, cache=cache)
    for n, name in enumerate(sequence):
        EDITS[name](root, n + 2)
        kept = render_site(config, cache=cache)
        fresh = render_site(config, cache=BuildCache(search_index=no_index))
        assert [(o.path, o.data) for o in kept.outputs] == [(o.path, o.data) for o in fresh.outputs], name
        assert kept.diagnostics == fresh.diagnostics, name
