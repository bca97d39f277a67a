"""What `serve`'s watcher tells load: files to read, folders to list again, a last load to patch."""

from __future__ import annotations

import io
import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.config import load_config
from sitegen.load import RACY_NS, _listing, _opened, _read, load_project
from sitegen.serve import Preview
from sitegen.watch import Change, ChangeBatch, ChangeKind
from tests.test_serve_support import ARTICLE, ARTICLE_URL, copy_mini


def test_a_reported_file_is_read_and_an_unreported_one_is_taken_from_memory(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"first")
    reads: dict = {}  # type: ignore[type-arg]
    assert _read(path, "a.md", reads, time.time_ns()) == b"first"
    path.write_bytes(b"second")
    assert _read(path, "a.md", reads, time.time_ns(), changed=frozenset()) == b"first"
    assert _read(path, "a.md", reads, time.time_ns(), changed=frozenset({"a.md"})) == b"second"
    # Without the watcher's word, the file's signature decides.
    path.write_bytes(b"third!")
    assert _read(path, "a.md", reads, time.time_ns()) == b"third!"


def test_a_file_that_cannot_be_read_is_forgotten(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"first")
    reads: dict = {}  # type: ignore[type-arg]
    assert _read(path, "a.md", reads, time.time_ns()) == b"first"
    os.remove(path)
    with pytest.raises(OSError):
        _read(path, "a.md", reads, time.time_ns(), changed=frozenset({"a.md"}))
    with pytest.raises(OSError):  # not its old bytes: a full load would not find it either
        _read(path, "a.md", reads, time.time_ns(), changed=frozenset())


def _listed(folder: Path, reads: dict, now: int) -> list[str]:  # type: ignore[type-arg]
    with _opened(folder) as fd:
        assert fd is not None
        return list(_listing(folder, fd, "articles", folder.parent, [], reads, now))


