"""`sitegen new`: a content file with every schema field present and commented, ready to fill in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sitegen.authoring.yamltext import render_front_matter, skeleton
from sitegen.config import project_config
from sitegen.dates import parse_date
from sitegen.schema import slugify

KINDS = {"article": "articles", "person": "people", "organisation": "organisations",
         "place": "places", "event": "events"}
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def new_file_text(collection: str, title: str, date: str | None) -> str:
    """The text of a new content file: the skeleton with its name (and date) filled in."""
    values: dict[str, object] = {}
    if collection == "articles":
        values = {"title": title, "language": "en", "published": date}
    else:
        values = {"name": title}
        if collection == "events":
            values["date"] = date
    return render_front_matter(skeleton(collection, values))


def new_slug(collection: str, title: str, date: str | None) -> str:
    slug = slugify(title)
    return f"{date}-{slug}" if date and collection in ("articles", "events") else slug


def create(root: Path, kind: str, title: str, date: str | None) -> tuple[Path | None, str]:
    """Write the new file; returns (path, "") or (None, why it was refused)."""
    collection = KINDS[kind]
    if date is not None and isinstance(parse_date(date), str):
        return None, str(parse_date(date))
    if collection == "events" and date is None:
        return None, "an event needs its date: add --date YYYY[-MM[-DD]]"
    slug = new_slug(collection, title, date)
    if not slugify(title):
        return None, f"'{title}' has no letters or digits to make a file name from"
    path = root / "content" / collection / f"{slug}.md"
    if path.exists():
        return None, f"{path.relative_to(root).as_posix()} already exists; not overwriting it"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = new_file_text(collection, title, date)
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": never replace a file made meanwhile
            handle.write(text)
    except FileExistsError:
        return None, f"{path.relative_to(root).as_posix()} already exists; not overwriting it"
    return path, ""


def cmd_new(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    if project_config(root, sys.stderr) is None:
        return EXIT_USAGE
    path, why = create(root, args.kind, args.title, args.date)
    if path is None:
        print(f"sitegen new: {why}", file=sys.stderr)
        return EXIT_REFUSED
    print(path.relative_to(root).as_posix())
    return EXIT_OK


def add_new_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser("new", help="create a content file with every field, commented")
    parser.add_argument("kind", choices=tuple(KINDS), help="what to create")
    parser.add_argument("title", help="the article's title or the entity's name")
    parser.add_argument("--date", metavar="YYYY-MM-DD",
                        help="article publication date / event date; prefixes the file name")
    parser.add_argument("--root", default=".", help="project folder (default: current folder)")
    parser.set_defaults(run=cmd_new)
