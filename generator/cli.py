"""The command line: parses arguments, maps errors to exit codes; nothing else."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from . import __version__, catalog
from .build import FORMATS, build_profile, find_profiles, load_profile, render_document
from .errors import ClauseError, InputError, PrivgenError, ProfileError
from .lint import applicable_art13, coverage_gaps, provider_warnings
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
    click.echo(message, err=True)


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
def build(paths, out_dir, formats, langs, jobs, force) -> None:  # noqa: ARG001 - jobs/force: batch issue
    """Build the documents for profile files or folders of profiles."""
    from .exporters import targets

    fmt = _split(formats, tuple(targets()), "--format")
    lang = _split(langs, ("de", "en"), "--lang")
    profiles = find_profiles(list(paths))
    if not profiles:
        _error(f"no profiles (*.yaml) found in {', '.join(map(str, paths))}")
        sys.exit(2)
    worst = 0
    for path in profiles:
        try:
            result = build_profile(path, out_dir, fmt, lang)
        except ProfileError as exc:
            _error(str(exc))
            worst = max(worst, 2)
            continue
        except InputError as exc:
            _error(str(exc))
            worst = max(worst, 2)
            continue
        except ClauseError as exc:
            _error(f"{path}: clause library error: {exc}")
            worst = max(worst, 1)
            continue
        except PrivgenError as exc:
            _error(f"{path}: {exc}")
            worst = max(worst, 1)
            continue
        click.echo(f"{path}: {len(result.written)} files in {out_dir / result.profile_id}")
    if worst == 2 and len(profiles) > 1:
        worst = 2
    sys.exit(worst)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(paths, strict) -> None:
    """Validate and lint profiles; writes nothing."""
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
        warnings = provider_warnings(str(path), loaded.data, dt.date.today())
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
