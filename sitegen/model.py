"""The archive's content types: small frozen records that refer to each other by slug."""

from __future__ import annotations

from dataclasses import dataclass, field

from sitegen.dates import DateSpan, PartialDate

COLLECTIONS = ("articles", "people", "organisations", "places", "events")
ENTITY_COLLECTIONS = ("people", "organisations", "places", "events")
SINGULAR = {"articles": "article", "people": "person", "organisations": "organisation",
            "places": "place", "events": "event"}


@dataclass(frozen=True, slots=True, order=True)
class Ref:
    """A reference from front matter to an entity, with where it was written."""

    collection: str
    slug: str
    line: int = field(default=0, compare=False)
    column: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class EventRef:
    ref: Ref
    coverage: str = "reported"
    """'reported' (the article's news) or 'background' (mentioned as context)."""


@dataclass(frozen=True, slots=True)
class Selector:
    """A W3C TextQuoteSelector: the exact words, with optional context either side."""

    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    speaker: Ref
    selector: Selector
    event: Ref | None = None
    context: str = ""
    reported_by: Ref | None = None
    line: int = 0
    column: int = 0


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    kind: str
    selector: Selector
    text: str
    author: str = ""
    date: str = ""
    see: tuple[Ref, ...] = ()
    line: int = 0
    column: int = 0


@dataclass(frozen=True, slots=True)
class Inference:
    field: str
    basis: str
    confidence: str


@dataclass(frozen=True, slots=True)
class RemovedLine:
    line: int
    text: str
    kind: str


@dataclass(frozen=True, slots=True)
class Capture:
    file: str
    removed: tuple[RemovedLine, ...] = ()


@dataclass(frozen=True, slots=True)
class Role:
    title: str
    organisation: Ref | None = None
    date: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    slug: str
    path: str
    title: str
    language: str
    body: str
    body_line: int
    subtitle: str = ""
    outlet: Ref | None = None
    byline: str = ""
    authors: tuple[Ref, ...] = ()
    published: PartialDate | None = None
    url: str = ""
    summary: str = ""
    draft: bool = False
    via: tuple[Ref, ...] = ()
    people: tuple[Ref, ...] = ()
    organisations: tuple[Ref, ...] = ()
    places: tuple[Ref, ...] = ()
    events: tuple[EventRef, ...] = ()
    inferred: tuple[Inference, ...] = ()
    capture: Capture | None = None
    quotes: tuple[Quote, ...] = ()
    notes: tuple[Note, ...] = ()

    collection = "articles"

    @property
    def name(self) -> str:
        return self.title

    @property
    def sort_key(self) -> tuple[tuple[int, int, int, int], str]:
        return (self.published.sort_key if self.published else (0, 0, 0, 0), self.slug)

    def references(self) -> tuple[Ref, ...]:
        """Every entity the front matter refers to, in a stable order."""
        refs = [*self.people, *self.organisations, *self.places, *(e.ref for e in self.events)]
        refs += [r for r in (self.outlet,) if r] + [*self.authors, *self.via]
        return tuple(refs)

    def all_references(self) -> list[Ref]:
        """The front matter's references, then each quote's speaker, event and reporter and each note's see-also."""
        refs = list(self.references())
        for quote in self.quotes:
            refs += [r for r in (quote.speaker, quote.event, quote.reported_by) if r]
        for note in self.notes:
            refs += list(note.see)
        return refs


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation, place or event; kind-specific fields live in the subclasses."""

    collection: str
    slug: str
    path: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    body: str = ""
    body_line: int = 0
    stub: bool = False
    """True for an entity referenced but never written: it gets a minimal page."""

    @property
    def sort_key(self) -> str:
        return self.name.casefold()

    @property
    def surface_forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def references(self) -> tuple[Ref, ...]:
        return ()

    def all_references(self) -> list[Ref]:
        return list(self.references())  # an event's participants


@dataclass(frozen=True, slots=True)
class Person(Entity):
    sort_as: str = ""
    roles: tuple[Role, ...] = ()

    @property
    def sort_key(self) -> str:
        return (self.sort_as or self.name).casefold()

    def references(self) -> tuple[Ref, ...]:
        return tuple(r.organisation for r in self.roles if r.organisation)


@dataclass(frozen=True, slots=True)
class Organisation(Entity):
    kind: str = ""
    country: Ref | None = None
    parent: Ref | None = None
    url: str = ""

    def references(self) -> tuple[Ref, ...]:
        return tuple(r for r in (self.country, self.parent) if r)


@dataclass(frozen=True, slots=True)
class Place(Entity):
    kind: str = ""
    located_in: Ref | None = None

    def references(self) -> tuple[Ref, ...]:
        return (self.located_in,) if self.located_in else ()


@dataclass(frozen=True, slots=True)
class Event(Entity):
    date: DateSpan | None = None
    date_basis: str = ""
    places: tuple[Ref, ...] = ()
    people: tuple[Ref, ...] = ()
    organisations: tuple[Ref, ...] = ()

    def references(self) -> tuple[Ref, ...]:
        return (*self.places, *self.people, *self.organisations)


Document = Article | Entity
