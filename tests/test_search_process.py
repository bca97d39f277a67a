"""The search index process: built from only the changed pages, it equals an index of all of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen.config import Config
from sitegen.render import Output
from sitegen.search import index_outputs
from sitegen.search_process import IndexProcess

CONFIG = Config(root=Path("/site"))


def _page(slug: str, words: str) -> Output:
    html = (f'<!doctype html><html lang="en"><head><title>{slug}</title></head>'
            f'<body><main data-pagefind-body><h1>{slug}</h1><p>{words}</p></main></body></html>')
    return Output(f"{slug}/index.html", html.encode())


@pytest.fixture
def indexer() -> Iterator[IndexProcess]:
    process = IndexProcess()
    yield process
    process.close()


def _files(index: tuple[list[Output], list[object]]) -> dict[str, bytes]:
    outputs, problems = index
    assert problems == []
    return {o.path: o.data for o in outputs}


def test_each_step_of_a_session_equals_an_index_of_every_page(indexer: IndexProcess) -> None:
    alpha, beta, gamma = _page("alpha", "deconfliction hotline"), _page("beta", "airspace"), _page("gamma", "Latakia")
    steps = [
        [alpha, beta],
        [alpha, _page("beta", "airspace over Hmeimim")],  # one page changed
        [_page("beta", "airspace over Hmeimim"), gamma],  # one removed, one added
        [gamma],
    ]
    for pages in steps:
        served = _files(indexer(pages, CONFIG))
        assert served and served == _files(index_outputs(pages, CONFIG)), [p.path for p in pages]


def test_a_child_that_died_is_replaced_and_sent_every_page(indexer: IndexProcess) -> None:
    pages = [_page("alpha", "deconfliction hotline"), _page("beta", "airspace")]
    indexer(pages, CONFIG)
    indexer._process.kill()  # the child's state is lost with it
    indexer._process.wait()
    changed = [pages[0], _page("beta", "Tartus")]
    assert _files(indexer(changed, CONFIG)) == _files(index_outputs(changed, CONFIG))
