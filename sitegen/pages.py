"""Plan every page of the site: its path, its template and its plain-data context."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from itertools import groupby
from operator import attrgetter
from typing import Any, TypeVar

from sitegen import model as m
from sitegen.graph import Archive
from sitegen.markdown import render_inline
from sitegen.relations import QuoteRef, TimelineItem
from sitegen.reuse import Reuse, reuse_or_compute
from sitegen.urls import page_path, relative
from sitegen.views import (
    LABELS,
    View,
    article_summary,
    date_view,
    entity_view,
    ref_view,
    timeline_entry,
)

T = TypeVar("T")
CHUNK = 200
"""Records per kept run of a listing: an edit recomputes one run, and a rebuild compares a few dozen."""


RUN = 64
"""Items compared at once by differing(): a slice each side and one tuple comparison, in C."""


def differing(old: Sequence[Any], new: Sequence[Any]) -> list[int]:
    """Positions, ascending, where two equally long sequences of the same type hold different items.

    Runs of RUN items are compared whole (tuple equality: identity first, then ==, in C), so
    equal items count as the same; inside a run that differs, only identity does.
    """
    positions: list[int] = []
    for start in range(0, len(new), RUN):
        end = start + RUN
        if old[start:end] != new[start:end]:
            positions += [i for i in range(start, min(end, len(new))) if old[i] is not new[i]]
    return positions


@dataclass(frozen=True, slots=True)
class PageSpec:
    path: str
    """Site path: '' for home, 'people/x/' (written as people/x/index.html) or a file like '404.html'."""
    template: str
    context: dict[str, Any]


def _quote_view(archive: Archive, article: m.Article, quote: m.Quote) -> View:
    also = archive.relations.also_quoted.get(QuoteRef(article.slug, quote.id), ())
    return {"id": quote.id, "exact": quote.selector.exact,
            "speaker": ref_view(archive, quote.speaker), "context": quote.context,
            "event": ref_view(archive, quote.event), "reported_by": ref_view(archive, quote.reported_by),
            "also_quoted": [{"article": article_summary(archive, r.article), "id": r.quote} for r in also]}


def article_page(archive: Archive, article: m.Article) -> PageSpec:
    body = archive.bodies[("articles", article.slug)]
    numbers = dict(body.note_numbers)
    here = page_path("articles", article.slug)

    def url(collection: str, slug: str) -> str | None:
        return relative(here, page_path(collection, slug)) if (collection, slug) in archive.by_key else None

    groups = []
    for collection, refs in (("people", article.people), ("organisations", article.organisations),
                             ("places", article.places)):
        if refs:
            groups.append({"collection": collection, "label": LABELS[collection],
                           "items": [ref_view(archive, r) for r in refs]})
    events = [{**entity_view(archive, "events", e.ref.slug), "coverage": e.coverage} for e in article.events]
    notes = [{"id": n.id, "number": numbers.get(n.id), "kind": n.kind, "exact": n.selector.exact,
              "html": render_inline(n.text, {"entity_url": url}), "author": n.author, "date": n.date,
              "see": [article_summary(archive, s.slug) for s in n.see if ("articles", s.slug) in archive.by_key]}
             for n in sorted(article.notes, key=lambda n: numbers.get(n.id, 10**6))]
    capture = None
    if article.capture:
        capture = {"file": article.capture.file,
                   "removed": [{"line": r.line, "text": r.text, "kind": r.kind} for r in article.capture.removed]}
    context = {
        "article": {**article_summary(archive, article.slug), "language": article.language,
                    "url": article.url, "authors": [ref_view(archive, r) for r in article.authors],
                    "outlet_entity": ref_view(archive, article.outlet),
                    "via": [ref_view(archive, r) for r in article.via],
                    "inferred": [{"field": i.field, "basis": i.basis, "confidence": i.confidence}
                                 for i in article.inferred],
                    "capture": capture},
        "body_html": body.html,
        "groups": groups,
        "events": events,
        "quotes": [_quote_view(archive, article, q) for q in article.quotes],
        "notes": notes,
        "also_covered": [article_summary(archive, s) for s in archive.relations.stories.get(article.slug, ())],
        "annotations_path": f"annotations/{article.slug}.jsonld",
    }
    return PageSpec(here, "article.html", context)


def _entity_fields(archive: Archive, entity: m.Entity) -> list[View]:
    fields: list[View] = []

    def add(label: str, value: object = None, link: View | None = None) -> None:
        if value or link:
            fields.append({"label": label, "value": value or "", "link": link})

    if isinstance(entity, m.Event) and entity.date:
        add("Date", entity.date.display)
        add("Precision", entity.date.start.precision + (" (approximate)" if entity.date.circa else ""))
        add("How the date is known", entity.date_basis)
    if isinstance(entity, m.Organisation):
        add("Kind", entity.kind.replace("-", " ").capitalize())
        add("Country", link=ref_view(archive, entity.country))
        add("Part of", link=ref_view(archive, entity.parent))
    if isinstance(entity, m.Place):
        add("Kind", entity.kind.replace("-", " ").capitalize())
        add("Located in", link=ref_view(archive, entity.located_in))
    add("Also known as", ", ".join(entity.aliases))
    return fields


def entity_page(archive: Archive, entity: m.Entity) -> PageSpec:
    rel = archive.relations
    key = (entity.collection, entity.slug)
    backlinks = [article_summary(archive, s) for s in rel.backlinks.get(key, ())]
    dated = [a["published"] for a in backlinks if a["published"]]
    mentions = [{"article": article_summary(archive, mc.article), "id": mc.id,
                 "before": mc.sentence[:mc.start], "match": mc.sentence[mc.start:mc.end],
                 "after": mc.sentence[mc.end:]} for mc in rel.mentions.get(key, ())]
    quotes = []
    for ref in rel.quotes_by.get(key, ()):
        article = archive.get("articles", ref.article)
        assert isinstance(article, m.Article)
        quote = next(q for q in article.quotes if q.id == ref.quote)
        quotes.append({**_quote_view(archive, article, quote), "article": article_summary(archive, ref.article)})
    context = {
        "entity": {**entity_view(archive, entity.collection, entity.slug),
                   "fields": _entity_fields(archive, entity),
                   "roles": [{"title": r.title, "organisation": ref_view(archive, r.organisation), "date": r.date}
                             for r in getattr(entity, "roles", ())],
                   "participants": [ref_view(archive, r) for r in entity.references()]
                   if isinstance(entity, m.Event) else []},
        "body_html": archive.bodies[key].html,
        "backlinks": backlinks,
        "stats": {"articles": len(backlinks), "mentions": len(mentions),
                  "first": min(dated, key=lambda d: d["iso"]) if dated else None,
                  "last": max(dated, key=lambda d: d["iso"]) if dated else None},
        "mentions": mentions,
        "quotes": quotes,
        "co_mentions": [{**entity_view(archive, *k), "count": n} for k, n in rel.co_mentions.get(key, ())[:12]],
        "timeline": [timeline_entry(archive, i.collection, i.slug, i.sort_key)
                     for i in rel.entity_timelines.get(key, ())],
        "events": [entity_view(archive, "events", s) for s in rel.events_of.get(key, ())],
        "reported_by": [article_summary(archive, s) for s in rel.reported_by.get(entity.slug, ())]
        if entity.collection == "events" else [],
        "background_in": [article_summary(archive, s) for s in rel.background_in.get(entity.slug, ())]
        if entity.collection == "events" else [],
    }
    return PageSpec(page_path(entity.collection, entity.slug), "entity.html", context)


def _by_year(entries: list[View]) -> list[View]:
    return [{"year": year, "items": list(items)} for year, items in groupby(entries, key=lambda e: e["year"])]


def _settled(reuse: Reuse, step: Hashable, inputs: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """Reuse.get, but a value recomputed equal to the last one is the last one itself.

    So a listing built from it is kept whole (its inputs compare identity first), and the
    render memo finds the very context object it digested last time.
    """
    last = reuse.kept(step, ())  # (inputs, value) of the last build, whatever its inputs were
    if last is not None and last[0] == inputs:
        value = last[1]
    else:
        value = compute()
        if last is not None and last[1] == value:
            value = last[1]
    reuse.keep(step, (), (inputs, value))
    return value


def _chunked(reuse: Reuse | None, step: str, records: tuple[Any, ...],
             inputs: Callable[[tuple[Any, ...]], tuple[Any, ...]],
             compute: Callable[[tuple[Any, ...]], list[View]]) -> list[list[View]]:
    """compute(records) in runs of CHUNK, each kept while `inputs` of its records are the same objects."""
    if reuse is None:
        return [compute(records)]
    return [_settled(reuse, (step, start), inputs(records[start:start + CHUNK]),
                     partial(compute, records[start:start + CHUNK])) for start in range(0, len(records), CHUNK)]


def _flat(chunks: list[list[View]]) -> list[View]:
    return [view for chunk in chunks for view in chunk]


def _listing(archive: Archive, reuse: Reuse | None, path: str, inputs: tuple[Any, ...],
             plan: Callable[[], PageSpec]) -> PageSpec:
    """plan(); in `serve`, with its publishing metadata, kept whole while `inputs` are the same."""
    if reuse is None:
        return plan()
    from sitegen.seo import page_publish  # seo imports this module; a listing's metadata reads the config only

    def published() -> PageSpec:
        spec = plan()
        return replace(spec, context={**spec.context, "publish": page_publish(archive, spec)})
    return _settled(reuse, ("listing", path), (archive.config, *inputs), published)


def _outlet_name(archive: Archive, article: m.Article) -> str:
    return archive.name((article.outlet.collection, article.outlet.slug)) if article.outlet else ""


def _article_items(archive: Archive, reuse: Reuse | None, articles: tuple[m.Article, ...]) -> list[View]:
    def item(a: m.Article) -> View:
        return {**article_summary(archive, a.slug), "year": a.published.year if a.published else "Undated"}
    # An item reads its article and its outlet's name (views.article_summary).
    return [reuse_or_compute(reuse, ("list-item", a.slug), (a, _outlet_name(archive, a)), partial(item, a))
            for a in articles]


def _entity_items(archive: Archive, collection: str, entities: tuple[m.Entity, ...]) -> list[View]:
    if collection == "events":
        return [{**entity_view(archive, collection, e.slug), "count": None,
                 "year": e.date.start.year if isinstance(e, m.Event) and e.date else "Undated"}
                for e in entities]
    return [{**entity_view(archive, collection, e.slug),
             "year": (e.sort_key[:1].upper() if e.sort_key[:1].isalpha() else "#"),
             "count": len(archive.relations.backlinks.get((collection, e.slug), ()))}
            for e in entities]


def _list_page(collection: str, chunks: list[list[View]]) -> PageSpec:
    items = _flat(chunks)
    return PageSpec(f"{collection}/", "list.html", {
        "collection": collection, "title": LABELS[collection], "groups": _by_year(items), "count": len(items)})


def index_pages(archive: Archive, reuse: Reuse | None = None) -> list[PageSpec]:
    """The list page of each collection; `serve` recomputes only the runs of records that changed."""
    version = archive.names_version  # stands for every entity, so for each article's outlet name
    chunks = _chunked(reuse, "list-articles", archive.articles, lambda part: (version, part),
                      partial(_article_items, archive, reuse))
    pages = [_listing(archive, reuse, "articles/", tuple(chunks), partial(_list_page, "articles", chunks))]
    backlinks = archive.relations.backlinks
    for collection, entities in archive.entities.items():
        if collection == "events":
            ordered = tuple(sorted(entities, key=lambda e: (e.date.sort_key if isinstance(e, m.Event) and e.date
                                                            else (9999, 0, 0, 0), e.slug)))
            chunks = _chunked(reuse, "list-events", ordered, lambda part: part,
                              partial(_entity_items, archive, collection))
        else:
            def counted(part: tuple[m.Entity, ...], collection: str = collection) -> tuple[Any, ...]:
                return (part, tuple([len(backlinks.get((collection, e.slug), ())) for e in part]))
            chunks = _chunked(reuse, f"list-{collection}", entities, counted,
                              partial(_entity_items, archive, collection))
        pages.append(_listing(archive, reuse, f"{collection}/", tuple(chunks),
                              partial(_list_page, collection, chunks)))
    return pages


def _timeline_filters(archive: Archive, entries: list[View]) -> list[View]:
    """Entities the timeline can be narrowed to, per collection, most frequent first."""
    counts: dict[str, int] = {}
    for entry in entries:
        for key in entry["entities"]:
            counts[key] = counts.get(key, 0) + 1
    filters = []
    for collection in m.ENTITY_COLLECTIONS:
        items = [{"key": key, "name": archive.name((collection, key.split("/", 1)[1])), "count": n}
                 for key, n in counts.items() if key.startswith(collection + "/")]
        if items:
            filters.append({"collection": collection, "label": LABELS[collection],
                            "items": sorted(items, key=lambda i: (-i["count"], i["name"].casefold()))})
    return filters


def _year_axis(entries: list[View]) -> list[View]:
    """Every year from the first to the last, empty ones too, so the axis is to scale."""
    per_year: dict[int, list[View]] = {}
    for entry in entries:
        per_year.setdefault(entry["year"], []).append(entry)
    if not per_year:
        return []
    return [{"year": y, "events": sum(e["collection"] == "events" for e in per_year.get(y, ())),
             "articles": sum(e["collection"] == "articles" for e in per_year.get(y, ()))}
            for y in range(min(per_year), max(per_year) + 1)]


def _timeline_entries(archive: Archive, reuse: Reuse | None, items: tuple[TimelineItem, ...]) -> list[View]:
    def entry(i: TimelineItem) -> View:
        return timeline_entry(archive, i.collection, i.slug, i.sort_key)
    if reuse is None:
        return [entry(i) for i in items]
    # An entry reads its record, its year and, for an article, its outlet's name (views.timeline_entry).
    entries = []
    for i in items:
        record = archive.get(i.collection, i.slug)
        outlet = _outlet_name(archive, record) if isinstance(record, m.Article) else ""
        entries.append(reuse.get(("timeline-entry", i.collection, i.slug), (record, i.sort_key[0], outlet),
                                 partial(entry, i)))
    return entries


def _timeline_spec(archive: Archive, chunks: list[list[View]]) -> PageSpec:
    entries = _flat(chunks)
    axis = _year_axis(entries)
    return PageSpec("timeline/", "timeline.html", {
        "groups": _by_year(entries), "count": len(entries), "axis": axis,
        "filters": _timeline_filters(archive, entries),
        "busiest": max((y["events"] + y["articles"] for y in axis), default=0)})


_item_key = attrgetter("collection", "slug")


def timeline_page(archive: Archive, reuse: Reuse | None = None) -> PageSpec:
    by_key, version = archive.by_key, archive.names_version
    chunks = _chunked(reuse, "timeline", archive.relations.timeline,
                      lambda part: (version, part, tuple(map(by_key.__getitem__, map(_item_key, part)))),
                      partial(_timeline_entries, archive, reuse))
    # The filters name entities, so names_version keys the page as well as its entries.
    return _listing(archive, reuse, "timeline/", (version, *chunks), partial(_timeline_spec, archive, chunks))


def _dated_ends(articles: tuple[m.Article, ...]) -> tuple[m.Article, ...]:
    """The newest and the oldest dated article: the ends of the dated run of the newest-first order."""
    if not articles or articles[0].published is None:
        return ()
    end = len(articles) - 1
    while articles[end].published is None:  # the undated come last
        end -= 1
    return articles[0], articles[end]


def _home_spec(archive: Archive, ends: tuple[m.Article, ...]) -> PageSpec:
    counts = [{"collection": c, "label": LABELS[c], "path": f"{c}/",
               "count": len(archive.articles) if c == "articles" else len(archive.entities.get(c, ()))}
              for c in m.COLLECTIONS]
    # Dates with equal sort keys are equal (dates.PartialDate): the ends give min and max exactly.
    span = {"first": date_view(ends[1].published), "last": date_view(ends[0].published)} if ends else None
    return PageSpec("", "home.html", {
        "latest": [article_summary(archive, a.slug) for a in archive.articles[:10]],
        "counts": counts, "span": span})


def home_page(archive: Archive, reuse: Reuse | None = None) -> PageSpec:
    ends = _dated_ends(archive.articles)
    counts = tuple(len(archive.entities.get(c, ())) for c in m.COLLECTIONS)
    return _listing(archive, reuse, "", (archive.names_version, ends, len(archive.articles), counts,
                                         *archive.articles[:10]), partial(_home_spec, archive, ends))


def plan_pages(archive: Archive, record_pages: Callable[[Archive], list[PageSpec]] | None = None,
               reuse: Reuse | None = None) -> list[PageSpec]:
    """Every HTML page of the site, in a stable order; `record_pages` plans the article and entity pages,
    and the listings keep their pieces in `reuse` (`serve`)."""
    pages = [home_page(archive, reuse), timeline_page(archive, reuse), *index_pages(archive, reuse)]
    if record_pages is not None:
        pages += record_pages(archive)
    else:
        pages += [article_page(archive, a) for a in archive.articles]
        for entities in archive.entities.values():
            pages += [entity_page(archive, e) for e in entities]
    pages.append(PageSpec("404.html", "404.html", {}))
    return pages
