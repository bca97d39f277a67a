"""Page render memoisation: a page's HTML is reused while its templates, context and site are unchanged.

A page's HTML is a pure function of (the source of its template chain, its plain-data
PageSpec.context, its path, the site context). Each of those is reduced to a digest and
the rendered bytes are kept under the combined key, so a rebuild re-renders exactly the
pages whose inputs changed, with no hand-maintained dependency lists. A page whose
PageSpec is the very object of the last build (page_inputs.py keeps unchanged plans whole)
is returned at once, while the templates and the site are unchanged: no digest is taken.
While the pages are the last build's, position by position, runs of them are compared whole
and the last build's tables are kept and patched where pages changed: nothing is copied.

Templates are read once per build into a snapshot and the Jinja environment loads them
from that snapshot, never from disk: a template saved halfway through a build cannot
make the memo hold HTML rendered from a source other than the one its key names.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import posixpath
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, Environment, Template, TemplateNotFound, TemplateSyntaxError, meta
from jinja2.loaders import split_template_path

from sitegen.config import Config
from sitegen.pages import PageSpec, differing
from sitegen.render import Output, make_environment, output_file, render_page, theme_dirs

Digest = bytes


def _digest(*parts: bytes) -> Digest:
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.digest()


def data_digest(value: object) -> Digest | None:
    """A digest of plain data; equal digests mean equal data. None if it cannot be pickled."""
    try:
        return _digest(pickle.dumps(value, protocol=5))
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return None


def _read_templates(search_paths: list[str]) -> dict[str, bytes]:
    """Every file below the template folders, by the file name Jinja's FileSystemLoader would use."""
    files: dict[str, bytes] = {}
    for top in search_paths:
        for folder, _, names in os.walk(top):
            for name in names:
                path = os.path.join(folder, name)
                try:
                    files[os.path.normpath(path)] = Path(path).read_bytes()
                except OSError:
                    continue  # vanished or unreadable: the loader reports it as not found
    return files


