"""The questionnaire as data: complete against the profile format, texts in both languages,
conditions that evaluate, answers <-> profile, the JSON for front ends."""

from __future__ import annotations

import copy
import json
import re

import pytest
import yaml
from conftest import PROFILES, TEST_PROFILES

from generator import catalog
from generator.answers import AnswerError, check, parse, translate
from generator.errors import QuestionnaireError
from generator.questionnaire import (
    DATA,
    _build,
    answers_to_profile,
    applies,
    choices,
    concrete,
    load,
    profile_to_answers,
    to_json,
)
from generator.schema import PROFILE, Block, walk
from generator.validate import validate

LANGS = ("de", "en")
EXAMPLES = sorted(PROFILES.glob("*.yaml")) + sorted(TEST_PROFILES.glob("*.yaml"))


def _raw() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


# -- completeness ----------------------------------------------------------------------


def test_every_profile_key_has_a_question():
    qn = load()
    asked = {q.id for q in qn.questions()} | set(qn.constants)
    missing = [path for path, _ in walk() if path not in asked]
    assert not missing, f"profile keys without a question in questionnaire.yaml: {missing}"


def test_every_optional_block_is_reachable():
    """An optional block is either gated by a yes/no question or filled by its own questions."""
    qn = load()
    ids = {q.id for q in qn.questions()}
    for name, spec in PROFILE.fields.items():
        if isinstance(spec, Block) and not spec.required:
            assert name in qn.gates or any(i.startswith(name + ".") for i in ids), name


def test_every_question_and_section_has_texts_in_both_languages():
    qn = load()
    problems = []
    for section in qn.sections:
        for lang in LANGS:
            if not (section.title or {}).get(lang):
                problems.append(f"section {section.id}: title ({lang})")
            if section.intro is not None and not section.intro.get(lang):
                problems.append(f"section {section.id}: intro ({lang})")
        for q in section.questions:
            for key in ("label", "help", "states", "if_false"):
                text = getattr(q, key)
                if text is None and key != "label":
                    continue
                for lang in LANGS:
                    if not (text or {}).get(lang):
                        problems.append(f"{q.id}: {key} ({lang})")
    for term in qn.terms.values():
        for lang in LANGS:
            if not term.title.get(lang) or not term.text.get(lang):
                problems.append(f"term {term.id} ({lang})")
    assert not problems, f"texts missing: {problems}"


def test_every_choice_has_a_label_in_both_languages():
    missing = []
    for q in load().questions():
        pids = list(catalog.providers()) if q.each else [None]
        for pid in pids:
            for c in choices(q, pid):
                missing += [f"{q.id}={c.value} ({lang})" for lang in LANGS if not c.label.get(lang)]
    assert not missing, f"choices without a label: {missing}"


def test_placeholders_and_terms_are_consistent():
    qn = load()
    used_terms = set()
    for q in qn.questions():
        used_terms |= set(q.terms)
        names = {lang: set(re.findall(r"\{(\w+)\}", q.label[lang])) for lang in LANGS}
        assert names["de"] == names["en"], q.id
        allowed = {"provider"} if q.each else {"processors"} if q.id.startswith("confirmations.") else set()
        assert names["de"] <= allowed, q.id
    assert used_terms == set(qn.terms), "every explanation belongs to at least one question"


def test_the_asked_for_explanations_exist():
    qn = load()
    by_question = {q.id: set(q.terms) for q in qn.questions()}
    assert "double_opt_in" in by_question["newsletter.double_opt_in"]
    assert "dpo" in by_question["dpo"]
    assert "processor" in by_question["hosting.name"]
    assert "tracking" in by_question["newsletter.tracking"]
    dpo = qn.terms["dpo"].text
    assert "§ 38 Abs. 1 BDSG" in dpo["de"] and "20 Personen" in dpo["de"]
    assert "Section 38(1) BDSG" in dpo["en"] and "20 persons" in dpo["en"]


