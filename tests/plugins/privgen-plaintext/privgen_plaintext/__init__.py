"""privgen-plaintext: an example exporter plugin for privgen (format "txt").

An exporter is any object with `name`, `suffix`, `media_type`, `api_version` and
`export(document, context) -> bytes`; the entry point in pyproject.toml registers it in the
group `privgen.exporters`. It reads only the RenderedDocument it is given (never the profile)
and returns the file's bytes; privgen writes them (atomically) to DIR/<id>/<lang>/<document>.txt.
"""

from __future__ import annotations

import textwrap

__version__ = "1.0.0"


class PlainTextExporter:
    name = "txt"  # the format name: privgen build --format txt
    suffix = "txt"  # file name: <document>.txt (privacy-policy.txt)
    media_type = "text/plain; charset=utf-8"
    api_version = 1  # the exporter API this plugin was written for

    width = 78

    def _wrap(self, text: str, indent: str = "") -> list[str]:
        lines: list[str] = []
        for block in text.splitlines():
            if block.strip():
                lines += [""] + textwrap.wrap(
                    block,
                    self.width,
                    initial_indent=indent,
                    subsequent_indent=indent,
                    break_long_words=False,  # never split e-mail addresses or URLs
                    break_on_hyphens=False,
                )
        return lines

    def export(self, document, context) -> bytes:
        lines = [document.title, "=" * len(document.title), "", document.controller, document.date_line]
        for section in document.sections:
            heading = f"{section.number}. {section.title}"
            lines += ["", "", heading, "-" * len(heading)]
            for clause in section.clauses:
                if clause.show_heading:
                    lines += ["", f"{clause.number} {clause.title}"]
                lines += self._wrap(clause.text)
        generated = document.labels.get("generated", "Generated with privgen")
        lines += ["", "", f"{document.date_line} · {generated} {context.generator_version}"]
        return ("\n".join(lines) + "\n").encode("utf-8")
