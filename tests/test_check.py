"""`sitegen check` as a user runs it: exit codes, text and JSON reports, and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import MINI, REPO, run_cli

PERSON = """\
---
name: "Jane Doe"
aliases: ["Doe"]
---
"""
ARTICLE = """\
---
title: "A report"
published: 2020-05-04
language: en
people: [{ref}]
---
Doe said hello. See [the other report](../other/) and [her page](../../people/jane-doe/#bio).
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_clean_project_exits_0_and_writes_nothing(make_site):
    root = make_site({"content/people/jane-doe.md": PERSON,
                      "content/articles/report.md": ARTICLE.format(ref="jane-doe").replace(
                          " See [the other report](../other/) and [her page](../../people/jane-doe/#bio).", "")})
    before = snapshot(root)
    result = run_cli("check", "--root", str(root))
    assert result.code == 0, result.out
    assert "checked: 0 errors, 0 warnings" in result.out
    assert snapshot(root) == before, "check writes nothing, not even public/"


def test_every_problem_is_reported_in_one_run_with_position(make_site):
    root = make_site({"content/people/jane-doe.md": PERSON,
                      "content/articles/report.md": ARTICLE.format(ref="jane-do")})
    result = run_cli("check", "--root", str(root), "--format", "json")
    assert result.code == 1
    problems = json.loads(result.out)
    assert {tuple(p) for p in problems} == {("path", "line", "column", "level", "code", "message", "hint")}
    found = {(p["code"], p["line"], p["column"]) for p in problems}
    assert ("ref-unknown", 5, 10) in found
    assert ("link-broken", 7, 40) in found
    assert ("link-fragment", 7, 66) in found
    assert ("entity-unreferenced", 2, 7) in found
    unknown = next(p for p in problems if p["code"] == "ref-unknown")
    assert unknown["hint"] == "did you mean 'jane-doe'?" and unknown["level"] == "warning"


def test_build_reports_the_same_problems_as_check(make_site):
    root = make_site({"content/people/jane-doe.md": PERSON,
                      "content/articles/report.md": ARTICLE.format(ref="jane-do")})
    checked = json.loads(run_cli("check", "--root", str(root), "--format", "json").out)
    built = run_cli("build", "--root", str(root))
    assert built.code == 1 and not (root / "public").exists()
    for problem in checked:
        assert f"{problem['path']}:{problem['line']}:{problem['column']}: {problem['level']}: " \
               f"{problem['message']} [{problem['code']}]" in built.err


def test_strict_fails_on_warnings(make_site):
    root = make_site({"content/people/jane-doe.md": PERSON,
                      "content/people/lonely.md": "---\nname: Lonely\n---\n",
                      "content/articles/report.md": ARTICLE.format(ref="jane-doe").replace(
                          " See [the other report](../other/) and [her page](../../people/jane-doe/#bio).", "")})
    assert run_cli("check", "--root", str(root)).code == 0
    strict = run_cli("check", "--root", str(root), "--strict")
    assert strict.code == 1
    assert "content/people/lonely.md:2:7: warning: nothing refers to person 'lonely' [entity-unreferenced]" \
        in strict.out


def test_missing_project_is_a_usage_error(tmp_path):
    result = run_cli("check", "--root", str(tmp_path), "--format", "json")
    assert result.code == 2
    assert json.loads(result.out)[0]["code"] == "config-missing"


def test_json_output_escapes_characters_that_reorder_terminal_text(make_site):
    root = make_site({"content/people/jane-doe.md": PERSON,
                      "content/articles/report.md": ARTICLE.format(ref="jane-doe\u202e")})
    result = run_cli("check", "--root", str(root), "--format", "json")
    assert "\u202e" not in result.out and "\\u202e" in result.out
    assert any("U+202E" in p["message"] for p in json.loads(result.out))
    text = run_cli("check", "--root", str(root))
    assert "\u202e" not in text.out


def test_the_real_archive_checks_clean():
    result = run_cli("check", "--root", str(REPO), "--format", "json")
    problems = [p for p in json.loads(result.out) if p["level"] != "suggestion"]
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


def test_the_mini_fixture_has_only_its_deliberate_stub_references():
    result = run_cli("check", "--root", str(MINI), "--format", "json")
    assert result.code == 0
    assert {p["code"] for p in json.loads(result.out) if p["level"] != "suggestion"} == {"ref-unknown"}
