"""`sitegen build` as a user runs it: exit codes, messages, and what happens to public/."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import MINI, run_cli

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
Doe said hello.
"""


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_succeeds_and_writes_every_page(make_site):
    root = make_site({"content/people/jane-doe.md": PERSON,
                      "content/articles/report.md": ARTICLE.format(ref="jane-doe")})
    result = run_cli("build", "--root", str(root))
    assert result.code == 0, result.err
    assert "built" in result.out and "0 errors, 0 warnings" in result.out
    site = root / "public"
    for page in ("index.html", "articles/report/index.html", "people/jane-doe/index.html",
                 "people/index.html", "timeline/index.html", "404.html"):
        assert (site / page).is_file(), page
    person = (site / "people/jane-doe/index.html").read_text()
    assert 'href="../../articles/report/"' in person


def test_unknown_reference_warns_with_suggestion_and_strict_fails(make_site):
    root = make_site({"content/people/jane-doe.md": PERSON,
                      "content/articles/report.md": ARTICLE.format(ref="jane-do")})
    result = run_cli("build", "--root", str(root))
    assert result.code == 0
    assert "content/articles/report.md:5:10: warning: no person 'jane-do'" in result.err
    assert "did you mean 'jane-doe'?" in result.err
    assert (root / "public/people/jane-do/index.html").is_file(), "a stub page is still made"

    shutil.rmtree(root / "public")
    strict = run_cli("build", "--root", str(root), "--strict")
    assert strict.code == 1
    assert "build failed" in strict.err
    assert not (root / "public").exists()


def test_usage_error_exits_2(make_site):
    assert run_cli("build", "--no-such-flag").code == 2
    assert run_cli().code == 2
    root = make_site({})
    (root / "sitegen.toml").unlink()
    missing = run_cli("build", "--root", str(root))
    assert missing.code == 2 and "no sitegen.toml" in missing.err


def test_failed_build_leaves_public_untouched(make_site):
    root = make_site({"content/people/jane-doe.md": PERSON,
                      "content/articles/report.md": ARTICLE.format(ref="jane-doe")})
    assert run_cli("build", "--root", str(root)).code == 0
    before = tree(root / "public")
    (root / "content/articles/broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    result = run_cli("build", "--root", str(root))
    assert result.code == 1
    assert "content/articles/broken.md:2:" in result.err and "error" in result.err
    assert tree(root / "public") == before


def test_two_builds_are_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_cli("build", "--root", str(MINI), "--output", str(a)).code == 0
    assert run_cli("build", "--root", str(MINI), "--output", str(b)).code == 0
    assert tree(a) == tree(b)


def test_drafts_only_with_flag(tmp_path):
    out = tmp_path / "out"
    run_cli("build", "--root", str(MINI), "--output", str(out))
    assert not (out / "articles/2019-01-draft").exists()
    run_cli("build", "--root", str(MINI), "--output", str(out), "--drafts")
    assert (out / "articles/2019-01-draft/index.html").is_file()


def test_dangerous_output_folders_are_refused(make_site, tmp_path):
    root = make_site({})
    for target in (root, root / "content", root / "content" / "x", tmp_path):
        result = run_cli("build", "--root", str(root), "--output", str(target))
        assert result.code == 2, target
        assert "refusing to write the site" in result.err
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "thesis.docx").write_text("precious")
    assert run_cli("build", "--root", str(root), "--output", str(stranger)).code == 2
    assert (stranger / "thesis.docx").read_text() == "precious"


def test_site_theme_overrides_a_template_and_static_file(make_site):
    root = make_site({
        "content/people/jane-doe.md": PERSON,
        "themes/default/templates/404.html":
            '{% extends "base.html" %}{% block main %}Custom lost page{% endblock %}\n',
        "themes/default/static/style.css": "body { color: red }\n",
    })
    assert run_cli("build", "--root", str(root)).code == 0
    assert "Custom lost page" in (root / "public/404.html").read_text()
    assert (root / "public/static/style.css").read_text() == "body { color: red }\n"
    assert "Jane Doe" in (root / "public/people/jane-doe/index.html").read_text(), "others still built-in"


def test_template_mistakes_are_reported_not_raised(make_site):
    root = make_site({
        "content/people/jane-doe.md": PERSON,
        "themes/default/templates/404.html": "{{ no_such_variable }}\n",
    })
    result = run_cli("build", "--root", str(root))
    assert result.code == 1
    assert "error: rendering 404.html: 'no_such_variable' is undefined [template-error]" in result.err
    (root / "themes/default/templates/404.html").write_text("{% if %}\n")
    result = run_cli("build", "--root", str(root))
    assert result.code == 1 and "template-syntax" in result.err
    assert "\nthemes/default/templates/404.html:1:1: error:" in result.err, "path relative to the project"
    (root / "themes/default/templates/404.html").write_text("{{ 1 / 0 }}\n")
    result = run_cli("build", "--root", str(root))
    assert result.code == 1
    assert "rendering 404.html: ZeroDivisionError: division by zero [template-error]" in result.err
    assert "Traceback" not in result.err
