"""`privgen audit`: build, change the clause library (a copy of it), audit. The right documents are
flagged with the right reasons (from the library's changelog), and nothing else."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from batch_support import client, write_clients
from conftest import ROOT
from staleness_support import (
    CATALOG_WHAT,
    CLAUSE,
    CLAUSE_SOURCE,
    CLAUSE_WHAT,
    CLAUSE_WHY,
    add_changelog,
    bump_catalog,
    change_library,
    edit_clause,
    edit_file,
    library_copy,
    set_front_matter,
)

FORMATS = ("--format", "md,json")
SCHEMA = ROOT / "docs" / "schema" / "audit-1.schema.json"
TODAY = "2026-12-01"


@pytest.fixture
def clients(tmp_path: Path, run) -> tuple[Path, Path]:
    """Four clients built into out/: newsletter through Brevo (German), through Mailjet (German and
    English), no newsletter, and a Bavarian client with a Brevo newsletter."""
    folder = tmp_path / "clients"
    write_clients(folder, ["news-brevo"], provider="brevo")
    write_clients(folder, ["news-mailjet"], provider="mailjet", languages=("de", "en"))
    write_clients(folder, ["plain"], provider=None)
    bavarian = (
        client("bavaria", provider="brevo")
        .replace("city: Berlin", "city: München")
        .replace("region: BE", "region: BY")
    )
    (folder / "bavaria.yaml").write_text(bavarian, encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", folder, "-o", out, *FORMATS)
    assert result.exit_code == 0, result.output
    return folder, out


def audit(run, out: Path, *args: object) -> tuple[int, dict]:
    result = run("audit", out, "--json", "--as-of", TODAY, *args)
    data = json.loads(result.output)
    validate(data)
    return result.exit_code, data


def validate(data: dict) -> None:
    import jsonschema

    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))


def stale(data: dict) -> dict[tuple[str, str, str], dict]:
    return {
        (p["id"], d["document"], d["lang"]): d
        for p in data["profiles"]
        for d in p["documents"]
        if d["status"] == "stale"
    }


def using(out: Path, kind: str, name: str) -> set[tuple[str, str, str]]:
    """(client, document, lang) of every document whose manifest names a clause or catalog entry."""
    found = set()
    for path in sorted(out.glob("*/manifest.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for entry in data["documents"]:
            if any(c["id"] == name for c in entry[kind]):
                found.add((data["profile"]["id"], entry["document"], entry["lang"]))
    return found


def test_everything_is_current_after_a_build(clients, run):
    folder, out = clients
    code, data = audit(run, out, "--profiles", folder)
    assert code == 0
    assert data["status"] == "current" and data["summary"]["stale"] == 0
    assert data["summary"]["profiles"] == 4 and data["summary"]["documents"] > 20
    assert {p["profile"]["status"] for p in data["profiles"]} == {"unchanged"}
    text = run("audit", out, "--as-of", TODAY)
    assert text.exit_code == 0
    assert "0 out of date" in text.output
    assert "Profiles were not compared" in text.output


def test_a_changed_clause_and_fact_flag_exactly_the_documents_that_used_them(clients, run, tmp_path: Path):
    folder, out = clients
    with library_copy(tmp_path) as lib:
        change_library(lib)
        code, data = audit(run, out, "--profiles", folder)
        text = run("audit", out, "--as-of", TODAY, "--profiles", folder, "--lang", "de")

    expected = using(out, "clauses", CLAUSE) | using(out, "catalog", "providers/mailjet")
    assert {k[0] for k in using(out, "clauses", CLAUSE)} == {"news-brevo", "news-mailjet", "bavaria"}
    assert {k[0] for k in using(out, "catalog", "providers/mailjet")} == {"news-mailjet"}
    flagged = stale(data)
    assert set(flagged) == expected
    assert code == 1 and data["status"] == "stale"
    statuses = {p["id"]: p["status"] for p in data["profiles"]}
    assert statuses["plain"] == "current"

    clause_reason = next(
        r for r in flagged[("news-brevo", "privacy-policy", "de")]["reasons"] if r["id"] == CLAUSE
    )
    assert (clause_reason["kind"], clause_reason["from_version"], clause_reason["to_version"]) == (
        "clause",
        1,
        2,
    )
    (change,) = clause_reason["changes"]
    assert change["what"]["en"] == CLAUSE_WHAT[1]
    assert change["why"]["de"] == CLAUSE_WHY[0]
    assert change["source"] == CLAUSE_SOURCE
    # the Mailjet client's documents name both reasons; the fact that changed is named
    reasons = {r["id"]: r for r in flagged[("news-mailjet", "privacy-policy", "en")]["reasons"]}
    assert set(reasons) == {CLAUSE, "providers/mailjet"}
    assert "address" in reasons["providers/mailjet"]["facts"]
    assert reasons["providers/mailjet"]["changes"][0]["what"]["de"] == CATALOG_WHAT[0]
    # a Mailjet document without the clause is stale for the catalog only
    kit = flagged[("news-mailjet", "access-request-reply", "de")]["reasons"]
    assert [r["id"] for r in kit] == ["providers/mailjet"]

    assert text.exit_code == 1
    assert CLAUSE_WHAT[0] in text.output
    assert f"Warum: {CLAUSE_WHY[0]}" in text.output
    assert f"Quelle: {CLAUSE_SOURCE}" in text.output
    assert f"privgen build {folder / 'news-mailjet.yaml'} -o {out}" in text.output
    assert f"{out / 'plain'}: current" in text.output


def test_changed_text_without_version_bump(clients, run, tmp_path: Path):
    _, out = clients
    with library_copy(tmp_path) as lib:
        edit_clause(lib, CLAUSE, {"de": ("keine Werbung", "keinerlei Werbung")}, bump=False)
        code, data = audit(run, out)
    assert code == 1
    flagged = stale(data)
    assert set(flagged) == {k for k in using(out, "clauses", CLAUSE) if k[2] == "de"}  # only German changed
    reason = flagged[("news-brevo", "privacy-policy", "de")]["reasons"][0]
    assert reason["message"] == "changed text without version bump"
    assert (reason["from_version"], reason["to_version"]) == (1, 1)


def test_a_new_review_date_or_check_date_alone_changes_nothing(clients, run, tmp_path: Path):
    _, out = clients
    with library_copy(tmp_path) as lib:
        set_front_matter(lib, CLAUSE, "reviewed", "2027-01-15")
        text = (lib / "providers" / "brevo.yaml").read_text(encoding="utf-8")
        (lib / "providers" / "brevo.yaml").write_text(
            text.replace("checked: 2026-08-31", "checked: 2027-01-15"), encoding="utf-8"
        )
        code, data = audit(run, out)
    assert code == 0 and not stale(data)
    notes = [n for p in data["profiles"] for d in p["documents"] for n in d["notes"]]
    assert any(f"clause {CLAUSE}: reviewed again on 2027-01-15" in n for n in notes)
    assert any("catalog providers/brevo: checked again" in n for n in notes)


def test_a_changed_authority_flags_only_the_clients_of_its_land(clients, run, tmp_path: Path):
    _, out = clients
    with library_copy(tmp_path) as lib:
        bump_catalog(lib, "authorities")
        edit_file(lib / "authorities.yaml", 'phone: "+49 30 138890"', 'phone: "+49 30 1388900"')
        item = "{catalog: authorities, from_version: 1, to_version: 2, facts: [de_laender.BE]}"
        add_changelog(lib, "2027-01-01", [item], ("Berlin: Telefon.", "Berlin: phone."), ("T.", "T."), "Test")
        code, data = audit(run, out)
    assert code == 1
    assert {k[0] for k in stale(data)} == {"news-brevo", "news-mailjet", "plain"}  # all in Berlin
    bavaria = next(p for p in data["profiles"] if p["id"] == "bavaria")
    assert bavaria["status"] == "current"
    assert any(
        "nothing this document depends on changed" in n for d in bavaria["documents"] for n in d["notes"]
    )


def test_a_changed_profile_or_base_is_flagged(clients, run, tmp_path: Path):
    folder, out = clients
    path = folder / "plain.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Plain GmbH", "Plain & Co. GmbH"), encoding="utf-8"
    )
    code, data = audit(run, out, "--profiles", folder)
    assert code == 1
    assert {k[0] for k in stale(data)} == {"plain"}
    plain = next(p for p in data["profiles"] if p["id"] == "plain")
    assert plain["profile"]["status"] == "changed"
    assert all(d["reasons"][0]["kind"] == "profile" for d in plain["documents"])
    # without the profiles nothing can tell, and the report says so
    code, data = audit(run, out)
    assert code == 0 and not data["profiles_checked"]
    # a client whose profile is gone: a warning, not a failure
    path.unlink()
    code, data = audit(run, out, "--profiles", folder)
    plain = next(p for p in data["profiles"] if p["id"] == "plain")
    assert plain["profile"]["status"] == "missing" and plain["warnings"][0]["kind"] == "profile"


def test_a_changed_base_profile_is_flagged(tmp_path: Path, run):
    folder = tmp_path / "clients"
    folder.mkdir()
    (folder / "_agency.yaml").write_text("profile: 1\nnewsletter: {provider: brevo}\n", encoding="utf-8")
    (folder / "shop.yaml").write_text(
        client("shop", provider=None, extra="extends: _agency.yaml\n"), encoding="utf-8"
    )
    out = tmp_path / "out"
    assert run("build", folder, "-o", out, *FORMATS).exit_code == 0
    assert audit(run, out, "--profiles", folder)[0] == 0
    (folder / "_agency.yaml").write_text(
        "profile: 1\nnewsletter: {provider: brevo, tracking: consent}\n", encoding="utf-8"
    )
    code, data = audit(run, out, "--profiles", folder)
    assert code == 1
    reasons = {r["message"] for d in data["profiles"][0]["documents"] for r in d["reasons"]}
    assert reasons == {f"the base profile {folder / '_agency.yaml'} changed since the build"}


def test_a_new_clause_that_applies_now_is_flagged_with_the_profile(clients, run, tmp_path: Path):
    folder, out = clients
    with library_copy(tmp_path) as lib:
        for lang, text in (("de", "Neuer Hinweis zum Newsletter."), ("en", "A new note on the newsletter.")):
            source = next((lib / lang / "email").glob("newsletter-withdrawal.md.j2")).read_text(
                encoding="utf-8"
            )
            head, _, _ = source.partition("\n---\n")
            head = head.replace("id: email.newsletter.withdrawal", "id: email.newsletter.new-note")
            head = head.replace("order: ", "order: 9").replace("version: 1", "version: 1")
            (lib / lang / "email" / "newsletter-new-note.md.j2").write_text(
                f"{head}\n---\n{text}\n", encoding="utf-8"
            )
        item = "{clause: email.newsletter.new-note, from_version: null, to_version: 1}"
        add_changelog(
            lib, "2027-01-01", [item], ("Neuer Hinweis.", "New note."), ("Weil.", "Because."), "Test"
        )
        code, data = audit(run, out, "--profiles", folder)
        code_without, data_without = audit(run, out)
    assert code == 1
    flagged = stale(data)
    assert {k[0] for k in flagged} == {"news-brevo", "news-mailjet", "bavaria"}
    reason = flagged[("news-brevo", "privacy-policy", "de")]["reasons"][0]
    assert (reason["kind"], reason["id"], reason["message"]) == (
        "selection",
        "email.newsletter.new-note",
        "now applies to this profile",
    )
    assert reason["changes"][0]["what"]["en"] == "New note."
    # without the profiles: a warning that the selection changed
    assert code_without == 0
    kinds = {w["kind"] for p in data_without["profiles"] for w in p["warnings"]}
    assert "selection" in kinds


def test_files_of_a_format_not_rebuilt_are_stale(tmp_path: Path, run):
    folder = tmp_path / "clients"
    (path,) = write_clients(folder, ["shop"])
    out = tmp_path / "out"
    assert run("build", folder, "-o", out, *FORMATS).exit_code == 0
    path.write_text(path.read_text(encoding="utf-8").replace("Shop GmbH", "Shop AG"), encoding="utf-8")
    assert run("build", folder, "-o", out, "--format", "md").exit_code == 0
    code, data = audit(run, out, "--profiles", folder)
    assert code == 1
    outdated = [
        d
        for d in data["profiles"][0]["documents"]
        if d["reasons"] and d["reasons"][0]["kind"] == "outdated-files"
    ]
    assert outdated and all(f.endswith(".json") for d in outdated for f in d["files"])


def test_facts_expire_after_the_maximum_age(clients, run):
    _, out = clients
    code, data = audit(run, out)  # 2026-12-01: Mailjet's facts were checked on 2026-08-31
    assert not [w for p in data["profiles"] for w in p["warnings"] if w["kind"] == "expiring-fact"]
    code, data = audit(run, out, "--as-of", "2027-09-01")  # one year and a day later
    expired = {
        (p["id"], w["details"]["catalog"])
        for p in data["profiles"]
        for w in p["warnings"]
        if w["kind"] == "expiring-fact"
    }
    assert ("news-mailjet", "providers/mailjet") in expired
    assert ("news-brevo", "providers/brevo") in expired
    assert ("plain", "authorities") in expired  # checked 2026-07-21
    assert not any(c == "providers/mailjet" for p, c in expired if p != "news-mailjet")
    assert code == 0  # warnings alone do not fail ...
    assert run("audit", out, "--as-of", "2027-09-01", "--strict").exit_code == 1  # ... unless --strict
    _, data = audit(run, out, "--max-age", "2m")
    expired = {
        w["details"]["catalog"]
        for p in data["profiles"]
        for w in p["warnings"]
        if w["kind"] == "expiring-fact"
    }
    assert "providers/mailjet" in expired
    warning = next(w for p in data["profiles"] for w in p["warnings"] if w["kind"] == "expiring-fact")
    assert "What to do" in warning["message"]["en"] and "Was zu tun ist" in warning["message"]["de"]


def test_the_dpf_appeal_concerns_only_clients_with_dpf_transfers(clients, run):
    folder, out = clients
    for args in ((), ("--profiles", folder)):  # from the manifest alone, and with the profiles
        _, data = audit(run, out, *args)
        concerned = {
            p["id"]
            for p in data["profiles"]
            for w in p["warnings"]
            if w["kind"] == "under-review" and w["details"]["id"] == "dpf-appeal-c-703-25-p"
        }
        assert concerned == {"news-mailjet"}  # Mailjet → Mailgun (US) on the DPF; Brevo's are unconfirmed
    warning = next(w for p in data["profiles"] for w in p["warnings"] if w["kind"] == "under-review")
    assert "Mailgun Technologies, Inc. (US)" in warning["message"]["en"]
    assert "C-703/25 P" in warning["message"]["de"] and "Was zu tun ist" in warning["message"]["de"]


def test_check_reports_the_situations_under_review(tmp_path: Path, run):
    folder = tmp_path / "clients"
    write_clients(folder, ["mj"], provider="mailjet")
    write_clients(folder, ["br"], provider="brevo")
    result = run("check", folder / "mj.yaml")
    assert "under review: Appeal against the DPF adequacy decision (CJEU, C-703/25 P)" in result.output
    assert "What to do" in result.output
    assert "C-703/25 P)" not in run("check", folder / "br.yaml").output
    later = run("check", folder / "mj.yaml", "--as-of", "2027-09-01")
    assert "last checked on 2026-08-31, more than 12 months ago" in later.output
    assert (
        run("check", folder / "mj.yaml", "--as-of", "2027-09-01", "--max-age", "2y").output.count(
            "last checked"
        )
        == 0
    )
    bad = run("check", folder / "mj.yaml", "--max-age", "soon")
    assert bad.exit_code == 2 and "--max-age" in bad.output


def test_bad_input(tmp_path: Path, run, clients):
    _, out = clients
    missing = run("audit", tmp_path / "nowhere")
    assert missing.exit_code == 2 and "not a folder" in missing.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("audit", empty)
    assert result.exit_code == 2 and "no built documents found" in result.output
    assert run("audit", out, "--max-age", "12 parsecs").exit_code == 2
    assert run("audit", out, "--as-of", "tomorrow").exit_code == 2
    assert run("audit", out, "--profiles", tmp_path / "nope").exit_code == 2
    # one damaged manifest: that folder is an error, the others are audited
    (out / "plain" / "manifest.json").write_text("{not json", encoding="utf-8")
    code, data = audit(run, out)
    assert code == 2
    plain = next(p for p in data["profiles"] if p["folder"].endswith("plain"))
    assert plain["status"] == "error" and "manifest.json" in plain["error"]
    assert sum(1 for p in data["profiles"] if p["status"] == "current") == 3


def test_a_single_client_folder_can_be_audited(clients, run):
    _, out = clients
    code, data = audit(run, out / "plain")
    assert code == 0 and [p["id"] for p in data["profiles"]] == ["plain"]


def test_a_manifest_from_before_catalog_versions_still_audits(clients, run, tmp_path: Path):
    _, out = clients
    path = out / "news-mailjet" / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["catalog_versions"]
    for entry in data["documents"]:
        entry.pop("transfer_bases", None)
        for c in entry["clauses"]:
            c.pop("text_sha256", None)
    path.write_text(json.dumps(data), encoding="utf-8")
    with library_copy(tmp_path) as lib:
        edit_file(
            lib / "providers" / "mailjet.yaml",
            "4 rue Jules Lefebvre, postal_code",
            "6 rue Jules Lefebvre, postal_code",
        )
        code, result = audit(run, out)
    assert code == 1
    assert {k[0] for k in stale(result)} == {"news-mailjet"}
    assert all(
        r["message"] == "changed since the build" for d in stale(result).values() for r in d["reasons"]
    )


def test_the_manifest_records_versions_and_parts(clients):
    _, out = clients
    data = json.loads((out / "news-mailjet" / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in data["documents"] if e["document"] == "privacy-policy" and e["lang"] == "de")
    clause = next(c for c in entry["clauses"] if c["id"] == CLAUSE)
    assert clause["version"] == 1 and clause["reviewed"] == "2026-11-29" and len(clause["text_sha256"]) == 64
    assert entry["transfer_bases"] == ["dpf", "scc"]
    # catalog versions and parts: once per entry and sha256, for every sha256 a document names
    digests = {c["id"]: c["sha256"] for c in entry["catalog"]}
    mailjet = data["catalog_versions"]["providers/mailjet"][digests["providers/mailjet"]]
    assert mailjet["version"] == 1
    assert mailjet["parts"]["facts.address"]["checked"] == "2026-08-31"
    authorities = data["catalog_versions"]["authorities"][digests["authorities"]]
    assert set(authorities["parts"]) == {"de_laender.BE"}
    named = {(c["id"], c["sha256"]) for e in data["documents"] for c in e["catalog"]}
    assert named == {(i, h) for i, by_sha in data["catalog_versions"].items() for h in by_sha}


def test_an_audit_does_not_touch_the_output(clients, run):
    folder, out = clients
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    copy = out.parent / "copy"
    shutil.copytree(out, copy)
    run("audit", out, "--profiles", folder)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
