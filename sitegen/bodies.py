"""Bodies: render each Markdown body once, with its mentions and anchored annotations found.

Mention positions and anchor matches come out of the parsed token stream, so the
model stage renders bodies; the result is a pure function of the inputs named in its
memo key and of whether the pages it linked to exist (its recorded Lookups), which is
what lets `serve` and repeat builds reuse it.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Callable
from dataclasses import dataclass

from sitegen import model as m
from sitegen.diagnostics import Diagnostic, error, warning
from sitegen.markdown import render_inline, render_markdown
from sitegen.markdown.annotate import Anchor, FoundMention, MentionMatcher
from sitegen.urls import page_path, relative

EntityUrl = Callable[[str, str], str | None]


@dataclass(frozen=True, slots=True)
class Body:
    html: str
    mentions: tuple[FoundMention, ...] = ()
    note_numbers: tuple[tuple[str, int], ...] = ()
    blocks: tuple[str, ...] = ()
    """The visible text of each paragraph or heading, in order."""


@dataclass(frozen=True, slots=True)
class Registry:
    """What a body needs to know about the rest of the archive: names and surface forms."""

    names: dict[tuple[str, str], str]
    forms: dict[tuple[str, str], tuple[str, ...]]

    def url_from(self, from_page: str, looked_up: dict[tuple[str, str], bool] | None = None) -> EntityUrl:
        """Links from `from_page`; `looked_up` records which pages were asked for and whether they exist."""
        made: dict[tuple[str, str], str | None] = {}  # a body links the same few entities many times

        def url(collection: str, slug: str) -> str | None:
            key = (collection, slug)
            if key not in made:
                exists = key in self.names
                if looked_up is not None:
                    looked_up[key] = exists
                made[key] = relative(from_page, page_path(collection, slug)) if exists else None
            return made[key]
        return url


Lookups = tuple[tuple[tuple[str, str], bool], ...]
"""The pages a body linked to or tried to, each with whether it existed: all a body reads of which pages exist."""


def lookups_hold(lookups: Lookups, names: dict[tuple[str, str], str]) -> bool:
    """Whether every page a body asked for exists now exactly as it did then."""
    return all((key in names) is exists for key, exists in lookups)


def _anchors(article: m.Article) -> list[Anchor]:
    quotes = [Anchor("quote", q.id, q.selector.exact, q.selector.prefix, q.selector.suffix,
                     (q.speaker.collection, q.speaker.slug)) for q in article.quotes]
    notes = [Anchor("note", n.id, n.selector.exact, n.selector.prefix, n.selector.suffix)
             for n in article.notes]
    return quotes + notes


def mention_forms(article: m.Article, registry: Registry) -> dict[str, tuple[str, str]]:
    """Surface form -> entity, for the entities the article references; first claim wins."""
    forms: dict[str, tuple[str, str]] = {}
    for ref in article.references():
        for form in registry.forms.get((ref.collection, ref.slug), ()):
            forms.setdefault(form, (ref.collection, ref.slug))
    return forms


def closest_passage(blocks: list[str], wanted: str) -> str:
    """The stretch of body text most like `wanted`, to show when an anchor matches nothing.

    Windows start at word starts and end at word ends, a few characters either side of
    the wanted length, so a typo that adds or drops letters still finds its passage.
    """
    best, best_score = "", 0.0
    size = len(wanted)
    for text in blocks:
        starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == " "]
        ends = [i for i, ch in enumerate(text) if ch == " "] + [len(text)]
        for start in starts:
            # Only ends 6 characters either side of the wanted length: bisected, not scanned,
            # so a long paragraph costs linear time, not quadratic.
            low, high = bisect.bisect_left(ends, start + size - 6), bisect.bisect_right(ends, start + size + 6)
            for end in ends[low:high]:
                if end <= start:
                    continue
                window = text[start:end]
                matcher = difflib.SequenceMatcher(None, wanted, window, autojunk=False)
                if matcher.real_quick_ratio() <= best_score or matcher.quick_ratio() <= best_score:
                    continue
                score = matcher.ratio()
                if score > best_score:
                    best, best_score = window, score
    return best if best_score >= 0.5 else ""


def render_article_body(article: m.Article, registry: Registry, mention_rule: str,
                        ) -> tuple[Body, list[Diagnostic], Lookups]:
    page = page_path("articles", article.slug)
    looked_up: dict[tuple[str, str], bool] = {}
    entity_url = registry.url_from(page, looked_up)
    note_html = {n.id: (n.kind, render_inline(n.text, {"entity_url": entity_url}))
                 for n in article.notes}
    anchors = _anchors(article)
    env = {
        "entity_url": entity_url,
        "matcher": MentionMatcher(mention_forms(article, registry)),
        "mention_rule": mention_rule,
        "anchors": anchors,
        "speaker_names": {(q.speaker.collection, q.speaker.slug):
                          registry.names.get((q.speaker.collection, q.speaker.slug), "")
                          for q in article.quotes},
        "note_html": note_html,
    }
    html = render_markdown(article.body, env)
    problems = _explicit_link_problems(article.path, article.body, article.body_line, env)
    located = {a.id: (q.line, q.column) for q in article.quotes for a in anchors if a.id == q.id}
    located |= {n.id: (n.line, n.column) for n in article.notes}
    for anchor in anchors:
        hits = env["anchor_hits"][anchor.id]
        line, col = located[anchor.id]
        label = f"{anchor.kind} '{anchor.id}'"
        if len(hits) == 1:
            if anchor.id in env["dropped_anchors"]:
                problems.append(warning(article.path, line, col, "anchor-overlap",
                                        f"{label} partly overlaps another annotation and is not marked",
                                        "anchors may nest inside each other but not cross"))
            continue
        if not hits:
            near = closest_passage(env["blocks"], anchor.prefix + anchor.exact + anchor.suffix)
            hint = f"closest passage: “{near}”" if near else "check the wording against the body"
            problems.append(error(article.path, line, col, "anchor-not-found",
                                  f"{label}: its text matches 0 times in the body", hint))
        else:
            problems.append(error(article.path, line, col, "anchor-ambiguous",
                                  f"{label}: its text matches {len(hits)} times in the body",
                                  "add 'prefix' or 'suffix' to say which occurrence is meant"))
    numbers = tuple(sorted(env["note_numbers"].items(), key=lambda item: item[1]))
    body = Body(html, tuple(env["mentions"]), numbers, tuple(env["blocks"]))
    return body, problems, tuple(looked_up.items())


def render_entity_body(entity: m.Entity, registry: Registry) -> tuple[Body, list[Diagnostic], Lookups]:
    looked_up: dict[tuple[str, str], bool] = {}
    env = {"entity_url": registry.url_from(page_path(entity.collection, entity.slug), looked_up)}
    html = render_markdown(entity.body, env) if entity.body.strip() else ""
    problems = _explicit_link_problems(entity.path, entity.body, entity.body_line, env)
    return Body(html), problems, tuple(looked_up.items())


def _explicit_link_problems(path: str, body: str, body_line: int,
                            env: dict) -> list[Diagnostic]:  # type: ignore[type-arg]
    problems = []
    body_lines = body.split("\n")
    for collection, slug, (first, last), resolved in env.get("explicit_links", []):
        if resolved:
            continue
        target = f"@{collection}/{slug}" if collection else slug
        line, column = max(first, 1), 1
        for number in range(max(first, 1), max(last, first) + 1):
            found = body_lines[number - 1].find(target) if number <= len(body_lines) else -1
            if found >= 0:
                line, column = number, found + 1
                break
        problems.append(warning(path, body_line + line - 1, column, "link-unknown-entity",
                                f"link target '{target}' is not an entity of this archive",
                                "write [words](@people/slug), @organisations/…, @places/… or @events/…"))
    return problems
