"""Serve shows a rebuild's pages before the rest of it is made, and never anything a full build would not."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from sitegen.config import Config
from sitegen.serve import Preview
from sitegen.serve_state import SiteState, Snapshot
from tests.test_incremental import edit, full_build, served
from tests.test_serve_support import ARTICLE, ARTICLE_URL

PAGE = f"{ARTICLE_URL}index.html"
CONFIG = Config(root=Path("/site"))


def _snapshot(build: str, files: dict[str, bytes], final: frozenset[str] | None = None) -> Snapshot:
    return Snapshot(files, build, "", False, CONFIG, final=final)


def test_a_page_published_early_is_answered_and_other_files_wait_for_the_whole_build() -> None:
    site = SiteState()
    site.publish(_snapshot("1", {"a/index.html": b"old", "feed.xml": b"old"}), site.mark_pending())
    covers = site.mark_pending()  # a rebuild under way
    early = _snapshot("2", {"a/index.html": b"new", "feed.xml": b"old"}, frozenset({"a/index.html"}))
    site.publish_early(early, covers)
    assert site.current(file=lambda s: "a/index.html") is early
    answered: list[Snapshot] = []
    waiting = threading.Thread(target=lambda: answered.append(site.current(file=lambda s: "feed.xml")))
    waiting.start()
    assert site.wait_until(lambda s: s.waiting == 1), "a file the early snapshot does not vouch for waits"
    whole = _snapshot("2", {"a/index.html": b"new", "feed.xml": b"new"})
    site.publish(whole, covers)
    waiting.join(timeout=10)
    assert answered == [whole]
    assert site.current(file=lambda s: "a/index.html") is whole, "the whole build replaces the early one"


def test_an_early_snapshot_does_not_answer_for_a_change_made_after_its_build_began() -> None:
    site = SiteState()
    site.publish(_snapshot("1", {"a/index.html": b"old"}), site.mark_pending())
    covers = site.mark_pending()
    site.publish_early(_snapshot("2", {"a/index.html": b"new"}, frozenset({"a/index.html"})), covers)
    site.mark_pending()  # saved again while the rebuild runs: the early pages are already stale
    assert site.current(timeout=0, file=lambda s: "a/index.html").build == "1"


def _message(preview: Preview) -> tuple[int, dict[str, object]]:
    """The number of state messages sent to tabs so far, and the latest."""
    latest = preview.events.wait(after=-1, timeout=0)
    assert latest is not None
    return latest


def test_an_edit_sends_the_tabs_one_message_and_the_page_equals_a_full_builds(preview: Preview) -> None:
    assert preview.build().succeeded
    before = preview.site.latest()
    assert before is not None
    number, _ = _message(preview)
    edit(preview.root / ARTICLE, "with `code` and *emphasis*.", "with `code` and early words.")
    assert preview.build().succeeded
    after = preview.site.latest()
    assert after is not None and after.build != before.build
    # Shown early, then published whole under the same build and state: the tabs reload once.
    assert _message(preview) == (number + 1, after.state())
    assert b"early words" in after.files[PAGE]
    assert served(preview) == full_build(preview.root)


def test_a_failure_after_the_pages_sends_the_tabs_back_to_the_last_good_site(preview: Preview) -> None:
    assert preview.build().succeeded
    good = preview.site.latest()
    assert good is not None
    number, _ = _message(preview)
    # A broken link renders fine; only the checks after the pages find it.
    edit(preview.root / ARTICLE, "with `code` and *emphasis*.", "with `code` and [a link](../no-such-page/).")
    report = preview.build()
    assert not report.succeeded and any(d.code == "link-broken" for d in report.diagnostics)
    latest, state = _message(preview)
    assert latest == number + 2, "the pages were shown early, then the failure was sent"
    assert state["build"] == good.build and state["error"], "the tabs go back, under the overlay"
    assert preview.site.current(file=lambda s: PAGE).files[PAGE] == good.files[PAGE]


def test_what_a_build_shows_early_is_every_page_and_theme_file_as_the_whole_build_makes_it(tmp_path: Path) -> None:
    from sitegen.build import render_site
    from sitegen.config import load_config
    from sitegen.render import Output
    from tests.test_serve_support import copy_mini

    config, _ = load_config(copy_mini(tmp_path / "site"))
    early: list[Output] = []
    result = render_site(config, on_pages=early.extend)
    whole = {o.path: o.data for o in result.outputs}
    shown = {o.path: o.data for o in early}
    # A reloaded page asks for its stylesheets and icon at once: they must not wait for the feeds.
    assert {"static/style.css", "static/pygments.css", PAGE} <= shown.keys()
    assert {p for p in whole if p.endswith(".html")} <= shown.keys()
    assert "feed.xml" in whole and "feed.xml" not in shown
    assert all(whole[path] == data for path, data in shown.items()), "an early file differs from the build's"


def test_the_pages_open_in_tabs_are_rendered_first_as_the_whole_build_makes_them(tmp_path: Path) -> None:
    from sitegen.build import render_site
    from sitegen.config import load_config
    from sitegen.render import Output
    from tests.test_serve_support import copy_mini

    config, _ = load_config(copy_mini(tmp_path / "site"))
    open_pages = [ARTICLE_URL, "people/vladimir-putin/", "articles/", "", "no/such/", "articles/2019-01-draft/",
                  "people/vladimir-putin", "search/"]
    first: list[Output] = []
    result = render_site(config, first_paths=lambda: open_pages, on_first=first.extend)
    whole = {o.path: o.data for o in result.outputs}
    pages = sorted(o.path for o in first if o.path.endswith(".html"))
    # Only article and entity pages go first (a listing needs every record planned); drafts have none.
    assert pages == [PAGE, "people/vladimir-putin/index.html"]
    assert {"static/style.css", "static/pygments.css"} <= {o.path for o in first}
    assert all(whole[o.path] == o.data for o in first), "a page shown first differs from the build's"


def test_a_tab_gets_its_page_before_the_rest_of_the_rebuild(preview: Preview, monkeypatch: pytest.MonkeyPatch) -> None:
    import sitegen.serve

    monkeypatch.setattr(sitegen.serve, "RELOAD_FIRST_SECONDS", 30.0)  # the rebuild waits for this test's "tab"
    assert preview.build().succeeded
    before = preview.site.latest()
    assert before is not None
    number, _ = _message(preview)
    preview.events.stream_opened(ARTICLE_URL)  # a tab on the article listens
    seen: dict[str, object] = {}

    def tab() -> None:
        update = preview.events.wait(after=number, timeout=30)
        assert update is not None
        seen["page"] = preview.site.current(file=lambda s: PAGE)
        seen["feed"] = preview.site.current(timeout=0, file=lambda s: "feed.xml")
        preview.events.stream_opened(ARTICLE_URL)  # the reloaded page listens again: the rebuild goes on

    reloading = threading.Thread(target=tab)
    reloading.start()
    edit(preview.root / ARTICLE, "with `code` and *emphasis*.", "with `code` and words for the tab.")
    report = preview.build()
    reloading.join(timeout=30)
    assert report.succeeded and report.milliseconds < 30_000, "the pause for the tab is not the rebuild's time"
    page, feed = seen["page"], seen["feed"]
    assert isinstance(page, Snapshot) and isinstance(feed, Snapshot)
    assert page.final is not None and PAGE in page.final and "feed.xml" not in page.final
    assert "index.html" not in page.final, "the open page came first, before the other pages"
    assert b"words for the tab" in page.files[PAGE]
    assert feed.build == before.build, "the rest of the site waited for the whole rebuild"
    after = preview.site.latest()
    assert after is not None and after.build == page.build and after.files[PAGE] == page.files[PAGE]
    assert _message(preview)[0] == number + 1, "the tabs were told once"
    assert served(preview) == full_build(preview.root)


def test_a_rebuild_that_showed_its_pages_waits_for_a_listening_tab_to_come_back_and_no_longer() -> None:
    from sitegen.serve_state import Broadcaster

    events = Broadcaster()
    assert events.send_and_wait_for_a_tab({"build": "1"}, timeout=30) == 0.0, "no tab: no wait"
    events.stream_opened()  # a tab listens
    reloaded = threading.Thread(target=lambda: (events.wait(after=1, timeout=30), events.stream_opened()))
    reloaded.start()  # as the tab's page reloads on the message, its stream opens again
    waited = events.send_and_wait_for_a_tab({"build": "2"}, timeout=30)
    reloaded.join(timeout=30)
    assert 0 < waited < 30, "the wait ends when the tab's stream opens again, not at the timeout"
    assert events.wait(after=-1, timeout=0) == (2, {"build": "2"})
    # A tab that never comes back (closed meanwhile) costs the timeout, no more.
    assert 0.05 <= events.send_and_wait_for_a_tab({"build": "3"}, timeout=0.05) < 5


def test_the_collector_is_paused_inside_and_as_it_was_after() -> None:
    import gc

    from sitegen.build import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled(), "a collector the caller turned off stays off"
    finally:
        gc.enable()
