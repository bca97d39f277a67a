"""Machine-readable exports: archive.json (the whole graph) and W3C Web Annotation collections."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from itertools import repeat
from typing import Any

from sitegen import fastjson
from sitegen import model as m
from sitegen.datasets import article_bodies, article_slugs, by_slug, slug_order
from sitegen.graph import Archive
from sitegen.render import Output
from sitegen.reuse import Reuse, reuse_or_compute
from sitegen.urls import page_path

ARCHIVE_FORMAT = 1
CHUNK = 200
"""Records per run that `serve` keeps encoded (archive.json) or collected (annotations)."""
CONTEXT_SIZE = 32
"""Characters of prefix/suffix given with each mention's TextQuoteSelector."""


def _dump(data: object) -> bytes:
    return (fastjson.dumps(data, indent=1) + "\n").encode("utf-8")  # json.dumps' bytes, sooner


def _ref(ref: m.Ref | None) -> str | None:
    return f"{ref.collection}/{ref.slug}" if ref else None


def _entity_record(archive: Archive, entity: m.Entity) -> dict[str, Any]:
    key = (entity.collection, entity.slug)
    record: dict[str, Any] = {"id": f"{entity.collection}/{entity.slug}", "name": entity.name,
                              "url": page_path(*key), "aliases": list(entity.aliases),
                              "description": entity.description, "stub": entity.stub}
    if isinstance(entity, m.Person):
        record["roles"] = [{"title": r.title, "organisation": _ref(r.organisation), "date": r.date}
                           for r in entity.roles]
    elif isinstance(entity, m.Organisation):
        record |= {"kind": entity.kind, "country": _ref(entity.country), "parent": _ref(entity.parent)}
    elif isinstance(entity, m.Place):
        record |= {"kind": entity.kind, "located_in": _ref(entity.located_in)}
    elif isinstance(entity, m.Event):
        record |= {"date": entity.date.start.iso if entity.date else None,
                   "end_date": entity.date.end.iso if entity.date and entity.date.end else None,
                   "precision": entity.date.start.precision if entity.date else None,
                   "circa": bool(entity.date and entity.date.circa), "date_basis": entity.date_basis,
                   "participants": [_ref(r) for r in entity.references()]}
    record["articles"] = [f"articles/{s}" for s in archive.relations.backlinks.get(key, ())]
    return record


def _article_record(archive: Archive, article: m.Article) -> dict[str, Any]:
    body = archive.bodies[("articles", article.slug)]
    return {
        "id": f"articles/{article.slug}", "url": page_path("articles", article.slug),
        "title": article.title, "subtitle": article.subtitle, "outlet": _ref(article.outlet),
        "byline": article.byline, "authors": [_ref(r) for r in article.authors],
        "published": article.published.iso if article.published else None,
        "language": article.language, "source_url": article.url or None, "summary": article.summary,
        "via": [_ref(r) for r in article.via],
        "references": [_ref(r) for r in article.references()],
        "events": [{"event": _ref(e.ref), "coverage": e.coverage} for e in article.events],
        "inferred": {i.field: {"basis": i.basis, "confidence": i.confidence} for i in article.inferred},
        "mentions": [{"entity": f"{mn.collection}/{mn.slug}", "id": mn.id, "paragraph": mn.block,
                      "start": mn.start, "end": mn.end, "linked": mn.linked, "explicit": mn.explicit,
                      "in_page": mn.placed}
                     for mn in body.mentions],
        "quotes": [{"id": q.id, "speaker": _ref(q.speaker), "exact": q.selector.exact,
                    "prefix": q.selector.prefix, "suffix": q.selector.suffix, "event": _ref(q.event),
                    "context": q.context, "reported_by": _ref(q.reported_by)} for q in article.quotes],
        "notes": [{"id": n.id, "kind": n.kind, "exact": n.selector.exact, "prefix": n.selector.prefix,
                   "suffix": n.selector.suffix, "text": n.text, "author": n.author, "date": n.date or None,
                   "see": [_ref(s) for s in n.see]} for n in article.notes],
        "also_covered_by": [f"articles/{s}" for s in archive.relations.stories.get(article.slug, ())],
    }


def _fragment(record: dict[str, Any]) -> bytes:
    """A record as it appears in archive.json's top-level lists: two levels deep at indent 1.

    JSON text has no raw newlines inside strings, so indenting every line is exact.
    """
    return fastjson.dumps(record, indent=1).replace("\n", "\n  ").encode("utf-8")


