"""Front-matter schema of each collection: one field table that validates and builds records."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sitegen import model as m
from sitegen.checks_names import RESERVED, slug_problem
from sitegen.checks_names import SLUG as SLUG  # re-exported: records and authoring read it here
from sitegen.dates import DateSpan, PartialDate, parse_date
from sitegen.diagnostics import Diagnostic, did_you_mean, error
from sitegen.frontmatter import FrontMatter, YamlPath

NOTE_KINDS = ("correction", "clarification", "context", "date", "discrepancy", "spelling")
COVERAGE = ("reported", "background")
CONFIDENCE = ("high", "medium", "low")
REMOVED_KINDS = ("headline", "subtitle", "byline", "dateline", "tagline", "ui", "teaser",
                 "caption", "credit", "comments")
ORG_KINDS = ("government", "ministry", "armed-forces", "agency", "news-agency", "outlet",
             "international", "armed-group", "political", "other")
PLACE_KINDS = ("country", "region", "city", "site", "body-of-water", "other")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: str
    """text | bool | date | url | lang | texts | ref:C | refs:C | enum:a|b | or a structured type."""
    required: bool = False
    doc: str = ""


def _f(name: str, type_: str, doc: str, required: bool = False) -> FieldSpec:
    return FieldSpec(name, type_, required, doc)


_ENTITY_COMMON = (
    _f("name", "text", "Canonical name.", True),
    _f("aliases", "texts", "Other surface forms used in the texts; each links to this entity."),
    _f("description", "text", "One or two sentences."),
)
SCHEMA: dict[str, tuple[FieldSpec, ...]] = {
    "articles": (
        _f("title", "text", "Headline.", True),
        _f("subtitle", "text", "Sub-headline or dek."),
        _f("outlet", "ref:organisations", "Publishing outlet."),
        _f("byline", "text", "Byline exactly as printed."),
        _f("authors", "refs:people", "Writers."),
        _f("published", "date", "Publication date: YYYY, YYYY-MM or YYYY-MM-DD."),
        _f("language", "lang", "BCP 47 language tag.", True),
        _f("url", "url", "Original web address (http/https)."),
        _f("summary", "text", "One or two sentences."),
        _f("draft", "bool", "Left out unless --drafts."),
        _f("via", "refs:organisations", "Organisations credited as the source."),
        _f("people", "refs:people", "People the article mentions."),
        _f("organisations", "refs:organisations", "Organisations the article mentions."),
        _f("places", "refs:places", "Places the article mentions."),
        _f("events", "event_refs", "Events reported or mentioned as background."),
        _f("inferred", "inferred", "Basis and confidence of inferred field values."),
        _f("capture", "capture", "The original capture file and the lines removed from it."),
        _f("quotes", "quotes", "Direct quotations anchored to the body."),
        _f("notes", "notes", "Editorial notes anchored to the body."),
    ),
    "people": (*_ENTITY_COMMON,
               _f("sort_as", "text", "A–Z sort key, e.g. 'Netanyahu, Benjamin'."),
               _f("roles", "roles", "Roles as the texts give them.")),
    "organisations": (*_ENTITY_COMMON,
                      _f("kind", "enum:" + "|".join(ORG_KINDS), "What sort of body."),
                      _f("country", "ref:places", "Country it belongs to."),
                      _f("parent", "ref:organisations", "Body it is part of."),
                      _f("url", "url", "Web address.")),
    "places": (*_ENTITY_COMMON,
               _f("kind", "enum:" + "|".join(PLACE_KINDS), "What sort of place."),
               _f("located_in", "ref:places", "Larger place containing it.")),
    "events": (*_ENTITY_COMMON,
               _f("date", "date", "Start (or only) date.", True),
               _f("end_date", "date", "End date of a range."),
               _f("circa", "bool", "The date is approximate."),
               _f("date_basis", "text", "How the date was established."),
               _f("places", "refs:places", "Where it happened."),
               _f("people", "refs:people", "Participants."),
               _f("organisations", "refs:organisations", "Participating organisations.")),
}
SUBFIELDS: dict[str, tuple[str, ...]] = {
    "event_refs": ("ref", "coverage"),
    "inferred": ("basis", "confidence"),
    "capture": ("file", "removed"),
    "removed": ("line", "text", "kind"),
    "quotes": ("id", "speaker", "exact", "prefix", "suffix", "event", "context", "reported_by"),
    "notes": ("id", "kind", "exact", "prefix", "suffix", "text", "author", "date", "see"),
    "roles": ("title", "organisation", "date"),
}


def slugify(text: str, max_words: int = 8) -> str:
    """A usable slug made of the text's first words ('' if it has no ASCII letters or digits)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words[:max_words])
    return f"{slug}-1" if slug in RESERVED else slug  # 'con', 'nul'…: Windows cannot create them


