#!/usr/bin/env python3
"""How fast `sitegen serve` shows an edit: re-render time, and edit-to-reloaded-page in Chromium.

    .venv/bin/python benchmarks/serve_latency.py [--root PROJECT] [--edits 20] [--no-browser]

The project (default: this repository's seed archive, or tests/sites/mini when content/
has no articles yet) is copied to a temporary folder, served in-process on an ephemeral
port, and one article's Markdown is edited again and again:

- rebuild: Preview.build() after the edit, told of it as by the watcher: load + model +
  render (memoised) + diff (measured before the watcher starts, so no second build races it);
- browser: from the file write to the `load` event of the page reloaded by the live-reload
  script in Debian's Chromium, through the real watcher, debounce (~100 ms) and rebuild.

Between edits the benchmark waits for the background search index, so runs do not
overlap. Prints medians, 90th percentiles and maxima in milliseconds; the rebuild's CPU
time is printed too, since wall-clock times grow with whatever else the machine runs.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import threading
import time
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


def measure_browser(preview: Preview, article: Path, edits: int) -> tuple[list[float], list[float]]:
    """(file write → reload message sent, file write → reloaded page's load event) per edit."""
    from playwright.sync_api import sync_playwright

    sent: list[float] = []

    def follow_messages() -> None:
        update = preview.events.wait(after=-1, timeout=0)
        seen = update[0] if update else 0
        while (update := preview.events.wait(after=seen, timeout=60)) is not None:
            if update[0] != seen:
                seen = update[0]
                sent.append(time.perf_counter())

    threading.Thread(target=follow_messages, daemon=True).start()
    slug = article.name.removesuffix(".md")
    to_message, to_load = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page()
        page.goto(f"{preview.url}articles/{slug}/")
        page.wait_for_load_state("load")
        for number in range(edits):
            with page.expect_event("load", timeout=30_000):
                started = time.perf_counter()
                edit(article, number)
            to_load.append((time.perf_counter() - started) * 1000)
            to_message.append((min(t for t in sent if t > started) - started) * 1000)
            assert f"{MARKER} {number}." in page.inner_text("main"), "the reloaded page is stale"
            preview.settled(preview.site.current())
        browser.close()
    return to_message, to_load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, help="project to copy (default: the seed archive)")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--no-browser", action="store_true", help="only time the rebuilds")
    args = parser.parse_args()
    source = (args.root or pick_project()).resolve()
    with tempfile.TemporaryDirectory(prefix="sitegen-serve-bench-") as tmp:
        root = copy_project(source, Path(tmp) / "site")
        article = first_article(root)
        preview = Preview(root, port=0, out=io.StringIO(), err=io.StringIO())
        try:
            first = preview.build()
            preview.settled(preview.site.current())
            print(f"project: {source} ({first.pages} pages; first build {first.milliseconds:.0f} ms)")
            print(f"edited:  {article.relative_to(root)}")
            # Before the watcher starts: its own rebuild of each edit would race these.
            times, cpu, rendered = measure_rebuilds(preview, article, args.edits)
            preview.start()
            preview.settled(preview.site.current())
            print(summary("rebuild after a one-article edit", times))
            # CPU time of the rebuilding thread: what the rebuild costs, whatever else the machine runs.
            print(summary("  of which CPU time of the rebuild", cpu))
            print(f"{'pages re-rendered per edit':<40} median {statistics.median(rendered):7.0f}"
                  f"      of {first.pages}")
            if not args.no_browser:
                to_message, to_load = measure_browser(preview, article, args.edits)
                print(summary("edit to reload message (debounce+build)", to_message))
                print(summary("edit to reloaded page (Chromium)", to_load))
        finally:
            preview.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
