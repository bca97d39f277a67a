"""What `serve` watches: classify() as a table, editor save patterns through real file events."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sitegen.config import Config
from sitegen.render import BUILTIN_THEMES
from sitegen.watch import ChangeKind, Debouncer, Watcher, WatchLayout, classify, is_editor_temp

ROOT = Path("/project")
LAYOUT = WatchLayout.for_config(Config.for_tests(ROOT, theme="dark"))

C, T, S, K, IGN = (ChangeKind.CONTENT, ChangeKind.TEMPLATE, ChangeKind.STATIC, ChangeKind.CONFIG,
                 ChangeKind.IGNORED)


@pytest.mark.parametrize(("path", "kind"), [
    ("sitegen.toml", K),
    ("content/articles/2015-12-01-paris.md", C),
    ("content/articles/2015-12-01-paris.capture.txt", C),
    ("content/people", C),                      # a folder appearing or vanishing
    ("content", C),
    ("content/people/new-person.md", C),
    ("themes/dark/templates/article.html", T),
    ("themes/dark/templates/partials/card.html", T),
    ("themes/default/templates/base.html", T),  # the fallback theme is part of the chain
    ("themes/dark/static/style.css", S),
    ("themes/dark/static/img/2019/logo.svg", S),
    ("themes/dark", T),
    ("themes", T),
    ("themes/dark/README.md", IGN),
    ("themes/other/templates/article.html", IGN),  # not the configured theme
    ("public/index.html", IGN),
    ("sitegen.toml~", IGN),
    ("notes.txt", IGN),
    ("content/articles/.paris.md.swp", IGN),       # vim swap
    ("content/articles/paris.md.swp", IGN),
    ("content/articles/paris.md~", IGN),           # vim/gedit backups
    ("content/articles/4913", IGN),                # vim's write test
    ("content/articles/.#paris.md", IGN),          # Emacs lock
    ("content/articles/#paris.md#", IGN),          # Emacs auto-save
    ("content/articles/paris.md.tmp", IGN),
    ("content/articles/paris.md___jb_tmp___", IGN),  # JetBrains safe write
    ("content/articles/paris.md___jb_old___", IGN),
    ("content/articles/.goutputstream-ABC123", IGN),  # gedit
    ("content/.git/index", IGN),
    ("themes/dark/templates/.article.html.swp", IGN),
])
def test_classify(path: str, kind: ChangeKind) -> None:
    assert classify(ROOT / path, LAYOUT) is kind


def test_classify_builtin_theme() -> None:
    assert classify(BUILTIN_THEMES / "default" / "templates" / "base.html", LAYOUT) is T
    assert classify(BUILTIN_THEMES / "default" / "static" / "style.css", LAYOUT) is S
    assert classify(Path("/elsewhere/file.md"), LAYOUT) is IGN


@pytest.mark.parametrize("name", ["a.md", "2015-12-01-x.md", "style.css", "x.capture.txt", "4913.md"])
def test_ordinary_names_are_not_temporary(name: str) -> None:
    assert not is_editor_temp(name)


def test_debouncer_turns_a_burst_into_one_batch(tmp_path: Path) -> None:
    files = [tmp_path / f"{n}.md" for n in range(5)]
    debouncer = Debouncer(quiet=0.05)
    for file in files:
        file.write_text("x")
        debouncer.add(file, ChangeKind.CONTENT, created=True)
    batch = debouncer.take(timeout=5)
    assert batch is not None
    assert [c.path for c in batch.changes] == files
    assert {c.action for c in batch.changes} == {"added"}


def test_debouncer_judges_deletion_by_existence_after_the_burst(tmp_path: Path) -> None:
    kept, gone = tmp_path / "kept.md", tmp_path / "gone.md"
    kept.write_text("x")
    debouncer = Debouncer(quiet=0.02)
    debouncer.add(kept, ChangeKind.CONTENT)  # e.g. a "deleted" event, then the new file arrived
    debouncer.add(gone, ChangeKind.CONTENT)
    batch = debouncer.take(timeout=5)
    assert batch is not None
    assert {c.path.name: c.action for c in batch.changes} == {"kept.md": "changed", "gone.md": "deleted"}
    assert batch.describe(tmp_path) == "gone.md deleted, kept.md changed"


def test_debouncer_tells_pending_once_per_burst_and_closes() -> None:
    bursts = []
    debouncer = Debouncer(on_pending=lambda: bursts.append(1), quiet=0.01)
    debouncer.add(Path("/x/a.md"), ChangeKind.CONTENT)
    debouncer.add(Path("/x/b.md"), ChangeKind.CONTENT)
    assert debouncer.take(timeout=5) is not None
    assert bursts == [1]
    debouncer.close()
    assert debouncer.take() is None


def _timed_take(debouncer: Debouncer) -> tuple[list[tuple[str, str]], float]:
    started = time.monotonic()
    batch = debouncer.take(timeout=5)
    assert batch is not None
    return [(c.path.name, c.action) for c in batch.changes], time.monotonic() - started


def test_a_burst_of_whole_saves_ends_after_the_short_quiet(tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text("x")
    debouncer = Debouncer(quiet=20, saved_quiet=0.01)
    debouncer.add(article, ChangeKind.CONTENT)              # modified: the write is still open
    debouncer.add(article, ChangeKind.CONTENT, saved=True)  # closed after writing
    changes, took = _timed_take(debouncer)
    assert changes == [("a.md", "changed")]
    assert took < 10, "a saved file waited for the full quiet period"


def test_an_unfinished_write_keeps_the_full_quiet(tmp_path: Path) -> None:
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text("x")
    second.write_text("x")
    debouncer = Debouncer(quiet=0.3, saved_quiet=0.01)
    debouncer.add(first, ChangeKind.CONTENT, saved=True)
    debouncer.add(second, ChangeKind.CONTENT)  # still open: the burst is not over
    changes, took = _timed_take(debouncer)
    assert changes == [("a.md", "changed"), ("b.md", "changed")]
    assert took >= 0.3


def test_a_deleted_file_gets_the_full_quiet_and_one_more(tmp_path: Path) -> None:
    debouncer = Debouncer(quiet=0.2, saved_quiet=0.01)
    debouncer.add(tmp_path / "a.md", ChangeKind.CONTENT, gone=True)
    changes, took = _timed_take(debouncer)
    assert changes == [("a.md", "deleted")]
    assert took >= 0.4


def test_a_temporary_file_made_and_renamed_away_is_not_waited_for(tmp_path: Path) -> None:
    article, temp = tmp_path / "a.md", tmp_path / "a.md.Xy12Qz"  # QSaveFile's name: not a known temporary
    article.write_text("new")
    debouncer = Debouncer(quiet=20, saved_quiet=0.01)
    debouncer.add(temp, ChangeKind.CONTENT, created=True)
    debouncer.add(temp, ChangeKind.CONTENT, saved=True)
    debouncer.add(temp, ChangeKind.CONTENT, gone=True)                 # renamed away...
    debouncer.add(article, ChangeKind.CONTENT, created=True, saved=True)  # ...into place
    changes, took = _timed_take(debouncer)
    assert changes == [("a.md", "added")]  # the events cannot tell that a.md existed before
    assert took < 10


def _site(tmp_path: Path) -> tuple[Path, WatchLayout]:
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "sitegen.toml").write_text('title = "t"\n')
    return root, WatchLayout.for_config(Config.for_tests(root))


def _watch(layout: WatchLayout, save, debouncer: Debouncer | None = None) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """Run `save()` under a real watcher; the one batch it causes as (name, kind, action)."""
    debouncer = debouncer or Debouncer(quiet=0.15)
    watcher = Watcher(layout, debouncer)
    watcher.start()
    try:
        save()
        batch = debouncer.take(timeout=10)
    finally:
        watcher.stop()
    assert batch is not None, "no change was noticed"
    return [(c.path.name, c.kind.value, c.action) for c in batch.changes]


def test_vim_rename_save_is_one_change(tmp_path: Path) -> None:
    root, layout = _site(tmp_path)
    article = root / "content" / "articles" / "a.md"
    article.write_text("old")

    def vim_save() -> None:  # vim with backupcopy=no: test file, backup by rename, new file
        probe = article.parent / "4913"
        probe.write_text("")
        probe.unlink()
        os.rename(article, article.with_name("a.md~"))
        article.write_text("new")
        article.with_name("a.md~").unlink()

    assert _watch(layout, vim_save) == [("a.md", "content", "changed")]


def test_jetbrains_safe_write_is_one_change(tmp_path: Path) -> None:
    root, layout = _site(tmp_path)
    article = root / "content" / "articles" / "a.md"
    article.write_text("old")

    def safe_write() -> None:
        temp = article.with_name("a.md___jb_tmp___")
        old = article.with_name("a.md___jb_old___")
        temp.write_text("new")
        os.rename(article, old)
        os.rename(temp, article)
        old.unlink()

    assert _watch(layout, safe_write) == [("a.md", "content", "changed")]


def test_swap_files_alone_cause_no_batch(tmp_path: Path) -> None:
    root, layout = _site(tmp_path)
    debouncer = Debouncer(quiet=0.05)
    watcher = Watcher(layout, debouncer)
    watcher.start()
    try:
        swap = root / "content" / "articles" / ".a.md.swp"
        swap.write_text("swap")
        swap.unlink()
        (root / "content" / "articles" / "real.md").write_text("x")  # the marker that ends the wait
        batch = debouncer.take(timeout=10)
    finally:
        watcher.stop()
    assert batch is not None and [c.path.name for c in batch.changes] == ["real.md"]


def test_config_and_theme_folders_are_watched(tmp_path: Path) -> None:
    root, _ = _site(tmp_path)
    (root / "themes" / "default" / "static").mkdir(parents=True)
    layout = WatchLayout.for_config(Config.for_tests(root))
    assert (root / "themes", True) in layout.folders()
    changes = _watch(layout, lambda: (root / "sitegen.toml").write_text('title = "u"\n'))
    assert changes == [("sitegen.toml", "config", "changed")]
    changes = _watch(layout, lambda: (root / "themes/default/static/style.css").write_text("b{}"))
    assert changes == [("style.css", "static", "added")]


def test_polling_watcher_sees_changes_too(tmp_path: Path) -> None:
    """--poll, for Docker and WSL where native events do not arrive."""
    root, layout = _site(tmp_path)
    article = root / "content" / "articles" / "a.md"
    debouncer = Debouncer(quiet=0.05)
    watcher = Watcher(layout, debouncer, poll=True)
    watcher.start()
    try:
        article.write_text("new")
        batch = debouncer.take(timeout=10)
    finally:
        watcher.stop()
    assert batch is not None and [(c.path.name, c.action) for c in batch.changes] == [("a.md", "added")]


def _plain_write(article: Path) -> None:  # VS Code, Emacs after its first save, most tools
    article.write_text("new")


def _qsavefile_write(article: Path) -> None:  # Kate, sed -i: a temporary of any name, renamed into place
    temp = article.with_name("a.md.Xy12Qz")
    temp.write_text("new")
    os.rename(temp, article)


def _gedit_write(article: Path) -> None:
    temp = article.with_name(".goutputstream-ABC123")
    temp.write_text("new")
    os.rename(temp, article)


def _vim_write(article: Path) -> None:
    backup = article.with_name("a.md~")
    os.rename(article, backup)
    article.write_text("new")
    backup.unlink()


@pytest.mark.parametrize("save", [_plain_write, _qsavefile_write, _gedit_write, _vim_write])
def test_real_saves_end_their_burst_without_the_full_quiet(tmp_path: Path, save: Callable[[Path], None]) -> None:
    """The events that end each editor's save arrive, so a save is built without waiting 20 s."""
    root, layout = _site(tmp_path)
    article = root / "content" / "articles" / "a.md"
    article.write_text("old")
    started = time.monotonic()
    changes = _watch(layout, lambda: save(article), Debouncer(quiet=20, saved_quiet=0.05))
    assert time.monotonic() - started < 10, "the save was not recognised as finished"
    assert [name for name, _, _ in changes] == ["a.md"]
    assert article.read_text() == "new"


def test_the_kernel_is_not_asked_for_opens_and_reads(tmp_path: Path) -> None:
    """Each build reads templates and theme files: their opens must not reach the watcher's threads."""
    from watchdog.observers.api import ObservedWatch
    from watchdog.observers.inotify import InotifyEmitter
    from watchdog.observers.inotify_c import InotifyConstants as C

    from sitegen.watch import WATCHED_EVENTS

    watch = ObservedWatch(str(tmp_path), recursive=True, event_filter=WATCHED_EVENTS)
    mask = InotifyEmitter(None, watch, event_filter=WATCHED_EVENTS).get_event_mask_from_filter()  # type: ignore[arg-type]
    assert not mask & (C.IN_OPEN | C.IN_ACCESS | C.IN_CLOSE_NOWRITE)
    for wanted in (C.IN_CLOSE_WRITE, C.IN_MODIFY, C.IN_CREATE, C.IN_DELETE, C.IN_MOVED_FROM, C.IN_MOVED_TO):
        assert mask & wanted, wanted
