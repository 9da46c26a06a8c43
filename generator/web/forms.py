"""The questionnaire as web forms: what a page shows, and what a sent form means.

No Flask here, only plain functions over questionnaire.py (which questions apply) and
answers.py (turning input into a value and checking it with validate.py's rules), the same
functions `privgen init` uses. A question's form field is named by its profile path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import answers as rules
from ..catalog import providers as catalog_providers
from ..questionnaire import (
    CHOICE_TYPES,
    Question,
    Section,
    answers_to_profile,
    applies,
    choices,
    fill,
    load,
    localise,
    processors,
    slug,
    used_providers,
)
from ..schema import LANGUAGES
from .texts import text

MAX_RADIOS = 10  # longer lists become a <select>
Entry = tuple[Question, str, str | None]  # the question, its concrete path, its provider

# Input types and autocomplete tokens that help browsers and people who fill forms often.
INPUT_TYPES = {"email": "email", "url": "url", "phone": "tel"}
AUTOCOMPLETE = {
    "controller.name": "organization",
    "controller.address.street": "address-line1",
    "controller.address.postal_code": "postal-code",
    "controller.address.city": "address-level2",
    "controller.email": "email",
    "controller.phone": "tel",
    "controller.website": "url",
}
SHORT = ("int", "keyword", "date", "id", "phone")


# -- which questions apply -----------------------------------------------------------------


def applicable(section: Section, answers: dict) -> list[Entry]:
    """The questions of a section that apply to the answers, in order (per provider in use)."""
    profile = answers_to_profile(answers)
    pids = used_providers(profile)
    out: list[Entry] = []
    for q in section.questions:
        for pid in pids if q.each else [None]:
            if applies(q, profile, pid):
                out.append((q, q.path(pid), pid))
    return out


def active_sections(answers: dict) -> list[Section]:
    """The sections with at least one question that applies."""
    return [s for s in load().sections if applicable(s, answers)]


def section_by_id(sid: str) -> Section | None:
    return next((s for s in load().sections if s.id == sid), None)


def resolve(section: Section, path: str) -> tuple[Question, str | None] | None:
    """The question (and provider) of a section that fills path, or None."""
    for q in section.questions:
        if q.each:
            prefix, _, rest = q.id.partition(".<id>.")
            parts = path.split(".")
            if len(parts) == 3 and (parts[0], parts[2]) == (prefix, rest) and parts[1] in catalog_providers():
                return q, parts[1]
        elif q.id == path:
            return q, None
    return None


def question_section(path: str) -> Section | None:
    """The section whose question fills path (or the nearest field above it)."""
    for section in load().sections:
        if resolve(section, path):
            return section
    return None


def label(q: Question, lang: str, answers: dict, provider: str | None) -> str:
    """The question's text in lang, with {provider} and {processors} filled in."""
    values = {"processors": processors(answers_to_profile(answers), lang) or "—"}
    if provider:
        values["provider"] = catalog_providers()[provider].name
    return fill(localise(q.label, lang), values)


def sentence(message: str) -> str:
    """A message as a sentence: validate.py's start in lower case ('expected ...')."""
    return message[:1].upper() + message[1:]


def with_label(label: str, message: str) -> str:
    """'Postcode: This answer is needed.', 'Which service ...? This answer is needed.'"""
    return f"{label} {message}" if label.endswith(("?", "!", ".", ":")) else f"{label}: {message}"


def html_id(path: str) -> str:
    return "f-" + path.replace(".", "-").replace("_", "-")


# -- what a page shows ---------------------------------------------------------------------


@dataclass
class Option:
    value: str
    label: str
    id: str
    checked: bool


@dataclass
class FieldView:
    """One question as the template renders it."""

    path: str
    id: str  # the id of the (first) control: the error summary links to it
    label: str
    hint: str
    widget: str  # text | radios | checkboxes | select | languages
    input_type: str = "text"
    width: str = "long"
    value: str = ""
    options: list[Option] = field(default_factory=list)
    languages: list[tuple[str, str, str, str]] = field(default_factory=list)  # (lang, id, label, value)
    optional: bool = False
    error: str | None = None
    note: str | None = None
    terms: list[tuple[str, str]] = field(default_factory=list)  # (title, text)
    new: bool = False
    group: str | None = None  # a heading before the field (the provider, on the providers page)
    autocomplete: str = "off"
    inputmode: str | None = None
    spellcheck: bool = True

    @property
    def describedby(self) -> str:
        parts = [f"{self.id}-hint"] if self.hint else []
        if self.error:
            parts.append(f"{self.id}-error")
        return " ".join(parts)


def _is_bool(q: Question) -> bool:
    return q.type == "bool"


