"""JSON Schemas (draft 2020-12) of each collection's front matter, generated from sitegen.schema.

Editors (VS Code's YAML extension, JetBrains IDEs) use them for completion, hover help
and red squiggles while typing. They are generated from the same SCHEMA and SUBFIELDS
tables that validate the build, so the two cannot drift apart; the build publishes them
under schemas/ and a copy is committed in the repository's schemas/ folder.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sitegen.render import Output
from sitegen.schema import CONFIDENCE, COVERAGE, NOTE_KINDS, REMOVED_KINDS, SCHEMA, SLUG, SUBFIELDS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = "schemas"
_NULL = {"type": "null"}
_SLUG = {"type": "string", "pattern": f"^{SLUG.pattern}$"}
_DATE_TEXT = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"

# The type of each sub-field, in the FieldSpec type language; every name in SUBFIELDS must be
# here (generation fails otherwise), so a new sub-field cannot be left out of the editor schema.
SUBFIELD_TYPES: dict[str, dict[str, str]] = {
    "event_refs": {"ref": "ref:events", "coverage": "enum:" + "|".join(COVERAGE)},
    "inferred": {"basis": "text", "confidence": "enum:" + "|".join(CONFIDENCE)},
    "capture": {"file": "text", "removed": "removed"},
    "removed": {"line": "line", "text": "text", "kind": "enum:" + "|".join(REMOVED_KINDS)},
    "quotes": {"id": "id", "speaker": "ref:people|organisations", "exact": "text", "prefix": "text",
               "suffix": "text", "event": "ref:events", "context": "text", "reported_by": "ref:organisations"},
    "notes": {"id": "id", "kind": "enum:" + "|".join(NOTE_KINDS), "exact": "text", "prefix": "text",
              "suffix": "text", "text": "text", "author": "text", "date": "date", "see": "refs:articles"},
    "roles": {"title": "text", "organisation": "ref:organisations", "date": "date"},
}
_REQUIRED_SUB = {"quotes": ("exact", "speaker"), "notes": ("exact", "text"), "roles": ("title",),
                 "removed": ("line", "text"), "inferred": ("basis",), "event_refs": ("ref",)}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, _NULL]}


def _text() -> dict[str, Any]:
    return {"type": ["string", "number", "null"]}


def _object(kind: str, description: str = "") -> dict[str, Any]:
    types = SUBFIELD_TYPES[kind]
    missing = set(SUBFIELDS[kind]) - set(types)
    if missing:
        raise KeyError(f"no JSON Schema type for {kind}.{', '.join(sorted(missing))}")
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {name: type_schema(types[name]) for name in SUBFIELDS[kind]},
        "additionalProperties": False,
    }
    if kind in _REQUIRED_SUB:
        schema["required"] = list(_REQUIRED_SUB[kind])
    if description:
        schema["description"] = description
    return schema


def type_schema(type_: str) -> dict[str, Any]:
    """The JSON Schema of one field type of the FieldSpec type language."""
    kind, _, arg = type_.partition(":")
    if kind == "text":
        return _text()
    if kind == "texts":
        return _nullable({"type": "array", "items": {"type": ["string", "number"]}})
    if kind == "bool":
        return {"type": ["boolean", "null"]}
    if kind == "date":
        return {"anyOf": [{"type": "string", "pattern": _DATE_TEXT},
                          {"type": "integer", "minimum": 1, "maximum": 9999}, _NULL],
                "description": "YYYY, YYYY-MM or YYYY-MM-DD"}
    if kind == "url":
        return _nullable({"type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/\\s]+"})
    if kind == "lang":
        return {"type": "string", "pattern": "^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$"}
    if kind == "line":
        return {"type": "integer", "minimum": 1}
    if kind == "id":
        return _nullable(_SLUG)
    if kind == "enum":
        return {"enum": [*arg.split("|"), None]}
    if kind == "ref":
        return _nullable({**_SLUG, "description": f"slug of one of: {arg.replace('|', ', ')}"})
    if kind == "refs":
        item = {"anyOf": [_SLUG, {"type": "object", "properties": {"ref": _SLUG},
                                  "required": ["ref"], "additionalProperties": False}]}
        return _nullable({"type": "array", "items": item, "description": f"{arg} slugs"})
    if kind == "event_refs":
        return _nullable({"type": "array", "items": {"anyOf": [_SLUG, _object("event_refs")]}})
    if kind == "inferred":
        return _nullable({"type": "object", "additionalProperties": _object("inferred"),
                          "propertyNames": {"enum": [f.name for f in SCHEMA["articles"]]}})
    if kind == "capture":
        schema = _object("capture")
        schema["required"] = ["file"]
        return _nullable(schema)
    if kind == "removed":
        return _nullable({"type": "array", "items": _object("removed")})
    if kind == "roles":
        return _nullable({"type": "array", "items": {"anyOf": [{"type": "string"}, _object("roles")]}})
    if kind in SUBFIELDS:
        return _nullable({"type": "array", "items": _object(kind)})
    raise KeyError(f"no JSON Schema for field type '{type_}'")


def collection_schema(collection: str) -> dict[str, Any]:
    """The schema of one collection's front matter."""
    properties = {}
    for spec in SCHEMA[collection]:
        properties[spec.name] = {**type_schema(spec.type), "description": spec.doc}
    return {
        "$schema": DIALECT,
        "$id": f"{collection}.schema.json",
        "title": f"sitegen front matter: {collection}",
        "description": f"Front matter of content/{collection}/*.md (see docs/schema.md).",
        "type": "object",
        "properties": properties,
        "required": [spec.name for spec in SCHEMA[collection] if spec.required],
        "additionalProperties": False,
    }


def schema_files() -> dict[str, bytes]:
    """{file name: bytes} of every collection's schema, byte-stable."""
    return {f"{c}.schema.json": (json.dumps(collection_schema(c), indent=2, ensure_ascii=False) + "\n")
            .encode("utf-8") for c in SCHEMA}


def schema_outputs() -> list[Output]:
    """The schemas as build outputs, published at schemas/<collection>.schema.json."""
    return [Output(f"{SCHEMA_DIR}/{name}", data) for name, data in schema_files().items()]


def cmd_schemas(args: argparse.Namespace) -> int:
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in schema_files().items():
        (out / name).write_bytes(data)
        print((out / name).as_posix())
    return 0


def add_schemas_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser("schemas", help="write the front-matter JSON Schemas for editors")
    parser.add_argument("--output", default=SCHEMA_DIR, metavar="DIR", help="folder (default: schemas)")
    parser.set_defaults(run=cmd_schemas)
