"""What `sitegen suggest` looks for in one article: unlinked mentions, alias variants, quotes, relative dates."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from sitegen import model as m
from sitegen.authoring.entities import KnownEntities, name_candidates
from sitegen.markdown import make_markdown
from sitegen.markdown.textspans import block_text
from sitegen.schema import slugify

Key = tuple[str, str]
_SPEECH = (r"(?:said|says|say|told|tells|added|adds|stated|states|noted|wrote|writes|explained|declared|"
           r"warned|insisted|continued|asked|replied|tweeted|announced|stressed|argued|claimed|"
           r"according to|in a statement)")
_QUOTED = re.compile(r"“([^“”]{2,2000})”|\"([^\"]{2,2000})\"")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December)")
_NUMBER = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several)"
RELATIVE_DATE = re.compile(
    rf"(?i:\b(?:on|last|next|this|that|early|late|earlier|later|by|until|since)\s+){_WEEKDAY}\b"
    rf"|\b{_WEEKDAY}(?!,?\s+\d)\b"
    rf"|(?i:\b(?:last|next|this|that|in|early|late|earlier|later|until|since|by)\s+){_MONTH}\b(?!,?\s+\d)"
    rf"|(?i:\b(?:yesterday|today|tomorrow|tonight|overnight)\b)"
    rf"|(?i:\b(?:over|at|on)\s+the\s+weekend\b|\bthis\s+weekend\b)"
    rf"|(?i:\b(?:the\s+)?(?:next|previous|following|same)\s+(?:day|week|month|year|morning|evening)\b)"
    rf"|(?i:\b(?:last|next|this|earlier this|later this)\s+(?:week|month|year|spring|summer|autumn|fall|winter)\b)"
    rf"|(?i:\b{_NUMBER}\s+(?:days?|weeks?|months?|years?|decades?)\s+(?:after|before|later|earlier|ago)\b)")


@dataclass(frozen=True, slots=True)
class Block:
    text: str
    """What a reader sees of the paragraph (annotations match against this)."""
    source: str
    line: int
    """File line of the block's first source line."""


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    block: int
    start: int
    end: int
    message: str
    hint: str = ""
    key: Key | None = None
    """The entity to reference, for mention and quote findings."""
    quote: dict[str, str] = field(default_factory=dict)
    """The `quotes` item to add, for quote findings."""


def body_blocks(article: m.Article) -> list[Block]:
    md = make_markdown()
    tokens = md.parse(article.body, {"entity_url": lambda c, s: None})
    return [Block(block_text(t.children), t.content, article.body_line + (t.map[0] if t.map else 0))
            for t in tokens if t.type == "inline" and t.children is not None]


def position(block: Block, start: int, end: int) -> tuple[int, int]:
    """File (line, column) of block.text[start:end], found in the block's source where possible."""
    needle = block.text[start:end]
    occurrence = block.text[:start].count(needle)
    index = -1
    for _ in range(occurrence + 1):
        index = block.source.find(needle, index + 1)
        if index < 0:
            return block.line, 1
    before = block.source[:index]
    return block.line + before.count("\n"), index - (before.rfind("\n") + 1) + 1


def _occurrences(blocks: list[Block], needle: str) -> list[tuple[int, int]]:
    found = []
    for number, block in enumerate(blocks):
        start = block.text.find(needle)
        while start >= 0:
            found.append((number, start))
            start = block.text.find(needle, start + 1)
    return found


def anchored_spans(blocks: list[Block], selectors: list[m.Selector]) -> list[tuple[int, int, int]]:
    """(block, start, end) of the exact words of every annotation that matches the body."""
    spans = []
    for selector in selectors:
        for number, start in _occurrences(blocks, selector.prefix + selector.exact + selector.suffix):
            begin = start + len(selector.prefix)
            spans.append((number, begin, begin + len(selector.exact)))
    return spans


def _covered(spans: list[tuple[int, int, int]], block: int, start: int, end: int) -> bool:
    return any(b == block and s < end and start < e for b, s, e in spans)


def unreferenced_mentions(article: m.Article, blocks: list[Block], known: KnownEntities,
                          explicit: set[Key]) -> list[Finding]:
    referenced = {(r.collection, r.slug) for r in article.references()} | explicit
    found, seen = [], set(referenced)
    matcher = known.matcher
    for number, block in enumerate(blocks):
        for start, end, key in matcher.find(block.text):
            if key in seen or key[0] == "articles":
                continue
            seen.add(key)
            found.append(Finding(
                "mention-unreferenced", number, start, end,
                f"“{block.text[start:end]}” is {key[0]}/{key[1]} ({known.names[key]}), "
                f"which the front matter does not reference",
                f"add '{key[1]}' to '{key[0]}' (sitegen suggest --apply does)", key))
    return found


