"""Where the package's data lives: the clause library, templates, styles and fonts."""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def clauses_dir() -> Path:
    """The clause library: inside the installed wheel, or at the repository root."""
    for candidate in (PACKAGE_DIR / "clauses", PACKAGE_DIR.parent / "clauses"):
        if (candidate / "de").is_dir():
            return candidate
    raise FileNotFoundError("clause library not found (expected generator/clauses or ./clauses)")


def templates_dir() -> Path:
    return PACKAGE_DIR / "templates"


def static_dir() -> Path:
    """Stylesheets and fonts; the only files the PDF renderer may read."""
    return PACKAGE_DIR / "static"