_MARKER = re.compile(r'"\\u0000(\d+)\\u0000"')


def _with_fragments(skeleton: dict[str, Any], fragments: list[bytes]) -> bytes:
    """_dump(data), where the records' places in `skeleton` hold markers and their JSON is in `fragments`.

    Each record is encoded on its own, so `serve` re-encodes only the records that changed.
    """
    parts = _MARKER.split(fastjson.dumps(skeleton, indent=1))
    out = []
    for index, part in enumerate(parts):
        out.append(fragments[int(part)] if index % 2 else part.encode("utf-8"))
    return b"".join(out) + b"\n"


def _run(archive: Archive, reuse: Reuse | None, records: tuple[Any, ...],
         inputs: Callable[[Any], tuple[Any, ...]]) -> bytes:
    """A run of records as they follow each other in one of archive.json's lists."""
    return b",\n  ".join([reuse_or_compute(reuse, ("archive.json", r.collection, r.slug), inputs(r),
                                            partial(_record_fragment, archive, r)) for r in records])


def _record_fragment(archive: Archive, record: m.Document) -> bytes:
    if isinstance(record, m.Article):
        return _fragment(_article_record(archive, record))
    assert isinstance(record, m.Entity)
    return _fragment(_entity_record(archive, record))


def archive_json(archive: Archive, reuse: Reuse | None = None) -> Output:
    """The whole graph in one stable, documented file (docs/archive-json.md)."""
    also = archive.relations.also_quoted
    stories, backlinks, bodies = archive.relations.stories, archive.relations.backlinks, archive.bodies
    fragments: list[bytes] = []

    def article_inputs(a: m.Article) -> tuple[Any, ...]:
        return (a, bodies[("articles", a.slug)], stories.get(a.slug, ()))

    def entity_inputs(e: m.Entity) -> tuple[Any, ...]:
        return (e, backlinks.get((e.collection, e.slug), ()))

    def markers(records: tuple[Any, ...], inputs: Callable[[Any], tuple[Any, ...]],
                columns: tuple[list[Any], ...] = ()) -> list[str]:
        """A marker per run of records: a run's fragment holds its records joined as the list joins items.

        `columns` hold, record by record, what `inputs` reads besides the record: a run is kept
        while its slices of them are the same objects, compared as whole tuples in C.
        """
        found = []
        for start in range(0, len(records), CHUNK):
            part = records[start:start + CHUNK]
            run = partial(_run, archive, reuse, part, inputs)
            fragments.append(run() if reuse is None else reuse.get(
                ("archive.json-run", part[0].collection, start),
                (part, *(tuple(c[start:start + CHUNK]) for c in columns)), run))
            found.append(f"\x00{len(fragments) - 1}\x00")
        return found

    if reuse is None:
        articles = markers(by_slug(archive, None), article_inputs)
        entities = {c: markers(tuple(sorted(es, key=lambda e: e.slug)), entity_inputs)
                    for c, es in archive.entities.items()}
        also_quoted = _also_quoted(also)
    else:
        order, slugs = slug_order(archive, reuse), article_slugs(archive, reuse)
        # The stories table is the very same dict while no story changed (relations_patch.py).
        stories_column = reuse.get(("archive.json", "stories"), (stories, slugs, order),
                                   lambda: list(map(stories.get, map(slugs.__getitem__, order), repeat(()))))
        articles = markers(tuple(map(archive.articles.__getitem__, order)), article_inputs,
                           (list(map(article_bodies(archive, reuse).__getitem__, order)), stories_column))
        entities = {}
        for c, es in archive.entities.items():
            ordered, keys = reuse.get(("archive.json-entities", c), (es,), partial(_by_slug_with_keys, es))
            entities[c] = markers(ordered, entity_inputs, (list(map(backlinks.get, keys, repeat(()))),))
        also_quoted = reuse.get(("archive.json", "also_quoted"), (also,), partial(_also_quoted, also))
    skeleton = {
        "format": ARCHIVE_FORMAT,
        "site": {"title": archive.config.title, "base_url": archive.config.base_url,
                 "language": archive.config.language},
        "articles": articles,
        **entities,
        "also_quoted": also_quoted,
    }
    # Kept whole while no run changed: at 10,000 articles the file is ~70 MB to join.
    return reuse_or_compute(reuse, "archive.json", (skeleton, *fragments),
                            lambda: Output("archive.json", _with_fragments(skeleton, fragments)))


