"""Derived relations: backlinks, mentions in context, quotes, co-mentions, stories, timelines.

Every computation here is linear in the number of references (or uses an index), so a
50,000-article archive costs about five times a 10,000-article one.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import partial

from sitegen import model as m
from sitegen.bodies import Body
from sitegen.reuse import Reuse, reuse_or_compute

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class MentionInContext:
    article: str
    id: str
    sentence: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class QuoteRef:
    article: str
    quote: str


@dataclass(frozen=True, slots=True)
class TimelineItem:
    sort_key: tuple[int, int, int, int]
    collection: str
    slug: str


@dataclass(frozen=True, slots=True)
class Relations:
    backlinks: dict[Key, tuple[str, ...]]
    """Entity -> slugs of articles referencing it, newest first."""
    mentions: dict[Key, tuple[MentionInContext, ...]]
    quotes_by: dict[Key, tuple[QuoteRef, ...]]
    """Speaker -> their quotes, newest article first."""
    co_mentions: dict[Key, tuple[tuple[Key, int], ...]]
    """Entity -> entities referenced by the same articles, most shared first."""
    reported_by: dict[str, tuple[str, ...]]
    """Event slug -> articles reporting it as news."""
    background_in: dict[str, tuple[str, ...]]
    stories: dict[str, tuple[str, ...]]
    """Article -> other articles reporting the same news (sharing a reported event)."""
    also_quoted: dict[QuoteRef, tuple[QuoteRef, ...]]
    timeline: tuple[TimelineItem, ...]
    entity_timelines: dict[Key, tuple[TimelineItem, ...]]
    events_of: dict[Key, tuple[str, ...]]
    """Entity -> events it takes part in (from the events' own fields)."""


def _normalise(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _also_quoted(articles: tuple[m.Article, ...]) -> dict[QuoteRef, tuple[QuoteRef, ...]]:
    """Pairs of quotes in different articles with the same or near-identical wording.

    Candidates come from an index of word trigrams, so only quotes sharing wording are compared.
    """
    quotes = [(QuoteRef(a.slug, q.id), _normalise(q.selector.exact)) for a in articles for q in a.quotes]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for number, (_, text) in enumerate(quotes):
        words = text.split()
        for gram in {tuple(words[i:i + 3]) for i in range(max(1, len(words) - 2))}:
            index[gram].append(number)
    pairs: set[tuple[int, int]] = set()
    for members in index.values():
        if len(members) > 200:  # a trigram shared this widely says nothing about one quote
            continue
        pairs |= {(a, b) for a in members for b in members if a < b}
    linked: dict[QuoteRef, set[QuoteRef]] = defaultdict(set)
    for a, b in sorted(pairs):
        (ref_a, text_a), (ref_b, text_b) = quotes[a], quotes[b]
        if ref_a.article == ref_b.article:
            continue
        short, long_ = sorted((text_a, text_b), key=len)
        same = (len(short) >= 20 and short in long_) or \
            difflib.SequenceMatcher(None, text_a, text_b).ratio() >= 0.85
        if same:
            linked[ref_a].add(ref_b)
            linked[ref_b].add(ref_a)
    return {k: tuple(sorted(v, key=lambda r: (r.article, r.quote))) for k, v in linked.items()}


def _stories(articles: tuple[m.Article, ...]) -> dict[str, tuple[str, ...]]:
    parent = {a.slug: a.slug for a in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_reporter: dict[str, str] = {}
    for article in articles:
        for event in article.events:
            if event.coverage == "reported":
                other = first_reporter.setdefault(event.ref.slug, article.slug)
                parent[find(article.slug)] = find(other)
    groups: dict[str, list[str]] = defaultdict(list)
    for article in articles:  # newest first already
        groups[find(article.slug)].append(article.slug)
    return {slug: tuple(s for s in groups[find(slug)] if s != slug) for slug in parent}


@dataclass(frozen=True, slots=True)
class _Contribution:
    """What one article adds to the relations: a pure function of the article and its body."""

    keys: tuple[Key, ...]
    item: TimelineItem
    quotes: tuple[tuple[Key, QuoteRef], ...]
    mentions: tuple[tuple[Key, tuple[MentionInContext, ...]], ...]
    reported: tuple[str, ...] = ()
    background: tuple[str, ...] = ()


def _contribution(article: m.Article, body: Body) -> _Contribution:
    grouped: dict[Key, list[MentionInContext]] = defaultdict(list)
    for found in body.mentions:
        grouped[(found.collection, found.slug)].append(MentionInContext(
            article.slug, found.id if found.placed else "", found.sentence, found.sentence_start,
            found.sentence_start + found.end - found.start))
    return _Contribution(
        tuple(dict.fromkeys((r.collection, r.slug) for r in article.references())),
        TimelineItem(article.sort_key[0], "articles", article.slug),
        tuple(((q.speaker.collection, q.speaker.slug), QuoteRef(article.slug, q.id)) for q in article.quotes),
        tuple((k, tuple(v)) for k, v in grouped.items()),
        tuple(e.ref.slug for e in article.events if e.coverage == "reported"),
        tuple(e.ref.slug for e in article.events if e.coverage != "reported"))


def _ordered(items: list[TimelineItem]) -> tuple[TimelineItem, ...]:
    # Events before articles on the same day: the news follows what it reports.
    unique = dict.fromkeys(items)
    return tuple(sorted(unique, key=lambda i: (i.sort_key, i.collection != "events", i.slug)))


def _dated_ordered(items: list[TimelineItem]) -> tuple[TimelineItem, ...]:
    return _ordered([i for i in items if i.sort_key != (0, 0, 0, 0)])


def _co_mentions(key: Key, parts: list[_Contribution]) -> tuple[tuple[Key, int], ...]:
    counts: Counter[Key] = Counter()
    for part in parts:
        counts.update(part.keys)  # counted in C, `key` itself included and then left out
    return tuple(sorted(((o, n) for o, n in counts.items() if o != key), key=lambda kv: (-kv[1], kv[0])))


def _event_items(events: tuple[m.Entity, ...], reuse: Reuse | None,
                 ) -> tuple[list[TimelineItem], dict[Key, list[TimelineItem]], dict[Key, list[str]]]:
    """Dated events as timeline items, and what each event adds to other entities' timelines."""
    events_of: dict[Key, list[str]] = defaultdict(list)
    items_of: dict[Key, list[TimelineItem]] = defaultdict(list)
    event_items = []
    for event in events:
        if not isinstance(event, m.Event) or event.date is None:
            continue
        item = reuse_or_compute(reuse, ("timeline-item", event.slug), (event,),
                                partial(TimelineItem, event.date.sort_key, "events", event.slug))
        event_items.append(item)
        items_of[("events", event.slug)].append(item)
        for ref in event.references():
            events_of[(ref.collection, ref.slug)].append(event.slug)
            items_of[(ref.collection, ref.slug)].append(item)
    return event_items, items_of, events_of


def derive_relations(articles: tuple[m.Article, ...], entities: dict[str, tuple[m.Entity, ...]],
                     bodies: dict[Key, Body], reuse: Reuse | None = None) -> Relations:
    """Everything a page shows about other pages, computed once from the resolved records.

    `serve` (a kept Reuse) updates the previous build's tables with what the changed
    articles contributed before and contribute now (relations_patch.py); a single build
    aggregates every article's contribution.
    """
    if reuse is not None:
        from sitegen.relations_patch import patched_relations  # noqa: PLC0415 (it imports this module)
        return patched_relations(articles, entities, bodies, reuse)
    parts = [_contribution(a, bodies[("articles", a.slug)]) for a in articles]
    event_items, event_items_of, events_of = _event_items(entities.get("events", ()), None)
    return _aggregate(articles, parts, event_items, event_items_of, events_of)


def _aggregate(articles: tuple[m.Article, ...], parts: list[_Contribution], event_items: list[TimelineItem],
               event_items_of: dict[Key, list[TimelineItem]], events_of: dict[Key, list[str]]) -> Relations:
    """Every table from every article's contribution: what a single build computes."""
    backlinks: dict[Key, list[str]] = defaultdict(list)
    parts_of: dict[Key, list[_Contribution]] = defaultdict(list)
    mentions: dict[Key, list[MentionInContext]] = defaultdict(list)
    quotes_by: dict[Key, list[QuoteRef]] = defaultdict(list)
    reported: dict[str, list[str]] = defaultdict(list)
    background: dict[str, list[str]] = defaultdict(list)
    items_of: dict[Key, list[TimelineItem]] = defaultdict(list)
    dated: list[TimelineItem] = []

    for article, part in zip(articles, parts, strict=True):  # newest first, so every list below is newest first
        if article.published:
            dated.append(part.item)
        for key in part.keys:
            backlinks[key].append(article.slug)
            parts_of[key].append(part)
            items_of[key].append(part.item)
        for slug in part.reported:
            reported[slug].append(article.slug)
        for slug in part.background:
            background[slug].append(article.slug)
        for speaker, ref in part.quotes:
            quotes_by[speaker].append(ref)
        for key, found in part.mentions:
            mentions[key] += found
    for key, items in event_items_of.items():
        items_of[key] += items
    everything = event_items + dated

    return Relations(
        backlinks={k: tuple(v) for k, v in backlinks.items()},
        mentions={k: tuple(v) for k, v in mentions.items()},
        quotes_by={k: tuple(v) for k, v in quotes_by.items()},
        co_mentions={k: _co_mentions(k, v) for k, v in parts_of.items()},
        reported_by={k: tuple(v) for k, v in reported.items()},
        background_in={k: tuple(v) for k, v in background.items()},
        stories=_stories(articles),
        also_quoted=_also_quoted(articles),
        timeline=_ordered(everything),
        entity_timelines={k: _dated_ordered(v) for k, v in items_of.items()},
        events_of={k: tuple(dict.fromkeys(v)) for k, v in events_of.items()},
    )
