"""Feeds: Atom documents of the newest articles, for the whole archive and for each entity.

Every timestamp comes from article dates, so two builds of the same content give the
same bytes. Entries carry the summary, not the archived text: the texts belong to their
outlets, and a feed reader should send readers to the annotated page.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from itertools import chain, compress, islice, repeat
from operator import attrgetter, is_not
from xml.sax.saxutils import escape, quoteattr

from sitegen import __version__
from sitegen import model as m
from sitegen.graph import Archive
from sitegen.render import Output
from sitegen.reuse import Reuse, reuse_or_compute
from sitegen.urls import page_path
from sitegen.views import LABELS

SITE_FEED = "feed.xml"
FEED_LIMIT = 50
"""Entries per feed: readers poll feeds often, so a feed carries the newest articles only."""
ATOM_TYPE = "application/atom+xml"
_slug = attrgetter("slug")


def feed_path(collection: str | None = None, slug: str | None = None) -> str:
    """Site path of the archive's feed, or of one entity's feed beside its page."""
    if collection and slug:
        return page_path(collection, slug) + SITE_FEED
    return SITE_FEED


def _timestamp(date: m.PartialDate | None, fallback: dt.datetime) -> dt.datetime:
    """A partial date stands for its first day; midnight UTC, since no time of day is known."""
    if date is None:
        return fallback
    return dt.datetime(date.year, date.month or 1, date.day or 1, tzinfo=dt.UTC)


def _rfc3339(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def fallback_time(archive: Archive) -> dt.datetime:
    """`updated` of undated articles and empty feeds: the newest article date, else SOURCE_DATE_EPOCH."""
    # Articles come newest first, dated before undated, and dates with equal sort keys are equal
    # (dates.PartialDate): the first dated one that is no draft is the newest.
    newest = next((a.published for a in archive.articles if a.published and not a.draft), None)
    if newest:
        return _timestamp(newest, dt.datetime.min)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "0")
    seconds = int(epoch) if epoch.isdigit() else 0
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def feed_articles(archive: Archive, collection: str | None = None, slug: str | None = None,
                  ) -> list[m.Article]:
    """The articles a feed lists, newest first, drafts never (a feed is publication)."""
    if collection and slug:
        by_key = archive.by_key
        chosen: Iterable[m.Document] = (by_key[("articles", s)]
                                        for s in archive.relations.backlinks.get((collection, slug), ()))
    else:
        chosen = archive.articles
    # Read only as far as the feed goes: a popular entity has thousands of articles.
    return list(islice((a for a in chosen if isinstance(a, m.Article) and not a.draft), FEED_LIMIT))


def _author_names(archive: Archive, article: m.Article) -> list[str]:
    names = [archive.name((r.collection, r.slug)) for r in article.authors]
    if not names and article.byline:
        names = [article.byline.removeprefix("By ").removeprefix("by ")]
    if not names and article.outlet:
        names = [archive.name((article.outlet.collection, article.outlet.slug))]
    return names


def _entry(archive: Archive, article: m.Article, base: str, fallback: dt.datetime) -> str:
    url = base + page_path("articles", article.slug)
    when = _rfc3339(_timestamp(article.published, fallback))
    lines = ["  <entry>", f"    <id>{escape(url)}</id>", f"    <title>{escape(article.title)}</title>",
             f"    <link rel=\"alternate\" type=\"text/html\" href={quoteattr(url)}/>",
             f"    <updated>{when}</updated>"]
    if article.published:
        lines.append(f"    <published>{when}</published>")
    lines += [f"    <author><name>{escape(name)}</name></author>"
              for name in _author_names(archive, article)]
    for ref in article.references():
        label = archive.name((ref.collection, ref.slug))
        lines.append(f"    <category term={quoteattr(f'{ref.collection}/{ref.slug}')} "
                     f"scheme={quoteattr(base + ref.collection + '/')} label={quoteattr(label)}/>")
    summary = " ".join(p for p in (article.subtitle, article.summary) if p)
    if summary:
        lines.append(f"    <summary type=\"text\">{escape(summary)}</summary>")
    if article.url:
        lines.append(f"    <link rel=\"via\" href={quoteattr(article.url)}/>")
    lines.append("  </entry>")
    return "\n".join(lines)


def atom_feed(archive: Archive, collection: str | None = None, slug: str | None = None,
              fallback: dt.datetime | None = None, reuse: Reuse | None = None,
              articles: list[m.Article] | None = None) -> Output:
    """One feed; `articles` are feed_articles(archive, collection, slug), when the caller has them."""
    fallback = fallback or fallback_time(archive)
    articles = feed_articles(archive, collection, slug) if articles is None else articles
    if reuse is None:
        return _atom_feed(archive, collection, slug, fallback, None, articles)
    # What the feed reads: its articles, every name (names_version), the fallback time, the config.
    config = archive.config
    inputs = (archive.names_version, fallback, config.base_url, config.title, config.description,
              config.language, *articles)
    return reuse.get(("feed-of", collection, slug), inputs,
                     partial(_atom_feed, archive, collection, slug, fallback, reuse, articles))


def _atom_feed(archive: Archive, collection: str | None, slug: str | None, fallback: dt.datetime,
               reuse: Reuse | None, articles: list[m.Article],
               entries: dict[str, tuple[m.Article, str]] | None = None) -> Output:
    config = archive.config
    base = config.base_url.rstrip("/") + "/"
    path = feed_path(collection, slug)
    if collection and slug:
        name = archive.name((collection, slug))
        title = f"{name} — {config.title}"
        subtitle = f"Articles in the archive that refer to {name} ({m.SINGULAR[collection]})."
        page = page_path(collection, slug)
    else:
        title, subtitle, page = config.title, config.description or f"{LABELS['articles']}", ""
    updated = max((_timestamp(a.published, fallback) for a in articles), default=fallback)
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(config.language)}>',
        f"  <id>{escape(base + path)}</id>",
        f"  <title>{escape(title)}</title>",
        f"  <subtitle>{escape(subtitle)}</subtitle>",
        f"  <link rel=\"self\" type=\"{ATOM_TYPE}\" href={quoteattr(base + path)}/>",
        f"  <link rel=\"alternate\" type=\"text/html\" href={quoteattr(base + page)}/>",
        f"  <updated>{_rfc3339(updated)}</updated>",
        f"  <author><name>{escape(config.title)}</name><uri>{escape(base)}</uri></author>",
        f"  <generator version=\"{__version__}\">sitegen</generator>",
    ]
    if entries is not None:
        body = [entries[a.slug][1] for a in articles]
    else:
        # An entry reads its article and entity names only (see Archive.names_version).
        body = [reuse_or_compute(reuse, ("feed-entry", a.slug), (a, base, fallback, archive.names_version),
                                 partial(_entry, archive, a, base, fallback)) for a in articles]
    lines = (*head, *body, "</feed>")
    return reuse_or_compute(reuse, ("feed", path), lines,
                            lambda: Output(path, ("\n".join(lines) + "\n").encode("utf-8")))


def has_feed(archive: Archive, collection: str, slug: str) -> bool:
    """Entities get a feed when at least one published article refers to them."""
    return bool(feed_articles(archive, collection, slug))


def feed_outputs(archive: Archive, reuse: Reuse | None = None) -> list[Output]:
    """The archive's feed and one per entity with articles."""
    fallback = fallback_time(archive)
    outputs = [atom_feed(archive, fallback=fallback, reuse=reuse)]
    if reuse is not None:
        return outputs + _entity_feeds(archive, fallback, reuse)
    for collection, entities in archive.entities.items():
        for e in entities:
            articles = feed_articles(archive, collection, e.slug)
            if articles:  # has_feed
                outputs.append(atom_feed(archive, collection, e.slug, fallback, reuse, articles))
    return outputs


