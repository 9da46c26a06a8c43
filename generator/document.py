"""RenderedDocument and Provenance: the exporters' only input."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import i18n
from .clauses import Clause, sections
from .markup import escape, to_html, to_text
from .processing import Processing, summarise
from .render import render_body


@dataclass(frozen=True)
class RenderedClause:
    id: str
    version: int
    title: str
    anchor: str
    number: str
    show_heading: bool
    markdown: str
    html: str
    text: str
    sha256: str
    reviewed: dt.date
    sources: tuple[str, ...]
    legal_refs: tuple[str, ...]
    covers: tuple[str, ...]


@dataclass(frozen=True)
class RenderedSection:
    id: str
    number: str
    title: str
    anchor: str
    clauses: tuple[RenderedClause, ...]


@dataclass(frozen=True)
class Provenance:
    """What a document was built from, for manifests and audits."""

    generator_version: str
    profile_id: str
    profile_sha256: str
    clauses: tuple[tuple[str, int, str], ...]  # (id, version, sha256)
    catalog: tuple[tuple[str, str], ...]  # (entry, sha256)


@dataclass(frozen=True)
class RenderedDocument:
    document: str
    lang: str
    title: str
    controller: str
    effective_date: dt.date
    date_line: str
    sections: tuple[RenderedSection, ...]
    provenance: Provenance
    labels: dict = field(default_factory=dict)
    processing: Processing | None = None  # what the document describes, as data (processing.py)

    @property
    def markdown(self) -> str:
        """The whole document as Markdown."""
        parts = [f"# {self.title}", f"{escape(self.controller)}  \n{escape(self.date_line)}"]
        for s in self.sections:
            parts.append(f"## {s.number}. {s.title}")
            for c in s.clauses:
                if c.show_heading:
                    parts.append(f"### {c.number} {c.title}")
                parts.append(c.markdown)
        return "\n\n".join(parts) + "\n"

    @property
    def covers(self) -> set[str]:
        return {item for s in self.sections for c in s.clauses for item in c.covers}


def anchor_of(clause_id: str) -> str:
    """A stable ASCII anchor from a clause or section id."""
    return re.sub(r"[^a-z0-9]+", "-", clause_id.lower()).strip("-")


def assemble(
    document: str,
    lang: str,
    chosen: list[Clause],
    context: dict,
    provenance: Provenance,
) -> RenderedDocument:
    """Render the chosen clauses and group them into numbered sections."""
    spec = sections(lang)[document]
    titles = {s["id"]: s["title"] for s in spec["sections"]}
    grouped: dict[str, list[Clause]] = {}
    for clause in chosen:
        grouped.setdefault(clause.section, []).append(clause)
    out = []
    for n, (section_id, members) in enumerate(grouped.items(), start=1):
        rendered = []
        for m, clause in enumerate(members, start=1):
            md = render_body(clause.body, context, f"clauses/{lang}/{clause.path}")
            rendered.append(
                RenderedClause(
                    id=clause.id,
                    version=clause.version,
                    title=clause.title,
                    anchor=anchor_of(clause.id),
                    number=f"{n}.{m}",
                    show_heading=len(members) > 1,
                    markdown=md,
                    html=to_html(md),
                    text=to_text(md),
                    sha256=clause.sha256,
                    reviewed=clause.reviewed,
                    sources=clause.sources,
                    legal_refs=clause.legal_refs,
                    covers=clause.covers,
                )
            )
        out.append(
            RenderedSection(
                id=section_id,
                number=str(n),
                title=titles[section_id],
                anchor=anchor_of(section_id),
                clauses=tuple(rendered),
            )
        )
    effective = context["effective_date"]
    controller = context["controller"]["name"]
    date_line = f"{i18n.ui(lang, 'last_updated')}: {i18n.fmt_date(effective, lang)}"
    return RenderedDocument(
        document=document,
        lang=lang,
        title=spec["title"],
        controller=controller,
        effective_date=effective,
        date_line=date_line,
        sections=tuple(out),
        provenance=provenance,
        labels=dict(i18n.UI[lang]),
        processing=summarise(context, [c.id for c in chosen], lang),
    )
