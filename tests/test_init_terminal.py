"""`privgen init` in a real terminal (a pseudo-terminal, driven by pexpect): a person types
the answers, gets one wrong, asks for an explanation, then builds the documents. Ctrl-C
leaves nothing behind."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml
from conftest import tool_missing

try:
    import pexpect
except ImportError:  # pragma: no cover - in the [test] extra
    pexpect = None


def spawn(args: list[str], cwd: Path):
    if pexpect is None:
        tool_missing("pexpect", "pip install -e '.[test]' provides it")
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100", "LINES": "40"}
    return pexpect.spawn(
        sys.executable, ["-m", "generator", "init", *args], cwd=str(cwd), env=env,
        encoding="utf-8", timeout=30, dimensions=(40, 100),
    )  # fmt: skip


def answer(child, label: str, text: str) -> None:
    """Wait for a question (a piece of its label) and its prompt, then type the answer."""
    child.expect_exact(label)
    child.expect(r"(Antwort|Answer)[^\r\n]*: ")
    child.sendline(text)


def test_a_person_answers_in_a_terminal_and_gets_documents(tmp_path):
    child = spawn(["shop.yaml", "--lang", "de"], tmp_path)
    answer(child, "In welchen Sprachen", "1,2")
    answer(child, "Ab welchem Datum", "")
    answer(child, "Name Ihres Unternehmens", "Terminal Test GmbH")
    answer(child, "Kurzname", "")
    answer(child, "Wer vertritt", "")
    answer(child, "Straße und Hausnummer", "Hafenstraße 1")
    answer(child, "Postleitzahl", "20457")
    answer(child, "Ort", "Hamburg")
    answer(child, "Land", "Deutschland")
    answer(child, "Bundesland", "hamburg")
    answer(child, "E-Mail-Adresse für Fragen", "kein-mail")
    child.expect_exact("Problem: erwartet wird eine E-Mail-Adresse wie name@beispiel.de")
    child.expect(r"Antwort[^\r\n]*: ")
    child.sendline("datenschutz@terminal-test.de")
    answer(child, "Telefonnummer", "")
    answer(child, "Adresse Ihrer Website", "www.terminal-test.de")
    answer(child, "Datenschutzbeauftragten benannt?", "?")
    child.expect_exact("§ 38 Abs. 1 BDSG")
    child.expect(r"Antwort[^\r\n]*: ")
    child.sendline("nein")
    answer(child, "Hoster", "")
    answer(child, "Logdateien", "")
    answer(child, "Kontaktformular", "ja")
    answer(child, "Newsletter (Werbung per E-Mail)?", "ja")
    answer(child, "den Newsletter?", "mailjet")
    answer(child, "(Double-Opt-In)?", "")
    answer(child, "Welche Angaben", "1,2")
    answer(child, "Messen Sie", "1")
    answer(child, "Bestandskunden", "")
    answer(child, "Wie viele Jahre", "")
    answer(child, "Sperrliste", "")
    answer(child, "Service-E-Mails (z. B.", "nein")
    answer(child, "SMS an Kunden", "nein")
    answer(child, "Gesellschaft von Mailjet", "2")
    answer(child, "erhält Mailjet", "")
    answer(child, "Auftragsverarbeitung nach Art. 28", "ja")
    answer(child, "https://", "ja")
    answer(child, "frei von jeder Werbung", "ja")
    child.expect_exact("Zusammenfassung")
    child.expect_exact("Ist alles richtig?")
    child.sendline("")
    child.expect_exact("Gespeichert: shop.yaml")
    child.expect_exact("Die Dokumente jetzt erstellen?")
    child.sendline("ja")
    child.expect_exact("Ausgabeordner")
    child.sendline("out")
    child.expect_exact("Dateien in out/shop", timeout=180)
    child.expect(pexpect.EOF, timeout=30)
    child.close()
    assert child.exitstatus == 0

    profile = yaml.safe_load((tmp_path / "shop.yaml").read_text(encoding="utf-8"))
    assert profile["controller"]["address"]["region"] == "HH"
    assert profile["controller"]["website"] == "https://www.terminal-test.de"
    assert profile["newsletter"]["fields"] == ["email", "name"]
    for lang in ("de", "en"):
        for suffix in ("html", "md", "pdf", "json"):
            assert (tmp_path / "out" / "shop" / lang / f"privacy-policy.{suffix}").stat().st_size > 1000
    markdown = (tmp_path / "out" / "shop" / "de" / "privacy-policy.md").read_text(encoding="utf-8")
    assert "Terminal Test GmbH" in markdown and "Mailjet" in markdown


def test_ctrl_c_in_a_terminal_leaves_no_file(tmp_path):
    child = spawn(["half.yaml", "--lang", "en"], tmp_path)
    answer(child, "In which languages", "")
    answer(child, "From which date", "")
    answer(child, "Name of your organisation", "Half Done Ltd")
    child.expect(r"Answer[^\r\n]*: ")
    child.sendintr()  # Ctrl-C
    child.expect_exact("Stopped. Nothing was saved.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert list(tmp_path.iterdir()) == []
