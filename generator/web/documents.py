"""From the answers of a web session to a profile and documents, in memory only.

The same pipeline as `privgen build` (validate.py, build.render_document, the exporters),
without the output folder: nothing is written to disk. Rendered files are kept in the
session (store.WebSession.cached), keyed by the profile's sha256, so each is made once.
"""

from __future__ import annotations

import hashlib
import io
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .. import __version__, clauses
from ..build import FORMATS, LoadedProfile, effective_date, render_document
from ..context import build_context
from ..document import RenderedDocument
from ..errors import Issue
from ..exporters import ExportContext, get
from ..profile import dump
from ..questionnaire import answers_to_profile, slug
from ..validate import ID_RE, validate
from .store import WebSession

DOWNLOAD_FORMATS = ("pdf", "html", "md")  # one document at a time; the ZIP has FORMATS
HEADER = (
    "# privgen profile, written by `privgen serve` (see the README, 'Profile format').\n"
    "# Load it again in privgen serve, or build the documents: privgen build <this file>\n"
)
_PDF_LOCK = threading.Lock()  # one PDF at a time: WeasyPrint needs ~90 MB for a long document


@dataclass(frozen=True)
class Built:
    """A valid profile made from the answers."""

    raw: dict  # the profile as written to YAML (only what was answered, plus the id)
    data: dict  # validated, defaults filled in
    yaml: str
    sha256: str

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def languages(self) -> list[str]:
        return list(self.data["languages"])

    def loaded(self) -> LoadedProfile:
        return LoadedProfile(path=Path(f"{self.id}.yaml"), data=self.data, sha256=self.sha256)


def with_id(answers: dict) -> dict:
    """The answers with an id: the one given, else one made from the controller's name."""
    out = dict(answers)
    if not out.get("id"):
        made = slug(out.get("controller.name"))
        out["id"] = made if made and ID_RE.fullmatch(made) else "privacy-policy"
    return out


def profile_of(answers: dict, file: str = "profile") -> tuple[Built | None, list[Issue]]:
    """The profile the answers make, validated with validate.py; or None and every issue."""
    raw = answers_to_profile(with_id(answers))
    data, issues = validate(raw, file, str(raw.get("id") or "profile"))
    if data is None:
        return None, issues
    text = HEADER + dump(raw)
    return Built(raw, data, text, hashlib.sha256(text.encode("utf-8")).hexdigest()), []


def title(document: str, lang: str) -> str:
    return str(clauses.sections(lang)[document]["title"])


def available(session: WebSession, built: Built) -> list[tuple[str, list[str]]]:
    """The documents that apply to the profile: (document, the languages it is made in)."""

    def make() -> list[tuple[str, list[str]]]:
        date = effective_date(built.data)
        out: dict[str, list[str]] = {}
        for lang in built.languages:
            for document in clauses.documents(lang):
                context = build_context(built.data, lang, date, document)
                if clauses.select(document, lang, context):
                    out.setdefault(document, []).append(lang)
        return list(out.items())

    return session.cached((built.sha256, "available"), make)


def rendered(session: WebSession, built: Built, document: str, lang: str) -> RenderedDocument:
    return session.cached(
        (built.sha256, "doc", document, lang), lambda: render_document(built.loaded(), document, lang)
    )


def context() -> ExportContext:
    return ExportContext(generator_version=__version__)


def export(session: WebSession, built: Built, document: str, lang: str, fmt: str) -> dict[str, bytes]:
    """suffix -> bytes: one document in one format (with its attachments), made once."""

    def make() -> dict[str, bytes]:
        exporter = get(fmt)
        doc = rendered(session, built, document, lang)
        if not exporter.applies(doc):
            return {}
        if fmt == "pdf":
            with _PDF_LOCK:
                return exporter.files(doc, context())
        return exporter.files(doc, context())

    return session.cached((built.sha256, "file", document, lang, fmt), make)


def file_name(built: Built, document: str, lang: str, suffix: str) -> str:
    """privacy-policy in German for id beispiel-shop: beispiel-shop-privacy-policy-de.pdf."""
    return f"{built.id}-{document}-{lang}.{suffix}"


def zip_all(session: WebSession, built: Built) -> bytes:
    """Every document in every language and format of `privgen build`, with the profile,
    laid out as `privgen build` writes them: <id>/<lang>/<document>.<suffix>."""
    return session.cached((built.sha256, "zip"), lambda: _zip(session, built))


def _zip(session: WebSession, built: Built) -> bytes:
    date = effective_date(built.data)
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)

        add(f"{built.id}/{built.id}.yaml", built.yaml.encode("utf-8"))
        for document, langs in available(session, built):
            for lang in langs:
                for fmt in FORMATS:
                    for suffix, data in export(session, built, document, lang, fmt).items():
                        add(f"{built.id}/{lang}/{document}.{suffix}", data)
    return buffer.getvalue()
