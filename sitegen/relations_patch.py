"""Relations in `serve`: the previous build's tables updated with what the changed articles contribute.

A table entry is the concatenation, in article order, of what each contributing article
gives it; the previous table says which articles those were. An entry is recomputed only
where a changed article's contribution to it changed (the others' runs are kept, the
changed ones put in at their positions), and key order is re-derived the way a full
aggregation makes it (first contributing article, then position within it) only when a
changed article's keys changed. Unchanged entries and tables stay the very same objects,
so later steps can tell them unchanged by identity; the result equals relations._aggregate
on the whole archive, which tests/test_incremental_model.py checks edit by edit.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, fields, replace
from itertools import chain, compress, groupby
from operator import attrgetter, is_not, itemgetter
from typing import Any

from sitegen import model as m
from sitegen.bodies import Body
from sitegen.relations import (
    Key,
    Relations,
    TimelineItem,
    _aggregate,
    _also_quoted,
    _co_mentions,
    _Contribution,
    _contribution,
    _dated_ordered,
    _event_items,
    _ordered,
    _stories,
)
from sitegen.reuse import Reuse

STEP = "relations-state"
_MISSING = object()


def _same(value: Any) -> Any:
    return value


_ARTICLE_OF: dict[str, Callable[[Any], str]] = {
    "backlinks": _same, "reported_by": _same, "background_in": _same,
    "mentions": attrgetter("article"), "quotes_by": attrgetter("article")}


@dataclass(frozen=True, slots=True)
class _State:
    """The previous build's relations and the inputs they were derived from, position by position."""

    articles: tuple[m.Article, ...]
    bodies: list[Body]
    parts: list[_Contribution]
    pos: dict[str, int]
    body_keys: list[Key]
    events: tuple[m.Entity, ...]
    event_items: list[TimelineItem]
    event_items_of: dict[Key, list[TimelineItem]]
    relations: Relations


# slug -> (article before, contribution before, article now, contribution now); None where absent.
Dirty = dict[str, tuple[m.Article | None, _Contribution | None, m.Article | None, _Contribution | None]]


def patched_relations(articles: tuple[m.Article, ...], entities: dict[str, tuple[m.Entity, ...]],
                      bodies: dict[Key, Body], reuse: Reuse) -> Relations:
    """derive_relations for a kept Reuse: an update of the previous tables where only events are unchanged."""
    events = entities.get("events", ())
    state = reuse.kept(STEP, ())
    if state is None or state.events != events:  # events feed every timeline: aggregate again
        state = _full(articles, events, bodies, reuse, state)
    else:
        state = _update(state, articles, bodies)
    reuse.keep(STEP, (), state)
    return state.relations  # type: ignore[no-any-return]


def _full(articles: tuple[m.Article, ...], events: tuple[m.Entity, ...], bodies: dict[Key, Body],
          reuse: Reuse, old: _State | None) -> _State:
    body_keys = [("articles", a.slug) for a in articles]
    body_list = list(map(bodies.__getitem__, body_keys))
    previous = {} if old is None else \
        {a.slug: (a, b, p) for a, b, p in zip(old.articles, old.bodies, old.parts, strict=True)}
    parts = []
    for article, body in zip(articles, body_list, strict=False):
        was = previous.get(article.slug)
        parts.append(was[2] if was and was[0] is article and was[1] is body else _contribution(article, body))
    event_items, event_items_of, events_of = _event_items(events, reuse)
    relations = _aggregate(articles, parts, event_items, event_items_of, events_of)
    if old is not None:
        relations = _interned_relations(relations, old.relations)
    return _State(articles, body_list, parts, {a.slug: i for i, a in enumerate(articles)}, body_keys,
                  events, event_items, event_items_of, relations)


