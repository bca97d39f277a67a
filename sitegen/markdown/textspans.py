"""A paragraph's visible text, and wrapping character ranges of it in new tokens.

Annotations address what a reader sees (W3C TextQuoteSelector), not Markdown source,
so every inline block is flattened to its text with the position of each child
token; a span of that text is then wrapped by splitting text tokens at its edges and
widening it, where needed, until it encloses whole elements (so the HTML nests).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from markdown_it.token import Token

_TEXT_TYPES = {"text", "code_inline", "mention"}
"""Children whose content is visible text ("mention": a text child wrapped by the annotation plugin)."""
_BREAKS = {"softbreak", "hardbreak"}
_TOKEN_FIELDS = ("type", "tag", "nesting", "attrs", "map", "level", "children", "content", "markup", "info",
                 "meta", "block", "hidden")
_SET_SLOTS = tuple(f.name for f in fields(Token)) == _TOKEN_FIELDS
"""Token's fields are the ones new_token sets (else it falls back to the dataclass constructor)."""


def new_token(kind: str, tag: str, nesting: Literal[-1, 0, 1], content: str = "",
              meta: dict[Any, Any] | None = None) -> Token:
    """`Token(kind, tag, nesting, content=content, meta=meta or {})` for a third of the cost.

    The annotation plugin makes ~100 of these per article (text pieces and mention links);
    the dataclass constructor calls default factories and a __post_init__ for each.
    """
    if not _SET_SLOTS:
        return Token(kind, tag, nesting, content=content, meta={} if meta is None else meta)
    token = Token.__new__(Token)
    token.type, token.tag, token.nesting, token.attrs, token.map, token.level = kind, tag, nesting, {}, None, 0
    token.children, token.content, token.markup, token.info = None, content, "", ""
    token.meta, token.block, token.hidden = {} if meta is None else meta, False, False
    return token


@dataclass(slots=True)
class Span:
    start: int
    end: int
    open: Token
    close: Token | None
    """None: `open` takes the place of the one text token the span covers, and its content."""
    single_text: bool = False
    """The span must cover exactly one text token (mentions); otherwise it is dropped."""
    rank: int = 0
    """Among spans with the same extent, the lower rank is the outer one."""
    dropped: bool = field(default=False)


def child_text(token: Token) -> str:
    if token.type in _TEXT_TYPES:
        return token.content
    if token.type in _BREAKS:
        return " "
    return ""


def block_text(children: list[Token]) -> str:
    return "".join(child_text(t) for t in children)


def _split_at(children: list[Token], cuts: list[int]) -> tuple[list[Token], list[int], list[int], list[int], list[int]]:
    """Split text tokens so that every cut position (sorted) falls on a token boundary.

    Returns the new children with, for each, its start and end offset, the link depth
    before it, and the nesting depths (one more entry: the depth after the last child).
    """
    result: list[Token] = []
    starts: list[int] = []
    ends: list[int] = []
    link_depth: list[int] = []
    depths = [0]
    pos = depth = links = 0
    for token in children:
        kind = token.type
        if kind == "text":
            content = token.content
            end = pos + len(content)
            low = bisect.bisect_right(cuts, pos)
            if low < len(cuts) and cuts[low] < end:
                left = pos
                for right in [*cuts[low:bisect.bisect_left(cuts, end, low)], end]:
                    result.append(new_token("text", "", 0, content[left - pos:right - pos]))
                    starts.append(left)
                    ends.append(right)
                    link_depth.append(links)
                    depths.append(depth)
                    left = right
                pos = end
                continue
        elif kind == "code_inline" or kind == "mention":
            end = pos + len(token.content)
        elif kind in _BREAKS:
            end = pos + 1
        else:
            end = pos
        link_depth.append(links)
        if kind == "link_open":
            links += 1
        elif kind == "link_close":
            links -= 1
        result.append(token)
        starts.append(pos)
        ends.append(end)
        depth += token.nesting
        depths.append(depth)
        pos = end
    return result, starts, ends, link_depth, depths


