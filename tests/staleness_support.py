"""Shared by the audit, diff and changelog tests: a private copy of the clause library (through
PRIVGEN_CLAUSES) and edits to it: a clause with a new version, a catalog fact, changelog entries."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import ROOT

from generator import library


@contextmanager
def library_copy(tmp_path: Path) -> Iterator[Path]:
    """A copy of clauses/ that this process uses until the block ends."""
    copy = tmp_path / "library"
    shutil.copytree(ROOT / "clauses", copy)
    before = os.environ.get("PRIVGEN_CLAUSES")
    os.environ["PRIVGEN_CLAUSES"] = str(copy)
    library.reload()
    try:
        yield copy
    finally:
        if before is None:
            os.environ.pop("PRIVGEN_CLAUSES", None)
        else:
            os.environ["PRIVGEN_CLAUSES"] = before
        library.reload()


def clause_files(lib: Path, clause_id: str) -> list[Path]:
    found = [p for p in lib.rglob("*.md.j2") if f"\nid: {clause_id}\n" in p.read_text(encoding="utf-8")]
    assert len(found) == 2, f"{clause_id}: expected a German and an English file, found {found}"
    return sorted(found)


def edit_clause(lib: Path, clause_id: str, replace: dict[str, tuple[str, str]], *, bump: bool = True) -> None:
    """Replace text in the clause's body per language ({lang: (old, new)}); bump its version."""
    for path in clause_files(lib, clause_id):
        lang = path.relative_to(lib).parts[0]
        text = path.read_text(encoding="utf-8")
        if bump:
            version = int(re.search(r"^version: (\d+)$", text, re.M).group(1))
            text = re.sub(r"^version: \d+$", f"version: {version + 1}", text, count=1, flags=re.M)
        if lang in replace:
            old, new = replace[lang]
            assert old in text, f"{path}: {old!r} not found"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")


def set_front_matter(lib: Path, clause_id: str, key: str, value: str) -> None:
    for path in clause_files(lib, clause_id):
        text = path.read_text(encoding="utf-8")
        text = re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M)
        path.write_text(text, encoding="utf-8")


def edit_file(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{path}: {old!r} not found"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def bump_catalog(lib: Path, entry: str) -> None:
    """`version: n` → n + 1 at the top of providers/<id>.yaml or authorities.yaml."""
    path = lib / f"{entry}.yaml"
    text = path.read_text(encoding="utf-8")
    version = int(re.search(r"^version: (\d+)", text, re.M).group(1))
    path.write_text(
        re.sub(r"^version: \d+", f"version: {version + 1}", text, count=1, flags=re.M), encoding="utf-8"
    )


def add_changelog(
    lib: Path, date: str, items: list[str], what: tuple[str, str], why: tuple[str, str], source: str
) -> None:
    """Append an entry to the copy's changelog.yaml. items: YAML flow mappings."""
    lines = [f"  - date: {date}", "    items:"]
    lines += [f"      - {item}" for item in items]
    lines += [
        "    what:",
        f"      de: {what[0]!r}",
        f"      en: {what[1]!r}",
        "    why:",
        f"      de: {why[0]!r}",
        f"      en: {why[1]!r}",
        f"    source: {source!r}",
    ]
    path = lib / "changelog.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )
    library.reload()


# The change both the audit and the diff tests make: one clause reworded (a new version), and
# Mailjet's address (a new catalog version), each with its changelog entry.
CLAUSE = "email.newsletter.double-opt-in"
REWORDING = {
    "de": (
        "Die Bestätigungs-E-Mail enthält keine Werbung.",
        "Die Bestätigungs-E-Mail enthält weder Werbung noch Links zu Angeboten.",
    ),
    "en": (
        "The confirmation e-mail contains no advertising.",
        "The confirmation e-mail contains neither advertising nor links to offers.",
    ),
}
CLAUSE_WHAT = (
    "Die Bestätigungs-E-Mail enthält auch keine Links zu Angeboten.",
    "The confirmation e-mail carries no links to offers either.",
)
CLAUSE_WHY = ("Klarstellung (Testeintrag).", "Clarification (test entry).")
CLAUSE_SOURCE = "Example source of the test"
CATALOG_WHAT = ("Mailjet: neue Anschrift.", "Mailjet: new address.")
CATALOG_WHY = (
    "Die Anschrift im Vertrag hat sich geändert (Test).",
    "The address in the contract changed (test).",
)


def change_library(lib: Path) -> None:
    edit_clause(lib, CLAUSE, REWORDING)
    bump_catalog(lib, "providers/mailjet")
    edit_file(
        lib / "providers" / "mailjet.yaml",
        "4 rue Jules Lefebvre, postal_code",
        "6 rue Jules Lefebvre, postal_code",
    )
    item = f"{{clause: {CLAUSE}, from_version: 1, to_version: 2}}"
    add_changelog(lib, "2027-02-01", [item], CLAUSE_WHAT, CLAUSE_WHY, CLAUSE_SOURCE)
    item = "{catalog: providers/mailjet, from_version: 1, to_version: 2, facts: [address]}"
    add_changelog(lib, "2027-02-02", [item], CATALOG_WHAT, CATALOG_WHY, "Example contract of the test")
