"""Links written in Markdown bodies and notes: internal targets and #fragments must exist.

Links are read from markdown-it's token stream (so link syntax is exactly what the
renderer sees, including reference definitions) and resolved the way a browser would,
from the page the text is published on; fragments are looked up among the ids of the
rendered target page, so heading, quote and note anchors all count.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.html_re import HTML_TAG_RE
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from sitegen.diagnostics import Diagnostic, did_you_mean, error, warning

_STRIPPED = re.compile(r"[\t\n\r]")
_LEADING = re.compile(r"^[\x00-\x20]+")
_SAFE_DATA = re.compile(r"data:image/(?:gif|png|jpeg|webp);", re.IGNORECASE)


def unsafe_url(url: str) -> bool:
    """True for javascript:, vbscript:, file: and non-image data: URLs, read as a browser reads them."""
    canonical = _LEADING.sub("", _STRIPPED.sub("", url)).lower()
    scheme = canonical.split(":", 1)[0] if ":" in canonical else ""
    if scheme == "data":
        return not _SAFE_DATA.match(canonical)
    return scheme in ("javascript", "vbscript", "file")


@dataclass(frozen=True, slots=True)
class WrittenLink:
    href: str
    line: int
    """1-based line within the text."""
    column: int
    image: bool = False


@dataclass(frozen=True, slots=True)
class WrittenText:
    links: tuple[WrittenLink, ...]
    raw_html: tuple[tuple[int, int, str], ...]
    """(line, column, tag) of each HTML tag written in the text: shown as text, never as markup."""


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """The body dialect's link syntax, but keeping every link, so unsafe ones can be reported."""
    md = MarkdownIt("commonmark", {"html": False})
    md.enable("table")
    md.enable("strikethrough")
    md.use(footnote_plugin)
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


class _Cursor:
    """Finds what a token was written as, searching forward from the previous find."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.line, self.column, self.last = 0, 0, 0

    def block(self, first: int, last: int) -> None:
        self.line, self.column, self.last = first, 0, min(last, len(self.lines))

    def find(self, needles: tuple[str, ...]) -> tuple[int, int]:
        """1-based line and column of the first needle found after the cursor (within the block),
        else anywhere in the text (a reference definition), else the block's start."""
        for needle in filter(None, needles):
            for number in range(self.line, self.last):
                column = self.lines[number].find(needle, self.column if number == self.line else 0)
                if column >= 0:
                    self.line, self.column = number, column + len(needle)
                    return number + 1, column + 1
        for needle in filter(None, needles):
            for number, text in enumerate(self.lines):
                if needle in text:
                    return number + 1, text.index(needle) + 1
        return self.line + 1, 1


def _inline_children(tokens: list[Token]) -> Iterator[tuple[int, int, list[Token]]]:
    for token in tokens:
        if token.type == "inline" and token.children is not None:
            first, last = token.map if token.map else (0, 1)
            yield first, last, token.children


def read_text(text: str, *, inline: bool = False) -> WrittenText:
    """Every link and every raw HTML tag written in a Markdown text, with its position."""
    md = _parser()
    tokens = md.parseInline(text, {}) if inline else md.parse(text, {})
    cursor = _Cursor(text.split("\n"))
    links, raw_html = [], []
    for first, last, children in _inline_children(tokens):
        cursor.block(first, last)
        for child in children:
            if child.type == "text":
                for match in re.finditer("<", child.content):
                    tag = HTML_TAG_RE.match(child.content, match.start())
                    if tag:
                        raw_html.append((*cursor.find((tag.group(),)), tag.group()))
            elif child.type in ("link_open", "image"):
                href = str(child.attrGet("href" if child.type == "link_open" else "src") or "")
                # As written, the href may hold entities or escapes: its plain first characters still find it.
                plain = re.match(r"[^&%\\\s]{2,}", unquote(href))
                needles = (href, unquote(href), plain.group() if plain else "")
                links.append(WrittenLink(href, *cursor.find(needles), child.type == "image"))
    return WrittenText(tuple(links), tuple(raw_html))


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(value for name, value in attrs if name in ("id", "name") and value)


def page_ids(html: bytes) -> set[str]:
    parser = _Ids()
    parser.feed(html.decode("utf-8", "replace"))
    parser.close()
    return parser.ids


@dataclass(frozen=True, slots=True)
class Site:
    """What links are resolved against: the output paths, and a way to read a page's ids."""

    files: frozenset[str]
    ids_of: Callable[[str], set[str]]
    base_url: str
    base_path: str

    def target(self, path: str) -> str | None:
        """The output file a site path names, or None."""
        if path.startswith("../"):
            return None
        if path in ("", ".") or path.endswith("/"):
            candidate = (path if path not in ("", ".") else "") + "index.html"
            return candidate if candidate in self.files else None
        if path in self.files:
            return path
        return f"{path}/index.html" if f"{path}/index.html" in self.files else None


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a Markdown text comes from and where it is published."""

    source: str
    """content/… path of the file."""
    line: int
    """File line of the text's first line."""
    column: int
    """Column of the text's first character on that line (1 for bodies)."""
    page: str
    """Site path of the page showing the text, e.g. 'articles/x/'."""


