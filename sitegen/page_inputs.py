"""What one article or entity page reads of the archive, recorded, so `serve` re-plans only what an edit touched.

A page's plan (its context and publishing metadata) is computed from a restricted copy
of the Archive: its own record and body, the relation entries under its own keys, the
articles those entries name (as cards: what another page may read of an article), and
any entity record. Reading an article or relation entry not gathered raises KeyError;
every record read and every key asked about is recorded. A page is thus a pure function
of the configuration and of the values of the keys it read. `serve` keeps, per table,
which pages read each key; the next build compares each table with the last one
(identity first, then equality) and re-plans only the readers of the keys that changed,
keeping every other page's very PageSpec; while every page is where it was, the others are
not even visited. A single build plans straight from the archive.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import chain
from operator import attrgetter, is_
from typing import Any

from sitegen import model as m
from sitegen.graph import Archive
from sitegen.pages import PageSpec, article_page, differing, entity_page
from sitegen.relations import QuoteRef, Relations
from sitegen.reuse import Reuse
from sitegen.seo import page_publish
from sitegen.views import View

Key = tuple[str, str]


class Gathered(Mapping[Any, Any]):
    """A table of the archive restricted to the keys gathered for one page."""

    __slots__ = ("_table", "_keys")

    def __init__(self, table: Mapping[Any, Any], keys: Iterable[Hashable]) -> None:
        self._table = table
        self._keys = dict.fromkeys(keys)  # ordered, and O(1) to test

    def check(self, key: Any) -> None:
        if key not in self._keys:
            raise KeyError(f"{key!r} was not gathered for this page (see page_inputs.py)")

    def __getitem__(self, key: Any) -> Any:
        self.check(key)
        return self._table[key]

    def get(self, key: Any, default: Any = None) -> Any:
        self.check(key)
        return self._table.get(key, default)

    def __contains__(self, key: object) -> bool:
        self.check(key)
        return key in self._table

    def __iter__(self) -> Iterator[Any]:
        raise TypeError("a page reads the archive one gathered key at a time")

    def __len__(self) -> int:
        raise TypeError("a page reads the archive one gathered key at a time")


CARD = ("slug", "title", "subtitle", "outlet", "byline", "authors", "published", "summary", "draft", "via",
        "people", "organisations", "places", "events", "quotes")
"""What a page may read of an article other than its own: summaries, references, quotes, draft."""
_card_values = attrgetter(*CARD)


def card_of(article: m.Document) -> tuple[Any, ...]:
    """What another page may read of an article, to compare builds by."""
    return _card_values(article)  # type: ignore[no-any-return]


class _Card(m.Article):
    """Another page's article as this page sees it: the fields in CARD; the rest are unset, so reading them raises.

    A body edit then leaves every other page that lists the article untouched."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"{name!r} of another page's article is not gathered for this page (page_inputs.py)")


def _card(article: m.Article) -> m.Article:
    card = object.__new__(_Card)
    for name, value in zip(CARD, _card_values(article), strict=True):
        object.__setattr__(card, name, value)
    return card


