"""The seed archive keeps every article's text verbatim: body = capture − recorded boilerplate."""

from __future__ import annotations

import pytest

from sitegen.build import render_site
from sitegen.config import load_config
from sitegen.model import Article
from tests.conftest import REPO

SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def archive():  # type: ignore[no-untyped-def]
    config, problems = load_config(REPO)
    assert not problems
    result = render_site(config)
    assert result.archive is not None
    return result.archive


def _articles(archive) -> list[Article]:  # type: ignore[no-untyped-def]
    return [a for a in archive.articles if isinstance(a, Article)]


def test_every_article_keeps_its_capture(archive) -> None:  # type: ignore[no-untyped-def]
    articles = _articles(archive)
    assert len(articles) == 5
    for article in articles:
        assert article.capture is not None, f"{article.slug} has no capture"
        assert f"articles/{article.capture.file}" in archive.captures


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_captures_are_the_untouched_seed_files(archive) -> None:  # type: ignore[no-untyped-def]
    seeds = {p.read_bytes() for p in SEEDS.glob("*.txt")}
    captures = {archive.captures[f"articles/{a.capture.file}"] for a in _articles(archive)}
    assert captures == seeds


def test_body_text_is_the_capture_minus_recorded_boilerplate(archive) -> None:  # type: ignore[no-untyped-def]
    for article in _articles(archive):
        assert article.capture is not None
        lines = archive.captures[f"articles/{article.capture.file}"].decode("utf-8").split("\n")
        removed = {r.line: r.text for r in article.capture.removed}
        for number, text in removed.items():
            assert lines[number - 1] == text, (
                f"{article.slug}: removed line {number} is recorded as {text!r} "
                f"but the capture has {lines[number - 1]!r}")
        kept = [line for number, line in enumerate(lines, 1)
                if line.strip() and number not in removed]
        body = list(archive.bodies[("articles", article.slug)].blocks)
        assert body == kept, f"{article.slug}: the body is not the capture minus its removed lines"
