"""HTML fragment exporter: the declaration body only, to embed in any CMS page.

Writes `<document>.fragment.html` and, beside it, the optional stylesheet
`<document>.fragment.css`. The fragment has no style attributes, no scripts and no event
handlers, and loads nothing, so it works under a strict Content-Security-Policy
(`default-src 'none'; style-src 'self'`). Ids and classes start with `privgen-`.
"""

from __future__ import annotations

from ..document import RenderedDocument
from ..errors import ExportError
from .html import page_environment, stylesheet

STYLESHEET = "fragment.css"


def render_fragment(document: RenderedDocument, version: str) -> str:
    template = page_environment().get_template("fragment.html.j2")
    return template.render(doc=document, version=version)


class FragmentExporter:
    name = "html-fragment"
    suffix = "fragment.html"
    media_type = "text/html; charset=utf-8"
    api_version = 1
    attachments = ("fragment.css",)

    def export(self, document: RenderedDocument, context) -> bytes:
        return render_fragment(document, context.generator_version).encode("utf-8")

    def export_attachment(self, suffix: str, document: RenderedDocument, context) -> bytes:
        if suffix != "fragment.css":
            raise ExportError(f"html-fragment has no attachment {suffix!r}")
        return stylesheet(STYLESHEET).encode("utf-8")
