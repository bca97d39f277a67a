"""Property: import never drops or duplicates a captured line, whatever the capture holds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import model as m
from sitegen.authoring.bodytext import visible_blocks, visible_form
from sitegen.authoring.capture import capture_lines
from sitegen.authoring.entities import known_entities
from sitegen.authoring.importer import build_import
from sitegen.load import parse_document

KNOWN = known_entities([m.Person(collection="people", slug="jane-doe", path="", name="Jane Doe",
                                 aliases=("Doe",))])
LIKELY_LINES = st.sampled_from([
    "", " ", "clear", "Comments: 0", "Write a comment", "By Jane Doe", "Jane Doe", "Opinion: A view",
    "Creating new perspectives since 2009", "February 27, 2022 at 12:24 pm", "Headline without stop",
    "A sentence that ends.", "“Quoted,” Doe said.", "# not a heading", "1. not a list", "- not an item",
    "[x]: http://not.a.definition", "*not emphasis*", "a & b &amp; c", "Caption [Ann / Agency]", "---",
    "    indented", "Tab\there", "back\\slash\\", "<b>not html</b>", "```", "| a | b |", "> not a quote",
])
ANY_LINE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=60)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(LIKELY_LINES, ANY_LINE), max_size=25))
def test_every_line_is_in_the_body_or_removed_exactly_once(lines):
    capture = "\n".join(lines) + "\n"
    imported = build_import(capture, "capture.txt", KNOWN, ())
    numbered = capture_lines(imported.capture_text)
    nonblank = {n for n, line in enumerate(numbered, 1) if line.strip()}
    in_body = [n for n, _ in imported.parts.body]
    removed = [r.line for r in imported.parts.removed]
    assert sorted(in_body + removed) == sorted(nonblank), "every non-blank line, once"
    assert all(numbered[r.line - 1] == r.text for r in imported.parts.removed)

    document, problems = parse_document("articles", "content/articles/x.md", imported.text.encode("utf-8"))
    assert document is not None, [p.format() for p in problems]
    assert not [p for p in problems if p.level.value == "error"], [p.format() for p in problems]
    assert isinstance(document, m.Article) and document.capture is not None
    assert [(r.line, r.text, r.kind) for r in document.capture.removed] == [
        (r.line, r.text, r.kind) for r in imported.parts.removed], "removed lines read back exactly"
    # What a reader sees is the captured words, one paragraph per line, in order.
    assert visible_blocks(document.body) == [("paragraph_open", visible_form(numbered[n - 1])) for n in in_body]
