"""Crash safety: `kill -9` in the middle of `privgen build DIR -o OUT`, then the same command again.

After the kill every file that is present is complete (HTML parses to its end, JSON loads,
Markdown ends its last line, a PDF opens with pypdf), each manifest vouches only for files that
are there with the recorded hashes, and the documents are the very bytes a clean build writes.
The rerun finishes everything and leaves no temporary file behind.

Written against the command line only (`privgen build DIR -o OUT`), so it holds for any build
engine behind it. The whole process group is killed, worker processes included.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT
from robust_support import (
    assert_complete,
    assert_manifest_holds,
    files_of,
    temporaries,
    write_profile,
)

PROFILES = 200


def profile(n: int) -> dict:
    """Small profiles that differ: some in two languages, some with a newsletter or a DPO."""
    data = {
        "profile": 1,
        "languages": ["de", "en"] if n % 5 == 0 else ["de"],
        "effective_date": "2026-11-29",
        "controller": {
            "name": f"Kunde {n} GmbH",
            "address": {
                "street": f"Teststraße {n}",
                "postal_code": f"{10000 + n}",
                "city": "Berlin",
                "country": "DE",
                "region": "BE",
            },
            "email": f"datenschutz@kunde-{n}.example",
        },
    }
    if n % 3 == 0:
        data["newsletter"] = {"provider": "brevo" if n % 2 else "mailjet", "tracking": "consent"}
    if n % 7 == 0:
        data["dpo"] = {"name": f"DSB {n}", "email": f"dsb@kunde-{n}.example"}
    return data


def make_batch(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    for n in range(1, count + 1):
        write_profile(folder / f"kunde-{n:03d}.yaml", profile(n))
    return folder


# A slow disk: fsync takes 10 ms longer, so that a kill lands while a file is being written
# (its temporary file complete but not yet renamed) often enough to be tested. Loaded through
# sitecustomize, so it changes nothing in privgen itself.
SLOW_DISK = """
import os, time
_fsync = os.fsync
def _slow_fsync(fd):
    time.sleep(0.01)
    return _fsync(fd)