# -- the loader refuses broken data ----------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["sections"][1]["questions"][0].update(colour="blue"), "unknown keys"),
        (lambda d: d["sections"][1]["questions"][0].update(id="controller.nmae"), "no field"),
        (lambda d: d["sections"][1]["questions"][0].update(required=False), "requires the field"),
        (lambda d: d["sections"][1]["questions"][0].update(type="email"), "does not fit"),
        (lambda d: d["sections"][1]["questions"][0].update(terms=["nope"]), "unknown terms"),
        (lambda d: d["sections"][1]["questions"][0].update(when="controller.("), "when"),
        (lambda d: d["sections"][1]["questions"].append(d["sections"][1]["questions"][0]), "asked twice"),
        (lambda d: d["sections"][1]["questions"][0].update(label="Name"), "mapping by language"),
    ],
)
def test_broken_questionnaire_data_is_refused(change, expected):
    data = copy.deepcopy(_raw())
    change(data)
    with pytest.raises(QuestionnaireError, match=expected):
        _build(data)


# -- conditions ------------------------------------------------------------------------

BASE = {
    "profile": 1,
    "controller": {
        "name": "Test GmbH",
        "address": {
            "street": "Weg 1",
            "postal_code": "10115",
            "city": "Berlin",
            "country": "DE",
            "region": "BE",
        },
        "email": "a@test.de",
    },
}


def _profiles():
    """Profiles that switch every gate and condition on and off."""
    yield BASE
    for pid, p in catalog.providers().items():
        full = copy.deepcopy(BASE)
        for service in p.services:
            full[service] = {"provider": pid}
        full["dpo"] = {"email": "d@test.de"}
        full["hosting"] = {"name": "Host Inc.", "country": "US"}
        yield full
    yield from (yaml.safe_load(path.read_text(encoding="utf-8")) for path in EXAMPLES)


@pytest.mark.parametrize("profile", list(_profiles()), ids=lambda p: str(p.get("id") or len(str(p))))
def test_every_condition_evaluates(profile):
    for q, _path, pid in concrete(profile, tuple(catalog.providers())):
        assert applies(q, profile, pid) in (True, False)


def test_gated_questions_do_not_apply_when_the_gate_is_off():
    qn = load()
    for q in qn.questions():
        top = q.id.split(".")[0]
        if top in qn.gates and q.id != top:
            assert not applies(q, BASE), q.id


def test_skips_what_does_not_apply():
    qn = load()
    vienna = copy.deepcopy(BASE)
    vienna["controller"]["address"].update(country="AT", region=None)
    assert applies(qn.question("controller.address.region"), BASE)
    assert not applies(qn.question("controller.address.region"), vienna)
    assert not applies(qn.question("sms.keyword"), BASE)
    assert applies(qn.question("sms.keyword"), {**BASE, "sms": {"provider": "mailjet"}})
    assert not applies(qn.question("confirmations.processing_agreements"), BASE)
    assert applies(qn.question("confirmations.processing_agreements"), {**BASE, "hosting": {"name": "H"}})
    assert applies(qn.question("hosting.transfer_bases"), {**BASE, "hosting": {"name": "H", "country": "US"}})
    assert not applies(
        qn.question("hosting.transfer_bases"), {**BASE, "hosting": {"name": "H", "country": "AT"}}
    )


def test_per_provider_questions_follow_the_catalog():
    qn = load()
    entity = qn.question("providers.<id>.contracting_entity")
    eu_only = qn.question("providers.<id>.eu_only")
    profile = {**BASE, "newsletter": {"provider": "mailjet"}}
    assert applies(entity, profile, "mailjet")  # the catalog lists Mailjet's companies
    assert not applies(entity, profile, "mailchimp")
    for pid, p in catalog.providers().items():
        fact = p.facts.get("transfers")
        assert applies(eu_only, profile, pid) == (not (fact is not None and fact.confirmed)), pid


# -- answers <-> profile ---------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_answers_round_trip_every_example(path):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    answers, ignored = profile_to_answers(raw)
    assert ignored == []
    assert answers_to_profile(answers) == raw


