"""Front-matter text written by the authoring tools: safe scalars, and a skeleton generated from SCHEMA."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sitegen.schema import SCHEMA, SUBFIELDS, FieldSpec

# Characters PyYAML refuses to read, or reads as line breaks inside a quoted scalar.
_UNSAFE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]")
_PLAIN_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PLAIN_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
COMMENT_COLUMN = 32


def quote(text: str) -> str:
    """A double-quoted YAML scalar that reads back as exactly `text`."""
    dumped = json.dumps(text, ensure_ascii=False)  # JSON strings are valid YAML double-quoted scalars
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) < 0x10000
                       else f"\\U{ord(m.group()):08x}", dumped)


def scalar(value: Any) -> str:
    """A YAML scalar for a value: slugs and dates plain (our loader keeps them text), the rest quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if (_PLAIN_SLUG.fullmatch(text) or _PLAIN_DATE.fullmatch(text)) and text not in (
            "null", "true", "false", "yes", "no", "on", "off", "y", "n"):
        return text
    return quote(text)


def with_comment(line: str, comment: str, column: int = COMMENT_COLUMN) -> str:
    if not comment:
        return line
    return line + " " * max(column - len(line), 2) + f"# {comment}"


def _kind_of(type_: str) -> tuple[str, str]:
    kind, _, arg = type_.partition(":")
    return kind, arg


_SINGULAR = {"people": "person", "organisations": "organisation", "places": "place",
             "events": "event", "articles": "article"}


def type_hint(spec: FieldSpec) -> str:
    """How a field is written, in words, for the comment beside it."""
    kind, arg = _kind_of(spec.type)
    hints = {
        "text": "text", "texts": "list of text", "bool": "true | false",
        "date": "date", "url": "http(s) address", "lang": "language tag",
        "ref": f"{_SINGULAR.get(arg, arg)} slug", "refs": f"list of {_SINGULAR.get(arg, arg)} slugs",
        "enum": arg, "event_refs": "list of {ref: event slug, coverage: reported|background}",
        "inferred": "field: {basis, confidence: high|medium|low}",
        "capture": "{file, removed: list of {" + ", ".join(SUBFIELDS["removed"]) + "}}",
    }
    if kind in hints:
        return hints[kind]
    return "list of {" + ", ".join(SUBFIELDS[kind]) + "}" if kind in SUBFIELDS else kind


def field_comment(spec: FieldSpec) -> str:
    return ("required. " if spec.required else "") + f"{spec.doc} ({type_hint(spec)})"


def empty_value(spec: FieldSpec) -> Any:
    kind, _ = _kind_of(spec.type)
    if kind in ("texts", "refs", "event_refs", "quotes", "notes", "roles"):
        return []
    if kind == "inferred":
        return {}
    if kind == "bool":
        return False
    return None


@dataclass
class Item:
    """One list item with an optional trailing comment; `value` is a scalar or a flat mapping."""

    value: Any
    comment: str = ""


@dataclass
class Field:
    """A top-level field to write: its value (scalar, list of Item, or nested mapping) and comment."""

    name: str
    value: Any
    comment: str = ""
    extra_lines: list[str] = field(default_factory=list)
    """Lines written as-is after the field (already indented), e.g. a capture's removed list."""


def flow_mapping(mapping: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in mapping.items()) + "}"


def _block(name: str, value: Any, comment: str, indent: str) -> list[str]:
    if isinstance(value, list) and not value:
        return [with_comment(f"{indent}{name}: []", comment)]
    if isinstance(value, dict) and not value:
        return [with_comment(f"{indent}{name}: {{}}", comment)]
    if isinstance(value, list):
        lines = [with_comment(f"{indent}{name}:", comment)]
        for item in value:
            item = item if isinstance(item, Item) else Item(item)
            if isinstance(item.value, dict):
                first, *rest = list(item.value.items())
                lines.append(with_comment(f"{indent}  - {first[0]}: {scalar(first[1])}", item.comment))
                lines += [f"{indent}    {k}: {scalar(v)}" for k, v in rest]
            else:
                lines.append(with_comment(f"{indent}  - {scalar(item.value)}", item.comment))
        return lines
    if isinstance(value, dict):
        lines = [with_comment(f"{indent}{name}:", comment)]
        for key, sub in value.items():
            lines += _block(key, sub, "", indent + "  ")
        return lines
    return [with_comment(f"{indent}{name}: {scalar(value)}", comment)]


def render_front_matter(fields: Sequence[Field], trailer: Sequence[str] = ()) -> str:
    """The `---` fenced front matter for the given fields, in the given order."""
    lines = ["---"]
    for f in fields:
        lines += _block(f.name, f.value, f.comment, "")
        lines += f.extra_lines
    lines += list(trailer)
    lines.append("---")
    return "\n".join(lines) + "\n"


def skeleton(collection: str, values: dict[str, Any]) -> list[Field]:
    """Every field of the collection in schema order, commented, with the given values filled in."""
    return [Field(spec.name, values.get(spec.name, empty_value(spec)), field_comment(spec))
            for spec in SCHEMA[collection]]
