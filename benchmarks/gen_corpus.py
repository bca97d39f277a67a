#!/usr/bin/env python3
"""Generate a synthetic sitegen project of N articles, deterministic in (N, seed), for benchmarks.

    python3 benchmarks/gen_corpus.py --articles 10000 --seed 1 /dev/shm/corpus-10000

The archive looks like a real one to every stage of the pipeline: 600–900-word bodies
with headings, lists, blockquotes, links and occasional code; ~500 people, ~200 events,
~100 organisations and ~100 places referenced with Zipf-like popularity; names and
aliases that really occur in the bodies (so mention linking does real work); anchored
quotes and notes whose selectors match exactly once; wire quotes shared by the articles
of one story (so "also quoted in" does real work); original captures beside a quarter
of the articles. It builds with 0 errors and 0 warnings. Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

FILLER = """the a of to in and for on with that by from as at officials said would could talks
government security military forces border agreement statement meeting week month year
new further senior local regional national foreign defence ministry spokesman report
reported according sources told reporters earlier later after before during while since
under over against between about into through without within across toward despite
continue continued expected plan plans planned warned announced confirmed denied
urged called described discussed noted added stressed insisted rejected accepted
proposal negotiations ceasefire aid supplies convoy region capital north south east
west coast city province villages residents civilians soldiers troops units patrol
air strike strikes missile drone drones radar systems coordination mechanism channel
line hotline cooperation tension tensions crisis conflict peace process round delegation
envoy envoys ambassador embassy council committee parliament vote budget sanctions
exports imports energy gas oil pipeline grain port harbour airport road bridge
hospital school market prices inflation economy growth unemployment workers union
strike protest protesters police crowd square evening morning night weekend hours
days weeks months several many few most some other both each every all no more less
important significant serious limited broad clear direct indirect formal informal
public private joint separate first second third last next final long short early
late recent previous current possible likely unlikely difficult easy open closed
""".split()
FIRST = """Anna Boris Clara Dmitri Elena Farid Galina Hassan Irina Jonas Karim Lena Marek
Nadia Oleg Petra Rami Sofia Tomas Ulla Viktor Yara Zoran Amir Beata Cyril Dalia Emil
Fatima Gideon Hana Ilya Jana Kamal Leila Milan Nora Omar Pavel Rina Samir Tamar Vera
Walid Yusuf Alina Bruno Dana Eitan Greta Ivo Lara Maxim Noor Rafael Selim Tanya""".split()
SYLLABLES = """ka lo mir va den sar tel no ri ban cor vel tam ash lin dor mes quin zar fen
hol pra ste gul bor nik sha tov rem ul bel drak mon pel rus tar vin kesh lor dab""".split()
TITLES = ("Minister", "General", "Ambassador", "Senator", "Governor", "President", "Colonel")
ORG_KINDS = (("outlet", 25, "{} Herald"), ("news-agency", 8, "{} Press Agency"),
             ("government", 20, "Government of {}"), ("ministry", 15, "{} Defence Ministry"),
             ("armed-forces", 12, "{} Armed Forces"), ("political", 12, "{} Unity Party"),
             ("international", 8, "{} Monitoring Mission"))
EVENT_KINDS = ("summit", "talks", "ceasefire", "strike", "election", "protests", "visit", "accord")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
NOTE_KINDS = ("correction", "clarification", "context", "date", "discrepancy", "spelling")
START, END = dt.date(2008, 1, 1), dt.date(2024, 12, 31)


VERBS = ("discuss border coordination", "trade accusations over drone strikes",
         "agree on a new hotline", "warn of rising tensions", "resume talks on aid convoys",
         "sign a limited ceasefire", "reject the latest proposal", "meet amid air strikes",
         "plan a joint patrol")


@dataclass
class Entity:
    collection: str
    slug: str
    name: str
    aliases: list[str]
    fields: dict[str, object] = field(default_factory=dict)
    day: dt.date | None = None
    """An event's date, when known to the day (articles reporting it follow it)."""
    cap: int = 0
    """How many articles may report this event as their news: a story, not a topic."""
    reports: int = 0
    journalist: bool = False
    quotes: list[tuple[Entity, str]] = field(default_factory=list)
    """(speaker, exact) quoted in this event's story; wire copy repeats them."""

    @property
    def key(self) -> str:
        return f"{self.collection}/{self.slug}"

    @property
    def short(self) -> str:
        return self.aliases[0] if self.aliases else self.name


