"""`privgen build` over many profiles: failure isolation, incremental rebuilds, duplicate ids,
the manifest, --documents, and no WeasyPrint without PDF."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from batch_support import ROOT, client, env_for, profiles_touched, rewritten, snapshot, write_clients

MD = ("--format", "md", "--documents", "privacy-policy")


def test_one_broken_profile_does_not_stop_the_others(tmp_path: Path, run):
    folder = tmp_path / "clients"
    write_clients(folder, ["alpha", "beta", "gamma"])
    (folder / "broken.yaml").write_text(client("broken").replace("datenschutz@broken.example", "nope"))
    (folder / "syntax.yaml").write_text("profile: 1\ncontroller: [unclosed\n")
    out = tmp_path / "out"
    result = run("build", folder, "-o", out, *MD, "--jobs", "2")
    assert result.exit_code == 2, result.output
    for name in ("alpha", "beta", "gamma"):
        assert (out / name / "de" / "privacy-policy.md").is_file()
        assert f"{name}.yaml: wrote" in result.output
    assert not (out / "broken").exists()
    assert f"{folder / 'broken.yaml'}: controller.email: expected an e-mail address" in result.output
    assert f"{folder / 'syntax.yaml'}: YAML syntax error at line" in result.output
    assert "3 built, 0 up to date, 2 failed (5 profiles" in result.output
    assert "Traceback" not in result.output


def test_a_crashing_profile_and_a_dying_worker_are_isolated(tmp_path: Path, run, monkeypatch):
    from generator import batch

    real = batch.build_profile

    def flaky(path, *args, **kwargs):
        if path.stem == "crash":
            raise RuntimeError("simulated bug")
        if path.stem == "dies":
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
        return real(path, *args, **kwargs)

    monkeypatch.setattr(batch, "build_profile", flaky)  # the forked workers inherit it
    folder = tmp_path / "clients"
    write_clients(folder, ["a1", "a2", "crash", "dies", "a3", "a4"])
    out = tmp_path / "out"
    result = run("build", folder, "-o", out, *MD, "--jobs", "2")
    assert result.exit_code == 1, result.output
    for name in ("a1", "a2", "a3", "a4"):
        assert (out / name / "manifest.json").is_file(), result.output
    assert "crash.yaml: internal error: RuntimeError: simulated bug" in result.output
    assert "dies.yaml: the process building it died (signal 9 (SIGKILL))" in result.output
    assert "4 built, 0 up to date, 2 failed" in result.output


def test_a_second_run_builds_nothing_and_force_rebuilds_everything(tmp_path: Path, run):
    folder = tmp_path / "clients"
    write_clients(folder, ["one", "two", "three"], languages=("de", "en"))
    out = tmp_path / "out"
    assert run("build", folder, "-o", out, "--format", "md,html", "--jobs", "2").exit_code == 0
    first = snapshot(out)
    again = run("build", folder, "-o", out, "--format", "md,html", "--jobs", "2")
    assert again.exit_code == 0, again.output
    assert "0 built, 3 up to date, 0 failed" in again.output
    assert snapshot(out) == first, "an unchanged batch must not rewrite a file"
    # asking for less than was built is up to date too
    assert "3 up to date" in run("build", folder, "-o", out, *MD, "--lang", "de").output
    forced = run("build", folder, "-o", out, "--format", "md,html", "--force")
    assert "3 built, 0 up to date" in forced.output
    assert rewritten(first, snapshot(out)) == {n for n in first if not n.endswith("manifest.json")}


def test_changing_a_profile_rebuilds_only_that_profile(tmp_path: Path, run):
    folder = tmp_path / "clients"
    paths = write_clients(folder, ["one", "two", "three"])
    out = tmp_path / "out"
    run("build", folder, "-o", out, *MD)
    before = snapshot(out)
    paths[1].write_text(client("two").replace("Two GmbH", "Two Neu GmbH"), encoding="utf-8")
    result = run("build", folder, "-o", out, *MD)
    assert "1 built, 2 up to date" in result.output
    assert profiles_touched(before, snapshot(out)) == {"two"}
    assert "Two Neu GmbH" in (out / "two" / "de" / "privacy-policy.md").read_text(encoding="utf-8")


AGENCY = """\
profile: 1
languages: [de, en]
effective_date: 2026-11-29
controller:
  address: {street: Agenturweg 1, postal_code: "10115", city: Berlin, country: DE, region: BE}
  email: datenschutz@agentur.example
