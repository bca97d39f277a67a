"""Model: the archive graph, where every reference is resolved once and backlinks are derived."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import chain, compress, islice
from operator import attrgetter, is_not, itemgetter
from typing import Any, TypeVar

from sitegen import model as m
from sitegen.bodies import Body, Lookups, Registry, lookups_hold, render_article_body, render_entity_body
from sitegen.config import Config
from sitegen.diagnostics import Diagnostic, did_you_mean, error, suggestion, warning
from sitegen.markdown.annotate import MentionMatcher
from sitegen.parallel import Workers
from sitegen.relations import Relations, derive_relations
from sitegen.reuse import Reuse, reuse_or_compute

Key = tuple[str, str]
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Archive:
    config: Config
    articles: tuple[m.Article, ...]
    """Newest first."""
    entities: dict[str, tuple[m.Entity, ...]]
    """Per collection, A–Z."""
    by_key: dict[Key, m.Document]
    bodies: dict[Key, Body]
    relations: Relations
    captures: dict[str, bytes] = field(default_factory=dict)
    views: dict[Key, dict[str, object]] = field(default_factory=dict, compare=False, repr=False)
    """Plain-data views of records (views.py), built once per build: pages repeat them thousands of times."""
    names_version: object = field(default=None, compare=False, repr=False)
    """The same object from build to build while no entity changed and no article came or went
    (see reuse.py): steps that read entity names and paths are keyed by it."""

    def get(self, collection: str, slug: str) -> m.Document:
        return self.by_key[(collection, slug)]

    def name(self, key: Key) -> str:
        return self.by_key[key].name


def _stub(ref: m.Ref) -> m.Entity:
    name = ref.slug.replace("-", " ").title()
    cls = {"people": m.Person, "organisations": m.Organisation, "places": m.Place,
           "events": m.Event}[ref.collection]
    return cls(collection=ref.collection, slug=ref.slug, path="", name=name, stub=True)


def picked(items: Sequence[T], positions: Sequence[int]) -> list[T]:
    """[items[i] for i in positions], in C."""
    if len(positions) > 1:
        return list(itemgetter(*positions)(items))
    return [items[i] for i in positions]


def kept_results(reuse: Reuse | None, step: Hashable, items: Sequence[Any],
                 version: object) -> tuple[list[Any], list[int]]:
    """The previous build's result for each item that is the very same object (None for the others),
    and the positions of the others.

    One lookup for the whole list (not one per item), and the identity tests run in C, so an
    unchanged archive costs a pass over pointers; results are kept while `version` is the same object.
    """
    state = reuse.kept(step, (version,)) if reuse is not None else None
    if state is None:
        return [None] * len(items), list(range(len(items)))
    if len(state[0]) == len(items):
        results = list(state[1])
        todo = list(compress(range(len(items)), map(is_not, items, state[0])))
        for i in todo:
            results[i] = None
        return results, todo
    known = dict(zip(map(id, state[0]), state[1], strict=True))  # alive in `state`: no new item shares an id
    results = [known.get(id(x)) for x in items]
    return results, [i for i, r in enumerate(results) if r is None]


def mapped(reuse: Reuse | None, step: Hashable, items: Sequence[T], version: object,
           compute: Callable[[T], R]) -> list[R]:
    """[compute(x) for x in items], keeping the previous build's result of every item that is the very same object.

    `compute` must be a pure function of its item and of what `version` stands for, and must not return None.
    """
    if reuse is None:
        return [compute(x) for x in items]
    results, todo = kept_results(reuse, step, items, version)
    for i in todo:
        results[i] = compute(items[i])
    reuse.keep(step, (version,), (items, results))
    return results


def _speaker_collections(by_key: dict[Key, m.Document], article: m.Article) -> tuple[str, ...]:
    return tuple("organisations" if ("organisations", q.speaker.slug) in by_key and
                 ("people", q.speaker.slug) not in by_key else "people" for q in article.quotes)


def _pin_speakers(article: m.Article, collections: tuple[str, ...]) -> m.Article:
    """A quote's speaker may be a person or an organisation; pin each to its collection."""
    if all(q.speaker.collection == c for q, c in zip(article.quotes, collections, strict=True)):
        return article  # the same object, so later steps can tell it is unchanged
    return replace(article, quotes=tuple(replace(q, speaker=replace(q.speaker, collection=c))
                                         for q, c in zip(article.quotes, collections, strict=True)))


