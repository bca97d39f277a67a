"""The faster body-rendering paths give what the straightforward ones gave (hypothesis)."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from sitegen.markdown import make_markdown, render_markdown
from sitegen.markdown.annotate import _ABBREVIATIONS, _SENTENCE_END, MentionMatcher, _find_in_all, sentence_breaks
from sitegen.markdown.highlight import highlight_code
from sitegen.markdown.textspans import Span, _in_one_text, _wrap_any, new_token

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Stops, closing quotes, abbreviations, dots inside words and words longer than the 64-character window.
prose = st.lists(st.sampled_from(["Mr", "u.s", "U.S", "Gen", "e.g", "x", "A", "é", "word", "a" * 70, "1967", "-",
                                  ".", "!", "?", "”", ")", " ", "  ", "\n", "(", "“", "B", "_"]),
                 max_size=40).map("".join)


def _window_search_breaks(text: str) -> tuple[list[int], list[int]]:
    """sentence_breaks as first written: a regex search of the 65 characters before each stop."""
    starts, ends = [], []
    for match in _SENTENCE_END.finditer(text):
        before = re.search(r"([\w.]+)[.!?]$", text[max(0, match.start() - 64):match.start() + 1])
        word = before.group(1).lower().rsplit("-", 1)[-1] if before else ""
        if word not in _ABBREVIATIONS and not (len(word) == 1 and word.isalpha()):
            starts.append(match.start())
            ends.append(match.end())
    return starts, ends


@SETTINGS
@given(prose)
def test_sentence_breaks_match_the_window_search(text: str):
    assert sentence_breaks(text) == _window_search_breaks(text)


def test_a_word_longer_than_the_window_is_cut_at_the_window():
    text = "x" * 100 + "mr. Next"  # the window holds only the last 64 characters: "x…mr", not "mr"
    assert sentence_breaks(text) == _window_search_breaks(text) == ([102], [104])
    assert sentence_breaks("He met Mr. Smith. Then") == ([16], [18])


forms = st.dictionaries(st.sampled_from(["Ann", "Anna", "Anna Smith", "Smith", "é", "A.", "Bo", "Bo’s", "x y"]),
                        st.tuples(st.just("people"), st.sampled_from(["a", "b", "c"])), max_size=9)
texts = st.lists(st.lists(st.sampled_from(["Ann", "Anna", " Smith", "é", "A.", "Bo", "’s", " ", "x", "y", "_"]),
                          max_size=12).map("".join), max_size=6)


@SETTINGS
@given(forms, texts)
def test_find_each_finds_what_find_finds_in_each_text(table: dict[str, tuple[str, str]], blocks: list[str]):
    matcher = MentionMatcher(table)
    assert matcher.find_each(blocks) == [matcher.find(text) for text in blocks]


def test_find_each_with_many_forms_and_with_the_separator_in_a_text():
    many = MentionMatcher({f"Name{i}": ("people", str(i)) for i in range(60)})
    blocks = ["Name1 met Name12.", "", "xName3 Name3"]
    assert many.find_each(blocks) == [many.find(text) for text in blocks]
    few = MentionMatcher({"Ann": ("people", "a")})
    assert few.find_each(["Ann\x00Ann", "Ann"]) == [[(0, 3, ("people", "a")), (4, 7, ("people", "a"))],
                                                   [(0, 3, ("people", "a"))]]


def test_new_token_equals_the_constructed_token():
    meta = {"id": "m-1"}
    assert new_token("text", "", 0, "abc") == Token("text", "", 0, content="abc")
    made = new_token("annotation_open", "span", 1, meta=meta)
    assert made == Token("annotation_open", "span", 1, meta=meta) and made.meta is meta
    assert new_token("x", "a", -1).meta == {} and new_token("x", "a", -1).meta is not new_token("x", "a", -1).meta


html_like = st.lists(st.sampled_from(["<div>", "</div>", "<!-- c -->", "<?php ?>", "<![CDATA[x]]>", "<!DOCTYPE html>",
                                      "<a href='x'>", "<b>", "</b>", "<script>", "<pre>", "<http://x.org>", "<x@y.org>",
                                      "\n", "\n\n", "    ", "> ", "- ", "text", "*", "`", "|a|b|\n|-|-|\n", "<", ">"]),
                     max_size=25).map("".join)


def _commonmark(*disabled: str) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "highlight": highlight_code, "typographer": False})
    md.enable(["table", "strikethrough"])
    return md.disable(list(disabled)) if disabled else md


WITH_HTML_RULES, WITHOUT_HTML_RULES = _commonmark(), _commonmark("html_block", "html_inline")


@SETTINGS
@given(html_like)
def test_without_the_raw_html_rules_output_is_unchanged(text: str):
    assert WITH_HTML_RULES.render(text) == WITHOUT_HTML_RULES.render(text)


def test_the_body_parser_runs_without_the_raw_html_rules():
    md = make_markdown()
    assert md.options["html"] is False
    assert "html_block" not in md.block.ruler.get_active_rules()
    assert "html_inline" not in md.inline.ruler.get_active_rules()


def test_a_mention_renders_as_a_link_around_its_escaped_text_and_counts_in_heading_ids():
    env = {"entity_url": lambda c, s: f"../../{c}/{s}/", "matcher": MentionMatcher({"A&B": ("organisations", "ab")}),
           "mention_rule": "every", "anchors": []}
    html = render_markdown("## A&B talks\n\nSo A&B said.", env)
    assert '<h2 id="ab-talks">' in html
    assert ('<a class="mention mention-organisations" id="m-1" href="../../organisations/ab/">A&amp;B</a>'
            in html)
    assert ('So <a class="mention mention-organisations" id="m-2" href="../../organisations/ab/">A&amp;B</a> said.'
            in html)
    env["entity_url"] = lambda c, s: None
    html = render_markdown("So A&B said.", env)
    assert html == '<p>So <span class="mention-ref" id="m-1">A&amp;B</span> said.</p>\n'


def _mention_spans(bounds: list[int]) -> list[Span]:
    edges = sorted(set(bounds))
    return [Span(a, b, new_token("mention", "a", 0, meta={"id": f"m-{a}"}), None, single_text=True, rank=2)
            for a, b in zip(edges[::2], edges[1::2], strict=False)]


@SETTINGS
@given(st.text(min_size=1, max_size=30), st.lists(st.integers(0, 30), max_size=8))
def test_mentions_in_a_lone_text_are_placed_as_by_the_general_path(content: str, bounds: list[int]):
    inside = [b for b in bounds if b <= len(content)]
    spans = _mention_spans(inside)
    fast = _in_one_text(Token("text", "", 0, content=content), spans)
    assert fast is not None and not any(s.dropped for s in spans)
    general = _wrap_any([Token("text", "", 0, content=content)], _mention_spans(inside))
    assert [(t.type, t.content, t.meta) for t in fast] == [(t.type, t.content, t.meta) for t in general]


def test_the_lone_text_path_leaves_empty_overlapping_and_other_spans_to_the_general_path():
    text = Token("text", "", 0, content="Anna Smith")
    empty = Span(2, 2, new_token("mention", "a", 0), None, single_text=True)
    assert _in_one_text(text, [empty]) is None
    overlapping = [Span(0, 4, new_token("mention", "a", 0), None), Span(2, 6, new_token("mention", "a", 0), None)]
    assert _in_one_text(text, overlapping) is None
    annotation = Span(0, 4, new_token("annotation_open", "span", 1), new_token("annotation_close", "span", -1))
    assert _in_one_text(text, [annotation]) is None


def _needles(words: list[str]) -> list[tuple[str, int, int, list[tuple[int, int, int]]]]:
    return [(word, 1, max(len(word) - 1, 0), []) for word in words]


@SETTINGS
@given(st.lists(st.sampled_from(["a", "ab", "ba", "aa", "b a", "a\x00", ""]), max_size=5),
       st.lists(st.lists(st.sampled_from(["a", "b", " ", "ab"]), max_size=10).map("".join), max_size=6))
def test_anchors_found_in_all_texts_at_once_are_found_text_by_text(words: list[str], blocks: list[str]):
    together = _needles(words)
    if not _find_in_all(blocks, together):
        assert any(not w or "\x00" in w for w in words) and all(not hit for _, _, _, hit in together)
        return
    for (needle, before, size, hit), (_, _, _, expected) in zip(together, _needles(words), strict=True):
        for number, text in enumerate(blocks):
            pos = text.find(needle)
            while pos != -1:
                expected.append((number, pos + before, pos + before + size))
                pos = text.find(needle, pos + 1)
        assert hit == expected
