"""Golden files: the mini fixture site built and compared with checked-in output.

Refresh after an intended change with `python3 tasks.py test tests/test_golden.py --update-golden`
and review the diff of tests/golden/ like any other change.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from tests.conftest import MINI, run_cli

GOLDEN = Path(__file__).parent / "golden" / "mini"
# Pages whose HTML is compared; static assets are not golden (they change with the theme's CSS).
COMPARED = ("index.html", "timeline/index.html", "people/index.html", "events/index.html",
            "articles/2015-12-01-paris-talks/index.html", "articles/2015-12-02-courier-followup/index.html",
            "people/benjamin-netanyahu/index.html", "people/moshe-yaalon/index.html",
            "events/2015-11-30-paris-meeting/index.html", "places/syria/index.html",
            "archive.json", "annotations/2015-12-01-paris-talks.jsonld")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "public"
    result = run_cli("build", "--root", str(MINI), "--output", str(out))
    assert result.code == 0, result.err
    return out


@pytest.mark.parametrize("page", COMPARED)
def test_page_matches_golden(built: Path, page: str, request: pytest.FixtureRequest) -> None:
    actual = (built / page).read_text(encoding="utf-8")
    expected_file = GOLDEN / page
    if request.config.getoption("--update-golden"):
        expected_file.parent.mkdir(parents=True, exist_ok=True)
        expected_file.write_text(actual, encoding="utf-8")
        return
    assert expected_file.exists(), f"no golden file for {page}: run with --update-golden"
    expected = expected_file.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            f"golden/{page}", f"built/{page}", n=2))
        pytest.fail(f"{page} differs from its golden file (run with --update-golden if intended):\n"
                    f"{diff[:4000]}")


def test_golden_folder_has_no_stale_files(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--update-golden"):
        for path in GOLDEN.rglob("*"):
            if path.is_file() and path.relative_to(GOLDEN).as_posix() not in COMPARED:
                path.unlink()
        shutil.rmtree(GOLDEN / "unused", ignore_errors=True)
        return
    present = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()}
    assert present == set(COMPARED)