def _options(q: Question, lang: str, provider: str | None) -> list[tuple[str, str]]:
    if _is_bool(q):
        return [("yes", text(lang, "yes")), ("no", text(lang, "no"))]
    return [(c.value, localise(c.label, lang) or c.value) for c in choices(q, provider)]


def _widget(q: Question, options: list) -> str:
    if _is_bool(q):
        return "radios"
    if q.type == "multichoice":
        return "checkboxes"
    if q.type in CHOICE_TYPES or q.choices_from:
        return "radios" if len(options) <= MAX_RADIOS else "select"
    return "text"


def _asks_explicitly(q: Question) -> bool:
    """Yes/no questions whose answer must be given (no preselection): a gate ("Do you send a
    newsletter?") and required ones (the confirmations)."""
    return _is_bool(q) and (q.gate or q.required)


def suggestion(q: Question, path: str, answers: dict) -> Any:
    """What the form shows for a question never answered: the format's default, or a proposal."""
    if q.suggest and "slug" in q.suggest:
        return slug(answers.get(str(q.suggest["slug"]))) or None
    if _asks_explicitly(q):
        return None
    return q.default


def shown_value(q: Question, path: str, answers: dict, drafts: dict) -> Any:
    """The value a field shows: what was typed (when it did not fit), the answer, a suggestion."""
    if path in drafts:
        return drafts[path]
    if path in answers:
        return answers[path]
    return suggestion(q, path, answers)


def as_text(value: Any, lang: str) -> str:
    """A value in a text box: dates in the language's format, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return text(lang, "yes" if value else "no")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y") if lang == "de" else value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _selected(q: Question, value: Any) -> set[str]:
    if _is_bool(q):
        if value is True or value in ("yes",):
            return {"yes"}
        if value is False or value in ("no",):
            return {"no"}
        return set()
    if isinstance(value, list):
        return {str(v) for v in value}
    return set() if value in (None, "") else {str(value)}


def field_view(
    entry: Entry, lang: str, answers: dict, drafts: dict, errors: dict, new: bool = False
) -> FieldView:
    q, path, provider = entry
    options = _options(q, lang, provider)
    widget = _widget(q, options)
    value = shown_value(q, path, answers, drafts)
    hint = localise(q.help, lang)
    if q.suggest and "slug" in q.suggest:
        hint = f"{hint} {text(lang, 'id_hint')}".strip()
    elif q.type == "date":
        hint = f"{hint} {text(lang, 'date_hint')}".strip()
    elif q.type == "country" and widget == "text":
        hint = f"{hint} {text(lang, 'country_hint')}".strip()
    qn = load()
    view = FieldView(
        path=path,
        id=html_id(path),
        label=label(q, lang, answers, provider),
        hint=hint,
        widget=widget,
        optional=False,
        error=errors.get(path),
        terms=[(localise(qn.terms[t].title, lang), localise(qn.terms[t].text, lang)) for t in q.terms],
        new=new,
    )
    if widget == "text" and q.translatable and isinstance(value, dict):
        view.widget = "languages"
        view.languages = [
            (
                lg,
                f"{view.id}-{lg}",
                text(lang, "per_language", label=view.label, language=text(lg, "lang_name")),
                str(value.get(lg) or ""),
            )
            for lg in LANGUAGES
        ]
        view.id = view.languages[0][1]
    elif widget == "text":
        view.value = as_text(value, lang)
        view.input_type = INPUT_TYPES.get(q.type, "text")
        view.width = "short" if q.type in SHORT else ("medium" if q.type in ("line", "country") else "long")
        view.autocomplete = AUTOCOMPLETE.get(path, "off")
        view.inputmode = "numeric" if q.type == "int" else None
        view.spellcheck = q.type in ("text", "line")
    else:
        selected = _selected(q, value)
        if widget == "radios" and not (q.required or q.gate) and q.default is None:
            options.append(("", text(lang, "no_answer")))  # a way back to "no answer"
            if not selected and path in answers:
                selected = {""}
        view.options = [
            Option(v, lbl, f"{view.id}-{i}" if i else view.id, v in selected)
            for i, (v, lbl) in enumerate(options)
        ]
        if widget == "select":
            view.options.insert(0, Option("", text(lang, "choose"), "", not selected))
    # "optional" where an answer may be left out (not where a default is preselected)
    empty_means_default = q.default not in (None, []) and widget in ("radios", "checkboxes")
    view.optional = not (q.required or q.gate or empty_means_default)
    if q.if_false and value is False and not view.error:
        view.note = localise(q.if_false, lang)
    return view


def field_views(
    entries: list[Entry], lang: str, answers: dict, drafts: dict, errors: dict, appeared: list[str]
) -> list[FieldView]:
    """The fields of a page; per-provider questions grouped under a heading with the
    provider's name (providers in the order newsletter, transactional e-mail, SMS)."""
    order = {pid: i for i, pid in enumerate(used_providers(answers_to_profile(answers)))}
    entries = sorted(entries, key=lambda e: order.get(e[2], -1) if e[2] else -1)  # stable
    views, last = [], None
    for entry in entries:
        view = field_view(entry, lang, answers, drafts, errors, entry[1] in appeared)
        provider = entry[2]
        if provider and provider != last:
            view.group = catalog_providers()[provider].name
        last = provider
        views.append(view)
    return views


