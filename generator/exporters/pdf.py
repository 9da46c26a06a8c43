"""PDF exporter: WeasyPrint with an allow-list URL fetcher, bundled fonts, tagged PDF.

Two variants: `pdf/ua-1` (default: tagged, accessible) and `pdf/a-3b` (archival: the same
tagged document as PDF/A-3b, with the profile it was generated from attached as an embedded
file, relationship "Source"). WeasyPrint is imported here only, when a PDF is made: a
Markdown-only build never pays for it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from ..document import RenderedDocument
from ..errors import ExportError
from ..resources import static_dir
from .html import render_page, stylesheet
from .pdftags import tidy, tidy_attachments

MEDIA_TYPES = {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff2": "font/woff2"}
ATTACHMENT_TYPES = {".yaml": "application/yaml", ".yml": "application/yaml"}  # RFC 9512
VARIANTS = ("pdf/ua-1", "pdf/a-3b")
DEFAULT_VARIANT = "pdf/ua-1"

TEXTS = {
    "de": {
        "mail": "E-Mail an {}",
        "attachment": "Profil, aus dem privgen {version} dieses Dokument erzeugt hat",
        "base": "Profil, auf dem {name} aufbaut (extends: {path})",
    },
    "en": {
        "mail": "E-mail to {}",
        "attachment": "Profile from which privgen {version} generated this document",
        "base": "Profile that {name} extends (extends: {path})",
    },
}


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF (PDF/A-3 "associated file")."""

    name: str
    data: bytes
    description: str
    date: dt.datetime
    relationship: str = "Source"


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


def link_describer(document: RenderedDocument) -> Callable[[str, bool], str | None]:
    """What a link annotation says to a screen reader: the heading it goes to, or the address."""
    targets: dict[str, str] = {}
    for s in document.sections:
        heading = f"{s.number}. {s.title}"
        targets[s.anchor] = targets[f"{s.anchor}-h"] = heading
        for c in s.clauses:
            targets[c.anchor] = f"{c.number} {c.title}" if c.show_heading else heading
    texts = TEXTS.get(document.lang, TEXTS["en"])

    def describe(target: str, internal: bool) -> str | None:
        if internal:
            return targets.get(target)
        if target.lower().startswith("mailto:"):
            return texts["mail"].format(unquote(target[len("mailto:") :]))
        return target

    return describe


@cache
def _font_config():
    """One font configuration per process: the bundled fonts are loaded once, not per document."""
    from multiprocessing.util import Finalize

    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    Finalize(None, release, exitpriority=10)  # at exit, also of a batch worker process
    return config


def release() -> None:
    """Drop this process's stylesheets and fonts, and WeasyPrint's temporary font folder."""
    import shutil

    if _font_config.cache_info().currsize:
        folder = getattr(_font_config(), "_folder", None)  # WeasyPrint 70 copies @font-face files there
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
    _stylesheet.cache_clear()
    _font_config.cache_clear()


@cache
def _stylesheet(css: str):
    """A parsed stylesheet (fonts loaded), reused by every document of the process (batch workers)."""
    import weasyprint

    base = static_dir().resolve().as_uri() + "/"
    return weasyprint.CSS(string=css, base_url=base, url_fetcher=make_fetcher(), font_config=_font_config())


def layout(html: str, fetcher=None, css: str | None = None):
    """WeasyPrint's laid-out document (pages and boxes) for `html`; tests inspect it too.

    `css`: a stylesheet kept apart from the page, parsed once per process and reused.
    """
    import weasyprint

    fetcher = fetcher or make_fetcher()
    base = static_dir().resolve().as_uri() + "/"
    try:
        page = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher)
        if css is None:
            return page.render()
        return page.render(stylesheets=[_stylesheet(css)], font_config=_font_config())
    except Exception as exc:
        raise ExportError(f"PDF rendering failed: {exc}") from exc


def render_pdf(
    html: str,
    lang: str,
    title: str,
    variant: str = DEFAULT_VARIANT,
    *,
    attachments: tuple[PdfAttachment, ...] = (),
    describe_link: Callable[[str, bool], str | None] | None = None,
    css: str | None = None,
) -> bytes:
    """Lay out `html` (with `css`, see layout()) and write a tagged PDF of the given variant."""
    if variant not in VARIANTS:
        raise ExportError(f"unknown PDF variant {variant!r}; expected one of {', '.join(VARIANTS)}")
    fetcher = make_fetcher()
    doc = layout(html, fetcher, css)
    return write_pdf(
        doc, lang, title, variant, attachments=attachments, describe_link=describe_link, fetcher=fetcher
    )


