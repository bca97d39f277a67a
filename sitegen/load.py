"""Load: the only stage that reads the project's files; turns them into typed records."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Container, Iterator
from collections.abc import Set as AbstractSet
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from sitegen import model as m
from sitegen.checks_names import slug_problem
from sitegen.config import Config
from sitegen.diagnostics import Diagnostic, did_you_mean, error, warning
from sitegen.editor_files import is_editor_temp
from sitegen.frontmatter import FrontMatter, load_yaml, normalise_newlines, split_front_matter
from sitegen.load_patch import CAPTURE, DOCUMENT, LAST_LOAD, NOTHING, UNREAD, Entry, LastLoad, Listing, Visited, patched
from sitegen.records import build_document
from sitegen.schema import slugify

MAX_FILE_BYTES = 4 * 1024 * 1024
"""A content file larger than this is refused: no article is that long, a stray dump might be."""


@dataclass(frozen=True, slots=True)
class LoadedProject:
    documents: tuple[m.Document, ...]
    captures: dict[str, bytes] = field(default_factory=dict)
    """Files kept next to articles (original captures), by path relative to content/."""
    diagnostics: tuple[Diagnostic, ...] = ()
    front_matter: dict[str, FrontMatter] = field(default_factory=dict)
    """Each parsed file's front matter by path, so later checks can point at a value's line:column."""


Parsed = tuple[m.Document | None, list[Diagnostic], FrontMatter | None]


def parse_document(collection: str, relpath: str, raw: bytes) -> tuple[m.Document | None, list[Diagnostic]]:
    """Turn one content file's bytes into a record; pure, so its result can be memoised."""
    document, problems, _ = parse_file(collection, relpath, raw)
    return document, problems


def _decode_problem(relpath: str, raw: bytes, exc: UnicodeDecodeError) -> Diagnostic:
    line_start = raw.rfind(b"\n", 0, exc.start) + 1
    line = raw[:exc.start].count(b"\n") + 1
    col = len(raw[line_start:exc.start].decode("utf-8", "replace")) + 1
    hint = "save the file as UTF-8"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        hint = "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8"
    return error(relpath, line, col, "encoding",
                 f"not valid UTF-8 at byte offset {exc.start} (byte 0x{raw[exc.start]:02x})", hint)


def parse_file(collection: str, relpath: str, raw: bytes) -> Parsed:
    """parse_document, also returning the front matter with the position of every value."""
    slug = relpath.rsplit("/", 1)[-1].removesuffix(".md")
    code, why = slug_problem(slug)
    if code:
        better = slugify(slug, 20)
        hint = f"rename the file to {better}.md" if better and better != slug else \
            "rename the file: lower-case ASCII letters, digits and single hyphens"
        if code == "slug-reserved":
            hint = f"Windows cannot create a folder of this name: rename the file, e.g. to {slug}-1.md"
        return None, [error(relpath, 0, 0, code, f"the file name is not a usable slug: {why}", hint)], None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_decode_problem(relpath, raw, exc)], None
    split, problems = split_front_matter(normalise_newlines(text), relpath)
    if split is None:
        return None, problems, None
    front, problems = load_yaml(split.yaml_text, relpath, split.yaml_line)
    if front is None:
        return None, problems, None
    document, more = build_document(collection, slug, relpath, front, split.body, split.body_line)
    return document, problems + more, front


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _listing(folder: Path, fd: int, collection: str, content: Path, problems: list[Diagnostic],
             reads: Reads | None, now: int) -> tuple[str, ...]:
    """_walk's names, kept in `reads` while the folder's own signature shows no entry added, removed or renamed."""
    if reads is None:
        return tuple(_walk(folder, fd, collection, content, problems)[0])
    key = f"content/{collection}/"
    try:
        info = os.fstat(fd)
    except OSError:
        return tuple(_walk(folder, fd, collection, content, problems)[0])
    known = reads.get(key)
    if known is not None and known[0] == _signature(info) and _trusted(info, now):
        return known[1]  # type: ignore[no-any-return]
    found: list[Diagnostic] = []
    files, plain = _walk(folder, fd, collection, content, found)
    problems.extend(found)
    if plain and not found:  # what a link leads to can change with no change to the folder
        reads[key] = (_signature(info), tuple(files))
    return tuple(files)


