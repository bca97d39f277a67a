"""Downloads: every collection and relation as CSV and JSON tables, described by a datapackage.json.

The tables follow Frictionless Data's Table Schema, so spreadsheets, pandas, R or
`frictionless validate` can read them without guessing. Ids are the same
"collection/slug" strings archive.json uses. List values are JSON arrays in the JSON
files and "; "-separated text in the CSV files (spreadsheets have no arrays).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import repeat
from operator import attrgetter
from typing import Any

from sitegen import fastjson
from sitegen import model as m
from sitegen.bodies import Body
from sitegen.graph import Archive
from sitegen.render import Output
from sitegen.reuse import Reuse, reuse_or_compute
from sitegen.urls import page_path

DATA_DIR = "data"
_slug = attrgetter("slug")
CHUNK = 200
"""Records per run of a table that `serve` keeps encoded: an edit re-encodes one run."""
LIST_SEPARATOR = "; "
DATE_NOTE = "ISO 8601 at the precision known: YYYY, YYYY-MM or YYYY-MM-DD"
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    description: str
    type: str = "string"
    """Table Schema type: string, integer, boolean, or 'list' (array in JSON, joined text in CSV)."""


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    records: Callable[[Archive], list[Any]]
    """The records the table lists, in order; each gives zero or more rows."""
    rows: Callable[[Archive, Any], Iterator[Row]]
    """A record's rows: a pure function of the record and of what `inputs` returns."""
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    """(field, table, field of that table)."""
    inputs: Callable[[Archive, Any], tuple[Any, ...]] | None = None
    """What a record's rows read: the record and more; None for the record alone."""


def by_slug(archive: Archive, reuse: Reuse | None) -> tuple[m.Article, ...]:
    """The articles in slug order; `serve` keeps the order while the slugs are the same."""
    if reuse is None or len(archive.articles) < 2:
        return tuple(sorted(archive.articles, key=lambda a: a.slug))
    return tuple(map(archive.articles.__getitem__, slug_order(archive, reuse)))


def article_slugs(archive: Archive, reuse: Reuse) -> tuple[str, ...]:
    """The articles' slugs in archive order, made once per build (the articles are the same tuple)."""
    return reuse.get("article-slugs", (archive.articles,), lambda: tuple(map(_slug, archive.articles)))


def slug_order(archive: Archive, reuse: Reuse) -> list[int]:
    """Positions of the articles in slug order, kept while the slugs are the same."""
    slugs = article_slugs(archive, reuse)
    return reuse.get("slug-order", (slugs,), lambda: sorted(range(len(slugs)), key=slugs.__getitem__))


def article_bodies(archive: Archive, reuse: Reuse) -> list[Body]:
    """The articles' bodies in archive order, looked up in C: runs of articles are keyed by slices of it."""
    slugs = article_slugs(archive, reuse)
    keys = reuse.get("article-keys", (slugs,), lambda: list(zip(repeat("articles"), slugs)))
    bodies = archive.bodies
    return reuse.get("article-bodies", (bodies, keys), lambda: list(map(bodies.__getitem__, keys)))


def _ref(ref: m.Ref | None) -> str:
    return f"{ref.collection}/{ref.slug}" if ref else ""


def _date(date: m.PartialDate | None) -> tuple[str, str]:
    return (date.iso, date.precision) if date else ("", "")


def _sorted_articles(archive: Archive) -> list[m.Article]:
    return sorted(archive.articles, key=lambda a: a.slug)


def _sorted(collection: str) -> Callable[[Archive], list[Any]]:
    return lambda archive: sorted(archive.entities.get(collection, ()), key=lambda e: e.slug)


def _articles(archive: Archive, a: m.Article) -> Iterator[Row]:
    published, precision = _date(a.published)
    yield {"id": f"articles/{a.slug}", "title": a.title, "subtitle": a.subtitle,
           "outlet": _ref(a.outlet), "byline": a.byline, "authors": [_ref(r) for r in a.authors],
           "published": published, "precision": precision, "language": a.language,
           "summary": a.summary, "source_url": a.url, "via": [_ref(r) for r in a.via],
           "page": page_path("articles", a.slug), "quotes": len(a.quotes), "notes": len(a.notes)}


def _backlink_count(archive: Archive, e: m.Entity) -> tuple[Any, ...]:
    return (e, len(archive.relations.backlinks.get((e.collection, e.slug), ())))


