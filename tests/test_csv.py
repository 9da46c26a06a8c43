"""The csv exporter: the record of processing activities as a spreadsheet, one row per activity."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import pytest
from conftest import PROFILES, ROOT, TEST_PROFILES

from generator import clauses
from generator.build import FORMATS, load_profile, render_document
from generator.exporters import ExportContext, get
from generator.exporters.csv import document_tables, inert, rows_of, tables_in

CASES = sorted(PROFILES.glob("*.yaml")) + sorted(TEST_PROFILES.glob("*.yaml"))
CONTEXT = ExportContext(generator_version="test")


def parse(data: bytes, lang: str) -> list[list[str]]:
    assert data.startswith("\ufeff".encode()), "UTF-8 byte order mark for spreadsheet programs"
    text = data.decode("utf-8")[1:]
    assert "\r\n" in text and "\n" not in text.replace("\r\n", ""), "CRLF line ends (RFC 4180)"
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if lang == "de" else ","))


def test_csv_is_registered_and_a_default_format():
    assert get("csv").suffix == "csv"
    entry_points = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]
    assert entry_points["privgen.exporters"]["csv"] == "generator.exporters.csv:CsvExporter"
    assert "csv" in FORMATS and FORMATS[:4] == ("html", "md", "pdf", "json")


@pytest.mark.parametrize("profile", CASES, ids=lambda p: p.stem)
def test_only_the_record_of_processing_has_tables(profile: Path):
    """csv is a default format because only the record gets a CSV file; a table in another
    document would add a CSV file to every default build, so it must be a deliberate change."""
    loaded = load_profile(profile)
    for lang in loaded.data["languages"]:
        for document in clauses.documents(lang):
            doc = render_document(loaded, document, lang)
            applies = get("csv").applies(doc)
            assert applies == (document == "records-of-processing" and bool(doc.sections)), document


@pytest.mark.parametrize("profile", CASES, ids=lambda p: p.stem)
def test_record_csv_has_one_row_per_activity_with_the_html_cells(profile: Path):
    loaded = load_profile(profile)
    for lang in loaded.data["languages"]:
        doc = render_document(loaded, "records-of-processing", lang)
        rows = parse(get("csv").export(doc, CONTEXT), lang)
        (activities,) = [s for s in doc.sections if s.id == "activities"]
        header, body = rows[0], rows[1:]
        assert len(header) == 11 and header[0] == (
            "Verarbeitungstätigkeit" if lang == "de" else "Processing activity"
        )
        assert [r[0] for r in body] == [c.title for c in activities.clauses]
        assert all(len(r) == len(header) for r in body)
        for clause, row in zip(activities.clauses, body, strict=True):
            ((table_header, table_rows),) = tables_in(clause.markdown)
            assert row == [table_header[1], *(r[1] for r in table_rows)]
            name = loaded.data["controller"]["name"]
            assert row[1].startswith(name if isinstance(name, str) else name[lang])


def test_cells_that_look_like_formulas_are_shown_as_text():
    assert inert("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert inert("+49 30 1234") == "'+49 30 1234"
    assert inert("@SUM") == "'@SUM" and inert("-1") == "'-1" and inert("\t=1") == "'\t=1"
    assert inert("Newsletter") == "Newsletter" and inert("") == ""


def test_hostile_controller_name_is_inert_in_the_kit(tmp_path: Path, run):
    name = '=HYPERLINK("http://example.invalid") <script>alert(1)</script> {{ 7*7 }} *x* | [l](javascript:x)'
    text = (PROFILES / "beispiel-shop.yaml").read_text(encoding="utf-8")
    profile = tmp_path / "hostile.yaml"
    profile.write_text(
        text.replace("id: beispiel-shop", "id: hostile").replace(
            "name: Beispiel Shop GmbH", "name: " + json.dumps(name)
        ),
        encoding="utf-8",
    )
    result = run("build", profile, "-o", tmp_path / "out", "--format", "md,html,json,csv")
    assert result.exit_code == 0, result.output
    from markdown_it import MarkdownIt

    for lang in ("de", "en"):
        base = tmp_path / "out" / "hostile" / lang
        documents = sorted(p.stem for p in base.glob("*.md"))
        assert "records-of-processing" in documents and "access-request-reply" in documents
        for stem in documents:
            md = (base / f"{stem}.md").read_text(encoding="utf-8")
            for rendered in (MarkdownIt("commonmark", {"html": True}).render(md),
                             (base / f"{stem}.html").read_text(encoding="utf-8")):  # fmt: skip
                assert "<script" not in rendered, stem
                assert 'href="javascript' not in rendered, stem
                assert "{{ 7*7 }}" in rendered or "{{ 7\\*7 }}" in rendered, stem
            data = json.loads((base / f"{stem}.json").read_text(encoding="utf-8"))
            assert data["controller"] == name
        rows = parse((base / "records-of-processing.csv").read_bytes(), lang)
        controller_cells = [r[1] for r in rows[1:]]
        assert controller_cells and all(c.startswith("'" + name) for c in controller_cells)
        assert sorted(p.name for p in base.glob("*.csv")) == ["records-of-processing.csv"]


def test_other_layout_lists_tables_with_their_section():
    """A document whose tables do not share one first column gets the tables one after another."""
    from generator.document import RenderedClause, RenderedDocument, RenderedSection

    def clause(title: str, markdown: str) -> RenderedClause:
        return RenderedClause(id=title, version=1, title=title, anchor=title, number="1.1", show_heading=True,
                              markdown=markdown, html="", text="", sha256="", reviewed=None, sources=(),
                              legal_refs=(), covers=())  # fmt: skip

    doc = RenderedDocument(
        document="x", lang="en", title="X", controller="C", effective_date=None, date_line="",
        sections=(RenderedSection(id="s", number="1", title="S", anchor="s", clauses=(
            clause("A", "| k | v |\n|---|---|\n| a | 1 |"),
            clause("B", "| p | q | r |\n|---|---|---|\n| 1 | 2 | 3 |\n| 4 | 5 | 6 |"),
        )),),
        provenance=None,
    )  # fmt: skip
    assert len(document_tables(doc)) == 2
    assert rows_of(doc) == [
        ("Section", "k", "v"),
        ("A", "a", "1"),
        ("Section", "p", "q", "r"),
        ("B", "1", "2", "3"),
        ("B", "4", "5", "6"),
    ]


def test_format_csv_alone_writes_only_the_record(tmp_path: Path, run):
    result = run("build", PROFILES / "versandhaus-nord.yaml", "-o", tmp_path, "--format", "csv")
    assert result.exit_code == 0, result.output
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.csv"))
    assert written == [
        "versandhaus-nord/de/records-of-processing.csv",
        "versandhaus-nord/en/records-of-processing.csv",
    ]
