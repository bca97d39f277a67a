"""A hinted load as a patch of the last one: only the files to look at again are visited."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen import model as m
from sitegen.diagnostics import Diagnostic
from sitegen.frontmatter import FrontMatter

if TYPE_CHECKING:
    from sitegen.load import LoadedProject

DOCUMENT, CAPTURE, UNREAD, NOTHING = "document", "capture", "unread", "nothing"
"""What a file gives a load: a document, a capture, a "cannot be read", or at most problems."""

Visited = tuple[str, list[Diagnostic], m.Document | None, FrontMatter | None, bytes]
"""One file's kind, problems, document and front matter (DOCUMENT) or bytes (CAPTURE)."""

Entry = tuple[str, list[Diagnostic], int]
"""What one file gave the last load: its kind, its problems and its place in `documents`."""

Listing = tuple[str, tuple[str, ...], tuple[Diagnostic, ...]]
"""A collection, the names of its files and the problems met listing them."""

LAST_LOAD = "load:last"
"""The key of the LastLoad in load's `reads` (the files' paths there all start with "content/")."""


@dataclass(frozen=True, slots=True)
class LastLoad:
    """A load's result and what each file gave it, kept in `reads` so that the next load can patch it."""

    inputs: tuple[Path, bool, tuple[Diagnostic, ...], tuple[Listing, ...]]
    """The content folder, drafts, the problems of content/ itself and each folder's listing."""
    entries: dict[str, Entry]
    """Each listed file's Entry, by path relative to the project."""
    again: tuple[str, ...]
    """Files looked at on every load: the editor temporaries the watcher never reports (a full
    build reads them as captures) and the files that could not be read."""
    loaded: LoadedProject


def patched(last: LastLoad, changed: AbstractSet[str], visit: Callable[..., Visited]) -> LoadedProject | None:
    """The last load with only the `changed` files and those to look at `again` visited, if each gives
    what it gave then (a document or none, a capture or none, the same problems): then every other
    document, capture and problem stays where it was. None if one does not.

    The caller has checked that every folder lists the very names of the last load.
    """
    before = last.loaded
    documents: list[m.Document] | None = None
    captures, front_matter = before.captures, before.front_matter
    for rel in dict.fromkeys([*(rel for rel in changed if rel in last.entries), *last.again]):
        kind, found, position = last.entries[rel]
        _, collection, name = rel.split("/", 2)
        now_kind, now_found, document, front, raw = visit(collection, name, None)
        if now_kind != kind or now_found != found:
            return None
        if kind == DOCUMENT and document is not before.documents[position]:
            assert document is not None
            documents = list(before.documents) if documents is None else documents
            documents[position] = document
        if kind == DOCUMENT and front is not front_matter[rel]:
            assert front is not None
            front_matter = dict(front_matter) if front_matter is before.front_matter else front_matter
            front_matter[rel] = front
        if kind == CAPTURE and raw != captures[f"{collection}/{name}"]:
            captures = dict(captures) if captures is before.captures else captures
            captures[f"{collection}/{name}"] = raw
    if documents is None and captures is before.captures and front_matter is before.front_matter:
        return before
    return dataclasses.replace(before, documents=before.documents if documents is None else tuple(documents),
                               captures=captures, front_matter=front_matter)
