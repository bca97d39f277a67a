"""The real archive in content/: every internal link resolves and every reference links back."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.build import render_site
from sitegen.config import load_config
from sitegen.model import Article
from tests.conftest import MINI, REPO, run_cli
from tests.sitecheck import broken_links, page_links, resolve


def _build(root: Path, out: Path) -> Path:
    result = run_cli("build", "--root", str(root), "--output", str(out))
    assert result.code == 0, result.err
    return out


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(REPO, tmp_path_factory.mktemp("seed") / "public")


@pytest.mark.parametrize("root", [MINI, REPO], ids=["mini", "seed"])
def test_every_internal_link_resolves(root: Path, tmp_path: Path) -> None:
    site = _build(root, tmp_path / "public")
    problems = broken_links(site)
    assert not problems, "\n".join(problems[:40])


def test_every_referenced_entity_has_a_page_that_links_back(seed_site: Path) -> None:
    config, _ = load_config(REPO)
    archive = render_site(config).archive
    assert archive is not None and archive.articles, "content/ has no articles"
    missing = []
    for article in archive.articles:
        assert isinstance(article, Article)
        article_page = seed_site / "articles" / article.slug / "index.html"
        for ref in article.references():
            page = seed_site / ref.collection / ref.slug / "index.html"
            if not page.is_file():
                missing.append(f"{article.slug}: no page for {ref.collection}/{ref.slug}")
                continue
            links, _ = page_links(page.read_text(encoding="utf-8"))
            if not any(resolve(seed_site, page, href)[0] == article_page for _, href in links):
                missing.append(f"{ref.collection}/{ref.slug} does not link back to {article.slug}")
    assert not missing, "\n".join(missing)
