"""One answer at a time: typed text -> value, then checked with validate.py's rules.

Front ends (the terminal, the web page) turn what a person typed into a value with
`parse()`, then call `check()`, which validates the whole profile the answers so far make
(validate.py, the same rules as `privgen check`) and keeps the issues of this one answer.
Messages come in the user's language: validate.py speaks English, `translate()` renders
its messages in German.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

from babel import Locale

from .questionnaire import CHOICE_TYPES, Question, answers_to_profile, choices, localise
from .validate import validate

YES = {"j", "ja", "y", "yes", "true", "wahr", "1"}
NO = {"n", "nein", "no", "false", "falsch", "0"}

MESSAGES = {
    "de": {
        "bool": "Bitte mit ja oder nein antworten.",
        "int": "Bitte eine ganze Zahl eingeben.",
        "int_range": "Bitte eine ganze Zahl von {min} bis {max} eingeben.",
        "date": "Bitte ein Datum wie 29.11.2026 oder 2026-11-29 eingeben.",
        "choice": "Bitte eine Nummer von 1 bis {n} oder einen Eintrag aus der Liste eingeben.",
        "choice_item": (
            "„{item}“ steht nicht in der Liste. "
            "Bitte Nummern von 1 bis {n} oder Einträge aus der Liste eingeben."
        ),
        "country": (
            "Unbekanntes Land „{value}“. "
            "Bitte ein Kürzel wie DE, AT oder FR oder den Namen des Landes eingeben."
        ),
        "required": "Diese Angabe ist nötig.",
    },
    "en": {
        "bool": "Please answer yes or no.",
        "int": "Please enter a whole number.",
        "int_range": "Please enter a whole number from {min} to {max}.",
        "date": "Please enter a date like 2026-11-29.",
        "choice": "Please enter a number from 1 to {n} or an entry from the list.",
        "choice_item": (
            "'{item}' is not in the list. Please enter numbers from 1 to {n} or entries from the list."
        ),
        "country": (
            "Unknown country '{value}'. Please enter a code such as DE, AT or FR, or the country's name."
        ),
        "required": "This answer is needed.",
    },
}


class AnswerError(ValueError):
    """What a person typed cannot be an answer; the message is in their language."""


def message(lang: str, key: str, **values: Any) -> str:
    return MESSAGES[lang][key].format(**values)


# -- parsing ---------------------------------------------------------------------------


def _bool(text: str, lang: str) -> bool:
    word = text.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise AnswerError(message(lang, "bool"))


def _int(text: str, q: Question, lang: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        if q.min is not None and q.max is not None:
            raise AnswerError(message(lang, "int_range", min=q.min, max=q.max)) from None
        raise AnswerError(message(lang, "int")) from None


def _date(text: str, lang: str) -> dt.date:
    value = text.strip()
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value)
    try:
        if match:
            day, month, year = (int(x) for x in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise AnswerError(message(lang, "date")) from None


def _match_choice(item: str, options: list, lang: str) -> str | None:
    """A number (1-based), an id or a label -> the choice's value."""
    item = item.strip()
    if item.isdigit() and 1 <= int(item) <= len(options):
        return options[int(item) - 1].value
    lowered = item.lower()
    for c in options:
        if lowered == c.value.lower():
            return c.value
    for c in options:
        labels = [str(x).lower() for x in c.label.values() if x]
        if lowered in labels:
            return c.value
    return None


def _split(text: str) -> list[str]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) == 1 and " " in parts[0]:
        words = parts[0].split()
        if all(w.isdigit() for w in words):
            return words
    return parts


@cache
def _country_names() -> dict[str, str]:
    """Lower-case country names in German and English -> ISO code."""
    out: dict[str, str] = {}
    for locale in ("de_DE", "en_GB"):
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha():
                out.setdefault(name.lower(), code)
    return out


def _country(text: str, lang: str) -> str:
    value = text.strip()
    if len(value) == 2 and value.isalpha():
        return value.upper()
    code = _country_names().get(value.lower())
    if code is None:
        raise AnswerError(message(lang, "country", value=value))
    return code