class Reader:
    """Reads typed values out of one file's front matter, collecting every problem."""

    def __init__(self, fm: FrontMatter, path: str) -> None:
        self.fm = fm
        self.path = path
        self.problems: list[Diagnostic] = []

    def fail(self, at: YamlPath, code: str, message: str, hint: str = "") -> None:
        line, col = self.fm.position(at)
        self.problems.append(error(self.path, line, col, code, message, hint))

    def unknown_keys(self, value: dict[str, Any], allowed: tuple[str, ...], at: YamlPath) -> None:
        for key in value:
            if key not in allowed:
                line, col = self.fm.key_at.get((*at, key), self.fm.position(at))
                where = ".".join(str(p) for p in at) + "." if at else ""
                self.problems.append(error(self.path, line, col, "field-unknown",
                                           f"unknown field '{where}{key}'",
                                           did_you_mean(key, allowed)))

    def text(self, value: Any, at: YamlPath) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(at, "field-type", f"'{_name(at)}' must be text")
            return ""
        return str(value)

    def texts(self, value: Any, at: YamlPath) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(at, "field-type", f"'{_name(at)}' must be a list of text")
            return ()
        found = []
        for i, item in enumerate(value):
            text = self.text(item, (*at, i))
            if text and not text.strip():  # a blank alias would be "mentioned" between any two words
                self.fail((*at, i), "field-value", f"'{_name(at)}' has a blank item", "delete it")
            elif text:
                found.append(text)
        return tuple(found)

    def boolean(self, value: Any, at: YamlPath) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(at, "field-type", f"'{_name(at)}' must be true or false")
            return False
        return value

    def date(self, value: Any, at: YamlPath) -> PartialDate | None:
        if value is None:
            return None
        parsed = parse_date(str(value))
        if isinstance(parsed, str):
            self.fail(at, "date-invalid", parsed)
            return None
        return parsed

    def url(self, value: Any, at: YamlPath) -> str:
        text = self.text(value, at).strip()
        if text and (urlsplit(text).scheme.lower() not in ("http", "https") or
                     not urlsplit(text).netloc):
            self.fail(at, "url-scheme", f"'{_name(at)}' must be an http or https address",
                      "other schemes (javascript:, data:, file:) are never published")
            return ""
        return text

    def lang(self, value: Any, at: YamlPath) -> str:
        text = self.text(value, at)
        if not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", text):
            self.fail(at, "field-value", f"'{text}' is not a language tag", "for example: en, de, he")
            return "en"
        return text

    def enum(self, value: Any, at: YamlPath, choices: tuple[str, ...]) -> str:
        text = self.text(value, at)
        if text and text not in choices:
            self.fail(at, "field-value", f"'{text}' is not one of: {', '.join(choices)}",
                      did_you_mean(text, choices))
            return ""
        return text

    def ref(self, value: Any, at: YamlPath, collection: str) -> m.Ref | None:
        if value is None:
            return None
        code, why = slug_problem(value) if isinstance(value, str) else ("", f"{value!r} is not text")
        if why:
            better = slugify(str(value), 20) if isinstance(value, str | int) else ""
            hint = "a slug is lower-case letters, digits and hyphens, e.g. vladimir-putin"
            if code == "slug-reserved":
                hint = f"Windows cannot create a folder of this name: rename the entity, e.g. '{value}-1'"
            elif better and better != value:
                hint = f"did you mean '{better}'?"
            self.fail(at, "ref-invalid", f"'{_name(at)}' is not a usable slug: {why}", hint)
            return None
        line, col = self.fm.position(at)
        return m.Ref(collection, value, line, col)

    def refs(self, value: Any, at: YamlPath, collection: str) -> tuple[m.Ref, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(at, "field-type", f"'{_name(at)}' must be a list of slugs")
            return ()
        found: list[m.Ref] = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                self.unknown_keys(item, ("ref",), (*at, i))
                item, where = item.get("ref"), (*at, i, "ref")
            else:
                where = (*at, i)
            ref = self.ref(item, where, collection)
            if ref and any(r.slug == ref.slug for r in found):
                self.fail(where, "ref-duplicate", f"'{ref.slug}' is listed twice")
            elif ref:
                found.append(ref)
        return tuple(found)

    def mappings(self, value: Any, at: YamlPath, kind: str) -> list[tuple[int, dict[str, Any]]]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(at, "field-type", f"'{_name(at)}' must be a list")
            return []
        items = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.fail((*at, i), "field-type", f"each item of '{_name(at)}' must be a mapping")
                continue
            self.unknown_keys(item, SUBFIELDS[kind], (*at, i))
            items.append((i, item))
        return items


def _name(at: YamlPath) -> str:
    return ".".join(str(p) for p in at)


def read_field(reader: Reader, data: dict[str, Any], spec: FieldSpec) -> Any:
    """Read one declared field with the reader method its type names."""
    value, at = data.get(spec.name), (spec.name,)
    kind, _, arg = spec.type.partition(":")
    if kind == "ref":
        return reader.ref(value, at, arg)
    if kind == "refs":
        return reader.refs(value, at, arg)
    if kind == "enum":
        return reader.enum(value, at, tuple(arg.split("|")))
    simple = {"text": reader.text, "texts": reader.texts, "bool": reader.boolean,
              "date": reader.date, "url": reader.url, "lang": reader.lang}
    return simple[kind](value, at)


def span(reader: Reader, data: dict[str, Any]) -> DateSpan | None:
    start = reader.date(data.get("date"), ("date",))
    end = reader.date(data.get("end_date"), ("end_date",))
    if start and end and end.last_day < start.last_day:
        reader.fail(("end_date",), "date-order", "end_date is before date")
    return DateSpan(start, end, reader.boolean(data.get("circa"), ("circa",))) if start else None
