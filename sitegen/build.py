"""The pipeline: load → model → render → write, readable as a table of contents."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Collection, Container, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from jinja2 import Environment

from sitegen.authoring.jsonschema import schema_outputs
from sitegen.checks_project import project_checks
from sitegen.config import Config
from sitegen.datasets import dataset_outputs
from sitegen.diagnostics import Diagnostic, has_errors, sort_diagnostics
from sitegen.exports import export_outputs
from sitegen.feeds import feed_outputs
from sitegen.graph import Archive, build_archive
from sitegen.load import load_project, load_theme_assets
from sitegen.markdown.highlight import pygments_css
from sitegen.memo import RenderMemo
from sitegen.page_inputs import page_at, record_pages
from sitegen.pages import PageSpec, plan_pages
from sitegen.parallel import Workers, in_background
from sitegen.render import Output, render_pages, theme_dirs
from sitegen.reuse import Reuse, reuse_or_compute
from sitegen.search import index_outputs, search_page
from sitegen.seo import publish_context, sitemap_outputs
from sitegen.write import check_output_dir, write_site


@dataclass
class BuildCache:
    """Memoised pure steps, kept between builds by `serve` (parse results, bodies, rendered pages)."""

    documents: dict = field(default_factory=dict)  # type: ignore[type-arg]
    reads: dict | None = None  # type: ignore[type-arg]
    """Files' bytes by stat signature (load.py); `serve` keeps one, a single build reads everything."""
    bodies: dict = field(default_factory=dict)  # type: ignore[type-arg]
    pages: RenderMemo = field(default_factory=RenderMemo)
    reuse: Reuse | None = None
    """Per-item steps of the previous build (reuse.py); `serve` keeps one, a single build has none."""
    search_index: Callable[[list[Output], Config], tuple[list[Output], list[Diagnostic]]] = index_outputs
    """Builds the search index of the pages; `serve` swaps in one that runs it in the background."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    outputs: tuple[Output, ...]
    diagnostics: tuple[Diagnostic, ...]
    archive: Archive | None
    seconds: float

    def failed(self, strict: bool = False) -> bool:
        return has_errors(self.diagnostics, strict=strict)


def capture_outputs(archive: Archive, reuse: Reuse | None = None) -> list[Output]:
    """Each article's original capture, published beside its page.

    With a Reuse (`serve`), an article that is the previous build's very object keeps its output
    while the capture files are the same: a rebuild visits only the changed articles.
    """
    from itertools import compress
    from operator import attrgetter, is_not

    articles, captures = archive.articles, archive.captures
    if reuse is None:
        return [Output(f"articles/{a.slug}/{a.capture.file}", captures[name]) for a in articles
                if a.capture and (name := f"articles/{a.capture.file}") in captures]
    before = reuse.kept("capture-outputs", (captures,))
    if before is None or len(before[0]) != len(articles):
        found: list[Output | None] = [None] * len(articles)
        visit = compress(range(len(articles)), map(attrgetter("capture"), articles))  # most have none
    else:
        found = list(before[1])
        visit = compress(range(len(articles)), map(is_not, articles, before[0]))
    for i in visit:
        a = articles[i]
        name = f"articles/{a.capture.file}" if a.capture else ""
        found[i] = Output(f"articles/{a.slug}/{a.capture.file}", captures[name]) if name in captures else None
    reuse.keep("capture-outputs", (captures,), (articles, found))
    return list(filter(None, found))


def _search_index_meanwhile(index: Callable[[list[Output], Config], tuple[list[Output], list[Diagnostic]]],
                            pages: list[Output], config: Config,
                            background: bool) -> Callable[[], tuple[list[Output], list[Diagnostic]]]:
    """The search index, to be collected later. With cores to spare it is built in a forked
    process (Pagefind, and the Python that prepares its input and canonicalises its bundle)
    while this one writes the exports, feeds and datasets."""
    if not background:
        return lambda: index(pages, config)
    in_parts = getattr(index, "in_parts", None)  # a remembered index (diskcache.py) is looked up here
    if in_parts is None:
        return in_background(partial(index, pages, config))
    known, build, remember = in_parts(pages, config)
    if known is not None:
        return lambda: known
    collect = in_background(build)
    return lambda: remember(collect())


def settle_heap() -> None:
    """In a process that keeps its caches (`serve`), stop the cyclic collector rescanning them.

    The model and memos of a 10,000-article archive are millions of objects, almost none in
    reference cycles (unchanged ones are even reused by the next build); without this, each
    rebuild spends seconds in collections that find nothing. Garbage cycles made by this
    build (Jinja's render contexts) are collected first; a full collection only scans
    objects not yet frozen, so it costs in proportion to what this build created.
    """
    gc.collect()
    gc.freeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic cyclic collection inside: for a `serve` rebuild after an edit, which ends with settle_heap.

    Such a rebuild keeps most of what it allocates (the new model's indexes, the steps' kept
    inputs), and the collector's passes over those young objects took a tenth of its time at
    10,000 articles. settle_heap looks at them once, after the rebuild is shown. The cycles
    a rebuild leaves wait until then: after an edit, a few Jinja render contexts; after a
    template edit that re-renders every page, some 10 % more peak memory for those seconds.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _render_first(archive: Archive, environment: Environment, specs: list[PageSpec], theme_files: list[Output],
                  show: Callable[[list[Output]], None]) -> None:
    """Render `specs` on their own (no memo: the whole render that follows keeps its own
    count) and show them, unless one fails; the whole render reports its problems."""
    if not specs:
        return
    pages, problems = render_pages(environment, specs, archive.config)
    if not problems:
        show([*pages, *theme_files])


def render_site(config: Config, *, drafts: bool = False, cache: BuildCache | None = None,
                progress: Callable[[int, int], None] | None = None,
                workers: Workers | None = None, changed: Container[str] | None = None,
                on_pages: Callable[[list[Output]], None] | None = None,
                first_paths: Callable[[], Collection[str]] | None = None,
                on_first: Callable[[list[Output]], None] | None = None) -> BuildResult:
    """Everything but writing: the site as a list of outputs, with every problem found.

    `changed`: the content files (relative to the project) that `serve`'s watcher saw change
    since the last build with this cache; load trusts its kept bytes of all others.
    `on_pages`: called with the HTML pages and the theme's files as soon as the pages are
    rendered, if nothing has failed by then, so `serve` can show a page and what it loads
    (stylesheets, icons) while the exports, feeds and checks are still made.
    `first_paths`, `on_first`: before that, as soon as the model is built, the article and
    entity pages at these site paths (those open in `serve`'s tabs) are planned and rendered
    alone, as a single build makes them, and handed to `on_first` with the theme's files.
    """
    started = time.perf_counter()
    cache = cache or BuildCache()
    workers = workers or Workers()
    if cache.reuse is not None:
        cache.reuse.start_build()
    loaded = load_project(config, drafts=drafts, cache=cache.documents, reads=cache.reads, changed=changed)
    # What each stage returns lives to the end of the build: freezing it keeps the cyclic
    # collector from rescanning it on every later collection (~12 % of a build's CPU), and
    # forked workers from touching (and so copying) its pages of memory.
    gc.freeze()
    archive, problems = build_archive(loaded.documents, config, loaded.captures, cache.bodies, workers, cache.reuse)
    gc.freeze()
    problems = [*loaded.diagnostics, *problems]
    environment = cache.pages.start_build(config)
    assets = load_theme_assets(theme_dirs(config))
    assets["static/pygments.css"] = pygments_css().encode("utf-8")
    theme_files = [Output(path, data) for path, data in sorted(assets.items())]
    if first_paths is not None and on_first is not None and not has_errors(problems):
        _render_first(archive, environment, [*filter(None, map(partial(page_at, archive), first_paths()))],
                      theme_files, on_first)
    # The search page and every page's publishing metadata (JSON-LD, feeds, search flags).
    specs = publish_context(archive, [*plan_pages(archive, partial(record_pages, reuse=cache.reuse), cache.reuse),
                                      *search_page(config)])
    gc.freeze()
    # Pages rendered in worker processes could not be remembered here: the memo serves serial builds.
    memo = cache.pages if workers.jobs <= 1 else None
    pages, render_problems = render_pages(environment, specs, config, progress, memo, workers)
    if on_pages is not None and not has_errors([*problems, *render_problems]):
        on_pages([*pages, *theme_files])
    cache.pages.release()  # what the last builds kept and this one no longer needs: freed after the pages
    if cache.reuse is not None:
        cache.reuse.release()
    indexing = None
    if not has_errors([*problems, *render_problems]):  # a failing build need not be indexed
        indexing = _search_index_meanwhile(cache.search_index, pages, config, workers.jobs > 1)
    outputs = [*pages, *export_outputs(archive, cache.reuse)]
    outputs += capture_outputs(archive, cache.reuse)
    outputs += schema_outputs()  # editors validate front matter against these
    outputs += [*dataset_outputs(archive, cache.reuse), *feed_outputs(archive, cache.reuse),
                *sitemap_outputs(archive, specs, cache.reuse)]
    # Shared with `sitegen check`. Only the search index writes below pagefind/, so the checks
    # (output collisions among them) need not wait for it.
    problems += project_checks(config, loaded, archive, [*outputs, *theme_files], cache.bodies, reuse=cache.reuse)
    if indexing is not None:
        search_files, search_problems = indexing()
        outputs += search_files
        render_problems = [*render_problems, *search_problems]
    outputs += theme_files
    found = (*problems, *render_problems)  # mostly the last build's very objects in `serve`: compared in C
    diagnostics = reuse_or_compute(cache.reuse, "diagnostics", (found,), lambda: tuple(sort_diagnostics(found)))
    return BuildResult(tuple(outputs), diagnostics, archive, time.perf_counter() - started)


def build(config: Config, *, output: Path | None = None, drafts: bool = False, strict: bool = False,
          cache: BuildCache | None = None,
          progress: Callable[[int, int], None] | None = None,
          workers: Workers | None = None) -> BuildResult:
    """Render the site and, only if nothing failed, swap it into the output folder."""
    out = output or config.output_path
    refused = check_output_dir(out, config.root)
    if refused:
        return BuildResult((), tuple(refused), None, 0.0)
    result = render_site(config, drafts=drafts, cache=cache, progress=progress, workers=workers)
    if not result.failed(strict):
        write_site(result.outputs, out)
    return result
