"""Turn a saved HTML page into text lines, one per block (paragraph, heading, list item, caption)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "figure",
           "header", "footer", "section", "article", "aside", "nav", "main", "tr", "dt", "dd", "pre",
           "address", "time", "button", "label", "form", "table", "ul", "ol", "title", "caption"}
_SKIPPED = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "select"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
_SPACES = re.compile(r"[ \t\r\n\f]+")


class _TextBlocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.stack: list[str] = []

    def flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self.current)).strip()
        if text:
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag in ("br", "hr"):
                self.flush()
            return
        self.stack.append(tag)
        if tag in _SKIPPED:
            self.skip_depth += 1
        elif tag in _BLOCKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.stack:
            return  # a stray end tag closes nothing
        while self.stack:
            open_tag = self.stack.pop()
            if open_tag in _SKIPPED:
                self.skip_depth -= 1
            if open_tag == tag:
                break
        if tag in _BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.current.append(data)


def looks_like_html(text: str, name: str = "") -> bool:
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(re.match(r"<(head|body|article|p|div)[\s>]", head))


def html_to_lines(html: str) -> list[str]:
    """The page's visible text, one block per line; scripts, styles and the <head> are left out."""
    parser = _TextBlocks()
    parser.feed(html)
    parser.close()
    parser.flush()
    return parser.lines
