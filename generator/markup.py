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


OPEN, CLOSE = "\ue000", "\ue001"  # private-use marks around inserted values during rendering
_MARKED = re.compile(f"{OPEN}(.*?){CLOSE}", re.DOTALL)
# what may stand before a value on its line for the value to start a block: nothing but
# indentation, list markers and quote markers
_BLOCK_PREFIX = re.compile(r"(?:[ \t]*(?:[-*+>]|\d{1,9}[.)])[ \t]+)*[ \t]*\Z")


def escape_inline(value: object) -> str:
    """Escape a value for Markdown where it does not start a line.

    Line breaks become spaces and outer whitespace is dropped (Markdown would drop or
    misread it at a line start); everything else renders exactly as given.
    """
    text = "".join(" " if unicodedata.category(c) in ("Zl", "Zp", "Cc") else c for c in str(value))
    text = text.replace(OPEN, "\ufffd").replace(CLOSE, "\ufffd").strip()
    return _INLINE.sub(r"\\\1", text)


def escape_line_start(text: str) -> str:
    """Escape what an already inline-escaped value would mean at the start of a line."""
    text = _LINE_START.sub(r"\\\1", text)
    return _ORDERED.sub(r"\1\\\2", text)


def escape(value: object) -> str:
    """Escape a value so that Markdown shows it literally wherever it stands."""
    return escape_line_start(escape_inline(value))


def mark(value: object) -> str:
    """Inline-escape a value and mark it, so resolve_marks can see where it landed."""
    return f"{OPEN}{escape_inline(value)}{CLOSE}"


def resolve_marks(markdown: str) -> str:
    """Remove the marks, escaping line-start markers only where a value starts a block."""

    def fix(match: re.Match) -> str:
        line_start = markdown.rfind("\n", 0, match.start()) + 1
        before = _MARKED.sub("x", markdown[line_start : match.start()])
        return escape_line_start(match.group(1)) if _BLOCK_PREFIX.match(before) else match.group(1)

    return _MARKED.sub(fix, markdown)


def link(url: str, text: str | None = None) -> MarkdownSafe:
    """A Markdown link whose text and destination are escaped; only http(s) and mailto."""
    url = str(url)
    label = escape_inline(text if text is not None else url.removeprefix("mailto:"))
    if not re.match(r"(?i)(https?://|mailto:)", url):
        return MarkdownSafe(label)
    # ' is encoded too: the destination stays safe in an attribute quoted either way
    dest = quote(url, safe="/:?#[]@!$&*+,;=~%-._")
    dest = dest.replace("(", "%28").replace(")", "%29")
    return MarkdownSafe(f"[{label}](<{dest}>)")


def mail(address: str) -> MarkdownSafe:
    """A mailto link. Characters with meaning in a mailto URI (?, #, %, &) are encoded, so
    an address like a?cc=x@y.de cannot add recipients or a prefilled body."""
    return link("mailto:" + quote(str(address), safe="@!$*+,;=-._~"), address)


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