def test_answers_that_no_longer_apply_are_dropped():
    answers, _ = profile_to_answers(yaml.safe_load((PROFILES / "versandhaus-nord.yaml").read_text("utf-8")))
    answers["sms"] = False
    answers["controller.address.country"] = "AT"
    profile = answers_to_profile(answers)
    assert "sms" not in profile
    assert "region" not in profile["controller"]["address"]
    assert profile["providers"]["mailjet"]  # still used by the newsletter
    answers["newsletter"] = answers["transactional_email"] = False
    assert "providers" not in answers_to_profile(answers)


def test_unknown_keys_of_an_existing_profile_are_reported():
    _, ignored = profile_to_answers(
        {**BASE, "colour": "blue", "controller": {**BASE["controller"], "fax": "1"}}
    )
    assert sorted(ignored) == ["colour", "controller.fax"]


# -- one answer: parse and check with validate.py's rules ------------------------------


def _q(qid):
    return load().question(qid)


def test_parse_accepts_what_people_type():
    assert parse(_q("newsletter"), "Ja", "de") is True
    assert parse(_q("newsletter"), "n", "en") is False
    assert parse(_q("effective_date"), "1.12.2026", "de").isoformat() == "2026-12-01"
    assert parse(_q("controller.address.country"), "Österreich", "de") == "AT"
    assert parse(_q("controller.address.country"), "germany", "de") == "DE"
    assert parse(_q("controller.address.region"), "Bayern", "de") == "BY"
    assert parse(_q("controller.address.region"), "2", "de") == "BY"
    assert parse(_q("newsletter.fields"), "1, 2", "de") == ["email", "name"]
    assert parse(_q("newsletter.fields"), "1 3", "de") == ["email", "postal_address"]
    assert parse(_q("sms.keyword"), "start", "de") == "START"
    assert parse(_q("controller.website"), "www.example.de", "en") == "https://www.example.de"
    assert parse(_q("newsletter.provider"), "Mailjet", "en") == "mailjet"
    assert parse(_q("newsletter.provider"), "mailjt", "en") == "mailjt"  # validate.py suggests the fix


@pytest.mark.parametrize(
    ("qid", "text", "lang", "expected"),
    [
        ("newsletter", "vielleicht", "de", "ja oder nein"),
        ("effective_date", "31.02.2026", "de", "Datum"),
        ("hosting.log_retention_days", "vierzehn", "en", "whole number"),
        ("controller.address.country", "Atlantis", "de", "Unbekanntes Land"),
        ("controller.address.region", "XX", "en", "from 1 to 16"),
        ("newsletter.fields", "1,9", "de", "nicht in der Liste"),
    ],
)
def test_parse_says_why_in_the_users_language(qid, text, lang, expected):
    with pytest.raises(AnswerError, match=expected):
        parse(_q(qid), text, lang)


@pytest.mark.parametrize(
    ("path", "value", "german"),
    [
        ("controller.email", "kein-mail", "E-Mail-Adresse wie"),
        ("controller.website", "javascript:alert(1)", "Web-Adresse"),
        ("controller.phone", "ruf an", "Telefonnummer"),
        ("hosting.log_retention_days", 400, "Zahl von 1 bis 365"),
        ("newsletter.provider", "mailjt", "meinten Sie 'mailjet'"),
        ("newsletter.provider", "sendinblue", "heißt jetzt 'brevo'"),
        ("transactional_email.provider", "cleverreach", "bietet diesen Dienst"),
        ("newsletter.fields", ["name"], "muss die E-Mail-Adresse enthalten"),
        ("sms.keyword", "STOP!", "Großbuchstaben"),
        ("controller.address.country", "US", "keine Aufsichtsbehörde"),
        ("controller.name", "x" * 3000, "zu lang"),
        ("id", "Kein Kurzname", "Kurzname aus 1 bis 64"),
    ],
)
def test_check_uses_validate_rules_and_speaks_german(path, value, german):
    answers = {"newsletter": True, "transactional_email": True, "sms": True, "sms.provider": "mailjet"}
    answers.update({"newsletter.provider": "mailjet", "transactional_email.provider": "mailjet"})
    problems = check(answers, path, value, "de")
    assert problems and german in problems[0], problems
    assert not any("expected" in p for p in problems), problems
    assert check(answers, path, value, "en")[0].startswith(("expected", "unknown", "'", "must", "no ", "too"))


