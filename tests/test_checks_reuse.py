"""Project checks kept between builds (`serve`): after any edit, the same problems as a fresh build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build import BuildCache, render_site
from sitegen.checks_names import fold_path
from sitegen.checks_names import path_collisions as _collisions
from sitegen.checks_project import RUN
from sitegen.config import Config, load_config
from sitegen.diagnostics import Diagnostic
from sitegen.render import Output
from sitegen.reuse import Reuse
from tests.conftest import MINI, REPO

TALKS = "content/articles/2015-12-01-paris-talks.md"
FOLLOWUP = "content/articles/2015-12-02-courier-followup.md"
BERLIN = "content/places/berlin.md"
BERLIN_TEXT = '---\nname: "Berlin"\nkind: city\ndescription: "Capital of Germany."\n---\n'
TALKS_BODY_END = "with `code` and *emphasis*."


def no_index(pages: list[Output], config: Config) -> tuple[list[Output], list[Diagnostic]]:
    return [], []  # Pagefind is not what is under test here, and it is slow


class Site:
    """A copy of the mini site, rebuilt the way `serve` rebuilds it and, each time, from scratch."""

    def __init__(self, root: Path) -> None:
        shutil.copytree(MINI, root)
        shutil.copytree(REPO / "themes" / "default", root / "themes" / "default")
        self.root = root
        self.cache = BuildCache(search_index=no_index, reuse=Reuse(), reads={})  # what `serve` keeps
        self.rebuild()

    def replace(self, path: str, old: str, new: str) -> None:
        text = (self.root / path).read_text(encoding="utf-8")
        assert old in text, (path, old)
        (self.root / path).write_text(text.replace(old, new, 1), encoding="utf-8")

    def rebuild(self) -> list[tuple[str, str, int, int]]:
        """(code, path, line, column) of every problem, once the kept build is shown equal to a fresh one."""
        config, _ = load_config(self.root)
        kept = render_site(config, cache=self.cache)
        fresh = render_site(config, cache=BuildCache(search_index=no_index))
        assert [d.format() for d in kept.diagnostics] == [d.format() for d in fresh.diagnostics]
        assert kept.diagnostics == fresh.diagnostics
        return [(d.code, d.path, d.line, d.column) for d in kept.diagnostics]


def codes(found: list[tuple[str, str, int, int]]) -> set[tuple[str, str]]:
    return {(code, path) for code, path, _, _ in found}


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site")


def test_an_edit_that_adds_a_broken_link_is_reported_and_its_fix_clears_it(site: Site) -> None:
    site.replace(TALKS, TALKS_BODY_END, TALKS_BODY_END + " See [the rest](../no-such-article/).")
    assert ("link-broken", TALKS) in codes(site.rebuild())
    site.replace(TALKS, "../no-such-article/", "../2015-12-02-courier-followup/")
    assert ("link-broken", TALKS) not in codes(site.rebuild())


def test_removing_the_target_of_an_unchanged_documents_link_breaks_it(site: Site) -> None:
    (site.root / BERLIN).write_text(BERLIN_TEXT, encoding="utf-8")
    site.replace(TALKS, TALKS_BODY_END, TALKS_BODY_END + " Compare [Berlin](../../places/berlin/).")
    found = codes(site.rebuild())
    assert ("link-broken", TALKS) not in found and ("entity-unreferenced", BERLIN) in found
    (site.root / BERLIN).unlink()  # the article's file is untouched: only the set of pages changed
    found = codes(site.rebuild())
    assert ("link-broken", TALKS) in found and ("entity-unreferenced", BERLIN) not in found
    (site.root / BERLIN).write_text(BERLIN_TEXT, encoding="utf-8")
    assert ("link-broken", TALKS) not in codes(site.rebuild())


def test_a_link_to_a_file_no_longer_published_breaks_though_no_document_changed(site: Site) -> None:
    capture = "content/articles/2015-12-01-paris-talks.capture.txt"
    link = "../2015-12-01-paris-talks/2015-12-01-paris-talks.capture.txt"
    site.replace(FOLLOWUP, "after Paris.", f"after [Paris]({link}).")
    assert ("link-broken", FOLLOWUP) not in codes(site.rebuild())
    text = (site.root / capture).read_bytes()
    (site.root / capture).unlink()  # every document is as it was: only the set of outputs changed
    assert ("link-broken", FOLLOWUP) in codes(site.rebuild())
    (site.root / capture).write_bytes(text)
    assert ("link-broken", FOLLOWUP) not in codes(site.rebuild())


def test_a_fragment_is_rechecked_when_only_its_target_page_changes(site: Site) -> None:
    site.replace(TALKS, TALKS_BODY_END, TALKS_BODY_END + " See [why](../2015-12-02-courier-followup/#background).")
    assert ("link-fragment", TALKS) not in codes(site.rebuild())
    site.replace(FOLLOWUP, "## Background", "## Context")  # the linking article is unchanged
    assert ("link-fragment", TALKS) in codes(site.rebuild())
    site.replace(FOLLOWUP, "## Context", "## Background")
    assert ("link-fragment", TALKS) not in codes(site.rebuild())


def test_an_entity_left_unreferenced_by_an_edit_is_reported(site: Site) -> None:
    (site.root / BERLIN).write_text(BERLIN_TEXT, encoding="utf-8")
    site.replace(TALKS, "places: [paris, syria]", "places: [paris, syria, berlin]")
    assert ("entity-unreferenced", BERLIN) not in codes(site.rebuild())
    site.replace(TALKS, "places: [paris, syria, berlin]", "places: [paris, syria]")
    assert ("entity-unreferenced", BERLIN) in codes(site.rebuild())
    site.replace(FOLLOWUP, "after Paris.", "after Paris and [Berlin](@places/berlin).")
    assert ("entity-unreferenced", BERLIN) not in codes(site.rebuild())
    site.replace(FOLLOWUP, "after Paris and [Berlin](@places/berlin).", "after Paris.")
    assert ("entity-unreferenced", BERLIN) in codes(site.rebuild())


def test_a_problem_in_a_note_follows_the_note_when_lines_are_inserted_above_it(site: Site) -> None:
    site.replace(TALKS, "resolved from the article's date.", "resolved from [the date](../nowhere/).")
    before = [p for p in site.rebuild() if p[0] == "link-broken"]
    site.replace(TALKS, "---\ntitle:", "---\n# a comment moves every value one line down\ntitle:")
    after = [p for p in site.rebuild() if p[0] == "link-broken"]
    assert [(c, p, line + 1, col) for c, p, line, col in before] == after and after
    site.replace(TALKS, '    text: "', '    text:   "')  # an equal note, its text further right
    assert [(c, p, line, col + 2) for c, p, line, col in after] == [
        p for p in site.rebuild() if p[0] == "link-broken"]


def test_collisions_and_alias_conflicts_come_and_go_with_the_edits(site: Site) -> None:
    (site.root / "content/articles/index.html").write_text("<p>Netanyahu met Putin.</p>", encoding="utf-8")
    site.replace(TALKS, "file: 2015-12-01-paris-talks.capture.txt", "file: index.html")
    assert ("output-collision", TALKS) in codes(site.rebuild())
    site.replace(TALKS, "file: index.html", "file: 2015-12-01-paris-talks.capture.txt")
    assert ("output-collision", TALKS) not in codes(site.rebuild())
    site.replace("content/places/syria.md", 'aliases: ["Syrian"]', 'aliases: ["Syrian", "Paris"]')
    assert ("alias-conflict", "content/places/syria.md") in codes(site.rebuild())


def test_an_unannotated_article_is_reported_where_its_title_now_is(site: Site) -> None:
    bare = "content/articles/2015-12-03-bare.md"
    (site.root / bare).write_text('---\ntitle: "Bare"\npublished: 2015-12-03\nlanguage: en\n---\nText.\n',
                                  encoding="utf-8")
    assert [p for p in site.rebuild() if p[0] == "article-unannotated"] == [("article-unannotated", bare, 2, 8)]
    site.replace(bare, 'title: "Bare"', 'title:   "Bare"')  # an equal article, its title further right
    assert [p for p in site.rebuild() if p[0] == "article-unannotated"] == [("article-unannotated", bare, 2, 10)]
    site.replace(bare, "language: en", "language: en\npeople: [ann-writer]")
    assert ("article-unannotated", bare) not in codes(site.rebuild())


def test_documents_in_many_runs_are_rechecked_run_by_run(site: Site) -> None:
    assert RUN < 150
    for n in range(150):  # several runs of documents, each place linking to the next
        (site.root / f"content/places/p{n:03}.md").write_text(
            f'---\nname: "P{n}"\n---\nNext: [P{n + 1}](../p{n + 1:03}/).\n', encoding="utf-8")
    found = site.rebuild()
    assert [p for p in found if p[0] == "link-broken"] == [("link-broken", "content/places/p149.md", 4, 14)]
    site.replace("content/places/p100.md", "Next:", "Next: [x](@places/p101),")  # p101 becomes referenced
    found = codes(site.rebuild())
    assert ("entity-unreferenced", "content/places/p101.md") not in found
    assert ("entity-unreferenced", "content/places/p102.md") in found
    (site.root / "content/places/p050.md").unlink()  # every later run starts one document further on
    found = codes(site.rebuild())
    assert ("link-broken", "content/places/p049.md") in found
    (site.root / "content/places/p050.md").write_text('---\nname: "P50"\n---\n', encoding="utf-8")
    assert ("link-broken", "content/places/p049.md") not in codes(site.rebuild())


EDITS = {  # each toggles, so a sequence may also return to an earlier state
    "broken-link": (TALKS, TALKS_BODY_END, TALKS_BODY_END + " [x](../gone/)"),
    "fragment-link": (FOLLOWUP, "after Paris.", "after [Paris](../2015-12-01-paris-talks/#m-9)."),
    "heading": (FOLLOWUP, "## Background", "## Background and [Syria](@places/syria)"),
    "reference": (TALKS, "places: [paris, syria]", "places: [paris, syria, berlin]"),
    "note": (TALKS, "resolved from the article's date.", "see [it](#nope)."),
    "shift": (TALKS, "---\ntitle:", "---\n\ntitle:"),
}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([*sorted(EDITS), "berlin"]), min_size=1, max_size=3))
def test_kept_checks_equal_fresh_checks_whatever_the_edits(tmp_path_factory: pytest.TempPathFactory,
                                                           names: list[str]) -> None:
    site = Site(tmp_path_factory.mktemp("checks") / "site")
    for name in names:
        if name == "berlin":  # a page that comes and goes
            berlin = site.root / BERLIN
            _ = berlin.unlink() if berlin.exists() else berlin.write_text(BERLIN_TEXT, encoding="utf-8")
        else:
            path, old, new = EDITS[name]
            text = (site.root / path).read_text(encoding="utf-8")
            site.replace(path, *((old, new) if old in text else (new, old)))
        site.rebuild()


def _collisions_as_before(paths: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """What output_collisions found before it was a step of its own: the reference."""
    found = []
    first: dict[str, int] = {}
    for index, path in enumerate(paths):
        other = first.setdefault(fold_path(path), index)
        if other != index:
            found.append(("file", path, paths[other]))
    folders = {fold_path("/".join(p.split("/")[:i])): p for p in paths for i in range(1, p.count("/") + 1)}
    found += [("folder", p, folders[fold_path(p)]) for p in paths if fold_path(p) in folders]
    return found


@given(st.lists(st.sampled_from(["a", "A", "a/b", "A/b", "a/B/c", "Straße", "STRASSE", "e\u0301", "é/x",
                                 "ｂ", "b/i", "index.html", "b"]), max_size=8))
def test_collisions_are_those_found_path_by_path(paths: list[str]) -> None:
    assert list(_collisions(tuple(paths))) == _collisions_as_before(tuple(paths))
