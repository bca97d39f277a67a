"""`sitegen import`: a raw captured article (text or HTML) becomes an article file plus its capture."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sitegen.authoring.bodytext import body_from_lines
from sitegen.authoring.boilerplate import ruleset
from sitegen.authoring.capture import CaptureParts, split_capture
from sitegen.authoring.entities import KnownEntities, count_candidates, load_known
from sitegen.authoring.htmltext import html_to_lines, looks_like_html
from sitegen.authoring.yamltext import Item, flow_mapping, render_front_matter, skeleton
from sitegen.config import Config, config_missing, load_config
from sitegen.dates import parse_date
from sitegen.diagnostics import Diagnostic, error, warning
from sitegen.load import parse_document
from sitegen.schema import SLUG, slugify

REVIEW = "review: found by import"
_REF_FIELDS = {"people": "people", "organisations": "organisations", "places": "places",
               "events": "events"}


@dataclass(frozen=True, slots=True)
class Imported:
    slug: str
    text: str
    """The article file's text."""
    capture_text: str
    """What is saved as <slug>.capture.txt (for HTML: the extracted text, one block a line)."""
    parts: CaptureParts
    found: dict[tuple[str, str], Counter[str]]
    """Known entities mentioned in the body, with the words found, in order of first mention."""
    candidates: Counter[str]
    """Capitalised names that match no entity."""


def _found_entities(paragraphs: list[str], known: KnownEntities) -> dict[tuple[str, str], Counter[str]]:
    found: dict[tuple[str, str], Counter[str]] = {}
    matcher = known.matcher
    for text in paragraphs:
        for start, end, key in matcher.find(text):
            found.setdefault(key, Counter())[text[start:end]] += 1
    return found


def _title(parts: CaptureParts) -> tuple[str, dict[str, dict[str, str]]]:
    """The headline, or (marked as inferred, for review) the dek or the first sentence."""
    if parts.headline:
        return parts.headline, {}
    source = parts.subtitle or (parts.body[0][1].strip() if parts.body else "Untitled capture")
    title = source.split(". ")[0].strip()
    basis = ("The capture has no headline line; this title is its "
             + ("sub-headline" if parts.subtitle else "first sentence") + ", to be replaced.")
    return title, {"title": {"basis": basis, "confidence": "low"}}


def build_import(capture_text: str, name: str, known: KnownEntities, rules: tuple[tuple[str, str], ...],
                 outlet: str | None = None, date: str | None = None) -> Imported:
    """Everything `sitegen import` writes for one capture, computed without touching the disk."""
    if looks_like_html(capture_text, name):
        capture_text = "\n".join(html_to_lines(capture_text)) + "\n"
    parts = split_capture(capture_text, ruleset(rules))
    title, inferred = _title(parts)
    published = date or parts.published
    if published and not date:
        inferred["published"] = {"basis": f"Dateline '{parts.dateline}' printed in the capture.",
                                 "confidence": "high"}
    slug = "-".join(s for s in (published if published and len(published) == 10 else "",
                                slugify(title)) if s) or "capture"
    paragraphs = [text.strip() for _, text in parts.body]
    found = _found_entities(paragraphs, known)
    byline_people = [key for _, _, key in known.matcher.find(parts.byline) if key[0] == "people"]
    candidates = count_candidates(paragraphs + [parts.byline], known.matcher)

    values: dict[str, object] = {
        "title": title, "subtitle": parts.subtitle or None, "outlet": outlet,
        "byline": parts.byline or None, "published": published, "language": "en",
        "authors": [Item(key[1], REVIEW + " (byline)") for key in dict.fromkeys(byline_people)],
        "inferred": inferred,
    }
    for collection in _REF_FIELDS:
        items = []
        for key, forms in found.items():
            if key[0] != collection:
                continue
            note = f"{REVIEW}: " + ", ".join(f"“{form}” ×{n}" for form, n in forms.most_common())
            items.append(Item({"ref": key[1]}, note + "; coverage reported|background?")
                         if collection == "events" else Item(key[1], note))
        values[collection] = items
    fields = skeleton("articles", values)
    capture_field = next(f for f in fields if f.name == "capture")
    capture_field.value = {"file": f"{slug}.capture.txt"}
    capture_field.extra_lines = ["  removed:" if parts.removed else "  removed: []"] + [
        f"    - {flow_mapping({'line': r.line, 'text': r.text, 'kind': r.kind})}" for r in parts.removed]
    trailer = []
    if candidates:
        trailer = ["# Names in the text that match no entity (create one with `sitegen new`, or add an",
                   "# alias to an existing entity, then run `sitegen suggest --apply`):"]
        trailer += [f"#   {name} ×{count}" for name, count in sorted(candidates.items(),
                                                                    key=lambda c: (-c[1], c[0]))]
    text = render_front_matter(fields, trailer) + body_from_lines(paragraphs)
    return Imported(slug, text, capture_text, parts, found, candidates)