os.fsync = _slow_fsync
"""


def start(folder: Path, out: Path, log: Path, *options: str, slow: Path | None = None) -> subprocess.Popen:
    """`privgen build DIR -o OUT` in its own process group (so kill -9 reaches its workers)."""
    path = [str(slow)] if slow else []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*path, str(ROOT)])}
    cmd = [sys.executable, "-m", "generator", "build", str(folder), "-o", str(out), *options]
    with log.open("wb") as fh:
        return subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
        )


def writing_now(out: Path) -> bool:
    """Whether a profile without a manifest yet has a temporary file: a write in progress."""
    try:
        entries = [e.path for e in os.scandir(out) if e.is_dir()]
    except FileNotFoundError:
        return False
    for folder in entries:
        if os.path.exists(os.path.join(folder, "manifest.json")):
            continue
        for sub in (folder, os.path.join(folder, "de"), os.path.join(folder, "en")):
            try:
                if any(n.startswith(".") and n.endswith(".tmp") for n in os.listdir(sub)):
                    return True
            except OSError:
                continue
    return False


def finished_profiles(out: Path) -> int:
    try:
        return sum(1 for e in os.scandir(out) if os.path.isfile(os.path.join(e.path, "manifest.json")))
    except FileNotFoundError:
        return 0


def kill_when(proc: subprocess.Popen, ready, what: str, timeout: float = 600) -> None:
    """SIGKILL the whole process group as soon as ready() is true; fail if it ends first."""
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            raise AssertionError(f"the build ended (exit {proc.returncode}) before {what}; nothing to test")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def assert_everything_present_is_complete(out: Path) -> int:
    present = files_of(out)
    for path in present.values():
        assert_complete(path)
    for folder in out.iterdir():
        if folder.is_dir():
            assert_manifest_holds(folder)
    return len(present)


def assert_same_as_a_clean_build(out: Path, folder: Path, reference: Path, *options: str) -> None:
    """Every document present after the kill is byte for byte what a clean build writes."""
    present = {name: path for name, path in files_of(out).items() if not name.endswith("manifest.json")}
    ids = sorted({name.split("/")[0] for name in present})
    subset = reference / "profiles"
    subset.mkdir(parents=True)
    for profile_id in ids:
        (subset / f"{profile_id}.yaml").write_bytes((folder / f"{profile_id}.yaml").read_bytes())
    # in a fresh process like the killed one (this test process may hold stylesheets it read earlier)
    proc = start(subset, reference / "out", reference / "build.log", *options)
    assert proc.wait(timeout=1200) == 0, (reference / "build.log").read_text(errors="replace")[-2000:]
    clean = files_of(reference / "out")
    different = [name for name, path in present.items() if path.read_bytes() != clean[name].read_bytes()]
    assert different == [], f"files present after the kill differ from a clean build: {different[:10]}"


def rerun_and_check(folder: Path, out: Path, log: Path, expected_profiles: int, *options: str) -> None:
    proc = start(folder, out, log, *options)
    assert proc.wait(timeout=1200) == 0, log.read_text(errors="replace")[-3000:]
    assert finished_profiles(out) == expected_profiles, log.read_text(errors="replace")[-3000:]
    assert_everything_present_is_complete(out)
    assert temporaries(out) == [], f"temporary files left behind: {temporaries(out)[:5]}"
    for folder_ in out.iterdir():
        if folder_.is_dir():
            listed = {p for p in files_of(folder_) if p != "manifest.json"}
            assert listed, f"{folder_}: no documents"


def test_kill_9_in_a_batch_of_200_then_rerun(tmp_path: Path):
    folder = make_batch(tmp_path / "profiles", PROFILES)
    out = tmp_path / "out"
    options = ("--format", "md,html,json", "--documents", "privacy-policy")
    slow = tmp_path / "slow-disk"
    slow.mkdir()
    (slow / "sitecustomize.py").write_text(SLOW_DISK)
    torn = 0  # kills that caught a file being written (its temporary file left behind)
    # three kills, each in a later stretch of the batch, every one followed by a restart; each
    # waits for the share of profiles to be done and then for a write in progress
    for run, share in enumerate((0.1, 0.35, 0.6), start=1):
        target = int(PROFILES * share)
        proc = start(folder, out, tmp_path / f"run{run}.log", *options, slow=slow)
        kill_when(
            proc,
            lambda t=target: finished_profiles(out) >= t and writing_now(out),
            f"{target} profiles were built and another was being written",
        )
        assert finished_profiles(out) < PROFILES, "the kill came too late to interrupt anything"
        torn += bool(temporaries(out))
        assert assert_everything_present_is_complete(out) > 0
        if run == 1:
            assert_same_as_a_clean_build(out, folder, tmp_path / "reference", *options)
    assert torn >= 1, "no kill caught a file being written"
    rerun_and_check(folder, out, tmp_path / "final.log", PROFILES, *options)


def test_kill_9_while_pdfs_are_written_then_rerun(tmp_path: Path):
    folder = make_batch(tmp_path / "profiles", 4)
    out = tmp_path / "out"
    options = ("--format", "pdf,html", "--documents", "privacy-policy")

    def a_pdf_exists() -> bool:
        return any(name.endswith(".pdf") for name in files_of(out)) if out.exists() else False

    proc = start(folder, out, tmp_path / "run1.log", *options)
    kill_when(proc, a_pdf_exists, "the first PDF was written")
    assert finished_profiles(out) < 4, "the kill came too late to interrupt anything"
    assert_everything_present_is_complete(out)  # every PDF present opens with pypdf
    rerun_and_check(folder, out, tmp_path / "run2.log", 4, *options)
    pdfs = [name for name in files_of(out) if name.endswith(".pdf")]
    assert len(pdfs) == 4, pdfs
