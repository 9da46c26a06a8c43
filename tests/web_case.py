"""A site owner's answers for the web questionnaire tests (and benchmarks/serve.py): a shop
with a newsletter and SMS; and what a browser sends for a question page.

Each step is one form sent: (section id, {form field name: value}). Field names are profile
paths; a value is the text typed, the option chosen ("yes", "no", an id) or, for check boxes,
the list of options ticked. A yes to a gate ("Do you send a newsletter?") adds questions to
the same page, so such a section is sent twice. WRONG holds answers that must be refused
first, with a word of the message expected (German, English).
"""

from __future__ import annotations

from html.parser import HTMLParser

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


# -- what a browser sends ------------------------------------------------------------------


class Page(HTMLParser):
    """Elements with their attributes, and the page's text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._select = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "select":
            self._select = a.get("name")
        elif tag == "option":
            a["select"] = self._select
        self.elements.append((tag, a))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def value(self, name: str) -> str:
        return self.find("input", name=name)[0].get("value", "")

    @property
    def ids(self) -> list[str]:
        return [a["id"] for _, a in self.elements if a.get("id")]

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def form_data(page: Page, values: dict, op: str = "next") -> dict:
    """What a browser sends for a question page: the fields as they are (typed, ticked,
    chosen), changed by values, and the button pressed (op)."""
    data: dict = {"csrf_token": page.value("csrf_token"), "shown": page.value("shown"), "op": op}
    for name in page.value("shown").split():
        for tag, a in page.elements:
            key = a.get("name", "")  # the question's path, or path.de / path.en for a text per language
            if key not in (name, f"{name}.de", f"{name}.en"):
                continue
            if tag == "input" and a.get("type") in ("radio", "checkbox"):
                if "checked" in a:
                    data.setdefault(key, []).append(a["value"])
            elif tag == "input":
                data[key] = a.get("value", "")
        if name not in data and page.find("select", name=name):
            chosen = [a["value"] for a in page.find("option", select=name) if "selected" in a]
            data[name] = chosen[0] if chosen else ""
    data.update(values)
    return data