def alias_variants(blocks: list[Block], known: KnownEntities) -> list[Finding]:
    """Names in the text that nearly match an entity's name or alias: add them as aliases to link them."""
    matcher = known.matcher
    forms = [f for f in known.forms if len(f) >= 5]
    folded = {f.casefold(): f for f in forms}
    found, seen = [], set()
    for number, block in enumerate(blocks):
        taken = [(s, e) for s, e, _ in matcher.find(block.text)]
        for start, end, name in name_candidates(block.text, taken):
            words = name.split()
            tails = {" ".join(words[-n:]) for n in range(2, min(len(words), 4) + 1)} or {name}
            best, score = "", 0.0
            for tail in tails:
                for close in difflib.get_close_matches(tail.casefold(), folded, n=1, cutoff=0.82):
                    ratio = difflib.SequenceMatcher(None, tail.casefold(), close).ratio()
                    if ratio > score:
                        best, score = folded[close], ratio
            if not best or name in seen:
                continue
            seen.add(name)
            key = known.forms[best]
            found.append(Finding(
                "alias-candidate", number, start, end,
                f"“{name}” looks like “{best}” ({key[0]}/{key[1]}) but is not one of its names",
                f"add it to 'aliases' in content/{key[0]}/{key[1]}.md so that it links"))
    return found


def _speaker_near(text: str, known: KnownEntities, after: bool) -> tuple[Key, str] | None:
    """A person or organisation named in a speech clause next to a quotation.

    The speaker is the name closest to a speech verb ("Netanyahu said", "said Lavrov"), the
    one before the verb winning a tie (the subject of "Putin told Netanyahu").
    """
    clause = re.split(r"[“”\"]", text)[0 if after else -1]
    verbs = [(v.start(), v.end()) for v in re.finditer(rf"\b{_SPEECH}\b", clause)]
    hits = [(s, e, key) for s, e, key in known.matcher.find(clause)
            if key[0] in ("people", "organisations")]
    if not verbs or not hits:
        return None

    def distance(hit: tuple[int, int, Key]) -> tuple[int, int]:
        gaps = [(vs - hit[1], 0) if vs >= hit[1] else (hit[0] - ve, 1) for vs, ve in verbs]
        return min(gaps)

    start, end, key = min(hits, key=distance)
    return key, clause[start:end]


def _selector(blocks: list[Block], number: int, start: int, end: int) -> tuple[str, str]:
    """The shortest prefix (then suffix) that makes the quoted words match exactly once."""
    text, exact = blocks[number].text, blocks[number].text[start:end]
    for width in range(0, start + 1):
        prefix = text[start - width:start]
        if width and prefix[:1].isalnum() and start - width > 0 and text[start - width - 1].isalnum():
            continue  # widen to a whole word
        if len(_occurrences(blocks, prefix + exact)) == 1:
            return prefix, ""
    return text[:start], text[end:end + 1]


def unannotated_quotes(article: m.Article, blocks: list[Block], known: KnownEntities) -> list[Finding]:
    spans = anchored_spans(blocks, [q.selector for q in article.quotes])
    used_ids = {q.id for q in article.quotes} | {n.id for n in article.notes}
    found = []
    for number, block in enumerate(blocks):
        for match in _QUOTED.finditer(block.text):
            group = 1 if match.group(1) is not None else 2
            raw_start, raw_end = match.start(group), match.end(group)
            inner = block.text[raw_start:raw_end]
            start = raw_start + (len(inner) - len(inner.lstrip()))
            end = raw_end - (len(inner) - len(inner.rstrip()))
            if start >= end or _covered(spans, number, start, end):
                continue
            speaker = (_speaker_near(block.text[match.end():match.end() + 120], known, True)
                       or _speaker_near(block.text[max(0, match.start() - 160):match.start()], known, False))
            if speaker is None:
                continue
            key, words = speaker
            exact = block.text[start:end]
            prefix, suffix = _selector(blocks, number, start, end)
            ident = slugify(f"{key[1].split('-')[-1]} {exact}", 5) or "quote"
            while ident in used_ids:
                ident += "-2"
            used_ids.add(ident)
            quote = {"id": ident, "speaker": key[1], "exact": exact}
            quote |= {"prefix": prefix} if prefix else {}
            quote |= {"suffix": suffix} if suffix else {}
            shown = exact if len(exact) <= 60 else exact[:57] + "…"
            found.append(Finding("quote-unannotated", number, start, end,
                                 f"quotation “{shown}” by {words} ({key[0]}/{key[1]}) has no 'quotes' entry",
                                 "sitegen suggest --apply adds it", key, quote))
    return found


def undated_relatives(article: m.Article, blocks: list[Block]) -> list[Finding]:
    spans = anchored_spans(blocks, [n.selector for n in article.notes])
    found = []
    for number, block in enumerate(blocks):
        for match in RELATIVE_DATE.finditer(block.text):
            if _covered(spans, number, match.start(), match.end()):
                continue
            found.append(Finding("date-relative", number, match.start(), match.end(),
                                 f"relative date “{match.group()}” has no note saying when that was",
                                 f"add a note: {{kind: date, exact: \"{match.group()}\", text: \"…\"}}"))
    return found
