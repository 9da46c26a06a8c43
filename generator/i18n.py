"""Babel dates, lists and country names, and the few UI strings of the documents."""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list

LOCALES = {"de": "de_DE", "en": "en_GB"}

UI = {
    "de": {
        "last_updated": "Stand",
        "contents": "Inhalt",
        "skip": "Zum Inhalt springen",
        "page": "Seite",
        "of": "von",
        "generated": "Erstellt mit privgen",
        "not_advice": "",
    },
    "en": {
        "last_updated": "Last updated",
        "contents": "Contents",
        "skip": "Skip to content",
        "page": "Page",
        "of": "of",
        "generated": "Generated with privgen",
        "not_advice": "",
    },
}


def ui(lang: str, key: str) -> str:
    return UI[lang][key]


def fmt_date(value: dt.date, lang: str) -> str:
    """'29. November 2026' / '29 November 2026'."""
    return format_date(value, "long", locale=LOCALES[lang])


def fmt_list(items: list[str], lang: str, style: str = "standard") -> str:
    """'a, b und c' / 'a, b and c'; style 'or' for alternatives."""
    return format_list(list(items), style=style, locale=LOCALES[lang])


@cache
def _territories(lang: str) -> dict[str, str]:
    return dict(Locale.parse(LOCALES[lang]).territories)


def country_name(code: str, lang: str) -> str:
    """The country's name in the language, e.g. DE -> 'Deutschland' / 'Germany'."""
    return _territories(lang).get(code, code)