@dataclass(frozen=True, slots=True)
class _Feeds:
    """The entity feeds of a build, with what each read: kept by `serve` to redo only the feeds
    whose backlinks changed or that read a changed article."""

    articles: tuple[m.Article, ...]
    backlinks: dict[tuple[str, str], tuple[str, ...]]
    keys: list[tuple[str, str]]
    """The entities, in feed order."""
    read: list[tuple[str, ...]]
    """Per entity, the slugs of the articles its feed looked at (up to its FEED_LIMIT-th)."""
    readers: dict[str, tuple[int, ...]]
    """Per article slug, the entities whose feeds looked at it."""
    feeds: list[Output | None]
    entries: dict[str, tuple[m.Article, str]]
    """Each article's entry as last made, with the article it was made of."""


def _articles_read(archive: Archive, key: tuple[str, str]) -> tuple[list[m.Article], tuple[str, ...]]:
    """feed_articles of an entity, and the slugs of the articles it looked at to find them."""
    slugs = archive.relations.backlinks.get(key, ())
    by_key = archive.by_key
    chosen: list[m.Article] = []
    for index, slug in enumerate(slugs):
        article = by_key[("articles", slug)]
        if isinstance(article, m.Article) and not article.draft:
            chosen.append(article)
            if len(chosen) == FEED_LIMIT:
                return chosen, slugs[:index + 1]
    return chosen, slugs