def test_a_folder_is_listed_again_when_an_entry_comes_or_goes(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "articles"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text("x")
    reads: dict = {}  # type: ignore[type-arg]
    later = time.time_ns() + 2 * RACY_NS
    assert _listed(folder, reads, later) == ["a.md"]
    signature, names = reads["content/articles/"]
    reads["content/articles/"] = (signature, ("kept.md",))
    assert _listed(folder, reads, later) == ["kept.md"], "an unchanged folder is not listed again"
    (folder / "b.md").write_text("y")
    assert _listed(folder, reads, time.time_ns() + 2 * RACY_NS) == ["a.md", "b.md"]
    os.remove(folder / "a.md")
    assert _listed(folder, reads, time.time_ns() + 2 * RACY_NS) == ["b.md"]


def test_a_folder_changed_just_before_it_was_listed_is_listed_again(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "articles"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text("x")
    reads: dict = {}  # type: ignore[type-arg]
    now = time.time_ns()
    assert _listed(folder, reads, now) == ["a.md"]
    # The very same signature, but too recent to trust: an entry added in the same tick could hide in it.
    reads["content/articles/"] = (reads["content/articles/"][0], ("stale.md",))
    assert _listed(folder, reads, now) == ["a.md"]
    reads["content/articles/"] = (reads["content/articles/"][0], ("stale.md",))
    assert _listed(folder, reads, now + 2 * RACY_NS) == ["stale.md"], "trusted once old enough"


def test_a_folder_with_links_is_always_listed(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "articles"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text("x")
    os.symlink(folder / "a.md", folder / "b.md")
    reads: dict = {}  # type: ignore[type-arg]
    assert _listed(folder, reads, time.time_ns() + 2 * RACY_NS) == ["a.md", "b.md"]
    assert "content/articles/" not in reads, "where a link leads can change with no change to the folder"


def test_load_with_the_watchers_word_equals_a_full_load(tmp_path: Path) -> None:
    root = copy_mini(tmp_path / "site")
    config, _ = load_config(root)
    reads: dict = {}  # type: ignore[type-arg]
    load_project(config, reads=reads)
    article = root / ARTICLE
    article.write_text(article.read_text(encoding="utf-8") + "\nA new closing line.\n", encoding="utf-8")
    hinted = load_project(config, reads=reads, changed=frozenset({ARTICLE}))
    assert hinted == load_project(config)


def test_serve_reads_the_files_a_batch_names_and_everything_after_a_direct_build(tmp_path: Path) -> None:
    root = copy_mini(tmp_path / "site")
    preview = Preview(root, port=0, out=io.StringIO(), err=io.StringIO())
    try:
        assert preview.build().succeeded
        article = root / ARTICLE
        text = article.read_text(encoding="utf-8")
        article.write_text(text + "\nWords from the watcher.\n", encoding="utf-8")
        batch = ChangeBatch((Change(article, ChangeKind.CONTENT, "changed"),))
        assert preview.build(batch).succeeded
        page = preview.site.current().files[f"{ARTICLE_URL}index.html"]
        assert b"Words from the watcher." in page
        article.write_text(text + "\nWords nobody reported.\n", encoding="utf-8")
        assert preview.build().succeeded  # no batch: everything is looked at
        assert b"Words nobody reported." in preview.site.current().files[f"{ARTICLE_URL}index.html"]
    finally:
        preview.close()


def test_a_body_edit_patches_the_last_load_instead_of_visiting_every_file(tmp_path: Path) -> None:
    root = copy_mini(tmp_path / "site")
    config, _ = load_config(root)
    reads: dict = {}  # type: ignore[type-arg]
    first = load_project(config, reads=reads)  # no parse memo: a full pass parses every file anew
    article = root / ARTICLE
    article.write_text(article.read_text(encoding="utf-8") + "\nA new closing line.\n", encoding="utf-8")
    hinted = load_project(config, reads=reads, changed=frozenset({ARTICLE}))
    assert hinted == load_project(config)
    kept = [before is after for before, after in zip(first.documents, hinted.documents, strict=True)]
    edited = [d.path for d in first.documents].index(ARTICLE)
    assert kept == [i != edited for i in range(len(kept))], "only the edited file was parsed again"
    assert hinted.captures is first.captures and hinted.diagnostics is first.diagnostics
    assert load_project(config, reads=reads, changed=frozenset()) is hinted, "nothing to look at: nothing new"


def test_a_file_that_gives_something_else_than_before_is_loaded_in_full(tmp_path: Path) -> None:
    root = copy_mini(tmp_path / "site")
    config, _ = load_config(root)
    reads: dict = {}  # type: ignore[type-arg]
    first = load_project(config, reads=reads)
    article = root / ARTICLE
    article.write_text(article.read_text(encoding="utf-8").replace("language: en", "language: en\nfavourite: 1"),
                       encoding="utf-8")
    hinted = load_project(config, reads=reads, changed=frozenset({ARTICLE}))
    assert hinted == load_project(config) and hinted.diagnostics != first.diagnostics
    assert any(d.code == "field-unknown" for d in hinted.diagnostics)


def test_an_editor_temporary_is_looked_at_though_the_watcher_never_reports_it(tmp_path: Path) -> None:
    root = copy_mini(tmp_path / "site")
    config, _ = load_config(root)
    reads: dict = {}  # type: ignore[type-arg]
    (root / "content/articles/4913").write_bytes(b"vim's write test")
    load_project(config, reads=reads)
    (root / "content/articles/4913").write_bytes(b"written again, same folder listing")
    hinted = load_project(config, reads=reads, changed=frozenset())
    assert hinted.captures["articles/4913"] == b"written again, same folder listing"
    assert hinted == load_project(config)


def _body(root: Path, rel: str, words: str) -> set[str]:
    path = root / rel
    if not path.exists():
        return set()
    path.write_bytes(path.read_bytes() + f"\n{words}\n".encode())
    return {rel}


def _replace(root: Path, rel: str, old: str, new: str) -> set[str]:
    path = root / rel
    if not path.exists() or old not in (text := path.read_text(encoding="utf-8")):
        return set()
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return {rel}


def _rename(root: Path, rel: str, to: str) -> set[str]:
    if not (root / rel).exists():
        return set()
    os.rename(root / rel, root / to)
    return {rel, to}


def _unlink(root: Path, rel: str, *, reported: bool = True) -> set[str]:
    if not (root / rel).exists():
        return set()
    os.remove(root / rel)
    return {rel} if reported else set()


def _write(root: Path, rel: str, data: bytes, *, reported: bool = True) -> set[str]:
    (root / rel).write_bytes(data)
    return {rel} if reported else set()


OTHER = "content/articles/2015-12-02-courier-followup.md"
DRAFT = "content/articles/2019-01-draft.md"
CAPTURE = "content/articles/2015-12-01-paris-talks.capture.txt"
NEW = "content/articles/2015-12-03-new-talks.md"
# Each edit changes the copy of the mini site, returning the files the watcher reports
# (never editor temporaries: it ignores them, though a full load reads them as captures).
LOAD_EDITS = {
    "body": lambda root, n: _body(root, ARTICLE, f"Closing line {n}."),
    "other-body": lambda root, n: _body(root, OTHER, f"Another line {n}."),
    "person-body": lambda root, n: _body(root, "content/people/ann-writer.md", f"A note {n}."),
    "problem": lambda root, n: _replace(root, ARTICLE, "language: en", "language: en\nfavourite: 1"),
    "no-problem": lambda root, n: _replace(root, ARTICLE, "language: en\nfavourite: 1", "language: en"),
    "draft": lambda root, n: _replace(root, DRAFT, "draft: true", "draft: false"),
    "undraft": lambda root, n: _replace(root, DRAFT, "draft: false", "draft: true"),
    "capture": lambda root, n: _body(root, CAPTURE, f"Captured line {n}."),
    "add": lambda root, n: _write(root, NEW, (root / "content/places/paris.md").read_bytes()),
    "remove": lambda root, n: _unlink(root, OTHER),
    "rename": lambda root, n: _rename(root, OTHER, "content/articles/2015-12-04-renamed.md"),
    "rename-back": lambda root, n: _rename(root, "content/articles/2015-12-04-renamed.md", OTHER),
    "not-utf8": lambda root, n: _write(root, OTHER, b"---\ntitle: \xff\n---\n"),
    "vim-test": lambda root, n: _write(root, "content/articles/4913", b"x" * n, reported=False),
    "vim-test-gone": lambda root, n: _unlink(root, "content/articles/4913", reported=False),
    "part": lambda root, n: _write(root, "content/articles/scan.pdf.part", b"%PDF" * n, reported=False),
}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(sorted(LOAD_EDITS)), min_size=1, max_size=6), st.booleans(), st.booleans())
def test_a_hinted_load_equals_a_full_load_whatever_the_edits(edits: list[str], drafts: bool, memo: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = copy_mini(Path(folder) / "site", own_theme=False)
        config, _ = load_config(root)
        reads: dict = {}  # type: ignore[type-arg]
        cache: dict | None = {} if memo else None  # type: ignore[type-arg]
        load_project(config, drafts=drafts, cache=cache, reads=reads)
        for n, edit in enumerate(edits, 1):
            changed = LOAD_EDITS[edit](root, n)
            hinted = load_project(config, drafts=drafts, cache=cache, reads=reads, changed=frozenset(changed))
            assert hinted == load_project(config, drafts=drafts), f"after {edits[:n]}"
