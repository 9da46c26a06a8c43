"""Warnings for a valid profile: unconfirmed catalog facts, stale facts, Art. 13 gaps."""

from __future__ import annotations

import datetime as dt

from . import catalog
from .clauses import ART13
from .document import RenderedDocument
from .errors import Issue

STALE_AFTER_DAYS = 365


def applicable_art13(profile: dict, context: dict) -> set[str]:
    """The Art. 13 items a declaration for this profile must cover."""
    items = {"art13-1-a", "art13-1-c", "art13-1-e", "art13-2-a", "art13-2-b", "art13-2-d",
             "art13-2-e", "art13-2-f"}  # fmt: skip
    if profile.get("dpo"):
        items.add("art13-1-b")
    if "f" in context["legal_bases"]:
        items.add("art13-1-d")
    if context["transfers"]:
        items.add("art13-1-f")
    if "a" in context["legal_bases"]:
        items.add("art13-2-c")
    return items & set(ART13)


def coverage_gaps(doc: RenderedDocument, required: set[str]) -> list[str]:
    return sorted(required - doc.covers)


def provider_warnings(file: str, profile: dict, today: dt.date) -> list[Issue]:
    issues = []
    used = sorted(profile.get("providers") or {})
    for pid in used:
        p = catalog.providers()[pid]
        where = f"providers.{pid}"
        for fact in p.facts.values():
            if not fact.confirmed:
                note = f" ({fact.note})" if fact.note else ""
                message = (
                    f"catalog fact '{fact.name}' is {fact.status}, so the documents leave it out{note}; "
                    f"source: {fact.source}"
                )
                issues.append(Issue(file, where, message, "warning"))
            elif fact.checked and (today - fact.checked).days > STALE_AFTER_DAYS:
                issues.append(Issue(file, where, f"catalog fact '{fact.name}' was last checked on "
                                    f"{fact.checked.isoformat()}; check it again", "warning"))  # fmt: skip
        for point in p.open_points:
            text = point.get("en") if isinstance(point, dict) else str(point)
            issues.append(Issue(file, where, f"open point: {text}", "warning"))
        if p.entities and not (profile["providers"][pid] or {}).get("contracting_entity"):
            options = ", ".join(e.get("id", "?") for e in p.entities)
            issues.append(Issue(file, f"{where}.contracting_entity", "not set: name the entity on your "
                                f"contract or service order (one of {options})", "warning"))  # fmt: skip
        issues += _transfer_warnings(file, where, p, profile["providers"][pid] or {})
    return issues


def _transfer_warnings(file: str, where: str, p: catalog.Provider, settings: dict) -> list[Issue]:
    fact = p.facts.get("transfers")
    confirmed = fact is not None and fact.confirmed
    own = settings.get("transfer_bases") or settings.get("eu_only")
    if confirmed and own:
        message = "the catalog has confirmed transfer facts; transfer_bases/eu_only are ignored"
    elif own:
        message = (
            "the documents state the transfer situation on your confirmation (transfer_bases/eu_only); "
            "keep the contract clause that shows it"
        )
    elif not confirmed:
        message = (
            "third-country transfers are not confirmed, so the declaration says they are being clarified; "
            f"confirm them from your contract with providers.{p.id}.transfer_bases (e.g. [scc]) "
            f"or providers.{p.id}.eu_only: true"
        )
    else:
        return []
    return [Issue(file, where, message, "warning")]