def _entities(collection: str) -> Callable[[Archive, m.Entity], Iterator[Row]]:
    def rows(archive: Archive, e: m.Entity) -> Iterator[Row]:
        key = (e.collection, e.slug)
        row: Row = {"id": f"{collection}/{e.slug}", "name": e.name, "aliases": list(e.aliases),
                    "description": e.description, "page": page_path(*key),
                    "articles": len(archive.relations.backlinks.get(key, ())), "stub": e.stub}
        if isinstance(e, m.Person):
            row["sort_as"] = e.sort_as
        if isinstance(e, m.Organisation):
            row |= {"kind": e.kind, "country": _ref(e.country), "parent": _ref(e.parent),
                    "url": e.url}
        if isinstance(e, m.Place):
            row |= {"kind": e.kind, "located_in": _ref(e.located_in)}
        if isinstance(e, m.Event):
            row["date"], row["precision"] = _date(e.date.start if e.date else None)
            row["end_date"] = e.date.end.iso if e.date and e.date.end else ""
            row |= {"circa": bool(e.date and e.date.circa), "date_basis": e.date_basis}
        yield row
    return rows


def _references(archive: Archive, a: m.Article) -> Iterator[Row]:
    coverage = {e.ref.slug: e.coverage for e in a.events}
    roles = [*(("people", r) for r in a.people), *(("organisations", r) for r in a.organisations),
             *(("places", r) for r in a.places), *(("events", e.ref) for e in a.events),
             *(("outlet", r) for r in (a.outlet,) if r), *(("author", r) for r in a.authors),
             *(("via", r) for r in a.via)]
    for role, ref in roles:
        yield {"article": f"articles/{a.slug}", "entity": _ref(ref), "role": role,
               "coverage": coverage.get(ref.slug, "") if role == "events" else ""}


def _quotes(archive: Archive, a: m.Article) -> Iterator[Row]:
    for q in a.quotes:
        yield {"id": f"articles/{a.slug}#quote-{q.id}", "article": f"articles/{a.slug}",
               "speaker": _ref(q.speaker), "text": q.selector.exact, "event": _ref(q.event),
               "context": q.context, "reported_by": _ref(q.reported_by)}


def _roles(archive: Archive, p: m.Entity) -> Iterator[Row]:
    for r in getattr(p, "roles", ()):
        yield {"person": f"people/{p.slug}", "title": r.title, "organisation": _ref(r.organisation),
               "date": r.date}


def _participants(archive: Archive, e: m.Entity) -> Iterator[Row]:
    for ref in e.references():
        yield {"event": f"events/{e.slug}", "entity": _ref(ref)}


ID = Field("id", "Stable id, 'collection/slug', as in archive.json")
NAME = (ID, Field("name", "Display name"), Field("aliases", "Other names used in the texts", "list"),
        Field("description", "One-line description"), Field("page", "Page path relative to the site"),
        Field("articles", "Number of articles referring to it", "integer"),
        Field("stub", "Referenced but without a record of its own", "boolean"))
