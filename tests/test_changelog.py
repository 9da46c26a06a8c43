"""The clause library's changelog (clauses/changelog.yaml, CHANGELOG.md) and the legal situations
under review (clauses/watch.yaml): well-formed, in step with the library, and CHANGELOG.md
generated from them.

"Every change is covered" means (changelog.coverage_problems): every clause and catalog entry
version after 1 has its changelog entry; every clause's review date and every catalog fact's check
date is no later than the newest changelog entry that covers it (the first release or an entry
for it), so a review, a re-check or a change without an entry fails here; and every id the
changelog names exists, unless an entry removed it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from conftest import PROFILES, ROOT, TEST_PROFILES
from staleness_support import (
    add_changelog,
    bump_catalog,
    edit_clause,
    edit_file,
    library_copy,
    set_front_matter,
)

from generator import catalog, changelog, clauses, watch
from generator.errors import ClauseError

CLAUSE = "email.newsletter.double-opt-in"


def test_the_changelog_starts_with_the_first_release():
    entries = changelog.load()
    assert entries[0].initial and entries[0].date == dt.date(2026, 11, 29)
    for entry in entries:
        for lang in ("de", "en"):
            assert entry.what[lang] and entry.why[lang]
        assert entry.source


def test_the_changelog_covers_the_installed_library():
    assert changelog.coverage_problems() == []


def test_every_clause_and_catalog_entry_has_a_version():
    for lang in clauses.LANGS:
        assert all(isinstance(c.version, int) and c.version >= 1 for c in clauses.library(lang))
    for path in sorted((ROOT / "clauses" / "providers").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data.get("version"), int) and data["version"] >= 1, path.name
    assert isinstance(catalog.authorities().get("version"), int)


def test_changelog_md_is_generated_from_the_yaml(run):
    result = run("changelog")
    assert result.exit_code == 0
    committed = (ROOT / "clauses" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert result.output == committed, "regenerate: .venv/bin/privgen changelog > clauses/CHANGELOG.md"
    assert (
        "# Änderungen der Klauselbibliothek" in committed and "# Changes to the clause library" in committed
    )
    assert "C-703/25 P" in committed  # the situations under review are listed too


def test_changelog_json(run):
    import json

    data = json.loads(run("changelog", "--json").output)
    assert data["format"] == "privgen-changelog"
    assert data["entries"][0]["initial"] is True
    assert {i["id"] for i in data["under_review"]} >= {"dpf-appeal-c-703-25-p"}


def test_a_bump_without_entry_and_a_recheck_without_entry_are_found(tmp_path: Path):
    with library_copy(tmp_path) as lib:
        edit_clause(lib, CLAUSE, {})
        set_front_matter(lib, "general.controller", "reviewed", "2027-03-01")
        bump_catalog(lib, "providers/mailjet")
        edit_file(lib / "providers" / "brevo.yaml", "checked: 2026-08-31", "checked: 2027-03-02")
        problems = "\n".join(changelog.coverage_problems())
        assert f"clause {CLAUSE}: version 2 has no changelog entry" in problems
        assert "clause general.controller: reviewed 2027-03-01 is after the last changelog entry" in problems
        assert "catalog providers/mailjet: version 2 has no changelog entry" in problems
        assert "catalog providers/brevo: fact" in problems and "2027-03-02" in problems
        add_changelog(
            lib, "2027-03-02",
            [f"{{clause: {CLAUSE}, from_version: 1, to_version: 2}}",
             "{clause: general.controller, from_version: 1, to_version: 1}",
             "{catalog: providers/mailjet, from_version: 1, to_version: 2, facts: [address]}",
             "{catalog: providers/brevo, from_version: 1, to_version: 1}"],
            ("Test.", "Test."), ("Test.", "Test."), "Test",
        )  # fmt: skip
        assert changelog.coverage_problems() == []


def test_a_changelog_naming_unknown_or_future_versions_is_found(tmp_path: Path):
    with library_copy(tmp_path) as lib:
        add_changelog(
            lib, "2027-01-01",
            ["{clause: no.such.clause, from_version: 1, to_version: 2}",
             f"{{clause: {CLAUSE}, from_version: 1, to_version: 2}}",
             "{catalog: providers/mailjet, from_version: 3, to_version: null}"],
            ("x", "x"), ("y", "y"), "z",
        )  # fmt: skip
        problems = "\n".join(changelog.coverage_problems())
        assert "clause no.such.clause is not in the library" in problems
        assert f"clause {CLAUSE}: the changelog names version 2, the library has 1" in problems
        assert "catalog providers/mailjet: the changelog says it was removed" in problems


BAD = [
    ({"format": 1, "entries": []}, "the first entry, and only it, is the first release"),
    ({"format": 1, "entries": [{"date": dt.date(2026, 1, 1), "initial": True, "what": {"de": "x"},
                                "why": {"de": "y", "en": "y"}, "source": "s"}]}, "entries[0].what"),
    ({"format": 1, "entries": [{"date": "soon", "initial": True}]}, "entries[0].date: expected a date"),
    ({"format": 2, "entries": []}, "expected format: 1"),
]  # fmt: skip
_OK = {"what": {"de": "x", "en": "x"}, "why": {"de": "y", "en": "y"}, "source": "s"}
FIRST = {"date": dt.date(2026, 11, 29), "initial": True, **_OK}
BAD_ITEMS = [
    ({"clause": "a", "from_version": 1, "to_version": 3}, "one item per version"),
    ({"clause": "a", "catalog": "b", "from_version": 1, "to_version": 2}, "exactly one of clause"),
    ({"clause": "a", "from_version": None, "to_version": None}, "cannot both be null"),
    ({"clause": "a", "from_version": 1}, "from_version and to_version are required"),
    ({"clause": "a", "from_version": 1, "to_version": 2, "why": "x"}, "unknown keys ['why']"),
    ({"clause": "a", "from_version": 1, "to_version": 2, "facts": ["x"]}, "only catalog items name facts"),
    ({"clause": "a", "from_version": None, "to_version": 2}, "starts at to_version: 1"),
]


@pytest.mark.parametrize(("data", "expected"), BAD)
def test_a_broken_changelog_names_the_place(data, expected):
    with pytest.raises(ClauseError, match=re.escape(expected)):
        changelog.parse(data, "changelog.yaml")


@pytest.mark.parametrize(("item", "expected"), BAD_ITEMS)
def test_a_broken_item_names_the_place(item, expected):
    data = {"format": 1, "entries": [FIRST, {"date": dt.date(2027, 1, 1), "items": [item], **_OK}]}
    with pytest.raises(ClauseError, match=r"entries\[1\]\.items\[0\].*" + re.escape(expected)):
        changelog.parse(data, "changelog.yaml")


def test_dates_must_not_go_back():
    data = {"format": 1, "entries": [FIRST, {"date": dt.date(2026, 1, 1),
            "items": [{"clause": "a", "from_version": 1, "to_version": 2}], **_OK}]}  # fmt: skip
    with pytest.raises(ClauseError, match="dates must not go back"):
        changelog.parse(data)


def test_between_finds_the_entries_of_each_bump(tmp_path: Path):
    with library_copy(tmp_path) as lib:
        for n, date in ((1, "2027-01-01"), (2, "2027-02-01")):
            add_changelog(lib, date, [f"{{clause: {CLAUSE}, from_version: {n}, to_version: {n + 1}}}"],
                          (f"Stufe {n}", f"step {n}"), ("w", "w"), "s")  # fmt: skip
        add_changelog(lib, "2027-03-01", [f"{{clause: {CLAUSE}, from_version: 3, to_version: 3}}"],
                      ("Prüfung", "review"), ("w", "w"), "s")  # fmt: skip
        steps = lambda old, new: [e.what["en"] for e, _ in changelog.between("clause", CLAUSE, old, new)]  # noqa: E731
        assert steps(1, 3) == ["step 1", "step 2"]
        assert steps(2, 3) == ["step 2"]
        assert steps(3, 3) == []
        assert steps(1, None) == [
            "step 1",
            "step 2",
        ]  # removed: every step after 1 (there is no removal entry)
        assert [e.what["en"] for e, _ in changelog.reviews("clause", CLAUSE, 3)] == ["review"]
        assert changelog.missing_bumps("clause", CLAUSE, 1, 4) == [4]


# -- legal situations under review ----------------------------------------------------------------


def test_the_watch_list_holds_the_dpf_appeal():
    items = {i.id: i for i in watch.load()}
    dpf = items["dpf-appeal-c-703-25-p"]
    assert dpf.transfer_basis == "dpf" and dpf.status == "pending"
    assert dpf.since == dt.date(2025, 10, 31)
    for lang in ("de", "en"):
        assert "C-703/25 P" in dpf.title[lang] and "2023/1795" in dpf.summary[lang]
        assert dpf.action[lang]
    # what FACTS.md marks unconfirmed stays marked so
    assert "unconfirmed" in dpf.summary["en"] and "unbestätigt" in dpf.summary["de"]


@pytest.mark.parametrize(
    "path", sorted(PROFILES.glob("*.yaml")) + sorted(TEST_PROFILES.glob("*.yaml")), ids=lambda p: p.name
)
def test_every_watch_condition_evaluates_for_every_example_profile(path: Path):
    from generator.build import load_profile
    from generator.context import build_context

    loaded = load_profile(path)
    context = build_context(loaded.data, loaded.data["languages"][0], dt.date(2026, 12, 1), "privacy-policy")
    names = watch.context_names(context)
    for item in watch.load():
        assert watch.concerns(item, names) in (True, False), item.id


BAD_WATCH = [
    ({"id": "x"}, "since: expected a date"),
    ({"status": "rumoured"}, "status: expected one of"),
    ({"transfer_basis": "privacy-shield"}, "transfer_basis: expected one of"),
    ({"transfer_basis": None, "when": None}, "expected transfer_basis and/or when"),
    ({"summary": {"de": "nur deutsch"}}, "summary: expected a text in German and English"),
    ({"colour": "red"}, "unknown keys ['colour']"),
]


@pytest.mark.parametrize(("change", "expected"), BAD_WATCH)
def test_a_broken_watch_item_names_the_place(change, expected):
    item = {
        "id": "x", "title": {"de": "t", "en": "t"}, "status": "pending", "since": dt.date(2026, 1, 1),
        "checked": dt.date(2026, 1, 1), "transfer_basis": "dpf", "summary": {"de": "s", "en": "s"},
        "action": {"de": "a", "en": "a"}, "source": "FACTS.md",
    }  # fmt: skip
    item.update(change)
    if change == {"id": "x"}:
        del item["since"]
    item = {k: v for k, v in item.items() if v is not None}
    with pytest.raises(ClauseError, match=r"items\[0\].*" + re.escape(expected)):
        watch.parse({"format": 1, "items": [item]}, "watch.yaml")
