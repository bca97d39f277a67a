"""Pagefind's bundle in a canonical form: the same pages give the same bytes, in whatever order Pagefind found them.

Pagefind numbers the pages in the order it finds their files, which is the order the file
system lists a folder in: creation order on tmpfs, a hash with a per-file-system random
seed on ext4. Page numbers are in the metadata file (the page list and the sort orders),
in the word index (each word's pages, as gaps from the previous page, and again for each
accented variant of the word) and in the filter files; and Pagefind writes filters, their
values, sort keys and languages in hash-map order. So the pages are renumbered by URL, every
file that holds page numbers is decoded, renumbered and re-encoded, and the files named by
a hash of their content are renamed by a hash of the new content. A sort order keeps
Pagefind's order of values; pages with the same value, which Pagefind leaves in page-number
order, are put in the new page-number order, which needs the values, read from the pages.
A bundle of an unexpected shape (another Pagefind version), or one whose sort values cannot
all be read, is returned untouched.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
from itertools import accumulate
from typing import Any

import cbor2

SIGNATURE = b"pagefind_dcd"
# Level 9 makes the word index 1.4% smaller than level 6 and takes 3.5 times as long to compress.
COMPRESSION = 6
_SORT_ATTRIBUTE = re.compile(rb"""data-pagefind-sort\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_SORT_NAME = re.compile(rb"data-pagefind-sort", re.IGNORECASE)

SortValues = dict[str, dict[str, str | None]]
"""For each page's URL, its sort keys and values; None for a value that is not written inline."""


class Unexpected(ValueError):
    """The bundle is not in the shape this module knows."""


def _decode(data: bytes) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise Unexpected("not a Pagefind data file")
    return cbor2.loads(raw[len(SIGNATURE):])


def _fragment(data: bytes) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise Unexpected("not a Pagefind fragment")
    return json.loads(raw[len(SIGNATURE):])


def _encode(value: Any) -> bytes:
    return gzip.compress(SIGNATURE + cbor2.dumps(value), compresslevel=COMPRESSION, mtime=0)


def _url(path: str) -> str:
    """The URL Pagefind gives the page at this output path."""
    url = "/" + path
    return url[:-len("index.html")] if url.endswith("/index.html") else url


def sort_values(pages: dict[str, bytes]) -> SortValues:
    """The sort values each page declares inline (data-pagefind-sort="key:value"), by URL."""
    values: SortValues = {}
    for path, data in pages.items():
        found: dict[str, str | None] = {}
        names = len(_SORT_NAME.findall(data))
        attributes = _SORT_ATTRIBUTE.findall(data) if names else []
        for double, single in attributes:
            head, colon, value = html.unescape((double or single).decode("utf-8", "replace")).partition(":")
            key = head.split("[", 1)[0].strip()
            if not colon or "[" in head:
                found[key] = None  # the value is an element's text or another attribute's
            else:
                found[key] = value if found.get(key, value) == value else None
        values[_url(path)] = found if len(attributes) == names else {}  # {}: one the pattern cannot read
    return values


class _Namer:
    """Names files by a hash of their contents, longer where two short names would collide."""

    def __init__(self, taken: dict[str, bytes]) -> None:
        self.taken = taken

    def name(self, folder: str, language: str, data: bytes, suffix: str, length: int = 7) -> str:
        digest = hashlib.sha256(data).hexdigest()
        while True:
            name = f"{language}_{digest[:length]}"
            path = f"{folder}{name}{suffix}"
            if self.taken.get(path, data) == data:
                self.taken[path] = data
                return name
            length += 1


def _renumber(postings: list, new: list[int]) -> list:
    """A word's pages (gaps from the previous page number, then what Pagefind keeps per page), renumbered."""
    if not postings:
        return postings
    gaps = [posting[0] for posting in postings]
    if min(gaps) < 0:
        raise Unexpected("a negative gap between page numbers")
    numbers = [new[number] for number in accumulate(gaps)]
    previous = 0
    renumbered = []
    for index in sorted(range(len(numbers)), key=numbers.__getitem__):
        posting = postings[index]
        posting[0] = numbers[index] - previous
        previous = numbers[index]
        renumbered.append(posting)
    return renumbered