def _entity_feed(archive: Archive, key: tuple[str, str], fallback: dt.datetime,
                 entries: dict[str, tuple[m.Article, str]], before: Output | None,
                 ) -> tuple[Output | None, tuple[str, ...]]:
    articles, read = _articles_read(archive, key)
    if not articles:
        return None, read
    base = archive.config.base_url.rstrip("/") + "/"
    for a in articles:
        kept = entries.get(a.slug)
        if kept is None or kept[0] is not a:
            entries[a.slug] = (a, _entry(archive, a, base, fallback))
    feed = _atom_feed(archive, key[0], key[1], fallback, None, articles, entries)
    # The same object when the bytes are: later steps compare outputs by identity first.
    return (before if before is not None and before == feed else feed), read


def _entity_feeds(archive: Archive, fallback: dt.datetime, reuse: Reuse) -> list[Output]:
    """Every entity's feed, redoing only what changed since the previous build's _Feeds."""
    config = archive.config
    # What every feed reads besides its articles and backlinks; names_version also stands
    # for which entities there are and which articles, in which order.
    inputs = (archive.names_version, fallback, config.base_url, config.title, config.language,
              tuple(archive.entities.values()))
    before: _Feeds | None = reuse.kept("entity-feeds", inputs)
    articles, backlinks = archive.articles, archive.relations.backlinks
    if before is None or len(before.articles) != len(articles):
        keys = [(c, e.slug) for c, entities in archive.entities.items() for e in entities]
        state = _Feeds(articles, backlinks, keys, [()] * len(keys), {}, [None] * len(keys), {})
        dirty: Iterable[int] = range(len(keys))
    else:
        keys = before.keys
        state = _Feeds(articles, backlinks, keys, list(before.read), dict(before.readers), list(before.feeds),
                       dict(before.entries))
        changed = compress(articles, map(is_not, articles, before.articles))
        found = set(chain.from_iterable(map(before.readers.get, map(_slug, changed), repeat(()))))
        if backlinks is not before.backlinks:
            found.update(compress(range(len(keys)), map(is_not, map(backlinks.get, keys),
                                                        map(before.backlinks.get, keys))))
        dirty = sorted(found)
    for i in dirty:
        state.feeds[i], read = _entity_feed(archive, keys[i], fallback, state.entries, state.feeds[i])
        if read != state.read[i]:
            _move_readers(state.readers, i, state.read[i], read)
            state.read[i] = read
    reuse.keep("entity-feeds", inputs, state)
    return list(filter(None, state.feeds))


def _move_readers(readers: dict[str, tuple[int, ...]], entity: int, old: tuple[str, ...],
                  new: tuple[str, ...]) -> None:
    for slug in set(old) - set(new):
        readers[slug] = tuple(i for i in readers[slug] if i != entity)
    for slug in set(new) - set(old):
        readers[slug] = (*readers.get(slug, ()), entity)
