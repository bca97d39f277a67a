"""markdown-it plugin: unique heading ids in linear time, ahead of mdit's anchors plugin.

The anchors plugin makes an id unique by trying `slug`, `slug-1`, `slug-2`… from 1 for
every heading, which is quadratic in the number of headings sharing a title (10,000
"## Notes" take seconds, a 4 MiB file hours). This rule gives each heading the id the
plugin would give it, remembering where each slug's numbering stopped; the plugin keeps
ids already set and only adds its permalink.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.anchors.index import slugify


def heading_ids_plugin(md: MarkdownIt, min_level: int, max_level: int) -> None:
    def rule(state: StateCore) -> None:
        _assign_ids(state, range(min_level, max_level + 1))
    md.core.ruler.before("anchor", "heading_ids", rule)


def _assign_ids(state: StateCore, levels: range) -> None:
    taken = {str(t.attrGet("id")) for t in state.tokens if t.type == "heading_open" and t.attrGet("id")}
    next_number: dict[str, int] = {}
    for index, token in enumerate(state.tokens):
        if token.type != "heading_open" or int(token.tag[1]) not in levels or token.attrGet("id"):
            continue
        children = state.tokens[index + 1].children or []
        slug = slugify("".join(c.content for c in children if c.type in ("text", "code_inline", "mention")))
        unique, number = slug, next_number.get(slug, 1)
        while unique in taken:
            unique, number = f"{slug}-{number}", number + 1
        next_number[slug] = number
        taken.add(unique)
        token.attrSet("id", unique)
