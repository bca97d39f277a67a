"""The copy of a page that Pagefind reads: the page less what cannot change its search record.

Pagefind's time grows with the bytes it parses, and most of an entity page is sections
marked `data-pagefind-ignore`. Pagefind drops the text of an ignored element (and of
<nav>, <footer>, <form>, <script>, <style>), but not all that is inside it: filters, meta,
sort keys and index-attrs there still count, and so do the first <h1> (the title), the
first <img> after it, <title> and <html lang>. Element ids inside do not: anchors are
made only from text that is indexed. So the copy keeps every tag of the page and empties
only such an element whose contents hold none of those, found without parsing the page:
a search for the few start tags that qualify, and for each the matching end tag by counting
same-name tags. Wherever that count could be misled (a `<` inside an attribute value, a
comment, raw text, SVG or MathML, an end tag that may be left out), nothing is cut.
"""

from __future__ import annotations

import re
from functools import cache

IGNORE = b"data-pagefind-ignore"
# Elements Pagefind leaves out wherever they are; a <script> or <style> holds only text.
IGNORED_ELEMENTS = frozenset({b"nav", b"footer", b"form"})
TEXT_ELEMENTS = frozenset({b"script", b"style"})
# Raw-text elements: their contents look like markup but are not, so the scan steps over them.
RAW_TEXT = frozenset({b"textarea", b"title", b"xmp", b"iframe", b"noembed", b"noframes", b"noscript"})
# Tags whose contents may change a record or the tag count: title, image, language and
# everything that is not plain markup. Pagefind's data-pagefind-* attributes are checked apart.
_SENSITIVE = re.compile(rb"<(?:[!?]|(?:h1|img|title|html|svg|math|script|style|textarea|xmp|iframe|noembed"
                        rb"|noframes|noscript|plaintext|template)[\s/>])")
# Start tags that may be emptied or must be stepped over (the page is searched in lower case).
_SPECIAL = re.compile(rb"<(?:!--|!\[cdata\[|[!?]|(nav|footer|form|script|style|textarea|title|xmp|iframe|noembed"
                      rb"|noframes|noscript|plaintext)[\s/>])")
