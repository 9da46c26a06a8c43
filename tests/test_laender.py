"""Every German Land gets its own supervisory authority in the complaint clause; Bavaria the BayLDA."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.catalog import authorities
from generator.schema import GERMAN_LAENDER

PROFILE = textwrap.dedent(
    """\
    profile: 1
    id: land-{lower}
    languages: [de, en]
    effective_date: 2026-11-29
    controller:
      name: Land Test GmbH
      address: {{street: Hauptstraße 1, postal_code: "12345", city: Stadt, country: DE, region: {land}}}
      email: a@land-test.example
    newsletter: {{provider: mailjet}}
    """
)


def test_every_land_has_an_authority_with_name_address_and_web():
    laender = authorities()["de_laender"]
    assert sorted(laender) == sorted(GERMAN_LAENDER)
    for code, entry in laender.items():
        assert entry["name"] and entry["address"] and entry["web"].startswith("https://"), code


@pytest.mark.parametrize("land", GERMAN_LAENDER)
def test_complaint_clause_names_the_land_authority(land: str, tmp_path: Path, run):
    path = tmp_path / f"land-{land.lower()}.yaml"
    path.write_text(PROFILE.format(land=land, lower=land.lower()), encoding="utf-8")
    result = run("build", path, "-o", tmp_path / "out", "--format", "md")
    assert result.exit_code == 0, result.output
    entry = authorities()["de_laender"][land]
    for lang in ("de", "en"):
        md = (tmp_path / "out" / f"land-{land}".lower() / lang / "privacy-policy.md").read_text()
        plain = md.replace("\\", "")
        assert entry["name"] in plain
        assert entry["address"] in plain
    if land == "BY":
        assert "Bayerisches Landesamt für Datenschutzaufsicht" in plain
