"""DIR/<id>/manifest.json: what every file was built from (hashes, versions, dates).

One entry per document and language, with the clauses (id, version, sha256, review date and
text hash) and catalog entries (id, sha256) it used, the transfer bases it states, the
profile's sha256, the generator version, the inputs key
(see fingerprint.py), per format its key and file names, and every file's sha256.
Files left from an older build of the same document whose format was not rebuilt stay
listed in an entry marked `"outdated": true`. Documents that do not apply to the profile
are listed under `not_applicable`, so a rerun need not load the profile to know it.
`catalog_versions` holds, once per catalog entry and sha256 that documents name, the entry's
version and the parts they depend on, with check dates (versions.py), for `privgen audit`.
The manifest is written last: after an interruption it still describes the old files,
and the next run rebuilds whatever does not match.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, versions
from .fingerprint import code_sha256
from .outputs import read_regular

NAME = "manifest.json"
MAX_BYTES = 64 * 1024 * 1024  # far beyond any real manifest
FORMAT = "privgen-manifest"
FORMAT_VERSION = 1


def read(root: Path) -> dict | None:
    """The manifest in an output folder, or None when there is none or it is unusable."""
    raw = read_regular(root / NAME, MAX_BYTES)  # not through a link, not from /dev/zero or a FIFO
    try:
        data = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    if not isinstance(data.get("documents"), list) or not isinstance(data.get("profile"), dict):
        return None
    return data


def entries(manifest: dict | None, document: str, lang: str) -> list[dict]:
    if not manifest:
        return []
    return [
        e
        for e in manifest.get("documents", [])
        if isinstance(e, dict) and e.get("document") == document and e.get("lang") == lang
    ]


def current(manifest: dict | None, document: str, lang: str) -> dict | None:
    """The entry that describes the newest build of a document, if any."""
    for e in entries(manifest, document, lang):
        if not e.get("outdated"):
            return e
    return None


def not_applicable(manifest: dict | None, document: str, lang: str) -> dict | None:
    if not manifest:
        return None
    for e in manifest.get("not_applicable", []):
        if isinstance(e, dict) and e.get("document") == document and e.get("lang") == lang:
            return e
    return None


@dataclass
class DocumentRecord:
    """One document in one language as this build left it."""

    document: str
    lang: str
    applicable: bool
    inputs: str
    selection: str
    catalog: list[tuple[str, str]]
    clauses: list[tuple[str, int, str]] = field(default_factory=list)
    effective_date: str | None = None
    date_source: str | None = None
    formats: dict[str, dict] = field(default_factory=dict)  # format -> {"key": .., "files": [..]}
    files: dict[str, str] = field(default_factory=dict)  # "<lang>/<document>.<suffix>" -> sha256
    facts: dict = field(default_factory=dict)  # versions.document_facts: transfer bases, authority


def _entry(r: DocumentRecord, profile_sha256: str) -> dict:
    return {
        "document": r.document,
        "lang": r.lang,
        "effective_date": r.effective_date,
        "date_source": r.date_source,
        "generator_version": __version__,
        "profile_sha256": profile_sha256,
        "clauses": [
            {"id": i, "version": v, "sha256": h, **versions.clause_details(r.lang, i)}
            for i, v, h in r.clauses
        ],
        "catalog": [{"id": i, "sha256": h} for i, h in r.catalog],
        "transfer_bases": list(r.facts.get("transfer_bases") or []),
        "inputs_sha256": r.inputs,
        "selection_sha256": r.selection,
        "formats": dict(sorted(r.formats.items())),
        "files": dict(sorted(r.files.items())),
        "outdated": False,
    }


def _catalog_versions(old: dict | None, records: list[DocumentRecord], documents: list[dict]) -> dict:
    """For `privgen audit`: per catalog entry and sha256 the documents name, the entry's version and
    the parts they depend on (versions.catalog_details), once per manifest."""
    known = (old or {}).get("catalog_versions")
    known = known if isinstance(known, dict) else {}
    new = {
        (i, h): versions.catalog_details(i, r.facts.get("authority"))
        for r in records
        if r.applicable
        for i, h in r.catalog
    }
    result: dict[str, dict[str, dict]] = {}
    for e in documents:
        for c in e.get("catalog") or []:
            entry, digest = (c.get("id"), c.get("sha256")) if isinstance(c, dict) else (None, None)
            if not isinstance(entry, str) or not isinstance(digest, str):
                continue
            found = new.get((entry, digest)) or (known.get(entry) or {}).get(digest)
            if isinstance(found, dict):
                result.setdefault(entry, {})[digest] = found
    return {k: dict(sorted(v.items())) for k, v in sorted(result.items())}


def _not_applicable(r: DocumentRecord) -> dict:
    return {
        "document": r.document,
        "lang": r.lang,
        "catalog": [{"id": i, "sha256": h} for i, h in r.catalog],
        "date_source": r.date_source,
        "inputs_sha256": r.inputs,
        "selection_sha256": r.selection,
    }


def updated(
    old: dict | None,
    profile: dict,
    records: list[DocumentRecord],
) -> tuple[dict, list[str]]:
    """The new manifest from the old one and this build's records; and the files to remove.

    `profile` is the manifest's profile block (id, file, sha256, languages, extends).
    Documents this build did not look at keep their old entries.
    """
    old_docs = [e for e in (old or {}).get("documents", []) if isinstance(e, dict)]
    old_na = [e for e in (old or {}).get("not_applicable", []) if isinstance(e, dict)]
    done = {(r.document, r.lang) for r in records}
    documents = [e for e in old_docs if (e.get("document"), e.get("lang")) not in done]
    skipped = [e for e in old_na if (e.get("document"), e.get("lang")) not in done]
    remove: list[str] = []
    for r in records:
        previous = entries(old, r.document, r.lang)
        if not r.applicable:
            remove += [name for e in previous for name in e.get("files", {})]
            skipped.append(_not_applicable(r))
            continue
        documents.append(_entry(r, profile["sha256"]))
        for e in previous:
            left = {n: h for n, h in (e.get("files") or {}).items() if n not in r.files}
            if left:
                stale = dict(e)
                stale["files"] = left
                stale["formats"] = {
                    f: spec
                    for f, spec in (e.get("formats") or {}).items()
                    if isinstance(spec, dict) and set(spec.get("files") or ()) <= set(left)
                }
                stale["outdated"] = True
                documents.append(stale)
    documents.sort(key=lambda e: (str(e.get("document")), str(e.get("lang")), bool(e.get("outdated"))))
    skipped.sort(key=lambda e: (str(e.get("document")), str(e.get("lang"))))
    current_dates = [
        e["effective_date"] for e in documents if not e.get("outdated") and e.get("effective_date")
    ]
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generator": {"name": "privgen", "version": __version__, "code_sha256": code_sha256()},
        "profile": profile,
        "effective_date": max(current_dates) if current_dates else None,
        "documents": documents,
        "not_applicable": skipped,
        "catalog_versions": _catalog_versions(old, records, documents),
    }
    return data, sorted(set(remove))


def serialise(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
