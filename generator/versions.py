"""Versions and content hashes of what documents are built from, for manifests and `privgen audit`.

A clause has a `version` (bumped with every change of meaning) and the sha256 of its file; the
manifest also records its review date and `text_sha256`, the hash of what a reader sees (title and
body), so that an audit can tell a new review date from a changed text.

A catalog entry (`providers/<id>`, `authorities`) has a `version` too (top-level key of its file)
and is recorded in *parts*: each fact (value and status, with the date it was checked) and each
other part a document may quote (name, description, services, entities, open points); for
`authorities` only the authority competent for the profile. An audit then names the facts that
changed and ignores changes no document of the profile depends on (a new check date, a source,
another Land's authority).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from . import catalog, clauses
from .errors import ClauseError

PROVIDERS = "providers/"
AUTHORITIES = "authorities"
# The parts of a provider entry besides its facts that documents may quote.
PROVIDER_PARTS = ("name", "description", "services", "entities", "open_points")


def _sha(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _version_of(data: Any, where: str) -> int:
    version = data.get("version", 1) if isinstance(data, dict) else 1
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ClauseError(f"{where}: version: expected a whole number from 1, got {version!r}")
    return version


# -- clauses ----------------------------------------------------------------------------------


def text_sha256(clause: clauses.Clause) -> str:
    """The hash of what a reader sees of a clause: its title and body (not its front matter)."""
    return hashlib.sha256(f"{clause.title}\0{clause.body}".encode()).hexdigest()


@cache
def _clause_index(lang: str) -> dict[str, clauses.Clause]:
    return {c.id: c for c in clauses.library(lang)}


def clause(lang: str, clause_id: str) -> clauses.Clause | None:
    """The installed clause with this id, or None."""
    return _clause_index(lang).get(clause_id)


def clause_details(lang: str, clause_id: str) -> dict:
    """What the manifest records about a clause beyond id, version and sha256."""
    found = clause(lang, clause_id)
    if found is None:
        return {}
    return {"reviewed": found.reviewed.isoformat(), "text_sha256": text_sha256(found)}


# -- catalog entries ---------------------------------------------------------------------------


def catalog_version(entry: str) -> int | None:
    """The installed version of a catalog entry, or None when the library no longer has it."""
    if entry == AUTHORITIES:
        return _version_of(catalog.authorities(), "clauses/authorities.yaml")
    if entry.startswith(PROVIDERS):
        provider = catalog.providers().get(entry.removeprefix(PROVIDERS))
        if provider is None:
            return None
        return _version_of(provider.raw, f"clauses/{entry}.yaml")
    return None


@cache
def _provider_parts(provider_id: str) -> dict[str, dict]:
    p = catalog.providers()[provider_id]
    parts: dict[str, dict] = {}
    for name in PROVIDER_PARTS:
        parts[name] = {"sha256": _sha(p.raw.get(name))}
    for name, fact in sorted(p.facts.items()):
        part = {"sha256": _sha({"value": fact.value, "status": fact.status})}
        if fact.checked:
            part["checked"] = fact.checked.isoformat()
        parts[f"facts.{name}"] = part
    return dict(sorted(parts.items()))


@cache
def _authority_parts(key: str) -> dict[str, dict]:
    data = catalog.authorities()
    group, _, code = key.partition(".")
    record = (data.get(group) or {}).get(code)
    part: dict = {"sha256": _sha(record)}
    checked = data.get("checked")
    if checked:
        part["checked"] = str(checked)
    return {key: part}


def catalog_parts(entry: str, authority: str | None = None) -> dict[str, dict]:
    """The parts of a catalog entry a document depends on: part name -> {sha256[, checked]}."""
    if entry == AUTHORITIES:
        return _authority_parts(authority) if authority else {}
    if entry.startswith(PROVIDERS) and entry.removeprefix(PROVIDERS) in catalog.providers():
        return _provider_parts(entry.removeprefix(PROVIDERS))
    return {}


def catalog_details(entry: str, authority: str | None = None) -> dict:
    """What the manifest records about a catalog entry beyond its id and sha256."""
    return {"version": catalog_version(entry), "parts": catalog_parts(entry, authority)}


def authority_key(profile: dict) -> str | None:
    """Where the competent authority sits in authorities.yaml: `de_laender.BY`, `countries.AT`."""
    address = (profile.get("controller") or {}).get("address") or {}
    country = address.get("country")
    if country == "DE":
        return f"de_laender.{address.get('region')}" if address.get("region") else None
    return f"countries.{country}" if country else None


def transfer_bases(context: dict) -> list[str]:
    """Every basis the profile's third-country transfers rest on (providers and hosting)."""
    bases = {b for t in context.get("transfers") or [] for b in t.get("bases") or []}
    hosting = context.get("hosting") or {}
    if hosting.get("outside_eea"):
        bases.update(hosting.get("transfer_bases") or [])
    return sorted(bases)


def document_facts(profile: dict, context: dict) -> dict:
    """What a document's manifest entry records about the profile's situation, for audits."""
    return {"transfer_bases": transfer_bases(context), "authority": authority_key(profile)}


def recorded(manifest: dict, entry: object, digest: object) -> dict | None:
    """What a manifest recorded about a catalog entry at this sha256 (version, parts), if anything."""
    table = manifest.get("catalog_versions")
    if not isinstance(table, dict) or not isinstance(entry, str) or not isinstance(digest, str):
        return None
    found = (table.get(entry) or {}).get(digest) if isinstance(table.get(entry), dict) else None
    return found if isinstance(found, dict) else None
