"""`sitegen serve`'s command line: its options, the bind warning, and the process around a Preview."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
import threading
import webbrowser
from pathlib import Path

from sitegen.config import project_config
from sitegen.serve import Preview
from sitegen.serve_search import indexing_unfinished

EXIT_OK, EXIT_USAGE = 0, 2  # as the other commands (cli.py)


def _bind_warning(host: str) -> str | None:
    if host == "127.0.0.1":
        return None
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        return f"warning: serving on {host} instead of the default 127.0.0.1"
    return (f"warning: serving on {host}: other machines can see this preview, drafts included; "
            "leave out --host (127.0.0.1) unless you mean it")


def cmd_serve(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    config = project_config(root, sys.stderr)
    if config is None:
        return EXIT_USAGE
    warning = _bind_warning(args.host)
    if warning:
        print(warning, file=sys.stderr)
    try:
        preview = Preview(root, host=args.host, port=args.port, drafts=args.drafts, poll=args.poll)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        print("    hint: another server may be using the port; pick one with --port "
              "(--port 0 takes any free port)", file=sys.stderr)
        return EXIT_USAGE
    try:
        preview.start()
        drafts = " (drafts included)" if args.drafts else ""
        print(f"serving {config.title!r} at {preview.url}{drafts}; press Ctrl+C to stop", flush=True)
        if args.open:
            webbrowser.open(preview.url)
        threading.Event().wait()  # the work happens in the preview's threads until Ctrl+C
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
    print("\nstopped", file=sys.stderr)
    if indexing_unfinished():
        # A search index still being built is of no use now, and finishing it could take
        # half a minute on a large archive: leave without finalising the interpreter.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_OK)
    return EXIT_OK


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0–65535)")
    return int(text)


def add_serve_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser("serve", help="preview the site, rebuilt and reloaded as you edit")
    parser.add_argument("--root", default=".", help="project folder (default: current folder)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="port (default: 8000; 0 picks a free one)")
    parser.add_argument("--open", action="store_true", help="open the site in the default browser")
    parser.add_argument("--drafts", action="store_true", help="include articles with draft: true")
    parser.add_argument("--poll", action="store_true",
                        help="poll for changes instead of native events (Docker, WSL, network drives)")
    parser.set_defaults(run=cmd_serve)
