"""The serve search index's key: remembered page digests never hide a change."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sitegen.config import Config
from sitegen.render import Output
from sitegen.serve_search import index_key

CONFIG = Config(root=Path("/site"))
pages_strategy = st.dictionaries(st.sampled_from(["a/index.html", "b/index.html", "c/index.html"]),
                                 st.binary(max_size=8), min_size=1)


def _outputs(pages: dict[str, bytes]) -> list[Output]:
    # Fresh bytes objects, as a rebuild that re-rendered every page would give.
    return [Output(path, bytes(bytearray(data))) for path, data in sorted(pages.items())]


@given(before=pages_strategy, after=pages_strategy)
def test_a_key_from_remembered_digests_equals_a_key_from_scratch(before: dict[str, bytes],
                                                                 after: dict[str, bytes]) -> None:
    _, known = index_key(_outputs(before), CONFIG)
    remembered, _ = index_key(_outputs(after), CONFIG, known)
    from_scratch, _ = index_key(_outputs(after), CONFIG)
    assert remembered == from_scratch
    assert (remembered == index_key(_outputs(before), CONFIG)[0]) == (before == after)


def test_an_unchanged_page_is_not_hashed_again_and_a_changed_one_is() -> None:
    old = [Output("a/index.html", b"one"), Output("b/index.html", b"two")]
    key, known = index_key(old, CONFIG)
    assert index_key(old, CONFIG, known)[1].parts[0] is known.parts[0]
    new = [old[0], Output("b/index.html", b"three")]
    new_key, digests = index_key(new, CONFIG, known)
    assert new_key != key and digests.parts[0] is known.parts[0] and digests.parts[1] != known.parts[1]
    assert new_key == index_key(new, CONFIG)[0]


def test_a_new_index_keeps_the_last_ones_objects_and_places_for_unchanged_files() -> None:
    from sitegen.serve_search import DeferredSearchIndex

    bundles = iter([
        [Output("pagefind/entry.json", b"1"), Output("pagefind/fragment/a1.pf", b"a"),
         Output("pagefind/fragment/b1.pf", b"b")],
        # Page a edited: its fragment has a new name, which sorts after b's.
        [Output("pagefind/entry.json", b"2"), Output("pagefind/fragment/b1.pf", b"b"),
         Output("pagefind/fragment/c9.pf", b"a2"), Output("pagefind/fragment/d1.pf", b"new page")],
    ])
    index = DeferredSearchIndex(build_index=lambda pages, config: (next(bundles), []))
    try:
        first_key = index_key([Output("a/index.html", b"1")], CONFIG)[0]
        index([Output("a/index.html", b"1")], CONFIG)
        assert index.wait_ready(first_key, 10)
        first = index.result(first_key)
        second_pages = [Output("a/index.html", b"2")]
        index(second_pages, CONFIG)
        second_key = index_key(second_pages, CONFIG)[0]
        assert index.wait_ready(second_key, 10)
        first_files, second = first[0] if first else [], index.result(second_key)
        assert second is not None
        assert [o.path for o in second[0]] == ["pagefind/entry.json", "pagefind/fragment/c9.pf",
                                               "pagefind/fragment/b1.pf", "pagefind/fragment/d1.pf"]
        assert second[0][2] is first_files[2], "an unchanged file is the last index's object, in its place"
        assert [o.data for o in second[0]] == [b"2", b"a2", b"b", b"new page"]
    finally:
        index.close()
