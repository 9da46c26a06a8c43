"""Docs that are tested: every profile key and command is documented in the README."""

from __future__ import annotations

from conftest import ROOT

from generator.cli import main
from generator.schema import walk

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_profile_key_is_documented():
    missing = []
    for path, _ in walk():
        leaf = path.replace("<id>", "<id>")
        short = "." + path.rsplit(".", 1)[-1]
        if f"`{leaf}`" not in README and not (short in README and path.rsplit(".", 1)[0] in README):
            missing.append(path)
    assert not missing, f"profile keys missing from README.md: {missing}"


def test_every_command_is_documented():
    for name in main.commands:
        assert f"privgen {name}" in README, name


def test_readme_starts_with_the_two_commands():
    head = README[: README.index("## Command line")]
    assert "privgen build profiles/" in head
    assert "<!-- test-command -->" in head