def _by_slug_with_keys(entities: tuple[m.Entity, ...]) -> tuple[tuple[m.Entity, ...], list[tuple[str, str]]]:
    ordered = tuple(sorted(entities, key=lambda e: e.slug))
    return ordered, [(e.collection, e.slug) for e in ordered]


def _also_quoted(also: dict[Any, tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [{"quote": f"articles/{k.article}#quote-{k.quote}",
             "also": [f"articles/{r.article}#quote-{r.quote}" for r in v]}
            for k, v in sorted(also.items(), key=lambda kv: (kv[0].article, kv[0].quote))]


def _target(source: str, exact: str, prefix: str, suffix: str) -> dict[str, Any]:
    selector: dict[str, Any] = {"type": "TextQuoteSelector", "exact": exact}
    if prefix:
        selector["prefix"] = prefix
    if suffix:
        selector["suffix"] = suffix
    return {"type": "SpecificResource", "source": source, "selector": selector}


def annotation_collection(archive: Archive, article: m.Article) -> Output:
    """Every annotation of an article as a W3C Web Annotation AnnotationCollection."""
    base = archive.config.base_url.rstrip("/") + "/"
    source = base + page_path("articles", article.slug)
    body = archive.bodies[("articles", article.slug)]
    items: list[dict[str, Any]] = []
    for quote in article.quotes:
        items.append({
            "id": f"{source}#quote-{quote.id}", "type": "Annotation", "motivation": "identifying",
            "body": [{"type": "SpecificResource", "purpose": "identifying",
                      "source": base + page_path(quote.speaker.collection, quote.speaker.slug)},
                     {"type": "TextualBody", "purpose": "tagging", "value": "quotation"}],
            "target": _target(source, quote.selector.exact, quote.selector.prefix, quote.selector.suffix)})
    for note in article.notes:
        items.append({
            "id": f"{source}#note-{note.id}", "type": "Annotation", "motivation": "commenting",
            "creator": note.author or None, "created": note.date or None,
            "body": [{"type": "TextualBody", "purpose": "commenting", "format": "text/markdown",
                      "value": note.text},
                     {"type": "TextualBody", "purpose": "tagging", "value": note.kind}],
            "target": _target(source, note.selector.exact, note.selector.prefix, note.selector.suffix)})
    for mention in body.mentions:
        text = body.blocks[mention.block]
        items.append({
            "id": f"{source}#{mention.id}", "type": "Annotation", "motivation": "identifying",
            "body": {"type": "SpecificResource", "purpose": "identifying",
                     "source": base + page_path(mention.collection, mention.slug)},
            "target": _target(source, text[mention.start:mention.end],
                              text[max(0, mention.start - CONTEXT_SIZE):mention.start],
                              text[mention.end:mention.end + CONTEXT_SIZE])})
    for item in items:
        for key in ("creator", "created"):
            if key in item and item[key] is None:
                del item[key]
    collection_id = f"{base}annotations/{article.slug}.jsonld"
    data = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": collection_id, "type": "AnnotationCollection",
        "label": f"Annotations of “{article.title}”", "total": len(items),
        "first": {"id": f"{collection_id}#page-1", "type": "AnnotationPage", "startIndex": 0,
                  "items": items},
    }
    return Output(f"annotations/{article.slug}.jsonld", _dump(data))


def _annotations(archive: Archive, reuse: Reuse | None, articles: tuple[m.Article, ...]) -> list[Output]:
    base, bodies = archive.config.base_url, archive.bodies
    return [reuse_or_compute(reuse, ("annotations", a.slug), (a, bodies[("articles", a.slug)], base),
                             partial(annotation_collection, archive, a)) for a in articles]


def export_outputs(archive: Archive, reuse: Reuse | None = None) -> list[Output]:
    articles = archive.articles
    if reuse is None:
        return [archive_json(archive), *_annotations(archive, None, articles)]
    base, bodies = archive.config.base_url, article_bodies(archive, reuse)
    outputs = [archive_json(archive, reuse)]
    # Runs of articles, kept while their articles and bodies are the same objects: a rebuild
    # compares a few dozen runs in C instead of making a Reuse lookup per article.
    for start in range(0, len(articles), CHUNK):
        part = articles[start:start + CHUNK]
        inputs = (base, part, tuple(bodies[start:start + CHUNK]))
        outputs += reuse.get(("annotations-run", start), inputs, partial(_annotations, archive, reuse, part))
    return outputs