def _child_range(children: list[Token], starts: list[int], ends: list[int], start: int,
                 end: int) -> tuple[int, int]:
    """First and last child inside [start, end]: an empty closing token at the start and an
    empty opening token at the end stay outside, and a child that cannot be split (inline
    code) with an edge inside it is taken whole. Offsets never decrease, so this bisects
    (a paragraph with thousands of mentions stays fast)."""
    lowest = bisect.bisect_left(starts, start)
    if lowest > 0 and starts[lowest - 1] < start < ends[lowest - 1]:
        lowest -= 1  # start falls inside an unsplittable child
    first = lowest
    while first < len(children) and starts[first] == start == ends[first] and children[first].nesting == -1:
        first += 1
    last = bisect.bisect_right(ends, end) - 1
    if last + 1 < len(ends) and starts[last + 1] < end < ends[last + 1]:
        last += 1  # end falls inside an unsplittable child
    while last >= lowest and starts[last] == end == ends[last] and children[last].nesting == 1:
        last -= 1
    return first, (last if last >= lowest else -1)


def _balance(depths: list[int], first: int, last: int, count: int) -> tuple[int, int]:
    """Widen [first, last] until it holds whole elements."""
    def valid(a: int, b: int) -> bool:
        return depths[a] == depths[b + 1] and min(depths[a:b + 2]) >= depths[a]

    while not valid(first, last):
        if depths[last + 1] > depths[first] and last < count - 1:
            last += 1
        elif first > 0:
            first -= 1
        else:
            last = min(last + 1, count - 1)
    return first, last


def _in_one_text(text: Token, spans: list[Span]) -> list[Token] | None:
    """wrap_spans for the commonest paragraph: one text child, and only non-empty spans that
    take the place of the text they cover (mentions), in order and apart; None for any other
    case. Each such span is exactly one piece of the text, so each is placed."""
    pos = 0
    for span in spans:
        if span.close is not None or span.start < pos or span.end <= span.start:
            return None
        pos = span.end
    content, result, pos = text.content, [], 0
    for span in spans:
        if span.start > pos:
            result.append(new_token("text", "", 0, content[pos:span.start]))
        span.open.content = content[span.start:span.end]
        result.append(span.open)
        pos = span.end
    if pos < len(content):
        result.append(new_token("text", "", 0, content[pos:]))
    return result


def wrap_spans(children: list[Token], spans: list[Span]) -> list[Token]:
    """Insert each span's open/close tokens around the text it covers; returns new children."""
    if spans and len(children) == 1 and children[0].type == "text":
        wrapped = _in_one_text(children[0], spans)
        if wrapped is not None:
            return wrapped
    return _wrap_any(children, spans)


def _wrap_any(children: list[Token], spans: list[Span]) -> list[Token]:
    cuts = sorted({p for s in spans for p in (s.start, s.end)})
    children, starts, ends, link_depth, depths = _split_at(children, cuts)

    placed: list[tuple[int, int, Span]] = []
    wide: list[tuple[int, int, Span]] = []
    for span in spans:
        first, last = _child_range(children, starts, ends, span.start, span.end)
        if first > last:
            span.dropped = True
            continue
        if span.single_text:
            if first != last or children[first].type != "text" or link_depth[first] > 0:
                span.dropped = True
                continue
        else:
            first, last = _balance(depths, first, last, len(children))
            # Annotations add links of their own, and links may not nest: widen to the whole link.
            while first > 0 and link_depth[first] > 0:
                first, last = _balance(depths, first - 1, last, len(children))
        # A span over one child cannot cross another, so only wider ones are compared.
        crossing = first < last and any(a < first <= b < last or first < a <= last < b for a, b, _ in wide)
        if crossing:
            span.dropped = True
            continue
        placed.append((first, last, span))
        if first < last:
            wide.append((first, last, span))

    opens: dict[int, list[tuple[int, int, Span]]] = {}
    closes: dict[int, list[tuple[int, int, Span]]] = {}
    for item in placed:
        first, last, span = item
        if span.close is None:
            # Always innermost: its text is the only child it covers, and it ranks last.
            span.open.content = children[first].content
            children[first] = span.open
            continue
        opens.setdefault(first, []).append(item)
        closes.setdefault(last, []).append(item)
    if not opens:
        return children
    result: list[Token] = []
    for i, token in enumerate(children):
        if i in opens:
            for _, _, span in sorted(opens[i], key=lambda p: (-p[1], p[2].rank)):
                result.append(span.open)
        result.append(token)
        if i in closes:
            # Inner spans close first: the later-opened (later start, then higher rank) goes first.
            for _, _, span in sorted(closes[i], key=lambda p: (p[0], p[2].rank), reverse=True):
                result.append(span.close)  # type: ignore[arg-type]
    return result