def _check(imported: Imported, rel: str) -> list[Diagnostic]:
    """The generated file must load under the schema; anything else is a bug worth stopping for."""
    document, problems = parse_document("articles", rel, imported.text.encode("utf-8"))
    return problems if document is not None or problems else [error(rel, 0, 0, "import-failed",
                                                                     "generated file did not load")]


def import_file(config: Config, known: KnownEntities, source: Path, outlet: str | None,
                date: str | None) -> tuple[Path | None, Imported | None, list[Diagnostic]]:
    name = source.as_posix()
    try:
        raw = source.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        return None, None, [error(name, 0, 0, "file-unreadable", f"cannot be read: {exc.strerror}")]
    except UnicodeDecodeError as exc:
        return None, None, [error(name, 0, 0, "encoding", f"not UTF-8 (byte offset {exc.start})",
                                  "save the capture as UTF-8")]
    imported = build_import(text, name, known, config.import_boilerplate, outlet, date)
    folder = config.content_dir / "articles"
    target = folder / f"{imported.slug}.md"
    rel = target.relative_to(config.root).as_posix()
    capture = folder / f"{imported.slug}.capture.txt"
    for path in (target, capture):
        if path.exists():
            return None, imported, [error(name, 0, 0, "import-exists",
                                          f"{path.relative_to(config.root).as_posix()} already exists; "
                                          "not overwriting it", "delete or rename it first")]
    problems = _check(imported, rel)
    if any(p.level.value == "error" for p in problems):
        return None, imported, problems
    folder.mkdir(parents=True, exist_ok=True)
    is_html = imported.capture_text != text
    with capture.open("xb") as handle:
        handle.write(imported.capture_text.encode("utf-8") if is_html else raw)
    if is_html:  # the page as saved, next to the text its line numbers refer to
        with (folder / f"{imported.slug}.capture.html").open("xb") as handle:
            handle.write(raw)
    with target.open("x", encoding="utf-8") as handle:
        handle.write(imported.text)
    if not imported.parts.headline:
        problems.append(warning(rel, 2, 1, "import-no-headline", "the capture has no headline line",
                                "the title is a stand-in marked in 'inferred': replace it"))
    return target, imported, problems


def cmd_import(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    config, problems = load_config(root)
    if problems:
        for p in problems:
            print(p.format(), file=sys.stderr)
        return 2 if config_missing(problems) else 1
    if args.outlet is not None and not SLUG.fullmatch(args.outlet):
        print(f"sitegen import: --outlet '{args.outlet}' is not a slug (e.g. times-of-israel)", file=sys.stderr)
        return 2
    if args.date is not None and isinstance(parse_date(args.date), str):
        print(f"sitegen import: --date: {parse_date(args.date)}", file=sys.stderr)
        return 2
    known, _, _ = load_known(config)
    if args.outlet and ("organisations", args.outlet) not in known.names:
        print(f"sitegen import: note: no organisation '{args.outlet}' yet "
              f"(sitegen new organisation \"…\")", file=sys.stderr)
    failed = False
    for source in args.files:
        path, imported, found_problems = import_file(config, known, Path(source), args.outlet, args.date)
        for problem in found_problems:
            print(problem.format(), file=sys.stderr)
        if path is None or imported is None:
            failed = True
            continue
        parts = imported.parts
        print(path.relative_to(root).as_posix())
        print(f"  {len(parts.body)} paragraphs, {len(parts.removed)} lines removed "
              f"({', '.join(f'{k} {n}' for k, n in Counter(r.kind for r in parts.removed).items()) or 'none'})")
        if imported.found:
            print("  references to review: " + ", ".join(f"{c}/{s}" for c, s in imported.found))
        if imported.candidates:
            print("  names matching no entity: " + ", ".join(
                name for name, _ in imported.candidates.most_common()))
    return 1 if failed else 0


def add_import_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser("import", help="turn raw captured articles into article files")
    parser.add_argument("files", nargs="+", metavar="FILE", help="captured article (.txt or .html)")
    parser.add_argument("--outlet", metavar="SLUG", help="organisation slug of the publishing outlet")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="publication date (else the dateline's)")
    parser.add_argument("--root", default=".", help="project folder (default: current folder)")
    parser.set_defaults(run=cmd_import)