def _pinned(articles: list[m.Article], by_key: dict[Key, m.Document], keys_version: object,
            reuse: Reuse | None) -> list[m.Article]:
    """Every article with its speakers pinned; the previous build's record kept while its speakers' collections are.

    While no record came or went (keys_version) nothing is looked up; otherwise each kept
    article's speakers are looked up again, so only articles whose speakers changed are new objects.
    """
    same_keys = reuse is not None and reuse.kept("speaker-keys", (keys_version,)) is not None
    results, todo = kept_results(reuse, "speakers", articles, None)
    if not same_keys:
        todo = [i for i, (article, was) in enumerate(zip(articles, results, strict=True))
                if was is None or (article.quotes and _speaker_collections(by_key, article) != was[1])]
    for i in todo:
        collections = _speaker_collections(by_key, articles[i])
        results[i] = (_pin_speakers(articles[i], collections), collections)
    if reuse is not None:
        reuse.keep("speakers", (None,), (articles, results))
        reuse.keep("speaker-keys", (keys_version,), True)
    return list(map(itemgetter(0), results))


def _refs_problems(by_key: dict[Key, m.Document], slugs: Callable[[], dict[str, list[str]]],
                   document: m.Document) -> tuple[list[Diagnostic], list[m.Entity]]:
    """One document's references to missing files, and a stub for each missing entity.

    Runs before any stub is added, so it depends only on the document and the keys of the
    real documents (as slugs() lists them).
    """
    problems: list[Diagnostic] = []
    stubs: list[m.Entity] = []
    for ref in document.all_references():
        if (ref.collection, ref.slug) in by_key:
            continue
        if ref.collection == "articles":
            problems.append(warning(document.path, ref.line, ref.column, "ref-unknown",
                                    f"no article '{ref.slug}'", did_you_mean(ref.slug, slugs().get("articles", []))))
            continue
        stubs.append(_stub(ref))
        kind = m.SINGULAR[ref.collection]
        # The commonest slip: a real slug listed under the wrong field (a place under people:).
        elsewhere = [c for c in m.ENTITY_COLLECTIONS if c != ref.collection and ref.slug in slugs().get(c, ())]
        problems.append(warning(
            document.path, ref.line, ref.column, "ref-unknown",
            f"no {kind} '{ref.slug}' (content/{ref.collection}/{ref.slug}.md does not exist)",
            (f"'{ref.slug}' is a {m.SINGULAR[elsewhere[0]]}: list it under '{elsewhere[0]}'" if elsewhere else "")
            or did_you_mean(ref.slug, [s for s in slugs().get(ref.collection, []) if s != ref.slug])
            or f"create content/{ref.collection}/{ref.slug}.md"))
    return problems, stubs


def _check_refs(documents: list[m.Document], by_key: dict[Key, m.Document], reuse: Reuse | None = None,
                version: object = None) -> list[Diagnostic]:
    """Report references to missing files and add a minimal stub page for each."""
    known: dict[str, list[str]] = {}

    def slugs() -> dict[str, list[str]]:  # built only when some reference is missing
        if not known:
            for collection, slug in by_key:
                known.setdefault(collection, []).append(slug)
        return known
    results = mapped(reuse, "refs", documents, version, partial(_refs_problems, by_key, slugs))
    for stub in chain.from_iterable(map(itemgetter(1), results)):
        by_key.setdefault((stub.collection, stub.slug), stub)
    return list(chain.from_iterable(map(itemgetter(0), results)))


