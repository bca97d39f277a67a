"""Project-wide checks every build runs: links, output collisions, aliases, orphans.

`render_site` calls `project_checks` once the site is rendered, so `sitegen build` and
`sitegen check` report the same problems; `check` just never writes anything. The checks
are pure steps of runs of documents and of the set of output paths: with a Reuse kept
(`serve`), a rebuild re-checks only the runs that hold a changed document or link to a changed page.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from itertools import chain, compress
from operator import attrgetter, is_not
from typing import Any

from sitegen import model as m
from sitegen.bodies import Body
from sitegen.checks_links import (
    Checked,
    FragmentCheck,
    Origin,
    Site,
    WrittenText,
    finish_checks,
    page_ids,
    read_text,
    resolve_links,
)
from sitegen.checks_names import Collision, output_paths, printable
from sitegen.config import Config
from sitegen.datasets import article_bodies
from sitegen.diagnostics import Diagnostic, error, warning
from sitegen.frontmatter import FrontMatter, YamlPath
from sitegen.graph import Archive
from sitegen.load import LoadedProject
from sitegen.render import Output, theme_dirs
from sitegen.reuse import Reuse, reuse_or_compute
from sitegen.urls import page_path

Key = tuple[str, str]

RUN = 64
"""Documents checked together as one step. A rebuild compares each run's documents by identity
(in C, where a step per document would cost a Python call each) and re-checks only a run that holds
a changed one: some 64 documents, a millisecond."""

_path = attrgetter("path")


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
                   memo: dict[Any, Any] | None = None, *, reuse: Reuse | None = None) -> list[Diagnostic]:
    """Problems only visible across files or in the rendered site; shared by build and check."""
    outputs = list(outputs)
    where = _Positions(loaded.front_matter)
    # `paths_seen` is a fresh object whenever an output comes or goes: each run of documents is
    # keyed by it, so telling that takes one comparison by identity, not one of two sets each.
    collisions, files, paths_seen = output_paths(outputs, reuse)
    pages = _Pages(outputs, reuse)
    site = Site(files, pages.ids, archive.config.base_url.rstrip("/") + "/", archive.config.base_path)
    context = _Context(memo if memo is not None else {}, where, site)
    documents = list(archive.by_key.values())
    if reuse is None:
        runs = [_check_documents(run, context) for _, run in _runs(documents)]
    else:
        runs = _document_runs(documents, loaded, context, (paths_seen, site.base_url, site.base_path), reuse)
    if reuse is None:
        missing, unannotated = missing_captures(archive, where), unannotated_articles(archive, where)
    else:
        missing, unannotated = _article_checks(archive, where, reuse)
    return [*output_collisions(config, archive, collisions, where),
            *missing,
            *alias_conflicts(archive, where, reuse),
            *unreferenced_entities(archive, tuple(r.referenced for r in runs), where, reuse),
            *unannotated,
            *written_link_checks(runs, pages, reuse)]


def _article_checks(archive: Archive, where: _Positions,
                    reuse: Reuse) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """missing_captures and unannotated_articles, by runs of articles kept while their articles,
    bodies and front matter are the same objects (and the capture files' names the same)."""
    articles = archive.articles
    bodies = article_bodies(archive, reuse)
    fronts = list(map(where.front_matter.get, map(_path, articles)))
    captures = reuse.get(("checks", "capture-names"), tuple(archive.captures), object)
    missing: list[Diagnostic] = []
    unannotated: list[Diagnostic] = []
    for start, run in _runs(articles):
        run_bodies = tuple(bodies[start:start + RUN])
        found = reuse.get(("checks-articles", start), (run, run_bodies, tuple(fronts[start:start + RUN]), captures),
                          partial(_article_run, archive, where, run, run_bodies))
        missing += found[0]
        unannotated += found[1]
    return missing, unannotated


def _document_runs(documents: list[m.Document], loaded: LoadedProject, context: _Context,
                   shared: tuple[Any, ...], reuse: Reuse) -> list[_Run]:
    """_check_documents of each run, redoing only the runs that hold a document that is not the
    previous build's very object: a rebuild compares the documents by identity and looks up
    the front matter of the changed ones only (a document is kept only with its parse, of which
    its front matter is part: load.py)."""
    before = reuse.kept(("checks", "documents"), shared)
    if before is not None and len(before[0]) == len(documents):
        fronts, runs = list(before[1]), list(before[2])
        changed = list(compress(range(len(documents)), map(is_not, documents, before[0])))
        for i in changed:
            fronts[i] = loaded.front_matter.get(documents[i].path)
        redo = sorted({i // RUN for i in changed})
    else:
        fronts = list(map(loaded.front_matter.get, map(_path, documents)))
        runs = [None] * len(range(0, len(documents), RUN))  # type: ignore[list-item]
        redo = list(range(len(runs)))
    for r in redo:
        start = r * RUN
        run, run_fronts = tuple(documents[start:start + RUN]), tuple(fronts[start:start + RUN])
        runs[r] = reuse.get(("checks-documents", start), (run, run_fronts, *shared),
                            partial(_check_documents, run, context, reuse, run_fronts, shared))
    reuse.keep(("checks", "documents"), shared, (documents, fronts, runs))
    return runs


def _runs(items: Sequence[Any]) -> Iterable[tuple[int, tuple[Any, ...]]]:
    return ((start, tuple(items[start:start + RUN])) for start in range(0, len(items), RUN))


Written = tuple[WrittenText, tuple[WrittenText, ...]]
"""What a document's body and, in order, its notes' texts contain: links and raw HTML."""


def _read(document: m.Document, memo: dict[Any, Any]) -> Written:
    notes = tuple(n.text for n in document.notes) if isinstance(document, m.Article) else ()
    # One entry per document, pure in its texts, so repeat builds (the disk memo) reuse it.
    key = ("written-links", document.body, notes)
    if key not in memo:
        memo[key] = (read_text(document.body), tuple(read_text(n, inline=True) for n in notes))
    result: Written = memo[key]
    return result


@dataclass(frozen=True, slots=True)
class _Context:
    """What a run's checks read besides its documents and their front matter (in `where`)."""

    memo: dict[Any, Any]
    where: _Positions
    site: Site
    """The output paths and the site's address; its pages' ids are not read here."""


@dataclass(frozen=True, slots=True)
class _Run:
    """A run of documents' findings: the records they refer to, and their link problems in order,
    with the #fragment checks still to be made against the pages named in `targets`."""

    referenced: frozenset[Key]
    checked: tuple[Checked, ...]
    targets: tuple[str, ...]


def _check_documents(documents: tuple[m.Document, ...], context: _Context, reuse: Reuse | None = None,
                     fronts: tuple[FrontMatter | None, ...] = (), shared: tuple[Any, ...] = ()) -> _Run:
    """Pure in the documents, their front matter, the set of output paths and the site's address.

    With a Reuse, each document's findings are kept too (keyed by it, its front matter and `shared`):
    a run re-checked for one changed document re-checks just that one.
    """
    if reuse is None:
        found = [_check_document(document, context) for document in documents]
    else:
        found = [reuse.get(("checks-document", document.collection, document.slug), (document, front, *shared),
                           partial(_check_document, document, context))
                 for document, front in zip(documents, fronts, strict=True)]
    referenced = frozenset().union(*(r for r, _ in found))
    checked = tuple(chain.from_iterable(c for _, c in found))
    targets = dict.fromkeys(c.target for c in checked if isinstance(c, FragmentCheck))
    return _Run(referenced, checked, tuple(targets))


def _check_document(document: m.Document, context: _Context) -> tuple[set[Key], list[Checked]]:
    written = _read(document, context.memo) if document.path else None
    if written is None:
        return _referenced_by(document, None), []
    return _referenced_by(document, written), _document_links(document, written, context.where, context.site)


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


def output_collisions(config: Config, archive: Archive, collisions: tuple[Collision, ...],
                      where: _Positions) -> list[Diagnostic]:
    """Two outputs at one path, also where only case or Unicode normalisation tells them apart."""
    problems = []
    for kind, path, other in collisions:
        source, line, col = _source_of(config, archive, path, where)
        if kind == "folder":
            problems.append(error(source, line, col, "output-collision",
                                  f"{printable(path)} would be both a file and the folder holding "
                                  f"{printable(other)}", "rename one of them"))
            continue
        # Names differing only in Unicode normalisation look identical: show their code points.
        shown = ascii if unicodedata.normalize("NFC", other) == unicodedata.normalize("NFC", path) \
            else printable
        message = f"two files would be published as {printable(path)}" if other == path else \
            (f"{shown(path)} and {shown(other)} would be the same file on case-insensitive "
             "or Unicode-normalising file systems (macOS, Windows)")
        problems.append(error(source, line, col, "output-collision", message,
                              "rename one of them; only one could be published"))
    return problems


def missing_captures(archive: Archive, where: _Positions,
                     articles: Sequence[m.Article] | None = None) -> list[Diagnostic]:
    """Capture files named but absent, among `articles` (all of the archive's by default)."""
    return [error(a.path, *where.of(a.path, ("capture", "file")), "capture-missing",
                  f"capture file '{a.capture.file}' is not next to the article",
                  f"put it at content/articles/{a.capture.file}")
            for a in (archive.articles if articles is None else articles)
            if a.capture and f"articles/{a.capture.file}" not in archive.captures]


def _alias_claims(entities: tuple[m.Entity, ...]) -> tuple[tuple[m.Entity, int, str, m.Entity], ...]:
    """(entity, index, form, owner) of each surface form an earlier entity already claims."""
    owners: dict[str, m.Entity] = {}
    claims = []
    for entity in sorted(entities, key=lambda e: (e.stub, e.collection, e.slug)):
        for index, form in enumerate(entity.surface_forms):
            other = owners.setdefault(form, entity)
            if other is entity or entity.stub:
                continue
            claims.append((entity, index, form, other))
    return tuple(claims)


def alias_conflicts(archive: Archive, where: _Positions, reuse: Reuse | None = None) -> list[Diagnostic]:
    """One name or alias claimed by two entities: a mention of it could link to only one."""
    entities = tuple(chain.from_iterable(archive.entities.values()))
    problems = []
    for entity, index, form, other in reuse_or_compute(reuse, ("checks", "aliases"), (entities,),
                                                       lambda: _alias_claims(entities)):
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


def _referenced_by(document: m.Document, written: Written | None) -> set[Key]:
    """The other records one document refers to: front-matter references, quotes, notes and @links."""
    keys = {(r.collection, r.slug) for r in document.all_references()}
    if written is not None:
        keys |= _explicit_targets(written[0])
    keys.discard((document.collection, document.slug))
    return keys


def _unreferenced(groups: tuple[tuple[str, tuple[m.Entity, ...]], ...],
                  referenced: tuple[frozenset[Key], ...]) -> tuple[m.Entity, ...]:
    """The entities, other than stubs, that no document refers to."""
    keys = set().union(*referenced)
    return tuple(e for collection, entities in groups for e in entities
                 if not e.stub and (collection, e.slug) not in keys)


def unreferenced_entities(archive: Archive, referenced: tuple[frozenset[Key], ...], where: _Positions,
                          reuse: Reuse | None = None) -> list[Diagnostic]:
    """Entities nothing refers to, given what each run of documents refers to."""
    groups = tuple(archive.entities.items())
    return [warning(entity.path, *where.of(entity.path, ("name",)), "entity-unreferenced",
                    f"nothing refers to {m.SINGULAR[entity.collection]} '{entity.slug}'",
                    f"reference it from an article ({entity.collection}: [{entity.slug}]) or "
                    "delete the file; drafts count only with --drafts")
            for entity in reuse_or_compute(reuse, ("checks", "unreferenced"), (groups, *referenced),
                                           partial(_unreferenced, groups, referenced))]


def _without_annotations(articles: tuple[m.Article, ...]) -> tuple[m.Article, ...]:
    """The articles with no references, quotes or notes: unannotated unless their bodies mention someone."""
    return tuple(a for a in articles if not (a.references() or a.quotes or a.notes))


def unannotated_articles(archive: Archive, where: _Positions) -> list[Diagnostic]:
    bodies = archive.bodies
    return [_unannotated(article, where) for article in _without_annotations(archive.articles)
            if not ((body := bodies.get(("articles", article.slug))) and body.mentions)]


def _unannotated(article: m.Article, where: _Positions) -> Diagnostic:
    return warning(article.path, *where.of(article.path, ("title",)), "article-unannotated",
                   "the article has no annotations: no references, quotes or notes",
                   "list the people, organisations, places and events it mentions")


def _article_run(archive: Archive, where: _Positions, run: tuple[m.Article, ...],
                 bodies: tuple[Body, ...]) -> tuple[tuple[Diagnostic, ...], tuple[Diagnostic, ...]]:
    """A run's missing captures and unannotated articles: pure in the run's articles, their bodies
    and front matter, and the names of the capture files."""
    unannotated = [_unannotated(a, where) for a, body in zip(run, bodies, strict=True)
                   if not (a.references() or a.quotes or a.notes or body.mentions)]
    return tuple(missing_captures(archive, where, run)), tuple(unannotated)


def _document_links(document: m.Document, written: Written, where: _Positions, site: Site) -> list[Checked]:
    """Links written in the body and notes, resolved from the page they are published on."""
    page = page_path(document.collection, document.slug)
    body, notes = written
    checked = resolve_links(body, Origin(document.path, document.body_line, 1, page), site)
    for note, text in zip(getattr(document, "notes", ()), notes, strict=True):
        found = resolve_links(text, Origin(document.path, 0, 0, page), site)
        if not found:
            continue
        index = where.index_of(document.path, "notes", note.line, note.column)
        line, col = where.of(document.path, ("notes", index if index is not None else 0, "text"))
        # A note's text is a YAML value: problems point at the value, whatever line of it they are on.
        for problem in found:
            checked.append(replace(problem, line=line, column=col))
    return checked


class _Pages:
    """The rendered pages' bytes by path, and the ids in each, looked up only for #fragment links."""

    def __init__(self, outputs: list[Output], reuse: Reuse | None) -> None:
        self.outputs, self.reuse = outputs, reuse
        self._data: dict[str, bytes] | None = None
        self._ids: dict[str, set[str]] = {}

    def data(self, path: str) -> bytes:
        if self._data is None:
            self._data = {o.path: o.data for o in self.outputs}
        return self._data[path]

    def ids(self, path: str) -> set[str]:
        if path not in self._ids:
            data = self.data(path)
            self._ids[path] = reuse_or_compute(self.reuse, ("page-ids", path), (data,), partial(page_ids, data))
        return self._ids[path]


def written_link_checks(runs: list[_Run], pages: _Pages, reuse: Reuse | None = None) -> list[Diagnostic]:
    """The runs' link problems, each pending #fragment looked up among its target page's ids."""
    problems: list[Diagnostic] = []
    for start, run in enumerate(runs):
        if not run.targets:
            problems += run.checked  # type: ignore[arg-type]  # no FragmentCheck among them, as targets tell
            continue
        # Re-checked when a target page changes: its ids are what the fragments are looked up in.
        problems += reuse_or_compute(reuse, ("checks-fragments", start),
                                     (run.checked, *map(pages.data, run.targets)),
                                     partial(_finished, run.checked, pages.ids))
    return problems


def _finished(checked: tuple[Checked, ...], ids_of: Callable[[str], set[str]]) -> tuple[Diagnostic, ...]:
    return tuple(finish_checks(checked, ids_of))
