"""`sitegen import`: raw captures become article files whose body and removed lines are exact."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sitegen.frontmatter import load_yaml, split_front_matter
from tests.conftest import REPO, run_cli

SEEDS = Path(__file__).parents[2] / "shared" / "seeds"
CONTENT = REPO / "content"
_ENTITY_LINK = re.compile(r"\[([^\]]*)\]\(@[a-z]+/[a-z0-9-]+\)")


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def parts_of(path: Path) -> tuple[dict, str]:
    split, problems = split_front_matter(path.read_text(encoding="utf-8"), path.name)
    assert split and not problems, problems
    front, problems = load_yaml(split.yaml_text, path.name)
    assert front and not problems, problems
    return front.data, split.body


def archived_twin(seed: Path) -> Path | None:
    """The content/articles file whose capture is byte-identical to the seed."""
    data = seed.read_bytes()
    for capture in sorted((CONTENT / "articles").glob("*.capture.txt")):
        if capture.read_bytes() == data:
            return capture.with_name(capture.name.removesuffix(".capture.txt") + ".md")
    return None


def project_with_entities(root: Path) -> Path:
    """A project holding the archive's entities (not its articles), for imports to refer to."""
    root.mkdir(parents=True)
    (root / "sitegen.toml").write_text('title = "T"\nbase_url = "https://example.org/"\n')
    for collection in ("people", "organisations", "places", "events"):
        if (CONTENT / collection).is_dir():
            shutil.copytree(CONTENT / collection, root / "content" / collection)
    (root / "content" / "articles").mkdir(parents=True, exist_ok=True)
    return root


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed captures not present at {SEEDS}")
@pytest.mark.parametrize("seed", seed_files(), ids=lambda p: p.stem)
def test_seed_import_reproduces_archived_body_and_boilerplate(seed, tmp_path):
    twin = archived_twin(seed)
    assert twin is not None and twin.is_file(), f"no content/articles/*.capture.txt equals {seed.name}"
    root = project_with_entities(tmp_path / "site")
    result = run_cli("import", str(seed), "--root", str(root))
    assert result.code == 0, result.err
    made = root / result.out.splitlines()[0]
    data, body = parts_of(made)
    archived, archived_body = parts_of(twin)
    # The archive's editors added [words](@entity) links where a name could not be matched;
    # what a reader sees, and the Markdown otherwise, is the capture's text.
    assert body == _ENTITY_LINK.sub(r"\1", archived_body)
    assert data["capture"]["removed"] == archived["capture"]["removed"]
    for field in ("subtitle", "byline"):
        assert data[field] == archived[field], field
    assert made.with_name(data["capture"]["file"]).read_bytes() == seed.read_bytes()
    build = run_cli("build", "--root", str(root))
    assert build.code == 0, build.err
    assert "0 errors" in build.out


def test_import_finds_parts_references_and_candidates(make_site, tmp_path):
    root = make_site({
        "content/people/jane-doe.md": '---\nname: "Jane Doe"\naliases: ["Doe"]\n---\n',
        "content/places/paris.md": '---\nname: "Paris"\n---\n',
        "content/events/2020-05-04-summit.md": '---\nname: "Paris summit"\ndate: 2020-05-04\n---\n',
    })
    capture = tmp_path / "raw.txt"
    capture.write_text(
        "Menu\n\nLeaders meet in Paris\n\nA summit of note.\n\nBy Jane Doe\n\nMay 4, 2020 at 9:00 am\n\n"
        "Jane Doe arrived in Paris for the Paris summit on Monday, Doe said.\n\n“We are here,” Doe said.\n\n"
        "Zebulon Quartermaine also attended.\n\nComments: 3\n", encoding="utf-8")
    result = run_cli("import", str(capture), "--root", str(root), "--outlet", "daily-news")
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "content/articles/2020-05-04-leaders-meet-in-paris.md"
    assert "Zebulon Quartermaine" in result.out
    path = root / "content/articles/2020-05-04-leaders-meet-in-paris.md"
    text = path.read_text(encoding="utf-8")
    data, body = parts_of(path)
    assert (data["title"], data["subtitle"], data["byline"]) == (
        "Leaders meet in Paris", "A summit of note.", "By Jane Doe")
    assert data["published"] == "2020-05-04" and data["outlet"] == "daily-news"
    assert data["inferred"]["published"]["confidence"] == "high"
    assert data["authors"] == ["jane-doe"] and data["people"] == ["jane-doe"]
    assert data["places"] == ["paris"] and data["events"] == [{"ref": "2020-05-04-summit"}]
    assert re.search(r"\n  - jane-doe +# review: found by import", text)
    assert "#   Zebulon Quartermaine ×1" in text
    assert [(r["line"], r["kind"]) for r in data["capture"]["removed"]] == [
        (1, "ui"), (3, "headline"), (5, "subtitle"), (7, "byline"), (9, "dateline"), (17, "comments")]
    assert body.split("\n\n")[0].startswith("Jane Doe arrived")
    again = run_cli("import", str(capture), "--root", str(root))
    assert again.code == 1 and "already exists; not overwriting it" in again.err
    build = run_cli("build", "--root", str(root))
    assert build.code == 0, build.err


