"""Properties of the parsers: the front-matter splitter, the slugger, the anchor matcher, the
mention linker, heading ids and the link reader, over generated inputs (hypothesis)."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

from sitegen.checks_links import read_text
from sitegen.checks_names import RESERVED, SLUG, fold_path, slug_problem
from sitegen.frontmatter import load_yaml, normalise_newlines, split_front_matter
from sitegen.markdown import render_markdown
from sitegen.markdown.annotate import Anchor, MentionMatcher
from sitegen.schema import slugify

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SPLIT_CODES = {"file-empty", "frontmatter-missing", "frontmatter-unclosed"}

# --- the front-matter splitter ------------------------------------------------------------------

yaml_line = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x85\u2028\u2029"),
                    max_size=30).filter(lambda line: not re.match(r"^---[ \t]*$", line))


@SETTINGS
@given(st.lists(yaml_line, max_size=8), st.text(max_size=200))
def test_split_returns_exactly_the_yaml_and_the_body(lines: list[str], body: str):
    body = normalise_newlines(body)
    yaml_text = "\n".join(lines)
    split, problems = split_front_matter(f"---\n{yaml_text}\n---\n{body}", "x")
    assert not problems and split is not None
    assert split.yaml_text == yaml_text
    assert split.body == body
    assert split.yaml_line == 2 and split.body_line == len(yaml_text.split("\n")) + 3


@SETTINGS
@given(st.text(max_size=300))
@example("\ufeff")
@example("---")
@example("--- \n---")
def test_split_never_raises_and_explains_any_failure(text: str):
    split, problems = split_front_matter(normalise_newlines(text), "x")
    if split is None:
        assert [p.code for p in problems] and {p.code for p in problems} <= SPLIT_CODES
    else:
        assert not problems


@SETTINGS
@given(st.text(max_size=200))
def test_normalised_newlines_are_lf_only_and_stable(text: str):
    once = normalise_newlines(text)
    assert "\r" not in once and normalise_newlines(once) == once
    assert once.count("\n") == text.count("\n") + text.count("\r") - text.count("\r\n")


yamlish = st.text(st.sampled_from(list("ab:-[]{},'\"&*!|>#?% \n\t1.~")), max_size=60)


@SETTINGS
@given(yamlish)
@example("!1\n?")  # a tag on the root mapping
def test_load_yaml_never_raises_and_positions_lie_in_the_text(text: str):
    front, problems = load_yaml(text, "x", 2)
    assert (front is None) == bool([p for p in problems if p.code.startswith(("yaml-", "frontmatter-"))]) \
        or front is not None
    lines = text.split("\n")
    for problem in problems:
        assert 2 <= problem.line <= len(lines) + 2 and problem.column >= 1
    if front is not None:
        for line, column in [*front.value_at.values(), *front.key_at.values()]:
            assert 2 <= line <= len(lines) + 1 and 1 <= column <= len(lines[line - 2]) + 1


# --- the slugger -------------------------------------------------------------------------------


@SETTINGS
@given(st.text(max_size=80), st.integers(min_value=1, max_value=10))
@example("Con", 8)
@example("NUL", 8)
@example("Zoë O’Neil: the “Test”", 8)
def test_slugify_gives_a_usable_slug_or_nothing(text: str, max_words: int):
    slug = slugify(text, max_words)
    if slug:
        assert SLUG.fullmatch(slug) and slug_problem(slug) == ("", "")
        assert slug not in RESERVED
        assert slugify(slug, max_words + 1) == slug, "slugging a slug changes nothing"
        assert len(slug.split("-")) <= max_words + 1  # a reserved word gains one
    else:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        assert not re.search(r"[A-Za-z0-9]", ascii_text)


@SETTINGS
@given(st.text(max_size=40))
def test_slug_problems_are_exactly_the_non_slugs(text: str):
    code, why = slug_problem(text)
    usable = bool(SLUG.fullmatch(text)) and text not in RESERVED
    assert (code == "") == usable and (why == "") == usable


@SETTINGS
@given(st.text(max_size=40))
def test_folded_paths_equal_their_case_and_normalisation_variants(path: str):
    folded = fold_path(path)
    assert fold_path(folded) == folded
    assert fold_path(path.upper()) == fold_path(path.lower()) or path.upper().lower() != path.lower()
    assert fold_path(unicodedata.normalize("NFD", path)) == folded


# --- the anchor matcher and the mention linker ---------------------------------------------------

plain_words = st.lists(st.sampled_from(["Putin", "Netanyahu", "said", "the", "talks", "on", "Monday",
                                        "Moscow", "Putin’s", "a", "of", "Israel", "Israeli", "x"]),
                       min_size=1, max_size=30)
FORMS = {"Putin": ("people", "vladimir-putin"), "Netanyahu": ("people", "benjamin-netanyahu"),
         "Israel": ("places", "israel"), "Moscow": ("places", "moscow")}


def env(anchors: list[Anchor] | None = None, matcher: bool = True, rule: str = "every") -> dict:  # type: ignore[type-arg]
    return {"entity_url": lambda c, s: f"../../{c}/{s}/", "anchors": anchors or [], "mention_rule": rule,
            "matcher": MentionMatcher(FORMS) if matcher else None}


class Visible(HTMLParser):
    """The text a reader sees, leaving out what annotations add (note numbers, margin notes, bylines)."""

    ADDED = {"note-ref", "margin-note", "quote-by", "header-anchor"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        self.stack.append(bool(classes & self.ADDED) or bool(self.stack and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible(html: str) -> str:
    parser = Visible()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


markdown_body = st.lists(st.one_of(
    plain_words.map(" ".join),
    plain_words.map(lambda w: f"*{' '.join(w)}*"),
    plain_words.map(lambda w: f"**{w[0]}** {' '.join(w[1:])}"),
    plain_words.map(lambda w: f"[{' '.join(w)}](https://example.org/)"),
    plain_words.map(lambda w: f"[{w[0]}](@people/vladimir-putin)"),
    plain_words.map(lambda w: f"`{' '.join(w)}`"),
    plain_words.map(lambda w: f"## {' '.join(w)}"),
    plain_words.map(lambda w: f"> {' '.join(w)}"),
    plain_words.map(lambda w: f"- {' '.join(w)}"),
    st.just("\n"),
), min_size=1, max_size=8).map(lambda parts: "\n".join(parts))


@SETTINGS
@given(markdown_body, st.sampled_from(["every", "first-in-paragraph", "first-in-article", "none"]))
def test_linking_mentions_never_changes_the_visible_text(body: str, rule: str):
    plain = visible(render_markdown(body, env(matcher=False)))
    linked = visible(render_markdown(body, env(rule=rule)))
    assert linked == plain


@SETTINGS
@given(markdown_body, st.data())
def test_anchors_never_change_the_visible_text_and_match_where_the_text_is(body: str, data: st.DataObject):
    probe: dict = env(matcher=False)  # type: ignore[type-arg]
    render_markdown(body, probe)
    blocks = [b for b in probe["blocks"] if b.strip()]
    assume(blocks)
    text = data.draw(st.sampled_from(blocks))
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    exact = text[start:end]
    assume(exact.strip())
    anchors = [Anchor("note", "n", exact)]
    found = env(anchors)
    html = render_markdown(body, found)
    occurrences = sum(len([i for i in range(len(b)) if b.startswith(exact, i)]) for b in probe["blocks"])
    assert len(found["anchor_hits"]["n"]) == occurrences
    assert visible(html) == visible(render_markdown(body, env()))
    if occurrences == 1 and "n" not in found["dropped_anchors"]:
        marked = re.search(r'<mark class="note-anchor" id="note-n">(.*?)</mark><sup', html, re.DOTALL)
        assert marked, html
        # The mark may be widened to whole elements; a soft line break is a space in the text.
        assert " ".join(exact.split()) in " ".join(visible(marked.group(1)).split())


@SETTINGS
@given(plain_words, plain_words, st.sampled_from(["Putin", "Netanyahu", "Moscow"]))
def test_a_mention_is_found_at_each_whole_word_occurrence(before: list[str], after: list[str], name: str):
    text = " ".join([*before, name, *after])
    found = MentionMatcher(FORMS).find(text)
    expected = [m.start() for m in re.finditer(rf"(?<![\w\u00C0-\u024F]){name}(?![\w\u00C0-\u024F])", text)]
    assert [s for s, _, ref in found if ref == FORMS[name]] == expected
    for start, end, ref in found:
        assert text[start:end] in FORMS and FORMS[text[start:end]] == ref


# --- heading ids and the link reader -------------------------------------------------------------

heading = st.tuples(st.integers(1, 5), st.sampled_from(["a", "a-1", "a 1", "", "!!", "A", "`a`", "a-1-1",
                                                        "Notes", "notes", "x y", "a-2"]))


@SETTINGS
@given(st.lists(heading, min_size=1, max_size=30))
def test_heading_ids_are_those_of_the_anchors_plugin(headings: list[tuple[int, str]]):
    text = "\n\n".join("#" * level + " " + title for level, title in headings)
    reference = MarkdownIt("commonmark")
    reference.use(anchors_plugin, min_level=2, max_level=4, permalink=True, permalinkSymbol="#")
    ids = re.findall(r'<h\d id="([^"]*)"', render_markdown(text, {"entity_url": lambda c, s: None}))
    assert ids == re.findall(r'<h\d id="([^"]*)"', reference.render(text))


href = st.sampled_from(["../x/", "#frag", "https://example.org/a", "@people/x", "a.html", "../../people/y/#z"])


@SETTINGS
@given(st.lists(st.tuples(plain_words, href), min_size=1, max_size=6), st.booleans())
def test_read_links_point_at_their_target_as_written(links: list[tuple[list[str], str]], one_line: bool):
    separator = " " if one_line else "\n"
    text = separator.join(f"{' '.join(words)} [{words[0]}]({target})" for words, target in links)
    found = read_text(text).links
    assert [link.href for link in found] == [target for _, target in links]
    lines = text.split("\n")
    for link in found:
        assert lines[link.line - 1][link.column - 1:].startswith(link.href)
