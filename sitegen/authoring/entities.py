"""The archive's known entities as the authoring tools see them: names, aliases and one matcher."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from sitegen import model as m
from sitegen.config import Config
from sitegen.diagnostics import Diagnostic
from sitegen.load import load_project
from sitegen.markdown.annotate import MentionMatcher

Key = tuple[str, str]
_CONNECTORS = ("of", "the", "de", "da", "al", "bin", "ibn", "van", "von", "for", "la", "le", "el")
_CAP_WORD = r"[A-Z\u00C0-\u00DE][\w’'\-]*(?:\.[A-Z][\w]*)*"
_NAME_RUN = re.compile(rf"(?<![\w’']){_CAP_WORD}(?:\s+(?:(?:{'|'.join(_CONNECTORS)})\s+)*{_CAP_WORD})*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;][\"”’)]*\s+|[“\"‘(]\s*)$")
# Nationality words ("Syrian", "Israelis") are capitalised but rarely worth an entity of their own.
_DEMONYM = re.compile(r"(?:ian|ians|eli|elis|ican|icans|ese|ish|ean|eans)$")
_FUNCTION_WORDS = {
    "A", "An", "The", "This", "That", "These", "Those", "But", "And", "Or", "If", "In", "On", "At", "As",
    "By", "For", "From", "To", "Of", "With", "After", "Before", "Since", "Until", "While", "When", "Where",
    "He", "She", "It", "They", "We", "I", "You", "His", "Her", "Its", "Their", "Our", "My", "Your",
    "There", "Here", "Also", "Both", "Such", "Some", "All", "One", "Two", "Three", "No", "Not", "Yet",
    "So", "Then", "However", "Furthermore", "Moreover", "Meanwhile", "Over", "Under", "Following",
    "According", "Last", "Next", "Earlier", "Later", "Today", "Yesterday", "Tomorrow", "Mr", "Mrs", "Ms",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
}


@dataclass(frozen=True, slots=True)
class KnownEntities:
    names: dict[Key, str]
    forms: dict[str, Key]
    """Surface form -> entity; the first entity (by collection and slug) to claim a form keeps it."""

    @property
    def matcher(self) -> MentionMatcher:
        return MentionMatcher(self.forms)

    def surface_forms(self, key: Key) -> list[str]:
        return [form for form, owner in self.forms.items() if owner == key]


def known_entities(documents: tuple[m.Document, ...] | list[m.Document]) -> KnownEntities:
    entities = sorted((d for d in documents if isinstance(d, m.Entity)), key=lambda e: (e.collection, e.slug))
    names = {(e.collection, e.slug): e.name for e in entities}
    forms: dict[str, Key] = {}
    for entity in entities:
        for form in entity.surface_forms:
            if form.strip():
                forms.setdefault(form, (entity.collection, entity.slug))
    return KnownEntities(names, forms)


def load_known(config: Config) -> tuple[KnownEntities, tuple[m.Document, ...], tuple[Diagnostic, ...]]:
    """Every document of the project (drafts too) and the entities among them."""
    loaded = load_project(config, drafts=True)
    return known_entities(loaded.documents), loaded.documents, loaded.diagnostics


def name_candidates(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Capitalised word runs that look like names, outside the spans already matched to entities."""
    found = []
    for match in _NAME_RUN.finditer(text):
        start, end, words = match.start(), match.end(), match.group().split()
        while words and (words[0] in _FUNCTION_WORDS or words[0].lower() in _CONNECTORS):
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else end
            words = words[1:]
        while words and words[-1].lower() in _CONNECTORS:
            words = words[:-1]
        if not words:
            continue
        name = re.sub(r"[’']s$", "", " ".join(words))
        end = start + len(name)
        if len(words) == 1 and (_SENTENCE_START.search(text[:start]) or name in _FUNCTION_WORDS):
            continue  # a lone capitalised word opening a sentence is usually not a name
        if len(words) == 1 and _DEMONYM.search(name):
            continue
        if any(a < end and start < b for a, b in taken):
            continue
        found.append((start, end, name))
    return found


def count_candidates(blocks: list[str], matcher: MentionMatcher) -> Counter[str]:
    counts: Counter[str] = Counter()
    for block in blocks:
        taken = [(s, e) for s, e, _ in matcher.find(block)]
        counts.update(name for _, _, name in name_candidates(block, taken))
    return counts