def _unreferenced_mentions(articles: list[m.Article], registry: Registry, bodies: list[Body],
                           version: object, reuse: Reuse | None) -> list[Diagnostic]:
    """Entities whose names occur in a body that does not reference them: a suggestion each."""
    def archive_matcher() -> MentionMatcher:
        everyone: dict[str, Key] = {}
        for key, forms in sorted(registry.forms.items()):
            for form in forms:
                everyone.setdefault(form, key)
        return MentionMatcher(everyone)

    matcher: MentionMatcher | None = None
    results, todo = kept_results(reuse, "unreferenced", articles, version)
    # An article's suggestions are also kept only while its body is the same object.
    last_bodies = reuse.kept("unreferenced-bodies", (version,)) if reuse is not None else None
    if last_bodies is not None and len(last_bodies) == len(bodies):
        todo = sorted({*todo, *compress(range(len(bodies)), map(is_not, bodies, last_bodies))})
    else:
        todo = [i for i, was in enumerate(results) if was is None or was[0] is not bodies[i]]
    for i in todo:
        # Built only when some article needs it, and kept while the entities are unchanged.
        matcher = matcher or reuse_or_compute(reuse, "archive-matcher", (version,), archive_matcher)
        results[i] = (bodies[i], _unreferenced_in(articles[i], bodies[i], registry, matcher))
    if reuse is not None:
        reuse.keep("unreferenced", (version,), (articles, results))
        reuse.keep("unreferenced-bodies", (version,), bodies)
    return list(chain.from_iterable(map(itemgetter(1), results)))


def _unreferenced_in(article: m.Article, body: Body, registry: Registry,
                     matcher: MentionMatcher) -> list[Diagnostic]:
    problems = []
    referenced = {(r.collection, r.slug) for r in article.references()}
    explicit = {(mn.collection, mn.slug) for mn in body.mentions}
    reported: set[Key] = set()
    body_lines = article.body.split("\n")
    for block in body.blocks:
        for start, end, key in matcher.find(block):
            if key in referenced or key in explicit or key in reported or key[0] == "articles":
                continue
            reported.add(key)
            # The first place the words are written (blocks hold visible text, not source lines).
            line, column = next(((n, text.find(block[start:end]) + 1) for n, text in enumerate(body_lines)
                                 if block[start:end] in text), (0, 0))
            problems.append(suggestion(
                article.path, article.body_line + line if column else 1, column or 1, "mention-unreferenced",
                f"the body mentions {registry.names[key]} but the front matter does not reference it",
                f"add '{key[1]}' to '{key[0]}'"))
    return problems


_key_of = attrgetter("collection", "slug")


def _by_key(documents: tuple[m.Document, ...],
            reuse: Reuse | None) -> tuple[dict[Key, m.Document], list[Diagnostic], list[int] | None]:
    """Every document by key (of a slug defined twice, the first), its problems, and, when the keys
    are the last build's, the positions of the documents that are not the same objects (else None).

    With the same keys, the last build's table is copied (in C) and patched at those positions.
    """
    last = reuse.kept("by-key", ()) if reuse is not None else None
    if last is not None and len(last[0]) == len(documents) == len(last[1]):
        old = last[0]
        moved = list(compress(range(len(documents)), map(is_not, documents, old)))
        if all(_key_of(documents[i]) == _key_of(old[i]) for i in moved):
            by_key = dict(last[1])
            by_key.update((_key_of(documents[i]), documents[i]) for i in moved)
            reuse.keep("by-key", (), (documents, dict(by_key)))  # type: ignore[union-attr]
            return by_key, [], moved
    problems: list[Diagnostic] = []
    by_key = dict(zip(map(_key_of, documents), documents, strict=True))
    if len(by_key) != len(documents):  # a slug defined twice: the first definition wins
        by_key = {}
        for document in documents:
            key = (document.collection, document.slug)
            if key in by_key:
                problems.append(error(document.path, 1, 1, "slug-duplicate",
                                      f"{key[0]}/{key[1]} is defined twice"))
                continue
            by_key[key] = document
    if reuse is not None:
        reuse.keep("by-key", (), (documents, dict(by_key)))
    return by_key, problems, None


