"""CSV and JSON downloads per collection, and the Frictionless datapackage.json that describes them."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from tests.publishing_support import build_site, seed_root

NAME = re.compile(r"^[a-z0-9._-]+$")
TYPES = {"string", "integer", "boolean", "array"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(seed_root(), tmp_path_factory.mktemp("data") / "public")


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_datapackage_describes_every_download_and_each_file_matches_its_schema(site: Path) -> None:
    package = json.loads((site / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "data-package" and NAME.match(package["name"])
    names = [r["name"] for r in package["resources"]]
    assert len(names) == len(set(names)) and all(NAME.match(n) for n in names)
    described = {r["path"] for r in package["resources"]}
    assert {f"data/{p.name}" for p in (site / "data").iterdir()} | {"archive.json"} == described
    for resource in package["resources"]:
        path = site / resource["path"]
        assert path.is_file() and ".." not in resource["path"]
        if resource["profile"] != "tabular-data-resource":
            continue
        fields = resource["schema"]["fields"]
        assert all(f["type"] in TYPES and f["description"] for f in fields)
        names = [f["name"] for f in fields]
        if resource["format"] == "csv":
            with path.open(encoding="utf-8", newline="") as handle:
                assert next(csv.reader(handle)) == names, resource["path"]
            rows = read_csv(path)
        else:
            rows = json.loads(path.read_text(encoding="utf-8"))
            assert all(list(row) == names for row in rows), resource["path"]
        key = resource["schema"].get("primaryKey")
        if key:
            assert len({tuple(r[k] for k in key) for r in rows}) == len(rows), f"{path}: duplicate keys"
        for foreign in resource["schema"].get("foreignKeys", []):
            other = next(r for r in package["resources"] if r["name"] == foreign["reference"]["resource"])
            target = site / other["path"]
            known = {r[foreign["reference"]["fields"]] for r in
                     (read_csv(target) if other["format"] == "csv" else json.loads(target.read_text()))}
            missing = {r[foreign["fields"]] for r in rows} - known - {""}
            assert not missing, f"{path}: {foreign['fields']} not in {other['path']}: {missing}"


def test_collections_match_the_archive(site: Path) -> None:
    archive = json.loads((site / "archive.json").read_text(encoding="utf-8"))
    for collection in ("articles", "people", "organisations", "places", "events"):
        rows = read_csv(site / "data" / f"{collection}.csv")
        assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in archive[collection]), collection
        records = json.loads((site / "data" / f"{collection}.json").read_text(encoding="utf-8"))
        assert [r["id"] for r in records] == [r["id"] for r in rows]
    people = {r["id"]: r for r in json.loads((site / "data/people.json").read_text())}
    sample = next(p for p in archive["people"] if p["aliases"])
    assert people[sample["id"]]["aliases"] == sample["aliases"], "lists stay lists in JSON"
    csv_people = {r["id"]: r for r in read_csv(site / "data/people.csv")}
    assert csv_people[sample["id"]]["aliases"] == "; ".join(sample["aliases"])
    references = read_csv(site / "data/references.csv")
    expected = sum(len(a["references"]) for a in archive["articles"])
    assert len(references) == expected


def test_list_pages_link_their_downloads(site: Path) -> None:
    html = (site / "people/index.html").read_text(encoding="utf-8")
    assert 'href="../data/people.csv"' in html and 'href="../data/people.json"' in html
