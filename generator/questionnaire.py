"""The questionnaire as data (DESIGN.md §2): sections and questions; no prompting here.

Built from `questionnaire.yaml` (labels, help, order, conditions) and the profile format in
`schema.py` (type, required, default, choices, limits), so a profile key is defined once.
Front ends (`prompt.py`, the web page, `to_json()`) share the functions below: which
questions apply to a set of answers, and how flat answers become a profile and back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from . import catalog, i18n
from .errors import ClauseError, QuestionnaireError
from .render import compile_condition, evaluate
from .schema import EEA, LANGUAGES, PROFILE, SERVICE_BLOCKS, Block, Field, MapOf, lookup
from .validate import MAX_TEXT

DATA = Path(__file__).with_name("questionnaire.yaml")
FORMAT_VERSION = 1
CHOICE_TYPES = ("choice", "multichoice", "region", "provider")
# A question may name a more specific type than its schema kind: (kind, type) pairs allowed.
REFINEMENTS = {("line", "choice")}
DYNAMIC_CHOICES = ("authority_countries", "entities")
QUESTION_KEYS = {
    "id", "label", "help", "type", "required", "when", "gate", "each", "terms", "choice_labels",
    "choices_from", "suggest", "states", "if_false",
}  # fmt: skip
SECTION_KEYS = {"id", "title", "intro", "questions"}
TOP_KEYS = {"format_version", "constants", "descriptions", "labels", "terms", "sections"}

Text = dict  # {"de": ..., "en": ...}


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text


@dataclass(frozen=True)
class Term:
    id: str
    title: Text
    text: Text


@dataclass(frozen=True)
class Question:
    """One question; `id` is the profile path it fills (`providers.<id>.x` per provider)."""

    id: str
    section: str
    type: str
    kind: str  # the schema kind (`type` refines it at most, see REFINEMENTS)
    label: Text
    help: Text | None
    required: bool
    default: Any
    when: str | None  # the condition as written in questionnaire.yaml
    condition: str | None  # `when` together with the gate of the block the question is in
    gate: bool = False  # a yes/no question: whether the optional block `id` is present
    each: str | None = None  # "provider": asked once for each provider in use
    terms: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    choices_from: str | None = None
    min: int | None = None
    max: int | None = None
    max_length: int | None = None
    translatable: bool = False
    suggest: dict | None = None
    states: Text | None = None
    if_false: Text | None = None

    def path(self, provider: str | None = None) -> str:
        """The concrete profile path, e.g. `providers.mailjet.extra_data`."""
        return self.id.replace("<id>", provider) if provider else self.id


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    intro: Text | None
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    sections: tuple[Section, ...]
    terms: dict[str, Term]
    constants: dict[str, Any]
    descriptions: dict[str, Text]
    labels: dict[str, dict[str, Text]]

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def question(self, qid: str) -> Question:
        for q in self.questions():
            if q.id == qid:
                return q
        raise KeyError(qid)

    @property
    def gates(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions() if q.gate)


# -- loading ---------------------------------------------------------------------------


def _fail(where: str, message: str) -> QuestionnaireError:
    return QuestionnaireError(f"{DATA.name}: {where}: {message}")


def _text(value: Any, where: str, required: bool = True) -> Text | None:
    if value is None and not required:
        return None
    if isinstance(value, str):
        raise _fail(where, "expected a mapping by language {de: ..., en: ...}, got one string")
    if not isinstance(value, dict) or not set(value) <= set(LANGUAGES):
        raise _fail(where, "expected a mapping by language {de: ..., en: ...}")
    return {lang: str(text).strip() for lang, text in value.items()}


def _choice_label(labels: dict, source: str | None, value: str) -> Text:
    if source is None:
        return {}
    if source.startswith("clauses:"):
        kind = source.split(":", 1)[1]
        return {lang: catalog.labels(lang).get(kind, {}).get(value) for lang in LANGUAGES
                if catalog.labels(lang).get(kind, {}).get(value)}  # fmt: skip
    return dict(labels.get(source, {}).get(value) or {})


def _max_length(field: Field) -> int | None:
    if field.kind in (*CHOICE_TYPES, "bool", "int", "date"):
        return None
    return max(field.max_length, MAX_TEXT) if field.kind == "text" else field.max_length


def _question(raw: dict, section: str, gates: set[str], labels: dict) -> Question:
    qid = str(raw.get("id", "?"))
    where = f"question {qid}"
    unknown = set(raw) - QUESTION_KEYS
    if unknown:
        raise _fail(where, f"unknown keys {sorted(unknown)}; expected some of {sorted(QUESTION_KEYS)}")
    spec = lookup(qid)
    gate = bool(raw.get("gate"))
    if gate:
        if not isinstance(spec, Block) or spec.required:
            raise _fail(where, "gate: true needs an optional block of the profile format")
        kind = qtype = "bool"
        field = Field("bool", default=False)
    else:
        if not isinstance(spec, Field):
            raise _fail(where, "the id is no field of the profile format (generator/schema.py)")
        field, kind = spec, spec.kind
        qtype = raw.get("type", kind)
        if qtype != kind and (kind, qtype) not in REFINEMENTS:
            raise _fail(where, f"type {qtype!r} does not fit the schema kind {kind!r}")
    required = bool(raw.get("required", field.required))
    if field.required and not required:
        raise _fail(where, "required: false, but the profile format requires the field")
    each = raw.get("each")
    if each not in (None, "provider") or (each is None) != ("<id>" not in qid):
        raise _fail(where, "each: provider is needed exactly for `providers.<id>.*` questions")
    choices_from = raw.get("choices_from")
    if choices_from is not None and choices_from not in DYNAMIC_CHOICES:
        raise _fail(where, f"choices_from: expected one of {DYNAMIC_CHOICES}")
    when = raw.get("when")
    if when is not None:
        try:
            compile_condition(str(when), f"{DATA.name}: {qid}")
        except ClauseError as exc:
            raise QuestionnaireError(str(exc)) from None
    top = qid.split(".")[0]
    parts = [top] if top in gates and not gate else []
    if when:
        parts.append(f"({when})" if parts else str(when))
    terms = tuple(raw.get("terms") or ())
    source = raw.get("choice_labels")
    static = tuple(Choice(v, _choice_label(labels, source, v)) for v in field.choices if kind != "int")
    return Question(
        id=qid,
        section=section,
        type=qtype,
        kind=kind,
        label=_text(raw.get("label"), f"{where}: label"),
        help=_text(raw.get("help"), f"{where}: help", required=False),
        required=required,
        default=list(field.default) if isinstance(field.default, list) else field.default,
        when=str(when) if when is not None else None,
        condition=" and ".join(parts) or None,
        gate=gate,
        each=each,
        terms=terms,
        choices=static,
        choices_from=choices_from,
        min=field.min,
        max=field.max,
        max_length=_max_length(field),
        translatable=kind == "text",
        suggest=dict(raw["suggest"]) if raw.get("suggest") else None,
        states=_text(raw.get("states"), f"{where}: states", required=False),
        if_false=_text(raw.get("if_false"), f"{where}: if_false", required=False),
    )


def _build(data: Any) -> Questionnaire:
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        raise _fail("top level", f"expected a mapping with format_version: {FORMAT_VERSION}")
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise _fail("top level", f"unknown keys {sorted(unknown)}")
    labels = data.get("labels") or {}
    raw_sections = data.get("sections") or []
    gates = {str(q.get("id")) for s in raw_sections for q in s.get("questions") or [] if q.get("gate")}
    sections, seen = [], set()
    for raw in raw_sections:
        sid = str(raw.get("id", "?"))
        if set(raw) - SECTION_KEYS:
            raise _fail(f"section {sid}", f"unknown keys {sorted(set(raw) - SECTION_KEYS)}")
        questions = tuple(_question(q, sid, gates, labels) for q in raw.get("questions") or [])
        for q in questions:
            if q.id in seen:
                raise _fail(f"question {q.id}", "asked twice")
            seen.add(q.id)
        sections.append(
            Section(
                id=sid,
                title=_text(raw.get("title"), f"section {sid}: title"),
                intro=_text(raw.get("intro"), f"section {sid}: intro", required=False),
                questions=questions,
            )
        )
    terms = {
        tid: Term(tid, _text(t.get("title"), f"term {tid}: title"), _text(t.get("text"), f"term {tid}: text"))
        for tid, t in (data.get("terms") or {}).items()
    }
    for q in (q for s in sections for q in s.questions):
        missing = [t for t in q.terms if t not in terms]
        if missing:
            raise _fail(f"question {q.id}", f"unknown terms {missing}")
    descriptions = {
        str(k): _text(v, f"descriptions: {k}") for k, v in (data.get("descriptions") or {}).items()
    }
    return Questionnaire(tuple(sections), terms, dict(data.get("constants") or {}), descriptions, labels)


@cache
def load() -> Questionnaire:
    """The questionnaire (cached)."""
    try:
        data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise QuestionnaireError(f"{DATA.name}: cannot load: {exc}") from None
    return _build(data)


# -- choices ---------------------------------------------------------------------------


def choices(q: Question, provider: str | None = None) -> list[Choice]:
    """The options of a question; provider lists and a few others come from the catalog."""
    if q.type == "provider":
        service = q.id.split(".")[0]
        return [
            Choice(p.id, dict.fromkeys(LANGUAGES, p.name))
            for p in catalog.providers().values()
            if service in p.services
        ]
    if q.choices_from == "authority_countries":
        codes = ["DE", *sorted(catalog.authorities().get("countries") or {})]
        return [Choice(c, {lang: i18n.country_name(c, lang) for lang in LANGUAGES}) for c in codes]
    if q.choices_from == "entities":
        if provider is None:
            return []
        return [
            Choice(str(e.get("id")), dict.fromkeys(LANGUAGES, str(e.get("name") or e.get("id"))))
            for e in catalog.providers()[provider].entities
        ]
    return list(q.choices)


def localise(text: Text | None, lang: str) -> str:
    """The text in lang (German, then English, as fallback)."""
    if not text:
        return ""
    return text.get(lang) or text.get("de") or text.get("en") or ""


# -- conditions ------------------------------------------------------------------------


def used_providers(profile: dict) -> list[str]:
    """Provider ids in use, in the order newsletter, transactional e-mail, SMS, without repeats."""
    out: list[str] = []
    for block in SERVICE_BLOCKS:
        data = profile.get(block)
        pid = data.get("provider") if isinstance(data, dict) else None
        if isinstance(pid, str) and pid in catalog.providers() and pid not in out:
            out.append(pid)
    return out


def provider_facts(pid: str) -> dict:
    """What per-provider conditions may ask about a provider (`this` in a condition)."""
    p = catalog.providers()[pid]
    fact = p.facts.get("transfers")
    return {
        "id": pid,
        "name": p.name,
        "transfers_confirmed": bool(fact is not None and fact.confirmed),
        "third_country_recipients": bool(fact is not None and fact.value),
        "entities": [str(e.get("id")) for e in p.entities],
    }


def _fill(spec: Block, value: Any) -> dict:
    value = value if isinstance(value, dict) else {}
    out = {}
    for name, sub in spec.fields.items():
        got = value.get(name)
        if isinstance(sub, Block):
            out[name] = _fill(sub, got)
        elif got is not None:
            out[name] = got
        else:
            out[name] = list(sub.default) if isinstance(sub.default, list) else sub.default
    return out


def condition_context(profile: dict, provider: str | None = None) -> dict:
    """The names a question's condition sees: every profile key (defaults filled in; a gated
    block that is off is none), `used_providers`, `eea`, and for per-provider questions
    `this` (see provider_facts) and `settings` (the answers for that provider)."""
    gates = load().gates
    ctx: dict[str, Any] = {}
    for name, spec in PROFILE.fields.items():
        value = profile.get(name)
        if isinstance(spec, MapOf):
            value = value if isinstance(value, dict) else {}
            ctx[name] = {str(k): _fill(spec.value, v) for k, v in value.items()}
        elif isinstance(spec, Block):
            ctx[name] = None if name in gates and not isinstance(value, dict) else _fill(spec, value)
        else:
            ctx[name] = value if value is not None else spec.default
    ctx["used_providers"] = used_providers(profile)
    ctx["eea"] = list(EEA)
    if provider is not None:
        ctx["this"] = provider_facts(provider)
        ctx["settings"] = ctx["providers"].get(provider) or _fill(PROFILE.fields["providers"].value, {})
    return ctx


def applies(q: Question, profile: dict, provider: str | None = None) -> bool:
    """Whether the question is asked, given the answers so far (as a profile)."""
    if q.condition is None:
        return True
    return evaluate(q.condition, condition_context(profile, provider), f"{DATA.name}: {q.id}")


def concrete(profile: dict, extra_providers: tuple[str, ...] = ()) -> list[tuple[Question, str, str | None]]:
    """(question, path, provider) for every question in order; per-provider questions once for
    each provider in use (and each of extra_providers)."""
    out: list[tuple[Question, str, str | None]] = []
    known = catalog.providers()
    pids = used_providers(profile) + [p for p in extra_providers if p in known]
    pids = list(dict.fromkeys(pids))
    for q in load().questions():
        if q.each == "provider":
            out += [(q, q.path(pid), pid) for pid in pids]
        else:
            out.append((q, q.id, None))
    return out


# -- answers <-> profile ---------------------------------------------------------------


def _set(tree: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        nxt = tree.get(part)
        if not isinstance(nxt, dict):
            nxt = tree[part] = {}
        tree = nxt
    tree[parts[-1]] = value


def _get(tree: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(tree, dict):
            return None
        tree = tree.get(part)
    return tree


def _nest(answers: dict[str, Any]) -> dict:
    qn = load()
    tree: dict = dict(qn.constants)
    gates = set(qn.gates)
    for path, value in answers.items():
        top = path.split(".")[0]
        if path in gates:
            if value is True and not isinstance(tree.get(path), dict):
                tree[path] = {}
            continue
        if top in gates and answers.get(top) is not True:
            continue
        if value is None or value == []:
            continue
        _set(tree, path, value)
    return tree


def _ordered(tree: dict, spec: Block, order: list[str] | None = None) -> dict:
    out: dict = {}
    gates = set(load().gates)
    for name, sub in spec.fields.items():
        if name not in tree:
            continue
        value = tree[name]
        if isinstance(sub, MapOf):
            keys = [k for k in (order or []) if k in value] + [k for k in value if k not in (order or [])]
            inner = {k: _ordered(value[k], sub.value) for k in keys}
            inner = {k: v for k, v in inner.items() if v}
            if inner:
                out[name] = inner
        elif isinstance(sub, Block) and isinstance(value, dict):
            inner = _ordered(value, sub)
            if inner or name in gates:
                out[name] = inner
        else:
            out[name] = value
    return out


def answers_to_profile(answers: dict[str, Any]) -> dict:
    """A profile (keys in the format's order) from flat answers {path: value}.

    Answers of questions that do not apply (a block answered "no", a condition that is
    false) are left out, as are empty answers."""
    kept = {k: v for k, v in answers.items() if v is not None}
    for _ in range(8):  # conditions depend on answers: repeat until nothing changes
        tree = _nest(kept)
        applying = {path for q, path, pid in concrete(tree) if applies(q, tree, pid)}
        reduced = {k: v for k, v in kept.items() if k in applying}
        if reduced == kept:
            break
        kept = reduced
    tree = _nest(kept)
    return _ordered(tree, PROFILE, used_providers(tree))


def _leaves(raw: Any, prefix: str = "") -> list[str]:
    """Paths of the values in a raw profile (free text {de, en} counts as one value)."""
    if not isinstance(raw, dict):
        return [prefix] if prefix else []
    spec = lookup(prefix) if prefix else PROFILE
    if isinstance(spec, Field):
        return [prefix]
    out = []
    for key, value in raw.items():
        out += _leaves(value, f"{prefix}.{key}" if prefix else str(key))
    return out


def profile_to_answers(raw: Any) -> tuple[dict[str, Any], list[str]]:
    """Flat answers from a (possibly invalid) parsed profile, and the paths no question takes."""
    if not isinstance(raw, dict):
        return {}, []
    qn = load()
    extra = (
        tuple(str(k) for k in (raw.get("providers") or {})) if isinstance(raw.get("providers"), dict) else ()
    )
    answers: dict[str, Any] = {}
    for q, path, _ in concrete(raw, extra):
        if q.gate:
            answers[path] = isinstance(raw.get(path), dict)
        else:
            value = _get(raw, path)
            if value is not None:
                answers[path] = value
    taken = set(answers) | set(qn.constants)
    ignored = [p for p in _leaves(raw) if p not in taken and _get(raw, p) is not None]
    return answers, ignored


# -- small helpers for front ends ------------------------------------------------------


def slug(text: Any) -> str:
    """An id from a name: 'Müller & Söhne GmbH' -> 'mueller-soehne-gmbh'."""
    if isinstance(text, dict):
        text = text.get("de") or text.get("en") or ""
    value = str(text or "").lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        value = value.replace(a, b)
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^a-z0-9]+", "-", value).strip("-")
    return value[:64].strip("-")


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {name} placeholders (only the given names) in a label."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def processors(profile: dict, lang: str) -> str:
    """'Muster Hosting GmbH, Mailjet and Mailchimp': the processors a profile names."""
    names = []
    hosting = profile.get("hosting")
    if isinstance(hosting, dict) and hosting.get("name"):
        name = hosting["name"]
        names.append(localise(name, lang) if isinstance(name, dict) else str(name))
    names += [catalog.providers()[pid].name for pid in used_providers(profile)]
    return i18n.fmt_list(names, lang) if names else ""


# -- JSON ------------------------------------------------------------------------------


def _loc(text: Text | None, lang: str | None) -> Any:
    if text is None:
        return None
    return localise(text, lang) if lang else {k: text.get(k) for k in LANGUAGES}


def _choices_json(items: list[Choice], lang: str | None) -> list[dict]:
    return [{"value": c.value, "label": _loc(c.label, lang)} for c in items]


def question_json(q: Question, lang: str | None = None) -> dict:
    data: dict[str, Any] = {
        "id": q.id,
        "type": q.type,
        "required": q.required,
        "default": q.default,
        "when": q.condition,
        "gate": q.gate,
        "each": q.each,
        "label": _loc(q.label, lang),
        "help": _loc(q.help, lang),
        "terms": list(q.terms),
        "translatable": q.translatable,
    }
    if q.type in CHOICE_TYPES or q.choices_from:
        if q.choices_from == "entities":
            data["choices_by_provider"] = {
                pid: _choices_json(choices(q, pid), lang)
                for pid, p in catalog.providers().items()
                if p.entities
            }
        else:
            data["choices"] = _choices_json(choices(q), lang)
    for key in ("min", "max", "max_length"):
        if getattr(q, key) is not None:
            data[key] = getattr(q, key)
    for key in ("suggest", "states", "if_false"):
        value = getattr(q, key)
        if value is not None:
            data[key] = value if key == "suggest" else _loc(value, lang)
    return data


def to_json(lang: str | None = None) -> dict:
    """The whole questionnaire for front ends; texts in lang, or {de, en} when lang is None."""
    qn = load()
    return {
        "format": "privgen-questionnaire",
        "format_version": FORMAT_VERSION,
        "profile_format": qn.constants.get("profile"),
        "lang": lang,
        "constants": qn.constants,
        "sections": [
            {
                "id": s.id,
                "title": _loc(s.title, lang),
                "intro": _loc(s.intro, lang),
                "questions": [question_json(q, lang) for q in s.questions],
            }
            for s in qn.sections
        ],
        "terms": {
            t.id: {"title": _loc(t.title, lang), "text": _loc(t.text, lang)} for t in qn.terms.values()
        },
    }
