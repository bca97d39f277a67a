"""Pagefind's bundle renumbered by URL: the same pages give the same bytes in any order Pagefind finds them."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
from pathlib import Path

import cbor2
import pytest

from sitegen.search import EXCLUDED, UNUSED_BUNDLE_FILES, pagefind_executable
from sitegen.search_bundle import canonical_bundle, sort_values
from tests.publishing_support import build_site, chromium, seed_root, serve

EXECUTABLE = pagefind_executable()
needs_pagefind = pytest.mark.skipif(EXECUTABLE is None, reason="the Pagefind binary is not installed")
# tmpfs lists a folder in the order its files were made, so two creation orders give two numberings.
MEMORY = Path("/dev/shm")


def page(title: str, words: str, date: str | None, people: list[str], lang: str = "en") -> bytes:
    sort = f' data-pagefind-sort="date:{date}"' if date else ""
    filters = "".join(f'<span data-pagefind-filter="person">{name}</span>' for name in people)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><title>{title}</title></head><body>'
            f'<main data-pagefind-body data-pagefind-filter="type:Article"{sort}><h1>{title}</h1>'
            f'<p>{words}</p><div data-pagefind-ignore>{filters}</div></main></body></html>').encode()


PAGES = {
    "index.html": page("Home", "harbour café lighthouse", None, []),
    "articles/index.html": page("Articles", "every article harbour", None, []),
    "articles/a/index.html": page("Alpha", "harbour naïve café report", "2020-05-04", ["Jane Doe"]),
    "articles/a-b/index.html": page("Alpha beta", "harbour lighthouse", "2020-05-04", ["Jane Doe", "Ann Lee"]),
    "articles/b/index.html": page("Beta", "lighthouse keeper naive", "2019-01-01", ["Ann Lee"]),
    "articles/c/index.html": page("Gamma", "harbour cafe keeper", "2020-05-04", []),
    "articles/d/index.html": page("Delta", "quay harbour", "2021", ["Jane Doe"]),
    "people/jane/index.html": page("Jane Doe", "harbour master Müller", None, ["Jane Doe"]),
    "people/ann/index.html": page("Ann Lee", "keeper Muller", "2018-02-02", ["Ann Lee"]),
    "fr/index.html": page("Accueil", "le port et le phare", "2020-05-04", [], lang="fr"),
}


def run_pagefind(folder: Path, order: list[str]) -> dict[str, bytes]:
    """Pagefind's own bundle for PAGES, their files made in this order."""
    assert EXECUTABLE is not None
    shutil.rmtree(folder, ignore_errors=True)
    for path in order:
        target = folder / "site" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(PAGES[path])
    out = folder / "out"
    subprocess.run([str(EXECUTABLE), "--site", str(folder / "site"), "--output-path", str(out),
                    "--exclude-selectors", EXCLUDED, "--silent"], check=True, timeout=120)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name not in UNUSED_BUNDLE_FILES}


def load(data: bytes):
    raw = gzip.decompress(data)
    assert raw.startswith(b"pagefind_dcd")
    return raw[len(b"pagefind_dcd"):]


def numbered(postings: list, urls: list[str]) -> dict:
    """A word's pages by URL, from their gaps between page numbers."""
    pages, number = {}, 0
    for gap, *rest in postings:
        number += gap
        pages[urls[number]] = rest
    return pages


def by_url(files: dict[str, bytes]) -> dict:
    """What a bundle says, with every page number replaced by the page's URL."""
    said = {}
    entry = json.loads(files["pagefind-entry.json"])
    for language, info in entry["languages"].items():
        meta = cbor2.loads(load(files[f"pagefind.{info['hash']}.pf_meta"]))
        urls = [json.loads(load(files[f"fragment/{h}.pf_fragment"]))["url"] for h, _ in meta[1]]
        words = {}
        for _, _, chunk in meta[2]:
            for word, postings, variants in cbor2.loads(load(files[f"index/{chunk}.pf_index"]))[0]:
                words[word] = numbered(postings, urls), {v: numbered(p, urls) for v, p in variants}
        filters = {}
        for name, chunk in meta[3]:
            _, values = cbor2.loads(load(files[f"filter/{chunk}.pf_filter"]))
            filters[name] = {value: sorted(urls[n] for n in numbers) for value, numbers in values}
        dated = sort_values(PAGES)
        sorts = {key: [dated[urls[n]][key] for n in numbers] for key, numbers in meta[4]}
        said[language] = {"pages": sorted(urls), "words": words, "filters": filters, "sorts": sorts,
                          "rest": meta[5:], "count": info["page_count"]}
    return said


