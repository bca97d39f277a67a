"""Surface forms of entities found in text: longest form first, whole words only."""

from __future__ import annotations

import bisect
import re

_WORD = r"[\w\u00C0-\u024F]"
_WORD_CHAR = re.compile(_WORD)
_APART = "\x00"
"""Joins texts searched together (markdown-it replaces NUL in its input, so texts lack it)."""
_FEW_FORMS = 48
"""Up to this many forms, a str.find per form beats compiling a regex (one per article)."""


def _starts(texts: list[str]) -> list[int]:
    """Where each text starts in `_APART.join(texts)`."""
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    return starts


def _trie_pattern(forms: list[str]) -> str:
    """The forms as a regex trie: tried deepest first, so the longest form that fits wins."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for form in forms:
        node = root
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        run = ""
        while len(node) == 1 and "" not in node:  # an unbranched stretch is a plain literal
            (char, node), = node.items()
            run += re.escape(char)
        children = sorted(k for k in node if k)
        if not children:
            return run
        alternatives = [re.escape(c) + emit(node[c]) for c in children]
        body = "(?:" + "|".join(alternatives) + ")"
        return run + (body + "?" if "" in node else body)

    return emit(root)


class MentionMatcher:
    """Finds surface forms of entities in text: longest form first, whole words only.

    The result is that of scanning `(?<!W)(?:longest|…|shortest)(?!W)` left to right, W a
    letter or digit (a possessive ’s may follow). That alternation retries every form at
    every position, so few forms are found with str.find and many with a trie whose word
    check before the match is made in Python, letting the regex engine skip ahead.
    """

    def __init__(self, forms: dict[str, tuple[str, str]]) -> None:
        self.forms = forms
        self._trie: re.Pattern[str] | None = None
        self._alternation: re.Pattern[str] | None = None
        if len(forms) <= _FEW_FORMS and "" not in forms:
            return
        try:
            if "" in forms:
                raise ValueError("an empty form matches everywhere: keep the plain alternation")
            self._trie = re.compile(rf"{_trie_pattern(list(forms))}(?!{_WORD})")
        except (ValueError, RecursionError, re.error):
            ordered = sorted(forms, key=lambda f: (-len(f), f))
            body = "|".join(re.escape(f) for f in ordered)
            self._alternation = re.compile(rf"(?<!{_WORD})(?:{body})(?!{_WORD})")

    def find_each(self, texts: list[str]) -> list[list[tuple[int, int, tuple[str, str]]]]:
        """`[self.find(t) for t in texts]`; few forms are searched for once in all the texts."""
        if (self._trie is not None or self._alternation is not None
                or any(_APART in f for f in self.forms) or any(_APART in t for t in texts)):
            return [self.find(text) for text in texts]
        # A form cannot span the separator, and it reads as a non-word character at either edge
        # as a text's start and end do, so each text's matches are the same as when searched alone.
        starts = _starts(texts)
        each: list[list[tuple[int, int, tuple[str, str]]]] = [[] for _ in texts]
        for start, end, ref in self._find_few(_APART.join(texts)):
            block = bisect.bisect_right(starts, start) - 1
            each[block].append((start - starts[block], end - starts[block], ref))
        return each

    def find(self, text: str) -> list[tuple[int, int, tuple[str, str]]]:
        if self._alternation is not None:
            return [(m.start(), m.end(), self.forms[m.group()]) for m in self._alternation.finditer(text)]
        if self._trie is not None:
            return self._find_trie(self._trie, text)
        return self._find_few(text)

    def _find_trie(self, pattern: re.Pattern[str], text: str) -> list[tuple[int, int, tuple[str, str]]]:
        found, pos, word = [], 0, _WORD_CHAR.match
        while (match := pattern.search(text, pos)) is not None:
            start, end = match.span()
            if start and word(text, start - 1):
                pos = start + 1  # inside a word: the next position may still start a form
                continue
            found.append((start, end, self.forms[match.group()]))
            pos = end
        return found

    def _find_few(self, text: str) -> list[tuple[int, int, tuple[str, str]]]:
        candidates, word = [], _WORD_CHAR.match
        for form in self.forms:
            size, at = len(form), text.find(form)
            while at != -1:
                if not (at and word(text, at - 1)) and not word(text, at + size):
                    candidates.append((at, -size, form))
                at = text.find(form, at + 1)
        candidates.sort()  # leftmost first, then longest: what the alternation picks
        found, pos = [], 0
        for start, negative_size, form in candidates:
            if start >= pos:
                pos = start - negative_size
                found.append((start, pos, self.forms[form]))
        return found
