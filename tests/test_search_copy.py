"""The page copies Pagefind reads: smaller than the pages, and indexed exactly like them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.search import pagefind_bundle, pagefind_executable
from sitegen.search_copy import reduced

GOLDEN = Path(__file__).parent / "golden" / "mini"
EXECUTABLE = pagefind_executable()
needs_pagefind = pytest.mark.skipif(EXECUTABLE is None, reason="the Pagefind binary is not installed")


def page(body: str, head: str = "", lang: str = "en") -> bytes:
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head><meta charset="utf-8"><title>Page</title>{head}</head>\n'
            f'<body>\n<nav class="site"><a href="/">Home</a> <a href="/b/">Browse</a></nav>\n'
            f'<main><div class="page" data-pagefind-body>\n{body}\n</div></main>\n'
            f'<footer><p>Footer words</p></footer>\n</body>\n</html>\n').encode()


# Each case puts something Pagefind reads, or something that could mislead a cut, near an
# ignored element; the index of the copies must be the index of the pages.
CASES = {
    "plain": '<h1>Harbour</h1><p>Words here.</p><section data-pagefind-ignore><h2 id="x">Skip</h2>'
             '<p>gone words</p></section><p>After the <a id="m-1" href="#">section</a>.</p>',
    "filter-inside": '<h1>T</h1><section data-pagefind-ignore><h3 id="g">People</h3>'
                     '<a data-pagefind-filter="person">Jane Doe</a></section><p>text</p>',
    "meta-text-inside": '<p data-pagefind-ignore><span data-pagefind-meta="outlet">Daily <b>Courier</b></span></p>'
                        '<h1>T</h1>',
    "h1-inside": '<div data-pagefind-ignore><h1>Hidden title</h1></div><p>text</p>',
    "img-after-title": '<h1>T</h1><div data-pagefind-ignore><img src="/a.png" alt="A"></div><p>text</p>',
    "nested-same-name": '<div data-pagefind-ignore><div><div>inner</div></div><p>still ignored</p></div>'
                        '<div>Kept <em>words</em></div>',
    "ignore-all": '<div data-pagefind-ignore="all"><span data-pagefind-filter="tag:x">x</span><h1>No</h1></div>'
                  '<p>kept</p>',
    "upper-case": '<DIV DATA-PAGEFIND-IGNORE><P>gone</P><SPAN Data-Pagefind-Filter="k:v">v</SPAN></DIV>'
                  '<Section>kept</SECTION><SECTION data-pagefind-ignore><p>gone too</p></section>',
    "comment": '<!-- <div data-pagefind-ignore> --><p>Kept one</p><!-- </div> --><p>Kept two</p>',
    "comment-stray": '<!-- <section data-pagefind-ignore> --><p>Kept</p></section>',
    "bogus-comment": '<?php <div data-pagefind-ignore> ?><p>in the div</p></div><p>after</p>',
    "script-markup": '<script>var s = "<div data-pagefind-ignore>";</script><p>Kept</p>'
                     '<section data-pagefind-ignore>gone</section><p>end</p>',
    "script-escape": '<section data-pagefind-ignore><p>x</p></section><script>a("<!--<script>");</script>'
                     '<p>after</p>',
    "textarea": '<textarea><section data-pagefind-ignore>typed</section></textarea><p>after</p>',
    "quoted-lt": '<a title="<section data-pagefind-ignore>" href="#">link</a><p>words</p>'
                 '<span title="</section>">s</span><section data-pagefind-ignore>gone</section>',
    "nav-with-id": '<nav id="toc"><a href="#a">Contents <b>list</b></a></nav><p>Body</p>',
    "script-with-id": '<script id="data" type="application/json">{"a": "b"}</script><p>After</p>',
    "svg": '<div data-pagefind-ignore><svg><title>Icon</title><path d="M0"/></svg></div><p>x</p>',
    "unclosed-li": '<section data-pagefind-ignore><ul><li>one<li>two</ul></section><p>after the list</p>',
    "index-attrs": '<div data-pagefind-ignore><span data-pagefind-index-attrs="title" title="Attr words">s'
                   '</span></div><p>x</p>',
    "sort-inside": '<section data-pagefind-ignore><time data-pagefind-sort="date">2020-01-01</time></section>',
    "default-meta": '<div data-pagefind-ignore><span data-pagefind-default-meta="image[data-src]" '
                    'data-src="/i.png"></span></div><p>x</p>',
    "noscript": '<noscript><div data-pagefind-ignore>no js</div></noscript><p>js</p>',
    "template": '<template><div data-pagefind-ignore>tpl</div></template><p>x</p>',
    "attribute-mentions": '<p title="see data-pagefind-ignore">x</p><section data-pagefind-ignore>gone</section>',
    "self-closing": '<div data-pagefind-ignore/><p>inside the div</p></div><p>after</p>',
    "adjacent-text": '<span>a</span><div data-pagefind-ignore>b</div><span>c</span>',
    "ignore-values": '<div data-pagefind-ignore="index">a</div><div data-pagefind-ignore=true>b</div>'
                     '<div data-pagefind-ignore="bogus"><span data-pagefind-filter="k:v">c</span></div>',
    "form": '<form action="/s"><input name="q"><label>Search</label></form><p>after</p>',
    "optional-end": '<ul><li>outer<ul><li data-pagefind-ignore>skip<li>item</li></ul> more outer</li></ul>',
    "unclosed": '<div data-pagefind-ignore><p>never closed</p>',
    "body-inside-ignored": '<div data-pagefind-ignore><p data-pagefind-body>second body</p></div>',
}
HEADS = {"json-ld": '<script type="application/ld+json">{"name": "x", "about": "</div>"}</script>',
         "meta-tag": '<meta data-pagefind-meta="summary[content]" content="A summary">'}


def corpus() -> dict[str, bytes]:
    pages = {f"case/{name}/index.html": page(body) for name, body in CASES.items()}
    pages.update({f"head/{name}/index.html": page("<h1>T</h1><p>x</p>", head) for name, head in HEADS.items()})
    pages["lang/index.html"] = page("<h1>Titre</h1><p>Des mots</p>", lang="fr")
    return pages


def bundle(pages: dict[str, bytes]) -> dict[str, bytes]:
    assert EXECUTABLE is not None
    outputs, problems = pagefind_bundle(EXECUTABLE, pages)
    assert not problems and outputs
    return {output.path: output.data for output in outputs}


@needs_pagefind
def test_the_copies_are_indexed_exactly_like_the_pages() -> None:
    pages = corpus()
    assert bundle({path: reduced(data) for path, data in pages.items()}) == bundle(pages)


@needs_pagefind
def test_the_comparison_sees_a_cut_that_loses_a_filter() -> None:
    pages = {"a/index.html": page(CASES["filter-inside"])}
    careless = {path: re.sub(rb"(<section data-pagefind-ignore>).*?(</section>)", rb"\1\2", data)
                for path, data in pages.items()}
    assert bundle(careless) != bundle(pages)


@needs_pagefind
def test_the_themes_pages_lose_most_of_their_bytes_and_none_of_their_index() -> None:
    pages = {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in sorted(GOLDEN.rglob("*.html"))}
    pages = {path: data for path, data in pages.items() if b"data-pagefind-body" in data}
    assert len(pages) >= 5
    copies = {path: reduced(data) for path, data in pages.items()}
    assert sum(map(len, copies.values())) < 0.8 * sum(map(len, pages.values()))
    assert bundle(copies) == bundle(pages)


def test_what_is_cut_and_what_is_kept() -> None:
    plain = reduced(page(CASES["plain"], HEADS["json-ld"]))
    assert b"gone words" not in plain and b"<section data-pagefind-ignore></section>" in plain
    assert b'<nav class="site"></nav>' in plain and b"<footer></footer>" in plain
    assert b'<script type="application/ld+json"></script>' in plain
    assert b"Words here." in plain and b"<title>Page</title>" in plain
    for name in ("filter-inside", "h1-inside", "img-after-title", "svg", "index-attrs", "nav-with-id"):
        original = page(CASES[name])
        kept = reduced(original)
        assert CASES[name].encode() in kept, name
    nested = reduced(page(CASES["nested-same-name"]))
    assert b"<div data-pagefind-ignore></div><div>Kept <em>words</em></div>" in nested
    upper = reduced(page(CASES["upper-case"]))
    assert b"gone too" not in upper and b"Data-Pagefind-Filter" in upper


def test_pages_the_scan_could_misread_are_copied_whole() -> None:
    original = page(CASES["quoted-lt"])
    assert reduced(original) is original
    comment = reduced(page(CASES["comment"]))
    assert b"<!-- <div data-pagefind-ignore> --><p>Kept one</p><!-- </div> -->" in comment


@needs_pagefind
def test_indexing_leaves_no_folder_behind(tmp_path: Path, monkeypatch) -> None:
    import tempfile
    import threading

    from sitegen import search

    memory, temporary = tmp_path / "memory", tmp_path / "tmp"
    memory.mkdir()
    temporary.mkdir()
    monkeypatch.setattr(search, "MEMORY_FOLDER", str(memory))
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    assert search._memory_folder(1000) == str(memory)
    pages = {"a/index.html": page(CASES["plain"])}
    built = bundle(pages)
    for thread in threading.enumerate():
        if thread.name == search.CLEANUP_THREAD:
            thread.join()
    assert not list(memory.iterdir()) and not list(temporary.iterdir())
    monkeypatch.setattr(search, "MEMORY_MARGIN", 1 << 62)
    assert search._memory_folder(1000) is None
    assert bundle(pages) == built, "without room in memory the bundle is made in the temporary folder"


def test_folders_of_killed_builds_are_swept(tmp_path: Path) -> None:
    import os
    import time

    from sitegen import search

    stale, fresh = tmp_path / f"{search.TEMPORARY_PREFIX}old", tmp_path / f"{search.TEMPORARY_PREFIX}new"
    other = tmp_path / "someone-else"
    for folder in (stale / "site" / "a", fresh, other):
        folder.mkdir(parents=True)
    old = time.time() - 3 * search.TIMEOUT_SECONDS
    for folder in (stale, other):
        os.utime(folder, (old, old))
    search._sweep(str(tmp_path))
    assert sorted(tmp_path.iterdir()) == [fresh, other], "only our folders no live build can own"
