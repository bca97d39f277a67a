"""markdown-it plugin: anchor quotes and notes to exact text, and link mentions of entities.

Reads from `env`:
  - "anchors": list of `Anchor` (quotes and notes with their TextQuoteSelector)
  - "matcher": a `MentionMatcher` for the entities the article references (or None)
  - "mention_rule": every | first-in-paragraph | first-in-article | none
  - "entity_url": (collection, slug) -> relative URL or None
  - "speaker_names": speaker ref -> display name, "note_html": note id -> rendered note text
Writes to `env`:
  - "anchor_hits": anchor id -> list of (block, start, end) where prefix+exact+suffix occurs
  - "mentions": list of `FoundMention` in document order
  - "blocks": the visible text of each inline block, in order
  - "note_numbers": note id -> number in reading order (notes that are marked up)
  - "dropped_anchors": ids that matched but could not be marked up (they overlap another)
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from sitegen.markdown.matcher import _APART, MentionMatcher, _starts
from sitegen.markdown.matcher import _WORD as _WORD  # imported from here by callers and tests
from sitegen.markdown.textspans import _BREAKS, _TEXT_TYPES, Span, new_token, wrap_spans


@dataclass(frozen=True, slots=True)
class Anchor:
    kind: str
    """'quote' or 'note'."""
    id: str
    exact: str
    prefix: str = ""
    suffix: str = ""
    speaker: tuple[str, str] | None = None
    """(collection, slug) of a quote's speaker."""


@dataclass(frozen=True, slots=True)
class FoundMention:
    collection: str
    slug: str
    id: str
    block: int
    start: int
    end: int
    linked: bool
    explicit: bool
    sentence: str
    sentence_start: int
    """Offset of the mention inside `sentence`."""
    placed: bool = True
    """False when the mention crosses an annotation's edge and has no element (no id) in the page."""


_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
# A full stop after these is part of a title or a name, not the end of a sentence.
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "gen", "maj", "lt", "col", "capt", "sgt", "adm",
                  "gov", "sen", "rep", "st", "no", "vs", "jr", "sr", "u.s", "u.n", "u.k", "e.g", "i.e"}


_WORD_RUN = re.compile(r"[\w.]*")
"""Matched in the reversed paragraph: the word (letters, digits, dots) just before a stop."""


SentenceBreaks = tuple[list[int], list[int]]


def sentence_breaks(text: str) -> SentenceBreaks:
    """Start and end offsets of every sentence break in a paragraph, found once for all its mentions."""
    starts: list[int] = []
    ends: list[int] = []
    size, backwards = len(text), ""
    for match in _SENTENCE_END.finditer(text):
        stop = match.start()
        backwards = backwards or text[::-1]
        # Only the word before the stop matters, at most 64 characters of it (constant time in
        # long paragraphs). Matched forwards in the reversed text, it costs its own length; a
        # backwards search from the window's start retried every position of the window.
        run = _WORD_RUN.match(backwards, size - stop, size - max(0, stop - 64))
        word = text[stop - (run.end() - run.start()):stop].lower()  # type: ignore[union-attr]
        if word not in _ABBREVIATIONS and not (len(word) == 1 and word.isalpha()):
            starts.append(stop)
            ends.append(match.end())
    return starts, ends


def sentence_around(text: str, start: int, end: int,
                    breaks: SentenceBreaks | None = None) -> tuple[str, int]:
    """The sentence containing text[start:end], and the offset of start within it."""
    starts, ends = breaks if breaks is not None else sentence_breaks(text)
    before = bisect.bisect_right(ends, start)  # breaks ending at or before the match
    after = bisect.bisect_left(starts, end)  # the first break starting at or after its end
    begin = ends[before - 1] if before else 0
    finish = starts[after] + 1 if after < len(starts) else len(text)
    sentence = text[begin:finish]
    stripped = sentence.rstrip()
    return stripped, start - begin


def annotate_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("entity_links", "annotate", _annotate)
    md.add_render_rule("annotation_open", _render_annotation_open)
    md.add_render_rule("annotation_close", _render_annotation_close)
    md.add_render_rule("mention", _render_mention)


