"""serve's page planning: re-planning only the readers of changed keys gives the pages a fresh build plans."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import page_inputs
from sitegen.build import BuildCache, render_site
from sitegen.config import Config, load_config
from sitegen.diagnostics import Diagnostic
from sitegen.page_inputs import record_pages
from sitegen.pages import PageSpec
from sitegen.render import Output
from sitegen.reuse import Reuse
from tests.conftest import MINI, REPO

TALKS = "content/articles/2015-12-01-paris-talks.md"
COURIER = "content/articles/2015-12-02-courier-followup.md"
MINISTERS = ("content/articles/2015-12-03-ministers.md", "content/articles/2015-12-03-ministers-renamed.md")
EXTRA = "content/articles/2015-12-04-extra.md"
POST = "content/organisations/evening-post.md"
DEEPEN = "We agreed to deepen the coordination between us."

MINISTERS_TEXT = f"""---
title: "Ministers discuss the intervention"
outlet: evening-post
published: 2015-12-03
language: en
people: []
places: [syria]
events:
  - ref: 2015-09-russian-intervention
    coverage: background
  - ref: 2015-11-30-paris-meeting
    coverage: background
quotes:
  - id: plan
    speaker: vladimir-putin
    exact: "Our operation will continue as planned."
---
Putin said: “Our operation will continue as planned.” Later: “{DEEPEN}”

The ministers met in Syria.
"""

EXTRA_TEXT = """---
title: "An extra article"
published: 2015-12-04
language: en
people: [ann-writer]
---
Ann Writer wrote about Paris.
"""


def no_index(pages: list[Output], config: Config) -> tuple[list[Output], list[Diagnostic]]:
    return [], []  # Pagefind is not what is under test here, and it is slow


def _ministers(root: Path) -> Path:
    return next((root / p for p in MINISTERS if (root / p).exists()), root / MINISTERS[0])


def _toggle(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1) if old in text else text.replace(new, old, 1), encoding="utf-8")


def _in(relative: str | None, old: str, new: str) -> Callable[[Path], None]:
    """An edit of one file that undoes itself when applied again (None: the ministers' article)."""
    return lambda root: _toggle(_ministers(root) if relative is None else root / relative, old, new)


def _move_person(root: Path) -> None:
    """Putin leaves the talks' front matter for the ministers' (and back)."""
    talks = root / TALKS
    moving = "vladimir-putin, ann-writer]" in talks.read_text(encoding="utf-8")
    _toggle(talks, "people: [benjamin-netanyahu, vladimir-putin, ann-writer]",
            "people: [benjamin-netanyahu, ann-writer]")
    text = _ministers(root).read_text(encoding="utf-8")
    _ministers(root).write_text(text.replace("people: []", "people: [vladimir-putin]") if moving
                                else text.replace("people: [vladimir-putin]", "people: []"), encoding="utf-8")


def _rename(root: Path) -> None:
    here = _ministers(root)
    here.rename(root / MINISTERS[1] if here == root / MINISTERS[0] else root / MINISTERS[0])


def _add_or_delete(root: Path) -> None:
    extra = root / EXTRA
    if extra.exists():
        extra.unlink()
    else:
        extra.write_text(EXTRA_TEXT, encoding="utf-8")


EDITS: dict[str, Callable[[Path], None]] = {
    # A body edit in a sentence with mentions: entity pages see it only through `mentions`.
    "body": _in(TALKS, "Russia’s role in Syria", "Moscow’s part in Syria"),
    "append": _in(TALKS, "emphasis*.\n", "emphasis*.\n\nThe ministry later confirmed it.\n"),
    "move-person": _move_person,
    "rename": _rename,
    "add-delete": _add_or_delete,
    "entity": _in("content/people/ann-writer.md", 'name: "Ann Writer"', 'name: "Ann B. Writer"'),
    # Its name is in the ministers' summary: the talks' page, which lists the ministers' article
    # once it reports the same event, reads it only through the summary view another page made.
    "outlet": _in(POST, 'name: "Evening Post"', 'name: "The Evening Post"'),
    # The talks' page then lists the ministers' quote through `also_quoted` alone.
    "quote": _in(None, 'exact: "Our operation will continue as planned."', f'exact: "{DEEPEN}"'),
    # The talks' and the courier's pages then list the ministers' article through `stories` alone.
    "report": _in(None, "paris-meeting\n    coverage: background", "paris-meeting\n    coverage: reported"),
    "title": _in(COURIER, 'title: "Officials meet', 'title: "Officials gather'),
    "date": _in(None, "published: 2015-12-03", "published: 2014-05-01"),
    "see": _in(TALKS, 'author: "fixture editors"\n',
               'author: "fixture editors"\n    see: [2015-12-03-ministers]\n'),
    "speaker": _in(TALKS, "speaker: benjamin-netanyahu", "speaker: vladimir-putin"),
    # Pages of entities the article had nothing to do with: seen through backlinks (and co-mentions,
    # timelines) alone, and through quotes_by alone.
    "add-place": _in(None, "places: [syria]", "places: [syria, paris]"),
    "new-speaker": _in(None, "speaker: vladimir-putin", "speaker: ann-writer"),
}


def _site(root: Path) -> Path:
    shutil.copytree(MINI, root)
    shutil.copytree(REPO / "themes" / "default", root / "themes" / "default")
    (root / MINISTERS[0]).write_text(MINISTERS_TEXT, encoding="utf-8")
    (root / POST).write_text('---\nname: "Evening Post"\nkind: outlet\n---\n', encoding="utf-8")
    return root


def _rebuilds_equal_fresh_builds(root: Path, names: list[str]) -> None:
    config, _ = load_config(root)
    cache = BuildCache(search_index=no_index, reuse=Reuse(), reads={})  # what `serve` keeps between builds
    render_site(config, cache=cache)
    for name in names:
        EDITS[name](root)
        config, _ = load_config(root)
        incremental = render_site(config, cache=cache)
        fresh = render_site(config, cache=BuildCache(search_index=no_index))
        assert [(o.path, o.data) for o in incremental.outputs] == [(o.path, o.data) for o in fresh.outputs], name
        assert incremental.diagnostics == fresh.diagnostics, name


SEQUENCES = [
    ["body", "body", "append"],
    ["move-person", "move-person", "body"],
    ["rename", "see", "rename", "see"],
    ["add-delete", "body", "add-delete"],
    ["entity", "append", "entity"],
    ["report", "outlet", "body", "outlet"],
    ["quote", "append", "quote"],
    ["report", "title", "report"],
    ["date", "title", "speaker", "date"],
    ["add-place", "new-speaker", "add-place", "new-speaker"],
]


@pytest.mark.parametrize("names", SEQUENCES, ids=["-".join(s) for s in SEQUENCES])
def test_rebuilds_after_each_kind_of_edit_equal_fresh_builds(tmp_path: Path, names: list[str]) -> None:
    _rebuilds_equal_fresh_builds(_site(tmp_path / "site"), names)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=5))
