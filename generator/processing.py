"""The processing a document describes, as data: controller, processors, activities, transfers.

`summarise()` runs when a document is assembled and reads the same context the clauses
read. Each activity is tied to the clauses that describe it (`Activity.clauses`), and it
exists only when one of them is in the document, so the summary never states processing
the text does not. Exporters (the DPV exporter, plugins) read it from
`RenderedDocument.processing`; the ids below are documented in docs/exporters.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import catalog
from .context import one_line_address


@dataclass(frozen=True)
class Party:
    """The controller, its DPO or a processor."""

    key: str  # "controller", "dpo", "hosting" or a provider id from the catalog
    role: str  # "controller" | "dpo" | "processor"
    name: str  # the legal entity (for a provider: the contracting entity where known)
    address: str | None = None  # one line, in the document's language
    country: str | None = None  # ISO 3166-1 alpha-2
    email: str | None = None
    brand: str | None = None  # a provider's brand name when it differs from `name`


@dataclass(frozen=True)
class Transfer:
    """A transfer to a country outside the EU/EEA, as the document states it."""

    key: str  # e.g. "mailjet-1", "hosting-1"
    via: str | None  # key of the processor whose service involves the transfer
    recipient: str
    country: str  # ISO 3166-1 alpha-2
    bases: tuple[str, ...]  # "dpf", "scc", "bcr", "adequacy"; empty: the document names none
    basis_labels: tuple[str, ...]  # the same, in the document's words
    purpose: str | None = None  # in the document's language


@dataclass(frozen=True)
class Activity:
    """One processing activity: why, which data, on which legal basis, by whom."""

    key: str
    title: str  # in the document's language
    purposes: tuple[str, ...]
    data: tuple[str, ...]
    legal_bases: tuple[str, ...]  # letters of Art. 6(1) GDPR
    processors: tuple[str, ...]  # Party keys
    transfers: tuple[str, ...]  # Transfer keys
    clauses: tuple[str, ...]  # ids of the clauses that describe it


@dataclass(frozen=True)
class Processing:
    controller: Party
    dpo: Party | None
    processors: tuple[Party, ...]
    activities: tuple[Activity, ...]
    transfers: tuple[Transfer, ...]

    @property
    def legal_bases(self) -> tuple[str, ...]:
        return tuple(sorted({b for a in self.activities for b in a.legal_bases}))

    def party(self, key: str) -> Party | None:
        for p in (self.controller, self.dpo, *self.processors):
            if p is not None and p.key == key:
                return p
        return None


TITLES = {
    "server-logs": {"de": "Server-Logfiles", "en": "Server log files"},
    "enquiries": {"de": "Anfragen", "en": "Enquiries"},
    "newsletter": {"de": "Newsletter", "en": "Newsletter"},
    "proof-of-consent": {"de": "Nachweis der Einwilligung", "en": "Proof of consent"},
    "blocklist": {"de": "Sperrliste", "en": "Block list"},
    "newsletter-tracking": {
        "de": "Öffnungs- und Klickmessung im Newsletter",
        "en": "Open and click tracking in the newsletter",
    },
    "existing-customers": {
        "de": "E-Mail-Werbung an Bestandskunden",
        "en": "E-mail advertising to existing customers",
    },
    "transactional-email": {"de": "Transaktions-E-Mails", "en": "Transactional e-mails"},
    "sms": {"de": "SMS-Benachrichtigungen", "en": "SMS notifications"},
    "statutory-retention": {"de": "Gesetzliche Aufbewahrung", "en": "Statutory retention"},
    "authorities": {"de": "Übermittlung an Behörden", "en": "Disclosure to authorities"},
}


def _provider_party(pid: str, view: dict) -> Party:
    """The processor behind a provider, named as the recipients clause names it."""
    entity = view.get("entity")
    name = (entity or {}).get("name") or view.get("legal_entity") or view["name"]
    address = (entity or {}).get("address") if entity else view.get("address")
    provider = catalog.providers()[pid]
    country = None
    if entity:
        for e in provider.entities:
            if e.get("name") == entity.get("name") and e.get("address"):
                country = e["address"].get("country")
    elif provider.fact("address"):
        country = provider.fact("address").get("country")
    brand = view["name"] if view["name"] != name else None
    return Party(key=pid, role="processor", name=name, address=address, country=country, brand=brand)


def _parties(ctx: dict, lang: str) -> tuple[Party, Party | None, dict[str, Party]]:
    c = ctx["controller"]
    controller = Party(
        key="controller",
        role="controller",
        name=c["name"],
        address=one_line_address(c.get("address"), lang),
        country=(c.get("address") or {}).get("country"),
        email=c.get("email"),
    )
    dpo = None
    if ctx.get("dpo"):
        d = ctx["dpo"]
        dpo = Party(
            key="dpo", role="dpo", name=d.get("name") or d.get("organisation") or "", email=d.get("email")
        )
    processors: dict[str, Party] = {}
    hosting = ctx.get("hosting") or {}
    if hosting.get("name"):
        processors["hosting"] = Party(
            key="hosting",
            role="processor",
            name=hosting["name"],
            address=hosting.get("address"),
            country=hosting.get("country"),
        )
    for pid in ctx["used_providers"]:
        processors[pid] = _provider_party(pid, ctx["catalog"][pid])
    return controller, dpo, processors


def _transfers(ctx: dict, lang: str) -> list[Transfer]:
    words = catalog.labels(lang).get("transfer_basis", {})
    out: list[Transfer] = []
    counts: dict[str, int] = {}
    for t in ctx["transfers"]:
        pid = t["provider"]
        counts[pid] = counts.get(pid, 0) + 1
        bases = tuple(t.get("bases") or ())
        out.append(
            Transfer(
                key=f"{pid}-{counts[pid]}",
                via=pid,
                recipient=t.get("recipient") or ctx["catalog"][pid]["name"],
                country=t["country"],
                bases=bases,
                basis_labels=tuple(words.get(b, b) for b in bases),
                purpose=t.get("purpose"),
            )
        )
    hosting = ctx.get("hosting") or {}
    if hosting.get("outside_eea"):
        bases = tuple(hosting.get("transfer_bases") or ())
        out.append(
            Transfer(
                key="hosting-1",
                via="hosting" if hosting.get("name") else None,
                recipient=hosting.get("name") or "",
                country=hosting["country"],
                bases=bases,
                basis_labels=tuple(words.get(b, b) for b in bases),
            )
        )
    return out


def _activity_specs(ctx: dict, present: set[str]) -> Iterable[dict]:
    """The activities of the document, each with the clauses that describe it."""
    nl, tx, sms = ctx.get("newsletter"), ctx.get("transactional_email"), ctx.get("sms")
    providers = ctx.get("providers") or {}

    def extra(pid: str) -> list[str]:
        return list((providers.get(pid) or {}).get("extra_data") or [])

    hosting = ["hosting"] if (ctx.get("hosting") or {}).get("name") else []
    yield {
        "key": "server-logs",
        "clauses": ["general.hosting-logs", "general.hosting-provider"],
        "purposes": ["website-delivery", "security"],
        "data": ["ip_address", "connection_data"],
        "bases": ["f"],
        "processors": hosting,
    }
    contact_data = ["email", "name", "message_content"]
    if "general.contact-phone" in present:
        contact_data.append("phone")
    yield {
        "key": "enquiries",
        "clauses": ["general.contact-email", "general.contact-form", "general.contact-phone"],
        "purposes": ["enquiries"],
        "data": contact_data,
        "bases": ["b", "f"],
        "processors": [],
    }
    if nl:
        pid = nl["provider"]
        yield {
            "key": "newsletter",
            "clauses": ["email.newsletter.consent"],
            "purposes": ["newsletter"],
            "data": [*nl.get("fields", ["email"]), "message_content", *extra(pid)],
            "bases": ["a"],
            "processors": [pid],
        }
        yield {
            "key": "proof-of-consent",
            "clauses": [
                "email.newsletter.double-opt-in",
                "email.newsletter.single-opt-in",
                "email.newsletter.retention",
            ],
            "purposes": ["proof-of-consent"],
            "data": ["email", "ip_address", *(["phone"] if sms else [])],
            "bases": ["f"],
            "processors": [],
        }
        yield {
            "key": "blocklist",
            "clauses": ["email.newsletter.blocklist"],
            "purposes": ["blocklist"],
            "data": ["email"],
            "bases": ["f"],
            "processors": [],
        }
        yield {
            "key": "newsletter-tracking",
            "clauses": ["email.tracking.consent"],
            "purposes": ["newsletter-tracking"],
            "data": ["newsletter_opens", "link_clicks", "ip_address"],
            "bases": ["a"],
            "processors": [pid],
        }
        yield {
            "key": "existing-customers",
            "clauses": ["email.newsletter.existing-customers"],
            "purposes": ["existing-customer-advertising"],
            "data": ["email"],
            "bases": ["f"],
            "processors": [pid],
        }
    elif sms:
        yield {
            "key": "proof-of-consent",
            "clauses": ["general.overview-legitimate-interests"],
            "purposes": ["proof-of-consent"],
            "data": ["phone"],
            "bases": ["f"],
            "processors": [],
        }
    if tx:
        pid = tx["provider"]
        purposes = list(tx.get("purposes") or [])
        bases = (
            ["b"]
            + (["c"] if "invoice" in purposes else [])
            + (["f"] if "security_notice" in purposes else [])
        )
        yield {
            "key": "transactional-email",
            "clauses": ["email.transactional"],
            "purposes": purposes,
            "data": ["email", "name", "message_content", *extra(pid)],
            "bases": bases,
            "processors": [pid],
        }
    if sms:
        pid = sms["provider"]
        yield {
            "key": "sms",
            "clauses": ["email.sms.purposes", "email.sms.legal-basis"],
            "purposes": list(sms.get("purposes") or []),
            "data": ["phone", "message_content", *extra(pid)],
            "bases": ["a", "b"],
            "processors": [pid],
        }
    yield {
        "key": "statutory-retention",
        "clauses": ["general.overview-legal-obligation"],
        "purposes": ["legal-obligation"],
        "data": ["orders", "correspondence"],
        "bases": ["c"],
        "processors": [],
    }
    yield {
        "key": "authorities",
        "clauses": ["general.recipients-other"],
        "purposes": ["legal-obligation"],
        "data": [],
        "bases": ["c"],
        "processors": [],
    }


def summarise(ctx: dict, clause_ids: Iterable[str], lang: str) -> Processing:
    """The processing described by a document made of `clause_ids`, rendered from `ctx`."""
    present = set(clause_ids)
    controller, dpo, processors = _parties(ctx, lang)
    transfers = _transfers(ctx, lang)
    activities: list[Activity] = []
    for spec in _activity_specs(ctx, present):
        described_by = tuple(c for c in spec["clauses"] if c in present)
        if not described_by:
            continue  # the document does not describe it
        procs = tuple(p for p in dict.fromkeys(spec["processors"]) if p in processors)
        activities.append(
            Activity(
                key=spec["key"],
                title=TITLES[spec["key"]][lang],
                purposes=tuple(dict.fromkeys(spec["purposes"])),
                data=tuple(dict.fromkeys(spec["data"])),
                legal_bases=tuple(sorted(set(spec["bases"]))),
                processors=procs,
                transfers=tuple(
                    t.key
                    for t in transfers
                    if (t.via is not None and t.via in procs)
                    or (spec["key"] == "server-logs" and t.key.startswith("hosting"))
                ),
                clauses=described_by,
            )
        )
    used = {p for a in activities for p in a.processors}
    return Processing(
        controller=controller,
        dpo=dpo,
        processors=tuple(p for k, p in processors.items() if k in used),
        activities=tuple(activities),
        transfers=tuple(transfers),
    )
