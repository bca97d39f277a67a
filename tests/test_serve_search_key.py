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
    assert index_key(old, CONFIG, known)[1]["a/index.html"] is known["a/index.html"]
    new = [old[0], Output("b/index.html", b"three")]
    new_key, digests = index_key(new, CONFIG, known)
    assert new_key != key and digests["b/index.html"] is not known["b/index.html"]
    assert new_key == index_key(new, CONFIG)[0]
