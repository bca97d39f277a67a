"""What one article or entity page reads of the archive, gathered first, so planning it is a memoised pure step.

A page's plan (its context and publishing metadata) is computed from a restricted copy
of the Archive holding only what was gathered for it: its own body, the relation entries
under its own keys, the articles those entries name, and every entity (whose identity the
archive's `names_version` stands for). Reading anything else raises KeyError, so a page
function can never depend on something its memo key does not cover; the key is
everything gathered. `serve` then re-plans only the pages whose gathered inputs changed;
a single build, with nothing to compare with, plans straight from the archive.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

from sitegen import model as m
from sitegen.graph import Archive
from sitegen.pages import PageSpec, article_page, entity_page
from sitegen.relations import QuoteRef, Relations
from sitegen.reuse import Reuse, reuse_or_compute
from sitegen.seo import page_publish
from sitegen.views import View

Key = tuple[str, str]


class Gathered(Mapping[Any, Any]):
    """A table of the archive restricted to the keys gathered for one page."""

    __slots__ = ("_table", "_keys", "_open")

    def __init__(self, table: Mapping[Any, Any], keys: Iterable[Hashable], open_except: str | None = None) -> None:
        self._table = table
        self._keys = dict.fromkeys(keys)  # ordered, and O(1) to test
        self._open = open_except
        """by_key only: keys of every collection but this one are readable without being
        gathered, since names_version stands for all of those records."""

    def check(self, key: Any) -> None:
        if self._open is not None and key[0] != self._open:
            return
        if key not in self._keys:
            raise KeyError(f"{key!r} was not gathered for this page (see page_inputs.py)")

    def __getitem__(self, key: Any) -> Any:
        self.check(key)
        return self._table[key]

    def get(self, key: Any, default: Any = None) -> Any:
        self.check(key)
        return self._table.get(key, default)

    def __contains__(self, key: object) -> bool:
        if self._open is not None:  # by_key: which records exist is part of names_version
            return key in self._table
        self.check(key)
        return key in self._table

    def __iter__(self) -> Iterator[Any]:
        raise TypeError("a page reads the archive one gathered key at a time")

    def __len__(self) -> int:
        raise TypeError("a page reads the archive one gathered key at a time")

    def inputs(self) -> tuple[Any, ...]:
        """The gathered keys and their values, as memo inputs."""
        return tuple((key, self._table.get(key)) for key in self._keys)


class _NotGathered(tuple):  # type: ignore[type-arg]
    """The archive-wide timeline: no single page of these kinds may read it."""

    def __iter__(self) -> Iterator[Any]:
        raise KeyError("the archive-wide timeline is not gathered for this page")


class _GatedViews:
    """The build's shared cache of record views, read only where by_key may be read."""

    __slots__ = ("_views", "_by_key")

    def __init__(self, views: dict[Key, View], by_key: Gathered) -> None:
        self._views, self._by_key = views, by_key

    def get(self, key: Key, default: Any = None) -> Any:
        self._by_key.check(key)
        return self._views.get(key, default)

    def __setitem__(self, key: Key, value: View) -> None:
        self._views[key] = value


RELATION_FIELDS = ("backlinks", "mentions", "quotes_by", "co_mentions", "reported_by", "background_in",
                   "stories", "also_quoted", "entity_timelines", "events_of")


def _restricted(archive: Archive, config_version: object, articles: Iterable[str], body: Key,
                relation_keys: dict[str, list[Any]]) -> tuple[Archive, Callable[[], tuple[Any, ...]]]:
    """The archive as one page may see it, and the memo inputs that cover everything it can read."""
    rel = archive.relations
    by_key = Gathered(archive.by_key, [("articles", s) for s in articles], open_except="articles")
    bodies = Gathered(archive.bodies, [body])
    tables = {name: Gathered(getattr(rel, name), relation_keys.get(name, ())) for name in RELATION_FIELDS}
    relations = Relations(timeline=_NotGathered(), **tables)  # type: ignore[arg-type]
    view = replace(archive, articles=_NotGathered(), entities={}, by_key=by_key, bodies=bodies,
                   relations=relations, captures={}, views=_GatedViews(archive.views, by_key))
    def inputs() -> tuple[Any, ...]:
        return (archive.names_version, config_version, by_key.inputs(), bodies.inputs(),
                *(table.inputs() for table in tables.values()))
    return view, inputs


def _article_inputs(archive: Archive, config_version: object,
                    article: m.Article) -> tuple[Archive, Callable[[], tuple[Any, ...]]]:
    rel = archive.relations
    quotes = [QuoteRef(article.slug, q.id) for q in article.quotes]
    others = [*rel.stories.get(article.slug, ()), *(r.article for q in quotes for r in rel.also_quoted.get(q, ())),
              *(s.slug for n in article.notes for s in n.see if ("articles", s.slug) in archive.by_key)]
    return _restricted(archive, config_version, [article.slug, *others], ("articles", article.slug),
                       {"stories": [article.slug], "also_quoted": quotes})


def _entity_inputs(archive: Archive, config_version: object,
                   entity: m.Entity) -> tuple[Archive, Callable[[], tuple[Any, ...]]]:
    rel, key = archive.relations, (entity.collection, entity.slug)
    quotes = list(rel.quotes_by.get(key, ()))
    articles = [*rel.backlinks.get(key, ()), *(mc.article for mc in rel.mentions.get(key, ())),
                *(q.article for q in quotes), *(r.article for q in quotes for r in rel.also_quoted.get(q, ())),
                *(i.slug for i in rel.entity_timelines.get(key, ()) if i.collection == "articles"),
                *rel.reported_by.get(entity.slug, ()), *rel.background_in.get(entity.slug, ())]
    own = [key]
    return _restricted(archive, config_version, articles, key, {
        "backlinks": own, "mentions": own, "quotes_by": own, "co_mentions": own, "entity_timelines": own,
        "events_of": own, "reported_by": [entity.slug], "background_in": [entity.slug], "also_quoted": quotes})


def _published(view: Archive, spec: PageSpec) -> PageSpec:
    return replace(spec, context={**spec.context, "publish": page_publish(view, spec)})


def record_pages(archive: Archive, reuse: Reuse | None = None) -> list[PageSpec]:
    """The page of every article and entity, with its publishing metadata, planned only if its inputs changed."""
    pages = []
    config_version = reuse_or_compute(reuse, "config", (archive.config,), object)

    def planned(step: tuple[str, str, str], gather: Callable[[], tuple[Archive, Callable[[], tuple[Any, ...]]]],
                plan: Callable[[Archive], PageSpec]) -> PageSpec:
        if reuse is None:  # a single build: nothing to compare with, so nothing to gather
            return _published(archive, plan(archive))
        view, inputs = gather()
        return reuse.get(step, inputs(), lambda: _published(view, plan(view)))

    for article in archive.articles:
        pages.append(planned(("page", "articles", article.slug),
                             partial(_article_inputs, archive, config_version, article),
                             partial(article_page, article=article)))
    for entities in archive.entities.values():
        for entity in entities:
            pages.append(planned(("page", entity.collection, entity.slug),
                                 partial(_entity_inputs, archive, config_version, entity),
                                 partial(entity_page, entity=entity)))
    return pages
