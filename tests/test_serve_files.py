"""serve's file table: patched by position and identity, always equal to the table built whole."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sitegen.render import Output
from sitegen.serve_files import OutputTable


def _outputs(files: list[tuple[str, bytes]]) -> list[Output]:
    return [Output(path, data) for path, data in files]


def test_an_edit_is_found_by_position_and_the_rest_is_the_same_objects() -> None:
    before = _outputs([("a/index.html", b"a"), ("b/index.html", b"b"), ("feed.xml", b"f")])
    table = OutputTable.of(before)
    after = [before[0], Output("b/index.html", b"b2"), Output("feed.xml", b"f")]  # feed: equal, rebuilt
    patched, changes = table.next(after)
    assert changes is not None and changes.fresh == [after[1]] and not changes.gone
    assert patched.files == {"a/index.html": b"a", "b/index.html": b"b2", "feed.xml": b"f"}
    assert patched.html_pages == 2 and table.files["b/index.html"] == b"b", "the old table is left as it was"


def test_files_that_move_come_or_go_in_place_are_found_and_a_longer_list_is_compared_whole() -> None:
    table = OutputTable.of(_outputs([("a.html", b"a"), ("b.html", b"b"), ("f1.pf", b"1")]))
    moved, changes = table.next(_outputs([("b.html", b"b"), ("a.html", b"a"), ("f2.pf", b"2")]))
    assert changes is not None and changes.paths() == ["f1.pf", "f2.pf"], "moved files are not news"
    assert moved.files == {"a.html": b"a", "b.html": b"b", "f2.pf": b"2"} and moved.html_pages == 2
    assert table.next(_outputs([("a.html", b"a")]))[1] is None
    twice = OutputTable.of(_outputs([("a.html", b"1"), ("a.html", b"2")]))  # a collision the checks report
    assert twice.next(_outputs([("a.html", b"1"), ("a.html", b"3")]))[1] is None


files_st = st.lists(st.tuples(st.sampled_from(["a.html", "b.html", "c.css", "d.xml", "e.html"]),
                              st.sampled_from([b"", b"1", b"2"])), max_size=6)
"""Short lists of few names: lists of one length, files moved, and paths shared, are all common."""


@given(files_st, files_st)
def test_a_patched_table_equals_the_table_built_whole(first: list[tuple[str, bytes]],
                                                      second: list[tuple[str, bytes]]) -> None:
    old = _outputs(first)
    # Outputs a build kept are the very objects of the last one; the others are new.
    new = [old[i] if i < len(old) and old[i].path == p and old[i].data == d else Output(p, d)
           for i, (p, d) in enumerate(second)]
    table, changes = OutputTable.of(old).next(new)
    whole = OutputTable.of(new)
    assert (table.files, table.html_pages) == (whole.files, whole.html_pages)
    if changes is not None:
        before = OutputTable.of(old).files
        assert changes.paths() == sorted({p for p, d in whole.files.items() if before.get(p) != d}
                                         | (before.keys() - whole.files.keys()))
