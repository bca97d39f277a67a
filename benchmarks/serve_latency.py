#!/usr/bin/env python3
"""How fast `sitegen serve` shows an edit: re-render time, and edit-to-reloaded-page in Chromium.

    .venv/bin/python benchmarks/serve_latency.py [--root PROJECT] [--edits 20] [--no-browser]

The project (default: this repository's seed archive, or tests/sites/mini when content/
has no articles yet) is copied to a temporary folder, served in-process on an ephemeral
port, and one article's Markdown is edited again and again:

- rebuild: Preview.build() after the edit, in this process, told of it as by the watcher
  (no watcher runs, so no second build races it): load + model + render (memoised) + diff;
- browser: `sitegen serve` in its own process, as users run it, and Debian's Chromium: from
  the file write to the `load` event of the page reloaded by the live-reload script (by the
  browser's clock, Navigation Timing, and as Playwright reports it here, later), through
  the real watcher, debounce (watch.py) and rebuild; and to the reload message, as an
  event stream of this process receives it.

Between edits the benchmark waits for the background search index, so runs do not
overlap. Prints medians, 90th percentiles and maxima in milliseconds; the rebuild's CPU
time is printed too, since wall-clock times grow with whatever else the machine runs.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sitegen.serve import Preview  # noqa: E402
from sitegen.watch import Change, ChangeBatch, ChangeKind  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
MARKER = "Benchmark sentence number"


def pick_project() -> Path:
    articles = REPO / "content" / "articles"
    if articles.is_dir() and any(articles.glob("*.md")):
        return REPO
    return REPO / "tests" / "sites" / "mini"


def copy_project(source: Path, target: Path) -> Path:
    shutil.copytree(source / "content", target / "content")
    shutil.copy2(source / "sitegen.toml", target / "sitegen.toml")
    if (source / "themes").is_dir():
        shutil.copytree(source / "themes", target / "themes")
    return target


def first_article(root: Path) -> Path:
    return sorted((root / "content" / "articles").glob("*.md"))[0]


def edit(article: Path, number: int) -> None:
    """Replace the benchmark sentence at the end of the body (added on the first edit)."""
    text = article.read_text(encoding="utf-8")
    text = text.split(f"\n\n{MARKER}")[0].rstrip("\n")
    article.write_text(f"{text}\n\n{MARKER} {number}.\n", encoding="utf-8")


def summary(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return (f"{name:<40} median {statistics.median(ordered):7.1f} ms   p90 {p90:7.1f} ms   "
            f"max {ordered[-1]:7.1f} ms   (n={len(ordered)})")


def measure_rebuilds(preview: Preview, article: Path, edits: int) -> tuple[list[float], list[float], list[int]]:
    times, cpu, rendered = [], [], []
    for number in range(edits):
        edit(article, 1000 + number)
        started, started_cpu = time.perf_counter(), time.thread_time()
        report = preview.build(ChangeBatch((Change(article, ChangeKind.CONTENT, "changed"),)))  # as the watcher says
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        rendered.append(report.rendered)
        assert report.succeeded, [d.format() for d in report.diagnostics]
        preview.settled(preview.site.current())
    return times, cpu, rendered


def start_server(root: Path) -> tuple[subprocess.Popen[str], str]:
    """`sitegen serve` in a process of its own, as a user runs it: the browser's client library
    must not share (and take) the server's interpreter lock. Returns the process and its URL."""
    server = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", "--root", str(root), "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)
    assert server.stdout is not None
    for line in server.stdout:
        if line.startswith("serving "):
            threading.Thread(target=server.stdout.read, daemon=True).start()  # keep the pipe drained
            return server, line.split(" at ", 1)[1].split(";")[0].removesuffix(" (drafts included)")
    raise RuntimeError("sitegen serve did not start")


def wait_for_index(base: str) -> None:
    """Requests for the search index's files wait until it matches the pages (serve_http.py),
    for at most a minute each: the first index of a large archive can take longer."""
    deadline = time.monotonic() + 900
    while True:
        try:
            with urllib.request.urlopen(f"{base}pagefind/pagefind-entry.json", timeout=900) as response:
                response.read()
                return
        except urllib.error.HTTPError as error:
            if error.code != 404 or time.monotonic() > deadline:
                raise


