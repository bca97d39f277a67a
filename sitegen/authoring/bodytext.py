"""Captured lines as Markdown paragraphs whose visible text is exactly the captured words."""

from __future__ import annotations

import re

from sitegen.markdown import make_markdown
from sitegen.markdown.textspans import block_text

_ASCII_PUNCT = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<&~|!])")
_BLOCK_START = re.compile(r"^(?:[#>+=-]|(\d{1,9})(?=[.)]))")


def _escape_markup(text: str) -> str:
    """Backslashes before the characters that start inline markup, and before a block marker."""
    escaped = _INLINE_MARKUP.sub(r"\\\1", text)
    match = _BLOCK_START.match(escaped)
    if match and match.group(1):
        return escaped[:match.end()] + "\\" + escaped[match.end():]
    return "\\" + escaped if match else escaped


def visible_blocks(markdown: str) -> list[tuple[str, str]]:
    """(block type, visible text) of each block the build would render, in order."""
    md = make_markdown()
    tokens = md.parse(markdown, {})
    blocks, opened = [], ""
    for token in tokens:
        if token.nesting == 1 and token.level == 0:
            opened = token.type
        elif token.type == "inline" and token.children is not None:
            blocks.append((opened, block_text(token.children)))
        elif token.nesting == 0 and token.level == 0:
            blocks.append((token.type, token.content))
    return blocks


def _renders_as(source: str, text: str) -> bool:
    return visible_blocks(source) == [("paragraph_open", text)]


def paragraph(line: str) -> str:
    """Markdown for one captured line: verbatim where that renders as the same words, else escaped.

    Plain captures rarely contain Markdown syntax, so most lines stay byte-identical; a
    line that would turn into a heading, list, link definition or emphasis gets
    backslashes before its ASCII punctuation, which CommonMark always shows literally.
    """
    text = line.strip()
    shown = visible_form(line)
    for source in (text, _escape_markup(text), _ASCII_PUNCT.sub(r"\\\1", text)):
        if _renders_as(source, shown):
            return source
    raise ValueError(f"line cannot be written as a Markdown paragraph: {line!r}")


def visible_form(line: str) -> str:
    """What a reader sees of a captured line: its words without surrounding whitespace.

    CommonMark shows NUL, which no web page can display, as U+FFFD; so do we.
    """
    return line.strip().replace("\x00", "\ufffd")


def body_from_lines(lines: list[str]) -> str:
    """One paragraph per captured line, separated by blank lines, ending with a newline."""
    return "".join(p + "\n\n" for p in (paragraph(line) for line in lines)).rstrip("\n") + "\n" \
        if lines else ""
