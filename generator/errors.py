"""One exception hierarchy for privgen; only the CLI turns these into messages."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str) -> str:
    """Text safe for a terminal: control characters (escape sequences), bidirectional
    overrides and lone surrogates from a profile are shown escaped, never executed."""
    return "".join(
        c
        if c in "\n\t" or (c not in _BIDI and unicodedata.category(c) not in ("Cc", "Cs"))
        else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


@dataclass(frozen=True, order=True)
class Issue:
    """One problem found in an input, located by file and field path."""

    file: str
    path: str
    message: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}: " if self.path else f"{self.file}: "
        prefix = "warning: " if self.severity == "warning" else ""
        return printable(f"{prefix}{where}{self.message}")


class PrivgenError(Exception):
    """Base class of every error privgen raises on purpose."""

    exit_code = 1


class InputError(PrivgenError):
    """The user's input is unusable (exit code 2)."""

    exit_code = 2


class ProfileError(InputError):
    """A profile is invalid; carries every issue found at once (the message shows the first
    MAX_SHOWN: a list of 100,000 wrong items needs no 100,000 lines)."""

    MAX_SHOWN = 50

    def __init__(self, issues: list[Issue]):
        self.issues = sorted(issues, key=lambda i: (i.file, i.path))
        lines = [str(i) for i in self.issues[: self.MAX_SHOWN]]
        if len(self.issues) > self.MAX_SHOWN:
            more = len(self.issues) - self.MAX_SHOWN
            lines.append(printable(f"{self.issues[0].file}: ... and {more} more problems"))
        super().__init__("\n".join(lines))


class ClauseError(PrivgenError):
    """The clause library itself is broken (a bug in privgen's data, exit code 1)."""


class ExportError(PrivgenError):
    """An exporter failed or is misconfigured."""


class OutputError(PrivgenError):
    """An output file could not be written (disk full, no permission ...; exit code 1)."""


class RemoteError(PrivgenError):
    """A remote service (e.g. a CMS a document is published to) failed or refused (exit code 1)."""


class QuestionnaireError(PrivgenError):
    """privgen's questionnaire data (generator/questionnaire.yaml) is broken: a bug (exit code 1)."""