def _word_index(chunk: Any, new: list[int]) -> list:
    words = []
    for word in chunk[0]:
        if not 2 <= len(word) <= 3 or not isinstance(word[0], str):
            raise Unexpected("a word entry of another shape")
        entry = [word[0], _renumber(word[1], new)]
        if len(word) == 3:
            entry.append([[variant, _renumber(postings, new)] for variant, postings in word[2]])
        words.append(entry)
    if len(chunk) != 1:
        raise Unexpected("a word index of another shape")
    return [words]


def _sorted_pages(key: str, pages: list[int], urls: list[str], new: list[int], values: SortValues) -> list[int]:
    """A sort order renumbered: Pagefind's order of values, and pages of equal value by number."""
    result: list[int] = []
    run: list[int] = []
    current: str | None = None
    for old in pages:
        value = values.get(urls[old], {}).get(key)
        if value is None:
            raise Unexpected(f"no sort value {key!r} for {urls[old]}")
        if run and value != current:
            result.extend(sorted(run))
            run = []
        run.append(new[old])
        current = value
    result.extend(sorted(run))
    return result


def _language(files: dict[str, bytes], namer: _Namer, language: str, meta: list, values: SortValues) -> list:
    """The language's metadata with its pages renumbered, writing its renamed index and filter files."""
    version, pages, chunks, filters, sorts, *rest = meta
    if not isinstance(version, str) or len(rest) > 1:
        raise Unexpected("a metadata file of another shape")
    urls = [_fragment(files[f"fragment/{page[0]}.pf_fragment"])["url"] for page in pages]
    order = sorted(range(len(pages)), key=lambda old: (urls[old], pages[old][0]))
    new = [0] * len(pages)
    for number, old in enumerate(order):
        new[old] = number
    for chunk in chunks:
        data = _encode(_word_index(_decode(files[f"index/{chunk[2]}.pf_index"]), new))
        chunk[2] = namer.name("index/", language, data, ".pf_index")
    renamed = []
    for name, old_hash in sorted(filters):
        filter_name, filter_values = _decode(files[f"filter/{old_hash}.pf_filter"])
        data = _encode([filter_name, sorted([value, sorted(new[p] for p in numbers)]
                                            for value, numbers in filter_values)])
        renamed.append([name, namer.name("filter/", language, data, ".pf_filter")])
    return [version, [pages[old] for old in order], chunks, renamed,
            sorted([key, _sorted_pages(key, numbers, urls, new, values)] for key, numbers in sorts), *rest]


def canonical_bundle(files: dict[str, bytes], values: SortValues | None = None) -> dict[str, bytes]:
    """The bundle renumbered by URL, with its hash-map orders sorted, so the same pages give the same bytes.

    `values` are the pages' sort values (see sort_values); without them a bundle with a sort order is untouched.
    """
    try:
        entry = json.loads(files["pagefind-entry.json"])
        result = {path: data for path, data in files.items()
                  if not path.startswith(("index/", "filter/")) and not path.endswith(".pf_meta")}
        namer = _Namer(result)
        for language, info in entry["languages"].items():
            meta = _language(files, namer, language, _decode(files[f"pagefind.{info['hash']}.pf_meta"]),
                             values or {})
            info["hash"] = namer.name("pagefind.", language, _encode(meta), ".pf_meta", 10)
        if len(result) != len(files):
            raise Unexpected("index or filter files that no metadata names")
        entry["languages"] = dict(sorted(entry["languages"].items()))
        result["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False,
                                                   separators=(",", ":")).encode("utf-8")
        return result
    except (KeyError, ValueError, TypeError, IndexError, AttributeError, OSError, EOFError,
            cbor2.CBORDecodeError):
        return files