def _names(by_key: dict[Key, m.Document], documents: tuple[m.Document, ...], moved: list[int] | None,
           loaded: int, reuse: Reuse | None) -> dict[Key, str]:
    """Every record's name; with the last build's keys and stubs, its names patched where documents moved."""
    stubs = tuple(islice(by_key, loaded, None))  # a stub's name is made from its key
    last = reuse.kept("names", (stubs,)) if reuse is not None and moved is not None else None
    if last is None:
        names = dict(zip(by_key, map(_name_of, by_key.values()), strict=True))
    else:
        names = dict(last)
        names.update((_key_of(documents[i]), documents[i].name) for i in moved)  # type: ignore[union-attr]
    if reuse is not None:
        reuse.keep("names", (stubs,), names)
    return names


def _bodies_table(keys: list[Key], results: list[Any], todo: list[int],
                  reuse: Reuse | None) -> tuple[dict[Key, Body], list[Diagnostic]]:
    """Bodies by key and their problems; with the last build's very `keys`, patched where results changed."""
    last = reuse.kept("bodies-table", (keys,)) if reuse is not None else None
    if last is None:
        table = dict(zip(keys, map(itemgetter(0), results), strict=True))
        found = list(chain.from_iterable(map(itemgetter(1), results)))
    else:
        table, found, old = dict(last[0]), last[1], last[2]
        table.update((keys[i], results[i][0]) for i in todo)
        if any(results[i][1] or old[i][1] for i in todo):
            found = list(chain.from_iterable(map(itemgetter(1), results)))
    if reuse is not None:
        reuse.keep("bodies-table", (keys,), (table, found, list(results)))
    return table, found
_slug_of = attrgetter("slug")
_name_of = attrgetter("name")


