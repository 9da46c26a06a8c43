"""`privgen init`, `privgen questionnaire` and `privgen schema`: the questionnaire's commands.

Registered in cli.py. Only these functions print errors and choose exit codes; the
dialogue itself lives in prompt.py, the questionnaire in questionnaire.py.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
import yaml

from .errors import InputError, PrivgenError
from .prompt import ask, interview, problem, say, ui, yes_no

LANG_CHOICE = click.Choice(["de", "en"])
SUFFIXES = (".yaml", ".yml")


def locale_language() -> str:
    """de when the user's locale is German, else en (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "").split(":")[0].strip()
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return "de" if value.lower().startswith("de") else "en"
    return "en"


# -- privgen questionnaire / privgen schema --------------------------------------------


@click.command("questionnaire")
@click.option("--json", "as_json", is_flag=True, help="Print the questionnaire as JSON, for front ends.")
@click.option("--lang", type=LANG_CHOICE, default=None, help="Texts in one language (JSON default: both).")
def questionnaire_command(as_json: bool, lang: str | None) -> None:
    """The questionnaire: sections, questions, conditions, texts."""
    from .questionnaire import load, localise, to_json

    if as_json:
        click.echo(json.dumps(to_json(lang), ensure_ascii=False, indent=2))
        return
    lang = lang or locale_language()
    for i, section in enumerate(load().sections, 1):
        click.secho(f"{i}. {localise(section.title, lang)}", bold=True)
        for q in section.questions:
            required = "*" if q.required else " "
            click.echo(f"   {required} {q.id} ({q.type}): {localise(q.label, lang)}")
            if q.condition:
                click.echo(f"       when: {q.condition}")
    click.echo("\n* " + {"de": "Pflichtangabe", "en": "required"}[lang])


@click.command("schema")
@click.option(
    "--lang", type=LANG_CHOICE, default="en", show_default=True, help="Language of the descriptions."
)
def schema_command(lang: str) -> None:
    """Print a JSON Schema of the profile format, for editors (see README)."""
    from .profile_schema import dumps, json_schema

    click.echo(dumps(json_schema(lang)), nl=False)


# -- privgen init ----------------------------------------------------------------------


def _suffix_ok(path: Path, lang: str) -> bool:
    if path.suffix.lower() in SUFFIXES:
        return True
    problem(lang, ui(lang, "suffix"))
    return False


def _same(a: Path | None, b: Path | None) -> bool:
    return a is not None and b is not None and a.resolve() == b.resolve()


def _load_source(source: Path, lang: str) -> tuple[dict, list[str]]:
    """Answers from an existing profile, and the comment lines at its top (kept on saving)."""
    from .profile import parse_yaml, read_text
    from .questionnaire import profile_to_answers

    text = read_text(source)
    raw = parse_yaml(text, str(source))
    if raw is not None and not isinstance(raw, dict):
        raise InputError(f"{source}: expected a profile (a mapping of keys), got {type(raw).__name__}")
    answers, ignored = profile_to_answers(raw or {})
    if ignored:
        say(ui(lang, "ignored", file=source, paths=", ".join(ignored)), fg="yellow")
    head = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        head.append(line)
    return answers, head


def _fix_remaining(answers: dict, lang: str, stem: str, file: str) -> dict:
    """Validate the finished profile; re-ask any question it still has a problem with."""
    from .answers import translate
    from .questionnaire import answers_to_profile, concrete
    from .validate import validate

    for _ in range(3):
        profile = answers_to_profile(answers)
        _, issues = validate(profile, file, stem)
        if not issues:
            return profile
        say(ui(lang, "still_wrong"), fg="yellow")
        asked = False
        for q, path, pid in concrete(profile):
            mine = [i for i in issues if i.path == path or i.path.startswith((path + ".", path + "["))]
            for issue in mine:
                problem(lang, f"{path}: {translate(issue.message, lang)}")
            if mine:
                answers[path] = ask(q, answers, lang, pid, stem)
                asked = True
        if not asked:
            raise InputError("\n".join(str(i) for i in issues))
    raise InputError("the answers still do not make a valid profile")


