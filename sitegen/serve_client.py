"""What `serve` adds to pages in the browser: the live-reload script and the error overlay."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from pathlib import Path

from sitegen.diagnostics import Diagnostic, Level
from sitegen.render import BUILTIN_THEMES

EVENTS_PATH = "/__sitegen/events"
"""The Server-Sent Events stream; outside any site path, since sitegen never writes '__sitegen'."""
SHOWN_ERRORS = 20
CONTEXT_LINES = 2
MAX_SOURCE_BYTES = 4 * 1024 * 1024

# The page learns the server's state from the event stream: `build` names the last good
# site, `previous` the one before it, `css` says only stylesheets differ between the two,
# `error` is the overlay's HTML (already escaped by the server) or null.
CLIENT_SCRIPT = """
(() => {
  const page = %(build)s;
  const scrollKey = "sitegen-scroll";
  let current = page;
  const saved = JSON.parse(sessionStorage.getItem(scrollKey) || "null");
  if (saved && saved.path === location.pathname) {
    sessionStorage.removeItem(scrollKey);
    const restore = () => window.scrollTo(saved.x, saved.y);
    restore();
    addEventListener("load", restore, {once: true});
  }
  function reload() {
    sessionStorage.setItem(scrollKey, JSON.stringify(
      {path: location.pathname, x: window.scrollX, y: window.scrollY}));
    location.reload();
  }
  function swapStylesheets(build) {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("sitegen", build);
      const fresh = link.cloneNode();
      fresh.href = url.href;
      // The old sheet stays until the new one has loaded, so nothing flashes unstyled.
      fresh.addEventListener("load", () => link.remove(), {once: true});
      fresh.addEventListener("error", () => fresh.remove(), {once: true});
      link.after(fresh);
    }
  }
  function showOverlay(markup) {
    let host = document.getElementById("sitegen-overlay");
    if (!markup) { if (host) host.remove(); return; }
    if (!host) {
      host = document.createElement("div");
      host.id = "sitegen-overlay";
      host.attachShadow({mode: "open"});
      document.documentElement.append(host);
    }
    host.shadowRoot.innerHTML = "<style>%(style)s</style>" + markup;
  }
  // The page it is on: the server renders the pages open in tabs before the others.
  const events = new EventSource(%(events)s + "?page=" + encodeURIComponent(location.pathname));
  events.onmessage = (message) => {
    const state = JSON.parse(message.data);
    showOverlay(state.error);
    if (state.build === current) return;
    if (state.css && state.previous === current) {
      swapStylesheets(state.build);
      current = state.build;
      return;
    }
    events.close();
    reload();
  };
})();
"""

OVERLAY_STYLE = """
:host { all: initial; }
.overlay { position: fixed; inset: 0; z-index: 2147483647; overflow: auto; padding: 2rem;
  background: rgba(20, 18, 16, .92); color: #f3efe8; font: 15px/1.5 system-ui, sans-serif; }
h2 { margin: 0 0 .25rem; color: #ff9c7a; font-size: 1.3rem; }
.problem { margin: 1.25rem 0; max-width: 60rem; }
.where { font-family: ui-monospace, monospace; color: #ffd27a; }
.hint { color: #c9c2b6; }
pre { margin: .5rem 0 0; padding: .75rem; background: #0d0c0b; border-radius: 4px; overflow-x: auto;
  font: 13px/1.45 ui-monospace, monospace; }
.line { display: block; white-space: pre; }
.line.at { background: #4a1d12; }
.caret { display: block; white-space: pre; color: #ff9c7a; }
"""


def client_script(build: str) -> str:
    style = " ".join(OVERLAY_STYLE.split())
    return CLIENT_SCRIPT % {"build": json.dumps(build), "events": json.dumps(EVENTS_PATH),
                            "style": style}


_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def inject(page: bytes, build: str) -> bytes:
    """The page with the reload script before its last </body> (or at the end)."""
    tag = f"<script>{client_script(build)}</script>\n".encode()
    ends = list(_BODY_END.finditer(page))
    if not ends:
        return page + tag
    at = ends[-1].start()
    return page[:at] + tag + page[at:]


def _source_excerpt(file: Path, line: int, column: int) -> str:
    """The lines around line:column of a file, escaped, the offending one marked."""
    try:
        if not file.is_file() or file.stat().st_size > MAX_SOURCE_BYTES:
            return ""
        lines = file.read_bytes().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    if not 1 <= line <= len(lines):
        return ""
    first, last = max(1, line - CONTEXT_LINES), min(len(lines), line + CONTEXT_LINES)
    width = len(str(last))
    rows = []
    for number in range(first, last + 1):
        marker = ' class="line at"' if number == line else ' class="line"'
        rows.append(f"<span{marker}>{number:>{width}} | {html.escape(lines[number - 1])}</span>")
        if number == line and column >= 1:
            rows.append(f'<span class="caret">{" " * width} | {" " * (column - 1)}^</span>')
    return "<pre>" + "".join(rows) + "</pre>"


def _readable(path: str, roots: Iterable[Path]) -> Path | None:
    """The diagnostic's file, if it lies inside one of `roots` (the project, then its themes).

    Paths are relative to the project, or to the folder holding the built-in themes for
    templates of those (as render.py reports them); never is a file outside `roots` read.
    """
    roots = [r.resolve() for r in roots]
    bases = [roots[0], BUILTIN_THEMES.parent]
    candidates = [Path(path)] if Path(path).is_absolute() else [base / path for base in bases]
    for candidate in candidates:
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):
            continue
        if resolved.is_file() and any(resolved == r or r in resolved.parents for r in roots):
            return resolved
    return None


def overlay_html(diagnostics: Iterable[Diagnostic], roots: Iterable[Path]) -> str:
    """The overlay's markup for a failed build: every error with the source lines around it."""
    roots = list(roots)
    errors = [d for d in diagnostics if d.level is Level.ERROR]
    count = f"{len(errors)} error{'s' * (len(errors) != 1)}"
    parts = ['<div class="overlay" role="alert">', f"<h2>Build failed: {count}</h2>",
             "<p>The page shows the last good build; fix the file and it reloads by itself.</p>"]
    for problem in errors[:SHOWN_ERRORS]:
        where = problem.path + (f":{problem.line}:{max(problem.column, 1)}" if problem.line else "")
        parts.append('<section class="problem">')
        parts.append(f'<div class="where">{html.escape(where)}</div>')
        parts.append(f'<div class="message">{html.escape(problem.message)} '
                     f"[{html.escape(problem.code)}]</div>")
        if problem.hint:
            parts.append(f'<div class="hint">hint: {html.escape(problem.hint)}</div>')
        file = _readable(problem.path, roots) if problem.line else None
        if file is not None:
            parts.append(_source_excerpt(file, problem.line, problem.column))
        parts.append("</section>")
    if len(errors) > SHOWN_ERRORS:
        parts.append(f"<p>… and {len(errors) - SHOWN_ERRORS} more in the terminal.</p>")
    parts.append("</div>")
    return "".join(parts)
