"""JSON exporter: sections, clause ids and versions, text and HTML."""

from __future__ import annotations

import json

from ..document import RenderedDocument


def as_dict(document: RenderedDocument, generator_version: str) -> dict:
    return {
        "format": "privgen-document",
        "format_version": 1,
        "generator": {"name": "privgen", "version": generator_version},
        "document": document.document,
        "lang": document.lang,
        "title": document.title,
        "controller": document.controller,
        "effective_date": document.effective_date.isoformat(),
        "date_line": document.date_line,
        "profile": {"id": document.provenance.profile_id, "sha256": document.provenance.profile_sha256},
        "sections": [
            {
                "id": s.id,
                "number": s.number,
                "title": s.title,
                "anchor": s.anchor,
                "clauses": [
                    {
                        "id": c.id,
                        "version": c.version,
                        "title": c.title,
                        "anchor": c.anchor,
                        "number": c.number,
                        "show_heading": c.show_heading,
                        "reviewed": c.reviewed.isoformat(),
                        "legal_refs": list(c.legal_refs),
                        "sources": list(c.sources),
                        "markdown": c.markdown,
                        "text": c.text,
                        "html": c.html,
                    }
                    for c in s.clauses
                ],
            }
            for s in document.sections
        ],
    }


class JsonExporter:
    name = "json"
    suffix = "json"
    media_type = "application/json"
    api_version = 1

    def export(self, document: RenderedDocument, context) -> bytes:
        data = as_dict(document, context.generator_version)
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
