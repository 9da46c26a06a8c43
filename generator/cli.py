"""The command line: parses arguments, maps errors to exit codes; nothing else."""

from __future__ import annotations

import datetime as dt
import sys
from importlib import import_module
from pathlib import Path

import click

from . import __version__, catalog, clauses
from .build import FORMATS, find_profiles, load_profile, render_document
from .errors import InputError, PrivgenError, printable
from .lint import applicable_art13, confirmation_warnings, coverage_gaps, provider_warnings, review_warnings
from .stale import find_stale


def _split(value: str | None, allowed: tuple[str, ...], option: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = tuple(x.strip() for x in value.split(",") if x.strip())
    bad = [x for x in items if x not in allowed]
    if bad or not items:
        raise click.BadParameter(
            f"expected a comma-separated list of {', '.join(allowed)}", param_hint=option
        )
    return items


def _error(message: str) -> None:
    click.echo(printable(message), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="privgen")
def main() -> None:
    """privgen: GDPR privacy declarations from your answers, in German and English."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="output",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Output folder; each profile goes to DIR/<id>/.",
)
@click.option(
    "--format", "formats", default=",".join(FORMATS), show_default=True, help="Comma-separated formats."
)
@click.option("--lang", "langs", default=None, help="Comma-separated languages (default: the profile's).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes.")
@click.option("--force", is_flag=True, help="Rebuild even what is up to date.")
@click.option(
    "--documents",
    "documents",
    default=None,
    help="Comma-separated document ids (default: every document that applies to the profile).",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(["pdf/ua-1", "pdf/a-3b"]),
    default="pdf/ua-1",
    show_default=True,
    help="Tagged PDF/UA-1, or archival PDF/A-3b (tagged too) with the profile embedded.",
)
def build(paths, out_dir, formats, langs, jobs, force, documents, pdf_variant) -> None:
    """Build the documents for profile files or folders of profiles.

    Only what changed since the last build is rebuilt (--force: everything), in parallel
    worker processes (--jobs, default: one per CPU). One broken profile never stops the others.
    """
    from . import batch
    from .build_report import BuildReport
    from .exporters import ExportContext, select, targets

    export_context = ExportContext(generator_version=__version__, pdf_variant=pdf_variant)

    fmt = _split(formats, tuple(targets()), "--format")
    lang = _split(langs, ("de", "en"), "--lang")
    try:
        known = tuple(dict.fromkeys(d for lg in ("de", "en") for d in clauses.documents(lg)))
    except PrivgenError as exc:
        _error(f"clause library error: {exc}")
        sys.exit(1)
    docs = _split(documents, known, "--documents")
    try:  # a broken or conflicting exporter plugin: one message naming it, before any profile
        select(fmt)
    except PrivgenError as exc:
        _error(f"error: {exc}")
        sys.exit(1)
    options = batch.Options(
        out_dir=out_dir,
        formats=fmt,
        langs=lang,
        documents=docs,
        force=force,
        jobs=jobs,
        export_context=export_context,
    )
    report = BuildReport(out_dir)
    try:
        summary = batch.run(list(paths), options, started=report.start, done=report.done)
    except InputError as exc:
        report.close()
        _error(str(exc))
        sys.exit(2)
    except PrivgenError as exc:
        report.close()
        _error(f"error: {exc}")
        sys.exit(1)
    report.close()
    report.summary(summary)
    sys.exit(summary.exit_code)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--max-age", default="12m", show_default=True, help="Warn about facts checked longer ago (12m, 365d, 1y)."
)
@click.option("--as-of", "as_of", default=None, help="Check as of this date, YYYY-MM-DD (default: today).")
def check(paths, strict, max_age, as_of) -> None:
    """Validate and lint profiles; writes nothing."""
    from .expiry import parse_age

    try:
        age = parse_age(max_age)
    except InputError as exc:
        raise click.BadParameter(str(exc).removeprefix("--max-age: "), param_hint="--max-age") from None
    try:
        today = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        raise click.BadParameter(f"expected a date YYYY-MM-DD, got {as_of!r}", param_hint="--as-of") from None
    profiles = find_profiles(list(paths))
    if not profiles:
        _error(f"no profiles (*.yaml) found in {', '.join(map(str, paths))}")
        sys.exit(2)
    worst = 0
    for path in profiles:
        try:
            loaded = load_profile(path)
        except InputError as exc:
            _error(str(exc))
            worst = 2
            continue
        warnings = provider_warnings(str(path), loaded.data, today, age)
        warnings += confirmation_warnings(str(path), loaded.data)
        warnings += review_warnings(str(path), loaded.data, today, age)  # watch.yaml: under review
        for lang in loaded.data["languages"]:
            from .context import build_context

            doc = render_document(loaded, "privacy-policy", lang)
            ctx = build_context(loaded.data, lang, doc.effective_date, "privacy-policy")
            for item in coverage_gaps(doc, applicable_art13(loaded.data, ctx)):
                _error(f"{path}: privacy-policy ({lang}): Art. 13 item {item} is not covered by any clause")
                worst = max(worst, 1)
            for line, phrase in find_stale(doc.markdown):
                _error(f"{path}: privacy-policy ({lang}): outdated statement {line[:80]!r}: {phrase.why}")
                worst = max(worst, 1)
        for w in warnings:
            _error(str(w))
        if warnings and strict:
            worst = max(worst, 1)
        click.echo(f"{path}: valid ({len(warnings)} warnings)")
    sys.exit(worst)


# Further commands live in their own modules and register here, one line each.
main.add_command(import_module("generator.publish.command").publish)  # privgen publish wordpress
main.add_command(import_module("generator.exporters.command").exporters)  # privgen exporters
main.add_command(import_module("generator.commands_init").init_command)  # privgen init
main.add_command(import_module("generator.commands_init").questionnaire_command)  # privgen questionnaire
main.add_command(import_module("generator.commands_init").schema_command)  # privgen schema
main.add_command(import_module("generator.commands_audit").audit_command)  # privgen audit
main.add_command(import_module("generator.commands_audit").diff_command)  # privgen diff
main.add_command(import_module("generator.commands_audit").changelog_command)  # privgen changelog
main.add_command(import_module("generator.web.command").serve)  # privgen serve (Flask loads when it runs)


@main.command()
def providers() -> None:
    """The provider catalog: transfer basis and when the facts were checked."""
    for p in catalog.providers().values():
        transfers = p.facts.get("transfers")
        if transfers is None:
            basis = "unknown"
        elif not transfers.confirmed:
            basis = f"unconfirmed ({transfers.status})"
        elif not transfers.value:
            basis = "EU/EEA only"
        else:
            basis = "; ".join(
                f"{t.get('country')}: {'+'.join(t.get('bases') or [])}" for t in transfers.value
            )
        dates = [f.checked for f in p.facts.values() if f.checked]
        oldest = min(dates).isoformat() if dates else "never"
        open_facts = sum(1 for f in p.facts.values() if not f.confirmed)
        entity = p.fact("legal_entity") or "(entity unconfirmed)"
        click.echo(f"{p.id:12} {p.name:14} {entity}")
        click.echo(f"{'':12} transfers: {basis}; oldest check: {oldest}; unconfirmed facts: {open_facts}")
