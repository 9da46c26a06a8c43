"""Markdown exporter: the document as CommonMark, every value escaped."""

from __future__ import annotations

from ..document import RenderedDocument


class MarkdownExporter:
    name = "md"
    suffix = "md"
    media_type = "text/markdown; charset=utf-8"
    api_version = 1

    def export(self, document: RenderedDocument, context) -> bytes:
        return document.markdown.encode("utf-8")
