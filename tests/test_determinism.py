"""Two builds of the same profiles are byte-identical: HTML, Markdown, JSON (and every other
text format, and the manifests) always; PDF when SOURCE_DATE_EPOCH is set.

The two builds run in separate processes that differ in everything that should not matter:
hash seed (set and dict order), time zone, locale, working directory, where the profiles and
the output folder are, and the time of day (at least a second apart, so a timestamp shows).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PROFILES, ROOT, TEST_PROFILES
from robust_support import FULL, files_of, write_profile

from generator.exporters import targets

TEXT_FORMATS = [f for f in ("md", "html", "json", "html-fragment", "csv", "dpv") if f in targets()]


def privgen_process(args: list, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python -m generator ...` in a fresh process with exactly the given environment."""
    full_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(ROOT)),
        **env,
    }
    full_env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result


# Between them: every block and provider setting, German and English, a German Land and
# Austria, several providers with transfers (where sets and orderings could slip in).
SAMPLE = [PROFILES / "berlin-studio.yaml", TEST_PROFILES / "mixed.yaml", TEST_PROFILES / "vienna-shop.yaml"]
SAMPLE += sorted(TEST_PROFILES.glob("kit-two-providers.yaml"))


def copy_profiles(target: Path, *, full_only: bool = False) -> Path:
    target.mkdir(parents=True)
    for profile in [] if full_only else SAMPLE:
        shutil.copy(profile, target / profile.name)
    write_profile(target / "full.yaml", FULL)
    return target


def differing(a: Path, b: Path) -> list[str]:
    fa, fb = files_of(a), files_of(b)
    assert sorted(fa) == sorted(fb), "the two builds wrote different files"
    return [name for name in fa if fa[name].read_bytes() != fb[name].read_bytes()]


SETTINGS = [
    {"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
    {"PYTHONHASHSEED": "4242", "TZ": "Pacific/Kiritimati", "LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8"},
]


def test_text_formats_are_byte_identical_across_builds(tmp_path: Path):
    outs = []
    started = time.monotonic()
    for n, env in enumerate(SETTINGS):
        if n:
            time.sleep(max(0.0, 1.1 - (time.monotonic() - started)))  # a timestamp would differ
        # no SOURCE_DATE_EPOCH: every profile carries its date, and nothing else may vary
        profiles = copy_profiles(tmp_path / f"profiles-{n}")
        out = tmp_path / f"run-{n}" / "output"
        cwd = tmp_path / f"cwd-{n}"
        cwd.mkdir()
        args = ["build", profiles, "-o", out, "--format", ",".join(TEXT_FORMATS), "--force"]
        privgen_process(args, cwd, env)
        outs.append(out)
    assert len(files_of(outs[0])) > 40
    assert differing(*outs) == []


def test_a_rebuild_into_the_same_folder_changes_nothing(tmp_path: Path):
    """--force rewrites every file; each must come out as it was (same bytes, same manifest)."""
    profiles = copy_profiles(tmp_path / "profiles", full_only=True)
    out = tmp_path / "out"
    args = ["build", profiles, "-o", out, "--format", "md,html,json"]
    privgen_process(args, tmp_path, SETTINGS[0])
    first = {name: path.read_bytes() for name, path in files_of(out).items()}
    privgen_process([*args, "--force"], tmp_path, SETTINGS[1])
    second = {name: path.read_bytes() for name, path in files_of(out).items()}
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


@pytest.mark.parametrize("epoch", ["1796083200"])
def test_pdf_is_byte_identical_with_source_date_epoch(tmp_path: Path, epoch: str):
    outs = []
    for n, env in enumerate(SETTINGS):
        folder = tmp_path / f"in-{n}"
        folder.mkdir()
        shutil.copy(PROFILES / "beispiel-shop.yaml", folder / "beispiel-shop.yaml")
        out = tmp_path / f"out-{n}"
        cwd = tmp_path / f"cwd-{n}"
        cwd.mkdir()
        args = ["build", folder, "-o", out, "--format", "pdf", "--documents", "privacy-policy"]
        privgen_process(args, cwd, {**env, "SOURCE_DATE_EPOCH": epoch})
        outs.append(out)
    pdfs = [name for name in files_of(outs[0]) if name.endswith(".pdf")]
    assert len(pdfs) == 2, pdfs  # de and en
    assert differing(*outs) == []
