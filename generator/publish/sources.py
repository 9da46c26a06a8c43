"""What a publisher publishes: the documents of a built output folder, checked against its manifest.

The body is the `html-fragment` export (`<lang>/<document>.fragment.html`) when the build made
one, else it is assembled from the JSON export's sections. Either way the file must be listed
in `manifest.json` with the hash it has now: a stale or hand-edited file is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .. import i18n
from ..errors import InputError
from ..outputs import safe_target

MANIFEST = "manifest.json"
JSON_FORMAT = ("privgen-document", 1)
MANIFEST_FORMAT = ("privgen-manifest", 1)
MAX_FILE = 16 * 1024 * 1024
LANG = re.compile(r"^[a-z]{2}$")
DOCUMENT = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class Source:
    """One document in one language, ready to publish."""

    document: str
    lang: str
    title: str
    body_html: str  # the declaration's body: no <html>, no page title
    origin: Path  # the file the body came from
    profile_id: str
    effective_date: str


def slugify(text: str) -> str:
    """An ASCII slug as WordPress would accept it: 'Datenschutzerklärung' -> 'datenschutzerklaerung'."""
    text = text.lower()
    for umlaut, ascii_ in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, ascii_)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _read_checked(folder: Path, name: str, digest: str | None) -> bytes:
    lang, _, filename = name.partition("/")
    path = safe_target(folder, lang, filename) if filename else safe_target(folder, name)
    try:
        if path.stat().st_size > MAX_FILE:
            raise InputError(f"{path}: larger than {MAX_FILE // (1024 * 1024)} MiB; refusing to publish it")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: listed in {MANIFEST} but missing; rebuild with privgen build") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if digest is not None and hashlib.sha256(data).hexdigest() != digest:
        raise InputError(
            f"{path}: changed since it was built (its SHA-256 differs from {MANIFEST}); "
            "rebuild with privgen build instead of editing built files"
        )
    return data


def read_manifest(folder: Path) -> dict:
    """The output folder's manifest; InputError when the folder is not a privgen build."""
    path = folder / MANIFEST
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder; expected a built output folder such as output/<id>/")
    if not path.is_file():
        raise InputError(
            f"{folder}: no {MANIFEST}; expected a folder written by privgen build, such as output/<id>/"
        )
    try:
        manifest = json.loads(_read_checked(folder, MANIFEST, None))
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON ({exc}); rebuild with privgen build") from None
    if not isinstance(manifest, dict) or (manifest.get("format"), manifest.get("format_version")) != (
        MANIFEST_FORMAT
    ):
        raise InputError(
            f"{path}: format: expected {MANIFEST_FORMAT[0]!r} version {MANIFEST_FORMAT[1]}; "
            "rebuild with this privgen"
        )
    return manifest


def load_sources(folder: Path, document: str, langs: tuple[str, ...] | None) -> list[Source]:
    """Every built language of `document` in `folder` (or the ones in `langs`), in build order."""
    manifest = read_manifest(folder)
    # Entries marked "outdated" list older files of formats this build did not renew.
    entries = [d for d in manifest.get("documents") or [] if isinstance(d, dict) and not d.get("outdated")]
    built = {d.get("lang"): d for d in entries if d.get("document") == document}
    manifest_path = folder / MANIFEST
    if not built:
        documents = sorted({str(d.get("document")) for d in entries})
        raise InputError(
            f"{manifest_path}: documents: no {document!r} was built "
            f"(built: {', '.join(documents) or 'nothing'})"
        )
    wanted = list(built) if langs is None else list(langs)
    missing = [lang for lang in wanted if lang not in built]
    if missing:
        raise InputError(
            f"{manifest_path}: {document} was not built in {', '.join(missing)} "
            f"(built: {', '.join(str(x) for x in built)}); rebuild with --lang or leave out --lang"
        )
    return [_source(folder, document, lang, built[lang]) for lang in wanted]


