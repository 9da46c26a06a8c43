"""The profile format v1 as data: every key, its type, default and constraints.

`validate.py` checks profiles against it; the questionnaire and `privgen schema` derive
from it, so a key exists in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LANGUAGES = ("de", "en")
GERMAN_LAENDER = (
    "BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH",
)  # fmt: skip
CATEGORIES = ("email", "name", "postal_address", "phone")
EMAIL_PURPOSES = (
    "order_confirmation", "shipping_notification", "password_reset",
    "account_notification", "invoice", "security_notice",
)  # fmt: skip
SMS_PURPOSES = ("order_confirmation", "shipping_notification", "two_factor", "appointment_reminder")
TRANSFER_BASES = ("dpf", "scc", "bcr")
EEA = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS",
    "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
EXTRA_DATA = ("orders", "complaints", "subscriptions", "support_tickets", "correspondence")


@dataclass(frozen=True)
class Field:
    """One scalar or list value in a profile.

    kind: id, int, bool, date, text (free text: string or {de, en}), line (one-line text,
    not translated), email, url, phone, country, region, provider, choice, multichoice.
    """

    kind: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    max_length: int = 300
    help: str = ""


@dataclass(frozen=True)
class Block:
    """A mapping of named fields; an optional block may be left out entirely."""

    fields: dict[str, Field | Block]
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class MapOf:
    """A mapping from provider ids to blocks (per-provider settings)."""

    value: Block
    help: str = ""


ADDRESS = Block(
    {
        "street": Field("text", required=True),
        "postal_code": Field("line", required=True, max_length=16),
        "city": Field("text", required=True),
        "country": Field("country", required=True, help="ISO 3166-1 alpha-2, e.g. DE"),
        "region": Field("region", choices=GERMAN_LAENDER, help="German Land, required for DE"),
    },
    required=True,
)

PROFILE = Block(
    {
        "profile": Field("int", required=True, choices=("1",), help="format version: 1"),
        "id": Field("id", help="[a-z0-9-], 1-64 characters; default: the file name"),
        "languages": Field("multichoice", choices=LANGUAGES, default=["de"]),
        "effective_date": Field("date", help="the 'Stand' date; default: build date"),
        "controller": Block(
            {
                "name": Field("text", required=True),
                "representative": Field("text"),
                "address": ADDRESS,
                "email": Field("email", required=True),
                "phone": Field("phone"),
                "website": Field("url"),
            },
            required=True,
        ),
        "dpo": Block(
            {
                "name": Field("text"),
                "organisation": Field("text"),
                "email": Field("email", required=True),
                "phone": Field("phone"),
            }
        ),
        "hosting": Block(
            {
                "name": Field("text", help="the hosting company; leave out when self-hosted"),
                "address": Field("text", help="the hosting company's address, one line"),
                "country": Field("country"),
                "log_retention_days": Field("int", default=14, min=1, max=365),
                "transfer_bases": Field(
                    "multichoice",
                    choices=("adequacy", *TRANSFER_BASES),
                    help="for a hoster outside the EU/EEA: the basis of the transfer (adequacy decision, "
                    "DPF, standard contractual clauses, binding corporate rules)",
                ),
            }
        ),
        "contact": Block({"form": Field("bool", default=False)}),
        "newsletter": Block(
            {
                "provider": Field("provider", required=True),
                "double_opt_in": Field("bool", default=True),
                "fields": Field("multichoice", choices=CATEGORIES, default=["email"]),
                "tracking": Field("choice", choices=("none", "consent"), default="none"),
                "existing_customers": Field("bool", default=False),
                "proof_retention_years": Field("int", default=3, min=1, max=10),
                "blocklist": Field("bool", default=True),
            }
        ),
        "transactional_email": Block(
            {
                "provider": Field("provider", required=True),
                "purposes": Field("multichoice", choices=EMAIL_PURPOSES, default=["order_confirmation"]),
            }
        ),
        "sms": Block(
            {
                "provider": Field("provider", required=True),
                "purposes": Field("multichoice", choices=SMS_PURPOSES, default=["order_confirmation"]),
                "keyword": Field("keyword", default="START"),
                "stop_word": Field("keyword", default="STOP"),
                "sender": Field("phone"),
            }
        ),
        "providers": MapOf(
            Block(
                {
                    "extra_data": Field("multichoice", choices=EXTRA_DATA, default=[]),
                    "contracting_entity": Field("line", max_length=64),
                    "transfer_bases": Field(
                        "multichoice",
                        choices=TRANSFER_BASES,
                        help="your confirmation, from your contract, of the safeguards for the "
                        "provider's third-country transfers where the catalog could not confirm them",
                    ),
                    "eu_only": Field(
                        "bool",
                        help="your confirmation, from your contract, that the provider processes "
                        "data only in the EU/EEA",
                    ),
                }
            )
        ),
        "confirmations": Block(
            {
                "processing_agreements": Field(
                    "bool",
                    help="a data processing agreement (Art. 28 GDPR) is in place with the hosting "
                    "company and every e-mail/SMS provider",
                ),
                "https": Field("bool", help="the whole website is served over HTTPS (TLS)"),
                "no_advertising": Field(
                    "bool",
                    help="transactional e-mails, SMS and opt-in confirmation e-mails contain no advertising",
                ),
            },
            help="what the documents state as facts, confirmed by the site owner; "
            "`privgen check` warns while one is not confirmed",
        ),
    },
    required=True,
)

SERVICE_BLOCKS = ("newsletter", "transactional_email", "sms")


def walk(block: Block = PROFILE, prefix: str = "") -> list[tuple[str, Field]]:
    """Every scalar field with its dotted path (provider maps as `providers.<id>`)."""
    out: list[tuple[str, Field]] = []
    for name, spec in block.fields.items():
        path = f"{prefix}{name}"
        if isinstance(spec, Block):
            out += walk(spec, path + ".")
        elif isinstance(spec, MapOf):
            out += walk(spec.value, path + ".<id>.")
        else:
            out.append((path, spec))
    return out


def lookup(path: str, block: Block = PROFILE) -> Field | Block | MapOf | None:
    """The spec at a dotted path (`providers.<id>.x` or `providers.mailjet.x`), or None."""
    spec: Field | Block | MapOf = block
    for part in path.split("."):
        if isinstance(spec, MapOf):
            spec = spec.value
            continue
        if not isinstance(spec, Block) or part not in spec.fields:
            return None
        spec = spec.fields[part]
    return spec