def _text_and_links(children: list[Token]) -> tuple[str, list[tuple[int, int, tuple[str, str]]]]:
    """The block's visible text (as block_text) and the spans of its resolved entity links, in one pass."""
    parts, spans, pos, current = [], [], 0, None
    for token in children:
        kind = token.type
        if kind in _TEXT_TYPES:
            parts.append(token.content)
            pos += len(token.content)
        elif kind in _BREAKS:
            parts.append(" ")
            pos += 1
        elif kind == "link_open":
            if token.meta.get("entity") and not token.meta.get("unresolved"):
                current = (pos, token.meta["entity"])
        elif kind == "link_close" and current:
            spans.append((current[0], pos, current[1]))
            current = None
    return "".join(parts), spans


def _find_in_all(texts: list[str], needles: list[tuple[str, int, int, list[tuple[int, int, int]]]]) -> bool:
    """Record where each anchor occurs in any of the texts, as searching text by text would,
    with one search per anchor; False (nothing recorded) if a needle or text stops that."""
    if any(not needle or _APART in needle for needle, _, _, _ in needles) or any(_APART in t for t in texts):
        return False
    starts, joined = _starts(texts), _APART.join(texts)
    for needle, before, size, hit in needles:
        pos = joined.find(needle)
        while pos != -1:  # a needle cannot contain the separator, so it lies inside one text
            block = bisect.bisect_right(starts, pos) - 1
            start = pos - starts[block] + before
            hit.append((block, start, start + size))
            pos = joined.find(needle, pos + 1)
    return True


def _annotate(state: StateCore) -> None:
    env = state.env
    anchors: list[Anchor] = env.get("anchors", [])
    matcher: MentionMatcher | None = env.get("matcher")
    rule = env.get("mention_rule", "first-in-paragraph")
    hits: dict[str, list[tuple[int, int, int]]] = {a.id: [] for a in anchors}
    # Built once per body, not once per block: (needle, prefix length, exact length, hit list).
    needles = [(a.prefix + a.exact + a.suffix, len(a.prefix), len(a.exact), hits[a.id]) for a in anchors]
    mentions: list[FoundMention] = []
    blocks: list[str] = []
    linked_in_article: set[tuple[str, str]] = set()
    block_spans: list[tuple[int, list[Span]]] = []

    inline_tokens = [(i, t) for i, t in enumerate(state.tokens) if t.type == "inline" and t.children]
    texts = [_text_and_links(t.children) for _, t in inline_tokens]  # type: ignore[arg-type]
    matches = matcher.find_each([text for text, _ in texts]) if matcher is not None else []
    found_together = len(hits) == len(anchors) and _find_in_all([text for text, _ in texts], needles)
    for number, (index, token) in enumerate(inline_tokens):
        assert token.children is not None
        text, links = texts[number]
        blocks.append(text)
        spans: list[Span] = []
        if not found_together:
            for needle, before, size, hit in needles:
                pos = text.find(needle)
                while pos != -1:
                    hit.append((number, pos + before, pos + before + size))
                    pos = text.find(needle, pos + 1)
        if links:
            found = [(s, e, ref, True) for s, e, ref in links]
            if matcher is not None:
                found += [(s, e, ref, False) for s, e, ref in matches[number]
                          if not any(a <= s < b for a, b, _ in links)]
            found.sort(key=lambda f: (f[0], f[1]))
        elif matcher is not None and matches[number]:
            # The matcher's finds are already in (start, end) order, each starting at or after
            # the end of the one before.
            found = [(s, e, ref, False) for s, e, ref in matches[number]]
        else:
            block_spans.append((index, spans))
            continue
        linked_in_block: set[tuple[str, str]] = set()
        explicit_here: list[FoundMention] = []
        breaks = sentence_breaks(text)  # only mentions need sentences
        for start, end, ref, explicit in found:
            ident = f"m-{len(mentions) + 1}"
            linked = explicit or _should_link(rule, ref, linked_in_block, linked_in_article)
            sentence, offset = sentence_around(text, start, end, breaks)
            mention = FoundMention(ref[0], ref[1], ident, number, start, end, linked, explicit, sentence, offset)
            mentions.append(mention)
            if explicit:
                explicit_here.append(mention)
                continue  # the link token itself carries the mention; see _tag_explicit
            url = env["entity_url"](*ref) if linked else None
            # One token in place of the text it links: see _render_mention.
            spans.append(Span(start, end, new_token("mention", "a", 0, meta={
                "id": ident, "url": url, "collection": ref[0]}), None, single_text=True, rank=2))
        if explicit_here:
            _tag_explicit(token.children, explicit_here)
        block_spans.append((index, spans))

    # Anchors are wrapped only where they match exactly once; the model reports the rest.
    note_numbers: dict[str, int] = {}
    order = sorted((a for a in anchors if len(hits[a.id]) == 1), key=lambda a: (hits[a.id][0], a.id))
    for anchor in order:
        block, start, end = hits[anchor.id][0]
        if anchor.kind == "note":
            note_numbers[anchor.id] = len(note_numbers) + 1
        meta = {"kind": anchor.kind, "id": anchor.id, "speaker": anchor.speaker,
                "number": note_numbers.get(anchor.id)}
        span = Span(start, end, new_token("annotation_open", "span", 1, meta=meta),
                    new_token("annotation_close", "span", -1, meta=meta), rank=0 if anchor.kind == "quote" else 1)
        block_spans[block][1].append(span)

    dropped: list[str] = []
    unplaced: set[str] = set()
    for index, spans in block_spans:
        if not spans:
            continue
        token = state.tokens[index]
        assert token.children is not None
        token.children = wrap_spans(token.children, spans)
        dropped += [s.open.meta["id"] for s in spans if s.dropped and s.open.type == "annotation_open"]
        unplaced |= {s.open.meta["id"] for s in spans if s.dropped and s.open.type == "mention"}
    # A mention that crosses an annotation's edge cannot be marked up; it stays in the record
    # but has no element in the page, so backlinks point at the article itself.
    env["anchor_hits"] = hits
    env["mentions"] = [replace(m, linked=False, placed=False) if m.id in unplaced else m for m in mentions]
    env["blocks"] = blocks
    env["note_numbers"] = note_numbers
    env["dropped_anchors"] = dropped


