"""What a build publishes: every value escaped for its context, no script URL, bounded work."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen.checks_links import unsafe_url
from sitegen.markdown import render_markdown
from sitegen.markdown.annotate import Anchor, MentionMatcher
from tests.conftest import run_cli

# Ends a script, opens a tag with a handler, breaks out of attributes (both quotes) and comments.
PAYLOAD = """</script><sitegen-injected onload="x">'"&amp;<!-- ]]> {{ 7*7 }}"""
Q = json.dumps(PAYLOAD)  # as a YAML double-quoted value


class Page(HTMLParser):
    """Everything on a page that could run or inject: scripts, handlers, URLs, foreign tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        self.urls += [value for name, value in attrs if name in ("href", "src", "action", "formaction") and value]
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag: str) -> None:
        self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        else:
            self.text.append(data)


def read_page(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def hostile_site(make_site) -> Path:  # type: ignore[no-untyped-def]
    return make_site({
        "sitegen.toml": f'title = {Q}\ndescription = {Q}\nbase_url = "https://example.org/a/"\n',
        "content/people/jane-doe.md": f"""\
            ---
            name: {Q}
            aliases: ["Doe", {Q}]
            sort_as: {Q}
            description: {Q}
            roles:
              - title: {Q}
                organisation: acme
                date: {Q}
            ---
            {PAYLOAD}
            """,
        "content/organisations/acme.md": f"""\
            ---
            name: {json.dumps("Acme " + PAYLOAD)}
            description: {Q}
            url: "https://example.org/?q=</script>&x=\\"'"
            kind: outlet
            ---
            """,
        "content/places/paris.md": f"---\nname: {json.dumps('Paris ' + PAYLOAD)}\ndescription: {Q}\n---\n",
        "content/events/talks.md": f"""\
            ---
            name: {json.dumps("Talks " + PAYLOAD)}
            date: 2015-11-30
            date_basis: {Q}
            description: {Q}
            places: [paris]
            ---
            """,
        "content/articles/report.md": f"""\
            ---
            title: {Q}
            subtitle: {Q}
            outlet: acme
            byline: {Q}
            published: 2015-12-01
            language: en
            url: "https://example.org/news?id=1&x=</script>\\"'><b>"
            summary: {Q}
            people: [jane-doe]
            places: [paris]
            events: [talks]
            inferred:
              published:
                basis: {Q}
                confidence: high
            capture:
              file: report.capture.txt
              removed:
                - line: 1
                  text: {Q}
                  kind: ui
            quotes:
              - exact: "we will talk"
                speaker: jane-doe
                context: {Q}
            notes:
              - exact: "Doe"
                kind: context
                text: {Q}
                author: {Q}
            ---
            Doe said we will talk. {PAYLOAD}

            [a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](vbscript:x) [d](data:text/html,x)
            <javascript:alert(1)> [e]( javascript:alert(1)) [f](&#106;avascript:alert(1))
            ![g](data:image/svg+xml,<svg onload=alert(1)>)
            """,
        "content/articles/report.capture.txt": PAYLOAD,
    })


def test_every_front_matter_value_is_escaped_for_its_context(make_site, tmp_path: Path):
    root = hostile_site(make_site)
    out = tmp_path / "out"
    result = run_cli("build", "--root", str(root), "--output", str(out))
    assert result.code == 0, result.err
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 8
    shown = False
    for path in pages:
        page = read_page(path.read_text(encoding="utf-8"))
        where = path.relative_to(out).as_posix()
        assert "sitegen-injected" not in page.tags, where
        assert not page.handlers, (where, page.handlers)
        for attrs, text in page.scripts:
            if attrs.get("type") == "application/ld+json":
                data = json.loads(text)  # </script> in a value could not end the script early
                assert data["@context"] == "https://schema.org"
            else:
                assert attrs.get("src", "").endswith(".js") and not text.strip(), (where, attrs, text)
        for url in page.urls:
            assert not unsafe_url(url), (where, url)
        shown = shown or PAYLOAD in "".join(page.text)
    assert shown, "the values are displayed as text"
    for path in out.rglob("*.json*"):
        json.loads(path.read_text(encoding="utf-8"))
    feeds = sorted(out.rglob("*.xml"))
    assert feeds
    for path in feeds:
        ET.parse(path)  # well-formed XML
    feed = ET.parse(out / "feed.xml").getroot()
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert PAYLOAD in titles


@pytest.mark.parametrize("href", [
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "&#106;avascript:alert(1)",
    "java&#x09;script:alert(1)", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd", "javascript&colon;alert(1)", "\\x01javascript:alert(1)",
])
def test_no_script_url_is_ever_emitted_from_a_body(href: str):
    html = render_markdown(f"[x]({href}) <{href}> ![y]({href})\n\n[ref]: {href}\n\n[z][ref]",
                           {"entity_url": lambda c, s: None})
    for url in read_page(html).urls:
        assert not unsafe_url(url), (href, url)


def test_images_may_be_data_images():
    assert not unsafe_url("data:image/png;base64,AAAA") and unsafe_url("data:image/svg+xml,<svg/>")


PATHOLOGICAL = {
    "10,000 open brackets": "[" * 10_000,
    "10,000 nested brackets": "[" * 10_000 + "a" + "]" * 10_000,
    "10,000 unclosed links": "[a](" * 10_000,
    "10,000 backticks": "`" * 10_000,
    "backtick runs": " ".join("`" * i for i in range(1, 500)),
    "10,000 block quotes": ">" * 10_000 + " a",
    "1,000 nested lists": "".join("  " * i + "- a\n" for i in range(1_000)),
    "10,000 emphasis openers": "*a " * 10_000,
    "10,000 mixed emphasis": "*_" * 10_000,
    "10,000 images": "![" * 10_000,
    "10,000 entities": "&amp;" * 10_000,
    "10,000 angle brackets": "<" * 10_000,
    "10,000 reference links": "[a]: b\n" * 10_000 + "[a]" * 10_000,
    "10,000 footnotes": "[^a]" * 10_000 + "\n\n[^a]: x\n",
    "10,000 same headings": "## Notes\n" * 10_000,
    "10,000 mentions in a paragraph": "Putin said. " * 10_000,
    "10,000 explicit links": "[him](@people/vladimir-putin) " * 10_000,
    "a 1 MB paragraph": "word " * 200_000,
    "wide table": "|" + "a|" * 1_000 + "\n|" + "-|" * 1_000 + "\n" + ("|" + "b|" * 1_000 + "\n") * 50,
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_markdown_renders_in_bounded_time(name: str):
    anchors = [Anchor("note", "n", "said. Putin"), Anchor("quote", "q", "a missing passage", speaker=None)]
    env = {"entity_url": lambda c, s: f"../../{c}/{s}/", "anchors": anchors, "mention_rule": "every",
           "matcher": MentionMatcher({"Putin": ("people", "vladimir-putin"), "Notes": ("people", "n")})}
    started = time.perf_counter()
    html = render_markdown(PATHOLOGICAL[name], env)
    seconds = time.perf_counter() - started
    assert seconds < 10, f"{name}: {seconds:.1f} s"
    read_page(html)
