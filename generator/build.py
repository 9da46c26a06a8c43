"""From a profile file to documents on disk: load, validate, render, export, write."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, catalog, clauses
from .context import build_context
from .document import Provenance, RenderedDocument, assemble
from .errors import InputError, ProfileError
from .exporters import ExportContext, get
from .outputs import safe_target, write_atomic
from .profile import parse_yaml, read_text
from .validate import validate

FORMATS = ("html", "md", "pdf", "json")


@dataclass(frozen=True)
class LoadedProfile:
    path: Path
    data: dict
    sha256: str


@dataclass
class BuildResult:
    profile: Path
    profile_id: str | None = None
    written: list[Path] = field(default_factory=list)
    error: str | None = None
    exit_code: int = 0


def load_profile(path: Path) -> LoadedProfile:
    """Read, parse and validate one profile; raises ProfileError with every issue."""
    text = read_text(path)
    raw = parse_yaml(text, str(path))
    data, issues = validate(raw, str(path), path.name.split(".")[0])
    if issues:
        raise ProfileError(issues)
    return LoadedProfile(path=path, data=data, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def effective_date(profile: dict) -> dt.date:
    """The 'Stand' date: the profile's, else SOURCE_DATE_EPOCH's, else today."""
    if profile.get("effective_date"):
        return profile["effective_date"]
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise InputError(f"SOURCE_DATE_EPOCH: expected seconds since 1970, got {epoch!r}") from None
    return dt.date.today()


def render_document(loaded: LoadedProfile, document: str, lang: str) -> RenderedDocument:
    """Select and render one document in one language."""
    profile = loaded.data
    context = build_context(profile, lang, effective_date(profile), document)
    chosen = clauses.select(document, lang, context)
    providers = catalog.providers()
    used = context["used_providers"]
    provenance = Provenance(
        generator_version=__version__,
        profile_id=profile["id"],
        profile_sha256=loaded.sha256,
        clauses=tuple((c.id, c.version, c.sha256) for c in chosen),
        catalog=tuple((f"providers/{pid}", providers[pid].sha256) for pid in used)
        + (("authorities", catalog.authorities_sha256()),),
    )
    return assemble(document, lang, chosen, context, provenance)


def _manifest(loaded: LoadedProfile, docs: list[RenderedDocument], files: dict[str, str]) -> bytes:
    data = {
        "format": "privgen-manifest",
        "format_version": 1,
        "generator": {"name": "privgen", "version": __version__},
        "profile": {"id": loaded.data["id"], "file": loaded.path.name, "sha256": loaded.sha256},
        "effective_date": docs[0].effective_date.isoformat() if docs else None,
        "documents": [
            {
                "document": d.document,
                "lang": d.lang,
                "clauses": [{"id": i, "version": v, "sha256": h} for i, v, h in d.provenance.clauses],
                "catalog": [{"id": i, "sha256": h} for i, h in d.provenance.catalog],
                "files": {
                    name: digest
                    for name, digest in sorted(files.items())
                    if name.startswith(f"{d.lang}/{d.document}.")
                },
            }
            for d in docs
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def build_profile(
    path: Path,
    out_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    langs: tuple[str, ...] | None = None,
) -> BuildResult:
    """Build every document of one profile. Everything is rendered before anything is written."""
    loaded = load_profile(path)
    profile = loaded.data
    result = BuildResult(profile=path, profile_id=profile["id"])
    chosen_langs = [lang for lang in profile["languages"] if langs is None or lang in langs]
    if not chosen_langs:
        raise InputError(
            f"{path}: none of the requested languages {list(langs or [])} "
            f"is in the profile's languages {profile['languages']}"
        )
    context = ExportContext(generator_version=__version__)
    exporters = [get(f) for f in formats]
    rendered: dict[str, bytes] = {}
    docs: list[RenderedDocument] = []
    for lang in chosen_langs:
        for document in clauses.documents(lang):
            doc = render_document(loaded, document, lang)
            if not doc.sections:
                continue  # nothing in this document applies to the profile
            docs.append(doc)
            for exporter in exporters:
                rendered[f"{lang}/{document}.{exporter.suffix}"] = exporter.export(doc, context)
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in rendered.items()}
    target_root = safe_target(out_dir, profile["id"])
    for name, data in rendered.items():
        lang, filename = name.split("/")
        target = safe_target(out_dir, profile["id"], lang, filename)
        write_atomic(target, data)
        result.written.append(target)
    manifest = target_root / "manifest.json"
    write_atomic(safe_target(out_dir, profile["id"], "manifest.json"), _manifest(loaded, docs, digests))
    result.written.append(manifest)
    return result


def find_profiles(paths: list[Path]) -> list[Path]:
    """Profile files from files and folders (*.yaml, *.yml; folders not recursive)."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found += sorted(x for x in p.iterdir() if x.suffix in (".yaml", ".yml") and x.is_file())
        else:
            found.append(p)
    return found
