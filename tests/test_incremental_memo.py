"""The render memo on its own: templates read as Jinja reads them, and memoised builds equal fresh ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import FileSystemLoader, TemplateNotFound

from sitegen.build import BuildCache, render_site
from sitegen.config import Config, load_config
from sitegen.diagnostics import Diagnostic
from sitegen.memo import SnapshotLoader, _read_templates
from sitegen.render import Output, make_environment
from sitegen.reuse import Reuse
from tests.conftest import MINI, REPO

ARTICLE = "content/articles/2015-12-01-paris-talks.md"


def no_index(pages: list[Output], config: Config) -> tuple[list[Output], list[Diagnostic]]:
    return [], []  # Pagefind is not what is under test here, and it is slow


def comparable(outputs) -> list[tuple[str, bytes]]:  # type: ignore[no-untyped-def]
    return [(o.path, o.data) for o in outputs]


def test_snapshot_loader_finds_what_the_file_system_loader_finds(tmp_path: Path) -> None:
    override, fallback = tmp_path / "site" / "templates", tmp_path / "fallback" / "templates"
    (override / "partials").mkdir(parents=True)
    fallback.mkdir(parents=True)
    (override / "base.html").write_bytes(b"site base\r\nline two\rline three\n")
    (fallback / "base.html").write_text("fallback base")
    (fallback / "article.html").write_text("{% extends 'base.html' %}")
    (override / "partials" / "card.html").write_text("card")
    paths = [str(override), str(fallback)]
    env = make_environment(load_config(MINI)[0])
    snapshot = SnapshotLoader(paths, _read_templates(paths))
    plain = FileSystemLoader(paths)
    for name in ("base.html", "article.html", "partials/card.html", "./base.html"):
        assert snapshot.get_source(env, name)[:2] == plain.get_source(env, name)[:2], name
    for name in ("missing.html", "../fallback/templates/base.html"):
        with pytest.raises(TemplateNotFound):
            snapshot.get_source(env, name)
        with pytest.raises(TemplateNotFound):
            plain.get_source(env, name)


EDITS = {
    "body": (ARTICLE, "Russia’s role in Syria", "Moscow’s part in Syria"),
    "title": (ARTICLE, 'title: "Leaders agree', 'title: "Leaders resolve'),
    "person": ("content/people/ann-writer.md", 'name: "Ann Writer"', 'name: "Ann B. Writer"'),
    "place": ("content/places/paris.md", "---\n", "---\naliases: [\"City of Light\"]\n"),
    "template": ("themes/default/templates/entity.html", "{% block main %}", "{% block main %}<!-- e -->"),
    "config": ("sitegen.toml", 'title = "Mini archive"', 'title = "Mini archive!"'),
    # Edits that move relations: a reference dropped, coverage changed, a speaker swapped.
    "unreference": (ARTICLE, "places: [paris, syria]", "places: [paris]"),
    "coverage": (ARTICLE, "coverage: reported", "coverage: background"),
    "speaker": (ARTICLE, "speaker: benjamin-netanyahu", "speaker: vladimir-putin"),
    "event-date": ("content/events/2015-11-30-paris-meeting.md", "2015-11-30", "2015-11-29"),
}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=3))
def test_memoised_builds_equal_fresh_builds_whatever_the_edits(tmp_path_factory: pytest.TempPathFactory,
                                                               names: list[str]) -> None:
    root = tmp_path_factory.mktemp("memo") / "site"
    shutil.copytree(MINI, root)
    shutil.copytree(REPO / "themes" / "default", root / "themes" / "default")
    config, _ = load_config(root)
    cache = BuildCache(search_index=no_index, reuse=Reuse(), reads={})  # what `serve` keeps between builds
    render_site(config, cache=cache)
    for name in names:
        path, old, new = EDITS[name]
        text = (root / path).read_text(encoding="utf-8")
        # Each edit toggles, so a sequence may also return to an earlier state.
        (root / path).write_text(text.replace(old, new, 1) if old in text else text.replace(new, old, 1),
                                 encoding="utf-8")
        config, _ = load_config(root)
        incremental = render_site(config, cache=cache)
        fresh = render_site(config, cache=BuildCache(search_index=no_index))
        assert comparable(incremental.outputs) == comparable(fresh.outputs)
        assert incremental.diagnostics == fresh.diagnostics
