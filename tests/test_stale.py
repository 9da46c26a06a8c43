"""No clause, catalog entry or generated document repeats a known outdated statement."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.resources import clauses_dir
from generator.stale import find_stale

CLAUSES = sorted(clauses_dir().glob("*/**/*.md.j2"))
CATALOG = sorted((clauses_dir() / "providers").glob("*.yaml"))


def _problems(text: str) -> list[str]:
    return [f"{line!r}: {phrase.why} ({phrase.source})" for line, phrase in find_stale(text)]


@pytest.mark.parametrize("path", CLAUSES, ids=lambda p: str(p.relative_to(clauses_dir())))
def test_clause_has_no_stale_statement(path: Path):
    problems = _problems(path.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


def _asserted_texts(entry: dict) -> list[str]:
    """What a catalog entry lets documents say: descriptions and fact values (not notes or sources,
    which may name an old fact to explain why it is old)."""
    texts = [str(v) for v in (entry.get("description") or {}).values()]
    texts += [str(f.get("value")) for f in (entry.get("facts") or {}).values()]
    texts += [str(e.get("name")) + " " + str(e.get("address")) for e in entry.get("entities") or []]
    return texts


@pytest.mark.parametrize("path", CATALOG, ids=lambda p: p.stem)
def test_catalog_entry_asserts_no_stale_statement(path: Path):
    entry = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = [p for text in _asserted_texts(entry) for p in _problems(text)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "text",
    [
        "Die Übermittlung erfolgt auf Grundlage des EU-US Privacy Shield.",
        "Rechtsgrundlage ist § 15 TTDSG.",
        "Einwilligung nach § 7 Abs. 2 Nr. 3 UWG",
        "consent under Section 7(2) no. 3 UWG",
        "Es gibt keine Rechtsgrundlage für die Übermittlung in die USA.",
        "Mailjet SAS, 13-13bis rue de l'Aubrac, 75012 Paris",
        "Newsletter über Sendinblue",
    ],
)
def test_lint_catches_known_outdated_phrases(text: str):
    assert find_stale(text), text


def test_lint_accepts_current_phrasing():
    ok = (
        "Einwilligung nach § 7 Abs. 2 Nr. 2 UWG und § 25 Abs. 1 TDDDG (früher TTDSG); "
        "Brevo (ehemals Sendinblue)."
    )
    assert not find_stale(ok)