TABLES = (
    Table("articles", "Articles", "Every published article of the archive.", (
        ID, Field("title", "Headline"), Field("subtitle", "Sub-headline"),
        Field("outlet", "Organisation id of the publishing outlet"), Field("byline", "Byline as printed"),
        Field("authors", "Person ids of the writers", "list"), Field("published", DATE_NOTE),
        Field("precision", "year, month or day"), Field("language", "BCP 47 language tag"),
        Field("summary", "One or two sentences"), Field("source_url", "Original web address"),
        Field("via", "Organisation ids credited as the source", "list"),
        Field("page", "Page path relative to the site"), Field("quotes", "Quotations", "integer"),
        Field("notes", "Editorial notes", "integer")), _sorted_articles, _articles, ("id",)),
    Table("people", "People", "Everyone the articles refer to.",
          (*NAME, Field("sort_as", "A–Z key")), _sorted("people"), _entities("people"), ("id",),
          inputs=_backlink_count),
    Table("organisations", "Organisations", "Organisations, outlets and agencies.",
          (*NAME, Field("kind", "government, outlet, news-agency, …"), Field("country", "Place id"),
           Field("parent", "Organisation id"), Field("url", "Web address")),
          _sorted("organisations"), _entities("organisations"), ("id",), inputs=_backlink_count),
    Table("places", "Places", "Countries, regions, cities and sites.",
          (*NAME, Field("kind", "country, region, city, …"), Field("located_in", "Place id")),
          _sorted("places"), _entities("places"), ("id",), inputs=_backlink_count),
    Table("events", "Events", "Events, dated at the precision known.",
          (*NAME, Field("date", DATE_NOTE), Field("precision", "year, month or day"),
           Field("end_date", DATE_NOTE), Field("circa", "The date is approximate", "boolean"),
           Field("date_basis", "How the date was established")), _sorted("events"), _entities("events"),
          ("id",), inputs=_backlink_count),
    Table("references", "Article references", "Which article refers to which entity, and how.",
          (Field("article", "Article id"), Field("entity", "Entity id"),
           Field("role", "people, organisations, places, events, outlet, author or via"),
           Field("coverage", "For events: reported (the article's news) or background")),
          _sorted_articles, _references, (), (("article", "articles", "id"),)),
    Table("quotes", "Quotations", "Every attributed quotation, with its speaker.",
          (Field("id", "Article id and the quote's fragment"), Field("article", "Article id"),
           Field("speaker", "Person or organisation id"), Field("text", "The exact words"),
           Field("event", "Event id of the occasion"), Field("context", "Free text"),
           Field("reported_by", "Organisation id credited for the quote")),
          _sorted_articles, _quotes, ("id",), (("article", "articles", "id"),)),
    Table("roles", "Roles", "The roles people hold, as the texts give them.",
          (Field("person", "Person id"), Field("title", "Role"),
           Field("organisation", "Organisation id"), Field("date", "When the role is attested")),
          _sorted("people"), _roles, (), (("person", "people", "id"),)),
    Table("event_participants", "Event participants", "People, organisations and places of events.",
          (Field("event", "Event id"), Field("entity", "Entity id")), _sorted("events"), _participants, (),
          (("event", "events", "id"),)),
)


def _csv_lines(table: Table, rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        cells = []
        for f in table.fields:
            value = row.get(f.name, "")
            if f.type == "list":
                value = LIST_SEPARATOR.join(value)
            elif f.type == "boolean":
                value = "true" if value else "false"
            cells.append(value)
        writer.writerow(cells)
    return buffer.getvalue()


def _json_items(table: Table, rows: list[Row]) -> tuple[str, ...]:
    """Each row as json.dumps(indent=1) writes it as an item of the top-level list."""
    return tuple(fastjson.dumps({f.name: row.get(f.name, [] if f.type == "list" else "") for f in table.fields},
                                indent=1).replace("\n", "\n ") for row in rows)


def _encoded(archive: Archive, table: Table, record: Any) -> tuple[str, tuple[str, ...]]:
    """One record's CSV lines and JSON items: files are joined from these, kept per record by `serve`."""
    rows = list(table.rows(archive, record))
    return _csv_lines(table, rows), _json_items(table, rows)


def _chunk(archive: Archive, table: Table, reuse: Reuse | None, records: tuple[Any, ...]) -> tuple[bytes, bytes]:
    """A run of records' CSV lines, and their JSON items joined as in the file (b"" if none)."""
    parts = [reuse_or_compute(reuse, ("dataset", table.name, record.collection, record.slug),
                              table.inputs(archive, record) if table.inputs else (record,),
                              partial(_encoded, archive, table, record))
             for record in records]
    items = [item for _, record_items in parts for item in record_items]
    return "".join([lines for lines, _ in parts]).encode("utf-8"), ",\n ".join(items).encode("utf-8")


def _table_files(archive: Archive, table: Table, reuse: Reuse | None, records: tuple[Any, ...],
                 column: list[Any] | None = None) -> tuple[bytes, bytes]:
    """The table's CSV and JSON files; `column` holds, record by record, what `table.inputs` adds."""
    if reuse is None:
        chunks = [_chunk(archive, table, None, records)]
    else:
        # Runs of records, each kept while its records (and their `column` values) are the same
        # objects: a rebuild compares the runs as whole tuples, in C, and re-encodes only the run
        # an edit is in.
        chunks = [reuse.get(("dataset-run", table.name, start),
                            (part, tuple(column[start:start + CHUNK])) if column is not None else part,
                            partial(_chunk, archive, table, reuse, part))
                  for start in range(0, len(records), CHUNK) for part in (records[start:start + CHUNK],)]
    # Joined again only when a run's bytes changed: equal runs compare in C, at memory speed.
    return reuse_or_compute(reuse, ("dataset-files", table.name), tuple(chunks), partial(_joined, table, chunks))


def _joined(table: Table, chunks: list[tuple[bytes, bytes]]) -> tuple[bytes, bytes]:
    header = (",".join(f.name for f in table.fields) + "\r\n").encode("utf-8")  # plain identifiers
    items = [json_part for _, json_part in chunks if json_part]
    json_data = b"[\n " + b",\n ".join(items) + b"\n]\n" if items else b"[]\n"
    return b"".join([header, *(csv_part for csv_part, _ in chunks)]), json_data


def _schema(table: Table, fmt: str) -> dict[str, Any]:
    fields = []
    for f in table.fields:
        field: dict[str, Any] = {"name": f.name, "description": f.description,
                                 "type": "array" if f.type == "list" else f.type}
        if f.type == "list" and fmt == "csv":
            field |= {"type": "string", "description": f"{f.description} (separated by '; ')"}
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": field, "reference": {"resource": f"{other}-{fmt}", "fields": other_field}}
            for field, other, other_field in table.foreign_keys]
    return schema


