"""`privgen schema`: a valid JSON Schema (2020-12) of the profile format, committed as
docs/profile.schema.json, that accepts every example profile and rejects typical mistakes."""

from __future__ import annotations

import copy
import datetime as dt
import json

import jsonschema
import pytest
import yaml
from conftest import PROFILES, ROOT, TEST_PROFILES

from generator.profile_schema import dumps, json_schema
from generator.schema import walk

COMMITTED = ROOT / "docs" / "profile.schema.json"
EXAMPLES = sorted(PROFILES.glob("*.yaml")) + sorted(TEST_PROFILES.glob("*.yaml"))


def _json_like(value):
    """A YAML profile as an editor's YAML language server sees it (dates are strings)."""
    if isinstance(value, dict):
        return {str(k): _json_like(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_like(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator():
    schema = json_schema("en")
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_committed_schema_is_the_generated_one():
    assert COMMITTED.read_text(encoding="utf-8") == dumps(json_schema("en")), (
        "docs/profile.schema.json is out of date: run `privgen schema > docs/profile.schema.json`"
    )


def test_schema_command_prints_it(run):
    result = run("schema")
    assert result.exit_code == 0
    assert result.output == COMMITTED.read_text(encoding="utf-8")
    german = json.loads(run("schema", "--lang", "de").output)
    jsonschema.Draft202012Validator.check_schema(german)
    assert (
        "Bundesland"
        in german["properties"]["controller"]["properties"]["address"]["properties"]["region"]["description"]
    )


def test_example_profile_points_to_the_committed_schema():
    first_lines = (PROFILES / "beispiel-shop.yaml").read_text(encoding="utf-8").splitlines()[:3]
    line = next(x for x in first_lines if x.startswith("# yaml-language-server: $schema="))
    target = (PROFILES / line.split("=", 1)[1]).resolve()
    assert target == COMMITTED.resolve()


def test_every_profile_key_is_described():
    schema = json_schema("en")
    for path, _ in walk():
        node = schema
        for part in path.split("."):
            node = node["properties"][part if part != "<id>" else "mailjet"]
        assert node.get("description"), path


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_profile_is_valid(validator, path):
    profile = _json_like(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(profile)]
    assert not errors


BASE = _json_like(yaml.safe_load((PROFILES / "versandhaus-nord.yaml").read_text(encoding="utf-8")))


def _with(change):
    profile = copy.deepcopy(BASE)
    change(profile)
    return profile


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("unknown key", lambda p: p.update(colour="blue")),
        ("wrong version", lambda p: p.update(profile=2)),
        ("region missing for DE", lambda p: p["controller"]["address"].pop("region")),
        ("region outside DE", lambda p: p["controller"]["address"].update(country="AT")),
        ("unknown Land", lambda p: p["controller"]["address"].update(region="XX")),
        ("no authority for country", lambda p: p["controller"]["address"].update(country="US", region=None)),
        ("bad e-mail", lambda p: p["controller"].update(email="no-mail")),
        ("javascript url", lambda p: p["controller"].update(website="javascript:alert(1)")),
        ("tracking", lambda p: p["newsletter"].update(tracking="always")),
        ("fields without email", lambda p: p["newsletter"].update(fields=["name"])),
        ("unknown provider", lambda p: p["newsletter"].update(provider="mailjett")),
        ("provider without sms", lambda p: p["sms"].update(provider="mailchimp")),
        ("unknown entity", lambda p: p["providers"]["mailjet"].update(contracting_entity="acme")),
        ("keyword", lambda p: p["sms"].update(keyword="start!")),
        ("retention", lambda p: p.update(hosting={"log_retention_days": 400})),
        ("date", lambda p: p.update(effective_date="29.11.2026")),
        ("confirmation as text", lambda p: p.update(confirmations={"https": "yes"})),
    ],
)
def test_typical_mistakes_are_marked(validator, name, change):
    assert list(validator.iter_errors(_with(change))), name


def test_defaults_and_choices_help_completion():
    schema = json_schema("en")
    newsletter = schema["properties"]["newsletter"]["properties"]
    assert newsletter["double_opt_in"]["default"] is True
    assert newsletter["tracking"]["enum"][:2] == ["none", "consent"]
    assert "mailjet" in newsletter["provider"]["enum"]
    assert "double opt-in" in newsletter["double_opt_in"]["description"]
