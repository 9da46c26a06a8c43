"""Broken profiles: exit code 2, a message naming file, field path and what is expected,
no traceback, nothing written."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

VALID = textwrap.dedent(
    """\
    profile: 1
    controller:
      name: Test GmbH
      address: {street: A 1, postal_code: "10115", city: Berlin, country: DE, region: BE}
      email: a@test.de
    """
)

CASES = [
    (
        "region-missing",
        VALID.replace(", region: BE", ""),
        ["controller.address.region", "required when country is DE", "BW", "BY"],
    ),
    ("region-wrong", VALID.replace("region: BE", "region: XX"), ["controller.address.region", "got 'XX'"]),
    ("profile-missing", VALID.replace("profile: 1\n", ""), ["profile: required"]),
    ("profile-version", VALID.replace("profile: 1", "profile: 2"), ["profile", "expected 1"]),
    ("bad-id", "id: Bad_ID!\n" + VALID, ["id: expected an id of 1-64 characters"]),
    ("long-id", f"id: {'a' * 65}\n" + VALID, ["id: expected an id"]),
    ("email", VALID.replace("a@test.de", "not-an-email"), ["controller.email", "e-mail address"]),
    ("unknown-key", VALID + "colour: blue\n", ["colour: unknown key", "expected one of"]),
    (
        "unknown-nested",
        VALID.replace("  email: a@test.de", "  email: a@test.de\n  emial: b@test.de"),
        ["controller.emial: unknown key"],
    ),
    (
        "provider-typo",
        VALID + "newsletter: {provider: mailjett}\n",
        ["newsletter.provider", "unknown provider 'mailjett'", "did you mean 'mailjet'"],
    ),
    (
        "provider-renamed",
        VALID + "newsletter: {provider: sendinblue}\n",
        ["newsletter.provider", "now called 'brevo'"],
    ),
    (
        "tracking",
        VALID + "newsletter: {provider: mailjet, tracking: always}\n",
        ["newsletter.tracking", "expected one of none, consent"],
    ),
    (
        "fields",
        VALID + "newsletter: {provider: mailjet, fields: [email, shoe_size]}\n",
        ["newsletter.fields[1]", "expected one of"],
    ),
    (
        "bool",
        VALID + "newsletter: {provider: mailjet, double_opt_in: maybe}\n",
        ["newsletter.double_opt_in", "expected true or false"],
    ),
    ("languages", VALID + "languages: [de, fr]\n", ["languages[1]", "expected one of de, en"]),
    ("yaml-syntax", VALID + "newsletter: [unclosed\n", ["YAML syntax error at line"]),
    ("not-mapping", "- a\n- b\n", ["expected a mapping"]),
    ("empty", "", ["empty"]),
    ("url", VALID + "  website: javascript:alert(1)\n", ["controller.website", "https://"]),
    ("controller-missing", "profile: 1\n", ["controller: required"]),
    (
        "text-lang-missing",
        VALID.replace("name: Test GmbH", "name: {de: Test GmbH}") + "languages: [de, en]\n",
        ["controller.name.en", "missing"],
    ),
    ("duplicate-key", VALID + "profile: 1\n", ["duplicate key 'profile'"]),
    (
        "alias-bomb",
        "a: &a [x, x, x]\n" + "".join(f"b{i}: &b{i} [*a, *a]\n" for i in range(40)) + VALID,
        ["aliases"],
    ),
    (
        "country-unknown",
        VALID.replace("country: DE, region: BE", "country: ZZ"),
        ["controller.address.country", "no supervisory authority"],
    ),
    (
        "eu-only-and-bases",
        VALID + "newsletter: {provider: brevo}\nproviders: {brevo: {eu_only: true, transfer_bases: [scc]}}\n",
        ["providers.brevo.eu_only", "contradicts transfer_bases"],
    ),
    (
        "bases-without-recipient",
        VALID + "newsletter: {provider: cleverreach}\nproviders: {cleverreach: {transfer_bases: [scc]}}\n",
        ["providers.cleverreach.transfer_bases", "names no third-country recipient"],
    ),
]


@pytest.mark.parametrize(("name", "text", "words"), CASES, ids=[c[0] for c in CASES])
def test_broken_profile(name: str, text: str, words: list[str], tmp_path: Path, run):
    profile = tmp_path / f"{name}.yaml"
    profile.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", profile, "-o", out)
    assert result.exit_code == 2, result.output
    assert str(profile) in result.output
    for word in words:
        assert word in result.output, f"{word!r} not in {result.output!r}"
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.rglob("*")), "an invalid profile must write nothing"
    check = run("check", profile)
    assert check.exit_code == 2


def test_every_problem_at_once(tmp_path: Path, run):
    profile = tmp_path / "many.yaml"
    profile.write_text(
        "profile: 1\nid: X\ncontroller: {name: A, email: nope}\nnewsletter: {provider: mailjot}\n"
    )
    result = run("check", profile)
    assert result.exit_code == 2
    for path in ("id:", "controller.address: required", "controller.email", "newsletter.provider"):
        assert path in result.output


def test_binary_and_non_utf8(tmp_path: Path, run):
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\x00\x01\x02profile: 1")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("profile: 1\ncontroller: {name: M\xfcller}\n".encode("latin-1"))
    big = tmp_path / "big.yaml"
    big.write_text("profile: 1\n# " + "x" * 300_000 + "\n")
    for path, word in ((binary, "binary"), (latin, "not UTF-8"), (big, "at most")):
        result = run("build", path, "-o", tmp_path / "out")
        assert result.exit_code == 2 and word in result.output, result.output


def test_one_bad_profile_does_not_stop_the_others(tmp_path: Path, run):
    from conftest import PROFILES

    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "good.yaml").write_text((PROFILES / "berlin-studio.yaml").read_text())
    (folder / "bad.yaml").write_text("profile: 1\n")
    result = run("build", folder, "-o", tmp_path / "out", "--format", "md")
    assert result.exit_code == 2
    assert (tmp_path / "out" / "berlin-studio" / "en" / "privacy-policy.md").is_file()
    assert "bad.yaml: controller: required" in result.output