def _walk(folder: Path, fd: int, collection: str, content: Path,
          problems: list[Diagnostic]) -> tuple[list[str], bool]:
    """Names of the files directly in a collection folder (open as `fd`), sorted; links out of content/ are refused.

    Also whether every entry was a plain file or folder (no symbolic links). Plain names,
    read through the folder's descriptor: serve walks every file on each rebuild, and
    neither Path objects nor whole paths are needed for that.
    """
    files = []
    plain = True
    try:
        with os.scandir(fd) as listing:
            entries = sorted(listing, key=attrgetter("name"))
    except OSError:
        return [], False
    for entry in entries:
        name = entry.name
        if name.startswith(".") or name.endswith(("~", ".swp", ".swx", ".tmp")):
            continue
        if not entry.is_symlink() and entry.is_file():  # the common case, told by the listing without a stat
            files.append(name)
            continue
        rel = f"content/{collection}/{name}"
        if entry.is_symlink():
            plain = False
            path = folder / name
            try:
                path.resolve(strict=True)
            except (OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
                problems.append(warning(rel, 0, 0, "symlink-broken",
                                        "symbolic link is broken or loops, and is ignored"))
                continue
            if not _inside(path, content):
                problems.append(warning(rel, 0, 0, "symlink-outside",
                                        "symbolic link leads outside content/ and is ignored"))
                continue
        try:
            if entry.is_file():
                files.append(name)
            elif entry.is_dir():
                problems.append(warning(rel, 0, 0, "file-ignored",
                                        f"folders inside {collection}/ are not read",
                                        f"move its files up into content/{collection}/"))
        except OSError:
            problems.append(warning(rel, 0, 0, "file-unreadable", "cannot be read"))
    return files, plain


@contextmanager
def _opened(folder: Path) -> Iterator[int | None]:
    """The folder open for reading names relative to it (None if it cannot be): no path walk per file."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield None
        return
    try:
        yield fd
    finally:
        os.close(fd)


Reads = dict[str, tuple[tuple[int, ...], Any]]
"""Kept by `serve`: each file's bytes, and each collection folder's listing (under its path
with a trailing slash), with the stat signature they were read at; and the last load, to
patch (a load_patch.LastLoad under LAST_LOAD, with no signature)."""

RACY_NS = 2_000_000_000
"""File systems store modification times coarsely (FAT: 2 s), so a file changed twice
within one tick can keep its signature; files modified this close to a previous read are
read again (git's "racy clean" rule)."""


def _signature(info: os.stat_result) -> tuple[int, ...]:
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino, info.st_dev)


def _trusted(info: os.stat_result, now: int) -> bool:
    return now - max(info.st_mtime_ns, info.st_ctime_ns) > RACY_NS


def _read(path: str | Path, rel: str, reads: Reads | None, now: int,
          dir_fd: int | None = None, changed: Container[str] | None = None) -> bytes:
    """The file's bytes: from `reads` while its signature is unchanged and old enough to trust,
    or, when the watcher's list of `changed` files is given, while the file is not on it.

    `path` is relative to `dir_fd` when that is given.
    """
    def opener(name: str, flags: int) -> int:
        return os.open(name, flags, dir_fd=dir_fd)
    if reads is None:
        with open(path, "rb", opener=opener) as file:  # read at most one byte too many: the size can change
            return file.read(MAX_FILE_BYTES + 1)
    known = reads.get(rel)
    if known is not None and changed is not None and rel not in changed:
        return known[1]  # type: ignore[no-any-return]
    try:
        info = os.stat(path, dir_fd=dir_fd)
        signature = _signature(info)
        if known is not None and known[0] == signature and _trusted(info, now):
            return known[1]  # type: ignore[no-any-return]
        with open(path, "rb", opener=opener) as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError:
        reads.pop(rel, None)  # not the bytes of before: the next load looks again, as a full one would
        raise
    reads[rel] = (signature, raw)
    return raw


def _unknown_entries(content: Path, problems: list[Diagnostic]) -> None:
    """Folders and files in content/ that are not collections: a typo would silently drop pages."""
    try:
        names = sorted(e.name for e in os.scandir(content))
    except OSError:
        return
    for name in names:
        if name in m.COLLECTIONS or name.startswith("."):
            continue
        hint = did_you_mean(name, m.COLLECTIONS) or f"the folders read are {', '.join(m.COLLECTIONS)}"
        problems.append(warning(f"content/{name}", 0, 0, "collection-unknown",
                                f"content/{name} is not a collection and is ignored", hint))


def _ignored_file(collection: str, path: Path, rel: str) -> Diagnostic | None:
    suffix = path.suffix.casefold()
    if suffix in (".md", ".markdown", ".mdown") and path.suffix != ".md":
        return warning(rel, 0, 0, "file-ignored", f"only files ending in '.md' are read, not '{path.suffix}'",
                       f"rename it to {path.stem}.md")
    if collection != "articles" and suffix != ".md":
        return warning(rel, 0, 0, "file-ignored", f"content/{collection}/ holds only .md files; this is ignored",
                       "original captures belong next to their article in content/articles/")
    return None


def load_project(config: Config, *, drafts: bool = False,
                 cache: dict[tuple[str, str, bytes], Parsed] | None = None,
                 reads: Reads | None = None, changed: Container[str] | None = None,
                 ) -> LoadedProject:
    """Read every content file below content/ and parse it; the only place content is read.

    `reads` (kept by `serve`) remembers each file's bytes with its stat signature, so an
    unchanged file is not read again; see _read for why that cannot miss an edit. `serve`'s
    watcher may also say which files `changed` since the last load (paths relative to the
    project): the others are then not even looked at. If every folder still lists the names of
    the last load, that load (kept in `reads`) is patched with just the files to look at again
    (load_patch.py): visiting every file was most of a rebuild's load at 10,000 articles.
    Folders are listed again only when their own signature changes.
    """
    problems: list[Diagnostic] = []
    scan_started = time.time_ns()
    content = config.content_dir
    last: LastLoad | None = reads.pop(LAST_LOAD, (None, None))[1] if reads is not None else None
    if not content.is_dir():
        return LoadedProject((), {}, (error("content", 0, 0, "content-missing",
                                           f"no content/ folder in {config.root}"),))
    _unknown_entries(content, problems)
    with ExitStack() as stack:
        listings: list[Listing] = []
        fds: dict[str, int] = {}
        for collection in m.COLLECTIONS:
            fd = stack.enter_context(_opened(content / collection))
            if fd is not None:
                found: list[Diagnostic] = []
                names = _listing(content / collection, fd, collection, content, found, reads, scan_started)
                listings.append((collection, names, tuple(found)))
                fds[collection] = fd
        visit = partial(_visit, _Where(fds, content, drafts, cache, reads, scan_started))
        inputs = (content, drafts, tuple(problems), tuple(listings))
        loaded = None
        if last is not None and isinstance(changed, AbstractSet) and last.inputs == inputs:
            loaded = patched(last, changed, visit)
            entries, again = last.entries, last.again
        if loaded is None:
            loaded, entries, again = _load_all(listings, problems, visit, changed, record=reads is not None)
    if reads is not None:  # (taken out above: a load that raises leaves none behind)
        reads[LAST_LOAD] = ((), LastLoad(inputs, entries, again, loaded))
    return loaded


class _Where(NamedTuple):
    """What every file of one load is read with."""

    fds: dict[str, int]
    content: Path
    drafts: bool
    cache: dict[tuple[str, str, bytes], Parsed] | None
    reads: Reads | None
    now: int


def _visit(where: _Where, collection: str, name: str, changed: Container[str] | None) -> Visited:
    """What one listed file gives: its kind (see Entry), problems, document and front matter, or capture bytes."""
    fds, content, drafts, cache, reads, now = where
    rel = f"content/{collection}/{name}"
    markdown = name.endswith(".md")
    # Captures beside articles are many: only a name that could be ignored is looked at as a Path.
    ignored = None if markdown or (collection == "articles" and os.path.splitext(name)[1].casefold()
                                   not in (".md", ".markdown", ".mdown")) \
        else _ignored_file(collection, content / collection / name, rel)
    if ignored:
        return NOTHING, [ignored], None, None, b""
    try:
        raw = _read(name, rel, reads, now, fds[collection], changed)
    except OSError as exc:
        return UNREAD, [error(rel, 0, 0, "file-unreadable", f"cannot be read: {exc.strerror}")], None, None, b""
    if len(raw) > MAX_FILE_BYTES:
        return NOTHING, [error(rel, 0, 0, "file-too-large",
                                f"larger than {MAX_FILE_BYTES // 1024 // 1024} MiB, so it is not read",
                                "split it, or move it out of content/")], None, None, b""
    if not markdown:
        return CAPTURE, [], None, None, raw
    key = (collection, rel, raw)
    parsed = cache.get(key) if cache is not None else None
    if parsed is None:
        parsed = parse_file(collection, rel, raw)
        if cache is not None:
            cache[key] = parsed
    document, found, front = parsed
    if document is None or front is None or (isinstance(document, m.Article) and document.draft and not drafts):
        return NOTHING, found, None, None, b""
    return DOCUMENT, found, document, front, b""


def _load_all(listings: list[Listing], problems: list[Diagnostic], visit: Callable[..., Visited],
              changed: Container[str] | None, *, record: bool,
              ) -> tuple[LoadedProject, dict[str, Entry], tuple[str, ...]]:
    """Every listed file visited, in order; with `record`, also each file's Entry and the files to look at again."""
    documents: list[m.Document] = []
    captures: dict[str, bytes] = {}
    front_matter: dict[str, FrontMatter] = {}
    entries: dict[str, Entry] = {}
    again: list[str] = []
    for collection, names, listed in listings:
        problems.extend(listed)
        for name in names:
            temporary = record and not name.endswith(".md") and is_editor_temp(name)
            kind, found, document, front, raw = visit(collection, name, None if temporary else changed)
            if found:
                problems.extend(found)
            if kind == DOCUMENT:
                assert document is not None and front is not None
                front_matter[f"content/{collection}/{name}"] = front
                documents.append(document)
            elif kind == CAPTURE:
                captures[f"{collection}/{name}"] = raw
            if record:
                rel = f"content/{collection}/{name}"
                entries[rel] = (kind, found, len(documents) - 1 if kind == DOCUMENT else -1)
                if temporary or kind == UNREAD:
                    again.append(rel)
    return LoadedProject(tuple(documents), captures, tuple(problems), front_matter), entries, tuple(again)


def load_theme_assets(theme_dirs: list[Path]) -> dict[str, bytes]:
    """Static files of the theme chain, by output path under static/; earlier themes win."""
    assets: dict[str, bytes] = {}
    for theme in reversed(theme_dirs):
        static = theme / "static"
        if not static.is_dir():
            continue
        for path in sorted(static.rglob("*")):
            if path.is_file() and not path.name.startswith(".") and _inside(path, theme):
                assets[f"static/{path.relative_to(static).as_posix()}"] = path.read_bytes()
    return dict(sorted(assets.items()))
