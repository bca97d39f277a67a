"""Where every page lives, and links between pages that stay relative (sub-path safe)."""

from __future__ import annotations

import posixpath


def page_path(collection: str, slug: str) -> str:
    """Site path of a record's page, e.g. 'people/vladimir-putin/'."""
    return f"{collection}/{slug}/"


def relative(from_page: str, to: str) -> str:
    """A link from the page at from_page (a folder path like 'articles/x/') to site path `to`.

    Relative links make the same output work at a domain root, under a sub-path and
    from the file system, which root-relative links cannot.
    """
    target, hash_, fragment = to.partition("#")
    start = from_page.rstrip("/") or "."
    dest = target.rstrip("/") or "."
    link = posixpath.relpath(dest, start)
    if target.endswith("/") or target == "":
        link = "./" if link == "." else link + "/"
    return link + hash_ + fragment
