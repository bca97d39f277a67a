"""The search index built in a child process that keeps the pages it was sent, so only changes cross over.

`serve` rebuilds the index after every edit, in the background. In a thread of its own
process, the Python half of that work (cutting pages down for Pagefind, canonicalising
its bundle: about ten seconds at 10,000 articles) holds the interpreter lock against the
next rebuild and the HTTP server. A child process has its own lock; since it keeps the
previous build's pages, each edit sends it only the pages whose bytes changed.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any

from sitegen.config import Config
from sitegen.diagnostics import Diagnostic
from sitegen.render import Output
from sitegen.search import index_outputs

NICENESS = 10
Index = tuple[list[Output], list[Diagnostic]]
Pages = list[tuple[str, bytes]]


def _stop(signum: int, frame: Any) -> None:
    # Unwinds through subprocess.run (which kills Pagefind) and search.py's clean-up of its
    # temporary folder, where the default action would leave both behind.
    raise SystemExit(0)


def _serve(connection: Connection) -> None:
    """The child: index what it is sent, against the pages it kept, until the parent goes away."""
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    try:
        os.nice(NICENESS)  # rebuilds and page loads first; Pagefind inherits it
    except OSError:
        pass
    pages: dict[str, bytes] = {}
    try:
        while True:
            try:
                paths, changed, removed, config = connection.recv()
            except (EOFError, OSError):
                return
            pages.update(changed)
            for path in removed:
                pages.pop(path, None)
            index = index_outputs([Output(path, pages[path]) for path in paths], config)
            try:
                connection.send(index)
            except OSError:
                return
    finally:
        # Leaving anyway: the parent's SIGTERM, sent as it closes the connection, must not
        # raise inside the interpreter's shutdown (a traceback in the user's terminal).
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


class IndexProcess:
    """Called like index_outputs(pages, config); one call at a time (serve's index thread)."""

    def __init__(self) -> None:
        self._process: Any = None
        self._connection: Connection | None = None
        self._sent: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def _start(self) -> Connection:
        # Not fork: `serve` has threads, and a fork would copy the whole archive's heap. Not
        # multiprocessing's spawn either: it re-runs the caller's main script in the child, and
        # a script that starts a preview without a __main__ guard would then start another.
        # -P: the user's project folder is no place to import sitegen from.
        ours, theirs = socket.socketpair()
        with theirs:
            process = subprocess.Popen([sys.executable, "-P", "-m", "sitegen.search_process", str(theirs.fileno())],
                                       pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        parent = Connection(ours.detach())
        self._process, self._connection, self._sent = process, parent, {}
        return parent

    def __call__(self, pages: list[Output], config: Config) -> Index:
        with self._lock:
            connection = self._connection
            if connection is None or self._process.poll() is not None:
                connection = self._start()
            sent = self._sent
            changed = [(o.path, o.data) for o in pages if sent.get(o.path) is not o.data]
            paths = [o.path for o in pages]
            removed = sent.keys() - set(paths)
            try:
                connection.send((paths, changed, removed, config))
                self._sent = {}  # until the child has answered, it may hold anything
                index: Index = connection.recv()
            except (EOFError, OSError):
                self.close()
                raise RuntimeError("the search index process ended unexpectedly") from None
            self._sent = {o.path: o.data for o in pages}
            return index

    def close(self) -> None:
        """End the child, which stops Pagefind and deletes its temporary folder first."""
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if connection is not None:
            connection.close()
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1])))