# -- what a sent form means ----------------------------------------------------------------


@dataclass
class Outcome:
    answers: dict[str, Any]  # every answer, with this page's
    drafts: dict[str, Any]  # what was typed where it did not fit
    errors: dict[str, str]  # path -> message, for this page's questions
    appeared: list[str]  # questions that apply now but were not on the page
    saved: list[str]  # paths whose answers were taken


def _raw(getlist: Callable[[str], list[str]], q: Question, path: str) -> Any:
    """What the form sent for a question: text, a list (checkboxes) or {lang: text}."""
    if q.type == "multichoice":
        return [v for v in getlist(path) if v]
    per_language = {lg: (getlist(f"{path}.{lg}") or [""])[0] for lg in LANGUAGES}
    if q.translatable and any(getlist(f"{path}.{lg}") for lg in LANGUAGES):
        return per_language
    return (getlist(path) or [""])[0]


def _value(q: Question, raw: Any, lang: str, provider: str | None) -> Any:
    """The answer sent, parsed with answers.parse (AnswerError when it cannot be one)."""
    if isinstance(raw, dict):
        kept = {lg: v.strip() for lg, v in raw.items() if v.strip()}
        return kept or None
    if isinstance(raw, list):
        return rules.parse(q, ",".join(raw), lang, provider) if raw else []
    if not raw.strip():
        return None
    return rules.parse(q, raw, lang, provider)


def stem(answers: dict) -> str:
    """The name validate.py gives a profile without an id: one made from the controller's name."""
    return slug(answers.get("controller.name")) or "profile"


def submit(
    section: Section, getlist: Callable[[str], list[str]], shown: list[str], answers: dict, lang: str
) -> Outcome:
    """Read the questions that were on the page (`shown`), check each answer with the
    answers so far, and find the questions the new answers add to this page."""
    new = dict(answers)
    drafts: dict[str, Any] = {}
    errors: dict[str, str] = {}
    entries: dict[str, tuple[Question, str | None]] = {}
    for path in dict.fromkeys(shown):
        found = resolve(section, path)
        if found is not None:
            entries[path] = found
    for path, (q, pid) in entries.items():
        raw = _raw(getlist, q, path)
        try:
            new[path] = _value(q, raw, lang, pid)
        except rules.AnswerError as exc:
            new[path] = None
            drafts[path], errors[path] = raw, sentence(str(exc))
    for path, (q, _) in entries.items():  # a proposal for an empty answer (the id from the name)
        if new.get(path) is None and path not in errors and q.suggest and "slug" in q.suggest:
            new[path] = slug(new.get(str(q.suggest["slug"]))) or None
    now = applicable(section, new)
    for q, path, _ in now:
        if path not in entries or path in errors:
            continue
        value = new.get(path)
        if value in (None, []) and (q.required or q.gate):
            errors[path] = rules.message(lang, "bool" if _is_bool(q) else "required")
        elif value not in (None, []) and not q.gate:
            problems = rules.check(new, path, value, lang, stem(new))
            if problems:
                errors[path] = " ".join(sentence(m) for m in problems)
        if path in errors and path not in drafts:
            drafts[path] = _raw(getlist, q, path)
    asked = {path for _, path, _ in now}
    for path in [p for p in errors if p not in asked]:  # no longer asked (a "no" above it)
        errors.pop(path)
        drafts.pop(path, None)
    appeared = [path for _, path, _ in now if path not in entries]
    saved = [p for p in entries if p not in errors]
    return Outcome(new, drafts, errors, appeared, saved)


# -- the whole profile ---------------------------------------------------------------------


def issue_target(issue_path: str) -> tuple[Section, str] | None:
    """The section and question path a validation issue belongs to (`newsletter.fields[1]`
    and `controller.name.en` belong to their question), or None."""
    path = issue_path.split("[")[0]
    for section in load().sections:  # a missing block: its first question ("controller" -> its name)
        for q in section.questions:
            if path and q.id.startswith(path + ".") and not q.each:
                return section, q.id
    while path:
        section = question_section(path)
        if section is not None:
            return section, path
        if "." not in path:
            break
        path = path.rsplit(".", 1)[0]
    return None
