"""Views: plain-data summaries of records, the only shapes templates see."""

from __future__ import annotations

from typing import Any

from sitegen import model as m
from sitegen.graph import Archive
from sitegen.urls import page_path

LABELS = {"articles": "Articles", "people": "People", "organisations": "Organisations",
          "places": "Places", "events": "Events"}
ORG_KIND_LABELS = {"armed-forces": "Armed forces", "news-agency": "News agency",
                   "armed-group": "Armed group", "international": "International body"}

View = dict[str, Any]


def date_view(date: m.PartialDate | None) -> View | None:
    if date is None:
        return None
    return {"display": date.display, "iso": date.iso, "precision": date.precision}


def entity_view(archive: Archive, collection: str, slug: str) -> View:
    known = archive.views.get((collection, slug))
    if known is not None:
        return dict(known)  # a copy: a caller may add keys; nested values are never changed
    entity = archive.get(collection, slug)
    assert isinstance(entity, m.Entity)
    view: View = {"collection": collection, "slug": slug, "name": entity.name,
                  "path": page_path(collection, slug), "description": entity.description,
                  "stub": entity.stub, "kind": m.SINGULAR[collection], "date": None}
    if isinstance(entity, m.Event) and entity.date:
        view["date"] = {"display": entity.date.display, "iso": entity.date.iso,
                        "precision": entity.date.start.precision}
    archive.views[(collection, slug)] = view
    return dict(view)


def ref_view(archive: Archive, ref: m.Ref | None) -> View | None:
    return entity_view(archive, ref.collection, ref.slug) if ref else None


def article_summary(archive: Archive, slug: str) -> View:
    known = archive.views.get(("articles", slug))
    if known is not None:
        return dict(known)  # a copy: a caller may add keys; nested values are never changed
    article = archive.get("articles", slug)
    assert isinstance(article, m.Article)
    outlet = archive.name((article.outlet.collection, article.outlet.slug)) if article.outlet else ""
    view = {"slug": slug, "path": page_path("articles", slug), "title": article.title,
            "subtitle": article.subtitle, "outlet": outlet, "published": date_view(article.published),
            "summary": article.summary, "byline": article.byline}
    archive.views[("articles", slug)] = view
    return dict(view)


def timeline_entry(archive: Archive, collection: str, slug: str, sort_key: tuple[int, ...]) -> View:
    """One item of a timeline; built once per build and shared, since pages never change their views."""
    record = archive.get(collection, slug)  # read first: a page may only see entries of records it gathered
    known = archive.views.get(("timeline", collection, slug, sort_key[0]))  # type: ignore[arg-type]
    if known is not None:
        return known
    # "entities": who and what the item involves, as "collection/slug", for the timeline's filter.
    involved = [f"{r.collection}/{r.slug}" for r in record.references()]
    if collection == "articles":
        summary = article_summary(archive, slug)
        entry = {"collection": collection, "year": sort_key[0], "title": summary["title"],
                 "path": summary["path"], "date": summary["published"], "detail": summary["outlet"],
                 "entities": list(dict.fromkeys(involved))}
    else:
        entity = entity_view(archive, collection, slug)
        entry = {"collection": collection, "year": sort_key[0], "title": entity["name"],
                 "path": entity["path"], "date": entity.get("date"), "detail": entity["description"],
                 "entities": list(dict.fromkeys([f"{collection}/{slug}", *involved]))}
    archive.views[("timeline", collection, slug, sort_key[0])] = entry  # type: ignore[index]
    return entry