def test_rebuilds_equal_fresh_builds_whatever_the_edits(tmp_path_factory: pytest.TempPathFactory,
                                                        names: list[str]) -> None:
    _rebuilds_equal_fresh_builds(_site(tmp_path_factory.mktemp("pages") / "site"), names)


# Tables whose change is, for some edit above, the only sign that a page must be planned again.
SOLE_SIGNS = {"mentions": ["body"], "also_quoted": ["quote"], "stories": ["report"], "quotes_by": ["new-speaker"]}


@pytest.mark.parametrize("table", sorted(SOLE_SIGNS))
def test_a_table_left_out_of_the_comparison_is_noticed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       table: str) -> None:
    """The tests above can fail: without one table's changed keys, some rebuild differs."""
    monkeypatch.setattr(page_inputs, "TABLES", tuple(t for t in page_inputs.TABLES if t != table))
    with pytest.raises(AssertionError):
        _rebuilds_equal_fresh_builds(_site(tmp_path / "site"), SOLE_SIGNS[table])


def test_an_article_card_change_is_noticed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages that list another article are planned again when what they read of it changes."""
    monkeypatch.setattr(page_inputs, "card_of", lambda article: ())
    with pytest.raises(AssertionError):
        _rebuilds_equal_fresh_builds(_site(tmp_path / "site"), ["title"])


def test_views_shared_between_pages_bring_what_they_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests above can fail: a page that took another's summary view must depend on its outlet too."""
    monkeypatch.setattr(page_inputs._Records, "replay", lambda self, reads: None)
    with pytest.raises(AssertionError):
        _rebuilds_equal_fresh_builds(_site(tmp_path / "site"), ["report", "outlet"])


def _replanned(root: Path, edit: str) -> tuple[list[str], int]:
    """The pages record_pages plans again after one edit, and how many pages were rendered."""
    cache = BuildCache(search_index=no_index, reuse=Reuse(), reads={})
    reuse = Reuse()  # record_pages on its own, over the archives serve's builds make

    def planned() -> dict[str, PageSpec]:
        archive = render_site(load_config(root)[0], cache=cache).archive
        assert archive is not None
        reuse.start_build()
        return {spec.path: spec for spec in record_pages(archive, reuse)}

    before = planned()
    EDITS[edit](root)
    after = planned()
    assert before.keys() == after.keys()
    return [path for path in after if after[path] is not before[path]], cache.pages.rendered


def test_a_body_edit_plans_and_renders_only_its_own_page(tmp_path: Path) -> None:
    assert _replanned(_site(tmp_path / "site"), "append") == (["articles/2015-12-01-paris-talks/"], 1)


def test_an_entity_edit_plans_only_the_pages_that_read_it(tmp_path: Path) -> None:
    replanned, _ = _replanned(_site(tmp_path / "site"), "outlet")
    assert "organisations/evening-post/" in replanned and "articles/2015-12-03-ministers/" in replanned
    assert "articles/2015-12-01-paris-talks/" not in replanned and "people/ann-writer/" not in replanned
