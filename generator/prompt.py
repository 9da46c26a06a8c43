"""The terminal front end over questionnaire.py: asks, explains, checks each answer, sums up.

Everything it prints goes through click, so click's test runner can drive it; Ctrl-C or
end of input raise click.Abort, and nothing here writes a file.
"""

from __future__ import annotations

import shutil
import textwrap
from typing import Any

import click

from . import answers as answer_rules
from .questionnaire import (
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
from .validate import ID_RE

UI = {
    "de": {
        "title": "privgen init: Fragen für Ihre Datenschutzerklärung",
        "intro": (
            "Beantworten Sie die Fragen. Enter übernimmt den Vorschlag in [Klammern]; ? erklärt die "
            "Frage und ihre Begriffe; - lässt eine freiwillige Angabe leer. Strg+C bricht ab, dann "
            "wird nichts gespeichert."
        ),
        "section": "Abschnitt {i} von {n}: {title}",
        "answer": "Antwort",
        "optional": "freiwillig",
        "yes_no": "ja/nein",
        "one": "Nummer",
        "many": "Nummern, mit Komma getrennt",
        "date": "TT.MM.JJJJ",
        "country": "Kürzel wie DE oder Name",
        "explain": "? = Erklärung",
        "problem": "Problem",
        "no_more": "Zu dieser Frage gibt es keine weitere Erklärung.",
        "options": "Möglich sind",
        "summary": "Zusammenfassung",
        "no_answer": "—",
        "all_right": "Ist alles richtig? Dann wird das Profil gespeichert",
        "which": (
            "Welchen Abschnitt möchten Sie ändern? "
            "Nummer, Enter = Zusammenfassung, q = beenden ohne Speichern"
        ),
        "bad_section": "Bitte eine Nummer aus der Zusammenfassung, Enter oder q eingeben.",
        "yes": "ja",
        "no": "nein",
        "aborted": "Abgebrochen. Es wurde nichts gespeichert.",
        "exists": "{file} gibt es schon. Am Ende ersetzen?",
        "kept": "{file} bleibt unverändert. Es wurde nichts gespeichert.",
        "save_as": "Speichern unter",
        "suffix": "Der Dateiname muss auf .yaml oder .yml enden.",
        "saved": "Gespeichert: {file}",
        "build_now": "Die Dokumente jetzt erstellen?",
        "out_dir": "Ausgabeordner",
        "building": "Erstelle die Dokumente (das dauert einige Sekunden) …",
        "built": "{n} Dateien in {folder}",
        "build_failed": "Die Dokumente konnten nicht erstellt werden:",
        "next": "Später prüfen: privgen check {file}   Neu erstellen: privgen build {file}",
        "ignored": (
            "Diese Angaben aus {file} kennt der Fragebogen nicht; sie werden nicht übernommen: {paths}"
        ),
        "still_wrong": "Diese Angaben passen noch nicht:",
    },
    "en": {
        "title": "privgen init: questions for your privacy policy",
        "intro": (
            "Answer the questions. Enter accepts the suggestion in [brackets]; ? explains the "
            "question and its terms; - leaves an optional answer empty. Ctrl-C stops; then nothing "
            "is saved."
        ),
        "section": "Part {i} of {n}: {title}",
        "answer": "Answer",
        "optional": "optional",
        "yes_no": "yes/no",
        "one": "number",
        "many": "numbers, separated by commas",
        "date": "YYYY-MM-DD",
        "country": "a code such as DE, or the name",
        "explain": "? = explanation",
        "problem": "Problem",
        "no_more": "There is no further explanation for this question.",
        "options": "Possible answers",
        "summary": "Summary",
        "no_answer": "—",
        "all_right": "Is everything right? Then the profile is saved",
        "which": "Which part do you want to change? Number, Enter = summary, q = quit without saving",
        "bad_section": "Please enter a number from the summary, Enter or q.",
        "yes": "yes",
        "no": "no",
        "aborted": "Stopped. Nothing was saved.",
        "exists": "{file} already exists. Replace it at the end?",
        "kept": "{file} stays as it is. Nothing was saved.",
        "save_as": "Save as",
        "suffix": "The file name must end in .yaml or .yml.",
        "saved": "Saved: {file}",
        "build_now": "Build the documents now?",
        "out_dir": "Output folder",
        "building": "Building the documents (this takes a few seconds) …",
        "built": "{n} files in {folder}",
        "build_failed": "The documents could not be built:",
        "next": "Check later: privgen check {file}   Build again: privgen build {file}",
        "ignored": (
            "The questionnaire does not know these entries of {file}; they are not taken over: {paths}"
        ),
        "still_wrong": "These answers do not fit yet:",
    },
}
MAX_LISTED = 20  # longer choice lists are shown on `?` only (countries)


def ui(lang: str, key: str, **values: Any) -> str:
    return UI[lang][key].format(**values)


def _width() -> int:
    return max(40, min(shutil.get_terminal_size((88, 24)).columns, 100) - 1)


def say(text: str, indent: int = 0, **style: Any) -> None:
    pad = " " * indent
    wrapped = textwrap.fill(
        text,
        _width(),
        initial_indent=pad,
        subsequent_indent=pad,
        break_on_hyphens=False,
        break_long_words=False,
    )
    click.secho(wrapped, **style)


def problem(lang: str, text: str) -> None:
    say(f"{ui(lang, 'problem')}: {text}", 3, fg="red")


def yes_no(text: str, lang: str, default: bool | None = None) -> bool:
    """A yes/no question in the user's language (ja/nein, j/n, yes/no, y/n)."""
    shown = "" if default is None else f" [{ui(lang, 'yes' if default else 'no')}]"
    while True:
        raw = click.prompt(f"{text} ({ui(lang, 'yes_no')}){shown}", default="", show_default=False)
        if not raw.strip() and default is not None:
            return default
        try:
            return answer_rules.parse(_BOOL, raw, lang)
        except answer_rules.AnswerError as exc:
            problem(lang, str(exc))


def ask_text(text: str, default: str | None = None) -> str:
    shown = f" [{default}]" if default else ""
    raw = click.prompt(f"{text}{shown}", default="", show_default=False).strip()
    return raw or (default or "")


# -- one question ----------------------------------------------------------------------


def _label(q: Question, lang: str, profile: dict, provider: str | None) -> str:
    from .catalog import providers as catalog_providers

    values = {"processors": processors(profile, lang) or "—"}
    if provider:
        values["provider"] = catalog_providers()[provider].name
    return fill(localise(q.label, lang), values)


def _implicit(q: Question, stem: str | None) -> Any:
    """What the profile gets when the key is left out: the format's default (the file name for the id)."""
    if q.suggest and "slug" in q.suggest:
        return stem if stem and ID_RE.fullmatch(stem) else None
    return q.default


def _default(q: Question, path: str, answers: dict, stem: str | None) -> Any:
    """The suggestion: the answer so far, else what the format assumes, else a proposal."""
    if answers.get(path) is not None:
        return answers[path]
    if _implicit(q, stem) is not None:
        return _implicit(q, stem)
    if q.suggest and "slug" in q.suggest:
        return slug(answers.get(str(q.suggest["slug"]))) or None
    return q.default


def _hint(q: Question, lang: str, default: Any, provider: str | None) -> str:
    parts = []
    if q.type == "bool":
        parts.append(ui(lang, "yes_no"))
    elif q.type == "multichoice":
        parts.append(ui(lang, "many"))
    elif q.type in CHOICE_TYPES and len(choices(q, provider)) <= MAX_LISTED:
        parts.append(ui(lang, "one"))
    elif q.type == "date":
        parts.append(ui(lang, "date"))
    elif q.type == "country":
        parts.append(ui(lang, "country"))
    if not q.required and default in (None, []):
        parts.append(ui(lang, "optional"))
    hint = f" ({', '.join(parts)})" if parts else ""
    if default not in (None, []):
        hint += f" [{answer_rules.show_value(q, default, lang, provider)}]"
    return hint


def explain(q: Question, lang: str, provider: str | None) -> None:
    """What `?` shows: the help, the plain-words explanation of each term, long option lists."""
    qn = load()
    shown = False
    if q.help:
        say(localise(q.help, lang), 3)
        shown = True
    for tid in q.terms:
        term = qn.terms[tid]
        click.echo()
        say(localise(term.title, lang), 3, bold=True)
        say(localise(term.text, lang), 3)
        shown = True
    options = choices(q, provider)
    if (q.type in CHOICE_TYPES or q.choices_from) and len(options) > MAX_LISTED:
        click.echo()
        say(f"{ui(lang, 'options')}:", 3)
        say(", ".join(f"{c.value} ({localise(c.label, lang)})" for c in options), 5)
        shown = True
    if not shown:
        say(ui(lang, "no_more"), 3)


def _show_question(q: Question, lang: str, label: str, provider: str | None) -> None:
    click.echo()
    say(label, 0, bold=True)
    if q.help:
        say(localise(q.help, lang), 3)
    options = choices(q, provider)
    if (q.type in CHOICE_TYPES or q.choices_from) and len(options) <= MAX_LISTED:
        for i, c in enumerate(options, 1):
            say(f"{i:>2}  {localise(c.label, lang) or c.value}", 3)
    if q.terms:
        names = ", ".join(localise(load().terms[t].title, lang) for t in q.terms)
        say(f"({ui(lang, 'explain')}: {names})", 3, dim=True)


def ask(
    q: Question,
    answers: dict,
    lang: str,
    provider: str | None = None,
    stem: str | None = None,
    keep_implicit: bool = False,
) -> Any:
    """Ask one question until the answer passes validate.py's rules; returns the value.

    keep_implicit (for --from): accepting, for a key the profile leaves out, what the format
    assumes anyway keeps it left out (None), so an unchanged profile stays unchanged."""
    path = q.path(provider)
    profile = answers_to_profile(answers)
    label = _label(q, lang, profile, provider)
    default = _default(q, path, answers, stem)
    _show_question(q, lang, label, provider)
    while True:
        raw = click.prompt(
            f"   {ui(lang, 'answer')}{_hint(q, lang, default, provider)}", default="", show_default=False
        ).strip()
        if raw == "?":
            explain(q, lang, provider)
            continue
        if raw == "-" and not q.required:
            return None
        if not raw:
            if default in (None, []) and q.required:
                problem(lang, answer_rules.message(lang, "required"))
                continue
            value = default
            if (
                keep_implicit
                and answers.get(path) is None
                and value is not None
                and value == _implicit(q, stem)
            ):
                return None
        else:
            try:
                value = answer_rules.parse(q, raw, lang, provider)
            except answer_rules.AnswerError as exc:
                problem(lang, str(exc))
                continue
        if value in (None, []) and not q.required:
            return value
        if not q.gate:
            issues = answer_rules.check(answers, path, value, lang, stem or "profile")
            if issues:
                for text in issues:
                    problem(lang, text)
                continue
        if (
            raw
            and raw != answer_rules.show_value(q, value, lang, provider)
            and (
                q.type in CHOICE_TYPES
                or q.type in ("country", "date", "url", "keyword", "id")
                or q.choices_from
            )
        ):
            say(f"→ {answer_rules.show_value(q, value, lang, provider)}", 3, dim=True)
        if value is False and q.if_false:
            say(localise(q.if_false, lang), 3, fg="yellow")
        return value


# -- sections and the whole dialogue ---------------------------------------------------


def _applying(section: Section, answers: dict) -> list[tuple[Question, str | None]]:
    profile = answers_to_profile(answers)
    out = []
    for q in section.questions:
        for pid in used_providers(profile) if q.each else [None]:
            if applies(q, profile, pid):
                out.append((q, pid))
    return out


def ask_section(
    section: Section, answers: dict, lang: str, index: int, total: int, stem: str | None, keep_implicit: bool
) -> None:
    """Ask a section's questions in order; what applies is re-evaluated after each answer."""
    if not _applying(section, answers):
        return
    click.echo()
    click.secho(ui(lang, "section", i=index, n=total, title=localise(section.title, lang)), bold=True)
    click.secho("─" * min(_width(), 60), dim=True)
    if section.intro:
        say(localise(section.intro, lang))
    for q in section.questions:
        pids = used_providers(answers_to_profile(answers)) if q.each else [None]
        for pid in pids:
            if applies(q, answers_to_profile(answers), pid):
                answers[q.path(pid)] = ask(q, answers, lang, pid, stem, keep_implicit)


def summary(answers: dict, lang: str, stem: str | None = None) -> list[int]:
    """Print what the profile will say, by section; returns the section numbers shown."""
    qn = load()
    shown = []
    click.echo()
    click.secho(ui(lang, "summary"), bold=True)
    click.secho("═" * min(_width(), 60), dim=True)
    for i, section in enumerate(qn.sections, 1):
        items = _applying(section, answers)
        if not items:
            continue
        shown.append(i)
        click.secho(f"{i:>2}  {localise(section.title, lang)}", bold=True)
        profile = answers_to_profile(answers)
        for q, pid in items:
            value = answers.get(q.path(pid))
            if value is None and not q.gate:
                value = _implicit(q, stem)
            say(_label(q, lang, profile, pid), 4)
            say(answer_rules.show_value(q, value, lang, pid), 8, fg="cyan")
    return shown


def interview(answers: dict, lang: str, stem: str | None = None, keep_implicit: bool = False) -> dict:
    """The whole questionnaire, then the summary until the user confirms; returns the answers."""
    qn = load()
    click.secho(ui(lang, "title"), bold=True)
    say(ui(lang, "intro"))
    total = len(qn.sections)
    for i, section in enumerate(qn.sections, 1):
        ask_section(section, answers, lang, i, total, stem, keep_implicit)
    while True:
        shown = summary(answers, lang, stem)
        click.echo()
        if yes_no(ui(lang, "all_right"), lang, default=True):
            return answers
        while True:
            raw = click.prompt(ui(lang, "which"), default="", show_default=False).strip().lower()
            if raw in ("q", "quit", "beenden"):
                raise click.Abort()
            if not raw:
                break
            if raw.isdigit() and int(raw) in shown:
                ask_section(qn.sections[int(raw) - 1], answers, lang, int(raw), total, stem, keep_implicit)
                break
            problem(lang, ui(lang, "bad_section"))


_BOOL = Question(
    id="confirm", section="", type="bool", kind="bool", label={}, help=None, required=True,
    default=None, when=None, condition=None,
)  # fmt: skip