_TAG = re.compile(rb"<([a-z][a-z0-9-]*)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(rb"([^\s\"'>/=]+)(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_QUOTED_LT = re.compile(rb"=\s*(?:\"[^\"]*<|'[^']*<)")
_DELIMITERS = b" \t\n\r\f/>"
# End tags that may be left out, and void elements: a tag count cannot find where they end.
_NOT_COUNTABLE = frozenset({b"p", b"li", b"dt", b"dd", b"option", b"optgroup", b"tr", b"td", b"th",
                            b"thead", b"tbody", b"tfoot", b"colgroup", b"caption", b"rb", b"rt", b"rtc",
                            b"rp", b"html", b"head", b"body", b"h1", b"area", b"base", b"br", b"col",
                            b"embed", b"hr", b"img", b"input", b"link", b"meta", b"source", b"track",
                            b"wbr", b"svg", b"math", b"template", b"plaintext", *RAW_TEXT})
_LEFT_OUT = IGNORED_ELEMENTS | TEXT_ELEMENTS
# Where a comment ends; "<![CDATA[" outside SVG ends at the first ">", so this may skip more.
_COMMENT_ENDS = {b"<!--": b"-->", b"<![cdata[": b"]]>"}


@cache
def _close_tag(name: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"</" + re.escape(name) + rb"[\s/>]")


def _close(low: bytes, name: bytes, start: int) -> int:
    match = _close_tag(name).search(low, start)
    return -1 if match is None else match.start()


def _end_of(low: bytes, name: bytes, start: int) -> int:
    """Where the end tag of the element whose start tag ends at `start` begins, or -1."""
    opening, closing = b"<" + name, b"</" + name
    depth = 0
    position = start
    while True:
        close = low.find(closing, position)
        if close < 0:
            return -1
        if low[close + len(closing):close + len(closing) + 1] not in _DELIMITERS:
            position = close + len(closing)
            continue
        open_ = low.find(opening, position, close)
        while open_ >= 0 and low[open_ + len(opening):open_ + len(opening) + 1] not in _DELIMITERS:
            open_ = low.find(opening, open_ + len(opening), close)
        if open_ >= 0:
            tag = _TAG.match(low, open_)
            if tag is None or tag.group(2).endswith(b"/"):
                return -1  # a same-name tag that may close itself, or is not a tag: unsure
            depth += 1
            position = tag.end()
        elif depth == 0:
            return close
        else:
            depth -= 1
            position = close + len(closing)


def _reaches_record(low: bytes, start: int, end: int) -> bool:
    """Whether anything between start and end could change the record or mislead the count."""
    if _SENSITIVE.search(low, start, end):
        return True
    at = low.find(b"data-pagefind-", start, end)
    while at >= 0:
        if not low.startswith(IGNORE, at) or low[at + len(IGNORE):at + len(IGNORE) + 1] not in b"=" + _DELIMITERS:
            return True
        at = low.find(b"data-pagefind-", at + len(IGNORE), end)
    return False


def _contents(low: bytes, tag: re.Match[bytes]) -> tuple[int, int] | None:
    """Where the contents of the element opened by `tag` are, if Pagefind reads nothing there."""
    name, attributes = tag.group(1), tag.group(2)
    if name in _NOT_COUNTABLE or attributes.endswith(b"/"):
        return None
    ignored = False
    if b"data-pagefind-" in attributes or b"id" in attributes:
        names = {m.group(1) for m in _ATTRIBUTE.finditer(attributes)}
        if any(n.startswith(b"data-pagefind-") and n != IGNORE for n in names):
            return None  # its own text may be a filter, meta or sort value
        ignored = IGNORE in names
        if not ignored and b"id" in names:
            return None  # left out by its name only, an element with an id is an anchor, with its text
    if not ignored and name not in _LEFT_OUT:
        return None
    if name in TEXT_ELEMENTS:
        end = _close(low, name, tag.end())
        if end < 0 or low.find(b"<!--", tag.end(), end) >= 0:
            return None  # "<!--<script>" hides a script's end tag
        return tag.end(), end
    end = _end_of(low, name, tag.end())
    if end < 0 or _reaches_record(low, tag.end(), end):
        return None
    return tag.end(), end


def _next_ignore(low: bytes, position: int) -> int:
    at = low.find(IGNORE, position)
    while at >= 0 and (low[at - 1:at] not in b" \t\n\r\f" or
                       low[at + len(IGNORE):at + len(IGNORE) + 1] not in b"=" + _DELIMITERS):
        at = low.find(IGNORE, at + len(IGNORE))
    return at


def reduced(page: bytes) -> bytes:
    """The page with the contents of elements that cannot change its search record left out."""
    low = page.lower()
    if _QUOTED_LT.search(low):
        return page  # a `<` in an attribute value would mislead the scan
    pieces = []
    kept = position = 0
    ignore = _next_ignore(low, 0)
    special = _SPECIAL.search(low)
    while special is not None or ignore >= 0:
        if special is not None and (ignore < 0 or special.start() < ignore):
            at, name = special.start(), special.group(1)
            if name is None:  # a comment, a CDATA section, a doctype or a bogus comment ("<?")
                close = _COMMENT_ENDS.get(special.group(), b">")
                end = low.find(close, special.end())
                position = len(low) if end < 0 else end + len(close)
            elif name == b"plaintext":
                break
            else:
                tag = _TAG.match(low, at)
                contents = None if tag is None else _contents(low, tag)
                if contents is not None:
                    pieces.append(page[kept:contents[0]])
                    kept = position = contents[1]
                elif tag is not None and (name in RAW_TEXT or name in TEXT_ELEMENTS):
                    end = _close(low, name, tag.end())
                    position = len(low) if end < 0 else end
                else:
                    position = special.end()
        else:
            start = low.rfind(b"<", 0, ignore)
            tag = _TAG.match(low, start) if start >= 0 else None
            contents = None if tag is None or tag.end() <= ignore else _contents(low, tag)
            if contents is not None:
                pieces.append(page[kept:contents[0]])
                kept = position = contents[1]
            else:
                position = ignore + len(IGNORE)
        if ignore >= 0 and ignore < position:
            ignore = _next_ignore(low, position)
        if special is not None and special.start() < position:
            special = _SPECIAL.search(low, position)
    if not pieces:
        return page
    pieces.append(page[kept:])
    return b"".join(pieces)
