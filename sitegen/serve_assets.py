"""Served pages' stylesheets, icons and scripts named by content, so a reloading tab keeps them until they change."""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, unquote

VERSION_PARAM = "v"
KEPT = "max-age=31536000, immutable"
"""Cache-Control for a file asked for by its current version: the URL changes with the bytes."""

_TAG = re.compile(rb"<(link|script)\b([^<>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_LOADED_RELS = frozenset({"stylesheet", "icon", "preload", "modulepreload"})


def version_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def asset_path(url: str, page: str, base_path: str) -> str | None:
    """The site file (relative to the site root) that a same-site URL without query names, if any.

    `page`: the page's own file, like 'articles/x/index.html'. Absolute URLs, other hosts,
    URLs with a query or fragment and paths leaving the site name none.
    """
    if not url or any(mark in url for mark in "?#:\\") or url.startswith("//"):
        return None
    if url.startswith("/"):
        if not url.startswith(base_path):
            return None
        joined = url[len(base_path):]
    else:
        joined = posixpath.join(posixpath.dirname(page), url)
    path = posixpath.normpath(unquote(joined))
    if path in (".", "") or path.startswith("../") or path == ".." or path.startswith("/"):
        return None
    return path


def versioned_assets(page_html: bytes, page: str, files: Mapping[str, bytes], base_path: str) -> bytes:
    """The page with `?v=<content hash>` added to the URLs its <link> and <script> tags load.

    Only files of the served site are versioned, and only URLs without a query; a file asked
    for by its current version may be kept by the browser (see KEPT), so a reload asks again
    only for the page. Links that do not load anything (alternate, canonical) stay as they are.
    """
    def value(attribute: re.Match[bytes] | None) -> str:
        if attribute is None:
            return ""
        quoted = attribute.group(2) if attribute.group(2) is not None else attribute.group(3)
        return quoted.decode("utf-8", "replace")

    def tag(match: re.Match[bytes]) -> bytes:
        name, attributes = match.group(1).lower(), match.group(2)
        found = {m.group(1).lower(): m for m in _ATTRIBUTE.finditer(attributes)}
        if name == b"link":
            loads = set(value(found.get(b"rel")).lower().split()) & _LOADED_RELS
            url = found.get(b"href") if loads else None
        else:
            url = found.get(b"src")
        if url is None:
            return match.group(0)
        file = asset_path(value(url), page, base_path)
        data = files.get(file) if file is not None else None
        if data is None:
            return match.group(0)
        at = match.start(2) + url.end(2 if url.group(2) is not None else 3) - match.start(0)
        whole = match.group(0)
        return whole[:at] + f"?{VERSION_PARAM}={version_of(data)}".encode() + whole[at:]

    return _TAG.sub(tag, page_html)


def cache_control(query: str, data: bytes) -> str:
    """KEPT when the request names the file's current version, else no-store: a preview never shows a stale copy."""
    wanted = [value for key, value in parse_qsl(query, keep_blank_values=True) if key == VERSION_PARAM]
    return KEPT if wanted == [version_of(data)] else "no-store"
