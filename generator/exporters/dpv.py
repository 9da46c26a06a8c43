"""DPV exporter: the processing a document describes, as JSON-LD with the W3C Data Privacy Vocabulary.

Built from `RenderedDocument.processing` only (see processing.py). Terms come from DPV 2.x
(https://w3id.org/dpv#), its personal data extension (https://w3id.org/dpv/pd#), its
locations extension (https://w3id.org/dpv/loc#) and the EU GDPR extension
(https://w3id.org/dpv/legal/eu/gdpr#). Every term used below was checked against the DPV
2.1 sources; docs/exporters.md lists the mapping.

Node ids are relative (`#controller`, `#activity-newsletter`, ...): they resolve against
wherever the file is published.
"""

from __future__ import annotations

import json

from ..document import RenderedDocument
from ..errors import ExportError
from ..processing import Activity, Party, Processing, Transfer

CONTEXT = {
    "dpv": "https://w3id.org/dpv#",
    "pd": "https://w3id.org/dpv/pd#",
    "loc": "https://w3id.org/dpv/loc#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "dct": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# privgen purpose ids (processing.py) -> DPV purposes
PURPOSES = {
    "website-delivery": ("dpv:TechnicalServiceProvision",),
    "security": ("dpv:EnforceSecurity",),
    "enquiries": ("dpv:CommunicationForCustomerCare",),
    "newsletter": ("dpv:DirectMarketing",),
    "proof-of-consent": ("dpv:RecordManagement", "dpv:DisputeManagement"),
    "blocklist": ("dpv:RecordManagement",),
    "newsletter-tracking": ("dpv:ServiceUsageAnalytics", "dpv:ImproveExistingProductsAndServices"),
    "existing-customer-advertising": ("dpv:DirectMarketing",),
    "legal-obligation": ("dpv:LegalCompliance",),
    # purposes of transactional e-mail and SMS (profile ids)
    "order_confirmation": ("dpv:CustomerOrderManagement",),
    "shipping_notification": ("dpv:DeliveryOfGoods",),
    "password_reset": ("dpv:AccountManagement",),
    "account_notification": ("dpv:AccountManagement",),
    "invoice": ("dpv:PaymentManagement",),
    "security_notice": ("dpv:EnforceSecurity",),
    "two_factor": ("dpv:IdentityAuthentication",),
    "appointment_reminder": ("dpv:CommunicationForCustomerCare",),
}
# purposes every activity of a kind has, whatever it is used for
ACTIVITY_PURPOSES = {
    "transactional-email": ("dpv:CommunicationManagement",),
    "sms": ("dpv:CommunicationManagement",),
    "statutory-retention": ("dpv:RecordManagement",),
}
# privgen data category ids -> DPV personal data categories
DATA = {
    "email": "pd:EmailAddress",
    "name": "pd:Name",
    "postal_address": "pd:PhysicalAddress",
    "phone": "pd:TelephoneNumber",
    "ip_address": "pd:IPAddress",
    "connection_data": "pd:BrowsingBehavior",
    "message_content": "pd:Communication",
    "newsletter_opens": "pd:ServiceConsumptionBehavior",
    "link_clicks": "pd:LinkClicked",
    "orders": "pd:Purchase",
    "subscriptions": "pd:Purchase",
    "complaints": "pd:Communication",
    "support_tickets": "pd:Communication",
    "correspondence": "pd:Communication",
}
# Art. 6(1) GDPR letters -> DPV-GDPR legal bases
LEGAL_BASES = {letter: f"eu-gdpr:A6-1-{letter}" for letter in "abcdef"}
# transfer bases -> (DPV-GDPR legal basis for the transfer, safeguard measure or None)
TRANSFER_BASES = {
    "dpf": ("eu-gdpr:A45-3", None),  # adequacy decision (EU) 2023/1795 for the EU-U.S. DPF
    "adequacy": ("eu-gdpr:A45-3", None),
    "scc": ("eu-gdpr:A46-2-c", "eu-gdpr:SCCByCommission"),
    "bcr": ("eu-gdpr:A46-2-b", "eu-gdpr:BindingCorporateRules"),
}


def _ref(iri: str) -> dict:
    return {"@id": iri}


def _refs(iris) -> list[dict]:
    return [_ref(i) for i in dict.fromkeys(iris)]


def _text(value: str, lang: str) -> dict:
    return {"@value": value, "@language": lang}


def _country(code: str | None) -> dict | None:
    return _ref(f"loc:{code}") if code else None


def _party(party: Party, node_id: str, kind: str) -> dict:
    node: dict = {"@id": node_id, "@type": kind, "dpv:hasName": party.name}
    if party.brand:
        node["rdfs:label"] = party.brand
    if party.address:
        node["dpv:hasAddress"] = party.address
    if party.email:
        node["dpv:hasContact"] = party.email
    if party.country:
        node["dpv:hasCountry"] = _country(party.country)
    return node


def _party_id(key: str) -> str:
    return "#controller" if key == "controller" else f"#processor-{key}"


def _mapped(table: dict, key: str, what: str) -> tuple:
    try:
        value = table[key]
    except KeyError:
        raise ExportError(f"dpv: no DPV term for the {what} {key!r}") from None
    return value if isinstance(value, tuple) else (value,)


def _activity(a: Activity, lang: str) -> dict:
    purposes = [p for key in a.purposes for p in _mapped(PURPOSES, key, "purpose")]
    purposes += ACTIVITY_PURPOSES.get(a.key, ())
    node: dict = {
        "@id": f"#activity-{a.key}",
        "@type": "dpv:PersonalDataProcess",
        "dct:title": _text(a.title, lang),
        "dpv:hasNotice": _ref("#notice"),
        "dpv:hasDataController": _ref("#controller"),
        "dpv:hasPurpose": _refs(purposes),
    }
    data = [d for key in a.data for d in _mapped(DATA, key, "data category")]
    if data:
        node["dpv:hasPersonalData"] = _refs(data)
    node["dpv:hasLegalBasis"] = _refs(LEGAL_BASES[b] for b in a.legal_bases)
    if a.processors:
        node["dpv:hasDataProcessor"] = _refs(_party_id(p) for p in a.processors)
    if a.transfers:
        node["dpv:hasProcess"] = _refs(f"#transfer-{t}" for t in a.transfers)
    return node


def _transfer(t: Transfer, lang: str) -> list[dict]:
    recipient_id = f"#recipient-{t.key}"
    bases = []
    for b in t.bases:
        if b not in TRANSFER_BASES:
            raise ExportError(f"dpv: no DPV term for the transfer basis {b!r}")
        bases.append(TRANSFER_BASES[b])
    node: dict = {
        "@id": f"#transfer-{t.key}",
        "@type": "dpv:PersonalDataProcess",
        "dpv:hasProcessing": _ref("dpv:CrossBorderTransfer"),
        "dpv:hasDataController": _ref("#controller"),
        "dpv:hasDataImporter": _ref(recipient_id),
        "dpv:hasThirdCountry": _country(t.country),
    }
    if t.via:
        node["dpv:hasDataProcessor"] = _ref(_party_id(t.via))
    if t.purpose:
        node["dct:description"] = _text(t.purpose, lang)
    if bases:
        node["dpv:hasLegalBasis"] = _refs(b[0] for b in bases)
        measures = [b[1] for b in bases if b[1]]
        if measures:
            node["dpv:hasOrganisationalMeasure"] = _refs(measures)
        node["rdfs:comment"] = [_text(label, lang) for label in t.basis_labels]
    recipient = {
        "@id": recipient_id,
        "@type": ["dpv:Recipient", "dpv:DataImporter"],
        "dpv:hasName": t.recipient,
        "dpv:hasCountry": _country(t.country),
    }
    return [node, recipient]


def as_graph(document: RenderedDocument, generator_version: str) -> dict:
    processing: Processing | None = document.processing
    if processing is None:
        raise ExportError(f"dpv: {document.lang}/{document.document} carries no processing summary")
    lang = document.lang
    controller = _party(processing.controller, "#controller", "dpv:DataController")
    if processing.dpo:
        controller["dpv:hasDataProtectionOfficer"] = _ref("#dpo")
    notice = {
        "@id": "#notice",
        "@type": "dpv:PrivacyNotice",
        "dct:title": _text(document.title, lang),
        "dct:language": {"@value": lang, "@type": "xsd:language"},
        "dct:modified": {"@value": document.effective_date.isoformat(), "@type": "xsd:date"},
        "dct:publisher": _ref("#controller"),
        "dct:creator": f"privgen {generator_version}",
        "dpv:hasDataController": _ref("#controller"),
        "dpv:hasProcess": _refs(f"#activity-{a.key}" for a in processing.activities),
    }
    graph = [notice, controller]
    if processing.dpo:
        graph.append(_party(processing.dpo, "#dpo", "dpv:DataProtectionOfficer"))
    graph += [_party(p, _party_id(p.key), "dpv:DataProcessor") for p in processing.processors]
    graph += [_activity(a, lang) for a in processing.activities]
    for t in processing.transfers:
        graph += _transfer(t, lang)
    return {"@context": CONTEXT, "@graph": graph}


class DpvExporter:
    name = "dpv"
    suffix = "dpv.jsonld"
    media_type = "application/ld+json"
    api_version = 1

    def applies(self, document: RenderedDocument) -> bool:
        """Only documents that describe processing (the privacy policy) get a DPV file."""
        return bool(document.processing and document.processing.activities)

    def export(self, document: RenderedDocument, context) -> bytes:
        data = as_graph(document, context.generator_version)
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