OUTSIDE = "../"
"""The site path of a link that climbs above the site's root: never an output."""


def _site_path(href: str, page: str, site: Site) -> tuple[str | None, str]:
    """(site path, fragment) an internal href leads to; path None for another site's address."""
    if href.startswith(("https://", "http://")) and not href.startswith(site.base_url):
        return None, ""  # most links of an archive cite other sites: urlsplit would say as much, slower
    parts = urlsplit(href)
    path, fragment = unquote(parts.path), parts.fragment
    if parts.scheme or parts.netloc:
        if not href.startswith(site.base_url):
            return None, ""
        path = unquote(urlsplit(href[len(site.base_url.rstrip("/")):]).path)
    if path.startswith("/"):
        # Root-relative links work only when the site is served at a domain's root.
        return (path[len(site.base_path):] if path.startswith(site.base_path) else OUTSIDE), fragment
    if not path:
        return page, fragment
    joined = posixpath.normpath(posixpath.join(page.rstrip("/") or ".", path))
    if joined == ".." or joined.startswith("../"):
        return OUTSIDE, fragment
    if joined == ".":
        return "", fragment
    return joined + ("/" if path.endswith("/") else ""), fragment


def _source_hint(href: str, origin: Origin, site: Site) -> str:
    """A fix for a link written relative to the source file (as an editor resolves it)."""
    if href.startswith("/") and not href.startswith(site.base_path):
        return (f"the site is served under {site.base_path}: a link starting with '/' leaves it; "
                "write a relative link or [words](@collection/slug)")
    folder = posixpath.dirname(origin.source).removeprefix("content/")
    guess = posixpath.normpath(posixpath.join(folder, unquote(urlsplit(href).path))).removesuffix(".md")
    parts = guess.strip("/").split("/")
    if len(parts) == 2 and site.target(f"{parts[0]}/{parts[1]}/"):
        return (f"links are resolved from the published page {origin.page}, not from the source file: "
                f"write [words](@{parts[0]}/{parts[1]})")
    return "check the address; [words](@people/slug) links to an entity page from anywhere"


@dataclass(frozen=True, slots=True)
class FragmentCheck:
    """A link whose #fragment must name an id of its target page, which only the rendered page tells."""

    source: str
    line: int
    column: int
    href: str
    target: str
    fragment: str

    def problem(self, ids: set[str]) -> Diagnostic | None:
        if unquote(self.fragment) in ids:
            return None
        return error(self.source, self.line, self.column, "link-fragment",
                     f"'{self.href}': there is no '#{self.fragment}' on {self.target}",
                     did_you_mean(self.fragment, ids) or
                     "fragments name headings (#heading-text), quotes (#quote-id) and notes (#note-id)")


Checked = Diagnostic | FragmentCheck
"""A link's problem, or the check of its fragment still to be made against the target's ids."""


def link_problems(text: WrittenText, origin: Origin, site: Site) -> list[Diagnostic]:
    """Broken internal links, missing fragments, unsafe schemes and raw HTML in one text."""
    return finish_checks(resolve_links(text, origin, site), site.ids_of)


def finish_checks(checked: Iterable[Checked], ids_of: Callable[[str], set[str]]) -> list[Diagnostic]:
    """The problems, once each pending fragment is looked up among its target page's ids."""
    problems = []
    for item in checked:
        if isinstance(item, FragmentCheck):
            found = item.problem(ids_of(item.target))
            if found is not None:
                problems.append(found)
        else:
            problems.append(item)
    return problems


def resolve_links(text: WrittenText, origin: Origin, site: Site) -> list[Checked]:
    """link_problems up to the fragments: a pure function of the text, its origin and the site's paths."""
    problems: list[Checked] = []

    def at(line: int, column: int) -> tuple[int, int]:
        return origin.line + line - 1, (origin.column + column - 1) if line == 1 else column

    if text.raw_html:  # one report per text: a pasted HTML fragment has many tags
        line, col, tag = text.raw_html[0]
        more = len(text.raw_html) - 1
        problems.append(warning(origin.source, *at(line, col), "html-escaped",
                                f"raw HTML {tag[:40]!r}" + (f" (and {more} more tag{'s' * (more > 1)})" if more else "")
                                + " is shown as text, not interpreted",
                                "sitegen never publishes HTML from content; use Markdown, or "
                                "escape the '<' as '\\<' to silence this"))
    for link in text.links:
        where = at(link.line, link.column)
        if unsafe_url(link.href):
            problems.append(warning(origin.source, *where, "link-unsafe",
                                    f"the link to '{link.href[:60]}' is not published: only the words are",
                                    "javascript:, vbscript:, file: and data: addresses are never linked"))
            continue
        if link.href.startswith("@"):
            continue  # entity links: resolved, and reported if unknown, by the renderer
        path, fragment = _site_path(link.href, origin.page, site)
        if path is None:
            continue  # another site
        target = site.target(path)
        if target is None:
            problems.append(error(origin.source, *where, "link-broken",
                                  f"link target '{link.href}' does not exist in the built site",
                                  _source_hint(link.href, origin, site)))
            continue
        if fragment and target.endswith(".html"):
            problems.append(FragmentCheck(origin.source, *where, link.href, target, fragment))
    return problems
