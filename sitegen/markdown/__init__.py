"""The Markdown dialect of article and entity bodies: CommonMark plus sitegen's plugins."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from sitegen.markdown.annotate import annotate_plugin
from sitegen.markdown.entity_links import entity_links_plugin
from sitegen.markdown.heading_ids import heading_ids_plugin
from sitegen.markdown.highlight import highlight_code


@lru_cache(maxsize=1)
def make_markdown() -> MarkdownIt:
    """The one parser configuration; raw HTML is off so bodies cannot inject markup."""
    md = MarkdownIt("commonmark", {"html": False, "highlight": highlight_code, "typographer": False})
    md.enable("table")
    md.enable("strikethrough")
    # With "html" off these two rules return False on every call; the block rule runs for each
    # line that could start a block, the inline one wherever the rules before it match nothing.
    md.disable(["html_block", "html_inline"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, permalink=True, permalinkSymbol="#")
    md.use(heading_ids_plugin, min_level=2, max_level=4)  # runs before it: same ids, linear time
    md.use(entity_links_plugin)
    md.use(annotate_plugin)
    return md


def render_markdown(text: str, env: dict) -> str:  # type: ignore[type-arg]
    """Render a body; `env` carries the plugins' inputs and receives their findings."""
    md = make_markdown()
    return md.renderer.render(md.parse(text, env), md.options, env)


def render_inline(text: str, env: dict) -> str:  # type: ignore[type-arg]
    md = make_markdown()
    return md.renderer.render(md.parseInline(text, env), md.options, env)