def _backlink_counts(archive: Archive, entities: tuple[m.Entity, ...]) -> list[int]:
    """What _backlink_count adds to each entity, for a whole table at once."""
    backlinks = archive.relations.backlinks
    keys = [(e.collection, e.slug) for e in entities]
    return list(map(len, map(backlinks.get, keys, repeat(()))))


def _records(archive: Archive, table: Table, reuse: Reuse | None) -> tuple[Any, ...]:
    if table.records is _sorted_articles:
        return by_slug(archive, reuse)
    if reuse is None:
        return tuple(table.records(archive))
    # Entity tables are sorted again only when an entity changed (the groups are the same tuples).
    return reuse.get(("dataset-records", table.name), tuple(archive.entities.values()),
                     lambda: tuple(table.records(archive)))


def dataset_outputs(archive: Archive, reuse: Reuse | None = None) -> list[Output]:
    """data/<table>.csv and .json for every table, and datapackage.json describing them all."""
    outputs: list[Output] = []
    ordered: dict[Callable[[Archive], list[Any]], tuple[Any, ...]] = {}  # tables share their records' order
    for table in TABLES:
        if table.records not in ordered:
            ordered[table.records] = _records(archive, table, reuse)
        records = ordered[table.records]
        column = None
        if reuse is not None and table.inputs is _backlink_count:
            column = reuse.get(("dataset-counts", table.name), (records, archive.relations.backlinks),
                               partial(_backlink_counts, archive, records))
        files = _table_files(archive, table, reuse, records, column)
        outputs += [Output(f"{DATA_DIR}/{table.name}.csv", files[0]),
                    Output(f"{DATA_DIR}/{table.name}.json", files[1])]
    config = archive.config
    return [*outputs, reuse_or_compute(reuse, "datapackage.json", (config.title, config.description, config.base_url),
                                       partial(_datapackage, config.title, config.description, config.base_url))]


def _datapackage(title: str, description: str, homepage: str) -> Output:
    resources: list[dict[str, Any]] = []
    for table in TABLES:
        for fmt, media in (("csv", "text/csv"), ("json", "application/json")):
            resources.append({
                "name": f"{table.name}-{fmt}", "path": f"{DATA_DIR}/{table.name}.{fmt}",
                "title": f"{table.title} ({fmt.upper()})", "description": table.description, "format": fmt,
                "mediatype": media, "encoding": "utf-8", "profile": "tabular-data-resource",
                "schema": _schema(table, fmt)})
    resources.append({"name": "archive", "path": "archive.json", "format": "json",
                      "mediatype": "application/json", "profile": "data-resource",
                      "title": "The whole archive graph",
                      "description": "Articles, entities, mentions, quotes and notes in one file."})
    package = {
        "profile": "data-package", "name": "sitegen-archive",
        "title": title, "description": description,
        "homepage": homepage, "resources": resources,
    }
    return Output("datapackage.json", (json.dumps(package, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def download_links(collection: str) -> list[dict[str, str]]:
    """Site paths of a collection's downloads, for list pages."""
    if collection not in {t.name for t in TABLES}:
        return []
    return [{"format": fmt.upper(), "path": f"{DATA_DIR}/{collection}.{fmt}"} for fmt in ("csv", "json")]