def parse(q: Question, text: str, lang: str, provider: str | None = None) -> Any:
    """What a person typed -> a value for the question (not yet validated).

    Raises AnswerError with a message in lang when the text cannot be an answer at all."""
    text = text.strip()
    if q.type == "bool":
        return _bool(text, lang)
    if q.type == "int":
        return _int(text, q, lang)
    if q.type == "date":
        return _date(text, lang)
    if q.type == "country":
        return _country(text, lang)
    if q.type in CHOICE_TYPES:
        options = choices(q, provider)
        if q.type == "multichoice":
            values = []
            for item in _split(text):
                value = _match_choice(item, options, lang)
                if value is None:
                    raise AnswerError(message(lang, "choice_item", item=item, n=len(options)))
                if value not in values:
                    values.append(value)
            return values
        value = _match_choice(text, options, lang)
        if value is None:
            if q.type == "provider":
                return text  # validate.py names the nearest known provider
            raise AnswerError(message(lang, "choice", n=len(options)))
        return value
    if q.type == "keyword":
        return text.upper()
    if q.type == "id":
        return text.lower()
    if q.type == "url" and text and "://" not in text and "." in text and " " not in text:
        return "https://" + text
    return text


# -- checking --------------------------------------------------------------------------


def _concerns(path: str, issue_path: str) -> bool:
    return issue_path == path or issue_path.startswith((path + ".", path + "["))


def check(answers: dict[str, Any], path: str, value: Any, lang: str, stem: str = "profile") -> list[str]:
    """Problems with one answer, in lang: validate.py on the profile that the answers so far
    (with this one) make, keeping the issues at this answer's path."""
    candidate = dict(answers)
    candidate[path] = value
    _, issues = validate(answers_to_profile(candidate), "answer", stem)
    return [translate(i.message, lang) for i in issues if _concerns(path, i.path)]


# -- messages in German ----------------------------------------------------------------

DESCRIBE_DE = {
    "text": "Text",
    "text or a mapping by language {de: ..., en: ...}": "Text",
    "an id of 1-64 characters a-z, 0-9 and -": "ein Kurzname aus 1 bis 64 Zeichen a–z, 0–9 und -",
    "an e-mail address like name@example.com": "eine E-Mail-Adresse wie name@beispiel.de",
    "a web address starting with https:// or http://": (
        "eine Web-Adresse, die mit https:// oder http:// beginnt"
    ),
    "a phone number like +49 89 1234567": "eine Telefonnummer wie +49 89 1234567",
    "a word of 2-20 capital letters or digits, like START": (
        "ein Wort aus 2 bis 20 Großbuchstaben oder Ziffern, etwa START"
    ),
    "a two-letter country code (ISO 3166-1 alpha-2) like DE": "ein Länderkürzel aus zwei Buchstaben wie DE",
    "a provider id from `privgen providers`": "ein Dienst aus der Liste (`privgen providers`)",
    "a German Land code like BY": "ein Bundesland-Kürzel wie BY",
}


def _describe_de(what: str) -> str | None:
    return DESCRIBE_DE.get(what)


