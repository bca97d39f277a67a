"""Mentions, explicit entity links and anchored quotes/notes in article bodies."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.markdown import render_markdown
from sitegen.markdown.annotate import Anchor, MentionMatcher, sentence_around
from tests.conftest import run_cli

FORMS = {"Netanyahu": ("people", "bn"), "Prime Minister Benjamin Netanyahu": ("people", "bn"),
         "Israel": ("places", "israel"), "Israel Defense Forces": ("organisations", "idf"),
         "Putin": ("people", "vp")}


def render(text: str, forms: dict[str, tuple[str, str]] = FORMS, rule: str = "every",
           anchors: list[Anchor] | None = None) -> tuple[str, dict]:  # type: ignore[type-arg]
    env = {"entity_url": lambda c, s: f"/{c}/{s}/", "matcher": MentionMatcher(forms),
           "mention_rule": rule, "anchors": anchors or [], "speaker_names": {("people", "bn"): "B. N."},
           "note_html": {}}
    return render_markdown(text, env), env


def visible(html_text: str) -> str:
    """What a reader sees, minus the annotation chrome sitegen adds (speaker chips, note markers)."""
    html_text = re.sub(r'<a class="quote-by".*?</a>', "", html_text)
    html_text = re.sub(r'<sup class="note-ref">.*?</sup><span class="margin-note.*?</span></span>', "", html_text)
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def test_longest_form_wins() -> None:
    out, env = render("Prime Minister Benjamin Netanyahu spoke.")
    assert out.count("<a ") == 1 and ">Prime Minister Benjamin Netanyahu</a>" in out
    out, _ = render("The Israel Defense Forces said.")
    assert 'href="/organisations/idf/"' in out and 'href="/places/israel/"' not in out


def test_word_boundaries_and_possessives() -> None:
    out, _ = render("Israeli jets; Israel’s view; Israel's plan; NetanyahuX.")
    assert out.count('href="/places/israel/"') == 2, out
    assert "NetanyahuX" in visible(out) and 'href="/people/bn/"' not in out


def test_never_inside_code_or_existing_links() -> None:
    out, env = render("`Netanyahu` and [Netanyahu](https://example.org) and Netanyahu.")
    assert out.count('href="/people/bn/"') == 1
    assert "<code>Netanyahu</code>" in out


def test_first_in_paragraph_rule_links_once_per_paragraph_but_records_all() -> None:
    out, env = render("Putin met Putin.\n\nPutin again.", rule="first-in-paragraph")
    assert out.count('href="/people/vp/"') == 2
    assert len([m for m in env["mentions"] if m.slug == "vp"]) == 3
    assert out.count('class="mention-ref"') == 1
    out, _ = render("Putin met Putin.\n\nPutin again.", rule="first-in-article")
    assert out.count('href="/people/vp/"') == 1
    out, _ = render("Putin met Putin.", rule="none")
    assert 'href="/people/vp/"' not in out


def test_explicit_link_syntax_keeps_the_words_and_links_the_entity() -> None:
    out, env = render("The prime minister said [the Kremlin strongman](@people/vp) agreed.")
    assert '<a href="/people/vp/" class="mention mention-people" id="m-1">the Kremlin strongman</a>' in out
    assert env["mentions"][0].explicit and env["mentions"][0].slug == "vp"


def test_explicit_link_to_unknown_entity_is_reported_and_not_linked(make_site) -> None:
    root = make_site({"content/articles/a.md": "---\ntitle: A\nlanguage: en\n---\nSee [him](@people/nobody).\n"})
    result = run_cli("build", "--root", str(root))
    assert "content/articles/a.md:5:11: warning: link target '@people/nobody'" in result.err
    page = (root / "public/articles/a/index.html").read_text()
    assert "@people" not in page


def test_anchor_matching_exactly_once_is_marked() -> None:
    anchors = [Anchor("quote", "q", "deepen the coordination", speaker=("people", "bn")),
               Anchor("note", "n", "on Monday")]
    text = "“We agreed to deepen the coordination,” Netanyahu said on Monday."
    out, env = render(text, anchors=anchors)
    assert '<span class="quote" id="quote-q">deepen the coordination</span>' in out
    assert '<mark class="note-anchor" id="note-n">on Monday</mark>' in out
    q, n = text.index("deepen"), text.index("on Monday")
    assert env["anchor_hits"] == {"q": [(0, q, q + 23)], "n": [(0, n, n + 9)]}


def test_prefix_and_suffix_disambiguate() -> None:
    text = "He said yes. She said yes."
    _, env = render(text, anchors=[Anchor("note", "n", "said yes")])
    assert len(env["anchor_hits"]["n"]) == 2
    out, env = render(text, anchors=[Anchor("note", "n", "said yes", prefix="She ")])
    assert env["anchor_hits"]["n"] == [(0, 17, 25)]
    assert 'She <mark class="note-anchor" id="note-n">said yes</mark>' in out


def test_anchor_spanning_a_link_encloses_it_and_nests_validly() -> None:
    out, _ = render("I talked with Russian President Putin today.",
                    anchors=[Anchor("quote", "q", "talked with Russian President Putin", speaker=("people", "bn"))])
    assert re.search(r'<span class="quote" id="quote-q">talked with Russian President <a [^>]*>Putin</a></span>', out)


def test_anchor_inside_a_link_is_widened_to_the_whole_link() -> None:
    out, _ = render("Ask [the Kremlin strongman](@people/vp) now.",
                    anchors=[Anchor("note", "n", "Kremlin")])
    assert "<a" not in out.split('<mark class="note-anchor"')[1].split("</mark>")[0].replace(
        'a href="/people/vp/"', "", 0) or '<mark class="note-anchor" id="note-n"><a ' in out


def _article(anchors: str, body: str) -> dict[str, str]:
    return {"content/articles/a.md": f"---\ntitle: A\nlanguage: en\n{anchors}---\n{body}\n"}


def test_build_reports_anchor_with_no_match_and_closest_passage(make_site) -> None:
    root = make_site(_article('notes:\n  - exact: "deepen the cordination"\n    text: "x"\n',
                              "We agreed to deepen the coordination between us."))
    result = run_cli("build", "--root", str(root))
    assert result.code == 1
    assert "content/articles/a.md:5:5: error: note 'deepen-the-cordination': its text matches 0 times" in result.err
    assert "closest passage: “deepen the coordination”" in result.err


def test_build_reports_ambiguous_anchor_with_count(make_site) -> None:
    root = make_site(_article('notes:\n  - exact: "yes"\n    text: "x"\n', "Yes, yes and yes."))
    result = run_cli("build", "--root", str(root))
    assert result.code == 1 and "matches 2 times in the body" in result.err
    assert "add 'prefix' or 'suffix'" in result.err


def test_sentence_context() -> None:
    text = "First one. Then Putin spoke. Last."
    sentence, offset = sentence_around(text, 16, 21)
    assert sentence == "Then Putin spoke." and sentence[offset:offset + 5] == "Putin"


words = st.sampled_from(["Netanyahu", "Israel", "Israel’s", "Putin", "Prime", "Minister", "Benjamin",
                         "the", "said", "`code`", "*em*", "[link](https://x.org)", "Israeli", "&",
                         "<b>", "\\*", "Defense", "Forces", ",", ".", "“", "”", "\n", "\n\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(words, max_size=40), st.sampled_from(["every", "first-in-paragraph", "none"]))
def test_linking_never_changes_the_visible_text(parts: list[str], rule: str) -> None:
    text = " ".join(parts)
    plain_env = {"entity_url": lambda c, s: None}
    plain = render_markdown(text, plain_env)
    linked, env = render(text, rule=rule)
    assert visible(linked) == visible(plain)
    for mention in env["mentions"]:
        block = env["blocks"][mention.block]
        assert block[mention.start:mention.end] in FORMS


def test_sentence_context_ignores_abbreviation_full_stops() -> None:
    text = "Netanyahu and GOC Operations Maj.-Gen. Aharon Haliva discussed it. Next."
    sentence, offset = sentence_around(text, text.index("Aharon"), text.index("Aharon") + 6)
    assert sentence == "Netanyahu and GOC Operations Maj.-Gen. Aharon Haliva discussed it."
