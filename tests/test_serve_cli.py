"""`sitegen serve` as a user runs it: what the terminal says, a rebuild line per save, Ctrl+C."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

from tests.conftest import REPO, run_cli
from tests.test_serve_support import ARTICLE, ARTICLE_URL, copy_mini

WAIT_SECONDS = 30


class Lines:
    """A subprocess' output, line by line, with a bounded wait for each expected line."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)  # end of output

    def expect(self, pattern: str) -> re.Match[str]:
        while True:
            try:
                line = self.lines.get(timeout=WAIT_SECONDS)
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r}; got {self.seen}") from None
            assert line is not None, f"output ended before {pattern!r}: {self.seen}"
            self.seen.append(line)
            match = re.search(pattern, line)
            if match:
                return match


def test_serve_session_in_a_terminal(tmp_path: Path) -> None:
    root = copy_mini(tmp_path / "site", own_theme=False)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)}
    # A runner started in the background by a non-interactive shell ignores SIGINT, and children
    # inherit that; the server under test must see Ctrl+C as a terminal would send it.
    process = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", "--root", str(root), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        out = Lines(process.stdout)
        out.expect(r"^built \d+ pages in \d+ ms; 0 errors, 2 warnings$")
        url = out.expect(r"^serving 'Mini archive' at (http://127\.0\.0\.1:\d+/mini/); press Ctrl\+C")[1]
        with urllib.request.urlopen(url + ARTICLE_URL, timeout=WAIT_SECONDS) as response:
            assert response.status == 200
        article = root / ARTICLE
        article.write_text(article.read_text() + "\nOne more line.\n")
        out.expect(rf"^\d\d:\d\d:\d\d {re.escape(ARTICLE)} changed → [1-9]\d* of \d+ pages re-rendered in \d+ ms$")
        (root / "content/articles/broken.md").write_text("---\ntitle: [x\n---\n")
        out.expect(r"^content/articles/broken\.md:2:\d+: error: invalid YAML")
        out.expect(r"content/articles/broken\.md added → build failed: 1 error; still serving the last good site")
        process.send_signal(signal.SIGINT)
        out.expect(r"^stopped$")
        assert process.wait(timeout=WAIT_SECONDS) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not (root / "public").exists()


def test_bad_port_is_a_usage_error() -> None:
    result = run_cli("serve", "--port", "70000")
    assert result.code == 2 and "not a port number" in result.err
