"""A site owner's answers for the web questionnaire tests: a shop with a newsletter and SMS.

Each step is one form sent: (section id, {form field name: value}). Field names are profile
paths; a value is the text typed, the option chosen ("yes", "no", an id) or, for check boxes,
the list of options ticked. A yes to a gate ("Do you send a newsletter?") adds questions to
the same page, so such a section is sent twice. WRONG holds answers that must be refused
first, with a word of the message expected (German, English).
"""

from __future__ import annotations

NAME = "Nordlicht Versand GmbH"

STEPS: list[tuple[str, dict]] = [
    ("documents", {"languages": ["de", "en"], "effective_date": "2026-11-29"}),
    (
        "controller",
        {
            "controller.name": NAME,
            "controller.address.street": "Hafenstraße 7",
            "controller.address.postal_code": "20457",
            "controller.address.city": "Hamburg",
            "controller.address.country": "DE",
            "controller.email": "datenschutz@nordlicht-versand.example",
            "controller.website": "nordlicht-versand.example",
        },
    ),
    ("controller", {"controller.address.region": "HH"}),  # asked once the country is DE
    ("dpo", {"dpo": "no"}),
    ("website", {"contact.form": "yes"}),
    ("newsletter", {"newsletter": "yes"}),
    (
        "newsletter",
        {
            "newsletter.provider": "brevo",
            "newsletter.double_opt_in": "yes",
            "newsletter.fields": ["email", "name"],
            "newsletter.tracking": "consent",
            "newsletter.proof_retention_years": "3",
        },
    ),
    ("transactional_email", {"transactional_email": "no"}),
    ("sms", {"sms": "yes"}),
    (
        "sms",
        {
            "sms.provider": "mailjet",
            "sms.purposes": ["order_confirmation", "shipping_notification"],
            "sms.keyword": "nordlicht",
            "sms.stop_word": "STOP",
            "sms.sender": "+49 40 1234567",
        },
    ),
    ("providers", {"providers.brevo.eu_only": "yes", "providers.mailjet.contracting_entity": "mailjet-sas"}),
    (
        "confirmations",
        {
            "confirmations.processing_agreements": "yes",
            "confirmations.https": "yes",
            "confirmations.no_advertising": "yes",
        },
    ),
]

# (section, field, wrong value, a word of the German message, of the English message)
WRONG: list[tuple[str, str, str, str, str]] = [
    ("controller", "controller.email", "datenschutz(at)nordlicht", "E-Mail-Adresse", "e-mail address"),
    ("newsletter", "newsletter.proof_retention_years", "drei", "ganze Zahl", "whole number"),
    ("sms", "sms.keyword", "start now!", "Großbuchstaben", "capital letters"),
]

# What the profile made from STEPS says (checked against the downloaded YAML).
PROFILE = {
    "languages": ["de", "en"],
    "controller.name": NAME,
    "controller.address.region": "HH",
    "controller.website": "https://nordlicht-versand.example",
    "newsletter.provider": "brevo",
    "newsletter.tracking": "consent",
    "sms.provider": "mailjet",
    "sms.keyword": "NORDLICHT",
    "providers.brevo.eu_only": True,
    "providers.mailjet.contracting_entity": "mailjet-sas",
}
