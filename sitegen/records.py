"""Build typed records (articles and entities) from validated front matter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sitegen import model as m
from sitegen.checks_names import file_name_problem, printable
from sitegen.diagnostics import Diagnostic, error
from sitegen.frontmatter import FrontMatter
from sitegen.schema import (
    CONFIDENCE,
    COVERAGE,
    NOTE_KINDS,
    REMOVED_KINDS,
    SCHEMA,
    SLUG,
    Reader,
    read_field,
    slugify,
    span,
)


def _selector(reader: Reader, item: dict[str, Any], at: tuple[Any, ...]) -> m.Selector | None:
    exact = reader.text(item.get("exact"), (*at, "exact"))
    if not exact.strip():
        reader.fail(at, "anchor-missing", "an annotation needs 'exact': the words it is anchored to")
        return None
    return m.Selector(exact, reader.text(item.get("prefix"), (*at, "prefix")),
                      reader.text(item.get("suffix"), (*at, "suffix")))


def _annotation_id(reader: Reader, item: dict[str, Any], at: tuple[Any, ...], exact: str,
                   seen: set[str]) -> str:
    given = reader.text(item.get("id"), (*at, "id"))
    if given and not SLUG.fullmatch(given):
        reader.fail((*at, "id"), "id-invalid", f"'{given}' is not a valid id",
                    "use lower-case letters, digits and hyphens")
        given = ""
    ident = given or slugify(exact, 6) or "a"
    if ident in seen:
        if given:
            reader.fail((*at, "id"), "id-duplicate", f"id '{ident}' is used twice in this file")
        n = 2
        while f"{ident}-{n}" in seen:
            n += 1
        ident = f"{ident}-{n}"
    seen.add(ident)
    return ident


def _quotes(reader: Reader, data: dict[str, Any], seen: set[str]) -> tuple[m.Quote, ...]:
    quotes = []
    for i, item in reader.mappings(data.get("quotes"), ("quotes",), "quotes"):
        at = ("quotes", i)
        selector = _selector(reader, item, at)
        # The speaker may be a person or an organisation: the graph decides which.
        speaker = reader.ref(item.get("speaker"), (*at, "speaker"), "")
        if speaker is None:
            reader.fail(at, "quote-speaker", "a quote needs a 'speaker' (person or organisation slug)")
        if selector is None or speaker is None:
            continue
        line, col = reader.fm.position(at)
        quotes.append(m.Quote(
            id=_annotation_id(reader, item, at, selector.exact, seen), speaker=speaker,
            selector=selector, event=reader.ref(item.get("event"), (*at, "event"), "events"),
            context=reader.text(item.get("context"), (*at, "context")),
            reported_by=reader.ref(item.get("reported_by"), (*at, "reported_by"), "organisations"),
            line=line, column=col))
    return tuple(quotes)


def _notes(reader: Reader, data: dict[str, Any], seen: set[str]) -> tuple[m.Note, ...]:
    notes = []
    for i, item in reader.mappings(data.get("notes"), ("notes",), "notes"):
        at = ("notes", i)
        selector = _selector(reader, item, at)
        text = reader.text(item.get("text"), (*at, "text"))
        if not text.strip():
            reader.fail(at, "note-text", "a note needs 'text'")
        kind = reader.enum(item.get("kind"), (*at, "kind"), NOTE_KINDS) or "context"
        date = reader.date(item.get("date"), (*at, "date"))
        if selector is None or not text.strip():
            continue
        line, col = reader.fm.position(at)
        notes.append(m.Note(
            id=_annotation_id(reader, item, at, selector.exact, seen), kind=kind,
            selector=selector, text=text, author=reader.text(item.get("author"), (*at, "author")),
            date=date.iso if date else "", see=reader.refs(item.get("see"), (*at, "see"), "articles"),
            line=line, column=col))
    return tuple(notes)


def _event_refs(reader: Reader, data: dict[str, Any]) -> tuple[m.EventRef, ...]:
    value = data.get("events")
    if value is None:
        return ()
    if not isinstance(value, list):
        reader.fail(("events",), "field-type", "'events' must be a list")
        return ()
    result: list[m.EventRef] = []
    for i, item in enumerate(value):
        at: tuple[Any, ...] = ("events", i)
        coverage = "reported"
        if isinstance(item, dict):
            reader.unknown_keys(item, ("ref", "coverage"), at)
            coverage = reader.enum(item.get("coverage"), (*at, "coverage"), COVERAGE) or "reported"
            item, at = item.get("ref"), (*at, "ref")
        ref = reader.ref(item, at, "events")
        if ref and any(e.ref.slug == ref.slug for e in result):
            reader.fail(at, "ref-duplicate", f"'{ref.slug}' is listed twice")
        elif ref:
            result.append(m.EventRef(ref, coverage))
    return tuple(result)


def _inferred(reader: Reader, data: dict[str, Any]) -> tuple[m.Inference, ...]:
    value = data.get("inferred")
    if value is None:
        return ()
    if not isinstance(value, dict):
        reader.fail(("inferred",), "field-type", "'inferred' must map field names to a basis")
        return ()
    article_fields = tuple(f.name for f in SCHEMA["articles"])
    reader.unknown_keys(value, article_fields, ("inferred",))
    result = []
    for name, item in value.items():
        at = ("inferred", name)
        if not isinstance(item, dict):
            reader.fail(at, "field-type", "each inference is a mapping with 'basis' and 'confidence'")
            continue
        reader.unknown_keys(item, ("basis", "confidence"), at)
        basis = reader.text(item.get("basis"), (*at, "basis"))
        if not basis:
            reader.fail(at, "inference-basis", f"the inference of '{name}' needs a 'basis'")
        confidence = reader.enum(item.get("confidence"), (*at, "confidence"), CONFIDENCE)
        result.append(m.Inference(name, basis, confidence or "medium"))
    return tuple(result)


def _capture(reader: Reader, data: dict[str, Any]) -> m.Capture | None:
    value = data.get("capture")
    if value is None:
        return None
    if not isinstance(value, dict):
        reader.fail(("capture",), "field-type", "'capture' must be a mapping with 'file' and 'removed'")
        return None
    reader.unknown_keys(value, ("file", "removed"), ("capture",))
    file = reader.text(value.get("file"), ("capture", "file"))
    unsafe = file_name_problem(file) if file else "is empty"
    if unsafe or file.startswith("."):
        reader.fail(("capture", "file"), "capture-file",
                    f"'capture.file' must be a file name next to the article; '{printable(file)}' "
                    + (unsafe or "is hidden (starts with a dot)"),
                    "name the capture after its article, e.g. <slug>.capture.txt")
        return None
    removed = []
    for i, item in reader.mappings(value.get("removed"), ("capture", "removed"), "removed"):
        at = ("capture", "removed", i)
        line = item.get("line")
        if not isinstance(line, int) or isinstance(line, bool) or line < 1:
            reader.fail((*at, "line"), "field-type", "'line' must be a line number (1 or more)")
            continue
        removed.append(m.RemovedLine(line, reader.text(item.get("text"), (*at, "text")),
                                     reader.enum(item.get("kind"), (*at, "kind"), REMOVED_KINDS)))
    return m.Capture(file, tuple(removed))


def _roles(reader: Reader, data: dict[str, Any]) -> tuple[m.Role, ...]:
    value = data.get("roles")
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(m.Role(v) for v in value)
    roles = []
    for i, item in reader.mappings(value, ("roles",), "roles"):
        at = ("roles", i)
        title = reader.text(item.get("title"), (*at, "title"))
        if not title:
            reader.fail(at, "field-missing", "a role needs a 'title'")
            continue
        date = item.get("date")
        roles.append(m.Role(title, reader.ref(item.get("organisation"), (*at, "organisation"),
                                              "organisations"),
                            reader.text(date, (*at, "date"))))
    return tuple(roles)


def _article(reader: Reader, slug: str, path: str, data: dict[str, Any], body: str,
             body_line: int) -> m.Article:
    plain = {s.name: read_field(reader, data, s) for s in SCHEMA["articles"]
             if s.type in ("text", "bool", "date", "url", "lang") or ":" in s.type}
    seen: set[str] = set()
    return m.Article(slug=slug, path=path, body=body, body_line=body_line, **plain,
                     events=_event_refs(reader, data), inferred=_inferred(reader, data),
                     capture=_capture(reader, data), quotes=_quotes(reader, data, seen),
                     notes=_notes(reader, data, seen))


def _entity(cls: type[m.Entity], collection: str, special: Callable[..., dict[str, Any]] | None = None):
    def build(reader: Reader, slug: str, path: str, data: dict[str, Any], body: str,
              body_line: int) -> m.Entity:
        plain = {s.name: read_field(reader, data, s) for s in SCHEMA[collection]
                 if s.type in ("text", "texts", "url") or ":" in s.type}
        extra = special(reader, data) if special else {}
        return cls(collection=collection, slug=slug, path=path, body=body, body_line=body_line,
                   **plain, **extra)
    return build


BUILDERS: dict[str, Callable[..., m.Document]] = {
    "articles": _article,
    "people": _entity(m.Person, "people", lambda r, d: {"roles": _roles(r, d)}),
    "organisations": _entity(m.Organisation, "organisations"),
    "places": _entity(m.Place, "places"),
    "events": _entity(m.Event, "events", lambda r, d: {"date": span(r, d)}),
}


def build_document(collection: str, slug: str, path: str, fm: FrontMatter, body: str,
                   body_line: int) -> tuple[m.Document | None, list[Diagnostic]]:
    """Validate one file's front matter against its collection's schema and build its record."""
    reader = Reader(fm, path)
    reader.unknown_keys(fm.data, tuple(f.name for f in SCHEMA[collection]), ())
    missing = [s.name for s in SCHEMA[collection]  # blank text is as missing as none
               if s.required and (fm.data.get(s.name) is None or not str(fm.data.get(s.name)).strip())]
    for name in missing:
        reader.problems.append(error(path, 1, 1, "field-missing", f"required field '{name}' is missing",
                                     f"add '{name}: …' to the front matter"))
    document = BUILDERS[collection](reader, slug, path, fm.data, body, body_line)
    return (None if missing else document), reader.problems
