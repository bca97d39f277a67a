"""archive.json and the per-article W3C Web Annotation collections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli

MOTIVATIONS = {"assessing", "bookmarking", "classifying", "commenting", "describing", "editing",
               "highlighting", "identifying", "linking", "moderating", "questioning", "replying", "tagging"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exports") / "public"
    assert run_cli("build", "--root", str(REPO), "--output", str(out)).code == 0
    return out


def _check_annotation(item: dict, article_url: str, body_texts: list[str]) -> None:  # type: ignore[type-arg]
    # Required by the W3C Web Annotation Data Model: id (IRI), type Annotation, target.
    assert item["type"] == "Annotation"
    assert item["id"].startswith(article_url + "#")
    assert item["motivation"] in MOTIVATIONS
    target = item["target"]
    assert target["type"] == "SpecificResource" and target["source"] == article_url
    selector = target["selector"]
    assert selector["type"] == "TextQuoteSelector" and selector["exact"]
    needle = selector.get("prefix", "") + selector["exact"] + selector.get("suffix", "")
    assert sum(text.count(needle) for text in body_texts) >= 1, needle
    bodies = item["body"] if isinstance(item["body"], list) else [item["body"]]
    for body in bodies:
        assert body["type"] in ("TextualBody", "SpecificResource")
        if body["type"] == "TextualBody":
            assert isinstance(body["value"], str) and body["value"]
        else:
            assert body["source"].startswith("https://")


def test_every_article_has_a_valid_annotation_collection(site: Path) -> None:
    archive = json.loads((site / "archive.json").read_text())
    base = archive["site"]["base_url"]
    from sitegen.build import render_site
    from sitegen.config import load_config
    built = render_site(load_config(REPO)[0]).archive
    assert built is not None
    for article in archive["articles"]:
        slug = article["id"].split("/", 1)[1]
        data = json.loads((site / "annotations" / f"{slug}.jsonld").read_text())
        assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
        assert data["type"] == "AnnotationCollection" and data["id"].endswith(f"annotations/{slug}.jsonld")
        page = data["first"]
        assert page["type"] == "AnnotationPage" and data["total"] == len(page["items"])
        url = base + f"articles/{slug}/"
        texts = list(built.bodies[("articles", slug)].blocks)
        for item in page["items"]:
            _check_annotation(item, url, texts)
        kinds = [i["id"].split("#")[1].split("-")[0] for i in page["items"]]
        assert kinds.count("quote") == len(article["quotes"])
        assert kinds.count("note") == len(article["notes"])
        assert kinds.count("m") == len(article["mentions"])


def test_archive_json_is_the_whole_graph_in_stable_order(site: Path, tmp_path: Path) -> None:
    data = json.loads((site / "archive.json").read_text())
    assert data["format"] == 1
    for collection in ("articles", "people", "organisations", "places", "events"):
        ids = [item["id"] for item in data[collection]]
        assert ids == sorted(ids) and ids, collection
    known = {item["id"] for c in ("articles", "people", "organisations", "places", "events") for item in data[c]}
    for article in data["articles"]:
        for ref in article["references"]:
            assert ref in known
        for mention in article["mentions"]:
            assert mention["entity"] in known and mention["start"] < mention["end"]
        for quote in article["quotes"]:
            assert quote["speaker"] in known
    again = tmp_path / "again"
    assert run_cli("build", "--root", str(REPO), "--output", str(again)).code == 0
    assert (again / "archive.json").read_bytes() == (site / "archive.json").read_bytes()
