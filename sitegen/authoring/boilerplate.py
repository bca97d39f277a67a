"""Rules that recognise web boilerplate in a captured article, line by line: built-in plus the user's."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sitegen.dates import MONTHS

ANYWHERE, BODY_ONLY = "anywhere", "body"


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str
    """A capture.removed kind (see schema.REMOVED_KINDS)."""
    pattern: re.Pattern[str]
    where: str = ANYWHERE
    """BODY_ONLY rules never claim the headline block at the top of a capture."""
    source: str = "built-in"


_UI_WORDS = (
    "clear", "close", "menu", "search", "share", "share this", "share this article", "share on facebook",
    "share on twitter", "print", "email", "e-mail", "tweet", "subscribe", "sign in", "sign up", "log in",
    "login", "log out", "register", "skip to content", "skip to main content", "advertisement", "advert",
    "sponsored", "read more", "continue reading", "back to top", "show more", "load more", "next",
    "previous", "home", "facebook", "twitter", "whatsapp", "telegram", "linkedin", "copy link",
    "write a comment", "leave a comment", "add a comment", "add comment", "post a comment", "reply",
    "accept", "accept all", "reject all", "i agree", "got it", "manage preferences", "cookie settings",
    "listen to this article", "font size", "a a a", "×", "✕",
)
_MONTH = "|".join([*MONTHS, *(m[:3] for m in MONTHS), "Sept"])
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_TIME = r"(?:,?\s*(?:at\s*)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*\(?[A-Z]{2,5}\)?)?)"
DATELINE = re.compile(
    rf"(?i)^(?:(?:published|updated|posted|last updated|first published)(?:\s+on)?\s*:?\s*)?"
    rf"(?:{_WEEKDAY},?\s+)?"
    rf"(?:(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH})\.?,?\s+(?P<y2>\d{{4}})"
    rf"|(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}}))"
    rf"{_TIME}?\s*$")
BYLINE = re.compile(r"^(?:By|BY|Written by|Reporting by|Reported by)\s+[A-Z\u00C0-\u024F][^“”\"!?]{0,90}[^.:;,!?]$")
LONE_NAME = re.compile(
    r"^[A-Z\u00C0-\u024F][\w’'.\-]+(?:\s+(?:(?:de|da|van|von|al|bin|ibn|la|le|del|der)\s+)?"
    r"[A-Z\u00C0-\u024F][\w’'.\-]+){1,3}$")

BUILTIN_RULES: tuple[Rule, ...] = (
    Rule("ui", re.compile("(?i)^(?:" + "|".join(re.escape(w) for w in _UI_WORDS) + r")\s*[.:!]?$")),
    Rule("ui", re.compile(r"(?i)\b(?:we use cookies|this (?:web)?site uses cookies|accept (?:all )?cookies|"
                          r"cookie (?:policy|settings|preferences|consent))\b")),
    Rule("ui", re.compile(r"(?i)^(?:subscribe|sign up)\b.{0,80}\bnewsletter\b.{0,40}$")),
    Rule("ui", re.compile(r"(?i)^(?:follow us|follow)\s+on\s+\w+.{0,40}$")),
    Rule("comments", re.compile(r"(?i)^(?:comments?\s*[:(]?\s*\d+\s*\)?|\d+\s+comments?|no comments(?: yet)?"
                                r"|(?:view|show|hide|load) (?:all )?comments|comments)$")),
    Rule("tagline", re.compile(r"(?i)^[^.!?:]{3,60}\bsince (?:1[6-9]|20)\d\d$")),
    Rule("dateline", DATELINE),
    Rule("byline", BYLINE),
    Rule("credit", re.compile(r"^[(\[]?(?:(?:Photo|Image|Picture|Photograph|Credit|Video)(?: credit)?\s*[:/]\s*)"
                              r"[^.]{2,80}[)\]]?$", re.IGNORECASE)),
    Rule("credit", re.compile(r"^\[[^\[\]]{2,80}/[^\[\]]{2,80}\]$")),
    Rule("caption", re.compile(r"^.{3,300}\s\[[^\[\]]{2,80}/[^\[\]]{2,80}\]$")),
    Rule("caption", re.compile(r"^.{3,300}\s\((?:Photo|Image|Credit)\s*:[^()]{2,80}\)$", re.IGNORECASE)),
    Rule("teaser", re.compile(r"(?i)^(?:opinion|analysis|editorial|commentary|read more|read also|see also|"
                              r"also read|related|recommended|watch|video|explainer|live|more)\s*:\s*\S.{0,200}$")),
    # Another article's headline set into the text: "Topic: Headline words", short, unpunctuated.
    Rule("teaser", re.compile(r"^[A-Z][\w’'‘\- ]{1,30}:\s+[A-Z‘“\"][^.!?]{5,140}[^.!?:;,”\"’)\]]$"), BODY_ONLY),
)


@dataclass(frozen=True, slots=True)
class Ruleset:
    rules: tuple[Rule, ...]

    def kind_of(self, text: str, in_header: bool = False) -> str | None:
        stripped = text.strip()
        for rule in self.rules:
            if in_header and rule.where == BODY_ONLY:
                continue
            if rule.pattern.search(stripped):
                return rule.kind
        return None


def ruleset(user: Iterable[tuple[str, str]] = ()) -> Ruleset:
    """The user's (pattern, kind) rules first, so they can claim lines before the built-in ones do."""
    own = tuple(Rule(kind, re.compile(pattern), ANYWHERE, "sitegen.toml") for pattern, kind in user)
    return Ruleset(own + BUILTIN_RULES)


def dateline_date(text: str) -> str | None:
    """The ISO date a dateline states, e.g. 'February 27, 2022 at 12:24 pm' -> '2022-02-27'."""
    match = DATELINE.match(text.strip())
    if not match:
        return None
    groups = match.groupdict()
    if groups["y3"]:
        return f"{groups['y3']}-{groups['m3']}-{groups['d3']}"
    month_name = (groups["m1"] or groups["m2"]).lower()
    month = next(i for i, name in enumerate(MONTHS, 1) if name.lower().startswith(month_name[:3]))
    day = int(groups["d1"] or groups["d2"])
    return f"{groups['y1'] or groups['y2']}-{month:02d}-{day:02d}"
