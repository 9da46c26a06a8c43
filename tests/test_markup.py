"""The Markdown escaper: whatever a value holds, Markdown shows exactly that text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from generator.markup import link, mark, resolve_marks, to_html, to_text

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Co")), min_size=1, max_size=60
).filter(lambda s: s.strip())
PREFIXES = ["", "Text: ", "- ", "1. ", "> ", "**Name:** ", "  "]


def expected(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip())


def visible(markdown: str) -> str:
    return re.sub(r"\s+", " ", to_text(markdown).strip())


@settings(max_examples=400, deadline=None)
@given(value=TEXT, prefix=st.sampled_from(PREFIXES))
def test_value_renders_as_itself_wherever_it_stands(value: str, prefix: str):
    md = resolve_marks(prefix + mark(value))
    want = expected(value)
    got = visible(md)
    label = prefix.strip().rstrip(".-> ").strip()
    if prefix.startswith("**"):
        assert got == "Name: " + want
    elif prefix.strip() in ("-", "1.", ">"):
        assert got == want  # the marker is the block's own, the value stays its content
    else:
        assert got == (label + " " + want if label else want)


@settings(max_examples=300, deadline=None)
@given(value=TEXT)
def test_value_never_becomes_markup_even_with_html_allowed(value: str):
    md = resolve_marks("Name: " + mark(value))
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(md)
    assert "<a " not in html and "<img" not in html and "<script" not in html
    assert "<em>" not in html and "<strong>" not in html and "<code>" not in html


def test_link_refuses_dangerous_schemes_and_escapes_text():
    assert link("javascript:alert(1)", "x") == "x"
    assert "<a" not in to_html(link("file:///etc/passwd"))
    html = to_html(link("https://example.com/a b)", "*t*"))
    assert 'href="https://example.com/a%20b%29"' in html and "*t*" in html
