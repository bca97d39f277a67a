"""The `sitegen` command: a thin shell that maps pipeline results to messages and exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sitegen import __version__
from sitegen.authoring.importer import add_import_command
from sitegen.authoring.jsonschema import add_schemas_command
from sitegen.authoring.new import add_new_command
from sitegen.authoring.suggest import add_suggest_command
from sitegen.build import BuildCache, build
from sitegen.check import add_check_command
from sitegen.config import config_missing, load_config
from sitegen.diagnostics import Diagnostic, Level
from sitegen.diskcache import CACHE_DIR, DiskMemo, remembered_search_index
from sitegen.parallel import Workers, available_cores
from sitegen.serve_cli import add_serve_command

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _report(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic], quiet: bool) -> None:
    for d in diagnostics:
        if quiet and d.level is not Level.ERROR:
            continue
        print(d.format(), file=sys.stderr)


def _counts(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> str:
    errors = sum(d.level is Level.ERROR for d in diagnostics)
    warnings = sum(d.level is Level.WARNING for d in diagnostics)
    hints = sum(d.level is Level.SUGGESTION for d in diagnostics)
    parts = [f"{errors} error{'s' * (errors != 1)}", f"{warnings} warning{'s' * (warnings != 1)}"]
    if hints:
        parts.append(f"{hints} suggestion{'s' * (hints != 1)}")
    return ", ".join(parts)


def _progress(done: int, total: int) -> None:
    print(f"\rrendering {done}/{total} pages", end="", file=sys.stderr, flush=True)


def cmd_build(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    config, problems = load_config(root)
    if problems:
        _report(problems, False)
        return EXIT_USAGE if config_missing(problems) else EXIT_CONTENT
    output = Path(args.output).resolve() if args.output else None
    show_progress = sys.stderr.isatty() and not args.quiet
    # Bodies and parsed links of the previous build, reused where their inputs are unchanged.
    memo = None if args.no_cache else DiskMemo(root)
    try:
        result = build(config, output=output, drafts=args.drafts, strict=args.strict,
                       progress=_progress if show_progress else None, workers=Workers(args.jobs),
                       cache=BuildCache(bodies=memo, search_index=remembered_search_index(memo))
                       if memo is not None else None)
        if memo is not None:
            memo.save()
    finally:
        if memo is not None:
            memo.close()
    if show_progress:
        print("\r\033[K", end="", file=sys.stderr)
    _report(result.diagnostics, args.quiet)
    if any(d.code == "output-dir-refused" for d in result.diagnostics):
        return EXIT_USAGE
    if result.failed(args.strict):
        why = " (warnings fail the build with --strict)" if args.strict else ""
        print(f"build failed: {_counts(result.diagnostics)}{why}; nothing was written", file=sys.stderr)
        return EXIT_CONTENT
    pages = sum(o.path.endswith(".html") for o in result.outputs)
    if not args.quiet:
        where = output or config.output_path
        print(f"built {pages} pages ({len(result.outputs)} files) into {where} "
              f"in {result.seconds * 1000:.0f} ms; {_counts(result.diagnostics)}")
    return EXIT_OK


def add_build_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser("build", help="build the site into the output folder")
    add_root_option(parser)
    parser.add_argument("--output", metavar="DIR", help="output folder (default: output_dir in sitegen.toml)")
    parser.add_argument("--drafts", action="store_true", help="include articles with draft: true")
    parser.add_argument("--strict", action="store_true", help="fail the build on warnings too")
    parser.add_argument("--quiet", action="store_true", help="print errors only")
    parser.add_argument("-j", "--jobs", type=_jobs, default=available_cores(), metavar="N",
                        help="worker processes (default: one per core; 1 builds in this process)")
    parser.add_argument("--no-cache", action="store_true",
                        help=f"neither read nor write the build cache ({CACHE_DIR}/ in the project)")
    parser.set_defaults(run=cmd_build)


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes (1 or more), not {text!r}")
    return int(text)


def add_root_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default=".", help="project folder (default: current folder)")


# Each command module contributes one `add_*_command(subparsers)`; order is the help order.
COMMANDS = [add_build_command, add_check_command, add_serve_command,
            add_new_command, add_import_command, add_suggest_command, add_schemas_command]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sitegen", description="Static sites for annotated news archives.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for add in COMMANDS:
        add(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("interrupted; the output folder is unchanged", file=sys.stderr)
        return 130
