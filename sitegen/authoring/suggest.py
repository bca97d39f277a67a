"""`sitegen suggest`: point out annotations an article is missing, and add the safe ones with --apply."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from sitegen import model as m
from sitegen.authoring.entities import KnownEntities, load_known
from sitegen.authoring.findings import (
    Finding,
    alias_variants,
    body_blocks,
    position,
    unannotated_quotes,
    undated_relatives,
    unreferenced_mentions,
)
from sitegen.authoring.roundtrip import Addition, EditError, apply_additions
from sitegen.config import config_missing, load_config
from sitegen.diagnostics import Diagnostic, error, suggestion
from sitegen.load import parse_document

REVIEW = "review: added by suggest"
_EXPLICIT = re.compile(r"\]\(@(people|organisations|places|events)/([a-z0-9]+(?:-[a-z0-9]+)*)\)")


def article_findings(article: m.Article, known: KnownEntities, byline_line: int = 1,
                     ) -> list[tuple[Finding, int, int]]:
    """Every finding for one article, with its file line and column, in reading order."""
    blocks = body_blocks(article)
    explicit = {(c, s) for c, s in _EXPLICIT.findall(article.body)}
    findings = (unreferenced_mentions(article, blocks, known, explicit) + alias_variants(blocks, known)
                + unannotated_quotes(article, blocks, known) + undated_relatives(article, blocks))
    located = [(f, *position(blocks[f.block], f.start, f.end)) for f in findings]
    located += [(f, byline_line, 1) for f in byline_authors(article, known)]
    return sorted(located, key=lambda item: (item[1], item[2], item[0].code))


def byline_authors(article: m.Article, known: KnownEntities) -> list[Finding]:
    """People the byline names who are not among the authors (e.g. created after the import)."""
    authors = {(r.collection, r.slug) for r in article.authors}
    found = []
    for start, end, key in known.matcher.find(article.byline):
        if key[0] == "people" and key not in authors:
            authors.add(key)
            finding = Finding("author-unreferenced", -1, start, end,
                              f"the byline names {known.names[key]} (people/{key[1]}), not among 'authors'",
                              f"add '{key[1]}' to 'authors' (sitegen suggest --apply does)", key)
            found.append(finding)
    return found


def additions_for(article: m.Article, findings: list[Finding]) -> list[Addition]:
    """The front-matter items that accept the mention and quote findings."""
    referenced = {(r.collection, r.slug) for r in article.references()}
    additions: list[Addition] = []
    for finding in findings:
        key = finding.key
        if key and finding.code == "author-unreferenced":
            additions.append(Addition("authors", key[1], REVIEW))
        elif key and key not in referenced and finding.code in ("mention-unreferenced", "quote-unannotated"):
            referenced.add(key)
            value: object = {"ref": key[1]} if key[0] == "events" else key[1]
            additions.append(Addition(key[0], value, REVIEW))
        if finding.quote:
            additions.append(Addition("quotes", dict(finding.quote), REVIEW))
    return additions


def _article_paths(root: Path, given: list[str]) -> list[Path]:
    if not given:
        given = [str(root / "content" / "articles")]
    paths: list[Path] = []
    for item in given:
        path = Path(item)
        path = path if path.is_absolute() else Path.cwd() / path
        paths += sorted(path.glob("*.md")) if path.is_dir() else [path]
    return paths


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def suggest_file(path: Path, root: Path, known: KnownEntities, apply: bool,
                 ) -> tuple[list[Diagnostic], int]:
    """Diagnostics for one article file, and how many items --apply wrote into it."""
    rel = _relative(path, root)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [error(rel, 0, 0, "file-unreadable", f"cannot be read: {exc.strerror}")], 0
    document, problems = parse_document("articles", rel, raw)
    if not isinstance(document, m.Article):
        return problems or [error(rel, 0, 0, "not-an-article", "not an article file")], 0
    byline_line = next((n for n, line in enumerate(raw.decode("utf-8").splitlines(), 1)
                        if line.startswith("byline:")), 1)
    located = article_findings(document, known, byline_line)
    found = [suggestion(rel, line, col, f.code, f.message, f.hint) for f, line, col in located]
    if not apply:
        return found, 0
    additions = additions_for(document, [f for f, _, _ in located])
    if not additions:
        return found, 0
    try:
        text = apply_additions(raw.decode("utf-8"), additions)
    except EditError as exc:
        return [*found, error(rel, 1, 1, "suggest-apply", f"nothing written: {exc}")], 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return found, len(additions)


def cmd_suggest(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    config, problems = load_config(root)
    if problems:
        for p in problems:
            print(p.format(), file=sys.stderr)
        return 2 if config_missing(problems) else 1
    known, _, _ = load_known(config)
    failed, total, applied = False, 0, 0
    for path in _article_paths(root, args.paths):
        found, written = suggest_file(path, root, known, args.apply)
        for d in found:
            print(d.format())
        failed |= any(d.level.value == "error" for d in found)
        total += sum(d.level.value == "suggestion" for d in found)
        if written:
            applied += written
            print(f"{_relative(path, root)}: added {written} item{'s' * (written != 1)} "
                  f"(marked '# {REVIEW}')", file=sys.stderr)
    print(f"{total} suggestion{'s' * (total != 1)}" + (f"; {applied} applied" if args.apply else ""),
          file=sys.stderr)
    return 1 if failed else 0


def add_suggest_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser("suggest", help="find missing references, quotes and date notes")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="article files or folders "
                        "(default: content/articles)")
    parser.add_argument("--apply", action="store_true",
                        help="add the suggested references and quotes to the front matter")
    parser.add_argument("--root", default=".", help="project folder (default: current folder)")
    parser.set_defaults(run=cmd_suggest)