def two_numberings(tmp: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    first = run_pagefind(tmp / "first", sorted(PAGES))
    second = run_pagefind(tmp / "second", sorted(PAGES, reverse=True))
    assert page_list(first) != page_list(second), "Pagefind numbered the pages alike"
    return first, second


def page_list(files: dict[str, bytes]) -> list:
    info = json.loads(files["pagefind-entry.json"])["languages"]["en"]
    return cbor2.loads(load(files[f"pagefind.{info['hash']}.pf_meta"]))[1]


@pytest.fixture
def memory_folder(tmp_path: Path):
    if not MEMORY.is_dir() or not os.access(MEMORY, os.W_OK):
        pytest.skip("no tmpfs to make files in a known listing order")
    folder = MEMORY / f"sitegen-test-bundle-{os.getpid()}-{tmp_path.name}"
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@needs_pagefind
def test_the_same_pages_in_another_order_give_the_same_bytes(memory_folder: Path) -> None:
    first, second = two_numberings(memory_folder)
    assert first != second
    values = sort_values(PAGES)
    one, other = canonical_bundle(first, values), canonical_bundle(second, values)
    assert one is not first and other is not second, "the bundle was renumbered, not left untouched"
    assert sorted(one) == sorted(other)
    assert [path for path in one if one[path] != other[path]] == []


@needs_pagefind
def test_renumbering_keeps_what_the_bundle_says(memory_folder: Path) -> None:
    first, second = two_numberings(memory_folder)
    values = sort_values(PAGES)
    said = by_url(first)
    assert said == by_url(canonical_bundle(first, values)) == by_url(canonical_bundle(second, values))
    assert by_url(second) == said
    en = said["en"]
    assert set(en["words"]["cafe"][1]) == {"café"} and len(en["words"]["cafe"][1]["café"]) == 2
    assert en["filters"]["person"]["Jane Doe"] == ["/articles/a-b/", "/articles/a/", "/articles/d/",
                                                   "/people/jane/"]
    assert en["sorts"]["date"] == ["2018-02-02", "2019-01-01", "2020-05-04", "2020-05-04", "2020-05-04", "2021"]


@needs_pagefind
def test_pages_are_numbered_by_url_and_equal_sort_values_by_number(memory_folder: Path) -> None:
    first, _ = two_numberings(memory_folder)
    bundle = canonical_bundle(first, sort_values(PAGES))
    info = json.loads(bundle["pagefind-entry.json"])["languages"]["en"]
    meta = cbor2.loads(load(bundle[f"pagefind.{info['hash']}.pf_meta"]))
    urls = [json.loads(load(bundle[f"fragment/{h}.pf_fragment"]))["url"] for h, _ in meta[1]]
    assert urls == sorted(urls)
    dates = dict(meta[4])["date"]
    assert [urls[n] for n in dates] == ["/people/ann/", "/articles/b/", "/articles/a-b/", "/articles/a/",
                                        "/articles/c/", "/articles/d/"]


@needs_pagefind
def test_a_bundle_it_cannot_renumber_is_left_untouched(memory_folder: Path) -> None:
    first, _ = two_numberings(memory_folder)
    assert canonical_bundle(first) is first, "without the sort values, equal dates have no known order"
    unread = dict(sort_values(PAGES), **{"/articles/c/": {}})
    assert canonical_bundle(first, unread) is first
    broken = dict(first)
    index = next(path for path in first if path.startswith("index/"))
    broken[index] = gzip.compress(b"pagefind_dcd" + cbor2.dumps([[["word", [[99, [1], []]], []]]]))
    assert canonical_bundle(broken, sort_values(PAGES)) is broken, "a page number past the last page"
    assert canonical_bundle({"pagefind-entry.json": b"{}"}) == {"pagefind-entry.json": b"{}"}


def test_sort_values_are_read_where_written_inline() -> None:
    values = sort_values({
        "a/index.html": b'<div data-pagefind-sort="date:2020-01-02">',
        "b.html": b"<div DATA-PAGEFIND-SORT='date:a&amp;b' data-pagefind-sort=\"rank[data-r]\" data-r=1>",
        "c/index.html": b'<p data-pagefind-sort="date">2020</p><i data-pagefind-sort="n:1"></i>',
        "d/index.html": b'<p data-pagefind-sort="date:1"></p><p data-pagefind-sort="date:2"></p>',
        "e/index.html": b"<p data-pagefind-sort=date:1></p>",
        "index.html": b"<p>no sort</p>",
    })
    assert values == {"/a/": {"date": "2020-01-02"}, "/b.html": {"date": "a&b", "rank": None},
                      "/c/": {"date": None, "n": "1"}, "/d/": {"date": None}, "/e/": {}, "/": {}}


@needs_pagefind
def test_a_canonical_bundle_finds_what_pagefinds_own_finds_in_the_browser(tmp_path: Path) -> None:
    site = build_site(seed_root(), tmp_path / "out")
    own = tmp_path / "own"
    subprocess.run([str(EXECUTABLE), "--site", str(site), "--output-path", str(own),
                    "--exclude-selectors", EXCLUDED, "--silent"], check=True, timeout=300)
    assert by_url_count(site / "pagefind") == by_url_count(own) > 0
    shutil.copytree(own, site / "pagefind-own")
    queries = [("coordination", {}, None), ("embassy", {}, None), ("", {"type": "Article"}, "asc"),
               ("golan", {}, "desc"), ("putin", {"type": ["Article"]}, "asc")]
    script = """async ([bundle, queries]) => {
        const pagefind = await import(bundle + 'pagefind.js');
        await pagefind.options({ bundlePath: bundle });
        await pagefind.init();
        const out = [];
        for (const [term, filters, sort] of queries) {
            const options = { filters };
            if (sort) options.sort = { date: sort };
            const found = await pagefind.search(term || null, options);
            const data = await Promise.all(found.results.map(r => r.data()));
            out.push(data.map((d, i) => [d.url, d.meta.date || '', found.results[i].score]));
        }
        return out;
    }"""
    with serve(site) as served, chromium() as browser:
        tab = browser.new_page()
        tab.goto(served.page("search/"))
        canonical = tab.evaluate(script, [served.page("pagefind/"), queries])
        original = tab.evaluate(script, [served.page("pagefind-own/"), queries])
    assert all(canonical), "every query finds something"
    for (term, _, sort), mine, theirs in zip(queries, canonical, original, strict=True):
        assert sorted(url for url, *_ in mine) == sorted(url for url, *_ in theirs), term
        if sort:  # the same dates in the same order; pages of one date may come in another order
            assert [date for _, date, _ in mine] == [date for _, date, _ in theirs], term
        else:
            assert sorted(mine) == sorted(theirs), term
            assert [score for *_, score in mine] == [score for *_, score in theirs], term


def by_url_count(bundle: Path) -> int:
    return json.loads((bundle / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"]