def test_import_html_extracts_text_blocks(make_site, tmp_path):
    root = make_site({})
    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html><html><head><title>Site</title><script>var x = '<p>no</p>';</script></head>"
        "<body><nav><a href=/>Home</a></nav><h1>Talks &amp; more talks</h1>"
        "<p>The first <b>paragraph</b> of the report.</p><figure><img src=a.jpg>"
        "<figcaption>A view of the talks [Ann Lens / Agency]</figcaption></figure>"
        "<p>The 2nd paragraph: *not* emphasis.</p><div class=cookie>We use cookies to improve this site."
        "</div></body></html>", encoding="utf-8")
    result = run_cli("import", str(page), "--root", str(root), "--date", "2021-06-07")
    assert result.code == 0, result.err
    path = root / "content/articles/2021-06-07-talks-more-talks.md"
    data, body = parts_of(path)
    assert data["title"] == "Talks & more talks"
    assert body == "The first paragraph of the report.\n\nThe 2nd paragraph: \\*not\\* emphasis.\n"
    assert [(r["text"], r["kind"]) for r in data["capture"]["removed"]] == [
        ("Home", "ui"), ("Talks & more talks", "headline"),
        ("A view of the talks [Ann Lens / Agency]", "caption"),
        ("We use cookies to improve this site.", "ui")]
    capture = path.with_name(data["capture"]["file"]).read_text(encoding="utf-8")
    assert capture.splitlines()[0] == "Home"
    assert path.with_name("2021-06-07-talks-more-talks.capture.html").read_bytes() == page.read_bytes()
    assert run_cli("build", "--root", str(root)).code == 0


def test_user_boilerplate_rules_from_config(make_site, tmp_path):
    root = make_site({"sitegen.toml": 'title = "T"\nbase_url = "https://example.org/"\n[import]\n'
                                      'boilerplate = ["^Sponsored by ", {pattern = "^Pic: ", kind = "credit"}]\n'})
    capture = tmp_path / "raw.txt"
    capture.write_text("Headline here\nBody text one.\nSponsored by Acme\nPic: Someone\nBody two.\n",
                       encoding="utf-8")
    result = run_cli("import", str(capture), "--root", str(root))
    assert result.code == 0, result.err
    data, body = parts_of(root / result.out.splitlines()[0])
    assert [(r["line"], r["kind"]) for r in data["capture"]["removed"]] == [
        (1, "headline"), (3, "ui"), (4, "credit")]
    assert body == "Body text one.\n\nBody two.\n"


def test_bad_import_config_is_an_error(make_site, tmp_path):
    root = make_site({"sitegen.toml": 'base_url = "https://example.org/"\n[import]\nboilerplate = ["("]\n'
                                      'rules = []\n'})
    result = run_cli("build", "--root", str(root))
    assert result.code == 1
    assert "is not a regex" in result.err and "unknown key 'import.rules'" in result.err
