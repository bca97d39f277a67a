#!/usr/bin/env python3
"""Time sitegen on synthetic archives and write benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/run.py                  # 1,000 and 10,000 articles
    .venv/bin/python benchmarks/run.py --sizes 1000     # quicker
    .venv/bin/python benchmarks/run.py --with-50k       # adds the scaling point (cold build only)

For each size: a cold `sitegen build` (no cache, no previous output), a rebuild with
nothing changed, a rebuild after editing one article, a rebuild after editing one popular
person, and the re-render `sitegen serve` does after an article edit (render_site with
serve's warm in-process cache). Every build runs as a child process; its wall time,
CPU time (user+sys, its workers included) and peak RSS come from os.wait4. Projects and
outputs live on tmpfs (/dev/shm) when there is one. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from benchmarks import gen_corpus  # noqa: E402  (the repository root was just put on the path)

SEED = 1
ARTICLE_EDIT = "\n\nThe ministry later confirmed the account in a short statement.\n"


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mib: float


@dataclass
class Row:
    size: int
    runs: dict[str, list[Run]] = field(default_factory=dict)

    def add(self, name: str, run: Run) -> None:
        self.runs.setdefault(name, []).append(run)

    def median(self, name: str, attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in self.runs[name])


def scratch_root() -> Path:
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="sitegen-bench-", dir=shm))
    return Path(tempfile.mkdtemp(prefix="sitegen-bench-"))


def timed(command: list[str], cwd: Path) -> tuple[Run, str]:
    """Run a child process; its wall time, CPU time and peak RSS (its own workers included)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{output[-3000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024), output


def sitegen(project: Path, *extra: str) -> tuple[Run, str]:
    return timed([sys.executable, "-m", "sitegen", "build", "--quiet", *extra], project)


def cold(project: Path, *extra: str) -> Run:
    """A first build: no cache, no previous output to compare with."""
    shutil.rmtree(project / ".sitegen-cache", ignore_errors=True)
    shutil.rmtree(project / "public", ignore_errors=True)
    return sitegen(project, *extra)[0]


def pick_article(project: Path) -> Path:
    articles = sorted((project / "content" / "articles").glob("*.md"))
    return articles[len(articles) // 2]


def pick_popular_person(project: Path) -> Path:
    """The person most articles list (the top of the Zipf curve)."""
    counts: dict[str, int] = {}
    for path in (project / "content" / "articles").glob("*.md"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("people: ["):
                for slug in json.loads(line.removeprefix("people: ")):
                    counts[slug] = counts.get(slug, 0) + 1
                break
    top = max(sorted(counts), key=lambda slug: counts[slug])
    return project / "content" / "people" / f"{top}.md"


def edited(path: Path, change: str) -> tuple[str, str]:
    """Apply one realistic edit; returns (original, edited) text."""
    original = path.read_text(encoding="utf-8")
    if change == "article":
        return original, original.rstrip("\n") + ARTICLE_EDIT
    return original, original.replace('description: "', 'description: "Long-serving ', 1)


SERVE_PROBE = """
import json, sys, time
from pathlib import Path
from sitegen.build import BuildCache, render_site, settle_heap
from sitegen.reuse import Reuse
from sitegen.config import load_config
from sitegen.serve_search import DeferredSearchIndex
root, article, text = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
config, _ = load_config(root)
search = DeferredSearchIndex()
cache = BuildCache(search_index=search, reuse=Reuse(), reads={})  # as `sitegen serve` keeps it
render_site(config, cache=cache)           # serve's first build fills its caches
settle_heap()                              # as serve does once it has published a build
search.wait_ready(search.wanted, 900)     # its background index would compete for the CPU
original = article.read_text(encoding="utf-8")
article.write_text(text, encoding="utf-8")
try:
    started = time.perf_counter()
    # serve's watcher names the edited file, and load looks at no other (see load.py)
    result = render_site(config, cache=cache, changed=frozenset({article.relative_to(root).as_posix()}))
    seconds = time.perf_counter() - started
finally:
    article.write_text(original, encoding="utf-8")
    search.close()
print(json.dumps({"seconds": seconds, "rendered": cache.pages.rendered, "pages": len(result.outputs)}))
"""


def serve_rerender(project: Path) -> tuple[float, str]:
    article = pick_article(project)
    _, text = edited(article, "article")
    run, output = timed([sys.executable, "-c", SERVE_PROBE, str(project), str(article), text], project)
    probe = json.loads(output.strip().splitlines()[-1])
    return probe["seconds"], f"serve's render memo re-rendered {probe['rendered']} page(s)"


def measure(size: int, repeat: int, base: Path, log: list[str], cold_only: bool = False) -> Row:
    project = base / f"corpus-{size}"
    started = time.perf_counter()
    gen_corpus.generate(size, SEED, project)
    log.append(f"{size:,} articles: corpus generated in {time.perf_counter() - started:.1f} s")
    row = Row(size)
    for _ in range(repeat):
        row.add("cold build", cold(project))
        if cold_only:  # the scaling point: the other steps would take an hour at 50,000
            print(f"  {size}: round done", flush=True)
            continue
        row.add("no-change rebuild", sitegen(project)[0])
        for change, path in (("article", pick_article(project)), ("person", pick_popular_person(project))):
            original, text = edited(path, change)
            path.write_text(text, encoding="utf-8")
            try:
                row.add(f"one {'article' if change == 'article' else 'popular person'} edited",
                        sitegen(project)[0])
            finally:
                path.write_text(original, encoding="utf-8")
            sitegen(project)  # back to the unedited site, so the next edit starts warm
        row.add("cold build, 1 process (-j 1)", cold(project, "-j", "1"))
        sitegen(project)  # refill the cache for the serve probe's neighbours
        seconds, note = serve_rerender(project)
        row.add("serve re-render, one article", Run(seconds, float("nan"), float("nan")))
        if f"{size:,} articles: {note}" not in log:
            log.append(f"{size:,} articles: {note}")
        print(f"  {size}: round done", flush=True)
    shutil.rmtree(project)
    return row


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    if Path("/proc/cpuinfo").exists():
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    memory = ""
    if Path("/proc/meminfo").exists():
        total = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
        memory = f", {total:.1f} GiB RAM"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [f"- CPU: {cpu}, {cores} cores usable{memory}",
            f"- {platform.system()} {platform.release()}, Python {platform.python_version()}",
            f"- load average at start: {os.getloadavg()[0]:.1f} (other processes share the machine)"]


def table(rows: list[Row]) -> list[str]:
    names = list(rows[0].runs)
    lines = ["| step | " + " | ".join(f"{r.size:,} articles" for r in rows) + " |",
             "|---|" + "---|" * len(rows)]
    for name in names:
        cells = []
        for row in rows:
            if name not in row.runs:
                cells.append("not run")
                continue
            wall, cpu, peak = (row.median(name, a) for a in ("wall", "cpu", "peak_mib"))
            cell = f"{wall:.2f} s" if wall >= 1 else f"{wall * 1000:.0f} ms"
            if cpu == cpu:  # not NaN
                cell += f" (cpu {cpu:.1f} s, {peak:.0f} MiB)"
            cells.append(cell)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--with-50k", action="store_true", help="also time 50,000 articles")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per size; the median is shown")
    parser.add_argument("--repeat-large", type=int, default=None, metavar="N",
                        help="rounds for sizes of 10,000 and more (default: --repeat)")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    sizes = [*args.sizes, *([50000] if args.with_50k else [])]
    header = machine()
    base = scratch_root()
    log: list[str] = []
    rows = []
    try:
        for size in sizes:
            print(f"{size} articles…", flush=True)
            repeat = args.repeat_large if size >= 10000 and args.repeat_large else args.repeat
            try:
                rows.append(measure(size, repeat, base, log, cold_only=size > 10000))
            except SystemExit as failed:  # a size that cannot be built here must not lose the others
                log.append(f"{size:,} articles: not measured: {str(failed).splitlines()[0]}")
                print(f"  {size}: {failed}", flush=True)
            finally:
                shutil.rmtree(base / f"corpus-{size}", ignore_errors=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    lines = table(rows)
    print("\n".join(lines))
    where = "tmpfs" if str(base).startswith("/dev/shm") else "disk"
    flags = f"--sizes {' '.join(map(str, args.sizes))} --repeat {args.repeat}" + \
        (f" --repeat-large {args.repeat_large}" if args.repeat_large else "") + \
        (" --with-50k" if args.with_50k else "")
    measured = [f"Measured {time.strftime('%Y-%m-%d %H:%M')} with `benchmarks/run.py {flags}`, on {where}:",
                "", *header, f"- load average at end: {os.getloadavg()[0]:.1f}", "", *lines, "",
                *(f"- {entry}" for entry in log)]
    write_results(args.results, measured)


def write_results(path: Path, measured: list[str]) -> None:
    """Replace the section between the markers; the analysis around it is written by hand."""
    start, end = "<!-- measured: start -->", "<!-- measured: end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmark results\n\n{start}\n{end}\n"
    if start not in text:
        text += f"\n{start}\n{end}\n"
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1] if end in rest else ""
    path.write_text(f"{before}{start}\n" + "\n".join(measured) + f"\n{end}{after}", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
