"""PDF exporter: WeasyPrint with an allow-list URL fetcher, bundled fonts, tagged PDF/UA.

WeasyPrint is imported here only, when a PDF is made: a Markdown-only build never pays for it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..document import RenderedDocument
from ..errors import ExportError
from ..resources import static_dir
from .html import render_page, stylesheet

MEDIA_TYPES = {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff2": "font/woff2"}


def _css_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=True)  # a valid CSS string literal


def pdf_css(document: RenderedDocument) -> str:
    labels = document.labels
    page, of = _css_string(labels["page"] + " "), _css_string(" " + labels["of"] + " ")
    footer = f"@page {{ @bottom-right {{ content: {page} counter(page) {of} counter(pages); }} }}"
    return stylesheet("page.css") + "\n" + stylesheet("pdf.css") + "\n" + footer


@cache
def fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AllowListFetcher(URLFetcher):
        """Serves only files inside the package's static folder; refuses everything else."""

        def __init__(self, root: Path, **kwargs):
            super().__init__(allowed_protocols=("file",), **kwargs)
            self.root = root.resolve()
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
                self.refused.append(url)
                raise ValueError(f"privgen refuses to fetch {url!r}")
            path = Path(unquote(parsed.path)).resolve()
            if not path.is_relative_to(self.root) or not path.is_file():
                self.refused.append(url)
                raise ValueError(f"privgen refuses to read {url!r}")
            media = MEDIA_TYPES.get(path.suffix, "application/octet-stream")
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": media})

    return AllowListFetcher


def make_fetcher():
    return fetcher_class()(static_dir())


def render_pdf(html: str, lang: str, title: str, variant: str = "pdf/ua-1") -> bytes:
    import weasyprint

    fetcher = make_fetcher()
    base = static_dir().resolve().as_uri() + "/"
    try:
        doc = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher).render()
        doc.metadata.title = title
        doc.metadata.lang = lang
        return doc.write_pdf(pdf_variant=variant, uncompressed_pdf=False)
    except Exception as exc:
        raise ExportError(f"PDF rendering failed: {exc}") from exc


class PdfExporter:
    name = "pdf"
    suffix = "pdf"
    media_type = "application/pdf"
    api_version = 1

    def export(self, document: RenderedDocument, context) -> bytes:
        html = render_page(document, context.generator_version, pdf_css(document))
        title = f"{document.title} – {document.controller}"
        return render_pdf(html, document.lang, title, context.pdf_variant)
