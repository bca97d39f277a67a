"""The editors' JSON Schemas: generated from sitegen.schema, committed, published, and faithful."""

from __future__ import annotations

import json

import jsonschema
import pytest

from sitegen.authoring.jsonschema import SUBFIELD_TYPES, collection_schema, schema_files
from sitegen.frontmatter import load_yaml, normalise_newlines, split_front_matter
from sitegen.schema import SCHEMA, SUBFIELDS
from tests.conftest import MINI, REPO, run_cli


def front_matter(path) -> dict:
    split, _ = split_front_matter(normalise_newlines(path.read_text(encoding="utf-8")), path.name)
    assert split is not None
    front, problems = load_yaml(split.yaml_text, path.name)
    assert front is not None and not problems
    return front.data


def test_committed_schemas_equal_the_generated_ones():
    generated = schema_files()
    committed = {p.name: p.read_bytes() for p in (REPO / "schemas").glob("*.schema.json")}
    assert committed == generated, "run `sitegen schemas` to regenerate schemas/"


def test_schemas_are_valid_draft_2020_12_and_cover_every_field():
    for collection, specs in SCHEMA.items():
        schema = collection_schema(collection)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert list(schema["properties"]) == [s.name for s in specs]
        assert schema["required"] == [s.name for s in specs if s.required]
        assert schema["additionalProperties"] is False
    for kind, names in SUBFIELDS.items():
        assert set(SUBFIELD_TYPES[kind]) == set(names), kind


@pytest.mark.parametrize("collection", list(SCHEMA))
def test_every_archive_and_fixture_file_validates(collection):
    validator = jsonschema.Draft202012Validator(collection_schema(collection))
    files = sorted((REPO / "content" / collection).glob("*.md")) + sorted(
        (MINI / "content" / collection).glob("*.md"))
    for path in files:
        errors = [e.message for e in validator.iter_errors(front_matter(path))]
        assert not errors, (path, errors)


def test_schema_rejects_what_the_build_rejects():
    validator = jsonschema.Draft202012Validator(collection_schema("articles"))
    good = {"title": "T", "language": "en", "published": "2015-11", "people": ["a", {"ref": "b"}],
            "quotes": [{"speaker": "a", "exact": "x"}], "capture": {"file": "x.txt", "removed": [
                {"line": 1, "text": "clear", "kind": "ui"}]}, "inferred": {"published": {"basis": "b"}}}
    assert not list(validator.iter_errors(good))
    for bad in ({"peopel": []}, {"published": "30 Nov 2015"}, {"people": ["Not A Slug"]},
                {"quotes": [{"speaker": "a", "exact": "x", "speeker": "b"}]},
                {"capture": {"file": "x", "removed": [{"line": 0, "text": "t"}]}},
                {"notes": [{"exact": "x", "text": "t", "kind": "typo"}]}, {"inferred": {"nope": {"basis": "b"}}},
                {"url": "javascript:alert(1)"}):
        assert list(validator.iter_errors({**good, **bad})), bad
    assert list(validator.iter_errors({"language": "en"})), "title is required"


def test_build_publishes_the_schemas(tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", "--root", str(MINI), "--output", str(out)).code == 0
    for name, data in schema_files().items():
        assert (out / "schemas" / name).read_bytes() == data
        assert json.loads(data)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
