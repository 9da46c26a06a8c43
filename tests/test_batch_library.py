"""Incremental builds when the clause library changes: a changed clause or catalog entry
rebuilds exactly the documents that use it. Runs privgen from a copy of the package and the
library (the repository's own clauses are never touched)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from batch_support import client, copy_tree, env_for, privgen_command, rewritten, snapshot, write_clients


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return copy_tree(tmp_path)


def _build(tree: Path, *args: object) -> subprocess.CompletedProcess:
    done = subprocess.run(
        privgen_command("build", *args),
        cwd=tree,
        env=env_for(tree),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _clause_file(tree: Path, lang: str, clause_id: str) -> Path:
    for path in (tree / "clauses" / lang).rglob("*.md.j2"):
        if f"\nid: {clause_id}\n" in path.read_text(encoding="utf-8"):
            return path
    raise AssertionError(f"no clause {clause_id} in {lang}")


def _uses(out: Path, profile: str, clause_id: str) -> set[str]:
    """The files of the documents of a profile that use a clause (from its manifest)."""
    data = json.loads((out / profile / "manifest.json").read_text(encoding="utf-8"))
    return {
        name
        for e in data["documents"]
        if any(c["id"] == clause_id for c in e["clauses"])
        for name in e["files"]
    }


def test_a_changed_clause_or_catalog_entry_rebuilds_exactly_its_documents(tmp_path: Path, tree: Path):
    folder = tmp_path / "clients"
    write_clients(folder, ["news-brevo"], provider="brevo")
    write_clients(folder, ["news-mailjet"], provider="mailjet")
    write_clients(folder, ["plain"], provider=None)
    single = client("single").replace("{provider: brevo,", "{provider: brevo, double_opt_in: false,")
    (folder / "single.yaml").write_text(single, encoding="utf-8")
    out = tmp_path / "out"
    args = (folder, "-o", out, "--format", "md,json", "--jobs", "2")
    _build(tree, *args)
    before = snapshot(out)
    again = _build(tree, *args)
    assert "0 built, 4 up to date" in again.stdout

    # a clause that only newsletter profiles use
    clause_id = "email.newsletter.double-opt-in"
    profiles = ("news-brevo", "news-mailjet", "single", "plain")
    affected = {f"{p}/{name}" for p in profiles for name in _uses(out, p, clause_id)}
    assert {n.split("/")[0] for n in affected} == {"news-brevo", "news-mailjet"}
    path = _clause_file(tree, "de", clause_id)
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n\nZusatz zum Test.\n"
    path.write_text(text, encoding="utf-8")
    result = _build(tree, *args)
    assert "2 built, 2 up to date" in result.stdout, result.stdout
    after = snapshot(out)
    changed = {n for n in rewritten(before, after) if not n.endswith("manifest.json")}
    assert changed == affected
    assert "Zusatz zum Test." in (out / "news-brevo" / "de" / "privacy-policy.md").read_text(encoding="utf-8")

    # a clause nobody in this batch uses: nothing is rebuilt
    unused = _clause_file(tree, "de", "email.sms.opt-in")
    unused.write_text(unused.read_text(encoding="utf-8") + "\nUnbenutzt.\n", encoding="utf-8")
    assert "0 built, 4 up to date" in _build(tree, *args).stdout
    assert snapshot(out) == after

    # a catalog entry: only the profile whose provider it describes
    entry = tree / "clauses" / "providers" / "mailjet.yaml"
    entry.write_text(entry.read_text(encoding="utf-8") + "\n# checked again\n", encoding="utf-8")
    result = _build(tree, *args)
    assert "1 built, 3 up to date" in result.stdout, result.stdout
    assert {n.split("/")[0] for n in rewritten(after, snapshot(out))} == {"news-mailjet"}

    # --force rebuilds everything
    result = _build(tree, *args, "--force")
    assert "4 built, 0 up to date" in result.stdout
