"""Project-wide checks every build runs: links, output collisions, aliases, orphans.

`render_site` calls `project_checks` once the site is rendered, so `sitegen build` and
`sitegen check` report the same problems; `check` just never writes anything.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from sitegen import model as m
from sitegen.checks_links import Origin, Site, WrittenText, link_problems, page_ids, read_text
from sitegen.checks_names import fold_path, printable
from sitegen.config import Config
from sitegen.diagnostics import Diagnostic, error, warning
from sitegen.frontmatter import FrontMatter, YamlPath
from sitegen.graph import Archive
from sitegen.load import LoadedProject
from sitegen.render import Output, theme_dirs
from sitegen.urls import page_path

Key = tuple[str, str]


class _Positions:
    """Where a value was written: line and column from each file's parsed front matter."""

    def __init__(self, front_matter: dict[str, FrontMatter]) -> None:
        self.front_matter = front_matter

    def of(self, path: str, at: YamlPath) -> tuple[int, int]:
        front = self.front_matter.get(path)
        return front.position(at) if front else (1, 1)

    def index_of(self, path: str, field: str, line: int, column: int) -> int | None:
        """Index of the list item of `field` written at line:column (an annotation's own place)."""
        front = self.front_matter.get(path)
        i = 0
        while front and (field, i) in front.value_at:
            if front.value_at[(field, i)] == (line, column):
                return i
            i += 1
        return None


def project_checks(config: Config, loaded: LoadedProject, archive: Archive, outputs: Iterable[Output],
                   memo: dict[Any, Any] | None = None) -> list[Diagnostic]:
    """Problems only visible across files or in the rendered site; shared by build and check."""
    outputs = list(outputs)
    where = _Positions(loaded.front_matter)
    memo = memo if memo is not None else {}
    written = {doc.path: _read(doc, memo) for doc in archive.by_key.values() if doc.path}
    texts = {path: body for path, (body, _) in written.items()}
    return [*output_collisions(config, archive, outputs, where),
            *missing_captures(archive, where),
            *alias_conflicts(archive, where),
            *unreferenced_entities(archive, texts, where),
            *unannotated_articles(archive, where),
            *written_link_checks(archive, outputs, written, where)]


Written = tuple[WrittenText, tuple[WrittenText, ...]]
"""What a document's body and, in order, its notes' texts contain: links and raw HTML."""


def _read(document: m.Document, memo: dict[Any, Any]) -> Written:
    notes = tuple(n.text for n in document.notes) if isinstance(document, m.Article) else ()
    # One entry per document, pure in its texts, so `serve` reuses it across builds.
    key = ("written-links", document.body, notes)
    if key not in memo:
        memo[key] = (read_text(document.body), tuple(read_text(n, inline=True) for n in notes))
    result: Written = memo[key]
    return result


def _source_of(config: Config, archive: Archive, output: str,
               where: _Positions) -> tuple[str, int, int]:
    """The file (and the value in it) that makes the build write `output`."""
    parts = output.split("/")
    if len(parts) >= 3 and (parts[0], parts[1]) in archive.by_key:
        document = archive.by_key[(parts[0], parts[1])]
        if isinstance(document, m.Article) and document.capture and parts[2] == document.capture.file:
            return (document.path, *where.of(document.path, ("capture", "file")))
        if document.path:
            return document.path, 0, 0
    if parts[0] == "static":
        for theme in theme_dirs(config):
            source = theme.joinpath("static", *parts[1:])
            if source.exists():
                shown = source.relative_to(config.root) if source.is_relative_to(config.root) else source
                return shown.as_posix(), 0, 0
    return output, 0, 0


def output_collisions(config: Config, archive: Archive, outputs: list[Output],
                      where: _Positions) -> list[Diagnostic]:
    """Two outputs at one path, also where only case or Unicode normalisation tells them apart."""
    problems = []
    first: dict[str, str] = {}
    for output in outputs:
        other = first.setdefault(fold_path(output.path), output.path)
        if other is output.path:
            continue
        source, line, col = _source_of(config, archive, output.path, where)
        # Names differing only in Unicode normalisation look identical: show their code points.
        shown = ascii if unicodedata.normalize("NFC", other) == unicodedata.normalize("NFC", output.path) \
            else printable
        message = f"two files would be published as {printable(output.path)}" if other == output.path else \
            (f"{shown(output.path)} and {shown(other)} would be the same file on case-insensitive "
             "or Unicode-normalising file systems (macOS, Windows)")
        problems.append(error(source, line, col, "output-collision", message,
                              "rename one of them; only one could be published"))
    folders = {fold_path("/".join(o.path.split("/")[:i])): o.path
               for o in outputs for i in range(1, o.path.count("/") + 1)}
    for output in outputs:
        inside = folders.get(fold_path(output.path))
        if inside is not None:
            source, line, col = _source_of(config, archive, output.path, where)
            problems.append(error(source, line, col, "output-collision",
                                  f"{printable(output.path)} would be both a file and the folder holding "
                                  f"{printable(inside)}", "rename one of them"))
    return problems


