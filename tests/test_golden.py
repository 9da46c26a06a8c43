"""Golden files: the generated documents, reviewed as diffs (the golden diff is the legal review).

Regenerate with: pytest tests/test_golden.py --update-golden
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import GOLDEN, PROFILES, TEST_PROFILES

CASES = sorted(PROFILES.glob("*.yaml")) + sorted(TEST_PROFILES.glob("*.yaml"))
FORMATS = ("md", "html", "json", "csv")  # csv: only documents with a table (records of processing)


@pytest.mark.parametrize("profile", CASES, ids=lambda p: p.stem)
def test_golden(profile: Path, tmp_path: Path, run, update_golden: bool):
    result = run("build", profile, "-o", tmp_path, "--format", ",".join(FORMATS))
    assert result.exit_code == 0, result.output
    (built,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    golden = GOLDEN / profile.stem
    produced = sorted(
        p.relative_to(built) for p in built.rglob("*") if p.is_file() and p.name != "manifest.json"
    )
    assert produced, "nothing was built"
    if update_golden:
        shutil.rmtree(golden, ignore_errors=True)
        for rel in produced:
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(built / rel, golden / rel)
        return
    expected = sorted(p.relative_to(golden) for p in golden.rglob("*") if p.is_file())
    assert produced == expected, "the set of files differs from the golden tree (run with --update-golden)"
    for rel in produced:
        got = (built / rel).read_text(encoding="utf-8")
        want = (golden / rel).read_text(encoding="utf-8")
        assert got == want, (
            f"{profile.stem}/{rel} differs from the golden file (review, then --update-golden)"
        )


def test_every_example_profile_has_a_golden_tree():
    missing = [p.stem for p in CASES if not (GOLDEN / p.stem).is_dir()]
    assert not missing, f"no golden files for {missing}: run pytest --update-golden"
