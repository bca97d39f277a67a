"""serve's rebuilds compare whole runs of items with the last build's, and visit only the positions that differ."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sitegen.build import BuildCache, render_site
from sitegen.config import load_config
from sitegen.graph import mapped
from sitegen.pages import RUN, differing
from sitegen.reuse import Reuse
from tests.conftest import MINI, REPO
from tests.test_incremental_pages import _rebuilds_equal_fresh_builds, no_index
from tests.test_incremental_pages import _site as site

TALKS = "content/articles/2015-12-01-paris-talks.md"


class Item:
    """Equal to any Item of the same value, but a different object."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Item) and other.value == self.value

    __hash__ = None  # type: ignore[assignment]


sizes = st.integers(0, 3 * RUN + 5)


@given(sizes, st.data())
def test_differing_finds_each_item_that_is_neither_the_same_nor_equal(size: int, data: st.DataObject) -> None:
    old = [Item(i) for i in range(size)]
    new = list(old)
    replaced = data.draw(st.sets(st.integers(0, size - 1))) if size else set()
    for i in replaced:
        new[i] = Item(-1 - i)  # unequal, so differing must find it whatever run it is in
    assert differing(old, new) == sorted(replaced)


@given(sizes, st.data())
def test_mapped_recomputes_exactly_the_items_that_are_not_the_same_objects(size: int, data: st.DataObject) -> None:
    reuse = Reuse()
    calls: list[int] = []

    def compute(item: Item) -> tuple[int, int]:
        calls.append(item.value)
        return (item.value, id(item))

    items = [Item(i) for i in range(size)]
    mapped(reuse, "step", items, None, compute)
    reuse.start_build()
    replaced = data.draw(st.sets(st.integers(0, size - 1))) if size else set()
    again = [Item(x.value) if i in replaced else x for i, x in enumerate(items)]  # equal, not the same
    calls.clear()
    assert mapped(reuse, "step", again, None, compute) == [(x.value, id(x)) for x in again]
    assert calls == [i for i in range(size) if i in replaced]


def _site(root: Path) -> Path:
    shutil.copytree(MINI, root)
    shutil.copytree(REPO / "themes" / "default", root / "themes" / "default")
    return root


def test_a_rename_leaves_nothing_remembered_at_the_old_path(tmp_path: Path) -> None:
    """The render memo carries the last build's pages over whole: a page gone must not be carried."""
    root = _site(tmp_path / "site")
    config, _ = load_config(root)
    cache = BuildCache(search_index=no_index, reuse=Reuse(), reads={})
    render_site(config, cache=cache)
    (root / TALKS).write_text((root / TALKS).read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    render_site(config, cache=cache)  # the same pages at the same places: the memo's fast path
    (root / TALKS).rename(root / TALKS.replace("paris-talks", "paris-talks-renamed"))
    incremental = render_site(config, cache=cache)
    fresh = render_site(config, cache=BuildCache(search_index=no_index))
    assert [(o.path, o.data) for o in incremental.outputs] == [(o.path, o.data) for o in fresh.outputs]
    (root / TALKS.replace("paris-talks", "paris-talks-renamed")).write_text(
        (root / TALKS.replace("paris-talks", "paris-talks-renamed")).read_text(encoding="utf-8") + "\nAgain.\n",
        encoding="utf-8")
    incremental = render_site(config, cache=cache)
    assert cache.pages.rendered == 1
    remembered = set(cache.pages._pages[0])
    assert remembered <= {o.path.removesuffix("index.html") for o in incremental.outputs}
    assert "articles/2015-12-01-paris-talks/" not in remembered
    assert "articles/2015-12-01-paris-talks-renamed/" in remembered


def test_a_renamed_speaker_is_named_anew_in_the_bodies_that_quote_it(tmp_path: Path) -> None:
    """Names are patched where documents changed: the quote's speaker name is in the ministers' body."""
    _rebuilds_equal_fresh_builds(site(tmp_path / "site"), ["new-speaker", "entity", "body", "entity"])
