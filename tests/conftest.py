"""Shared fixtures: whole sites written from strings (Hugo-style), built in-process."""

from __future__ import annotations

import contextlib
import io
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitegen.cli import main
from sitegen.serve import Preview

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "sites" / "mini"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output instead of comparing")


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> CliResult:
    """Run `sitegen ARGS` in this process and capture what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    return CliResult(code, out.getvalue(), err.getvalue())


DEFAULT_CONFIG = 'title = "Test site"\nbase_url = "https://example.org/"\n'


def write_site(root: Path, files: dict[str, str]) -> Path:
    """Write a project from {relative path: text}; adds a sitegen.toml unless given."""
    files = {"sitegen.toml": DEFAULT_CONFIG, **files}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    return root


@pytest.fixture
def make_site(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(files: dict[str, str]) -> Path:
        return write_site(tmp_path / "site", files)
    return make


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    """A preview of the mini site, not yet serving (modules that need more define their own)."""
    from tests.test_serve_support import copy_mini  # which imports this module
    live = Preview(copy_mini(tmp_path / "site"), port=0, out=io.StringIO(), err=io.StringIO())
    try:
        yield live
    finally:
        live.close()
