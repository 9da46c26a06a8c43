"""A profile against the format (schema.py) and the catalog: every issue with its path."""

from __future__ import annotations

import datetime as dt
import re
import reprlib
import unicodedata
from typing import Any

from . import catalog
from .errors import Issue
from .outputs import WINDOWS_RESERVED
from .schema import GERMAN_LAENDER, LANGUAGES, PROFILE, SERVICE_BLOCKS, Block, Field, MapOf

ID_RE = re.compile(r"[a-z0-9-]{1,64}")
EMAIL_RE = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")
URL_RE = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:[/?#][^\s<>\"\\`]*)?")
PHONE_RE = re.compile(r"\+?[0-9][0-9 ()/.-]{2,28}[0-9]")
KEYWORD_RE = re.compile(r"[A-Z0-9]{2,20}")
COUNTRY_RE = re.compile(r"[A-Z]{2}")
MAX_TEXT = 2000
# Explicit bidirectional embeddings, overrides and isolates: a value holding them could
# reorder the text around it in the documents (marks such as U+200F stay allowed).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
QUOTE_HINT = " (unquoted yes/no/on/off/true/false are read as true/false: put the text in quotes)"

_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = 80
_repr.maxlevel, _repr.maxlist, _repr.maxtuple, _repr.maxdict = 2, 4, 4, 4


def show(value: Any) -> str:
    """A short repr for messages: values may be huge or nested (alias bombs)."""
    return _repr.repr(value)


def _key(key: Any) -> str:
    """A mapping key as it appears in a field path, shortened."""
    plain = isinstance(key, (str, int, bool, type(None)))
    text = str(key) if plain else show(key)
    return text if len(text) <= 64 else text[:60] + "…"


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    names = {bool: "true/false", int: "a number", float: "a number", str: "text",
             list: "a list", dict: "a mapping", dt.date: "a date"}  # fmt: skip
    return names.get(type(value), type(value).__name__)


def _got(value: Any) -> str:
    """'got <type>', with a hint where YAML turned a word into true/false."""
    return f"got {_type_name(value)}" + (QUOTE_HINT if isinstance(value, bool) else "")


class _Checker:
    def __init__(self, file: str, languages: list[str]):
        self.file = file
        self.languages = languages
        self.issues: list[Issue] = []

    def error(self, path: str, message: str) -> None:
        self.issues.append(Issue(self.file, path, message))

    # -- strings -------------------------------------------------------------------
    def _clean(self, path: str, value: str, max_length: int, multiline: bool) -> str | None:
        if len(value) > max_length:
            self.error(path, f"too long ({len(value)} characters; at most {max_length})")
            return None
        categories = {unicodedata.category(c) for c in value if c not in "\n\t"}
        if "Cs" in categories:
            self.error(path, "contains invalid Unicode (a lone surrogate such as \\ud800); expected text")
            return None
        if categories & {"Cc", "Zl", "Zp"} or (not multiline and "\n" in value):
            self.error(path, "contains control characters or line breaks; expected one line of text")
            return None
        if BIDI_CONTROLS.intersection(value):
            codes = ", ".join(f"U+{ord(c):04X}" for c in sorted(BIDI_CONTROLS.intersection(value)))
            self.error(path, f"contains bidirectional control characters ({codes}) that could reorder "
                       "the text around it; remove them")  # fmt: skip
            return None
        value = unicodedata.normalize("NFC", value).strip()
        if not any(unicodedata.category(c)[0] in "LNPS" for c in value):
            self.error(path, "is empty; expected text" if not value else
                       "has no visible characters; expected text")  # fmt: skip
            return None
        return value

    def _text(self, path: str, value: Any, spec: Field) -> Any:
        limit = max(spec.max_length, MAX_TEXT) if spec.kind == "text" else spec.max_length
        if isinstance(value, (int, float)) and not isinstance(value, bool) and spec.kind == "line":
            value = str(value)
        if isinstance(value, str):
            return self._clean(path, value, limit, multiline=False)
        if spec.kind == "text" and isinstance(value, dict):
            out = {}
            for lang, text in value.items():
                if lang not in LANGUAGES:
                    self.error(f"{path}.{_key(lang)}", "unknown language; expected de or en")
                elif not isinstance(text, str):
                    self.error(f"{path}.{lang}", f"expected text, {_got(text)}")
                else:
                    out[lang] = self._clean(f"{path}.{lang}", text, limit, multiline=False)
            for lang in self.languages:
                if lang not in value:
                    self.error(f"{path}.{lang}", f"missing: the profile is built in {lang}")
            return out if all(out.values()) else None
        expected = "text or a mapping by language {de: ..., en: ...}" if spec.kind == "text" else "text"
        self.error(path, f"expected {expected}, {_got(value)}")
        return None

    # -- scalars -------------------------------------------------------------------
    def field(self, path: str, value: Any, spec: Field) -> Any:
        kind = spec.kind
        if kind in ("text", "line"):
            return self._text(path, value, spec)
        if kind == "bool":
            if isinstance(value, bool):
                return value
            return self.error(path, f"expected true or false, got {_type_name(value)}")
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                return self.error(path, f"expected a whole number, got {_type_name(value)}")
            if spec.choices and show(value) not in spec.choices:
                return self.error(path, f"expected {' or '.join(spec.choices)}, got {show(value)}")
            if spec.min is not None and value < spec.min or spec.max is not None and value > spec.max:
                return self.error(path, f"expected a number from {spec.min} to {spec.max}, got {show(value)}")
            return value
        if kind == "date":
            if isinstance(value, dt.datetime):
                value = value.date()
            if isinstance(value, dt.date):
                return value
            if isinstance(value, str):
                try:
                    return dt.date.fromisoformat(value)
                except ValueError:
                    pass
            return self.error(path, f"expected a date YYYY-MM-DD, got {show(value)}")
        if kind in ("choice", "multichoice"):
            return self._choice(path, value, spec)
        if not isinstance(value, str):
            return self.error(path, f"expected {self._describe(kind)}, {_got(value)}")
        value = value.strip()
        if not value.isprintable():  # control, format and private-use characters, lone surrogates
            what = self._describe(kind)
            return self.error(path, f"contains invisible or control characters; expected {what}")
        checks = {"id": ID_RE, "email": EMAIL_RE, "url": URL_RE, "phone": PHONE_RE,
                  "keyword": KEYWORD_RE, "country": COUNTRY_RE}  # fmt: skip
        if kind == "provider":
            return self._provider(path, value)
        if kind == "region":
            return value  # checked together with the country
        if len(value) > 300 or not checks[kind].fullmatch(value):
            return self.error(path, f"expected {self._describe(kind)}, got {value[:80]!r}")
        return value

    @staticmethod
    def _describe(kind: str) -> str:
        return {
            "id": "an id of 1-64 characters a-z, 0-9 and -",
            "email": "an e-mail address like name@example.com",
            "url": "a web address starting with https:// or http://",
            "phone": "a phone number like +49 89 1234567",
            "keyword": "a word of 2-20 capital letters or digits, like START",
            "country": "a two-letter country code (ISO 3166-1 alpha-2) like DE",
            "provider": "a provider id from `privgen providers`",
            "region": "a German Land code like BY",
        }[kind]

    def _choice(self, path: str, value: Any, spec: Field) -> Any:
        options = ", ".join(spec.choices)
        if spec.kind == "choice":
            if isinstance(value, str) and value in spec.choices:
                return value
            return self.error(path, f"expected one of {options}, got {show(value)}")
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return self.error(path, f"expected a list of {options}, got {_type_name(value)}")
        out, wrong = [], 0
        for i, item in enumerate(value):
            if not isinstance(item, str) or item not in spec.choices:
                wrong += 1
                if wrong <= 5:
                    self.error(f"{path}[{i}]", f"expected one of {options}, got {show(item)}")
            elif item not in out:
                out.append(item)
        if wrong > 5:
            self.error(path, f"{wrong - 5} more items are not one of {options}")
        return out

    def _provider(self, path: str, value: str) -> str | None:
        known = catalog.providers()
        if value in known:
            return value
        hint = catalog.suggest_provider(value)
        if hint and value.lower() in known[hint].aliases:
            return self.error(path, f"unknown provider {show(value)}: it is now called {hint!r}")
        tail = f"; did you mean {hint!r}?" if hint else f" (known: {', '.join(known)})"
        return self.error(path, f"unknown provider {show(value)}{tail}")

    # -- blocks --------------------------------------------------------------------
    def block(self, path: str, value: Any, spec: Block) -> dict | None:
        if not isinstance(value, dict):
            self.error(path or "(top level)", f"expected a mapping of keys, got {_type_name(value)}")
            return None
        out: dict[str, Any] = {}
        for key in value:
            if key not in spec.fields:
                where = f"{path}.{_key(key)}" if path else _key(key)
                known = ", ".join(spec.fields)
                self.error(where, f"unknown key; expected one of: {known}")
        for name, sub in spec.fields.items():
            where = f"{path}.{name}" if path else name
            present = name in value and value[name] is not None
            if isinstance(sub, MapOf):
                out[name] = self.mapof(where, value[name], sub) if present else {}
            elif isinstance(sub, Block):
                if present:
                    out[name] = self.block(where, value[name], sub)
                elif sub.required:
                    self.error(where, "required")
                else:
                    out[name] = None
            elif present:
                out[name] = self.field(where, value[name], sub)
            elif sub.required:
                self.error(where, "required")
            else:
                out[name] = list(sub.default) if isinstance(sub.default, list) else sub.default
        return out

    def mapof(self, path: str, value: Any, spec: MapOf) -> dict:
        if not isinstance(value, dict):
            self.error(path, f"expected a mapping by provider id, got {_type_name(value)}")
            return {}
        out = {}
        for key, sub in value.items():
            where = f"{path}.{_key(key)}"
            pid = self._provider(where, key if isinstance(key, str) else _key(key))
            block = self.block(where, sub if sub is not None else {}, spec.value)
            if pid and block is not None:
                out[pid] = block
        return out


def _cross_checks(c: _Checker, p: dict) -> None:
    address = (p.get("controller") or {}).get("address") or {}
    country, region = address.get("country"), address.get("region")
    region_reported = any(i.path == "controller.address.region" for i in c.issues)
    if country == "DE" and region not in GERMAN_LAENDER and not region_reported:
        lands = ", ".join(GERMAN_LAENDER)
        got = f", got {show(region)}" if region else ""
        c.error("controller.address.region", f"required when country is DE (one of {lands}){got}")
    elif country and country != "DE" and region is not None:
        c.error("controller.address.region", "only used when country is DE; leave it out")
    if country and country != "DE" and catalog.competent_authority(country, None) is None:
        c.error("controller.address.country", f"no supervisory authority known for {country!r}; "
                "expected an EU/EEA country code such as DE, AT or FR")  # fmt: skip
    newsletter = p.get("newsletter")
    if newsletter and newsletter.get("fields") is not None and "email" not in newsletter["fields"]:
        c.error("newsletter.fields", "must include email: a newsletter is sent by e-mail")
    for block in SERVICE_BLOCKS:
        data = p.get(block)
        pid = data.get("provider") if data else None
        service = block
        if pid and service not in catalog.providers()[pid].services:
            c.error(f"{block}.provider", f"{pid!r} does not offer {block.replace('_', ' ')} "
                    "according to the catalog")  # fmt: skip
    for pid, settings in (p.get("providers") or {}).items():
        if settings.get("eu_only") and settings.get("transfer_bases"):
            c.error(f"providers.{pid}.eu_only", "contradicts transfer_bases: a provider that keeps data "
                    "in the EU/EEA needs no transfer safeguards; set only one of them")  # fmt: skip
        fact = catalog.providers()[pid].facts.get("transfers")
        if settings.get("transfer_bases") and not (fact is not None and fact.value):
            message = (
                f"the catalog names no third-country recipient for {pid!r}; "
                "if your contract keeps the data in the EU/EEA, set eu_only: true instead"
            )
            c.error(f"providers.{pid}.transfer_bases", message)
        entity = settings.get("contracting_entity")
        options = [e.get("id") for e in catalog.providers()[pid].entities]
        if entity and entity not in options:
            expected = ", ".join(options) if options else "nothing: the catalog lists no entities"
            c.error(f"providers.{pid}.contracting_entity", f"expected one of {expected}, got {show(entity)}")


def validate(raw: Any, file: str, stem: str) -> tuple[dict | None, list[Issue]]:
    """Check a parsed profile. Returns the normalised profile (or None) and every issue."""
    languages = ["de"]
    if isinstance(raw, dict) and isinstance(raw.get("languages"), list):
        languages = [x for x in raw["languages"] if x in LANGUAGES] or ["de"]
    c = _Checker(file, languages)
    if raw is None:
        c.error("", "the file is empty; expected a profile (see README, 'Profile format')")
        return None, c.issues
    profile = c.block("", raw, PROFILE)
    if profile is None:
        return None, c.issues
    if profile.get("id") is None:
        if ID_RE.fullmatch(stem) and stem not in WINDOWS_RESERVED:
            profile["id"] = stem
        else:
            why = "a reserved file name on Windows" if stem in WINDOWS_RESERVED else "no valid id"
            c.error("id", f"missing, and the file name {show(stem)} is {why} "
                    "(1-64 characters a-z, 0-9 and -)")  # fmt: skip
    elif profile["id"] in WINDOWS_RESERVED:
        c.error("id", f"{profile['id']!r} is a reserved file name on Windows (the output folder is "
                "named after the id); choose another id")  # fmt: skip
    if profile.get("languages") == []:
        c.error("languages", "expected at least one of de, en")
    _cross_checks(c, profile)
    if c.issues:
        return None, c.issues
    used = {profile[b]["provider"] for b in SERVICE_BLOCKS if profile.get(b)}
    for pid in used:
        profile["providers"].setdefault(pid, {"extra_data": [], "contracting_entity": None})
    return profile, []
