"""`sitegen new`: a file with every schema field, commented, that builds as it is."""

from __future__ import annotations

import pytest

from sitegen.frontmatter import load_yaml, split_front_matter
from sitegen.schema import SCHEMA
from tests.conftest import run_cli

KINDS = {"article": "articles", "person": "people", "organisation": "organisations",
         "place": "places", "event": "events"}


@pytest.mark.parametrize("kind", list(KINDS))
def test_new_file_has_every_field_commented_and_builds(make_site, kind):
    root = make_site({})
    result = run_cli("new", kind, "Zoë O’Neil: the “Test”", "--date", "2021-03-04", "--root", str(root))
    assert result.code == 0, result.err
    collection = KINDS[kind]
    dated = collection in ("articles", "events")
    slug = ("2021-03-04-" if dated else "") + "zoe-oneil-the-test"
    assert result.out.strip() == f"content/{collection}/{slug}.md"
    text = (root / result.out.strip()).read_text(encoding="utf-8")
    split, problems = split_front_matter(text, "x")
    assert split and not problems
    yaml_lines = split.yaml_text.splitlines()
    assert [line.split(":")[0] for line in yaml_lines] == [f.name for f in SCHEMA[collection]]
    assert all("  # " in line for line in yaml_lines), "every field carries its comment"
    front, problems = load_yaml(split.yaml_text, "x")
    assert front and not problems
    assert front.data["title" if collection == "articles" else "name"] == "Zoë O’Neil: the “Test”"
    build = run_cli("build", "--root", str(root))
    assert build.code == 0, build.err
    # A new file is referenced by nothing and annotates nothing yet; nothing else may be wrong.
    problems = [line for line in build.err.splitlines() if ": warning: " in line or ": error: " in line]
    assert len(problems) == 1, build.err
    assert problems[0].endswith(("[entity-unreferenced]", "[article-unannotated]")), build.err


def test_new_refuses_to_overwrite(make_site):
    root = make_site({})
    assert run_cli("new", "person", "Jane Doe", "--root", str(root)).code == 0
    path = root / "content/people/jane-doe.md"
    path.write_text("---\nname: Edited\n---\n", encoding="utf-8")
    again = run_cli("new", "person", "Jane Doe", "--root", str(root))
    assert again.code == 1
    assert "content/people/jane-doe.md already exists; not overwriting it" in again.err
    assert path.read_text(encoding="utf-8") == "---\nname: Edited\n---\n"


def test_article_without_date_has_no_prefix_and_event_needs_a_date(make_site):
    root = make_site({})
    article = run_cli("new", "article", "Talks resume", "--root", str(root))
    assert article.out.strip() == "content/articles/talks-resume.md"
    event = run_cli("new", "event", "Talks", "--root", str(root))
    assert event.code == 1 and "an event needs its date" in event.err
    bad = run_cli("new", "event", "Talks", "--date", "2021-13", "--root", str(root))
    assert bad.code == 1 and "has no month 13" in bad.err
    assert run_cli("new", "planet", "Mars", "--root", str(root)).code == 2
