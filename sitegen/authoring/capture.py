"""Read a raw captured article into its parts: headline, dek, byline, dateline, body and removed lines.

Every non-blank line of the capture ends up in exactly one place, the body or the
removed list (blank lines only separate paragraphs), so nothing captured is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitegen.authoring.boilerplate import LONE_NAME, Ruleset, dateline_date
from sitegen.frontmatter import normalise_newlines

HEADER_REACH = 8
"""A byline or dateline within this many non-blank lines of the top ends the headline block."""
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*$")


@dataclass(frozen=True, slots=True)
class Removed:
    line: int
    """1-based line number in the capture."""
    text: str
    kind: str


@dataclass(frozen=True, slots=True)
class CaptureParts:
    lines: tuple[str, ...]
    """The capture's lines (newlines normalised), numbered from 1."""
    body: tuple[tuple[int, str], ...]
    """(line number, text) of each line kept as a body paragraph."""
    removed: tuple[Removed, ...]
    headline: str = ""
    subtitle: str = ""
    byline: str = ""
    dateline: str = ""
    published: str | None = None
    """ISO date stated by the dateline, if one was found."""


def capture_lines(text: str) -> list[str]:
    """The lines of a capture as numbered in `capture.removed` (a final newline ends the last line)."""
    lines = normalise_newlines(text).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _is_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text.strip()))


def _header(nonblank: list[tuple[int, str]], kinds: dict[int, str | None]) -> tuple[int, list[int]]:
    """How many leading non-blank lines form the headline block, and which of them are unclaimed."""
    for position, (number, _) in enumerate(nonblank[:HEADER_REACH]):
        if kinds[number] in ("byline", "dateline"):
            end = position
            # The byline/dateline run (and captions or credits right after it) closes the block.
            while end < len(nonblank) and kinds[nonblank[end][0]] in ("byline", "dateline", "caption",
                                                                        "credit", "ui", "tagline"):
                end += 1
            return end, [n for n, _ in nonblank[:position] if kinds[n] is None]
    # No byline or dateline: the first unclaimed line is a headline if it does not read as a sentence
    # and prose follows it.
    for position, (number, text) in enumerate(nonblank):
        if kinds[number] is None:
            rest = [n for n, _ in nonblank[position + 1:] if kinds[n] is None]
            if not _is_sentence(text) and len(text.split()) <= 30 and rest:
                return position + 1, [number]
            return 0, []
    return 0, []


def _assign_header(unclaimed: list[int], lines: list[str]) -> dict[int, str]:
    """Headline is the last unclaimed line that is not a sentence; before it taglines, after it the dek."""
    kinds: dict[int, str] = {}
    titles = [n for n in unclaimed if not _is_sentence(lines[n - 1])]
    headline = titles[-1] if titles else None
    for number in unclaimed:
        if headline is None:
            kinds[number] = "subtitle"
        elif number < headline:
            kinds[number] = "tagline"
        elif number == headline:
            kinds[number] = "headline"
        else:
            kinds[number] = "subtitle"
    return kinds


def split_capture(text: str, rules: Ruleset) -> CaptureParts:
    """Separate the article from the page around it, by rules and by position."""
    lines = capture_lines(text)
    nonblank = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    kinds: dict[int, str | None] = {n: rules.kind_of(line, in_header=True) for n, line in nonblank}
    header_end, unclaimed = _header(nonblank, kinds)
    kinds.update(_assign_header(unclaimed, lines))
    for n, line in nonblank[header_end:]:
        if kinds[n] is None:
            kinds[n] = rules.kind_of(line)
    # A lone name after the last paragraph, with only boilerplate below it, signs the article.
    if not any(kinds[n] == "byline" for n, _ in nonblank):
        for n, line in reversed(nonblank[header_end:]):
            if kinds[n] is not None:
                continue
            body_left = [m for m, _ in nonblank[header_end:] if kinds[m] is None and m != n]
            if LONE_NAME.match(line.strip()) and body_left:
                kinds[n] = "byline"
            break

    def first(kind: str) -> str:
        found = [lines[n - 1].strip() for n, _ in nonblank if kinds[n] == kind]
        return " ".join(found) if kind == "subtitle" else (found[0] if found else "")

    dateline = first("dateline")
    return CaptureParts(
        lines=tuple(lines),
        body=tuple((n, line) for n, line in nonblank if kinds[n] is None),
        removed=tuple(Removed(n, line, kinds[n]) for n, line in nonblank if kinds[n] is not None),
        headline=first("headline"), subtitle=first("subtitle"), byline=first("byline"),
        dateline=dateline, published=dateline_date(dateline) if dateline else None)
