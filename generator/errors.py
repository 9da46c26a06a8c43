"""One exception hierarchy for privgen; only the CLI turns these into messages."""

from __future__ import annotations

from dataclasses import dataclass


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
        return f"{prefix}{where}{self.message}"


class PrivgenError(Exception):
    """Base class of every error privgen raises on purpose."""

    exit_code = 1


class InputError(PrivgenError):
    """The user's input is unusable (exit code 2)."""

    exit_code = 2


class ProfileError(InputError):
    """A profile is invalid; carries every issue found at once."""

    def __init__(self, issues: list[Issue]):
        self.issues = sorted(issues, key=lambda i: (i.file, i.path))
        super().__init__("\n".join(str(i) for i in self.issues))


class ClauseError(PrivgenError):
    """The clause library itself is broken (a bug in privgen's data, exit code 1)."""


class ExportError(PrivgenError):
    """An exporter failed or is misconfigured."""