def write_pdf(
    doc,
    lang: str,
    title: str,
    variant: str = DEFAULT_VARIANT,
    *,
    attachments: tuple[PdfAttachment, ...] = (),
    describe_link: Callable[[str, bool], str | None] | None = None,
    fetcher=None,
) -> bytes:
    """Write a laid-out WeasyPrint document as a tagged PDF; its tags are tidied on the way."""
    import weasyprint

    if variant not in VARIANTS:
        raise ExportError(f"unknown PDF variant {variant!r}; expected one of {', '.join(VARIANTS)}")
    fetcher = fetcher or make_fetcher()

    def finisher(_document, pdf) -> None:
        tidy(pdf, describe_link or (lambda target, internal: None))
        tidy_attachments(pdf, ATTACHMENT_TYPES)
        if "Outlines" in pdf.catalog:
            pdf.catalog["PageMode"] = "/UseOutlines"  # open with the bookmarks shown

    try:
        doc.metadata.title = title
        doc.metadata.lang = lang
        files = [
            weasyprint.Attachment(
                file_obj=io.BytesIO(a.data),
                url_fetcher=fetcher,
                name=a.name,
                description=a.description,
                created=a.date,
                modified=a.date,
                relationship=a.relationship,
            )
            for a in attachments
        ]
        return doc.write_pdf(
            pdf_variant=variant,
            pdf_tags=True,  # pdf/ua-1 implies it; pdf/a-3b stays tagged too
            uncompressed_pdf=False,
            attachments=files or None,
            finisher=finisher,
        )
    except Exception as exc:
        raise ExportError(f"PDF rendering failed: {exc}") from exc


def _attachment_date(document: RenderedDocument) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the document's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
    d = document.effective_date
    return dt.datetime(d.year, d.month, d.day)


def profile_attachments(document: RenderedDocument, context) -> tuple[PdfAttachment, ...]:
    """The profile (and the profiles it extends) as embedded files, when the build handed them over."""
    data = getattr(context, "profile_bytes", None)
    if data is None:
        return ()
    texts = TEXTS.get(document.lang, TEXTS["en"])
    description = texts["attachment"].format(version=context.generator_version)
    date = _attachment_date(document)
    name = PurePosixPath(getattr(context, "profile_name", None) or "profile.yaml").name
    files = [PdfAttachment(name=name, data=data, description=description, date=date)]
    taken = {name}
    for base_path, base_data in getattr(context, "profile_bases", ()) or ():
        # a plain file name: a viewer or `pdfdetach -saveall` writes it where it is told,
        # never into another folder; where it lies relative to the profile is said in words
        stem, suffix = PurePosixPath(base_path).stem, PurePosixPath(base_path).suffix
        base_name, n = f"{stem}{suffix}", 1
        while base_name in taken:
            n += 1
            base_name = f"{stem}-{n}{suffix}"
        taken.add(base_name)
        files.append(
            PdfAttachment(
                name=base_name,
                data=base_data,
                description=texts["base"].format(name=name, path=base_path),
                date=date,
            )
        )
    return tuple(files)


class PdfExporter:
    name = "pdf"
    suffix = "pdf"
    media_type = "application/pdf"
    api_version = 1

    def html(self, document: RenderedDocument, context) -> str:
        """The page WeasyPrint lays out: the PDF's markup and stylesheets."""
        return render_page(document, context.generator_version, pdf_css(document), pdf=True)

    def laid_out(self, document: RenderedDocument, context):
        """WeasyPrint's pages and boxes of the PDF (tests check page breaks and the contents)."""
        return layout(
            render_page(document, context.generator_version, "", pdf=True),  # = self.html() sans CSS
            css=pdf_css(document),  # parsed once per process (batch workers build many)
        )

    def write(self, laid_out, document: RenderedDocument, context) -> bytes:
        variant = getattr(context, "pdf_variant", DEFAULT_VARIANT) or DEFAULT_VARIANT
        return write_pdf(
            laid_out,
            document.lang,
            f"{document.title} – {document.controller}",
            variant,
            attachments=profile_attachments(document, context) if variant == "pdf/a-3b" else (),
            describe_link=link_describer(document),
        )

    def export(self, document: RenderedDocument, context) -> bytes:
        variant = getattr(context, "pdf_variant", DEFAULT_VARIANT) or DEFAULT_VARIANT
        if variant not in VARIANTS:  # before the layout, which takes the time
            raise ExportError(f"unknown PDF variant {variant!r}; expected one of {', '.join(VARIANTS)}")
        return self.write(self.laid_out(document, context), document, context)
