"""Nothing a profile or an output folder holds makes privgen write (or read) outside the output
folder: ids such as `..` or absolute paths, reserved names, symbolic links placed inside the
output folder, devices and FIFOs where a manifest is expected."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from robust_support import FULL, files_of, privgen, with_values, write_profile

from generator.exporters.pdf import fetcher_class

MINIMAL = {
    "profile": 1,
    "languages": ["de"],
    "effective_date": "2026-11-29",
    "controller": {
        "name": "Test GmbH",
        "address": {
            "street": "A 1",
            "postal_code": "10115",
            "city": "Berlin",
            "country": "DE",
            "region": "BE",
        },
        "email": "a@test.example",
    },
}


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry below root with its type, size and content hash (symlinks not followed)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            content = p.read_bytes() if p.is_file() and not p.is_symlink() else b""
            out[str(p.relative_to(root))] = (st.st_mode, len(content), hash(content))
    return out


def build(profile: Path, out: Path, *extra: str):
    return privgen("build", profile, "-o", out, "--format", "md,html,json", "--jobs", "1", *extra)


# -- ids and file names ---------------------------------------------------------------------
HOSTILE_IDS = [
    "..", ".", "../escape", "../../etc", "/etc", "/srv/x", "a/b", "a\\b", "C:\\Windows", "C:",
    "~", "~root", "x\x00y", "", " ", "con", "nul", "aux", "prn", "com1", "lpt9", "CON", "Con",
    "con.txt", "a" * 65, "ümlaut", "x\ny", "x\u202e", "%2e%2e", "$HOME", "*", "?",
]  # fmt: skip


@pytest.mark.parametrize("hostile", HOSTILE_IDS, ids=[repr(x) for x in HOSTILE_IDS])
def test_hostile_id_is_refused_and_nothing_is_written(tmp_path: Path, hostile: str):
    (tmp_path / "work").mkdir()
    profile = write_profile(tmp_path / "work" / "p.yaml", {**MINIMAL, "id": hostile}, ascii_only=True)
    before = snapshot(tmp_path)
    result = build(profile, tmp_path / "work" / "out")
    assert result.exit_code == 2, result.output
    assert f"{profile}: id: " in result.output, result.output
    assert "Traceback" not in result.output
    after = snapshot(tmp_path)
    assert after == before, f"written: {sorted(set(after) - set(before))}"


@pytest.mark.parametrize("stem", ["con", "nul", "aux", "com1", "lpt1", "Kunde_A", "..", "-"])
def test_a_file_name_that_is_no_safe_id_is_refused(tmp_path: Path, stem: str):
    profile = tmp_path / f"{stem}.yaml"
    write_profile(profile, MINIMAL)
    result = build(profile, tmp_path / "out")
    if stem == "-":  # "-" is a valid id and a harmless folder name
        assert result.exit_code == 0, result.output
        assert (tmp_path / "out" / "-" / "de" / "privacy-policy.html").is_file()
        return
    assert result.exit_code == 2, result.output
    assert f"{profile}: id: missing, and the file name" in result.output
    assert not (tmp_path / "out").exists() or not files_of(tmp_path / "out")


# -- symbolic links inside the output folder ------------------------------------------------
@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the output folder, with a file an attacker would like overwritten."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text("SECRET")
    return folder


LINKS = [
    ("the profile folder", "site", True),
    ("a language folder", "site/de", True),
    ("a document", "site/de/privacy-policy.html", False),
    ("the manifest", "site/manifest.json", False),
    ("a temporary-looking file", "site/de/.privacy-policy.md.123.abc.tmp", False),
]


@pytest.mark.parametrize(("what", "where", "is_dir"), LINKS, ids=[x[0] for x in LINKS])
def test_symlinks_in_the_output_folder_never_lead_outside(
    tmp_path: Path, outside: Path, what: str, where: str, is_dir: bool
):
    out = tmp_path / "out"
    link = out / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside if is_dir else outside / "secret.txt", target_is_directory=is_dir)
    profile = write_profile(tmp_path / "site.yaml", {**MINIMAL, "id": "site"})
    before = snapshot(outside)
    result = build(profile, out)
    assert "Traceback" not in result.output
    assert snapshot(outside) == before, f"{what}: a file outside the output folder was changed"
    assert (outside / "secret.txt").read_text() == "SECRET"
    if result.exit_code != 0:
        assert result.exit_code in (1, 2), result.output
        assert "symbolic link" in result.output and str(profile) in result.output, result.output
        # refused before writing: no document of this profile half-written beside the link
        written = [name for name, (mode, _, _) in snapshot(out).items() if stat.S_ISREG(mode)]
        assert written == [], written
    else:  # built: every document is a regular file inside the output folder
        for name in ("privacy-policy.html", "privacy-policy.md", "privacy-policy.json"):
            document = out / "site" / "de" / name
            assert document.is_file() and not document.is_symlink(), document


def test_output_folder_given_as_a_file_is_an_error(tmp_path: Path):
    target = tmp_path / "out"
    target.write_text("not a folder")
    result = build(write_profile(tmp_path / "p.yaml", MINIMAL), target)
    assert result.exit_code in (1, 2) and "Traceback" not in result.output
    assert target.read_text() == "not a folder"


def test_a_file_where_the_profile_folder_belongs_is_an_error_not_a_traceback(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "site").write_text("in the way")
    (out / "other").mkdir()
    folder = tmp_path / "in"
    folder.mkdir()
    write_profile(folder / "site.yaml", {**MINIMAL, "id": "site"})
    write_profile(folder / "other.yaml", {**MINIMAL, "id": "other"})
    result = privgen("build", folder, "-o", out, "--format", "md", "--jobs", "1")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "site.yaml" in result.output and "cannot" in result.output, result.output
    assert (out / "site").read_text() == "in the way"
    assert (out / "other" / "de" / "privacy-policy.md").is_file(), "one failure must not stop the others"


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "huge"])
def test_a_manifest_that_is_a_device_or_fifo_neither_hangs_nor_is_read(tmp_path: Path, kind: str):
    """A manifest.json pointing at /dev/zero or being a FIFO must not block or eat memory."""
    out = tmp_path / "out"
    (out / "site").mkdir(parents=True)
    manifest = out / "site" / "manifest.json"
    if kind == "fifo":
        os.mkfifo(manifest)
    elif kind == "dev-zero":
        manifest.symlink_to("/dev/zero")
    else:
        with manifest.open("wb") as fh:
            fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB of zero bytes
    profile = write_profile(tmp_path / "site.yaml", {**MINIMAL, "id": "site"})
    cmd = [sys.executable, "-m", "generator", "build", str(profile), "-o", str(out), "--format", "md"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1, 2), result.stderr


# -- the PDF renderer's reads -------------------------------------------------------------------
def test_pdf_fetcher_refuses_links_and_traversal_out_of_its_folder(tmp_path: Path):
    root = tmp_path / "static"
    root.mkdir()
    (root / "ok.css").write_text("p { color: black }")
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    (root / "link.css").symlink_to(secret)
    (root / "dirlink").symlink_to(tmp_path, target_is_directory=True)
    fetcher = fetcher_class()(root)
    assert fetcher.fetch((root / "ok.css").as_uri()).read() == b"p { color: black }"
    for url in [
        (root / "link.css").as_uri(),
        (root / "dirlink" / "secret.txt").as_uri(),
        root.as_uri() + "/../secret.txt",
        root.as_uri() + "/%2e%2e/secret.txt",
        root.as_uri() + "/..%2fsecret.txt",
        "file://localhost" + str(secret),
        "file://evil.example" + str(root / "ok.css"),
        secret.as_uri(),
        "http://127.0.0.1:9/x.css",
        "data:text/css,p{}",
        "ftp://127.0.0.1/x",
    ]:
        with pytest.raises(Exception):  # noqa: B017 - WeasyPrint only needs "it failed"
            fetcher.fetch(url)


def test_full_profile_builds_into_its_folder_only(tmp_path: Path):
    """The positive case: everything lands below DIR/<id>/."""
    (tmp_path / "in").mkdir()
    profile = write_profile(tmp_path / "in" / "full.yaml", with_values({}, FULL))
    result = build(profile, tmp_path / "out")
    assert result.exit_code == 0, result.output
    for name in files_of(tmp_path / "out"):
        assert name.startswith("full/"), name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]
