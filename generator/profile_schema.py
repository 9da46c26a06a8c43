"""`privgen schema`: a JSON Schema (draft 2020-12) of the profile format v1.

Derived from schema.py (keys, kinds, defaults, limits), the questionnaire (descriptions,
choices) and the catalog (provider ids, contracting entities), so editors offer the same
keys and values that `privgen check` accepts. Cross-field rules that JSON Schema can say
(region only for DE, e-mail among the newsletter fields) are added here; the rest stays
with validate.py.
"""

from __future__ import annotations

import json
from typing import Any

from . import catalog
from .questionnaire import Question, choices, load, localise
from .schema import GERMAN_LAENDER, LANGUAGES, PROFILE, Block, Field, MapOf
from .validate import EMAIL_RE, ID_RE, KEYWORD_RE, MAX_TEXT, PHONE_RE, URL_RE

DRAFT = "https://json-schema.org/draft/2020-12/schema"
PATTERNS = {"id": ID_RE, "email": EMAIL_RE, "url": URL_RE, "phone": PHONE_RE, "keyword": KEYWORD_RE}
COUNTRY_PATTERN = "^[A-Z]{2}$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


def _pattern(regex) -> str:
    # ECMA-262 (what editors use) rejects needless escapes such as \" in unicode mode
    return "^(?:" + regex.pattern.replace('\\"', '"') + ")$"


def _description(q: Question | None, lang: str, fallback: str = "", provider: str | None = None) -> str:
    if q is None:
        return fallback
    processors = {"de": "Ihrem Hoster und Ihren Diensten", "en": "your hosting company and your providers"}
    name = catalog.providers()[provider].name if provider else "—"
    text = localise(q.label, lang).replace("{provider}", name).replace("{processors}", processors[lang])
    if q.help:
        text += ("" if text[-1:] in ".?!:" else ".") + " " + localise(q.help, lang)
    return text


