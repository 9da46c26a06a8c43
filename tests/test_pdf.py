"""PDF output: key facts in the extracted text, tagged with its language and title."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from conftest import PROFILES
from pdftext import pdf_text


@pytest.fixture(scope="module")
def shop_pdfs(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from generator.cli import main

    out = tmp_path_factory.mktemp("pdf")
    result = CliRunner().invoke(main, ["build", str(PROFILES / "beispiel-shop.yaml"), "-o", str(out),
                                       "--format", "pdf"])  # fmt: skip
    assert result.exit_code == 0, result.output
    return out / "beispiel-shop"


FACTS = {
    "de": [
        "Datenschutzerklärung",
        "Beispiel Shop GmbH",
        "Musterstraße 1",
        "Stand: 29. November 2026",
        "Mailjet SAS",
        "4 rue Jules Lefebvre",
        "Mailgun Technologies",
        "Data Privacy Framework",
        "Standardvertragsklauseln",
        "Bayerisches Landesamt für Datenschutzaufsicht",
        "Dr. Max Berater",
        "Art. 21",
        "§ 25",
        "Double-Opt-In",
    ],
    "en": [
        "Privacy Policy",
        "Beispiel Shop GmbH",
        "Last updated: 29 November 2026",
        "Mailjet SAS",
        "4 rue Jules Lefebvre",
        "Mailgun Technologies",
        "Data Privacy Framework",
        "standard contractual clauses",
        "Bayerisches Landesamt für Datenschutzaufsicht",
        "Art. 21",
    ],
}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_pdf_states_the_key_facts(shop_pdfs: Path, lang: str):
    text = pdf_text(shop_pdfs / lang / "privacy-policy.pdf")
    missing = [fact for fact in FACTS[lang] if fact not in text]
    assert not missing, f"missing in the {lang} PDF: {missing}"
    assert "rue de l'Aubrac" not in text and "Privacy Shield" not in text.replace("Privacy Shield-", "")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_pdf_is_tagged_with_language_and_title(shop_pdfs: Path, lang: str):
    with pikepdf.open(shop_pdfs / lang / "privacy-policy.pdf") as pdf:
        root = pdf.Root
        assert str(root.Lang).startswith(lang)
        assert "/StructTreeRoot" in root
        assert bool(root.MarkInfo.Marked)
        with pdf.open_metadata() as meta:
            title = meta.get("dc:title")
        assert title and "Beispiel Shop GmbH" in title
        assert "/Outlines" in root, "bookmarks expected"
