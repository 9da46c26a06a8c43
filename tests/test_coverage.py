"""Art. 13 GDPR coverage: every applicable item is provided by a clause, for every test profile,
and `privgen check` reports a gap."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PROFILES, TEST_PROFILES

from generator.build import load_profile, render_document
from generator.context import build_context
from generator.lint import applicable_art13, coverage_gaps

CASES = sorted(PROFILES.glob("*.yaml")) + sorted(TEST_PROFILES.glob("*.yaml"))


@pytest.mark.parametrize("profile", CASES, ids=lambda p: p.stem)
def test_every_applicable_art13_item_is_covered(profile: Path):
    loaded = load_profile(profile)
    for lang in loaded.data["languages"]:
        doc = render_document(loaded, "privacy-policy", lang)
        ctx = build_context(loaded.data, lang, doc.effective_date, "privacy-policy")
        required = applicable_art13(loaded.data, ctx)
        assert {"art13-1-a", "art13-1-c", "art13-2-b", "art13-2-d"} <= required
        assert coverage_gaps(doc, required) == [], f"{profile.stem} ({lang})"


def test_check_reports_a_coverage_gap(tmp_path: Path, run, monkeypatch):
    from generator import clauses

    original = clauses.select

    def without_complaint(document, lang, context):
        return [c for c in original(document, lang, context) if "art13-2-d" not in c.covers]

    monkeypatch.setattr("generator.build.clauses.select", without_complaint)
    result = run("check", PROFILES / "berlin-studio.yaml")
    assert result.exit_code == 1
    assert "Art. 13 item art13-2-d is not covered" in result.output


def test_golden_cases_use_every_provider_and_module():
    from generator.catalog import providers
    from generator.schema import SERVICE_BLOCKS

    used, modules, tracking = set(), set(), set()
    for profile in CASES:
        data = load_profile(profile).data
        for block in SERVICE_BLOCKS:
            if data.get(block):
                used.add(data[block]["provider"])
                modules.add(block)
        if data.get("newsletter"):
            tracking.add(data["newsletter"]["tracking"])
            modules.add("double_opt_in" if data["newsletter"]["double_opt_in"] else "single_opt_in")
            if data["newsletter"]["existing_customers"]:
                modules.add("existing_customers")
        if data.get("dpo"):
            modules.add("dpo")
    assert used == set(providers()), f"no golden case uses {set(providers()) - used}"
    assert tracking == {"none", "consent"}
    assert {"double_opt_in", "single_opt_in", "existing_customers", "dpo", *SERVICE_BLOCKS} <= modules
