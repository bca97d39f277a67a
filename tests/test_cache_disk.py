"""The on-disk build cache (.sitegen-cache/) makes builds faster, never different."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import gen_corpus
from sitegen.build import BuildCache, render_site
from sitegen.config import Config, load_config
from sitegen.diagnostics import Diagnostic, error
from sitegen.diskcache import CACHE_DIR, DiskMemo, remembered_search_index
from sitegen.render import Output
from tests.conftest import REPO, run_cli


def _site(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _build(root: Path, *flags: str) -> tuple[dict[str, str], str]:
    result = run_cli("build", "--root", str(root), "-j", "1", *flags)
    assert result.code == 0, result.err
    return _site(root / "public"), result.err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    gen_corpus.generate(40, 11, root)
    with (root / "sitegen.toml").open("a") as toml:
        toml.write("\n[search]\nenabled = false\n")
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_cached_builds_equal_cold_ones_after_every_kind_of_edit(project: Path) -> None:
    cold, cold_err = _build(project, "--no-cache")
    assert not (project / CACHE_DIR).exists()
    first, first_err = _build(project)
    warm, warm_err = _build(project)
    assert first == cold == warm and first_err == cold_err == warm_err

    article = sorted((project / "content" / "articles").glob("*.md"))[5]
    _edit(article, "\n---\n", "\n---\nA new first paragraph naming nobody.\n\n")
    person = sorted((project / "content" / "people").glob("*.md"))[0]
    _edit(person, 'aliases: ["', 'aliases: ["Zorblat", "')      # a new surface form for mentions
    _edit(person, 'description: "', 'description: "Formerly ')
    warm = _build(project)
    assert warm == _build(project, "--no-cache")

    (project / "content" / "articles" / article.name).unlink()  # the set of known pages changes
    warm = _build(project)
    assert warm == _build(project, "--no-cache")


def test_a_damaged_cache_is_a_miss_not_an_error(project: Path) -> None:
    _build(project)
    store = project / CACHE_DIR / "memo.sqlite"
    store.write_bytes(b"not a database" * 100)
    assert _build(project) == _build(project, "--no-cache")


def test_a_second_build_takes_every_body_from_the_cache(project: Path) -> None:
    _build(project)
    memo = DiskMemo(project)
    config, _ = load_config(project)
    render_site(config, cache=BuildCache(bodies=memo))
    assert memo.hits > 40 and memo.misses == 0
    memo.close()


def test_unstorable_keys_and_values_stay_in_memory(tmp_path: Path) -> None:
    memo = DiskMemo(tmp_path)
    memo[("lambda", lambda: 1)] = "x"           # a key that cannot be pickled
    memo[("value",)] = (lambda: 2)              # a value that cannot be pickled
    memo[("mixed", frozenset({1, "a"}))] = "y"  # a set that cannot be sorted
    memo.save()
    memo.close()
    fresh = DiskMemo(tmp_path)
    assert ("value",) not in fresh and len(fresh) == 0
    fresh.close()


DIGEST = """
import sys
from pathlib import Path
from sitegen.diskcache import DiskMemo
memo = DiskMemo(Path(sys.argv[1]))
known = frozenset(("people", f"p{i}") for i in range(500))
print(memo._digest(("article", "x", known, ("a", "b"))).hex())
"""


def test_key_digests_do_not_depend_on_hash_randomisation(tmp_path: Path) -> None:
    digests = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", DIGEST, str(tmp_path)], env=env, cwd=REPO,
                             capture_output=True, text=True, check=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_the_search_index_is_rebuilt_only_when_the_pages_change(tmp_path: Path) -> None:
    runs: list[int] = []

    def index(pages: list[Output], config: Config) -> tuple[list[Output], list[Diagnostic]]:
        runs.append(len(pages))  # stands in for Pagefind, which takes seconds
        problems = [error("sitegen.toml", 0, 0, "search-index-failed", "no")] if len(pages) > 2 else []
        return [Output("pagefind/pagefind.js", b"%d" % len(pages))], problems

    config = Config(root=tmp_path)
    pages = [Output("a/index.html", b"<main data-pagefind-body>A</main>")]
    memo = DiskMemo(tmp_path)
    search = remembered_search_index(memo, index)
    assert search(pages, config) == search(pages, config) and runs == [1]
    memo.save()
    memo.close()
    again = DiskMemo(tmp_path)
    search = remembered_search_index(again, index)
    assert search(pages, config)[0] == [Output("pagefind/pagefind.js", b"1")] and runs == [1]
    changed = [*pages, Output("b/index.html", b"<main data-pagefind-body>B</main>")]
    search(changed, config)
    search(changed, config)
    assert runs == [1, 2]
    failing = [*changed, Output("c/index.html", b"C")]
    search(failing, config)
    search(failing, config)  # a failed index is not remembered
    assert runs == [1, 2, 3, 3]
    again.close()


def test_an_index_built_in_a_forked_process_is_remembered_by_this_one(project: Path, tmp_path: Path) -> None:
    """With -j 2 the index is built in another process; only the build's own process writes the memo."""
    from sitegen.parallel import Workers

    log = tmp_path / "index-runs"

    def index(pages: list[Output], config: Config) -> tuple[list[Output], list[Diagnostic]]:
        with log.open("a") as runs:  # a file: a forked process's list would not come back
            runs.write(f"{os.getpid()}\n")
        return [Output("pagefind/pagefind.js", b"%d" % len(pages))], []

    config, _ = load_config(project)
    for _ in range(2):
        memo = DiskMemo(project)
        render_site(config, cache=BuildCache(search_index=remembered_search_index(memo, index)), workers=Workers(2))
        memo.save()
        memo.close()
    assert len(log.read_text().split()) == 1, "the second build found the first one's index in the memo"
