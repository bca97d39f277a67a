"""Hostile and damaged input files: refused quickly, precisely, and never executed or expanded."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sitegen.frontmatter import load_yaml, split_front_matter
from sitegen.load import MAX_FILE_BYTES, parse_document
from tests.conftest import run_cli

PERSON = "content/people/x.md"


def problems_of(raw: bytes, collection: str = "people") -> list[tuple[str, int, int]]:
    _, problems = parse_document(collection, f"content/{collection}/x.md", raw)
    return [(p.code, p.line, p.column) for p in problems]


def timed(function, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def test_yaml_is_only_ever_safe_loaded(tmp_path: Path):
    marker = tmp_path / "pwned"
    for payload in (f'!!python/object/apply:os.system ["touch {marker}"]',
                    f'!!python/object/new:subprocess.check_output [["touch", "{marker}"]]',
                    '!!python/name:os.system', '!!python/module:os'):
        raw = f"---\nname: {payload}\n---\n".encode()
        assert ("yaml-tag", 2, 7) in problems_of(raw)
    assert not marker.exists()


@pytest.mark.parametrize("levels", [9, 12])
def test_alias_bombs_are_refused_before_expansion(levels: int):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    raw = ("---\nname: x\n" + "\n".join(lines) + "\n---\n").encode()
    found, seconds = timed(problems_of, raw)
    assert found == [("yaml-alias", 3, 5)]
    assert seconds < 1, f"{seconds:.2f} s: the bomb was expanded"


@pytest.mark.parametrize("depth", [40, 1_000, 100_000, 1_000_000])
def test_deep_flow_nesting_is_refused_without_recursion(depth: int):
    # 100,000 levels crashed the interpreter inside libyaml's composer (SIGSEGV).
    raw = ("---\nname: " + "[" * depth + "]" * depth + "\n---\n").encode()
    found, seconds = timed(problems_of, raw)
    assert found == [("yaml-too-deep", 2, 38)]
    assert seconds < 5


@pytest.mark.parametrize("depth", [40, 2_000])
def test_deep_block_nesting_is_refused(depth: int):
    body = "".join("  " * i + f"k{i}:\n" for i in range(depth))
    found, seconds = timed(problems_of, f"---\nname: x\n{body}---\n".encode())
    assert found and found[0][0] == "yaml-too-deep"
    assert seconds < 5


def test_deep_compact_sequences_on_one_line_are_refused():
    found = problems_of(("---\nname: x\naliases: " + "- " * 5_000 + "x\n---\n").encode())
    assert found and found[0][0] in ("yaml-too-deep", "yaml-syntax")


def test_yaml_11_values_stay_the_text_written():
    text = ("published: 2015-11-30\nyes: yes\nno: no\non: on\noff: off\ntime: 1:20\noctal: 017\n"
            "hex: 0x1f\ninf: .inf\nnan: .nan\ntilde: ~\nbig: 1_000\ntrue: true\nTRUE: TRUE\nfloat: 1.5\n")
    front, problems = load_yaml(text, "x")
    assert not problems and front is not None
    assert front.data == {"published": "2015-11-30", "yes": "yes", "no": "no", "on": "on", "off": "off",
                          "time": "1:20", "octal": "017", "hex": "0x1f", "inf": ".inf", "nan": ".nan",
                          "tilde": None, "big": 1000, "true": True, "TRUE": True, "float": 1.5}


def test_byte_order_mark_and_crlf_keep_positions():
    raw = b"\xef\xbb\xbf---\r\nname: x\r\nnmae: y\r\n---\r\nBody\r\n"
    assert problems_of(raw) == [("field-unknown", 3, 1)]
    split, _ = split_front_matter("\ufeff---\nname: x\n---\nBody", "x")
    assert split is not None and split.body == "Body" and split.body_line == 4


def test_non_utf8_file_names_the_byte_offset():
    _, problems = parse_document("people", PERSON, "---\nname: Zoë\n---\n".encode("latin-1"))
    assert [(p.code, p.line, p.column) for p in problems] == [("encoding", 2, 9)]
    assert "byte offset 12 (byte 0xeb)" in problems[0].message


def test_huge_file_is_refused_without_reading_it_whole(make_site):
    root = make_site({})
    path = root / PERSON
    path.parent.mkdir(parents=True)
    with path.open("wb") as file:
        file.write(b"---\nname: x\n---\n")
        file.truncate(MAX_FILE_BYTES + 1)
    result = run_cli("check", "--root", str(root))
    assert result.code == 1
    assert f"{PERSON}: error: larger than 4 MiB, so it is not read [file-too-large]" in result.out


@pytest.mark.parametrize("raw, expected", [
    (b"", ("file-empty", 1, 1)),
    (b"---\nname: x\n", ("frontmatter-unclosed", 1, 1)),
    (b"---\n- a\n---\n", ("frontmatter-not-mapping", 2, 1)),
    (b"---\nname: x\naliases:\n\t- y\n---\n", ("yaml-tab", 4, 1)),
    (b"name: x\n", ("frontmatter-missing", 1, 1)),
])
def test_damaged_files_get_precise_messages(raw: bytes, expected: tuple[str, int, int]):
    assert problems_of(raw)[0] == expected


def test_a_full_size_valid_file_loads_in_bounded_time():
    quotes = "".join(f'  - exact: "sentence {i}"\n    speaker: x\n' for i in range(20_000))
    body = "".join(f"Sentence {i}.\n\n" for i in range(20_000))
    raw = f"---\ntitle: t\nlanguage: en\nquotes:\n{quotes}---\n{body}".encode()
    assert len(raw) < MAX_FILE_BYTES
    (document, problems), seconds = timed(parse_document, "articles", "content/articles/x.md", raw)
    assert document is not None and not problems
    assert seconds < 20
