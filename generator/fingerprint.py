"""What a document is built from, as hashes: the keys of incremental builds.

A document (one document in one language) has an *inputs key*: the generator version and
code, the profile file and its `extends:` bases, the date setting, the clause library's
shared files of the language, and the clauses and catalog entries the document uses. Each
format adds its exporter and options to that key. The manifest records both; a file is
rebuilt when its key changes. Everything here is computed once per process.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from functools import cache, lru_cache
from pathlib import Path

from . import __version__, catalog, clauses
from .errors import InputError
from .resources import PACKAGE_DIR, clauses_dir

# Export options that carry the profile itself (covered by the profile's hash in the inputs key).
PER_PROFILE = ("profile_bytes", "profile_name", "profile_bases")
DATE_FROM_PROFILE = "profile"
DATE_FROM_EPOCH = "SOURCE_DATE_EPOCH"
DATE_FROM_BUILD = "build date"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _digest(data: object) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return sha256_bytes(text.encode("ascii"))


def _tree_sha256(root: Path, skip_dirs: set[str], skip_suffixes: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for folder, dirs, files in sorted(os.walk(root)):
        dirs[:] = sorted(d for d in dirs if d not in skip_dirs and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(skip_suffixes) or name.startswith("."):
                continue
            path = Path(folder) / name
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(sha256_bytes(path.read_bytes()).encode("ascii"))
    return digest.hexdigest()


@cache
def code_sha256() -> str:
    """privgen's own code, templates, styles and fonts (the clause library is tracked per clause)."""
    return _tree_sha256(PACKAGE_DIR, {"__pycache__", "clauses"}, (".pyc", ".pyo"))


@cache
def library_sha256(lang: str) -> str:
    """The shared files of one language's clause library: sections.yaml, labels.yaml ...

    A change here can touch any document of the language; single clauses are tracked apart.
    """
    return _tree_sha256(clauses_dir() / lang, set(), (".md.j2",))


@cache
def selection_sha256(document: str, lang: str) -> str:
    """What decides which clauses a document selects: every candidate clause's id, place and `when`."""
    return _digest(
        [[c.path, c.id, c.section, c.order, c.when] for c in clauses.library(lang) if c.document == document]
    )


@cache
def clause_index(lang: str) -> dict[str, tuple[int, str]]:
    """clause id -> (version, sha256) for one language."""
    return {c.id: (c.version, c.sha256) for c in clauses.library(lang)}


@cache
def catalog_index() -> dict[str, str]:
    """catalog entry -> sha256, in the names documents record (`providers/<id>`, `authorities`)."""
    index = {f"providers/{pid}": p.sha256 for pid, p in catalog.providers().items()}
    index["authorities"] = catalog.authorities_sha256()
    return index


def warm() -> None:
    """Compute the library's hashes now: once per run, before worker processes fork, so every
    process of a run sees the same library."""
    code_sha256()
    for lang in clauses.LANGS:
        _fixed(lang)
        clause_index(lang)
        for document in clauses.documents(lang):
            selection_sha256(document, lang)
    catalog_index()


def epoch_date() -> dt.date | None:
    """SOURCE_DATE_EPOCH as a date, when it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise InputError(f"SOURCE_DATE_EPOCH: expected seconds since 1970, got {epoch!r}") from None


def date_setting(profile_has_date: bool) -> tuple[str, str | None]:
    """Where the 'Stand' date comes from, and the date when it is fixed from outside.

    With neither `effective_date` nor SOURCE_DATE_EPOCH the date is not an input: a document
    that did not change keeps the date of the build that last changed it.
    """
    if profile_has_date:
        return DATE_FROM_PROFILE, None
    epoch = epoch_date()
    if epoch is not None:
        return DATE_FROM_EPOCH, epoch.isoformat()
    return DATE_FROM_BUILD, None


@cache
def _fixed(lang: str) -> bytes:
    """The part of every inputs key that is the same for a whole run: privgen and the library."""
    return _digest([__version__, code_sha256(), library_sha256(lang)]).encode("ascii")


def document_key(
    profile_sha256s: list[str],
    date: tuple[str, str | None],
    document: str,
    lang: str,
    clause_list: list[tuple[str, int, str]],
    catalog_list: list[tuple[str, str]],
) -> str:
    """The inputs key of one document in one language (fields joined by NUL, which no id holds)."""
    digest = hashlib.sha256(_fixed(lang))
    parts = [*profile_sha256s, "", date[0], date[1] or "", document, lang, ""]
    for clause_id, version, sha in clause_list:
        parts += [clause_id, str(version), sha]
    parts.append("")
    for entry, sha in catalog_list:
        parts += [entry, sha]
    digest.update("\0".join(parts).encode("utf-8"))
    return digest.hexdigest()


@cache
def _format_env(name: str, options: str) -> str:
    from . import exporters

    registrations = getattr(exporters, "registrations", None)
    if registrations is not None:
        reg = registrations().get(name)
        target = (reg.target, reg.origin) if reg is not None else (None, None)
    else:  # older registry: names and targets only
        target = (exporters.targets().get(name), None)
    return _digest({"format": name, "exporter": list(target), "options": options})


@lru_cache(maxsize=64)
def _options(context) -> str:
    options = {
        f.name: getattr(context, f.name) for f in dataclasses.fields(context) if f.name not in PER_PROFILE
    }
    return json.dumps(options, sort_keys=True, default=str)


def format_key(inputs_key: str, name: str, context) -> str:
    """The key of one format of a document: its inputs, the exporter and the export options."""
    try:
        options = _options(context)
    except TypeError:  # an unhashable option
        options = _options.__wrapped__(context)
    return sha256_bytes(f"{inputs_key}\0{_format_env(name, options)}".encode("ascii"))


def current_clause(lang: str, clause_id: str) -> tuple[int, str] | None:
    return clause_index(lang).get(clause_id)


def current_catalog(entry: str) -> str | None:
    return catalog_index().get(entry)