class SnapshotLoader(BaseLoader):
    """FileSystemLoader's lookup rules over template files read once, so a build sees one version."""

    def __init__(self, search_paths: list[str], files: dict[str, bytes]) -> None:
        self.search_paths = search_paths
        self.files = files
        self.loaded: dict[str, tuple[Digest, tuple[str | None, ...]]] = {}
        """Per loaded template: digest of its file name and source, and the templates it references."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for top in self.search_paths:
            filename = os.path.normpath(posixpath.join(top, *pieces))
            if filename in self.files:
                # Text-mode reading, as FileSystemLoader does: UTF-8 and universal newlines.
                text = self.files[filename].decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
                return text, filename, lambda: True
        raise TemplateNotFound(template)

    def load(self, environment: Environment, name: str,
             globals: MutableMapping[str, Any] | None = None) -> Template:
        """BaseLoader.load, parsing once for both the compiler and the record of references."""
        source, filename, uptodate = self.get_source(environment, name)
        tree = environment.parse(source, name, filename)
        self.loaded[name] = (_digest(filename.encode(), source.encode()),
                             tuple(meta.find_referenced_templates(tree)))
        code = environment.compile(tree, name, filename)
        globals = {} if globals is None else globals
        return environment.template_class.from_code(environment, code, globals, uptodate)


@dataclass(frozen=True, slots=True)
class _Rendered:
    """One page rendered (or found in the memo): its spec, the digests that keyed it, its HTML."""

    spec: PageSpec
    context: Digest
    setting: tuple[Digest | None, Digest]
    """The templates and the site it was rendered with."""
    key: Digest
    output: Output


class RenderMemo:
    """Rendered pages by input digest, kept from one build to the next (one per BuildCache).

    Entries not used by the last two builds are dropped, so memory stays proportional to
    the site rather than to the number of edits.
    """

    def __init__(self) -> None:
        self._generations: tuple[dict[Digest, bytes], ...] = ({}, {}, {})
        """Pages used by this build, the previous one and the one before it."""
        self._environment: Environment | None = None
        self._templates_key: Digest | None = None
        self._chains: dict[str, Digest] = {}
        self._all_templates: Digest = b""
        self._site: dict[str, Any] | None = None
        self._site_digest: Digest = b""
        self._pages: tuple[dict[str, _Rendered], ...] = ({}, {})
        """Per page path, what this build and the last one rendered there."""
        self._last: tuple[list[PageSpec], list[Output | None], tuple[Digest | None, Digest], list[int]] | None = None
        """The last build's specs and, at the same positions, their outputs, its setting, where it rendered none."""
        self._retired: list[dict[Any, Any]] = []
        """Generations start_build dropped, freed by release() once the pages are shown."""
        self.rendered = 0
        """Pages rendered by the latest build (the rest came from the memo)."""
        self.reused = 0

    def start_build(self, config: Config) -> Environment:
        """Begin a build: snapshot the templates and return the environment to render with."""
        current, previous, oldest = self._generations
        if current:  # a build that rendered nothing (it crashed early) keeps the older memo
            # Two builds back, so one broken build (say content/ moved away) loses nothing.
            self._generations = ({}, current, previous)
            self._retired.append(oldest)
        if self._pages[0]:
            self._retired.append(self._pages[1])
            self._pages = ({}, self._pages[0])
        self.rendered = self.reused = 0
        search_paths = [str(d / "templates") for d in theme_dirs(config)]
        files = _read_templates(search_paths)
        key = _digest(repr(search_paths).encode(), *(
            _digest(name.encode(), data) for name, data in sorted(files.items())))
        if key != self._templates_key or self._environment is None:
            environment = make_environment(config)
            environment.loader = SnapshotLoader(search_paths, files)
            self._environment, self._templates_key, self._chains = environment, key, {}
            self._all_templates = key
        return self._environment

    def release(self) -> None:
        """Free what start_build dropped: after a serve's first edit, a whole site's pages."""
        self._retired = []

    def _chain_digest(self, environment: Environment, name: str) -> Digest:
        """Digest of a template and every template it extends, includes or imports.

        A chain with a name computed at render time cannot be followed statically; its
        pages are then keyed by every template there is, which is safe, merely less lazy.
        """
        if name in self._chains:
            return self._chains[name]
        loader = environment.loader
        assert isinstance(loader, SnapshotLoader)
        seen: dict[str, bytes] = {}
        pending = [name]
        dynamic = False
        while pending and not dynamic:
            current = pending.pop()
            if current in seen:
                continue
            try:
                environment.get_template(current)  # compiled once per snapshot, as rendering needs
            except (TemplateNotFound, TemplateSyntaxError, UnicodeDecodeError):
                dynamic = True  # rendering will report it; key by everything meanwhile
                break
            seen[current], referenced = loader.loaded[current]
            dynamic = any(r is None for r in referenced)
            pending.extend(r for r in referenced if r is not None)
        chain = self._all_templates if dynamic else _digest(
            *(_digest(n.encode(), d) for n, d in sorted(seen.items())))
        self._chains[name] = chain
        return chain

    def _setting(self, site: dict[str, Any]) -> tuple[Digest | None, Digest]:
        if site is not self._site:  # one site dict per build: digest it once
            self._site, self._site_digest = site, data_digest(site) or b""
        return self._templates_key, self._site_digest

    def kept(self, spec: PageSpec, site: dict[str, Any]) -> Output | None:
        """The page rendered last build, if `spec` is the very same PageSpec and templates and site are unchanged.

        A page planned from unchanged inputs is the very same object (page_inputs.py), and specs
        are never changed once planned: nothing it depends on has changed, so nothing is digested.
        """
        known = self._pages[1].get(spec.path)
        if known is None or known.spec is not spec or known.setting != self._setting(site):
            return None
        self._remember(known)
        self.reused += 1
        return known.output

    def kept_all(self, specs: list[PageSpec], site: dict[str, Any]) -> tuple[list[Output | None], list[int]]:
        """kept() of every page, and the positions of those not kept.

        While the pages are the last build's, position by position, with the same setting, runs
        of them are compared whole (in C) and only the positions that differ are visited.
        """
        setting = self._setting(site)
        last, self._last = self._last, None
        if last is None or last[2] != setting or len(last[0]) != len(specs) or self._pages[0] \
                or self._generations[0]:
            kept = [self.kept(spec, site) for spec in specs]
            return kept, [i for i, output in enumerate(kept) if output is None]
        old_specs, outputs, _, failed = last
        outputs = list(outputs)
        changed = differing(old_specs, specs)
        # The last build's pages stay remembered but for those at changed positions, which move
        # to the previous generation (so an undone edit finds its HTML): nothing else is copied.
        pages, generation, popped_pages, popped = self._pages[1], self._generations[1], {}, {}
        for i in changed:
            outputs[i] = None
            was = pages.pop(old_specs[i].path, None)
            if was is not None:
                popped_pages[was.spec.path] = was
                if was.key in generation:
                    popped[was.key] = generation.pop(was.key)
        self._pages = (pages, popped_pages)
        self._generations = (generation, popped, self._generations[2])
        # A page that failed last build is not remembered: it is rendered (and reported) again.
        missing = sorted({*changed, *failed}) if failed else changed
        self.reused += len(outputs) - len(missing)
        return outputs, missing

    def finish(self, specs: list[PageSpec], outputs: list[Output | None], failed: list[int],
               site: dict[str, Any]) -> None:
        """This build's pages and, by position, their outputs (None at the `failed` positions), for kept_all."""
        self._last = (list(specs), list(outputs), self._setting(site), failed)

    def render(self, environment: Environment, spec: PageSpec, site: dict[str, Any]) -> bytes:
        """The page's HTML as UTF-8, from the memo when nothing it depends on has changed."""
        kept = self.kept(spec, site)
        if kept is not None:
            return kept.data
        setting = self._setting(site)
        known = self._pages[1].get(spec.path)
        # The same context object (planned pages are kept whole) has the digest taken last build.
        context = known.context if known is not None and known.spec.context is spec.context \
            else data_digest(spec.context)
        key = None
        if context is not None and self._site_digest:
            key = _digest(self._chain_digest(environment, spec.template), spec.template.encode(),
                          spec.path.encode(), context, self._site_digest)
            cached = next((g[key] for g in self._generations if key in g), None)
            if cached is not None:
                self._remember(_Rendered(spec, context, setting, key, Output(output_file(spec.path), cached)))
                self.reused += 1
                return cached
        data = render_page(environment, spec, site).encode("utf-8")
        self.rendered += 1
        if key is not None:
            self._remember(_Rendered(spec, context, setting, key, Output(output_file(spec.path), data)))
        return data

    def _remember(self, page: _Rendered) -> None:
        self._generations[0][page.key] = page.output.data
        self._pages[0][page.spec.path] = page
