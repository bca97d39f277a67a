"""Render: Jinja2 templates turn planned pages into HTML strings; no file is written here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    pass_context,
)
from markupsafe import Markup

from sitegen.config import Config
from sitegen.diagnostics import Diagnostic, error
from sitegen.pages import PageSpec
from sitegen.parallel import Workers
from sitegen.urls import relative

if TYPE_CHECKING:
    from sitegen.memo import RenderMemo

BUILTIN_THEMES = Path(__file__).resolve().parent.parent / "themes"
NAV = (("Articles", "articles/"), ("Timeline", "timeline/"), ("People", "people/"),
       ("Organisations", "organisations/"), ("Places", "places/"), ("Events", "events/"))


@dataclass(frozen=True, slots=True)
class Output:
    path: str
    """File path inside the output folder, POSIX separators, e.g. 'people/x/index.html'."""
    data: bytes


def theme_dirs(config: Config) -> list[Path]:
    """Theme folders in lookup order: the project's chosen theme, then the built-in default."""
    dirs = [config.root / "themes" / config.theme]
    if config.theme != "default":
        dirs.append(config.root / "themes" / "default")
    dirs.append(BUILTIN_THEMES / "default")
    return list(dict.fromkeys(d for d in dirs if d.is_dir()))


def output_file(page_path: str) -> str:
    return page_path if page_path.endswith(".html") else page_path + "index.html"


@pass_context
def _url(context: Any, target: str) -> str:
    here = context["here"]
    if here.endswith(".html"):  # a file page such as 404.html is served from any path
        return context["site"]["base_path"] + target
    return relative(here, target)


def _external(value: str) -> str:
    """An outside address only if it is http(s); anything else becomes no link at all."""
    return value if urlsplit(value).scheme.lower() in ("http", "https") else ""


_DICT_ATTRIBUTES = frozenset(dir(dict))


class DataEnvironment(Environment):
    """Jinja's Environment, with `a.title` on our plain-data contexts looked up as a key first.

    Jinja resolves `a.title` by trying the attribute and, when that raises AttributeError,
    the key; on a dict that is an exception per lookup, a sixth of an entity page's render
    time. A dict has no attributes but its class's, so for any other name the attribute
    lookup can only fail: going to the key first gives exactly Jinja's result, sooner.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def make_environment(config: Config) -> Environment:
    env = DataEnvironment(
        loader=FileSystemLoader([str(d / "templates") for d in theme_dirs(config)]),
        autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    env.globals["url"] = _url
    env.filters["external"] = _external
    return env


def site_context(config: Config) -> dict[str, Any]:
    return {"title": config.title, "description": config.description, "language": config.language,
            "base_url": config.base_url, "base_path": config.base_path,
            "nav": [{"label": label, "path": path} for label, path in NAV]}


def render_page(env: Environment, spec: PageSpec, site: dict[str, Any]) -> str:
    context = {**spec.context, "here": spec.path, "site": site,
               "canonical": site["base_url"].rstrip("/") + "/" + spec.path}
    if "body_html" in context:
        # Bodies come from our Markdown renderer, which escapes all text and drops raw HTML.
        context["body_html"] = Markup(context["body_html"])
    if "notes" in context:  # copies: the context is memoised and must not change
        context["notes"] = [{**note, "html": Markup(note["html"])} for note in context["notes"]]
    return env.get_template(spec.template).render(context)


def _display_path(filename: str, config: Config) -> str:
    path = Path(filename)
    for base in (config.root, BUILTIN_THEMES.parent):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return filename


def _render_one(env: Environment, spec: PageSpec, site: dict[str, Any], config: Config,
                memo: RenderMemo | None) -> tuple[bytes | None, Diagnostic | None, bool]:
    """One page's HTML, or the problem it has; True when no further page should be rendered."""
    try:
        data = memo.render(env, spec, site) if memo else render_page(env, spec, site).encode("utf-8")
        return data, None, False
    except TemplateSyntaxError as exc:
        where = _display_path(exc.filename, config) if exc.filename else spec.template
        return None, error(where, exc.lineno, 1, "template-syntax", exc.message or str(exc)), True
    except Exception as exc:  # noqa: BLE001 — a user's template may raise anything; report it
        kind = "" if isinstance(exc, TemplateError) else f"{type(exc).__name__}: "
        return None, error(f"templates/{spec.template}", 0, 0, "template-error",
                           f"rendering {output_file(spec.path)}: {kind}{exc}"), False


def render_pages(env: Environment, specs: list[PageSpec], config: Config,
                 progress: Callable[[int, int], None] | None = None,
                 memo: RenderMemo | None = None,
                 workers: Workers | None = None) -> tuple[list[Output], list[Diagnostic]]:
    site = site_context(config)
    problems: list[Diagnostic] = []
    # Pages the memo holds unchanged since the last build come back at once, without a task.
    outputs, missing = memo.kept_all(specs, site) if memo else ([None] * len(specs), list(range(len(specs))))
    tasks = [partial(_render_one, env, specs[i], site, config, memo) for i in missing]
    # Pages are independent: with several workers all are rendered at once, in page order;
    # alone, one at a time, so a syntax error stops the work as soon as it is met.
    results = iter(workers.run(tasks) if workers and workers.jobs > 1 else (task() for task in tasks))
    reported = 0

    def report(pages: int) -> None:  # progress after every 200th page, up to `pages`
        nonlocal reported
        if progress:
            for number in range((reported // 200 + 1) * 200, pages + 1, 200):
                progress(number, len(specs))
        reported = pages

    stopped, failed = False, []
    for i in missing:
        report(i + 1)
        data, problem, stop = next(results)
        if problem:
            problems.append(problem)
        if stop:
            del outputs[i:]
            stopped = True
            break
        if data is None:
            failed.append(i)
        else:
            outputs[i] = Output(output_file(specs[i].path), data)
    if not stopped:
        report(len(specs))
        if memo:
            memo.finish(specs, outputs, failed, site)
    return [output for output in outputs if output is not None] if problems else outputs, problems  # type: ignore[return-value]
