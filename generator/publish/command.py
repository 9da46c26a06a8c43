"""`privgen publish ...`: put built documents onto a website (WordPress for now).

Only argument parsing and error formatting live here; the work is in `wordpress.py`.
"""

from __future__ import annotations

import os
import sys
import urllib.parse
from pathlib import Path

import click

from ..errors import InputError, PrivgenError, printable


def _say(message: str, err: bool = False) -> None:
    """Print a line; text that came from the remote site is shown escaped, never executed."""
    click.echo(printable(message), err=err)


def _fail(exc: PrivgenError) -> None:
    _say(f"error: {exc}", err=True)
    sys.exit(exc.exit_code)


@click.group()
def publish() -> None:
    """Put built documents onto a website (see docs/wordpress.md)."""


@publish.command("wordpress")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--url", required=True, help="The WordPress site's address, e.g. https://www.example.org.")
@click.option(
    "--document", default="privacy-policy", show_default=True, help="Which built document to publish."
)
@click.option("--lang", "langs", default=None, help="Comma-separated languages (default: every one built).")
@click.option(
    "--slug",
    "--page-slug",
    "slugs",
    multiple=True,
    metavar="[LANG=]SLUG",
    help="Page slug, or LANG=SLUG per language. Default: from the title (datenschutzerklaerung).",
)
@click.option(
    "--page-id",
    "page_ids",
    multiple=True,
    metavar="[LANG=]ID",
    help="Update this existing page (instead of the remembered one or the one with the slug).",
)
@click.option(
    "--status",
    type=click.Choice(["publish", "draft", "pending", "private"]),
    default="publish",
    show_default=True,
    help="The page's status after the run.",
)
@click.option(
    "--credentials",
    "credentials_file",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="PRIVGEN_WP_CREDENTIALS",
    default=None,
    help="netrc-style login file (mode 600). Default: $PRIVGEN_WP_USER and $PRIVGEN_WP_APP_PASSWORD.",
)
@click.option(
    "--allow-insecure-http",
    is_flag=True,
    help="Allow plain http:// to a host other than this machine (sends the password unencrypted).",
)
@click.option(
    "--timeout", type=click.FloatRange(min=1), default=30, show_default=True, help="Seconds per request."
)
@click.option("--dry-run", is_flag=True, help="Look the pages up and say what would change; change nothing.")
def wordpress_command(
    folder: Path,
    url: str,
    document: str,
    langs: str | None,
    slugs: tuple[str, ...],
    page_ids: tuple[str, ...],
    status: str,
    credentials_file: Path | None,
    allow_insecure_http: bool,
    timeout: float,
    dry_run: bool,
) -> None:
    """Publish FOLDER (a built output folder, e.g. output/<id>) to WordPress pages.

    Creates one page per language on the first run and updates the same pages later.
    Credentials never come from the command line: set PRIVGEN_WP_USER and
    PRIVGEN_WP_APP_PASSWORD (an application password), or use --credentials FILE.
    """
    from . import credentials as creds
    from . import wordpress as wp
    from .sources import load_sources

    try:
        base = wp.site_url(url, allow_insecure_http)
        chosen = None
        if langs is not None:
            chosen = tuple(x.strip() for x in langs.split(",") if x.strip())
            if not chosen:
                raise click.BadParameter("expected a comma-separated list such as de,en", param_hint="--lang")
        sources = load_sources(folder, document, chosen)
        targets = wp.plan(sources, slugs, page_ids)
        host = urllib.parse.urlsplit(base).hostname or ""
        warnings: list[str] = []
        if credentials_file is not None:
            credentials, warnings = creds.from_file(credentials_file, host)
        else:
            credentials = creds.from_environment(os.environ, wp.ENV_USER, wp.ENV_PASSWORD)
            if credentials is None:
                raise InputError(
                    f"no credentials: set {wp.ENV_USER} and {wp.ENV_PASSWORD} (a WordPress application "
                    "password), or pass --credentials FILE"
                )
        for warning in warnings:
            _say(warning, err=True)
        if base.startswith("http://") and not wp.is_loopback(host):
            _say(f"warning: {base}: sending the application password unencrypted", err=True)
        client = wp.WordPressClient(base, credentials, timeout=timeout)
        client.discover()
        me, account_warnings = wp.check_account(client, status)
        for warning in account_warnings:
            _say(warning, err=True)
        _say(f"{base}: signed in as {me.get('slug') or credentials.user}")

        def report(outcome: wp.Outcome) -> None:
            page = f"page {outcome.page_id}" if outcome.page_id else "a new page"
            where = outcome.link or outcome.slug
            _say(f"{outcome.lang}: {outcome.action} {page} ({outcome.status}) {where}")
            for note in outcome.notes:
                _say(f"{outcome.lang}: note: {note}")

        errors = wp.publish(client, folder, targets, status, dry_run=dry_run, report=report)
    except PrivgenError as exc:
        _fail(exc)
        return
    for error in errors:
        _say(f"error: {error}", err=True)
    if errors:
        sys.exit(max(getattr(e, "exit_code", 1) for e in errors))
