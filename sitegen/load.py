"""Load: the only stage that reads the project's files; turns them into typed records."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import model as m
from sitegen.config import Config
from sitegen.diagnostics import Diagnostic, error, warning
from sitegen.frontmatter import load_yaml, normalise_newlines, split_front_matter
from sitegen.records import build_document
from sitegen.schema import SLUG

MAX_FILE_BYTES = 4 * 1024 * 1024
"""A content file larger than this is refused: no article is that long, a stray dump might be."""


@dataclass(frozen=True, slots=True)
class LoadedProject:
    documents: tuple[m.Document, ...]
    captures: dict[str, bytes] = field(default_factory=dict)
    """Files kept next to articles (original captures), by path relative to content/."""
    diagnostics: tuple[Diagnostic, ...] = ()


def parse_document(collection: str, relpath: str, raw: bytes) -> tuple[m.Document | None, list[Diagnostic]]:
    """Turn one content file's bytes into a record; pure, so its result can be memoised."""
    slug = relpath.rsplit("/", 1)[-1].removesuffix(".md")
    if not SLUG.fullmatch(slug):
        return None, [error(relpath, 0, 0, "slug-invalid", f"'{slug}' is not a valid slug",
                            "rename the file: lower-case ASCII letters, digits and single hyphens")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [error(relpath, line, col, "encoding",
                            f"not valid UTF-8 at byte offset {exc.start} (byte 0x{raw[exc.start]:02x})",
                            "save the file as UTF-8")]
    split, problems = split_front_matter(normalise_newlines(text), relpath)
    if split is None:
        return None, problems
    front, problems = load_yaml(split.yaml_text, relpath, split.yaml_line)
    if front is None:
        return None, problems
    document, more = build_document(collection, slug, relpath, front, split.body, split.body_line)
    return document, problems + more


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _walk(folder: Path, content: Path, problems: list[Diagnostic]) -> list[Path]:
    """Files directly in a collection folder, sorted; links leading out of content/ are refused."""
    files = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    for entry in entries:
        path = Path(entry.path)
        rel = path.relative_to(content.parent).as_posix()
        if entry.name.startswith(".") or entry.name.endswith(("~", ".swp", ".swx", ".tmp")):
            continue
        if entry.is_symlink() and not _inside(path, content):
            problems.append(warning(rel, 0, 0, "symlink-outside",
                                    "symbolic link leads outside content/ and is ignored"))
            continue
        try:
            if entry.is_file():
                files.append(path)
        except OSError:
            problems.append(warning(rel, 0, 0, "file-unreadable", "cannot be read (broken link?)"))
    return files


def load_project(config: Config, *, drafts: bool = False,
                 cache: dict[tuple[str, str, bytes], tuple[m.Document | None, list[Diagnostic]]] | None = None,
                 ) -> LoadedProject:
    """Read every content file below content/ and parse it; the only place content is read."""
    problems: list[Diagnostic] = []
    content = config.content_dir
    if not content.is_dir():
        return LoadedProject((), {}, (error("content", 0, 0, "content-missing",
                                           f"no content/ folder in {config.root}"),))
    documents: list[m.Document] = []
    captures: dict[str, bytes] = {}
    for collection in m.COLLECTIONS:
        for path in _walk(content / collection, content, problems):
            rel = path.relative_to(config.root).as_posix()
            try:
                if path.stat().st_size > MAX_FILE_BYTES:
                    problems.append(error(rel, 0, 0, "file-too-large",
                                          f"larger than {MAX_FILE_BYTES // 1024 // 1024} MiB"))
                    continue
                raw = path.read_bytes()
            except OSError as exc:
                problems.append(error(rel, 0, 0, "file-unreadable", f"cannot be read: {exc.strerror}"))
                continue
            if not path.name.endswith(".md"):
                if collection == "articles":
                    captures[path.relative_to(content).as_posix()] = raw
                continue
            key = (collection, rel, raw)
            if cache is not None and key in cache:
                document, found = cache[key]
            else:
                document, found = parse_document(collection, rel, raw)
                if cache is not None:
                    cache[key] = (document, found)
            problems.extend(found)
            if document is None:
                continue
            if isinstance(document, m.Article) and document.draft and not drafts:
                continue
            documents.append(document)
    return LoadedProject(tuple(documents), captures, tuple(problems))


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