def test_every_validate_message_a_question_can_cause_is_translated():
    """Each kind's own message from validate.py, for a wrong value, has a German text."""
    wrong = {"email": "x", "url": "x", "phone": "x", "keyword": "x", "id": "X Y", "int": 10_000}
    for q in load().questions():
        if q.kind in wrong:
            for issue in validate({**BASE, **_nested(q.path("mailjet"), wrong[q.kind])}, "f", "f")[1]:
                assert translate(issue.message, "de") != issue.message, issue.message


def _nested(path: str, value):
    parts = path.split(".")
    tree = {parts[-1]: value}
    for part in reversed(parts[:-1]):
        tree = {part: tree}
    if parts[0] == "controller":
        tree["controller"] = {**BASE["controller"], **tree["controller"]}
    if parts[0] in ("newsletter", "transactional_email", "sms") and parts[1] != "provider":
        tree[parts[0]]["provider"] = "mailjet"
    if parts[0] == "providers":
        tree["newsletter"] = {"provider": "mailjet"}
    return tree


# -- JSON ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["de", "en"])
def test_questionnaire_json_in_one_language(run, lang):
    result = run("questionnaire", "--json", "--lang", lang)
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["format"] == "privgen-questionnaire" and data["lang"] == lang
    questions = [q for s in data["sections"] for q in s["questions"]]
    assert {q["id"] for q in questions} == {q.id for q in load().questions()}
    for q in questions:
        assert isinstance(q["label"], str) and q["label"]
        assert q["type"]
    tracking = next(q for q in questions if q["id"] == "newsletter.tracking")
    assert tracking["when"] == "newsletter" and [c["value"] for c in tracking["choices"]] == [
        "none",
        "consent",
    ]
    provider = next(q for q in questions if q["id"] == "sms.provider")
    assert [c["value"] for c in provider["choices"]] == [
        p.id for p in catalog.providers().values() if "sms" in p.services
    ]
    entity = next(q for q in questions if q["id"] == "providers.<id>.contracting_entity")
    assert "mailjet-sas" in [c["value"] for c in entity["choices_by_provider"]["mailjet"]]
    assert "Double" in data["terms"]["double_opt_in"]["title"]


def test_questionnaire_json_without_lang_has_both(run):
    data = json.loads(run("questionnaire", "--json").output)
    assert data == to_json(None)
    first = data["sections"][0]["questions"][0]
    assert set(first["label"]) == {"de", "en"}


def test_questionnaire_outline(run):
    result = run("questionnaire", "--lang", "en")
    assert result.exit_code == 0
    assert "newsletter.double_opt_in (bool)" in result.output
    assert "when: controller.address.country == 'DE'" in result.output


# -- confirmations: asked by init, expected by check -----------------------------------


def _check(run, tmp_path, profile: dict):
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return run("check", path)


def test_check_warns_about_unconfirmed_statements(run, tmp_path):
    profile = yaml.safe_load((PROFILES / "versandhaus-nord.yaml").read_text(encoding="utf-8"))
    profile.pop("confirmations", None)
    result = _check(run, tmp_path, profile)
    assert result.exit_code == 0
    for key in ("processing_agreements", "https", "no_advertising"):
        assert f"confirmations.{key}: not confirmed" in result.output
    profile["confirmations"] = {"processing_agreements": True, "https": True, "no_advertising": False}
    result = _check(run, tmp_path, profile)
    assert "confirmations.no_advertising: answered false" in result.output
    assert "confirmations.https" not in result.output
    assert "confirmations.processing_agreements" not in result.output


def test_check_asks_only_for_confirmations_that_apply(run, tmp_path):
    result = _check(run, tmp_path, {**BASE, "confirmations": {"https": True}})
    assert result.exit_code == 0
    assert "confirmations" not in result.output  # no processor, no transactional messages
