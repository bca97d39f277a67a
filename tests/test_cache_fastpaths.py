"""Speed-ups never change results: each fast path is compared with the plain implementation it replaces.

- front matter: libyaml composes where it provably agrees with PyYAML's pure-Python
  parser; everything else (and every error) takes the pure-Python path;
- mention matching: str.find for a few forms and a regex trie for many give exactly
  what the longest-first alternation `(?<!W)(?:…)(?!W)` gives;
- indented JSON (exports, datasets): fastjson writes json.dumps' exact text.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitegen import fastjson, frontmatter
from sitegen.markdown.annotate import _WORD, MentionMatcher

# ---------------------------------------------------------------- front matter


def _outcome(result):  # type: ignore[no-untyped-def]
    front, problems = result
    data = None if front is None else (front.data, front.value_at, front.key_at)
    return data, [p.format() for p in problems]


YAML_PIECES = ["title", ": ", "\n", "  ", "- ", "[", "]", "{", "}", ", ", ":", "'", '"', "#", " # c",
               "|", ">", "|-", "é", "“", "\u00a0", "0", "1.5", "null", "true", "yes", "2015-11-30",
               "1:20", "---", "...", "\\", "\\n", "\\u00e9", "-", "<<", "~", "''", "!", "!!str ", "?",
               "&a ", "*a", "&", "*", "%", "@", "`", "\t", "\ufeff", "\x85", "\u2028", "\x01", "\r",
               "people: [a, b]", "quotes:\n  - exact: \"x\"\n    speaker: a\n", "k: [a: ]", "[b:]"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=24))
@example(["k: [a: ]"])       # libyaml puts the empty value one column later
@example(["[b:]"])           # PyYAML accepts, libyaml refuses
@example([">", "#"])         # libyaml accepts a header with a comment glued on, PyYAML refuses
@example(["---"])            # libyaml reports the empty document's position differently
@example(["title", ": ", "\"A & B\""])
def test_front_matter_fast_path_agrees_with_pure_python(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert _outcome(frontmatter.load_yaml(text, "x.md", 2)) == \
        _outcome(frontmatter._load_yaml(text, "x.md", 2, fast=False))


def test_ordinary_front_matter_takes_the_fast_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = ('title: "Russia & Israel: talks"\npublished: 2022-02-27\npeople: [a, b]\n'
            'quotes:\n  - exact: "We agreed."\n    speaker: a\n')
    if frontmatter._CLoader is None:  # PyYAML built without libyaml: nothing to compare
        return
    assert frontmatter._compose_fast(text.replace("&", "and")) is not frontmatter._SLOW
    front, problems = frontmatter.load_yaml(text, "x.md", 2)
    assert problems == [] and front is not None and front.data["people"] == ["a", "b"]


def test_aliases_are_still_refused() -> None:
    front, problems = frontmatter.load_yaml("a: &x 1\nb: *x\n", "x.md", 2)
    assert front is None and [p.code for p in problems] == ["yaml-alias"]
    assert isinstance(yaml.compose("a: 1", Loader=frontmatter._Loader), yaml.MappingNode)


# ---------------------------------------------------------------- mention matching


def _alternation(forms: dict[str, tuple[str, str]], text: str) -> list[tuple[int, int, tuple[str, str]]]:
    """The reference: one regex alternation of every form, longest first."""
    ordered = sorted(forms, key=lambda f: (-len(f), f))
    if not ordered:
        return []
    pattern = re.compile(rf"(?<!{_WORD})(?:{'|'.join(re.escape(f) for f in ordered)})(?!{_WORD})")
    return [(m.start(), m.end(), forms[m.group()]) for m in pattern.finditer(text)]


CHARS = st.sampled_from(["a", "b", "A", "n", " ", "’", "s", "é", "ȝ", ".", "-", "1", "_", "(", "\n",
                         "Ann", "Anna", " Smith", "the ", "\u4e00"])
FORM = st.lists(CHARS, min_size=1, max_size=5).map("".join)
TEXT = st.lists(CHARS, max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(FORM, max_size=8), TEXT)
def test_few_forms_match_like_the_alternation(forms: list[str], text: str) -> None:
    table = {f: ("people", f"p{i}") for i, f in enumerate(forms)}
    assert MentionMatcher(table).find(text) == _alternation(table, text)


@settings(max_examples=150, deadline=None)
@given(st.lists(FORM, min_size=60, max_size=120), TEXT)
def test_many_forms_match_like_the_alternation(forms: list[str], text: str) -> None:
    table = {f: ("people", f"p{i}") for i, f in enumerate(forms)}
    assert MentionMatcher(table).find(text) == _alternation(table, text)


def test_longest_form_wins_and_words_stay_whole() -> None:
    many = {f"Filler{i}": ("places", f"f{i}") for i in range(60)}
    for extra in ({}, many):
        table = {"Ann": ("people", "ann"), "Anna Smith": ("people", "smith"), **extra}
        found = MentionMatcher(table).find("Anna Smith met Ann, not Annabel, and Anna Smithson.")
        assert [(s, e, key[1]) for s, e, key in found] == [(0, 10, "smith"), (15, 18, "ann")]


def test_an_empty_form_behaves_as_before() -> None:
    table = {"": ("people", "nobody"), "Ann": ("people", "ann")}
    assert MentionMatcher(table).find("Ann x") == _alternation(table, "Ann x")


# ---------------------------------------------------------------- indented JSON

JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(),
                        st.sampled_from(["“quoted”", "\u2028", "\x00", "é", "\ud7ff", ""]))
JSON_KEYS = st.one_of(st.text(), st.integers(), st.floats(), st.booleans(), st.none())
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.lists(inner, max_size=3).map(tuple),
    st.dictionaries(JSON_KEYS, inner, max_size=4)), max_leaves=30)


@settings(max_examples=500, deadline=None)
@given(JSON_VALUES, st.sampled_from([0, 1, 2, 4]))
@example({1.5: [float("nan"), float("inf"), -float("inf")], True: {}, None: []}, 1)
def test_fast_json_writes_what_json_dumps_writes(value: object, indent: int) -> None:
    assert fastjson.dumps(value, indent) == json.dumps(value, ensure_ascii=False, indent=indent)


def test_fast_json_raises_what_json_dumps_raises() -> None:
    cycle: list[object] = []
    cycle.append(cycle)
    for bad in (cycle, {"x": object()}, {(1, 2): "tuple key"}):
        with pytest.raises((TypeError, ValueError)) as ours:
            fastjson.dumps(bad, 1)
        with pytest.raises((TypeError, ValueError)) as theirs:
            json.dumps(bad, ensure_ascii=False, indent=1)
        assert type(ours.value) is type(theirs.value) and str(ours.value) == str(theirs.value)