def _update(state: _State, articles: tuple[m.Article, ...], bodies: dict[Key, Body]) -> _State:
    old_articles = state.articles
    changed: list[int] = []
    structural = len(articles) != len(old_articles)
    if not structural:
        changed = list(compress(range(len(articles)), map(is_not, articles, old_articles)))  # in C
        structural = any(articles[i].slug != old_articles[i].slug for i in changed)
    dirty: Dirty = {}
    moved: set[str] = set()
    if not structural:  # the same articles in the same order: compare position by position
        pos, body_keys = state.pos, state.body_keys
        body_list = list(map(bodies.__getitem__, body_keys))
        changed_at = set(changed)
        changed_at.update(compress(range(len(body_list)), map(is_not, body_list, state.bodies)))
        if not changed_at:
            return replace(state, articles=articles, bodies=body_list)
        parts = list(state.parts)
        for i in sorted(changed_at):
            parts[i] = _contribution(articles[i], body_list[i])
            dirty[articles[i].slug] = (old_articles[i], state.parts[i], articles[i], parts[i])
    else:
        body_keys = [("articles", a.slug) for a in articles]
        body_list = list(map(bodies.__getitem__, body_keys))
        previous = {a.slug: (a, b, p) for a, b, p in zip(old_articles, state.bodies, state.parts, strict=False)}
        parts = []
        for article, body in zip(articles, body_list, strict=False):
            was = previous.pop(article.slug, None)
            if was is not None and was[0] is article and was[1] is body:
                parts.append(was[2])
                continue
            parts.append(_contribution(article, body))
            dirty[article.slug] = (was[0] if was else None, was[2] if was else None, article, parts[-1])
            if was is not None and was[0].sort_key != article.sort_key:
                moved.add(article.slug)
        for slug, (article, _, part) in previous.items():
            dirty[slug] = (article, part, None, None)
        pos = {a.slug: i for i, a in enumerate(articles)}
    relations = _patched(state, articles, parts, pos, dirty, moved)
    return _State(articles, body_list, parts, pos, body_keys, state.events, state.event_items,
                  state.event_items_of, relations)


def _patched(state: _State, articles: tuple[m.Article, ...], parts: list[_Contribution], pos: dict[str, int],
             dirty: Dirty, moved: set[str]) -> Relations:
    old = state.relations
    tables: dict[str, Any] = {name: _patch_table(getattr(old, name), name, dirty, moved, pos, parts)
                              for name in _ARTICLE_OF}
    backlinks = tables["backlinks"]

    def part_keys(part: _Contribution | None) -> set[Key]:
        return set(part.keys) if part else set()
    co_affected: dict[Key, None] = {}
    line_affected: dict[Key, None] = {}
    for _, was, _, now in dirty.values():
        if part_keys(was) != part_keys(now):
            co_affected.update(dict.fromkeys((*(was.keys if was else ()), *(now.keys if now else ()))))
        if part_keys(was) != part_keys(now) or was is None or now is None or was.item != now.item:
            line_affected.update(dict.fromkeys((*(was.keys if was else ()), *(now.keys if now else ()))))

    def co_mentions(key: Key) -> Any:
        slugs = backlinks.get(key)
        return _co_mentions(key, [parts[pos[s]] for s in slugs]) if slugs else None

    def timeline_of(key: Key) -> Any:
        if key not in backlinks and key not in state.event_items_of:
            return None
        items = [parts[pos[s]].item for s in backlinks.get(key, ())]
        return _dated_ordered(items + state.event_items_of.get(key, []))

    keys_moved = backlinks is not old.backlinks
    tables["co_mentions"] = _patch_derived(old.co_mentions, co_affected, co_mentions,
                                           list(backlinks) if keys_moved else None)
    tables["entity_timelines"] = _patch_derived(
        old.entity_timelines, line_affected, timeline_of,
        [*backlinks, *(k for k in state.event_items_of if k not in backlinks)] if keys_moved else None)

    gone_or_new = any(was is None or now is None for _, was, _, now in dirty.values()) or bool(moved)
    tables["stories"] = old.stories
    if gone_or_new or any(was.reported != now.reported for _, was, _, now in dirty.values()
                          if was and now):
        tables["stories"] = _interned(_stories(articles), old.stories)
    tables["also_quoted"] = old.also_quoted
    if any((a and a.quotes) or (b and b.quotes) for a, _, b, _ in dirty.values()) and (
            gone_or_new or any(a.quotes != b.quotes for a, _, b, _ in dirty.values() if a and b)):
        tables["also_quoted"] = _interned(_also_quoted(articles), old.also_quoted)
    tables["timeline"] = old.timeline
    if gone_or_new or any(was.item != now.item or bool(a.published) != bool(b.published)
                          for a, was, b, now in dirty.values() if a and b and was and now):
        everything = state.event_items + [p.item for a, p in zip(articles, parts, strict=True) if a.published]
        timeline = _ordered(everything)
        tables["timeline"] = old.timeline if timeline == old.timeline else timeline
    tables["events_of"] = old.events_of  # events are unchanged, or the whole archive is aggregated again
    if all(tables[f.name] is getattr(old, f.name) for f in fields(Relations)):
        return old
    return Relations(**tables)


