"""Exporters: the Exporter protocol and the registry (entry point group `privgen.exporters`).

Built-in exporters register through the same entry point group as plugins.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from ..document import RenderedDocument
from ..errors import ExportError

API_VERSION = 1
GROUP = "privgen.exporters"
BUILTIN = {
    "md": "generator.exporters.md:MarkdownExporter",
    "html": "generator.exporters.html:HtmlExporter",
    "pdf": "generator.exporters.pdf:PdfExporter",
    "json": "generator.exporters.json:JsonExporter",
}


@dataclass(frozen=True)
class ExportContext:
    """Build settings an exporter may use (never the raw profile answers)."""

    generator_version: str
    pdf_variant: str = "pdf/ua-1"


@runtime_checkable
class Exporter(Protocol):
    name: str
    suffix: str  # file suffix without dot, e.g. "html"
    media_type: str
    api_version: int

    def export(self, document: RenderedDocument, context: ExportContext) -> bytes: ...


def _load(name: str, target: str) -> Exporter:
    module_name, _, attr = target.partition(":")
    try:
        obj = getattr(import_module(module_name), attr)
    except Exception as exc:  # a plugin may fail in any way on import
        raise ExportError(f"exporter plugin {name!r} ({target}) failed to load: {exc}") from None
    exporter = obj() if isinstance(obj, type) else obj
    if not isinstance(exporter, Exporter):
        raise ExportError(f"exporter plugin {name!r} ({target}) does not implement the Exporter protocol")
    if exporter.api_version != API_VERSION:
        raise ExportError(
            f"exporter plugin {name!r} needs exporter API version {exporter.api_version}; "
            f"this privgen offers {API_VERSION}"
        )
    return exporter


@cache
def targets() -> dict[str, str]:
    """Exporter name -> 'module:attribute', from the entry point group."""
    found: dict[str, str] = {}
    for ep in entry_points(group=GROUP):
        if ep.name in BUILTIN and ep.value != BUILTIN[ep.name]:
            raise ExportError(f"exporter plugin {ep.value!r} claims the built-in name {ep.name!r}")
        found[ep.name] = ep.value
    # Running from a source tree that was never installed: the built-ins still work.
    for name, target in BUILTIN.items():
        found.setdefault(name, target)
    return found


@cache
def get(name: str) -> Exporter:
    known = targets()
    if name not in known:
        raise ExportError(f"unknown format {name!r}; installed: {', '.join(sorted(known))}")
    return _load(name, known[name])
