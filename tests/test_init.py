"""`privgen init` driven through click's test runner: several paths through the questions,
wrong answers corrected on the spot, `?` explanations, the summary, --from, aborting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import PROFILES

from generator.answers import parse
from generator.cli import main
from generator.prompt import _default
from generator.questionnaire import answers_to_profile, applies, load, profile_to_answers, used_providers
from generator.validate import validate


def invoke(args: list, lines: list[str], env: dict | None = None):
    runner = CliRunner()
    return runner.invoke(main, ["init", *map(str, args)], input="\n".join(lines) + "\n", env=env)


def flat(result) -> str:
    """The output with line wrapping undone."""
    return " ".join(result.output.split())


def script(given: dict, lang: str = "de", start: dict | None = None, stem: str | None = None) -> list[str]:
    """What a user types, question by question, in the order the questionnaire asks.

    `given` maps a profile path to the text typed there (a list: several tries, the last one
    valid); any other question gets Enter (the suggestion). The order and which questions
    apply come from the questionnaire model, so the lines fit `privgen init` exactly when
    the dialogue follows the model."""
    answers = dict(start or {})
    lines: list[str] = []
    for section in load().sections:
        for q in section.questions:
            pids = used_providers(answers_to_profile(answers)) if q.each else [None]
            for pid in pids:
                if not applies(q, answers_to_profile(answers), pid):
                    continue
                path = q.path(pid)
                typed = given.get(path, "")
                tries = typed if isinstance(typed, list) else [typed]
                lines += tries
                final = tries[-1]
                if final == "":
                    answers[path] = _default(q, path, answers, stem)
                elif final == "-":
                    answers[path] = None
                elif final != "?":
                    answers[path] = parse(q, final, lang, pid)
    return lines


CONTROLLER = {
    "controller.name": "Test GmbH",
    "controller.address.street": "Weg 1",
    "controller.address.postal_code": "10115",
    "controller.address.city": "Berlin",
    "controller.address.country": "DE",
    "controller.address.region": "BE",
    "controller.email": "datenschutz@test.de",
}
SAVE_NO_BUILD = ["ja", "nein"]


def _profile(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    data, issues = validate(raw, str(path), path.stem)
    assert not issues, issues
    return raw


def test_minimal_run_typed_line_by_line(tmp_path):
    """The shortest path, typed as a person would: no DPO, no hoster, no e-mail or SMS."""
    target = tmp_path / "minimal.yaml"
    lines = [
        "", "",                                   # languages: [de]; no effective date
        "Test GmbH", "", "",                      # name, id (= file name), no representative
        "Weg 1", "10115", "Berlin", "DE", "BE",   # address
        "datenschutz@test.de", "", "",            # e-mail, no phone, no website
        "",                                       # DPO: no (the default)
        "", "", "",                               # no hoster, 14 days of logs, no contact form
        "", "", "",                               # no newsletter, no transactional e-mail, no SMS
        "ja",                                     # confirmation: https
        "ja", "nein",                             # save; do not build now
    ]  # fmt: skip
    result = invoke([target, "--lang", "de"], lines)
    assert result.exit_code == 0, result.output
    assert f"Gespeichert: {target}" in flat(result)
    assert _profile(target) == {
        "profile": 1,
        "id": "minimal",
        "languages": ["de"],
        "controller": {
            "name": "Test GmbH",
            "address": {
                "street": "Weg 1",
                "postal_code": "10115",
                "city": "Berlin",
                "country": "DE",
                "region": "BE",
            },
            "email": "datenschutz@test.de",
        },
        "hosting": {"log_retention_days": 14},
        "contact": {"form": False},
        "confirmations": {"https": True},
    }
    check = CliRunner().invoke(main, ["check", str(target)])
    assert check.exit_code == 0, check.output
    assert "confirmations" not in check.output  # everything that applies is confirmed


def test_newsletter_and_sms_in_english_then_build(tmp_path):
    target = tmp_path / "shop.yaml"
    given = {
        "languages": "1,2",
        **CONTROLLER,
        "hosting.name": "Muster Hosting GmbH",
        "hosting.country": "DE",
        "newsletter": "yes",
        "newsletter.provider": "mailjet",
        "newsletter.fields": "1,2",
        "newsletter.tracking": "2",
        "sms": "yes",
        "sms.provider": "Mailjet",
        "sms.purposes": "1,3",
        "sms.keyword": "start",
        "sms.sender": "+49 30 5550100",
        "providers.mailjet.contracting_entity": "mailjet-sas",
        "confirmations.processing_agreements": "yes",
        "confirmations.https": "yes",
        "confirmations.no_advertising": "yes",
    }
    out = tmp_path / "out"
    lines = script(given, "en", stem="shop") + ["yes", "yes", str(out)]
    result = invoke([target, "--lang", "en"], lines)
    assert result.exit_code == 0, result.output
    text = flat(result)
    assert "Do you send SMS to customers" in text
    assert "Which Mailjet company is your contract with?" in text
    assert "with Muster Hosting GmbH and Mailjet?" in text  # the processors, by name
    profile = _profile(target)
    assert profile["languages"] == ["de", "en"]
    assert profile["newsletter"] == {
        "provider": "mailjet", "double_opt_in": True, "fields": ["email", "name"], "tracking": "consent",
        "existing_customers": False, "proof_retention_years": 3, "blocklist": True,
    }  # fmt: skip
    assert profile["sms"] == {
        "provider": "mailjet", "purposes": ["order_confirmation", "two_factor"], "keyword": "START",
        "stop_word": "STOP", "sender": "+49 30 5550100",
    }  # fmt: skip
    assert profile["providers"] == {"mailjet": {"contracting_entity": "mailjet-sas"}}
    assert profile["confirmations"] == {"processing_agreements": True, "https": True, "no_advertising": True}
    for lang in ("de", "en"):
        for suffix in ("html", "md", "pdf", "json"):
            assert (out / "shop" / lang / f"privacy-policy.{suffix}").stat().st_size > 1000
    assert "SMS" in (out / "shop" / "en" / "privacy-policy.md").read_text(encoding="utf-8")


def test_dpo_and_explanations(tmp_path):
    target = tmp_path / "dpo.yaml"
    given = {
        **CONTROLLER,
        "dpo": ["?", "ja"],
        "dpo.name": "Dr. Max Berater",
        "dpo.organisation": "Berater Datenschutz GmbH",
        "dpo.email": ["", "dsb@berater.example"],  # required: Enter is not enough
        "confirmations.https": "ja",
    }
    result = invoke([target, "--lang", "de"], script(given, stem="dpo") + SAVE_NO_BUILD)
    assert result.exit_code == 0, result.output
    out = flat(result)
    assert "§ 38 Abs. 1 BDSG" in out and "mindestens 20 Personen" in out
    assert "Diese Angabe ist nötig." in out
    assert _profile(target)["dpo"] == {
        "name": "Dr. Max Berater", "organisation": "Berater Datenschutz GmbH", "email": "dsb@berater.example",
    }  # fmt: skip


def test_wrong_answers_are_explained_and_asked_again(tmp_path):
    target = tmp_path / "fix.yaml"
    given = {
        "effective_date": ["31.02.2026", "1.12.2026"],
        **CONTROLLER,
        "controller.address.country": ["Atlantis", "Vereinigte Staaten", "Deutschland"],
        "controller.address.region": ["XX", "Berlin"],
        "controller.email": ["kein-mail", "datenschutz@test.de"],
        "controller.website": ["javascript:alert(1)", "www.test.de"],
        "hosting.log_retention_days": ["vierzehn", "400", "7"],
        "contact.form": ["vielleicht", "ja"],
        "newsletter": "ja",
        "newsletter.provider": ["mailjt", "mailjet"],
        "newsletter.fields": ["9", "2", "1,2"],
        "transactional_email": "ja",
        "transactional_email.provider": ["cleverreach", "mailjet"],
        "confirmations.processing_agreements": "ja",
        "confirmations.https": "ja",
        "confirmations.no_advertising": "ja",
    }
    result = invoke([target, "--lang", "de"], script(given, stem="fix") + SAVE_NO_BUILD)
    assert result.exit_code == 0, result.output
    out = flat(result)
    for message in [
        "Bitte ein Datum wie 29.11.2026",
        "Unbekanntes Land „Atlantis“",
        "für 'US' ist keine Aufsichtsbehörde bekannt",
        "Bitte eine Nummer von 1 bis 16",
        "erwartet wird eine E-Mail-Adresse wie name@beispiel.de, nicht 'kein-mail'",
        "erwartet wird eine Web-Adresse",
        "Bitte eine ganze Zahl von 1 bis 365",
        "erwartet wird eine Zahl von 1 bis 365, nicht 400",
        "Bitte mit ja oder nein antworten.",
        "unbekannter Dienst 'mailjt'; meinten Sie 'mailjet'?",
        "„9“ steht nicht in der Liste",
        "muss die E-Mail-Adresse enthalten",
        "'cleverreach' bietet diesen Dienst laut privgen-Katalog nicht an",
    ]:
        assert message in out, message
    assert "expected" not in out  # no English message in a German dialogue
    profile = _profile(target)
    assert profile["effective_date"].isoformat() == "2026-12-01"
    assert profile["controller"]["address"]["region"] == "BE"
    assert profile["controller"]["website"] == "https://www.test.de"
    assert profile["hosting"] == {"log_retention_days": 7}
    assert profile["newsletter"]["fields"] == ["email", "name"]
    assert profile["transactional_email"]["provider"] == "mailjet"


def test_questions_that_do_not_apply_are_not_asked(tmp_path):
    target = tmp_path / "wien.yaml"
    given = {
        **CONTROLLER,
        "controller.address.country": "AT",
        "controller.address.region": None,
        "confirmations.https": "ja",
    }
    given = {k: v for k, v in given.items() if v is not None}
    result = invoke([target, "--lang", "de"], script(given, stem="wien") + SAVE_NO_BUILD)
    assert result.exit_code == 0, result.output
    out = flat(result)
    assert "Bundesland" not in out  # no Land outside Germany
    assert "Mit welchem Wort" not in out  # no SMS
    assert "Double-Opt-In" not in out  # no newsletter
    assert "Auftragsverarbeitung nach Art. 28" not in out  # no processor to confirm
    assert "Versenden Sie SMS" in out  # only the yes/no question
    assert _profile(target)["controller"]["address"]["country"] == "AT"


def test_summary_lets_you_change_a_part(tmp_path):
    target = tmp_path / "change.yaml"
    first = script({**CONTROLLER, "confirmations.https": "ja"}, stem="change")
    dpo_section = 1 + [s.id for s in load().sections].index("dpo")
    lines = first + ["nein", str(dpo_section), "ja", "", "", "dsb@test.de", ""] + SAVE_NO_BUILD
    result = invoke([target, "--lang", "de"], lines)
    assert result.exit_code == 0, result.output
    assert flat(result).count("Zusammenfassung ═") == 2
    assert _profile(target)["dpo"] == {"email": "dsb@test.de"}


@pytest.mark.parametrize("name", ["beispiel-shop.yaml", "versandhaus-nord.yaml", "berlin-studio.yaml"])
def test_from_existing_profile_keeps_every_answer(tmp_path, name):
    """Enter through every question: the profile stays as it was (plus the confirmations)."""
    source = tmp_path / name
    shutil.copy(PROFILES / name, source)
    before = yaml.safe_load(source.read_text(encoding="utf-8"))
    start, _ = profile_to_answers(before)
    confirm = {f"confirmations.{k}": "ja" for k in ("processing_agreements", "https", "no_advertising")}
    lines = script(confirm, start=start, stem=source.stem) + SAVE_NO_BUILD
    result = invoke(["--from", source, "--lang", "de"], lines)
    assert result.exit_code == 0, result.output
    assert f"[{before['controller']['name']}]" in result.output  # the existing answer is the suggestion
    after = _profile(source)
    confirmed = {k.split(".")[1]: True for k in confirm if applies(load().question(k), before)}
    assert after == {**before, "confirmations": confirmed}

    def top_comments(text: str) -> list[str]:
        return [line for line in text.splitlines()[:5] if line.startswith("#")]

    # the comments at the top (a description, the editor's schema line) are kept
    assert top_comments(source.read_text("utf-8")) == top_comments((PROFILES / name).read_text("utf-8"))


def test_end_of_input_or_ctrl_c_leaves_no_file(tmp_path):
    target = tmp_path / "half.yaml"
    result = invoke([target, "--lang", "de"], ["", "", "Test GmbH"])  # then the input ends (like Ctrl-D)
    assert result.exit_code == 1
    assert "Abgebrochen. Es wurde nichts gespeichert." in result.output
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_saying_no_at_the_end_leaves_no_file(tmp_path):
    target = tmp_path / "nein.yaml"
    lines = script({**CONTROLLER, "confirmations.https": "ja"}, stem="nein") + ["nein", "q"]
    result = invoke([target, "--lang", "de"], lines)
    assert result.exit_code == 1
    assert not target.exists()


def test_an_existing_file_is_replaced_only_when_confirmed(tmp_path):
    target = tmp_path / "da.yaml"
    target.write_text("# mine\n", encoding="utf-8")
    result = invoke([target, "--lang", "en"], ["no"])
    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8") == "# mine\n"
    lines = ["yes", *script({**CONTROLLER, "confirmations.https": "yes"}, "en", stem="da"), "yes", "no"]
    result = invoke([target, "--lang", "en"], lines)
    assert result.exit_code == 0, result.output
    assert _profile(target)["id"] == "da"


def test_without_a_file_name_it_suggests_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = script({**CONTROLLER, "controller.name": "Müller & Söhne GmbH", "confirmations.https": "ja"})
    result = invoke(["--lang", "de"], [*lines, "ja", "", "nein"])
    assert result.exit_code == 0, result.output
    assert "Speichern unter [mueller-soehne-gmbh.yaml]" in result.output
    assert _profile(tmp_path / "mueller-soehne-gmbh.yaml")["id"] == "mueller-soehne-gmbh"


@pytest.mark.parametrize(
    ("env", "expected"), [({"LANG": "de_DE.UTF-8"}, "Dokumente"), ({"LANG": "C"}, "Documents")]
)
def test_language_follows_the_locale(tmp_path, env, expected):
    env = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", **env}
    result = invoke([tmp_path / "x.yaml"], [], env=env)
    assert expected in result.output


def test_bad_file_name_and_bad_source_exit_2(tmp_path):
    result = invoke([tmp_path / "profile.txt"], [])
    assert result.exit_code == 2 and ".yaml" in result.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("controller: [unclosed\n", encoding="utf-8")
    result = invoke(["--from", broken, "--lang", "en"], [])
    assert result.exit_code == 2
    assert str(broken) in result.output and "YAML syntax error" in result.output
    assert "Traceback" not in result.output
