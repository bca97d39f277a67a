"""Screenshots of the main page types at phone and desktop width, light and dark, with layout checks.

The PNGs are kept in tests/artifacts/screenshots/ (git-ignored) for people to look at; a few
are copied to docs/screenshots/ for the README by hand. The checks are the ones a reader would
notice: nothing wider than the screen, margin notes that never overlap, a dark page in dark mode.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.publishing_support import artifact_dir, base_path, build_site, chromium, seed_root, serve

WIDTHS = {"phone": 390, "desktop": 1280}
SCHEMES = ("light", "dark")


def pages(site: Path) -> dict[str, str]:
    article = sorted((site / "articles").glob("*/index.html"), key=lambda p: -p.stat().st_size)[0]
    person = "people/vladimir-putin/" if (site / "people/vladimir-putin").is_dir() else \
        sorted((site / "people").glob("*/index.html"))[0].parent.relative_to(site).as_posix() + "/"
    event = sorted((site / "events").glob("*/index.html"), key=lambda p: -p.stat().st_size)[0]
    return {"home": "", "article": article.parent.relative_to(site).as_posix() + "/", "person": person,
            "event": event.parent.relative_to(site).as_posix() + "/", "timeline": "timeline/",
            "search": "search/?q=coordination"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(seed_root(), tmp_path_factory.mktemp("shots") / "public")


def test_screenshots_and_layout(site: Path) -> None:
    out = artifact_dir("screenshots")
    problems = []
    with serve(site, base_path(seed_root())) as served, chromium() as browser:
        for width_name, width in WIDTHS.items():
            for scheme in SCHEMES:
                context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
                page = context.new_page()
                for name, path in pages(site).items():
                    page.goto(served.page(path))
                    if name == "search":
                        page.wait_for_selector("#search-results li")
                    where = f"{name} at {width}px {scheme}"
                    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
                    if overflow > 0:
                        problems.append(f"{where}: {overflow}px wider than the screen")
                    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
                    channels = [int(c) for c in background[background.index("(") + 1:-1].split(",")[:3]]
                    if (sum(channels) / 3 < 128) != (scheme == "dark"):
                        problems.append(f"{where}: background {background}")
                    if name == "article":
                        problems += [f"{where}: {p}" for p in margin_note_problems(page, width_name)]
                    page.screenshot(path=str(out / f"{name}-{width}-{scheme}.png"))
                context.close()
    assert not problems, "\n".join(problems)
    assert len(list(out.glob("*.png"))) == len(WIDTHS) * len(SCHEMES) * 6


def margin_note_problems(page, width_name: str) -> list[str]:
    boxes = page.eval_on_selector_all(".margin-note", """notes => notes.map(n => {
        const r = n.getBoundingClientRect();
        return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right,
                shown: getComputedStyle(n).display !== 'none'};
    })""")
    text = page.eval_on_selector(".article-body p", "p => p.getBoundingClientRect().right")
    if width_name == "phone":
        return ["margin notes shown on a phone"] if any(b["shown"] for b in boxes) else []
    problems = []
    if boxes and not all(b["shown"] for b in boxes):
        problems.append("margin notes hidden on a wide screen")
    for a, b in zip(boxes, boxes[1:], strict=False):
        if b["top"] < a["bottom"]:
            problems.append(f"margin notes overlap at y={b['top']:.0f}")
    problems += [f"a margin note covers the text at y={b['top']:.0f}" for b in boxes if b["left"] < text]
    return problems


def test_print_hides_navigation_and_margin_notes(site: Path) -> None:
    with serve(site, base_path(seed_root())) as served, chromium() as browser:
        page = browser.new_page()
        page.emulate_media(media="print")
        page.goto(served.page(pages(site)["article"]))
        hidden = page.evaluate("""() => ['.site-nav', '.site-search', '.margin-note'].map(s =>
            [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === 'none'))""")
        assert all(hidden), hidden
        assert page.evaluate("getComputedStyle(document.querySelector('.notes')).display") != "none"
