"""CSV exporter: the tables of a document, for spreadsheets and record-keeping tools.

A document gets a CSV file only when it contains a table (`applies`); today that is the
record of processing activities. The tables come from the clauses' Markdown, parsed with the
same Markdown parser as the HTML, so a cell says exactly what the HTML cell says.

Layout:
- *records*: when every table has two columns and all tables have the same first column
  (e.g. one "field | value" table per processing activity), the first column becomes the
  header row and every table one row;
- otherwise the tables follow one another, each row led by the title of its clause, with a
  header row before each table whose header differs from the previous one.

Spreadsheet formulas: a cell that starts with "=", "+", "-", "@", a tab or a carriage return
would be run as a formula by spreadsheet programs (CSV injection); such a cell gets a leading
apostrophe, so it is shown as text.

Encoding: UTF-8 with a byte order mark and CRLF line ends (RFC 4180), so that spreadsheet
programs open umlauts correctly; fields are separated by ";" in German documents (what
spreadsheet programs expect with German settings) and by "," in English ones.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from markdown_it.token import Token

from ..document import RenderedDocument
from ..markup import _md

DELIMITERS = {"de": ";", "en": ","}
SECTION_LABEL = {"de": "Abschnitt", "en": "Section"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    title: str  # the clause title (or the section title when the clause shows no heading)
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _inline_text(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def tables_in(markdown: str) -> list[tuple[tuple[str, ...], list[tuple[str, ...]]]]:
    """(header, rows) of every table in a Markdown fragment, cells as plain text."""
    found = []
    header: list[str] = []
    rows: list[list[str]] = []
    row: list[str] | None = None
    in_head = False
    for tok in _md().parse(markdown):
        if tok.type == "table_open":
            header, rows = [], []
        elif tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "inline" and row is not None:
            row.append(_inline_text(tok))
        elif tok.type == "tr_close" and row is not None:
            if in_head:
                header.extend(row)
            else:
                rows.append(row)
            row = None
        elif tok.type == "table_close":
            found.append((tuple(header), [tuple(r) for r in rows]))
    return found


def document_tables(document: RenderedDocument) -> list[Table]:
    out = []
    for section in document.sections:
        for clause in section.clauses:
            title = clause.title if clause.show_heading else section.title
            for header, rows in tables_in(clause.markdown):
                out.append(Table(title=title, header=header, rows=tuple(rows)))
    return out


def _is_record_layout(tables: list[Table]) -> bool:
    if not tables or any(len(t.header) != 2 or any(len(r) != 2 for r in t.rows) for t in tables):
        return False
    keys = {(t.header[0], *(r[0] for r in t.rows)) for t in tables}
    return len(keys) == 1


def rows_of(document: RenderedDocument) -> list[tuple[str, ...]]:
    """The CSV rows (header rows included) of a document's tables."""
    tables = document_tables(document)
    if _is_record_layout(tables):
        first = tables[0]
        out = [(first.header[0], *(r[0] for r in first.rows))]
        out += [(t.header[1], *(r[1] for r in t.rows)) for t in tables]
        return out
    out = []
    previous: tuple[str, ...] | None = None
    for t in tables:
        if t.header != previous:
            out.append((SECTION_LABEL[document.lang], *t.header))
            previous = t.header
        out += [(t.title, *r) for r in t.rows]
    return out


def inert(cell: str) -> str:
    """A cell a spreadsheet program shows as text, never runs as a formula."""
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell


def to_csv(rows: list[tuple[str, ...]], lang: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITERS.get(lang, ","), lineterminator="\r\n")
    writer.writerows([inert(c) for c in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class CsvExporter:
    name = "csv"
    suffix = "csv"
    media_type = "text/csv; charset=utf-8"
    api_version = 1

    def applies(self, document: RenderedDocument) -> bool:
        """Only documents with at least one table get a CSV file."""
        return bool(document_tables(document))

    def export(self, document: RenderedDocument, context) -> bytes:
        return to_csv(rows_of(document), document.lang)