def _nullable(schema: dict) -> dict:
    """Optional values may be written empty (`key:`), which YAML reads as null."""
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    if isinstance(schema.get("type"), str):
        return {**schema, "type": [schema["type"], "null"]}
    if isinstance(schema.get("type"), list):
        return {**schema, "type": [*schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _enum(values: list) -> dict:
    return {"enum": list(values)}


def _field(path: str, spec: Field, q: Question | None, provider: str | None, lang: str) -> dict:
    kind = spec.kind
    if kind == "text":
        if max(spec.max_length, MAX_TEXT) != MAX_TEXT:  # pragma: no cover - one shared definition
            raise ValueError(f"{path}: a longer text needs its own JSON Schema definition")
        schema: dict[str, Any] = {"$ref": "#/$defs/text"}
    elif kind == "line":
        if q is not None and q.choices_from == "entities":
            schema = _enum([c.value for c in choices(q, provider)]) if provider else {"type": "string"}
        else:
            schema = {"type": ["string", "number"], "maxLength": spec.max_length}
    elif kind == "int":
        schema = {"type": "integer"}
        if spec.choices:
            schema = (
                {"const": int(spec.choices[0])}
                if len(spec.choices) == 1
                else _enum([int(c) for c in spec.choices])
            )
        if spec.min is not None:
            schema["minimum"] = spec.min
        if spec.max is not None:
            schema["maximum"] = spec.max
    elif kind == "bool":
        schema = {"type": "boolean"}
    elif kind == "date":
        schema = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    elif kind in PATTERNS:
        schema = {"type": "string", "maxLength": 300, "pattern": _pattern(PATTERNS[kind])}
    elif kind == "country":
        if q is not None and q.choices_from:
            schema = _enum([c.value for c in choices(q)])
        else:
            schema = {"type": "string", "pattern": COUNTRY_PATTERN}
    elif kind == "region":
        schema = _enum(list(GERMAN_LAENDER))
    elif kind == "provider":
        schema = _enum([c.value for c in choices(q)]) if q is not None else {"type": "string"}
    elif kind == "choice":
        schema = _enum(list(spec.choices))
    elif kind == "multichoice":
        one = _enum(list(spec.choices))
        schema = {"anyOf": [one, {"type": "array", "items": one}]}
        if path == "newsletter.fields":  # validate.py: a newsletter is sent by e-mail
            schema = {
                "anyOf": [{"const": "email"}, {"type": "array", "items": one, "contains": {"const": "email"}}]
            }
    else:  # pragma: no cover - a new kind in schema.py needs a rule here
        raise ValueError(f"no JSON Schema rule for kind {kind!r} ({path})")
    if not spec.required:
        schema = _nullable(schema)
    described: dict[str, Any] = {}
    text = _description(q, lang, spec.help, provider)
    if text:
        described["description"] = text
    if spec.default is not None:
        described["default"] = spec.default
    return {**described, **schema}


def _block(path: str, spec: Block, lang: str, provider: str | None = None) -> dict:
    qn = load()
    questions = {q.id: q for q in qn.questions()}
    props: dict[str, Any] = {}
    required = []
    for name, sub in spec.fields.items():
        sub_path = f"{path}.{name}" if path else name
        generic = sub_path.replace(f"providers.{provider}.", "providers.<id>.") if provider else sub_path
        if isinstance(sub, MapOf):
            props[name] = _providers(sub_path, sub, lang)
        elif isinstance(sub, Block):
            props[name] = _block(sub_path, sub, lang)
            gate = questions.get(sub_path)
            text = _description(gate, lang) if gate else localise(qn.descriptions.get(sub_path), lang)
            if text:
                props[name] = {"description": text, **props[name]}
            if not sub.required:
                props[name]["type"] = ["object", "null"]
        else:
            no_entities = provider is not None and not catalog.providers()[provider].entities
            if generic == "providers.<id>.contracting_entity" and no_entities:
                continue  # validate.py: nothing to choose for this provider
            props[name] = _field(generic, sub, questions.get(generic), provider, lang)
        if getattr(sub, "required", False):
            required.append(name)
    out: dict[str, Any] = {"type": "object"}
    if required:
        out["required"] = required
    out["properties"] = props
    out["additionalProperties"] = False
    if path == "controller.address":
        out["allOf"] = [
            {
                "if": {"properties": {"country": {"const": "DE"}}, "required": ["country"]},
                "then": {"required": ["region"], "properties": {"region": _enum(list(GERMAN_LAENDER))}},
                "else": {"properties": {"region": {"type": "null"}}},
            }
        ]
    return out


def _providers(path: str, spec: MapOf, lang: str) -> dict:
    ids = list(catalog.providers())
    return {
        "description": localise(load().descriptions.get(path), lang),
        "type": ["object", "null"],
        "propertyNames": _enum(ids),
        "properties": {
            pid: {
                "description": catalog.providers()[pid].name,
                **_block(f"{path}.{pid}", spec.value, lang, pid),
                "type": ["object", "null"],
            }
            for pid in ids
        },
        "additionalProperties": False,
    }


def json_schema(lang: str = "en") -> dict:
    """The JSON Schema of the profile format, descriptions in lang."""
    body = _block("", PROFILE, lang)
    qn = load()
    text = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT}
    return {
        "$schema": DRAFT,
        "title": {"de": "privgen-Profil (Format 1)", "en": "privgen profile (format 1)"}[lang],
        "description": localise(qn.descriptions.get(""), lang),
        **body,
        "$defs": {
            "text": {
                "description": {
                    "de": "Text für alle Sprachen, oder je Sprache: {de: ..., en: ...}",
                    "en": "Text for every language, or one per language: {de: ..., en: ...}",
                }[lang],
                "anyOf": [
                    text,
                    {
                        "type": "object",
                        "properties": dict.fromkeys(LANGUAGES, text),
                        "additionalProperties": False,
                        "minProperties": 1,
                    },
                ],
            }
        },
    }


def dumps(schema: dict) -> str:
    """Stable text: the committed docs/profile.schema.json must equal this byte for byte."""
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