hosting:
  name: Agentur Hosting GmbH
  address: Serverweg 5, 10115 Berlin
  country: DE
newsletter:
  provider: brevo
  fields: [email, name]
"""


def _agency(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_agency.yaml").write_text(AGENCY, encoding="utf-8")
    (folder / "kunde-a.yaml").write_text(
        "extends: _agency.yaml\ncontroller:\n  name: Kunde A GmbH\n", encoding="utf-8"
    )
    (folder / "kunde-b.yaml").write_text(
        textwrap.dedent(
            """\
            extends: _agency.yaml
            languages: [de]
            controller:
              name: {de: Kunde B GmbH, en: Client B Ltd}
              email: privacy@kunde-b.example
            newsletter: null
            """
        ),
        encoding="utf-8",
    )
    (folder / "solo.yaml").write_text(client("solo"), encoding="utf-8")


def test_extends_merges_the_base_under_the_profile(tmp_path: Path, run):
    folder = tmp_path / "clients"
    _agency(folder)
    out = tmp_path / "out"
    result = run("build", folder, "-o", out, "--format", "md")
    assert result.exit_code == 0, result.output
    assert not (out / "_agency").exists(), "a base named _*.yaml is no client"
    a = (out / "kunde-a" / "de" / "privacy-policy.md").read_text(encoding="utf-8")
    assert "Kunde A GmbH" in a and "Agentur Hosting GmbH" in a and "datenschutz@agentur.example" in a
    assert (out / "kunde-a" / "en" / "privacy-policy.md").is_file()  # languages from the base
    assert (out / "kunde-a" / "de" / "newsletter-consent.md").is_file()
    b = (out / "kunde-b" / "de" / "privacy-policy.md").read_text(encoding="utf-8")
    assert "privacy@kunde-b.example" in b and "datenschutz@agentur.example" not in b
    assert "Agentur Hosting GmbH" in b  # a mapping merges key by key
    assert not (out / "kunde-b" / "en").exists()  # a list is replaced, not merged
    assert not (out / "kunde-b" / "de" / "newsletter-consent.md").exists()  # null removes a block
    manifest = json.loads((out / "kunde-a" / "manifest.json").read_text(encoding="utf-8"))
    base_sha = hashlib.sha256((folder / "_agency.yaml").read_bytes()).hexdigest()
    assert manifest["profile"]["extends"] == [{"file": "_agency.yaml", "sha256": base_sha}]


def test_changing_the_base_rebuilds_its_clients_only(tmp_path: Path, run):
    folder = tmp_path / "clients"
    _agency(folder)
    out = tmp_path / "out"
    run("build", folder, "-o", out, "--format", "md")
    before = snapshot(out)
    base = folder / "_agency.yaml"
    base.write_text(base.read_text().replace("Agentur Hosting GmbH", "Neue Hosting AG"), encoding="utf-8")
    result = run("build", folder, "-o", out, "--format", "md")
    assert "2 built, 1 up to date" in result.output, result.output
    assert profiles_touched(before, snapshot(out)) == {"kunde-a", "kunde-b"}
    assert "Neue Hosting AG" in (out / "kunde-a" / "de" / "privacy-policy.md").read_text(encoding="utf-8")


def test_a_base_in_the_folder_is_not_built_as_a_client(tmp_path: Path, run):
    folder = tmp_path / "clients"
    folder.mkdir()
    (folder / "agency.yaml").write_text(AGENCY, encoding="utf-8")
    (folder / "kunde.yaml").write_text("extends: agency.yaml\ncontroller: {name: Kunde GmbH}\n")
    out = tmp_path / "out"
    result = run("build", folder, "-o", out, *MD)
    assert result.exit_code == 0, result.output
    assert "agency.yaml: base profile of 1 profile, not built itself" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["kunde"]


@pytest.mark.parametrize(
    ("files", "words"),
    [
        (
            {"a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n"},
            ["b.yaml: extends: 'a.yaml' makes a cycle:", "a.yaml -> "],
        ),
        ({"a.yaml": "extends: a.yaml\n"}, ["a.yaml: extends:", "cycle"]),
        ({"a.yaml": "extends: missing.yaml\n"}, ["a.yaml: extends: base profile 'missing.yaml' not found"]),
        ({"a.yaml": "extends: /etc/passwd.yaml\n"}, ["a.yaml: extends: expected the file name"]),
        ({"a.yaml": "extends: [x]\n"}, ["a.yaml: extends: expected the file name"]),
        (
            {"a.yaml": "extends: base.txt\n", "base.txt": "profile: 1\n"},
            ["a.yaml: extends: expected a .yaml"],
        ),
        (
            {"a.yaml": "extends: _base.yaml\n", "_base.yaml": "- a list\n"},
            ["_base.yaml: a base profile (extended by", "must be a mapping"],
        ),
        (
            {"a.yaml": "extends: _base.yaml\n", "_base.yaml": "profile: [unclosed\n"},
            ["_base.yaml: YAML syntax error"],
        ),
        (
            {
                "a.yaml": "extends: _base.yaml\ncontroller: {name: A GmbH}\n",
                "_base.yaml": AGENCY.replace("datenschutz@agentur.example", "kaputt"),
            },
            ["_base.yaml (base of", "a.yaml): controller.email: expected an e-mail address"],
        ),
    ],
    ids=["cycle", "self", "missing", "absolute", "not-text", "suffix", "base-list", "base-yaml", "base-val"],
)
def test_extends_errors_name_the_file_and_the_field(tmp_path: Path, run, files: dict, words: list[str]):
    folder = tmp_path / "clients"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", folder / "a.yaml", "-o", out, *MD)
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output, f"{word!r} not in {result.output!r}"
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_the_id_is_never_inherited(tmp_path: Path, run):
    folder = tmp_path / "clients"
    folder.mkdir()
    (folder / "_base.yaml").write_text(client("base-id"), encoding="utf-8")
    (folder / "x.yaml").write_text("extends: _base.yaml\n", encoding="utf-8")
    (folder / "y.yaml").write_text("extends: _base.yaml\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run("build", folder, "-o", out, *MD).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["x", "y"]


def test_two_profiles_with_one_id_are_an_error_naming_both(tmp_path: Path, run):
    folder = tmp_path / "clients"
    write_clients(folder, ["fine"])
    (folder / "first.yaml").write_text(client("same"), encoding="utf-8")
    (folder / "second.yaml").write_text(client("same"), encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", folder, "-o", out, *MD)
    assert result.exit_code == 2, result.output
    first, second = folder / "first.yaml", folder / "second.yaml"
    assert f"{first}: id: 'same' is also the id of {second}" in result.output
    assert f"{second}: id: 'same' is also the id of {first}" in result.output
    assert not (out / "same").exists()
    assert (out / "fine" / "manifest.json").is_file()


def test_the_same_file_twice_is_built_once(tmp_path: Path, run):
    folder = tmp_path / "clients"
    (path,) = write_clients(folder, ["once"])
    result = run("build", folder, path, "-o", tmp_path / "out", *MD)
    assert result.exit_code == 0, result.output
    assert "1 built" in result.output


def test_the_manifest_records_what_each_document_was_built_from(tmp_path: Path, run):
    from generator import __version__
    from generator.resources import clauses_dir

    folder = tmp_path / "clients"
    (path,) = write_clients(folder, ["shop"], languages=("de", "en"))
    out = tmp_path / "out"
    assert run("build", folder, "-o", out, "--format", "md,json").exit_code == 0
    data = json.loads((out / "shop" / "manifest.json").read_text(encoding="utf-8"))
    profile_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert data["profile"]["sha256"] == profile_sha
    assert data["generator"]["version"] == __version__
    library = {}
    for lang in ("de", "en"):
        for f in (clauses_dir() / lang).rglob("*.md.j2"):
            text = f.read_text(encoding="utf-8")
            clause_id = text.split("\nid: ", 1)[1].split("\n", 1)[0].strip()
            library[(lang, clause_id)] = hashlib.sha256(f.read_bytes()).hexdigest()
    provider = hashlib.sha256((clauses_dir() / "providers" / "brevo.yaml").read_bytes()).hexdigest()
    docs = {(e["document"], e["lang"]): e for e in data["documents"]}
    assert ("privacy-policy", "de") in docs and ("privacy-policy", "en") in docs
    for (_, lang), entry in docs.items():
        assert entry["profile_sha256"] == profile_sha
        assert entry["generator_version"] == __version__
        assert not entry["outdated"]
        assert entry["clauses"], entry["document"]
        for c in entry["clauses"]:
            assert library[(lang, c["id"])] == c["sha256"], c["id"]
            assert isinstance(c["version"], int)
        assert {"id": "providers/brevo", "sha256": provider} in entry["catalog"]
        for name, digest in entry["files"].items():
            assert hashlib.sha256((out / "shop" / name).read_bytes()).hexdigest() == digest
        assert set(entry["formats"]) == {"md", "json"}


def test_documents_option_selects_documents(tmp_path: Path, run):
    folder = tmp_path / "clients"
    write_clients(folder, ["pick"])
    out = tmp_path / "out"
    result = run("build", folder, "-o", out, *MD)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "pick" / "de").iterdir()) == ["privacy-policy.md"]
    everything = run("build", folder, "-o", out, "--format", "md")
    assert "1 built" in everything.output
    assert len(list((out / "pick" / "de").iterdir())) > 1
    bad = run("build", folder, "-o", out, "--documents", "privacy-policy,nonsense")
    assert bad.exit_code == 2
    assert "--documents" in bad.output and "privacy-policy" in bad.output


def test_a_document_that_no_longer_applies_is_removed(tmp_path: Path, run):
    folder = tmp_path / "clients"
    (path,) = write_clients(folder, ["shop"])
    out = tmp_path / "out"
    run("build", folder, "-o", out, "--format", "md")
    with_newsletter = {p.name for p in (out / "shop" / "de").iterdir()}
    path.write_text(client("shop", provider=None), encoding="utf-8")
    result = run("build", folder, "-o", out, "--format", "md")
    assert result.exit_code == 0, result.output
    without = {p.name for p in (out / "shop" / "de").iterdir()}
    gone = with_newsletter - without
    assert "newsletter-consent.md" in gone and "privacy-policy.md" in without
    data = json.loads((out / "shop" / "manifest.json").read_text(encoding="utf-8"))
    not_applicable = {e["document"] for e in data["not_applicable"]}
    assert {name.removesuffix(".md") for name in gone} <= not_applicable
    assert "removed" in result.output


def test_files_of_formats_not_rebuilt_are_marked_outdated(tmp_path: Path, run):
    folder = tmp_path / "clients"
    (path,) = write_clients(folder, ["shop"])
    out = tmp_path / "out"
    run("build", folder, "-o", out, "--format", "md,html", "--documents", "privacy-policy")
    path.write_text(client("shop").replace("Shop GmbH", "Shop Zwei GmbH"), encoding="utf-8")
    result = run("build", folder, "-o", out, *MD)
    assert result.exit_code == 0
    assert "de/privacy-policy.html" in result.output and "outdated" in result.output
    data = json.loads((out / "shop" / "manifest.json").read_text(encoding="utf-8"))
    (stale,) = [e for e in data["documents"] if e["outdated"]]
    assert list(stale["files"]) == ["de/privacy-policy.html"]
    (fresh,) = [e for e in data["documents"] if not e["outdated"]]
    assert list(fresh["files"]) == ["de/privacy-policy.md"]
    healed = run("build", folder, "-o", out, "--format", "md,html", "--documents", "privacy-policy")
    assert "outdated" not in healed.output
    data = json.loads((out / "shop" / "manifest.json").read_text(encoding="utf-8"))
    assert [e["outdated"] for e in data["documents"]] == [False]


def test_a_profile_folder_in_use_by_another_build_is_refused(tmp_path: Path, run):
    fcntl = pytest.importorskip("fcntl")
    folder = tmp_path / "clients"
    write_clients(folder, ["locked", "free"])
    out = tmp_path / "out"
    (out / "locked").mkdir(parents=True)
    fd = os.open(out / "locked", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as another privgen run building this profile holds it
        result = run("build", folder, "-o", out, *MD)
    finally:
        os.close(fd)
    assert result.exit_code == 1, result.output
    assert f"{out / 'locked'} is being written by another privgen build" in result.output
    assert (out / "free" / "manifest.json").is_file()
    assert not any((out / "locked").iterdir())
    assert "1 built, 1 up to date, 0 failed" in run("build", folder, "-o", out, *MD).output


NO_WEASYPRINT = """
import sys

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise ImportError("weasyprint must not be imported without --format pdf")

