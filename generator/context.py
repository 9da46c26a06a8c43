"""The names clauses see: a normalised profile in one language, plus derived facts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import catalog, i18n
from .schema import EEA, SERVICE_BLOCKS


def localise(value: Any, lang: str) -> Any:
    """Free text {de: .., en: ..} -> the string for lang (recursively)."""
    if isinstance(value, dict):
        if value and set(value) <= {"de", "en"} and all(isinstance(v, str) for v in value.values()):
            return value.get(lang) or value.get("de") or value.get("en")
        return {k: localise(v, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [localise(v, lang) for v in value]
    return value


def one_line_address(addr: dict | None, lang: str) -> str | None:
    if not addr:
        return None
    city = " ".join(x for x in (addr.get("postal_code"), addr.get("city")) if x)
    parts = [addr.get("street"), city]
    if addr.get("country"):
        parts.append(i18n.country_name(addr["country"], lang))
    return ", ".join(p for p in parts if p)


def _transfers(p: catalog.Provider, settings: dict) -> tuple[list[dict], bool]:
    """The provider's third-country transfers and whether it keeps data in the EU/EEA only.

    Confirmed catalog facts come first; where the catalog could not confirm them, the site
    owner's own confirmation from their contract (`providers.<id>.transfer_bases` / `eu_only`)
    decides. With neither, there is nothing to state (see `transfers_unknown`).
    """
    fact = p.facts.get("transfers")
    if fact is not None and fact.confirmed:
        return [dict(t) for t in fact.value or []], not fact.value
    if settings.get("eu_only"):
        return [], True
    if settings.get("transfer_bases") and fact is not None:
        return [{**t, "bases": list(settings["transfer_bases"])} for t in fact.value or []], False
    return [], False


def transfers_known(p: catalog.Provider, settings: dict) -> bool:
    fact = p.facts.get("transfers")
    return bool(fact and fact.confirmed) or bool(settings.get("eu_only") or settings.get("transfer_bases"))


def provider_view(p: catalog.Provider, settings: dict, lang: str) -> dict:
    """What a clause may say about a provider: confirmed facts (or the owner's confirmation) only."""
    raw_transfers, eu_only = _transfers(p, settings)
    transfers = []
    for t in raw_transfers:
        transfers.append({
            "provider": p.id,
            "recipient": t.get("recipient"),
            "country": t.get("country"),
            "bases": list(t.get("bases") or []),
            "purpose": localise(t.get("purpose"), lang),
        })  # fmt: skip
    entity = None
    chosen = settings.get("contracting_entity")
    for e in p.entities:
        if e.get("id") == chosen:
            entity = {"name": e.get("name"), "address": one_line_address(e.get("address"), lang)}
    return {
        "id": p.id,
        "name": p.name,
        "legal_entity": p.fact("legal_entity"),
        "address": one_line_address(p.fact("address"), lang),
        "parent": p.fact("parent"),
        "group_note": localise(p.fact("group_note"), lang),
        "description": localise(p.description, lang),
        "hosting": localise(p.fact("hosting"), lang),
        "privacy_url": p.fact("privacy_url"),
        "dpa_url": p.fact("dpa_url"),
        "website": p.fact("website"),
        "transfers": transfers,
        "eu_only": eu_only,
        "entity": entity,
        # what the provider's DPA says on the points of Art. 28(3) GDPR ("form", "28-3-a" ...
        # "28-3-h", "transfers"), localised; {} when the catalog confirms nothing
        "dpa_terms": localise(p.fact("dpa_terms") or {}, lang),
        "open_points": [localise(x, lang) for x in p.open_points],
    }


def legal_bases(profile: dict) -> list[str]:
    """Art. 6(1) GDPR letters the described processing needs.

    (b) and (f) always: enquiries by e-mail (pre-contractual or general) and server logs.
    (a) for the newsletter and the SMS opt-in; (c) where transactional mail carries records
    the law requires (invoices, commercial letters).
    """
    bases = {"b", "f"}
    if profile.get("newsletter") or profile.get("sms"):
        bases.add("a")
    if profile.get("transactional_email"):
        bases.add("c")
    return sorted(bases)


def authority_view(profile: dict, lang: str) -> dict | None:
    address = profile["controller"]["address"]
    raw = catalog.competent_authority(address["country"], address.get("region"))
    if raw is None:
        return None
    line = raw.get("address")
    if raw.get("country"):
        line = f"{line}, {i18n.country_name(raw['country'], lang)}"
    return {
        "name": raw.get("name"),
        "address": line,
        "web": raw.get("web"),
        "email": raw.get("email"),
        "phone": raw.get("phone"),
        "note": localise(raw.get("note"), lang),
    }


def build_context(profile: dict, lang: str, effective_date: dt.date, document: str) -> dict:
    """Every name a clause's `when:` and body may use (see docs/clauses.md)."""
    p = localise(profile, lang)
    used: list[str] = []
    uses: dict[str, list[str]] = {}
    for block in SERVICE_BLOCKS:
        if p.get(block):
            pid = p[block]["provider"]
            if pid not in used:
                used.append(pid)
            uses.setdefault(pid, []).append(block)
    providers = catalog.providers()
    views = {pid: provider_view(providers[pid], p["providers"].get(pid, {}), lang) for pid in used}
    transfers = [t for pid in used for t in views[pid]["transfers"]]
    transfers_unknown = [
        pid for pid in used if not transfers_known(providers[pid], p["providers"].get(pid, {}))
    ]
    hosting = dict(
        p.get("hosting") or {"name": None, "address": None, "country": None, "log_retention_days": 14}
    )
    hosting.setdefault("transfer_bases", None)
    hosting["outside_eea"] = bool(hosting.get("country") and hosting["country"] not in EEA)
    return {
        "lang": lang,
        "document": document,
        "effective_date": effective_date,
        "controller": p["controller"],
        "dpo": p.get("dpo"),
        "hosting": hosting,
        "contact": p.get("contact") or {"form": False},
        "newsletter": p.get("newsletter"),
        "transactional_email": p.get("transactional_email"),
        "sms": p.get("sms"),
        "providers": {
            pid: p["providers"].get(pid, {"extra_data": [], "contracting_entity": None}) for pid in used
        },
        "used_providers": used,
        "uses": uses,
        "catalog": views,
        "legal_bases": legal_bases(p),
        "transfers": transfers,
        "transfers_unknown": transfers_unknown,
        "authority": authority_view(p, lang),
        "confirmations": p.get("confirmations")
        or {"processing_agreements": None, "https": None, "no_advertising": None},
    }
