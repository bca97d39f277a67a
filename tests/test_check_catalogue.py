"""The catalogue of bad inputs (tests/bad_inputs/*.txtar): each gets its stable code at its line:column.

A case is one txtar-like file: a comment saying what is wrong, `expect:` lines, then the
project's files. Each file starts with a `-- path --` line; `-- path [escaped] --` decodes
\\xNN, \\uNNNN, \\r, \\t and \\\\ escapes (for bytes an editor would not show); `-- path [symlink] --`
makes a symbolic link to the text; a sitegen.toml is added unless the case has one.

    expect: error yaml-tab content/people/x.md:4:1

`{root}` in an expected path stands for the project folder (absolute). Every expected
problem must be reported, at exactly that place, and no other error may be;
`sitegen build` must fail exactly when `sitegen check` does, and never with a traceback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import DEFAULT_CONFIG, run_cli

CATALOGUE = Path(__file__).parent / "bad_inputs"
_SECTION = re.compile(r"^-- (.+?)(?: \[(escaped|symlink)\])? --$", re.MULTILINE)
_EXPECT = re.compile(r"^expect: (error|warning|suggestion) ([a-z0-9-]+) (.+?)(?::(\d+):(\d+))?$")
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|r|t|\\)")


@dataclass(frozen=True)
class Expected:
    level: str
    code: str
    path: str
    line: int
    column: int


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    expected: tuple[Expected, ...]
    files: tuple[tuple[str, str, bytes], ...]
    """(path, kind, content): kind is '', 'escaped' or 'symlink'."""


def _unescape(text: str) -> bytes:
    out = bytearray()
    pos = 0
    for match in _ESCAPE.finditer(text):
        out += text[pos:match.start()].encode("utf-8")
        code = match.group(1)
        if code[0] == "x":
            out.append(int(code[1:], 16))
        elif code[0] == "u":
            out += chr(int(code[1:], 16)).encode("utf-8")
        else:
            out += {"r": b"\r", "t": b"\t", "\\": b"\\"}[code]
        pos = match.end()
    return bytes(out + text[pos:].encode("utf-8"))


def read_case(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    sections = list(_SECTION.finditer(text))
    assert sections, f"{path.name}: no '-- file --' section"
    header = text[:sections[0].start()].splitlines()
    description = " ".join(line.lstrip("# ").strip() for line in header if line.startswith("#"))
    expected = []
    for line in header:
        if line.startswith("expect:"):
            match = _EXPECT.match(line.strip())
            assert match, f"{path.name}: cannot read {line!r}"
            level, code, where, row, col = match.groups()
            expected.append(Expected(level, code, where, int(row or 0), int(col or 0)))
    assert description and expected, f"{path.name}: needs a '#' description and 'expect:' lines"
    files = []
    for number, section in enumerate(sections):
        end = sections[number + 1].start() if number + 1 < len(sections) else len(text)
        body = text[section.end() + 1:end]
        kind = section.group(2) or ""
        content = _unescape(body) if kind == "escaped" else body.encode("utf-8")
        if kind == "symlink":
            content = body.strip().encode("utf-8")
        files.append((section.group(1), kind, content))
    return Case(path.stem, description, tuple(expected), tuple(files))


def materialise(case: Case, root: Path) -> Path:
    root.mkdir(parents=True)
    paths = {p for p, _, _ in case.files}
    files = case.files if "sitegen.toml" in paths else (("sitegen.toml", "", DEFAULT_CONFIG.encode()), *case.files)
    for rel, kind, content in files:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if kind == "symlink":
            target.symlink_to(content.decode("utf-8"))
        elif rel.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.write_bytes(content)
    (root / "content").mkdir(exist_ok=True)
    return root


def snapshot(folder: Path) -> dict[str, bytes] | None:
    if not folder.is_dir():
        return None
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


CASES = sorted(CATALOGUE.glob("*.txtar"))


def test_the_catalogue_is_large_and_every_case_is_readable():
    assert len(CASES) >= 60, f"only {len(CASES)} cases"
    codes = {e.code for path in CASES for e in read_case(path).expected}
    assert len(codes) >= 40, sorted(codes)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_input(path: Path, tmp_path: Path) -> None:
    case = read_case(path)
    root = materialise(case, tmp_path / "site")
    checked = run_cli("check", "--root", str(root), "--format", "json")
    assert "Traceback" not in checked.err, checked.err
    reported = json.loads(checked.out)
    found = {(p["level"], p["code"], p["path"].replace(str(root.resolve()), "{root}"), p["line"], p["column"])
             for p in reported}
    shown = "\n".join(f"  {p['level']} {p['code']} {p['path']}:{p['line']}:{p['column']}  {p['message']}"
                      for p in reported)
    for want in case.expected:
        assert (want.level, want.code, want.path, want.line, want.column) in found, \
            f"{case.name}: {case.description}\nmissing {want}\nreported:\n{shown}"
    allowed = {(e.code, e.path, e.line, e.column) for e in case.expected if e.level == "error"}
    extra = [p for p in reported if p["level"] == "error" and (
        p["code"], p["path"].replace(str(root.resolve()), "{root}"), p["line"], p["column"]) not in allowed]
    assert not extra, f"{case.name}: unexpected errors:\n{shown}"
    for problem in reported:
        assert problem["message"] and "Traceback" not in problem["message"]

    before = snapshot(root / "public")
    built = run_cli("build", "--root", str(root))
    assert "Traceback" not in built.err, built.err
    if any(e.level == "error" for e in case.expected):
        assert checked.code == 1 and built.code in (1, 2), built.err
        assert snapshot(root / "public") == before, "a failed build writes nothing"
    else:
        assert checked.code == 0 and built.code == 0, built.err
