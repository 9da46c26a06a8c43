"""Where the package's data lives: the clause library, templates, styles and fonts."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


ENV_CLAUSES = "PRIVGEN_CLAUSES"  # another clause library, e.g. a candidate release to audit against


@cache
def clauses_dir() -> Path:
    """The clause library: $PRIVGEN_CLAUSES when set, else inside the installed wheel, or at
    the repository root. (Cached: after changing the variable, call library.reload().)"""
    override = os.environ.get(ENV_CLAUSES)
    if override:
        folder = Path(override).expanduser().resolve()
        if not (folder / "de").is_dir() or not (folder / "providers").is_dir():
            from .errors import InputError

            raise InputError(
                f"{ENV_CLAUSES}={override}: not a clause library (expected de/, en/, providers/)"
            )
        return folder
    for candidate in (PACKAGE_DIR / "clauses", PACKAGE_DIR.parent / "clauses"):
        if (candidate / "de").is_dir():
            return candidate
    raise FileNotFoundError("clause library not found (expected generator/clauses or ./clauses)")


def templates_dir() -> Path:
    return PACKAGE_DIR / "templates"


def static_dir() -> Path:
    """Stylesheets and fonts; the only files the PDF renderer may read."""
    return PACKAGE_DIR / "static"
