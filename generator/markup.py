"""Markdown: escaping inserted values, and rendering to HTML without raw HTML."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from urllib.parse import quote

from markdown_it import MarkdownIt


class MarkdownSafe(str):
    """Markdown produced by privgen's own helpers: inserted without escaping."""

    __slots__ = ()


# CommonMark lets a backslash escape any ASCII punctuation. These are the characters with
# meaning inline (emphasis, code, links and images via brackets, autolinks and raw HTML,
# entities, table cells, strikethrough in GFM renderers, hard breaks, attribute braces).
# Parentheses and "!" mean nothing without an unescaped "[" or "]" before them.
_INLINE = re.compile(r"([\\`*_{}\[\]<>|~&])")
# Markers that only mean something at the start of a line (lists, headings, quotes,
# thematic breaks, setext underlines, ordered lists).
_LINE_START = re.compile(r"^([-+=>#])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")


def escape(value: object) -> str:
    """Escape a plain value so that Markdown shows it literally, as inline text.

    Line breaks become spaces and outer whitespace is dropped (Markdown would drop or
    misread it at a line start); everything else renders exactly as given.
    """
    text = "".join(" " if unicodedata.category(c) in ("Zl", "Zp", "Cc") else c for c in str(value))
    text = text.strip()
    text = _INLINE.sub(r"\\\1", text)
    text = _LINE_START.sub(r"\\\1", text)
    return _ORDERED.sub(r"\1\\\2", text)


def link(url: str, text: str | None = None) -> MarkdownSafe:
    """A Markdown link whose text and destination are escaped; only http(s) and mailto."""
    url = str(url)
    label = escape(text if text is not None else url.removeprefix("mailto:"))
    if not re.match(r"(?i)(https?://|mailto:)", url):
        return MarkdownSafe(label)
    dest = quote(url, safe="/:?#[]@!$&'*+,;=~%-._")
    dest = dest.replace("(", "%28").replace(")", "%29")
    return MarkdownSafe(f"[{label}](<{dest}>)")


def mail(address: str) -> MarkdownSafe:
    return link(f"mailto:{address}", address)


@cache
def _md() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def to_html(markdown: str) -> str:
    """Render Markdown to HTML; raw HTML in the source is shown as text."""
    return _md().render(markdown)


def to_text(markdown: str) -> str:
    """Plain text of a Markdown fragment (for JSON and search), one paragraph per line."""
    tokens = _md().parse(markdown)
    out: list[str] = []
    for tok in tokens:
        if tok.type == "inline":
            parts = []
            for child in tok.children or []:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            out.append("".join(parts))
    return "\n".join(out)