# (English pattern, German template or function of the match); the first match wins.
_PATTERNS: list[tuple[re.Pattern, Any]] = [
    (r"too long \((\d+) characters; at most (\d+)\)", "zu lang ({0} Zeichen; höchstens {1})"),
    (r"contains invalid Unicode.*", "enthält ungültige Unicode-Zeichen; bitte neu eingeben"),
    (r"contains control characters or line breaks.*",
     "enthält Steuerzeichen oder Zeilenumbrüche; erwartet wird eine Zeile Text"),
    (r"contains bidirectional control characters \((.+?)\).*",
     "enthält Steuerzeichen für die Schreibrichtung ({0}); bitte entfernen"),
    (r"is empty; expected text", "ist leer; erwartet wird Text"),
    (r"has no visible characters; expected text", "enthält keine sichtbaren Zeichen; erwartet wird Text"),
    (r"contains invisible or control characters; expected (.+)",
     lambda m: _with(m, "enthält unsichtbare oder Steuerzeichen; erwartet wird {what}", m[1])),
    (r"expected a number from (\S+) to (\S+), got (.+)",
     "erwartet wird eine Zahl von {0} bis {1}, nicht {2}"),
    (r"expected one of (.+), got (.+)", "erwartet wird eines von: {0}; nicht {1}"),
    (r"unknown provider (.+): it is now called (.+)", "unbekannter Dienst {0}: Er heißt jetzt {1}"),
    (r"unknown provider (.+?); did you mean (.+)\?", "unbekannter Dienst {0}; meinten Sie {1}?"),
    (r"unknown provider (.+?) \(known: (.+)\)", "unbekannter Dienst {0} (bekannt: {1})"),
    (r"required when country is DE \(one of (.+?)\)(?:, got .+)?",
     "nötig, wenn das Land DE ist (eines von {0})"),
    (r"only used when country is DE; leave it out", "nur für das Land DE; bitte leer lassen"),
    (r"no supervisory authority known for (.+?); expected .*",
     "für {0} ist keine Aufsichtsbehörde bekannt; erwartet wird ein Land der EU oder des EWR, etwa DE, AT "
     "oder FR"),
    (r"must include email: a newsletter is sent by e-mail",
     "muss die E-Mail-Adresse enthalten: Ein Newsletter wird per E-Mail verschickt"),
    (r"(.+) does not offer (.+) according to the catalog",
     "{0} bietet diesen Dienst laut privgen-Katalog nicht an"),
    (r"missing: the profile is built in (\w+)", "fehlt: Das Profil wird auch auf {0} erstellt"),
    (r"unknown language; expected de or en", "unbekannte Sprache; erwartet wird de oder en"),
    (r"(.+) is a reserved file name on Windows.*",
     "{0} ist unter Windows ein reservierter Dateiname; bitte einen anderen Kurznamen wählen"),
    (r"expected at least one of de, en", "bitte mindestens eine Sprache wählen (de, en)"),
    (r"required", "Diese Angabe ist nötig."),
    (r"expected (.+?), got (.+)", lambda m: _with(m, "erwartet wird {what}, nicht {got}", m[1], m[2])),
    (r"expected (.+?), (got .+)", lambda m: _with(m, "erwartet wird {what}", m[1])),
]  # fmt: skip
_COMPILED = [(re.compile(p, re.DOTALL), t) for p, t in _PATTERNS]


def _with(m: re.Match, template: str, what: str, got: str = "") -> str | None:
    german = _describe_de(what)
    return template.format(what=german, got=got) if german else None


def translate(english: str, lang: str) -> str:
    """A validate.py message in lang (German where a translation is known, else English)."""
    if lang != "de":
        return english
    for pattern, template in _COMPILED:
        m = pattern.fullmatch(english)
        if not m:
            continue
        out = template(m) if callable(template) else template.format(*m.groups())
        if out:
            return out
    return english


def show_value(q: Question, value: Any, lang: str, provider: str | None = None) -> str:
    """An answer as a person reads it: labels for choices, ja/nein, dates in their format."""
    if value is None or value == []:
        return "—"
    if isinstance(value, bool):
        return {"de": ("ja", "nein"), "en": ("yes", "no")}[lang][0 if value else 1]
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y") if lang == "de" else value.isoformat()
    if isinstance(value, dict):
        return " / ".join(f"{v} ({k})" for k, v in value.items())
    if q.type in CHOICE_TYPES or q.choices_from:
        labels = {c.value: localise(c.label, lang) or c.value for c in choices(q, provider)}
        items = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, str(v)) if isinstance(v, str) else str(v) for v in items)
    if q.type == "country" and isinstance(value, str):
        from .i18n import country_name

        name = country_name(value, lang)
        return f"{name} ({value})" if name != value else value
    return str(value)