def _target(file: Path | None, profile: dict, lang: str, source: Path | None) -> Path:
    """Where to save: FILE, else asked (suggesting <id>.yaml); confirms replacing a file."""
    while True:
        if file is None:
            name = click.prompt(
                f"{ui(lang, 'save_as')} [{profile['id']}.yaml]", default="", show_default=False
            ).strip()
            candidate = Path(name or f"{profile['id']}.yaml").expanduser()
        else:
            candidate = file
        if not _suffix_ok(candidate, lang) or candidate.is_dir():
            file = None
            continue
        replace = candidate.exists() and not _same(candidate, source) and candidate != file
        if replace and not yes_no(ui(lang, "exists", file=candidate), lang, default=False):
            file = None
            continue
        return candidate


class _Dumper(yaml.SafeDumper):
    """Lists of plain values on one line (`fields: [email, name]`), as in the examples."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(item, (str, int, bool)) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def _render(profile: dict, head: list[str]) -> str:
    """The profile as YAML, under the source's top comments or a short note of our own."""
    head = head or [
        "# privgen profile, written by `privgen init` (see the README, 'Profile format').",
        "# Answer again: privgen init --from <this file>",
    ]
    body = yaml.dump(profile, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(head) + "\n" + body


def _write(path: Path, text: str, stem: str) -> None:
    """Check the text once more as it will be read, then write it atomically."""
    from .errors import ProfileError
    from .outputs import write_atomic
    from .profile import parse_yaml
    from .validate import validate

    _, issues = validate(parse_yaml(text, str(path)), str(path), stem)
    if issues:
        raise ProfileError(issues)
    write_atomic(path, text.encode("utf-8"))


def _offer_build(path: Path, lang: str) -> int:
    from .build import build_profile

    if not yes_no(ui(lang, "build_now"), lang, default=True):
        return 0
    out = click.prompt(f"{ui(lang, 'out_dir')} [output]", default="", show_default=False).strip() or "output"
    say(ui(lang, "building"))
    try:
        result = build_profile(path, Path(out))
    except PrivgenError as exc:
        say(ui(lang, "build_failed"), fg="red", err=True)
        click.echo(str(exc), err=True)
        return exc.exit_code
    folder = Path(out) / str(result.profile_id)
    say(ui(lang, "built", n=len(result.written), folder=folder), fg="green")
    for written in result.written:
        if written.name == "privacy-policy.html":
            click.echo(f"   {written}")
    return 0


@click.command("init")
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--lang", type=LANG_CHOICE, default=None, help="Language of the questions (default: the locale's)."
)
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Ask again, with this profile's answers as defaults (FILE defaults to it).",
)
def init_command(file: Path | None, lang: str | None, source: Path | None) -> None:
    """Answer plain questions and get a profile (and the documents)."""
    lang = lang or locale_language()
    if file is not None and file.suffix.lower() not in SUFFIXES:
        click.echo(f"{file}: {ui(lang, 'suffix')}", err=True)
        sys.exit(2)
    try:
        answers, head = _load_source(source, lang) if source else ({}, [])
    except InputError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    if file is None and source is not None:
        file = source
    try:
        replace = file is not None and file.exists() and not _same(file, source)
        if replace and not yes_no(ui(lang, "exists", file=file), lang, default=False):
            click.echo(ui(lang, "kept", file=file))
            sys.exit(1)
        stem = file.name.split(".")[0] if file else None
        answers = interview(answers, lang, stem, keep_implicit=source is not None)
        profile = _fix_remaining(answers, lang, stem or "profile", str(file or "profile"))
        target = _target(file, profile, lang, source) if file is None else file
        _write(target, _render(profile, head), target.name.split(".")[0])
    except (click.Abort, KeyboardInterrupt):
        click.echo()
        click.echo(ui(lang, "aborted"), err=True)
        sys.exit(1)
    except InputError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    say(ui(lang, "saved", file=target), fg="green")
    try:
        code = _offer_build(target, lang)
    except (click.Abort, KeyboardInterrupt):
        click.echo()
        code = 1
    say(ui(lang, "next", file=target))
    sys.exit(code)
