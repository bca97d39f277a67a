"""`sitegen serve` in a real browser (Debian's Chromium via Playwright): edits show up by themselves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen.serve import Preview
from tests.test_serve_support import ARTICLE, ARTICLE_URL, copy_mini, running

CHROMIUM = Path("/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
expect = playwright_api.expect
WAIT_MS = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    with running(copy_mini(tmp_path / "site")) as live:
        yield live


@pytest.fixture
def page(browser, preview: Preview):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 900, "height": 400})
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    expect.set_options(timeout=WAIT_MS)
    tab.goto(preview.url + ARTICLE_URL)
    tab.wait_for_function("() => document.readyState === 'complete'")
    yield tab
    context.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_edited_markdown_appears_on_the_same_page_at_the_same_scroll(page, preview: Preview) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("window.scrollTo(0, 300); window.marker = 'before'")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0, "the test page must be long enough to scroll"
    edit(preview.root / ARTICLE, "with `code` and *emphasis*.", "with `code` and a sentence written just now.")
    expect(page.locator("main")).to_contain_text("a sentence written just now")
    assert page.evaluate("window.marker") is None, "the page was reloaded"
    assert page.url == preview.url + ARTICLE_URL
    page.wait_for_function(f"() => window.scrollY === {scrolled}")


def test_broken_front_matter_shows_an_overlay_in_every_tab_until_fixed(page, preview: Preview) -> None:  # type: ignore[no-untyped-def]
    home = page.context.new_page()
    home.goto(preview.url)
    article = preview.root / ARTICLE
    edit(article, 'title: "Leaders agree', 'title: ["Leaders <b>agree')
    for tab in (page, home):
        overlay = tab.locator("#sitegen-overlay")
        expect(overlay).to_contain_text(f"{ARTICLE}:3:1")  # where YAML notices the bracket
        expect(overlay).to_contain_text("invalid YAML")
        expect(overlay).to_contain_text('title: ["Leaders <b>agree')  # the source line, escaped
    assert page.locator("#sitegen-overlay b").count() == 0, "source text is never markup"
    expect(page.locator("main h1")).to_contain_text("Leaders agree")  # the last good page stays
    edit(article, 'title: ["Leaders <b>agree', 'title: "Leaders agree')
    for tab in (page, home):
        expect(tab.locator("#sitegen-overlay")).to_have_count(0)


def test_stylesheet_change_applies_without_navigation(page, preview: Preview) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("window.marker = 'kept'")
    style = preview.root / "themes/default/static/style.css"
    style.write_text(style.read_text(encoding="utf-8") + "\nbody { outline: 7px solid rgb(1, 2, 3); }\n",
                     encoding="utf-8")
    page.wait_for_function("() => getComputedStyle(document.body).outlineWidth === '7px'")
    assert page.evaluate("window.marker") == "kept", "the page was not reloaded"


STYLESHEETS_FETCHED = """() => performance.getEntriesByType('resource')
    .filter(r => r.initiatorType === 'link' && r.name.includes('.css') && r.transferSize > 0).length"""


def test_a_reload_fetches_only_what_changed(page, preview: Preview) -> None:  # type: ignore[no-untyped-def]
    """Stylesheets are loaded by content version: kept across a reload, fetched again once changed."""
    edit(preview.root / ARTICLE, "with `code` and *emphasis*.", "with `code` and a first new sentence.")
    expect(page.locator("main")).to_contain_text("a first new sentence")
    page.wait_for_function("() => document.readyState === 'complete'")
    assert page.evaluate(STYLESHEETS_FETCHED) == 0, "an unchanged stylesheet was fetched again"
    # A stylesheet and an article changed in one save: the page reloads and loads the new sheet.
    style = preview.root / "themes/default/static/style.css"
    style.write_text(style.read_text(encoding="utf-8") + "\nbody { outline: 5px solid rgb(1, 2, 3); }\n",
                     encoding="utf-8")
    edit(preview.root / ARTICLE, "a first new sentence", "a second new sentence")
    expect(page.locator("main")).to_contain_text("a second new sentence")
    page.wait_for_function("() => getComputedStyle(document.body).outlineWidth === '5px'")
