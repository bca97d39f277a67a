"""markdown-it plugin: `[visible words](@collection/slug)` links to an entity page.

Any Markdown viewer shows the visible words unchanged; sitegen resolves the target
through `env["entity_url"](collection, slug)` and records each one in
`env["explicit_links"]` as (collection, slug, (first, last) body lines of its block) so the model can count it as a
mention and report unknown targets.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

PREFIX = "@"
_TARGET = re.compile(r"@(articles|people|organisations|places|events)/([a-z0-9]+(?:-[a-z0-9]+)*)")


def entity_links_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "entity_links", _resolve_entity_links)


def _resolve_entity_links(state: StateCore) -> None:
    resolve = state.env.get("entity_url")
    found = state.env.setdefault("explicit_links", [])
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        lines = (block.map[0] + 1, block.map[1]) if block.map else (0, 0)
        for token in block.children:
            href = token.attrGet("href") if token.type == "link_open" else None
            if not isinstance(href, str) or not href.startswith(PREFIX):
                continue
            match = _TARGET.fullmatch(href)
            url = resolve(match[1], match[2]) if (match and resolve) else None
            found.append((match[1] if match else "", match[2] if match else href, lines, url is not None))
            token.meta["entity"] = (match[1], match[2]) if match else None
            if url is None:
                # An unresolvable target keeps its words but loses the link: a "@…" href
                # would be a broken link on the published page.
                token.attrs.pop("href", None)
                token.meta["unresolved"] = True
            else:
                token.attrSet("href", url)
                token.attrSet("class", f"mention mention-{match[1]}")  # type: ignore[index]