class _Records(Gathered):
    """by_key as one page sees it, recording what it reads: its own record whole, the other
    articles gathered for it as cards, each entity record it reads, and each key it asks about."""

    __slots__ = ("_own", "_cards", "_read", "_asked", "_marks")

    def __init__(self, table: Mapping[Key, m.Document], own: Key, articles: Iterable[str],
                 cards: dict[Key, m.Article]) -> None:
        super().__init__(table, [own, *(("articles", s) for s in articles)])
        self._own, self._cards = own, cards
        self._read: list[Key] = []
        self._asked: list[Key] = []
        self._marks: dict[Key, tuple[int, int]] = {}

    def check(self, key: Any) -> None:
        if key[0] != "articles":
            self._read.append(key)
        elif key not in self._keys:
            raise KeyError(f"{key!r} was not gathered for this page (see page_inputs.py)")

    def _value(self, key: Key) -> Any:
        if key[0] != "articles" or key == self._own:
            return self._table[key]
        card = self._cards.get(key)
        if card is None:  # one per article and build, shared by the pages planned in it
            card = self._cards[key] = _card(self._table[key])  # type: ignore[arg-type]
        return card

    def __getitem__(self, key: Any) -> Any:
        self.check(key)
        return self._value(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self.check(key)
        return self._value(key) if key in self._table else default

    def __contains__(self, key: object) -> bool:
        self._asked.append(key)  # type: ignore[arg-type]
        return key in self._table

    def mark(self, key: Key) -> None:
        self._marks[key] = (len(self._read), len(self._asked))

    def since(self, key: Key) -> tuple[list[Key], list[Key]]:
        read, asked = self._marks.pop(key, (0, 0))
        return self._read[read:], self._asked[asked:]

    def replay(self, reads: tuple[list[Key], list[Key]]) -> None:
        self._read += reads[0]
        self._asked += reads[1]

    def reads(self) -> dict[str, Iterable[Key]]:
        """The keys read: whole records (its own, entities), other articles (by card), keys asked about."""
        return {"by_key": dict.fromkeys([self._own, *self._read]),
                "cards": [k for k in self._keys if k != self._own], "asked": dict.fromkeys(self._asked)}


class _NotGathered(tuple):  # type: ignore[type-arg]
    """The archive-wide timeline: no single page of these kinds may read it."""

    def __iter__(self) -> Iterator[Any]:
        raise KeyError("the archive-wide timeline is not gathered for this page")


class _GatedViews:
    """Views of records shared by the pages planned in one build, each with the reads that made it.

    A page that finds a view made by another is recorded as reading what the view read."""

    __slots__ = ("_views", "_by_key")

    def __init__(self, views: dict[Key, tuple[View, tuple[list[Key], list[Key]]]], by_key: _Records) -> None:
        self._views, self._by_key = views, by_key

    def get(self, key: Key, default: Any = None) -> Any:
        self._by_key.check(key)
        known = self._views.get(key)
        if known is None:
            self._by_key.mark(key)
            return default
        self._by_key.replay(known[1])
        return known[0]

    def __setitem__(self, key: Key, value: View) -> None:
        reads = self._by_key.since(key)
        # Shared views are made from cards only, so a view that read more raises on other pages.
        if key != self._by_key._own:
            self._views[key] = (value, reads)


RELATION_FIELDS = ("backlinks", "mentions", "quotes_by", "co_mentions", "reported_by", "background_in",
                   "stories", "also_quoted", "entity_timelines", "events_of")


@dataclass
class _Shared:
    """What the pages planned in one build share: other articles' cards, and views of records."""

    cards: dict[Key, m.Article] = field(default_factory=dict)
    views: dict[Key, tuple[View, tuple[list[Key], list[Key]]]] = field(default_factory=dict)


Reads = Callable[[], dict[str, Iterable[Any]]]


def _restricted(archive: Archive, own: Key, articles: Iterable[str], relation_keys: dict[str, list[Any]],
                shared: _Shared, asked: Iterable[Key] = ()) -> tuple[Archive, Reads]:
    """The archive as one page may see it, and (once planned) the keys it read of each table."""
    rel = archive.relations
    by_key = _Records(archive.by_key, own, articles, shared.cards)
    by_key._asked += asked
    bodies = Gathered(archive.bodies, [own])
    tables = {name: Gathered(getattr(rel, name), relation_keys.get(name, ())) for name in RELATION_FIELDS}
    relations = Relations(timeline=_NotGathered(), **tables)  # type: ignore[arg-type]
    view = replace(archive, articles=_NotGathered(), entities={}, by_key=by_key, bodies=bodies,
                   relations=relations, captures={}, views=_GatedViews(shared.views, by_key))
    return view, lambda: {**by_key.reads(), "bodies": bodies._keys, **{n: t._keys for n, t in tables.items()}}


def _article_inputs(archive: Archive, article: m.Article, shared: _Shared) -> tuple[Archive, Reads]:
    rel = archive.relations
    quotes = [QuoteRef(article.slug, q.id) for q in article.quotes]
    see = [("articles", s.slug) for n in article.notes for s in n.see]
    others = [*rel.stories.get(article.slug, ()), *(r.article for q in quotes for r in rel.also_quoted.get(q, ())),
              *(slug for collection, slug in see if (collection, slug) in archive.by_key)]
    return _restricted(archive, ("articles", article.slug), others,
                       {"stories": [article.slug], "also_quoted": quotes}, shared, asked=see)


def _entity_inputs(archive: Archive, entity: m.Entity, shared: _Shared) -> tuple[Archive, Reads]:
    rel, key = archive.relations, (entity.collection, entity.slug)
    quotes = list(rel.quotes_by.get(key, ()))
    articles = [*rel.backlinks.get(key, ()), *(mc.article for mc in rel.mentions.get(key, ())),
                *(q.article for q in quotes), *(r.article for q in quotes for r in rel.also_quoted.get(q, ())),
                *(i.slug for i in rel.entity_timelines.get(key, ()) if i.collection == "articles"),
                *rel.reported_by.get(entity.slug, ()), *rel.background_in.get(entity.slug, ())]
    own = [key]
    return _restricted(archive, key, articles, {
        "backlinks": own, "mentions": own, "quotes_by": own, "co_mentions": own, "entity_timelines": own,
        "events_of": own, "reported_by": [entity.slug], "background_in": [entity.slug], "also_quoted": quotes}, shared)


def _published(view: Archive, spec: PageSpec) -> PageSpec:
    return replace(spec, context={**spec.context, "publish": page_publish(view, spec)})


def _plan(archive: Archive, document: m.Document, shared: _Shared) -> tuple[PageSpec, dict[str, Iterable[Any]]]:
    """One page planned from what was gathered for it, and the keys it read of each table."""
    if isinstance(document, m.Article):
        view, reads = _article_inputs(archive, document, shared)
        spec = _published(view, article_page(view, article=document))
    else:
        assert isinstance(document, m.Entity)
        view, reads = _entity_inputs(archive, document, shared)
        spec = _published(view, entity_page(view, entity=document))
    return spec, reads()


def page_at(archive: Archive, path: str) -> PageSpec | None:
    """The page of the article or entity at site path `path` ('articles/x/'), planned as a
    single build plans it; None where no record of the archive has that page."""
    parts = path.split("/")
    if len(parts) != 3 or parts[2]:
        return None
    collection = parts[0]
    record = archive.by_key.get((collection, parts[1]))
    if isinstance(record, m.Article) and any(map(partial(is_, record), archive.articles)):
        return _published(archive, article_page(archive, record))
    if isinstance(record, m.Entity) and any(map(partial(is_, record), archive.entities.get(collection, ()))):
        return _published(archive, entity_page(archive, record))
    return None


def _records(archive: Archive) -> Iterator[tuple[Key, m.Document]]:
    """Every article and entity with a page, in page order."""
    for article in archive.articles:
        yield ("articles", article.slug), article
    for entities in archive.entities.values():
        for entity in entities:
            yield (entity.collection, entity.slug), entity


TABLES = ("by_key", "bodies", *RELATION_FIELDS)
"""Every table a page may gather keys of: the archive's records and bodies, and the relations
(plus "cards": the articles of by_key as other pages see them)."""
_MISSING = object()


def _tables(archive: Archive) -> dict[str, Mapping[Any, Any]]:
    rel = archive.relations
    return {"by_key": archive.by_key, "bodies": archive.bodies, **{n: getattr(rel, n) for n in RELATION_FIELDS}}


def changed_keys(old: Mapping[Any, Any], new: Mapping[Any, Any]) -> list[Any]:
    """Keys added, removed, or whose value is neither the same object nor equal, between two tables."""
    if old is new:
        return []
    if len(old) == len(new) and isinstance(old, dict) and isinstance(new, dict):
        keys = list(new)
        if list(old) == keys:  # the same keys in the same order: compare the values in runs, in C
            values = list(old.values())
            new_values = list(new.values())
            return [keys[i] for i in differing(values, new_values) if values[i] != new_values[i]]
    get = old.get
    changed = [k for k, v in new.items() if (was := get(k, _MISSING)) is not v and was != v]
    added = sum(1 for k in changed if k not in old)
    if len(new) - added != len(old):  # some keys of the old table are gone
        changed += [k for k in old if k not in new]
    return changed


@dataclass(eq=False)
class _Plans:
    """The pages record_pages planned, the tables they were planned from, and who read which key."""

    config_version: object
    tables: dict[str, Mapping[Any, Any]]
    specs: dict[Key, PageSpec] = field(default_factory=dict)
    read: dict[Key, tuple[tuple[str, Iterable[Any]], ...]] = field(default_factory=dict)
    """Per page, the keys it read of each table."""
    readers: dict[str, dict[Any, set[Key]]] = field(
        default_factory=lambda: {name: {} for name in ("by_key", "cards", "asked", "bodies", *RELATION_FIELDS)})
    """Per table, the inverse: key -> pages that read it ("asked": whether there is such a record)."""
    complete: bool = True
    """False while being updated: a build stopped halfway leaves nothing half-true to reuse."""
    records: list[m.Document] = field(default_factory=list)
    """The records planned last, in page order, with their pages at the same positions."""
    pages: list[PageSpec] = field(default_factory=list)
    position: dict[Key, int] = field(default_factory=dict)
    """Where each page is in `pages`."""

    def same_layout(self, records: list[m.Document]) -> list[int] | None:
        """Positions of the records that differ from the last build's, if each page is where it was, else None."""
        if len(records) != len(self.records) or len(self.pages) != len(records):
            return None
        old = self.records
        moved = differing(old, records)
        if any(old[i].slug != records[i].slug or old[i].collection != records[i].collection for i in moved):
            return None
        return moved

    def stale(self, tables: dict[str, Mapping[Any, Any]]) -> set[Key]:
        """Pages that read a key whose value differs in `tables`."""
        pages: set[Key] = set()
        cards, asked = self.readers["cards"], self.readers["asked"]
        for name in TABLES:
            old, new, readers = self.tables[name], tables[name], self.readers[name]
            for key in changed_keys(old, new):
                pages.update(readers.get(key, ()))
                if name != "by_key":
                    continue
                if (key in old) != (key in new):
                    pages.update(asked.get(key, ()))
                if key in cards and (key not in old or key not in new or card_of(old[key]) != card_of(new[key])):
                    pages.update(cards[key])
        return pages

    def forget(self, page: Key) -> None:
        for name, keys in self.read.pop(page, ()):
            readers = self.readers[name]
            for key in keys:
                readers[key].discard(page)
        self.specs.pop(page, None)

    def record(self, page: Key, spec: PageSpec, reads: dict[str, Iterable[Any]]) -> None:
        self.forget(page)
        read = tuple((name, keys) for name, keys in reads.items() if keys)
        for name, keys in read:
            readers = self.readers[name]
            for key in keys:
                if key in readers:
                    readers[key].add(page)
                else:
                    readers[key] = {page}
        self.read[page], self.specs[page] = read, spec


def record_pages(archive: Archive, reuse: Reuse | None = None) -> list[PageSpec]:
    """The page of every article and entity, with its publishing metadata.

    A single build plans every page straight from the archive. With a Reuse (`serve`), each
    page is planned from what it read; the next build compares each table with the one the
    last pages were planned from and re-plans only the pages that read a changed key, and
    new pages. Every page also depends on the configuration: if it changed, all are planned.
    """
    if reuse is None:  # a single build: nothing to compare with, so nothing to gather
        return [_published(archive, article_page(archive, document) if isinstance(document, m.Article)
                           else entity_page(archive, document))  # type: ignore[arg-type]
                for _, document in _records(archive)]
    config_version = reuse.get("config", (archive.config,), object)
    tables = _tables(archive)
    plans = reuse.kept("record-pages", ())
    stale: set[Key] | None = None
    if isinstance(plans, _Plans) and plans.complete and plans.config_version is config_version:
        stale = plans.stale(tables)
    else:
        plans = _Plans(config_version, tables)
    records = [*archive.articles, *chain.from_iterable(archive.entities.values())]
    shared: _Shared = _Shared()
    planned = []
    if stale is not None and plans.same_layout(records) is not None:
        # Every page is where it was: visit only the stale ones (their own record, if it changed, is among them).
        pages = list(plans.pages)
        for i in sorted(plans.position[page] for page in stale):  # in page order, as a full plan goes
            pages[i], reads = _plan(archive, records[i], shared)
            planned.append(((records[i].collection, records[i].slug), pages[i], reads))
        plans.complete = False
    else:
        pages, present = [], set()
        for page, document in _records(archive):
            present.add(page)
            spec = None if stale is not None and page in stale else plans.specs.get(page)
            if spec is None:
                spec, reads = _plan(archive, document, shared)
                planned.append((page, spec, reads))
            pages.append(spec)
        plans.complete = False
        for page in [p for p in plans.specs if p not in present]:  # pages gone since (a rename, a deletion)
            plans.forget(page)
        plans.position = {page: i for i, (page, _) in enumerate(_records(archive))}
    for page, spec, reads in planned:
        plans.record(page, spec, reads)
    plans.tables, plans.records, plans.pages, plans.complete = tables, records, pages, True
    reuse.keep("record-pages", (), plans)
    return pages
