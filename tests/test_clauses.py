"""The clause library: strict front matter, German/English parity, sections and labels agree."""

from __future__ import annotations

import yaml

from generator import clauses
from generator.resources import clauses_dir


def test_every_clause_exists_in_both_languages_with_identical_front_matter():
    assert clauses.parity_problems() == []


def test_library_is_not_empty_and_ids_are_unique():
    for lang in ("de", "en"):
        lib = clauses.library(lang)
        assert len(lib) >= 20
        assert len({c.id for c in lib}) == len(lib)


def test_sections_and_labels_match_between_languages():
    for name in ("sections.yaml", "labels.yaml"):
        de = yaml.safe_load((clauses_dir() / "de" / name).read_text())
        en = yaml.safe_load((clauses_dir() / "en" / name).read_text())
        if name == "sections.yaml":
            for doc in de:
                assert [s["id"] for s in de[doc]["sections"]] == [s["id"] for s in en[doc]["sections"]]
        else:
            assert {k: sorted(v) for k, v in de.items()} == {k: sorted(v) for k, v in en.items()}


def test_every_clause_uses_a_known_section():
    for lang in ("de", "en"):
        known = {s["id"] for doc in clauses.sections(lang).values() for s in doc["sections"]}
        assert {c.section for c in clauses.library(lang)} <= known


def test_unknown_front_matter_key_is_an_error(tmp_path):
    import pytest

    from generator.errors import ClauseError

    bad = tmp_path / "x.md.j2"
    bad.write_text("---\nid: x\ncolour: red\n---\nBody\n")
    with pytest.raises(ClauseError, match="unknown keys"):
        clauses._parse(bad, "de", tmp_path)