def _chunks(part: _Contribution | None, name: str) -> dict[Hashable, tuple[Any, ...]]:
    """What one article contributes to each key of one table, keys in the order it adds them."""
    if part is None:
        return {}
    slug = part.item.slug
    if name == "backlinks":
        return {k: (slug,) for k in part.keys}
    if name == "mentions":
        return dict(part.mentions)
    if name == "quotes_by":
        grouped: dict[Hashable, list[Any]] = {}
        for key, ref in part.quotes:
            grouped.setdefault(key, []).append(ref)
        return {k: tuple(v) for k, v in grouped.items()}
    return {s: (slug,) for s in (part.reported if name == "reported_by" else part.background)}


def _patch_table(old: dict[Any, tuple[Any, ...]], name: str, dirty: Dirty, moved: set[str],
                 pos: dict[str, int], parts: list[_Contribution]) -> dict[Any, tuple[Any, ...]]:
    affected: dict[Hashable, None] = {}
    reorder = False
    now_chunks = {}
    for slug, (_, was, _, now) in dirty.items():
        before, after = _chunks(was, name), _chunks(now, name)
        now_chunks[slug] = after
        if list(before.items()) == list(after.items()) and slug not in moved:  # the order of keys counts too
            continue
        affected.update(dict.fromkeys((*before, *after)))
        reorder = reorder or list(before) != list(after) or slug in moved
    if not affected:
        return old
    article_of = _ARTICLE_OF[name]
    table = dict(old)
    changed = False
    for key in affected:
        runs = [(pos[s], tuple(run)) for s, run in groupby(old.get(key, ()), article_of) if s not in dirty]
        runs += [(pos[s], chunks[key]) for s, chunks in now_chunks.items() if key in chunks]
        runs.sort(key=itemgetter(0))
        value = tuple(chain.from_iterable(run for _, run in runs))
        if not value:
            if table.pop(key, None) is not None:
                changed = True
        elif old.get(key) != value:
            table[key], changed = value, True
    if reorder:
        table = _reordered(table, name, pos, parts)
        changed = changed or list(table) != list(old)
    return table if changed else old


def _reordered(table: dict[Any, tuple[Any, ...]], name: str, pos: dict[str, int],
               parts: list[_Contribution]) -> dict[Any, tuple[Any, ...]]:
    """The table's keys in the order a full aggregation inserts them."""
    article_of = _ARTICLE_OF[name]
    orders: dict[str, dict[Hashable, int]] = {}

    def rank(key: Hashable) -> tuple[int, int]:
        first = article_of(table[key][0])
        if first not in orders:
            orders[first] = {k: i for i, k in enumerate(_chunks(parts[pos[first]], name))}
        return pos[first], orders[first][key]
    order = sorted(table, key=rank)
    return table if order == list(table) else {k: table[k] for k in order}


def _patch_derived(old: dict[Key, Any], affected: dict[Key, None], compute: Callable[[Key], Any],
                   order: list[Key] | None) -> dict[Key, Any]:
    """A table derived per key: the affected keys recomputed, then put in `order` when given."""
    table, changed = dict(old), False
    for key in affected:
        value = compute(key)
        if value is None:
            if table.pop(key, _MISSING) is not _MISSING:
                changed = True
        elif old.get(key, _MISSING) != value:
            table[key], changed = value, True
    if order is not None and list(table) != order:
        table, changed = {k: table[k] for k in order}, True
    return table if changed else old


def _interned(new: dict[Any, Any], old: dict[Any, Any]) -> dict[Any, Any]:
    """`new` with each entry equal to the previous one replaced by that very object; `old` if all are."""
    same = len(new) == len(old)
    for key, value in new.items():
        was = old.get(key, _MISSING)
        if was is value:
            continue
        if was == value:
            new[key] = was
        else:
            same = False
    return old if same and list(new) == list(old) else new


def _interned_relations(new: Relations, old: Relations) -> Relations:
    tables = {f.name: getattr(new, f.name) for f in fields(Relations)}
    for name, table in tables.items():
        previous = getattr(old, name)
        tables[name] = _interned(table, previous) if isinstance(table, dict) else \
            (previous if table == previous else table)
    if all(tables[f.name] is getattr(old, f.name) for f in fields(Relations)):
        return old
    return Relations(**tables)