sys.meta_path.insert(0, Refuse())  # the forked workers inherit it
from generator.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit as exc:
    code = exc.code
else:
    code = 0
assert "weasyprint" not in sys.modules
print("exit", code)
sys.exit(code or 0)
"""


def test_a_build_without_pdf_never_imports_weasyprint(tmp_path: Path):
    folder = tmp_path / "clients"
    write_clients(folder, ["w1", "w2", "w3"])
    args = ["build", str(folder), "-o", str(tmp_path / "out"), "--format", "html,md,json", "--jobs", "2"]
    for argv in (args, [*args[:1], str(folder / "w1.yaml"), *args[2:]] + ["--force"]):
        done = subprocess.run(
            [sys.executable, "-c", NO_WEASYPRINT, *argv],
            cwd=ROOT,
            env=env_for(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "exit 0" in done.stdout
    assert (tmp_path / "out" / "w3" / "de" / "privacy-policy.html").is_file()


def test_merge_rules():
    from generator.inherit import merge

    base = {
        "languages": ["de", "en"],
        "controller": {"name": {"de": "Agentur", "en": "Agency"}, "email": "a@x.example"},
        "newsletter": {"provider": "brevo", "fields": ["email", "name"]},
        "dpo": {"email": "d@x.example"},
    }
    child = {
        "languages": ["de"],
        "controller": {"name": {"de": "Kunde"}},
        "newsletter": {"fields": ["email"]},
        "dpo": None,
    }
    assert merge(base, child) == {
        "languages": ["de"],  # lists are replaced
        "controller": {"name": {"de": "Kunde"}, "email": "a@x.example"},  # a text by language too
        "newsletter": {"provider": "brevo", "fields": ["email"]},  # mappings merge
        "dpo": None,  # null removes the base's block
    }
    assert base["controller"]["name"] == {"de": "Agentur", "en": "Agency"}, "the base is not changed"


def test_without_a_fixed_date_a_document_keeps_the_date_it_last_changed(tmp_path: Path, run, monkeypatch):
    import datetime as dt

    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    folder = tmp_path / "clients"
    (path,) = write_clients(folder, ["dated"])
    path.write_text(client("dated").replace("effective_date: 2026-11-29\n", ""), encoding="utf-8")
    out = tmp_path / "out"
    run("build", folder, "-o", out, *MD)
    manifest = out / "dated" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    (entry,) = data["documents"]
    assert entry["effective_date"] == dt.date.today().isoformat()
    assert entry["date_source"] == "build date"
    entry["effective_date"] = "2020-01-01"  # as if it had been built then, unchanged since
    manifest.write_text(json.dumps(data), encoding="utf-8")
    assert "1 up to date" in run("build", folder, "-o", out, *MD).output  # the date is no input
    run("build", folder, "-o", out, *MD, "--force")
    text = (out / "dated" / "de" / "privacy-policy.md").read_text(encoding="utf-8")
    assert "1. Januar 2020" in text, "an unchanged document keeps its date"
    path.write_text(path.read_text(encoding="utf-8").replace("Dated GmbH", "Dated AG"), encoding="utf-8")
    run("build", folder, "-o", out, *MD)
    text = (out / "dated" / "de" / "privacy-policy.md").read_text(encoding="utf-8")
    assert "1. Januar 2020" not in text and "Dated AG" in text, "a changed one gets today's date"


def test_workers_are_renewed_when_their_memory_grows(tmp_path: Path, monkeypatch):
    from generator import batch

    monkeypatch.setattr(batch, "RECYCLE_RSS_KIB", 1)  # every worker is "too big" after one profile
    folder = tmp_path / "clients"
    write_clients(folder, [f"r{i}" for i in range(8)])
    options = batch.Options(out_dir=tmp_path / "out", formats=("md",), documents=("privacy-policy",), jobs=2)
    summary = batch.run([folder], options)
    assert summary.exit_code == 0
    assert summary.count("built") == 8
    workers = {o.worker for o in summary.outcomes}
    assert len(workers) > 2, "the pool was never renewed"
    assert os.getpid() not in workers
