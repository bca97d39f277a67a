"""Byte-identical output whatever the hash seed, file listing order, locale, time zone or clock."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINI, REPO


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_project(source: Path, target: Path, *, reverse: bool = False) -> Path:
    """A copy of the project's sources, its files created in sorted or reverse-sorted order
    (so directory listings come back in a different order on most file systems)."""
    skipped = ("public", ".sitegen-cache", ".venv", ".git", "tests", "benchmarks", "docs")
    files = sorted(p for p in source.rglob("*") if p.is_file() and p.relative_to(source).parts[0] not in skipped)
    for path in reversed(files) if reverse else files:
        rel = path.relative_to(source)
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / rel)
    return target


def build_in_subprocess(root: Path, out: Path, **env: str) -> dict[str, bytes]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}
    environment |= {"PYTHONPATH": str(REPO), **env}
    result = subprocess.run([sys.executable, "-m", "sitegen", "build", "--root", str(root), "--output", str(out),
                             "--quiet"], env=environment, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return tree(out)


VARIANTS = {
    "hash seed 1": {"PYTHONHASHSEED": "1"},
    "hash seed 12345": {"PYTHONHASHSEED": "12345"},
    "random hash seed": {"PYTHONHASHSEED": "random"},
    "C locale": {"LC_ALL": "C", "LANG": "C"},
    "UTF-8 locale": {"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
    "time zone UTC+14": {"TZ": "Pacific/Kiritimati"},
    "time zone UTC-3:30": {"TZ": "America/St_Johns"},
    "another clock": {"SOURCE_DATE_EPOCH": "1700000000"},
}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    base = tmp_path_factory.mktemp("baseline")
    root = copy_project(MINI, base / "site")
    return build_in_subprocess(root, base / "out", PYTHONHASHSEED="0", TZ="UTC", LC_ALL="C.UTF-8")


@pytest.mark.parametrize("name", VARIANTS)
def test_output_does_not_depend_on_the_environment(name: str, baseline: dict[str, bytes], tmp_path: Path):
    root = copy_project(MINI, tmp_path / "site", reverse=True)
    built = build_in_subprocess(root, tmp_path / "out", **VARIANTS[name])
    assert built.keys() == baseline.keys()
    different = [path for path in built if built[path] != baseline[path]]
    assert not different, f"{name}: {different[:10]}"


def test_the_real_archive_builds_identically_in_two_environments(tmp_path: Path):
    first = build_in_subprocess(copy_project(REPO, tmp_path / "a"), tmp_path / "out-a",
                                PYTHONHASHSEED="0", TZ="UTC", LC_ALL="C")
    second = build_in_subprocess(copy_project(REPO, tmp_path / "b", reverse=True), tmp_path / "out-b",
                                 PYTHONHASHSEED="4242", TZ="Asia/Kathmandu", LC_ALL="C.UTF-8",
                                 SOURCE_DATE_EPOCH="2000000000")
    assert first.keys() == second.keys()
    assert [p for p in first if first[p] != second[p]] == []


def test_no_output_carries_the_build_time(baseline: dict[str, bytes]):
    # SOURCE_DATE_EPOCH would be honoured for a build timestamp; there is none to honour.
    import datetime as dt
    today = dt.datetime.now(dt.UTC)
    sources = b"".join(p.read_bytes() for p in sorted(MINI.rglob("*")) if p.is_file())
    stamps = {today.strftime("%Y-%m-%d"), today.strftime("%d %B %Y"), today.strftime("%Y-%m-%dT%H")}
    stamps = {s for s in stamps if s.encode() not in sources}  # dates the content itself gives
    leaks = [path for path, data in baseline.items() for stamp in stamps if stamp.encode() in data]
    assert not leaks, leaks
