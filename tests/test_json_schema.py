"""The JSON export against its published schema (docs/schema/privacy-document-1.schema.json).

Every JSON document in the golden trees (which equal what the build writes, see
test_golden.py) and every JSON document of every example profile built now must validate;
every key the export writes must be described in the schema; and the schema must reject what
it promises to reject.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import GOLDEN, PROFILES, ROOT, TEST_PROFILES

SCHEMA_FILE = ROOT / "docs" / "schema" / "privacy-document-1.schema.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
GOLDEN_JSON = sorted(p for p in GOLDEN.rglob("*.json"))
CASES = sorted(PROFILES.glob("*.yaml")) + sorted(TEST_PROFILES.glob("*.yaml"))


def errors(data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(data)]


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["format_version"]["const"] == 1


def test_there_are_golden_json_documents():
    assert len(GOLDEN_JSON) >= len(CASES)


@pytest.mark.parametrize("path", GOLDEN_JSON, ids=lambda p: str(p.relative_to(GOLDEN)))
def test_golden_json_validates(path: Path):
    assert errors(json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("profile", CASES, ids=lambda p: p.stem)
def test_built_json_validates_and_every_key_is_documented(profile: Path, tmp_path: Path, run):
    result = run("build", profile, "-o", tmp_path, "--format", "json")
    assert result.exit_code == 0, result.output
    built = sorted(tmp_path.glob("*/*/*.json"))
    assert built
    for path in built:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert errors(data) == [], path
        assert data["document"] == path.name[: -len(".json")] and data["lang"] == path.parent.name
        undocumented(data, SCHEMA, "")


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def undocumented(data, node: dict, where: str) -> None:
    node = _resolve(node)
    if isinstance(data, dict):
        props = node.get("properties", {})
        extra = sorted(set(data) - set(props))
        assert not extra, f"{where or '/'}: keys not described in the schema: {extra}"
        for key, value in data.items():
            undocumented(value, props[key], f"{where}/{key}")
    elif isinstance(data, list) and "items" in node:
        for i, item in enumerate(data):
            undocumented(item, node["items"], f"{where}/{i}")


@pytest.fixture
def sample() -> dict:
    return json.loads(GOLDEN_JSON[0].read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d.pop("sections"), ""),
        (lambda d: d.update(format_version=2), "format_version"),
        (lambda d: d.update(lang="fr"), "lang"),
        (lambda d: d.update(effective_date="29.11.2026"), "effective_date"),
        (lambda d: d.update(effective_date="2026-02-30"), "effective_date"),
        (lambda d: d["profile"].update(sha256="abc"), "profile/sha256"),
        (lambda d: d.update(sections=[]), "sections"),
        (lambda d: d["sections"][0]["clauses"][0].update(version=0), "sections/0/clauses/0/version"),
        (lambda d: d["sections"][0]["clauses"][0].pop("html"), "sections/0/clauses/0"),
        (lambda d: d["sections"][0].update(anchor="Not An Anchor"), "sections/0/anchor"),
    ],
)
def test_schema_rejects_broken_documents(sample, change, path):
    broken = copy.deepcopy(sample)
    change(broken)
    found = errors(broken)
    assert found, "the schema accepted a broken document"
    assert any(e.startswith(f"{path}:") for e in found), found


def test_schema_is_documented():
    doc = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    assert "docs/schema/privacy-document-1.schema.json" in doc
    keys = set(SCHEMA["properties"]) | {k for d in SCHEMA["$defs"].values() for k in d.get("properties", {})}
    missing = sorted(k for k in keys if f"`{k}`" not in doc)
    assert not missing, f"docs/json.md does not describe {missing}"
