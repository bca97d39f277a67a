"""What `serve`'s watcher tells load: reported files are read, folders are listed again when they change."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

from sitegen.config import load_config
from sitegen.load import RACY_NS, _listing, _opened, _read, load_project
from sitegen.serve import Preview, _Reported
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


def test_editor_temporaries_are_never_vouched_for() -> None:
    reported = _Reported({"content/articles/a.md"})
    assert "content/articles/a.md" in reported and "content/articles/b.md" not in reported
    # The watcher ignores these names, but a full build reads them (as captures): always look.
    assert "content/articles/4913" in reported and "content/articles/capture.pdf.part" in reported
    assert "content/articles/capture.pdf" not in reported


def _listed(folder: Path, reads: dict, now: int) -> list[str]:  # type: ignore[type-arg]
    with _opened(folder) as fd:
        assert fd is not None
        return _listing(folder, fd, "articles", folder.parent, [], reads, now)


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