def _source(folder: Path, document: str, lang: str, entry: dict) -> Source:
    if not isinstance(lang, str) or not LANG.match(lang) or not DOCUMENT.match(document):
        raise InputError(f"{folder / MANIFEST}: documents: unexpected language {lang!r}")
    files = entry.get("files") or {}
    json_name = f"{lang}/{document}.json"
    if json_name not in files:
        raise InputError(
            f"{folder}: {json_name} was not built; the publisher reads it for the title and "
            "the sections: build with the json format (privgen build --format ...,json)"
        )
    json_path = folder / json_name
    try:
        data = json.loads(_read_checked(folder, json_name, files[json_name]))
    except ValueError as exc:
        raise InputError(f"{json_path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or (data.get("format"), data.get("format_version")) != JSON_FORMAT:
        raise InputError(
            f"{json_path}: format: expected {JSON_FORMAT[0]!r} version {JSON_FORMAT[1]}; "
            "rebuild with this privgen"
        )
    fragment_name = f"{lang}/{document}.fragment.html"
    try:
        if fragment_name in files:
            body = _read_checked(folder, fragment_name, files[fragment_name]).decode("utf-8").strip()
            origin = folder / fragment_name
        else:
            body = body_from_json(data)
            origin = json_path
        return Source(
            document=document,
            lang=lang,
            title=str(data["title"]),
            body_html=body,
            origin=origin,
            profile_id=str(data["profile"]["id"]),
            effective_date=str(data["effective_date"]),
        )
    except UnicodeDecodeError:
        raise InputError(f"{folder / fragment_name}: not UTF-8") from None
    except (KeyError, TypeError) as exc:
        raise InputError(
            f"{json_path}: missing or malformed field {exc}; rebuild with this privgen"
        ) from None


def body_from_json(data: dict) -> str:
    """The declaration body for embedding in a CMS page, from the JSON export.

    The same markup as the `html-fragment` export (docs/exporters.md): ids and classes start
    with `privgen-`, headings start at h2 (the CMS page has the h1), no styles, no scripts;
    so its stylesheet fits both. Every value is escaped except the clause HTML, which is
    privgen's own rendering (Markdown without raw HTML).
    """
    e = lambda value: escape(str(value))  # noqa: E731
    lang = str(data["lang"])
    labels = i18n.UI.get(lang, i18n.UI["en"])
    version = (data.get("generator") or {}).get("version", "")
    out = [
        f'<div class="privgen-document" lang="{e(lang)}" data-privgen-document="{e(data["document"])}" '
        f'data-privgen-generator="privgen {e(version)}">',
        '<header class="privgen-header">',
        f'<h2 class="privgen-title" id="privgen-title">{e(data["title"])}</h2>',
        f'<p class="privgen-controller">{e(data["controller"])}</p>',
        f'<p class="privgen-date">{e(data["date_line"])}</p>',
        "</header>",
        '<nav class="privgen-toc" aria-labelledby="privgen-toc-heading">',
        f'<h3 class="privgen-toc-heading" id="privgen-toc-heading">{e(labels["contents"])}</h3>',
        '<ol class="privgen-toc-list">',
    ]
    sections = data["sections"]
    out += [f'<li><a href="#privgen-{e(s["anchor"])}">{e(s["title"])}</a></li>' for s in sections]
    out += ["</ol>", "</nav>"]
    for s in sections:
        anchor = f"privgen-{e(s['anchor'])}"
        out.append(
            f'<section class="privgen-section" id="{anchor}" aria-labelledby="{anchor}-h" '
            f'data-privgen-section="{e(s["id"])}">'
        )
        out.append(
            f'<h3 class="privgen-section-heading" id="{anchor}-h"><span class="privgen-number">'
            f"{e(s['number'])}.</span> {e(s['title'])}</h3>"
        )
        for c in s["clauses"]:
            out.append(
                f'<div class="privgen-clause" id="privgen-{e(c["anchor"])}" '
                f'data-privgen-clause="{e(c["id"])}" data-privgen-clause-version="{e(c["version"])}">'
            )
            if c.get("show_heading"):
                out.append(
                    f'<h4 class="privgen-clause-heading">'
                    f'<span class="privgen-number">{e(c["number"])}</span> {e(c["title"])}</h4>'
                )
            out.append(str(c["html"]))  # as the fragment template: its own trailing newline kept
            out.append("</div>")
        out.append("</section>")
    out.append(
        f'<p class="privgen-footer">{e(data["date_line"])} · {e(labels["generated"])} {e(version)}</p>'
    )
    out.append("</div>")
    return "\n".join(out)