def follow_messages(base: str, sent: list[float]) -> None:
    """Note when each reload message arrives, as a tab's event stream would see it."""
    origin = base.split("/", 3)[:3]
    request = urllib.request.Request("/".join(origin) + "/__sitegen/events")
    with urllib.request.urlopen(request, timeout=None) as stream:
        for line in stream:
            if line.startswith(b"data:"):
                sent.append(time.perf_counter())


# Where the reloaded page's time went, from the browser's own clock (Navigation Timing):
# milliseconds since the epoch at which the reload started, and offsets from that start.
NAVIGATION = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  return [performance.timeOrigin, n.responseEnd, n.domInteractive, n.loadEventStart];
}"""
STAGES = ("save → reload starts (watcher, debounce, build, message, script)", "reload → page received",
          "page received → parsed (styles, script)", "parsed → load event", "load event → seen by the benchmark")


def measure_browser(root: Path, article: Path, edits: int) -> tuple[list[float], list[float], list[list[float]]]:
    """(file write → reload message received, file write → reloaded page's load event, and the
    latter in STAGES) per edit."""
    from playwright.sync_api import sync_playwright

    server, base = start_server(root)
    try:
        wait_for_index(base)
        sent: list[float] = []
        threading.Thread(target=follow_messages, args=(base, sent), daemon=True).start()
        slug = article.name.removesuffix(".md")
        to_message, to_load, stages = [], [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"])
            page = browser.new_page()
            page.goto(f"{base}articles/{slug}/")
            page.wait_for_load_state("load")
            for number in range(edits):
                with page.expect_event("load", timeout=30_000):
                    started, saved = time.perf_counter(), time.time() * 1000
                    edit(article, number)
                to_load.append((time.perf_counter() - started) * 1000)
                origin, received, parsed, loaded = page.evaluate(NAVIGATION)
                stages.append([origin - saved, received, parsed - received, loaded - parsed,
                               to_load[-1] - (origin + loaded - saved)])
                assert f"{MARKER} {number}." in page.inner_text("main"), "the reloaded page is stale"
                to_message.append((min(t for t in sent if t > started) - started) * 1000)
                wait_for_index(base)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=60)
    return to_message, to_load, stages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, help="project to copy (default: the seed archive)")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--no-browser", action="store_true", help="only time the rebuilds")
    parser.add_argument("--no-rebuilds", action="store_true", help="only time the browser")
    args = parser.parse_args()
    source = (args.root or pick_project()).resolve()
    with tempfile.TemporaryDirectory(prefix="sitegen-serve-bench-") as tmp:
        root = copy_project(source, Path(tmp) / "site")
        article = first_article(root)
        print(f"project: {source}")
        print(f"edited:  {article.relative_to(root)}")
        if not args.no_rebuilds:
            preview = Preview(root, port=0, out=io.StringIO(), err=io.StringIO())
            try:
                first = preview.build()
                preview.settled(preview.site.current())
                print(f"{first.pages} pages; first build {first.milliseconds:.0f} ms")
                times, cpu, rendered = measure_rebuilds(preview, article, args.edits)
                print(summary("rebuild after a one-article edit", times))
                # CPU time of the rebuilding thread: what the rebuild costs, whatever else the machine runs.
                print(summary("  of which CPU time of the rebuild", cpu))
                print(f"{'pages re-rendered per edit':<40} median {statistics.median(rendered):7.0f}"
                      f"      of {first.pages}")
            finally:
                preview.close()
        if not args.no_browser:
            to_message, to_load, stages = measure_browser(root, article, args.edits)
            print(summary("edit to reload message (debounce+build)", to_message))
            # The load event as the browser's clock has it; Playwright hands it to this process later.
            print(summary("edit to reloaded page (load event)", [sum(s[:4]) for s in stages]))
            print(summary("  as seen here, through Playwright", to_load))
            for name, values in zip(STAGES, zip(*stages, strict=True), strict=True):
                print(f"  {name}: median {statistics.median(values):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
