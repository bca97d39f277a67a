"""Every problem code sitegen can report is documented in docs/problems.md, with its fix."""

from __future__ import annotations

import ast
import re

from tests.conftest import REPO

CODE = re.compile(r"[a-z]+(?:-[a-z]+)+")
_REPORTERS = {"error", "warning", "suggestion", "fail", "Finding"}


def codes_in_source() -> dict[str, str]:
    """Code -> file, for every string literal that names a code in a call that reports a problem."""
    found: dict[str, str] = {}
    for path in sorted((REPO / "sitegen").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in _REPORTERS:
                    for arg in node.args:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) \
                                and CODE.fullmatch(arg.value):
                            found.setdefault(arg.value, path.relative_to(REPO).as_posix())
            # Codes chosen by a helper, e.g. `return "slug-reserved", why`.
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and node.value.elts:
                first = node.value.elts[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str) \
                        and CODE.fullmatch(first.value) and first.value.startswith(("slug-", "ref-")):
                    found.setdefault(first.value, path.relative_to(REPO).as_posix())
    return found


def documented() -> str:
    return (REPO / "docs" / "problems.md").read_text(encoding="utf-8")


def test_every_reported_code_is_documented():
    text = documented()
    missing = {code: where for code, where in codes_in_source().items() if f"`{code}`" not in text}
    assert not missing, f"document these in docs/problems.md: {missing}"


def test_the_codes_of_build_and_check_have_their_own_section():
    text = documented()
    headings = set(re.findall(r"^### `([a-z-]+)`", text, re.MULTILINE))
    headings |= {c for h in re.findall(r"^### (.+)$", text, re.MULTILINE) for c in re.findall(r"`([a-z-]+)`", h)}
    pipeline = {code for code, where in codes_in_source().items()
                if not where.startswith(("sitegen/authoring/", "sitegen/serve"))}
    assert pipeline - headings == set()


def test_every_code_of_the_catalogue_is_documented():
    text = documented()
    catalogue = {m for p in (REPO / "tests" / "bad_inputs").glob("*.txtar")
                 for m in re.findall(r"^expect: \w+ ([a-z0-9-]+) ", p.read_text(encoding="utf-8"), re.MULTILINE)}
    assert {c for c in catalogue if f"### `{c}`" not in text and f"`{c}`" not in text} == set()