def build_archive(documents: tuple[m.Document, ...], config: Config,
                  captures: dict[str, bytes] | None = None,
                  body_cache: dict[object, tuple[Body, list[Diagnostic]]] | None = None,
                  workers: Workers | None = None, reuse: Reuse | None = None) -> tuple[Archive, list[Diagnostic]]:
    """Resolve every reference, render bodies, and derive all relations of the archive."""
    by_key, problems, moved = _by_key(documents, reuse)
    # Which records exist: pinned speakers and missing references depend on nothing else of the others.
    keys_version = reuse_or_compute(reuse, "document-keys", tuple(by_key), object) if reuse else None
    records = list(by_key.values())
    # Where the articles and the entities are among the records: the same while the keys are.
    kinds = reuse_or_compute(reuse, "record-kinds", (keys_version,), lambda: (
        [i for i, d in enumerate(records) if isinstance(d, m.Article)],
        [i for i, d in enumerate(records) if isinstance(d, m.Entity)]))
    loaded = picked(records, kinds[0])
    articles = _pinned(loaded, by_key, keys_version, reuse)
    repinned = compress(range(len(articles)), map(is_not, articles, loaded))
    by_key.update((_key_of(articles[i]), articles[i]) for i in repinned)
    problems += _check_refs(list(by_key.values()), by_key, reuse, keys_version)
    entities = [*picked(records, kinds[1]), *islice(by_key.values(), len(records), None)]  # stubs come last
    # Alias conflicts are reported by checks_project.alias_conflicts, which knows their line:column.

    # Mention suggestions, surface forms and the entity lists read only the entities (the same
    # objects while their files are unchanged; stubs compare equal).
    entities_version = reuse_or_compute(reuse, "entities", tuple(entities), object) if reuse else None
    # Which articles exist (with the entities and the linking rule); steps that read entity
    # names and paths are keyed by it (Archive.names_version).
    version = reuse_or_compute(reuse, "registry", (
        config.mention_link, entities_version, tuple(map(_slug_of, articles))), object)
    registry = Registry(
        names=_names(by_key, documents, moved, len(records), reuse),
        forms=reuse_or_compute(reuse, "forms", (entities_version,), lambda: {
            (e.collection, e.slug): e.surface_forms for e in entities if not e.stub}))
    in_order: list[m.Document] = [*articles, *entities]
    body_keys = reuse_or_compute(reuse, "body-keys", (keys_version, entities_version),
                                 lambda: list(map(_key_of, in_order)))
    # A body depends on its document, the entities, the linking rule and, of which pages exist,
    # only on those it linked to (its recorded lookups): so an article added or removed
    # re-renders just the bodies that asked for it.
    body_version = reuse_or_compute(reuse, "body-inputs", (config.mention_link, entities_version), object)
    results, todo = kept_results(reuse, "bodies", in_order, body_version)
    if reuse is not None and reuse.kept("pages-existing", (version,)) is None:
        results = [r if r is None or lookups_hold(r[2], registry.names) else None for r in results]
        todo = [i for i, found in enumerate(results) if found is None]
    wanted: list[tuple[int, object, Callable[[], tuple[Body, list[Diagnostic], Lookups]]]] = []
    for i in todo:
        document = in_order[i]
        if isinstance(document, m.Article):
            # Everything the rendered body depends on but the pages it links to, which it records.
            forms_key = tuple(sorted(
                (k, registry.forms.get((k.collection, k.slug), ()), registry.names.get((k.collection, k.slug), ""))
                for k in set(document.references()) | {q.speaker for q in document.quotes}))
            wanted.append((i, ("article", document, forms_key, config.mention_link),
                           partial(render_article_body, document, registry, config.mention_link)))
        else:
            assert isinstance(document, m.Entity)
            wanted.append((i, ("entity", document), partial(render_entity_body, document, registry)))
    cache = body_cache if body_cache is not None else {}
    missing = [(key, render) for _, key, render in wanted
               if key not in cache or not lookups_hold(cache[key][2], registry.names)]  # type: ignore[index]
    # Bodies are independent of each other: render the missing ones on every core the build may use.
    for (key, _), rendered in zip(missing, (workers or Workers()).run([r for _, r in missing]), strict=True):
        cache[key] = rendered
    for i, key, _ in wanted:
        results[i] = cache[key]
    bodies, body_problems = _bodies_table(body_keys, results, todo, reuse)
    problems += body_problems
    if reuse is not None:
        reuse.keep("bodies", (body_version,), (in_order, results))
        reuse.keep("pages-existing", (version,), True)
    # The articles' bodies, in the same order as `articles` (they come first in in_order).
    article_bodies = list(map(itemgetter(0), results[:len(articles)]))
    problems += _unreferenced_mentions(articles, registry, article_bodies, entities_version, reuse)
    # Missing capture files are reported by checks_project.missing_captures, at the capture.file value.

    sort_keys = mapped(reuse, "sort-keys", articles, None, attrgetter("sort_key"))
    # The order depends on the sort keys alone (a stable sort of positions): kept while they are equal.
    order = reuse_or_compute(reuse, "article-order", (tuple(sort_keys),), lambda: sorted(
        range(len(articles)), key=sort_keys.__getitem__, reverse=True))
    ordered_articles = tuple(picked(articles, order))
    grouped = reuse_or_compute(reuse, "grouped", (entities_version,), lambda: {
        c: tuple(sorted((e for e in entities if e.collection == c), key=lambda e: (e.sort_key, e.slug)))
        for c in m.ENTITY_COLLECTIONS})
    relations = derive_relations(ordered_articles, grouped, bodies, reuse)
    archive = Archive(config, ordered_articles, grouped, by_key, bodies, relations, captures or {},
                      names_version=version)
    return archive, problems
