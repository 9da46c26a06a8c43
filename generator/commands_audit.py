"""Staying current: `privgen audit`, `privgen diff` and `privgen changelog` (registered in cli.py)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from .errors import ClauseError, InputError, PrivgenError, printable


def _fail(message: str, code: int) -> None:
    click.echo(printable(message), err=True)
    sys.exit(code)


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date YYYY-MM-DD, got {value!r}", param_hint=option) from None


def _langs(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ("de", "en")
    items = tuple(x.strip() for x in value.split(",") if x.strip())
    if not items or any(x not in ("de", "en") for x in items):
        raise click.BadParameter("expected a comma-separated list of de, en", param_hint="--lang")
    return items


@click.command("audit")
@click.argument("output_dir", type=click.Path(path_type=Path))
@click.option(
    "--profiles",
    "profiles",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Folder (or file) of the profiles the documents were built from: changed profiles count too. "
    "Repeatable.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Machine-readable output (docs/schema/audit-1.schema.json)."
)
@click.option(
    "--max-age",
    default="12m",
    show_default=True,
    help="Warn about catalog facts checked longer ago than this (e.g. 12m, 6m, 365d, 1y).",
)
@click.option("--as-of", "as_of", default=None, help="Audit as of this date, YYYY-MM-DD (default: today).")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit code 1).")
@click.option(
    "--lang",
    type=click.Choice(["de", "en"]),
    default="en",
    show_default=True,
    help="Language of the reasons and warnings (the clause library's changelog is in both).",
)
@click.option("--verbose", "-v", is_flag=True, help="Also list notes on documents that are current.")
def audit_command(output_dir, profiles, as_json, max_age, as_of, strict, lang, verbose) -> None:
    """Is every document in OUTPUT_DIR still current? Lists each one built from an older clause or
    catalog version than the installed one (or from a profile that changed since, with --profiles),
    with the reasons from the clause library's changelog. Exit code 1 when any is out of date."""
    from . import audit, audit_report
    from .expiry import parse_age

    today = _date(as_of, "--as-of") or dt.date.today()
    for place in profiles:
        if not place.exists():
            _fail(f"--profiles: {place}: no such file or folder", 2)
    try:
        options = audit.Options(profiles=tuple(profiles), today=today, max_age=parse_age(max_age))
        result = audit.run(output_dir, options)
    except InputError as exc:
        _fail(str(exc), 2)
    except ClauseError as exc:
        _fail(f"clause library error: {exc}", 1)
    except PrivgenError as exc:
        _fail(f"error: {exc}", 1)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(printable(audit_report.text(result, lang, verbose)), nl=False)
    sys.exit(result.exit_code(strict))


@click.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html"]),
    default=None,
    help="Markdown (default) or a standalone HTML page (default for -o FILE.html).",
)
@click.option(
    "-o", "--output", "output", type=click.Path(path_type=Path), default=None, help="Write to FILE."
)
@click.option(
    "--documents",
    default="privacy-policy",
    show_default=True,
    help="Comma-separated document ids, or 'all'.",
)
@click.option("--lang", "langs", default=None, help="Comma-separated languages (default: de,en).")
@click.option("--exit-code", "exit_code", is_flag=True, help="Exit with 1 when there are differences.")
def diff_command(old, new, fmt, output, documents, langs, exit_code) -> None:
    """The changes between two builds as a redline: OLD and NEW are output folders (of a client
    or of many), manifest.json files, JSON exports of a document, or a profile (NEW: what a
    rebuild with the installed library would change)."""
    from . import redline, redline_render
    from .outputs import write_atomic

    chosen_langs = _langs(langs)
    wanted = (
        None if documents.strip() == "all" else tuple(d.strip() for d in documents.split(",") if d.strip())
    )
    if wanted == ():
        raise click.BadParameter("expected document ids or 'all'", param_hint="--documents")
    if fmt is None:
        fmt = "html" if output is not None and output.suffix.lower() in (".html", ".htm") else "md"
    try:
        before = redline.load_side(old, wanted, chosen_langs)
        after = redline.load_side(new, wanted, chosen_langs)
        diffs = redline.compare(before, after)
        if not diffs:
            _fail(
                f"nothing to compare: neither {old} nor {new} holds {documents} in {', '.join(chosen_langs)}",
                2,
            )
        render = redline_render.html_page if fmt == "html" else redline_render.markdown
        text = render(diffs, str(old), str(new))
        if output is not None:
            write_atomic(output, text.encode("utf-8"))
        else:
            click.echo(text, nl=False)
    except InputError as exc:
        _fail(str(exc), 2)
    except ClauseError as exc:
        _fail(f"clause library error: {exc}", 1)
    except PrivgenError as exc:
        _fail(f"error: {exc}", 1)
    if output is not None:
        changed = sum(1 for d in diffs if d.status != "same")
        click.echo(f"{output}: {changed} of {len(diffs)} documents changed", err=True)
    sys.exit(1 if exit_code and any(d.status != "same" for d in diffs) else 0)


@click.command("changelog")
@click.option("--lang", type=click.Choice(["de", "en"]), default=None, help="One language (default: both).")
@click.option("--since", default=None, help="Only entries from this date on, YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help="The entries and the situations under review as JSON.")
def changelog_command(lang, since, as_json) -> None:
    """The clause library's changelog for site owners: what changed in the texts, why, and the
    source; and the legal situations under review. (clauses/CHANGELOG.md is this output.)"""
    from . import changelog, watch

    start = _date(since, "--since")
    langs = (lang,) if lang else changelog.LANGS
    try:
        entries = [e for e in changelog.load() if start is None or e.date >= start]
        if as_json:
            data = {
                "format": "privgen-changelog",
                "format_version": 1,
                "entries": [
                    {
                        **e.as_json(),
                        "items": [
                            {
                                "kind": i.kind,
                                "id": i.id,
                                "change": i.change,
                                "from_version": i.from_version,
                                "to_version": i.to_version,
                                "facts": list(i.facts),
                            }
                            for i in e.items
                        ],
                    }
                    for e in entries
                ],
                "under_review": [item.as_json() for item in watch.load()],
            }
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            click.echo(changelog.markdown(since=start, langs=langs), nl=False)
    except ClauseError as exc:
        _fail(f"clause library error: {exc}", 1)