def _should_link(rule: str, ref: tuple[str, str], in_block: set[tuple[str, str]],
                 in_article: set[tuple[str, str]]) -> bool:
    if rule == "none":
        return False
    if rule == "first-in-paragraph" and ref in in_block:
        return False
    if rule == "first-in-article" and ref in in_article:
        return False
    in_block.add(ref)
    in_article.add(ref)
    return True


def _tag_explicit(children: list[Token], explicit: list[FoundMention]) -> None:
    links = [t for t in children if t.type == "link_open" and t.meta.get("entity")
             and not t.meta.get("unresolved")]
    for token, mention in zip(links, explicit, strict=False):
        token.attrSet("id", mention.id)


def _render_annotation_open(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    meta = tokens[idx].meta
    if meta["kind"] == "quote":
        return f'<span class="quote" id="quote-{escape(meta["id"])}">'
    return f'<mark class="note-anchor" id="note-{escape(meta["id"])}">'


def _render_annotation_close(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    meta = tokens[idx].meta
    ident = escape(meta["id"])
    if meta["kind"] == "quote":
        speaker = meta["speaker"]
        name = env.get("speaker_names", {}).get(speaker, "")
        url = env["entity_url"](*speaker) if speaker else None
        if not (name and url):
            return "</span>"
        return (f'</span><a class="quote-by" href="{escape(url)}" '
                f'aria-label="quoted: {escape(name)}">{escape(name)}</a>')
    number = meta["number"]
    kind, html = env.get("note_html", {}).get(meta["id"], ("note", ""))
    # The margin copy is for sighted readers on wide screens; the reference link leads
    # everyone (and narrow screens) to the numbered list, so it is hidden from assistive tech.
    return (f'</mark><sup class="note-ref"><a href="#notes-list-{ident}" id="note-{ident}-ref" '
            f'aria-label="Editorial note {number}">{number}</a></sup>'
            f'<span class="margin-note note-{escape(kind)}" aria-hidden="true">'
            f'<span class="note-num">{number}</span> '
            f'<span class="note-kind">{escape(kind.capitalize())}</span> {html}</span>')


@lru_cache(maxsize=4096)
def _escaped(value: str) -> str:
    """A mention's collection and URL are one of a few per article: escaped once each."""
    return escape(value)


def _render_mention(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    meta = tokens[idx].meta
    text = self.rules["text"](tokens, idx, options, env)  # the text it took the place of, rendered as such
    if meta["url"]:
        return (f'<a class="mention mention-{_escaped(meta["collection"])}" id="{_escaped(meta["id"])}" '
                f'href="{_escaped(meta["url"])}">{text}</a>')
    return f'<span class="mention-ref" id="{_escaped(meta["id"])}">{text}</span>'