class Zipf:
    """Picks items with weight 1/rank: a few are everywhere, most are rare."""

    def __init__(self, items: list[Entity]) -> None:
        self.items = items
        self.cumulative = list(itertools.accumulate(1 / (i + 1) for i in range(len(items))))

    def sample(self, rng: random.Random, k: int) -> list[Entity]:
        chosen: dict[str, Entity] = {}
        while len(chosen) < min(k, len(self.items)):
            item = rng.choices(self.items, cum_weights=self.cumulative)[0]
            chosen.setdefault(item.slug, item)
        return list(chosen.values())


def slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def iso(day: dt.date, precision: str = "day") -> str:
    return {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[precision]


def random_day(rng: random.Random) -> dt.date:
    return START + dt.timedelta(days=rng.randrange((END - START).days + 1))


class Names:
    """Unique capitalised made-up words, so no two entities share a surface form."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.used = rng, set(FIRST)

    def word(self, syllables: tuple[int, int] = (2, 3)) -> str:
        while True:
            count = self.rng.randint(*syllables)
            word = "".join(self.rng.choice(SYLLABLES) for _ in range(count)).capitalize()
            if word not in self.used and len(word) > 3:
                self.used.add(word)
                return word

    def claim(self, form: str) -> bool:
        if form in self.used:
            return False
        self.used.add(form)
        return True


def make_pools(rng: random.Random, scale: float = 1.0) -> dict[str, list[Entity]]:
    """~500 people (+60 journalists), ~200 events, ~100 organisations, ~100 places; fewer for
    a small archive (scale < 1), so that every entity can still be referenced."""
    def sized(count: int, least: int) -> int:
        return max(least, round(count * scale))

    names = Names(rng)
    places: list[Entity] = []
    countries = sized(30, 3)
    for i in range(sized(100, 6)):
        kind = "country" if i < countries else "city" if i % 5 else "region"
        name = names.word()
        adjective = name + "n"
        has_adjective = kind == "country" and name[-1] in "aeiou" and names.claim(adjective)
        aliases = [adjective] if has_adjective else []
        fields: dict[str, object] = {"kind": kind, "description": f"A {kind} of the archive."}
        if kind != "country":
            fields["located_in"] = places[rng.randrange(countries)].slug
        places.append(Entity("places", slugify(name), name, aliases, fields))
    organisations: list[Entity] = []
    for kind, count, pattern in ORG_KINDS:
        for _ in range(sized(count, 1)):
            name = pattern.format(names.word((2, 2)))
            acronym = "".join(w[0] for w in name.split() if w[0].isupper())
            aliases = [acronym] if len(acronym) >= 3 and names.claim(acronym) else []
            organisations.append(Entity("organisations", slugify(name), name, aliases, {
                "kind": kind, "country": places[rng.randrange(countries)].slug,
                "url": f"https://{slugify(name).replace('-', '')}.example/",
                "description": f"A fictional {kind.replace('-', ' ')}."}))
    outlets = sized(ORG_KINDS[0][1], 1)
    people: list[Entity] = []
    newsmakers = sized(500, 8)
    for i in range(newsmakers + sized(60, 2)):  # the last are journalists: authors, not news
        surname = names.word()
        name = f"{rng.choice(FIRST)} {surname}"
        journalist = i >= newsmakers
        title = "Correspondent" if journalist else rng.choice(TITLES)
        org = organisations[rng.randrange(outlets) if journalist else
                            rng.randrange(outlets, len(organisations))]
        people.append(Entity("people", slugify(name), name, [surname, f"{title} {name}"], {
            "sort_as": f"{surname}, {name.split()[0]}",
            "roles": [{"title": title, "organisation": org.slug,
                       "date": str(rng.randint(2008, 2024))}],
            "description": f"{title} ({org.name})."}, journalist=journalist))
    events: list[Entity] = []
    event_names: set[str] = set()
    for i in range(sized(200, 4)):
        place = places[min(int(rng.paretovariate(0.8)) - 1, len(places) - 1)]
        kind = EVENT_KINDS[i % len(EVENT_KINDS)]
        day = random_day(rng)
        while (name := f"{place.name} {kind} of {MONTHS[day.month - 1]} {day.year}") in event_names:
            day = random_day(rng)
        event_names.add(name)
        precision = rng.choices(("day", "month", "year"), (85, 12, 3))[0]
        fields = {"date": iso(day, precision), "circa": precision == "year",
                  "date_basis": "Dated by the earliest report.", "places": [place.slug],
                  "people": [p.slug for p in rng.sample(people[:newsmakers], rng.randint(1, 3))],
                  "organisations": [o.slug for o in rng.sample(organisations, rng.randint(0, 2))],
                  "description": f"A {kind} in {place.name}."}
        if precision == "day" and rng.random() < 0.15:
            fields["end_date"] = iso(day + dt.timedelta(days=rng.randint(1, 5)))
        slug = f"{iso(day, precision)}-{slugify(place.name)}-{kind}"
        events.append(Entity("events", slug, name, [], fields, day if precision == "day" else None,
                             cap=rng.randint(2, 8)))
    for pool in (places, organisations, people, events):
        rng.shuffle(pool)  # popularity must not follow creation order
    return {"people": people, "organisations": organisations, "places": places, "events": events}


@dataclass
class Sentence:
    source: str
    visible: str
    clean: bool
    """Filler words only, no Markdown: a note may anchor inside it."""


class Writer:
    """Writes one article after another; keeps the state that makes the archive coherent."""

    def __init__(self, rng: random.Random, pools: dict[str, list[Entity]]) -> None:
        self.rng, self.pools = rng, pools
        self.zipf = {c: Zipf([e for e in pool if not e.journalist]) for c, pool in pools.items()}
        self.journalists = [p for p in pools["people"] if p.journalist]
        self.outlets = Zipf([o for o in pools["organisations"] if o.fields["kind"] == "outlet"])
        self.agencies = [o for o in pools["organisations"] if o.fields["kind"] == "news-agency"]
        self.open_events = sorted(pools["events"], key=lambda e: e.slug)
        self.slugs: list[str] = []
        # Every entity is referenced by some article (an unreferenced one is a warning): each
        # article also takes the next entity no article has referenced yet.
        self.uncovered = [e for pool in reversed(pools.values()) for e in reversed(pool)]
        self.referenced: set[str] = set()

    def next_uncovered(self, journalists: bool) -> Entity | None:
        for i in range(len(self.uncovered) - 1, -1, -1):
            entity = self.uncovered[i]
            if entity.key in self.referenced:
                del self.uncovered[i]
            elif entity.journalist == journalists:
                del self.uncovered[i]
                return entity
        return None

    def words(self, low: int, high: int) -> list[str]:
        return [self.rng.choice(FILLER) for _ in range(self.rng.randint(low, high))]

    def sentence(self, forms: list[str], decorate: bool) -> Sentence:
        words = self.words(7, 17)
        if self.rng.random() < 0.3:
            words[self.rng.randrange(len(words) - 1)] += ","
        visible_words = list(words)
        if decorate and not forms:
            i = self.rng.randrange(len(words) - 1)
            if self.rng.random() < 0.5:
                words[i] = f"*{words[i]}*" if words[i][-1] != "," else words[i]
            else:
                pair = f"{words[i]} {words[i + 1].rstrip(',')}"
                comma = "," if words[i + 1].endswith(",") else ""
                words[i:i + 2] = [f"[{pair}](https://example.org/{slugify(pair)}){comma}"]
                visible_words[i:i + 2] = [pair + comma]
        for form in forms:
            at = self.rng.randrange(len(words) + 1)
            words.insert(at, form)
            visible_words.insert(at, form)
        source, visible = (" ".join(w).replace(" ,", ",") for w in (words, visible_words))
        source, visible = (t[0].upper() + t[1:] + "." for t in (source, visible))
        return Sentence(source, visible, not forms and source == visible)

    def mention_forms(self, people: list[Entity], others: list[Entity],
                      extra: Entity | None) -> list[str]:
        forms = []
        for person in people:
            later = self.rng.randint(0, 3)
            forms += [person.name] + [self.rng.choice(person.aliases) for _ in range(later)]
        for entity in others:
            count = 1 if entity.collection == "events" else self.rng.randint(1, 2)
            forms += [self.rng.choice([entity.name, *entity.aliases]) for _ in range(count)]
        if extra:
            forms.append(extra.name)
        return forms

    def quote_text(self) -> str:
        text = " ".join(self.words(9, 20))
        return text[0].upper() + text[1:] + "."

    def article(self, number: int) -> tuple[str, dict[str, str]]:
        rng = self.rng
        people = self.zipf["people"].sample(rng, rng.randint(2, 6))
        organisations = self.zipf["organisations"].sample(rng, rng.randint(0, 3))
        places = self.zipf["places"].sample(rng, rng.randint(1, 3))
        background = self.zipf["events"].sample(rng, rng.randint(0, 3))
        reported = None
        if self.open_events and rng.random() < 0.3:
            reported = self.open_events[rng.randrange(len(self.open_events))]
            reported.reports += 1
            if reported.reports >= reported.cap:
                self.open_events.remove(reported)
            background = [e for e in background if e is not reported]
        published = random_day(rng)
        if reported and reported.day:
            published = min(END, reported.day + dt.timedelta(days=rng.randint(0, 2)))
        precision = rng.choices(("day", "month", "year"), (95, 4, 1))[0]
        quotes: list[tuple[Entity, str]] = []
        if reported and reported.quotes and rng.random() < 0.6:
            quotes.append(rng.choice(reported.quotes))  # wire copy: the same words, reprinted
        speakers = people + [o for o in organisations if o.fields["kind"] != "outlet"]
        while len(quotes) < rng.randint(1, 3):
            quotes.append((rng.choice(speakers), self.quote_text()))
        for speaker, _ in quotes:
            if speaker not in people and speaker not in organisations:
                (people if speaker.collection == "people" else organisations).append(speaker)
        if reported:
            reported.quotes.extend(q for q in quotes if q not in reported.quotes)
        need = self.next_uncovered(journalists=False)
        chosen = people + organisations + places + background + ([reported] if reported else [])
        if need is not None and need not in chosen:
            {"people": people, "organisations": organisations, "places": places,
             "events": background}[need.collection].append(need)
        events = ([reported] if reported else []) + background
        others = organisations + places + events
        extra = None
        if rng.random() < 0.15:
            extra = rng.choice([p for p in self.zipf["people"].items if p not in people])
        explicit = rng.choice(people) if rng.random() < 0.15 else None
        forms = self.mention_forms(people, others, extra)
        blocks, visible, clean = self.body(forms, quotes, explicit)
        notes = self.notes(visible, clean)
        outlet = self.outlets.sample(rng, 1)[0]
        author = rng.choice(self.journalists) if rng.random() < 0.7 else None
        author = self.next_uncovered(journalists=True) or author
        headline = f"{people[0].short} and {places[0].name} {rng.choice(VERBS)}"
        slug = f"{iso(published)}-{outlet.slug.split('-')[0]}-{slugify(headline)}"[:80].rstrip("-")
        slug = f"{slug}-{number}"
        subtitle = " ".join(self.words(6, 10)).capitalize() if rng.random() < 0.4 else None
        front: dict[str, object] = {
            "title": headline, "subtitle": subtitle,
            "outlet": outlet.slug, "byline": f"By {author.name}, {outlet.name}" if author else None,
            "authors": [author.slug] if author else [], "published": iso(published, precision),
            "language": "en", "url": f"{outlet.fields['url']}{published.year}/{slug}",
            "summary": f"{people[0].name} and officials in {places[0].name} {rng.choice(VERBS)}.",
            "draft": rng.random() < 0.01,
            "via": [rng.choice(self.agencies).slug] if rng.random() < 0.2 else [],
            "people": [p.slug for p in people], "organisations": [o.slug for o in organisations],
            "places": [p.slug for p in places],
            "events": [{"ref": e.slug, "coverage": "reported" if e is reported else "background"}
                       for e in events]}
        if rng.random() < 0.1:
            front["inferred"] = {"published": {"basis": "Resolved from the dateline's weekday.",
                                               "confidence": rng.choice(("high", "medium", "low"))}}
        files = {}
        if rng.random() < 0.25:
            capture = f"{slug}.capture.txt"
            lines = [headline, str(front["byline"] or "Staff report"), *visible,
                     f"Comments: {rng.randint(0, 90)}"]
            files[capture] = "\n".join(lines) + "\n"
            front["capture"] = {"file": capture, "removed": [
                {"line": 1, "text": headline, "kind": "headline"},
                {"line": 2, "text": lines[1], "kind": "byline"},
                {"line": len(lines), "text": lines[-1], "kind": "comments"}]}
        front["quotes"] = [{"id": f"q-{i + 1}", "speaker": s.slug, "exact": exact,
                            **({"event": reported.slug} if reported and i == 0 else {}),
                            **({"context": "in a statement"} if i == 1 else {})}
                           for i, (s, exact) in enumerate(quotes)]
        front["notes"] = [{"id": f"n-{i + 1}", "kind": rng.choice(NOTE_KINDS), "exact": exact,
                           "text": f"An editorial note on {rng.choice(people).name}'s account.",
                           "author": "benchmark editors", "date": "2026-01-15",
                           **({"see": [rng.choice(self.slugs)]}
                              if self.slugs and rng.random() < 0.2 else {})}
                          for i, exact in enumerate(notes)]
        files[f"{slug}.md"] = f"---\n{yaml_lines(front)}---\n" + "\n\n".join(blocks) + "\n"
        if not front["draft"]:
            self.slugs.append(slug)
            self.referenced.update(e.key for e in (*people, *organisations, *places, *events, outlet))
            self.referenced.update(f"people/{a}" for a in front["authors"])  # type: ignore[attr-defined]
            self.referenced.update(f"organisations/{v}" for v in front["via"])  # type: ignore[attr-defined]
        return slug, files

    def body(self, forms: list[str], quotes: list[tuple[Entity, str]],
             explicit: Entity | None) -> tuple[list[str], list[str], list[Sentence]]:
        """Markdown blocks, the visible text of every paragraph, and the sentences notes may use."""
        rng = self.rng
        wanted = rng.randint(600, 900) - sum(len(q.split()) + 2 for _, q in quotes) - 12
        count = wanted // 15  # an undershoot, topped up below to the word count wanted
        slots: list[list[str]] = [[] for _ in range(count)]
        for form in forms:
            slots[rng.randrange(count)].append(form)
        sentences = [self.sentence(slot, rng.random() < 0.12) for slot in slots]
        words = sum(len(s.visible.split()) for s in sentences)
        while words < wanted:
            extra = self.sentence([], rng.random() < 0.12)
            sentences.insert(rng.randint(0, len(sentences)), extra)
            words += len(extra.visible.split())
        blocks: list[tuple[str, list[str]]] = []  # (Markdown, visible text of its paragraphs)
        clean: list[Sentence] = []
        i = 0
        while i < len(sentences):
            group = sentences[i:i + rng.randint(2, 5)]
            i += len(group)
            roll = rng.random()
            joined = " ".join(s.visible for s in group)
            if blocks and roll < 0.08:
                items = "\n".join(f"- {s.source}" for s in group)
                blocks.append((items, [s.visible for s in group]))
            elif blocks and roll < 0.13:
                blocks.append(("> " + " ".join(s.source for s in group), [joined]))
            else:
                blocks.append((" ".join(s.source for s in group), [joined]))
                clean += [s for s in group if s.clean]
            if rng.random() < 0.12:
                heading = " ".join(self.words(3, 6)).capitalize()
                blocks.append((f"## {heading}", [heading]))
        for speaker, exact in quotes:
            text = (f"“{exact}” {speaker.short} said." if rng.random() < 0.5
                    else f"{speaker.short} said: “{exact}”")
            blocks.insert(rng.randint(1, len(blocks)), (text, [text]))
        if explicit:
            words = f"the {rng.choice(FILLER)} envoy"
            blocks.insert(rng.randint(1, len(blocks)), (
                f"Officials said [{words}](@people/{explicit.slug}) had left.",
                [f"Officials said {words} had left."]))
        if rng.random() < 0.04:
            code = "```python\ndef bearing(a, b):\n    return (b - a) % 360  # degrees\n```"
            blocks.insert(rng.randint(1, len(blocks)), (code, []))
        return [s for s, _ in blocks], [v for _, vs in blocks for v in vs], clean

    def notes(self, visible: list[str], clean: list[Sentence]) -> list[str]:
        text = "\n".join(visible)
        found: list[str] = []
        for sentence in self.rng.sample(clean, min(len(clean), 6)):
            words = sentence.visible.rstrip(".").split()
            size = self.rng.randint(3, 6)
            start = self.rng.randrange(max(1, len(words) - size))
            phrase = " ".join(words[start:start + size])
            if text.count(phrase) == 1 and len(found) < self.rng.randint(1, 3):
                found.append(phrase)
        return found


def yaml_value(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    raise TypeError(value)


def yaml_lines(data: dict[str, object], indent: str = "") -> str:
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            out.append(f"{indent}{key}:\n{yaml_lines(value, indent + '  ')}")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out.append(f"{indent}{key}:\n")
            for item in value:
                body = yaml_lines(item, indent + "    ")
                out.append(f"{indent}  - {body[len(indent) + 4:]}")
        else:
            out.append(f"{indent}{key}: {yaml_value(value)}\n")
    return "".join(out)


def entity_file(rng: random.Random, entity: Entity, pools: dict[str, list[Entity]]) -> str:
    front: dict[str, object] = {"name": entity.name}
    if entity.aliases:
        front["aliases"] = entity.aliases
    front.update((k, v) for k, v in entity.fields.items() if v is not None)
    body = ""
    if rng.random() < 0.3:
        other = rng.choice(pools["places"])
        words = " ".join(rng.choice(FILLER) for _ in range(40))
        body = (f"{entity.name} appears in the archive's reports on "
                f"[{other.name}](@places/{other.slug}). {words.capitalize()}.\n")
    return f"---\n{yaml_lines(front)}---\n{body}"


def generate(articles: int, seed: int, out: Path) -> int:
    """Write the project into `out` (replacing a previous corpus there); returns the file count."""
    rng = random.Random(f"sitegen-benchmark:{articles}:{seed}")
    pools = make_pools(rng, min(1.0, articles / 1000))
    if out.exists():
        shutil.rmtree(out)
    content = out / "content"
    (out / "sitegen.toml").parent.mkdir(parents=True, exist_ok=True)
    (out / "sitegen.toml").write_text(
        f'title = "Benchmark archive ({articles} articles, seed {seed})"\n'
        'description = "A synthetic annotated news archive for timing sitegen."\n'
        'base_url = "https://bench.example/archive/"\nlanguage = "en"\n'
        'theme = "default"\noutput_dir = "public"\n\n[mentions]\nlink = "first-in-paragraph"\n')
    written = 1
    for collection, pool in pools.items():
        folder = content / collection
        folder.mkdir(parents=True)
        for entity in sorted(pool, key=lambda e: e.slug):
            text = entity_file(rng, entity, pools)
            (folder / f"{entity.slug}.md").write_text(text, encoding="utf-8")
            written += 1
    writer = Writer(rng, pools)
    folder = content / "articles"
    folder.mkdir()
    for number in range(1, articles + 1):
        _, files = writer.article(number)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
            written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="number of articles")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("out", type=Path, help="project folder to (re)create")
    args = parser.parse_args()
    count = generate(args.articles, args.seed, args.out)
    print(f"wrote {count} files into {args.out}")


if __name__ == "__main__":
    main()