def missing_captures(archive: Archive, where: _Positions) -> list[Diagnostic]:
    return [error(a.path, *where.of(a.path, ("capture", "file")), "capture-missing",
                  f"capture file '{a.capture.file}' is not next to the article",
                  f"put it at content/articles/{a.capture.file}")
            for a in archive.articles if a.capture and f"articles/{a.capture.file}" not in archive.captures]


def alias_conflicts(archive: Archive, where: _Positions) -> list[Diagnostic]:
    """One name or alias claimed by two entities: a mention of it could link to only one."""
    owners: dict[str, m.Entity] = {}
    problems = []
    entities = [e for es in archive.entities.values() for e in es]
    for entity in sorted(entities, key=lambda e: (e.stub, e.collection, e.slug)):
        for index, form in enumerate(entity.surface_forms):
            other = owners.setdefault(form, entity)
            if other is entity or entity.stub:
                continue
            at: YamlPath = ("name",) if index == 0 else ("aliases", entity.aliases.index(form))
            problems.append(warning(entity.path, *where.of(entity.path, at), "alias-conflict",
                                    f"'{form}' is also a name or alias of {other.collection}/{other.slug}",
                                    "mentions of it would link to only one of them; keep each surface "
                                    "form on one entity and use [words](@…) links"))
    return problems


def _explicit_targets(text: WrittenText) -> set[Key]:
    targets = set()
    for link in text.links:
        collection, _, slug = link.href.removeprefix("@").partition("/")
        if link.href.startswith("@") and collection in m.COLLECTIONS:
            targets.add((collection, slug))
    return targets


def referenced_keys(archive: Archive, texts: dict[str, WrittenText]) -> set[Key]:
    """Every record something refers to: front-matter references, quotes, notes and @links."""
    keys: set[Key] = set()
    for document in archive.by_key.values():
        refs = list(document.references())
        if isinstance(document, m.Article):
            for quote in document.quotes:
                refs += [r for r in (quote.speaker, quote.event, quote.reported_by) if r]
            for note in document.notes:
                refs += list(note.see)
        keys |= {(r.collection, r.slug) for r in refs} - {(document.collection, document.slug)}
        if document.path in texts:
            keys |= _explicit_targets(texts[document.path]) - {(document.collection, document.slug)}
    return keys


def unreferenced_entities(archive: Archive, texts: dict[str, WrittenText],
                          where: _Positions) -> list[Diagnostic]:
    referenced = referenced_keys(archive, texts)
    problems = []
    for collection, entities in archive.entities.items():
        for entity in entities:
            if entity.stub or (collection, entity.slug) in referenced:
                continue
            problems.append(warning(entity.path, *where.of(entity.path, ("name",)), "entity-unreferenced",
                                    f"nothing refers to {m.SINGULAR[collection]} '{entity.slug}'",
                                    f"reference it from an article ({collection}: [{entity.slug}]) or "
                                    "delete the file; drafts count only with --drafts"))
    return problems


def unannotated_articles(archive: Archive, where: _Positions) -> list[Diagnostic]:
    problems = []
    for article in archive.articles:
        body = archive.bodies.get(("articles", article.slug))
        if article.references() or article.quotes or article.notes or (body and body.mentions):
            continue
        problems.append(warning(article.path, *where.of(article.path, ("title",)), "article-unannotated",
                                "the article has no annotations: no references, quotes or notes",
                                "list the people, organisations, places and events it mentions"))
    return problems


def written_link_checks(archive: Archive, outputs: list[Output], written: dict[str, Written],
                        where: _Positions) -> list[Diagnostic]:
    """Links written in bodies and notes, resolved from the page each is published on."""
    data = {o.path: o.data for o in outputs}
    ids: dict[str, set[str]] = {}

    def ids_of(path: str) -> set[str]:
        if path not in ids:
            ids[path] = page_ids(data[path])
        return ids[path]

    config = archive.config
    site = Site(frozenset(data), ids_of, config.base_url.rstrip("/") + "/", config.base_path)
    problems = []
    for document in archive.by_key.values():
        if not document.path or document.path not in written:
            continue
        page = page_path(document.collection, document.slug)
        body, notes = written[document.path]
        problems += link_problems(body, Origin(document.path, document.body_line, 1, page), site)
        for note, text in zip(getattr(document, "notes", ()), notes, strict=True):
            index = where.index_of(document.path, "notes", note.line, note.column)
            line, col = where.of(document.path, ("notes", index if index is not None else 0, "text"))
            # A note's text is a YAML value: problems point at the value, whatever line of it they are on.
            for problem in link_problems(text, Origin(document.path, 0, 0, page), site):
                problems.append(Diagnostic(problem.path, line, col, problem.level, problem.code,
                                           problem.message, problem.hint))
    return problems
