"""Where every page lives, and links between pages that stay relative (sub-path safe)."""

from __future__ import annotations

import posixpath
from functools import lru_cache


def page_path(collection: str, slug: str) -> str:
    """Site path of a record's page, e.g. 'people/vladimir-putin/'."""
    return f"{collection}/{slug}/"


@lru_cache(maxsize=1 << 16)  # pure; a page links the same few targets many times over
def relative(from_page: str, to: str) -> str:
    """A link from the page at from_page (a folder path like 'articles/x/') to site path `to`.

    Relative links make the same output work at a domain root, under a sub-path and
    from the file system, which root-relative links cannot.
    """
    target, hash_, fragment = to.partition("#")
    start = from_page.rstrip("/") or "."
    dest = target.rstrip("/") or "."
    link = _relpath(dest, start)
    if target.endswith("/") or target == "":
        link = "./" if link == "." else link + "/"
    return link + hash_ + fragment


def _relpath(path: str, start: str) -> str:
    """posixpath.relpath without its two getcwd() calls (a build makes ~15 links per page).

    For two relative (or two absolute) paths without '..' the working directory cancels
    out; anything else is left to posixpath.relpath.
    """
    start_list = [part for part in start.split("/") if part and part != "."]
    path_list = [part for part in path.split("/") if part and part != "."]
    if not path or ".." in start_list or ".." in path_list or start.startswith("/") != path.startswith("/"):
        return posixpath.relpath(path, start)
    common = 0
    for a, b in zip(start_list, path_list, strict=False):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(start_list) - common) + path_list[common:]
    return "/".join(parts) if parts else "."
