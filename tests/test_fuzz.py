"""Random bytes and random Markdown through the whole pipeline: no exception escapes, every page
is well-formed HTML without script URLs, and nothing outside the output folder changes."""

from __future__ import annotations

import json
import random
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build import render_site
from sitegen.checks_links import unsafe_url
from sitegen.config import load_config
from sitegen.markdown import render_markdown
from sitegen.markdown.annotate import Anchor, MentionMatcher
from tests.conftest import run_cli

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BALANCED = {"a", "span", "mark", "em", "strong", "code", "sup", "blockquote", "ul", "ol", "table", "div",
            "section", "article", "nav", "header", "footer", "main", "h1", "h2", "h3", "h4", "h5", "h6",
            "pre", "del", "s", "script", "details", "summary", "dl", "figure", "aside"}


class Checker(HTMLParser):
    """Start and end tags nest, except where HTML closes elements implicitly (p, li, td…)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("href", "src") and v]
        self.problems += [f"handler {k}" for k, _ in attrs if k.startswith("on")]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("href", "src") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.stack:
            self.problems.append(f"</{tag}> closes nothing")
            return
        while self.stack:
            top = self.stack.pop()
            if top == tag:
                return
            if top in BALANCED:
                self.problems.append(f"<{top}> closed by </{tag}>")


def check_html(html: str) -> list[str]:
    checker = Checker()
    checker.feed(html)
    checker.close()
    left = [t for t in checker.stack if t in BALANCED]
    problems = checker.problems + ([f"unclosed {left}"] if left else [])
    return problems + [f"unsafe url {u!r}" for u in checker.urls if unsafe_url(u)]


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.relative_to(root).parts[0].startswith((".sitegen-cache", "out", ".out"))}


MARKDOWN_PIECES = ["Putin", "Netanyahu", " ", "\n", "\n\n", "*", "**", "_", "`", "```", "[", "]", "(", ")",
                   "](", "](@people/vladimir-putin)", "](#x)", "](../x/)", "](javascript:alert(1))", "<", ">",
                   "<script>", "</script>", "&", "&amp;", "&#0;", "#", "## ", "> ", "- ", "1. ", "|", "|-|",
                   "\\", "[^1]", "[^1]: n", "![", "~~", "said", "“", "’s", "\t", "    ", "<http://x.y>",
                   "\u202e", "\u200b", "\x00", "\ufffd", "on Monday", "we will talk"]
markdown_text = st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=60).map("".join)
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def random_site(root: Path, article_body: str, person_bytes: bytes, article_yaml: str) -> None:
    files = {
        "sitegen.toml": b'title = "Fuzz"\nbase_url = "https://example.org/f/"\n',
        "content/people/vladimir-putin.md": b"---\nname: Vladimir Putin\naliases: [Putin]\n---\n",
        "content/people/fuzzed.md": person_bytes,
        "content/articles/report.md": (
            "---\ntitle: Report\nlanguage: en\npeople: [vladimir-putin]\n"
            "quotes:\n  - exact: \"we will talk\"\n    speaker: vladimir-putin\n"
            "notes:\n  - exact: \"on Monday\"\n    kind: date\n    text: \"[see](#x) *now*\"\n"
            f"---\n{article_body}\n").encode(),
        "content/articles/fuzzed.md": article_yaml.encode("utf-8", "surrogatepass"),
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)


@SETTINGS
@given(markdown_text, st.binary(max_size=300),
       st.text(st.sampled_from(list("---\ntitle: [a]{b},'\"&*!|>#\t-0129:")), max_size=120))
def test_random_input_through_the_whole_pipeline(body: str, person: bytes, article: str):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        random_site(root, body, person, article)
        before = snapshot(root)
        out = Path(folder) / "out"
        for command in (["check", "--root", str(root), "--format", "json"],
                        ["build", "--root", str(root), "--output", str(out)]):
            result = run_cli(*command)
            assert result.code in (0, 1), result.err
            assert "Traceback" not in result.err
        json.loads(run_cli("check", "--root", str(root), "--format", "json").out)
        assert snapshot(root) == before, "a build changed files outside its output folder"
        assert sorted(p.name for p in Path(folder).iterdir()) in (["out", "site"], ["site"])
        # Whether or not the build failed, every page it rendered must be sound.
        config, problems = load_config(root)
        assert not problems
        pages = [o for o in render_site(config).outputs if o.path.endswith(".html")]
        assert any(o.path == "articles/report/index.html" for o in pages)
        for page in pages:
            problems = check_html(page.data.decode("utf-8"))
            assert not problems, (page.path, problems[:5], body)


def test_random_markdown_renders_balanced_html_without_script_urls():
    generator = random.Random(20261121)
    matcher = MentionMatcher({"Putin": ("people", "vladimir-putin"), "Netanyahu": ("people", "n")})
    for _ in range(1_500):
        text = "".join(generator.choice(MARKDOWN_PIECES) for _ in range(generator.randint(1, 80)))
        anchors = [Anchor("quote", "q", "we will talk", speaker=("people", "vladimir-putin")),
                   Anchor("note", "n", "on Monday"), Anchor("note", "p", generator.choice(MARKDOWN_PIECES))]
        env = {"entity_url": lambda c, s: f"../../{c}/{s}/", "anchors": anchors, "matcher": matcher,
               "mention_rule": generator.choice(["every", "first-in-paragraph", "none"]),
               "speaker_names": {("people", "vladimir-putin"): "Vladimir Putin"},
               "note_html": {"n": ("date", "x"), "p": ("context", "y")}}
        html = render_markdown(text, env)
        assert not check_html(html), (text, check_html(html), html)
