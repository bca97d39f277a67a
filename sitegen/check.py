"""`sitegen check`: every problem `sitegen build` would report, and nothing written."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from sitegen.build import render_site
from sitegen.checks_names import printable
from sitegen.config import config_missing, load_config
from sitegen.diagnostics import Diagnostic, Level, has_errors
from sitegen.write import check_output_dir

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _render_json(diagnostics: list[Diagnostic]) -> str:
    text = json.dumps([d.as_json() for d in diagnostics], ensure_ascii=False, indent=1)
    # Valid JSON either way; escaped, bidi and control characters cannot reorder a terminal's text.
    return "".join(ch if ch in "\n" or ch.isprintable() and printable(ch) == ch else f"\\u{ord(ch):04x}"
                   for ch in text)


def _summary(diagnostics: list[Diagnostic]) -> str:
    counts = {level: sum(d.level is level for d in diagnostics) for level in Level}
    words = [f"{counts[Level.ERROR]} error{'s' * (counts[Level.ERROR] != 1)}",
             f"{counts[Level.WARNING]} warning{'s' * (counts[Level.WARNING] != 1)}"]
    if counts[Level.SUGGESTION]:
        words.append(f"{counts[Level.SUGGESTION]} suggestion{'s' * (counts[Level.SUGGESTION] != 1)}")
    return ", ".join(words)


def check_project(root: Path, *, drafts: bool = False) -> tuple[list[Diagnostic], bool]:
    """Every problem of the project, and whether it could be checked at all (a sitegen.toml exists)."""
    config, problems = load_config(root)
    if config_missing(problems):
        return problems, False
    if has_errors(problems):
        return problems, True
    problems += check_output_dir(config.output_path, config.root)
    result = render_site(config, drafts=drafts)
    return sorted(set([*problems, *result.diagnostics])), True


def _report(diagnostics: list[Diagnostic], checked: bool, args: argparse.Namespace) -> None:
    if args.format == "json":
        print(_render_json(diagnostics))
        return
    for diagnostic in diagnostics:
        print("\n".join(printable(line) for line in diagnostic.format().split("\n")))
    print(f"{'checked' if checked else 'could not check'}: {_summary(diagnostics)}"
          + (" (warnings fail with --strict)" if args.strict and has_errors(diagnostics, strict=True)
             and not has_errors(diagnostics) else ""))


def cmd_check(args: argparse.Namespace) -> int:
    diagnostics, checked = check_project(Path(args.root).resolve(), drafts=args.drafts)
    try:
        _report(diagnostics, checked, args)
        sys.stdout.flush()
    except BrokenPipeError:  # `sitegen check | head`: the reader left; the exit status still tells
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if not checked:
        return EXIT_USAGE
    return EXIT_PROBLEMS if has_errors(diagnostics, strict=args.strict) else EXIT_OK


def add_check_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser("check", help="validate the whole project without writing anything",
                                 description="Report every problem `sitegen build` would, and write nothing. "
                                             "Exit 0 when clean, 1 on errors (or warnings with --strict).")
    parser.add_argument("--root", default=".", help="project folder (default: current folder)")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("--drafts", action="store_true", help="check articles with draft: true as well")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text (default) or json: an array of {path, line, column, level, code, "
                             "message, hint} on stdout")
    parser.set_defaults(run=cmd_check)
