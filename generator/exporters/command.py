"""`privgen exporters`: the output formats installed, built-in and from plugins.

Lists each exporter's name, file suffix(es), media type, API version and the package that
registers it. A plugin that cannot be used is listed with the reason, and the exit code is 1.
"""

from __future__ import annotations

import json
import sys

import click

from ..errors import printable
from . import API_VERSION, describe


def _rows() -> list[dict]:
    from ..build import FORMATS

    rows = []
    for reg, exporter, error in describe():
        rows.append(
            {
                "name": reg.name,
                "suffix": exporter.suffix if exporter else None,
                "attachments": list(exporter.attachments) if exporter else [],
                "media_type": exporter.media_type if exporter else None,
                "api_version": exporter.api_version if exporter else None,
                "origin": reg.origin,
                "builtin": reg.builtin,
                "default": reg.name in FORMATS,
                "error": error,
            }
        )
    return rows


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON (for CMS integrations).")
def exporters(as_json: bool) -> None:
    """The output formats installed: built-in exporters and plugins."""
    rows = _rows()
    if as_json:
        click.echo(json.dumps({"api_version": API_VERSION, "exporters": rows}, ensure_ascii=False, indent=2))
    else:
        table = [("FORMAT", "FILES", "MEDIA TYPE", "API", "FROM")]
        for r in rows:
            files = " ".join(f"*.{s}" for s in ([r["suffix"]] if r["suffix"] else []) + r["attachments"])
            name = r["name"] + (" (default)" if r["default"] else "")
            api = "-" if r["api_version"] is None else str(r["api_version"])
            table.append((name, files or "-", r["media_type"] or "-", api, r["origin"]))
        widths = [max(len(row[i]) for row in table) for i in range(4)]
        for row in table:
            cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
            click.echo(printable("  ".join([*cells, row[4]]).rstrip()))
        click.echo(f"exporter API version {API_VERSION}; build with: privgen build PATH --format NAME,NAME")
    broken = [r for r in rows if r["error"]]
    for r in broken:
        click.echo(printable(f"error: {r['error']}"), err=True)
    sys.exit(1 if broken else 0)
