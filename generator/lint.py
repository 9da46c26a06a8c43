"""Warnings for a valid profile: unconfirmed catalog facts, stale facts, Art. 13 gaps."""

from __future__ import annotations

import datetime as dt

from . import catalog, expiry, watch
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


def provider_warnings(
    file: str, profile: dict, today: dt.date, max_age: expiry.Age | None = None
) -> list[Issue]:
    age = max_age or expiry.parse_age(expiry.DEFAULT)
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
            elif fact.checked and age.expired(fact.checked, today):
                old = expiry.ExpiredFact(f"providers/{pid}", fact.name, fact.checked, fact.source)
                message = expiry.advice([old], age).removeprefix(f"{old.entry}: ")
                issues.append(Issue(file, where, message, "warning"))
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


def confirmation_warnings(file: str, profile: dict) -> list[Issue]:
    """What the documents state as fact but the site owner has not confirmed (`confirmations`).

    Which confirmations apply comes from the questionnaire's conditions, so `privgen init`
    asks exactly for those that `privgen check` expects."""
    from .questionnaire import applies, load, localise

    given = profile.get("confirmations") or {}
    issues = []
    for q in load().questions():
        if not q.id.startswith("confirmations.") or not applies(q, profile):
            continue
        value = given.get(q.id.split(".", 1)[1])
        states = localise(q.states, "en") or "this"
        if value is True:
            continue
        if value is False:
            message = f"answered false, but the documents state {states}: make it true before publishing"
        else:
            message = f"not confirmed: the documents state {states}; set {q.id}: true once this is so"
        issues.append(Issue(file, q.id, message, "warning"))
    return issues


def review_warnings(
    file: str, profile: dict, today: dt.date, max_age: expiry.Age | None = None
) -> list[Issue]:
    """Legal situations under review that concern the profile (clauses/watch.yaml), and the
    supervisory authorities' data when it was checked longer ago than the maximum age."""
    from .context import build_context

    age = max_age or expiry.parse_age(expiry.DEFAULT)
    context = build_context(profile, profile["languages"][0], today, "privacy-policy")
    names = watch.context_names(context)
    issues = []
    for item in watch.load():
        if watch.concerns(item, names) is True:
            stale = age.expired(item.checked, today)
            text = watch.message(item, "en", watch.matching_transfers(item, context), stale)
            issues.append(Issue(file, "", text, "warning"))
    for facts in expiry.grouped(expiry.expired_facts(["authorities"], today, age)):
        issues.append(Issue(file, "controller.address", expiry.advice(facts, age), "warning"))
    return issues
