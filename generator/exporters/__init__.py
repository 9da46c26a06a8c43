"""Exporters: the Exporter protocol and the registry (entry point group `privgen.exporters`).

Built-in exporters register through the same entry point group as plugins. A plugin is
loaded only when its format is asked for (or listed by `privgen exporters`), and whatever
goes wrong with it (it does not import, claims a built-in name, needs another API version,
raises or returns something other than bytes) becomes an `ExportError` naming the plugin.
The guide for plugin authors is docs/exporters.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from ..document import RenderedDocument
from ..errors import ExportError, PrivgenError

API_VERSION = 1
GROUP = "privgen.exporters"
BUILTIN = {
    "md": "generator.exporters.md:MarkdownExporter",
    "html": "generator.exporters.html:HtmlExporter",
    "pdf": "generator.exporters.pdf:PdfExporter",
    "json": "generator.exporters.json:JsonExporter",
    "html-fragment": "generator.exporters.fragment:FragmentExporter",
    "dpv": "generator.exporters.dpv:DpvExporter",
    "csv": "generator.exporters.csv:CsvExporter",
}
# File suffixes the built-ins write (documents and attachments). No plugin may use them, so a
# plugin can never overwrite or be mistaken for a built-in file, whatever formats a run builds.
BUILTIN_SUFFIXES = frozenset(
    {"md", "html", "pdf", "json", "fragment.html", "fragment.css", "dpv.jsonld", "csv"}
)
NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")
SUFFIX = re.compile(r"[a-z0-9]{1,16}(?:[.-][a-z0-9]{1,16}){0,3}")


@dataclass(frozen=True)
class ExportContext:
    """Build settings an exporter may use (never the parsed profile answers: the profile's
    bytes below are opaque, only to be embedded as a record)."""

    generator_version: str
    pdf_variant: str = "pdf/ua-1"  # or "pdf/a-3b" (see generator/exporters/pdf.py)
    api_version: int = API_VERSION
    # The profile file the document is built from, and the profiles it `extends:` (name
    # relative to its folder, bytes): the PDF/A-3b variant embeds them as its source record.
    profile_name: str | None = None
    profile_bytes: bytes | None = None
    profile_bases: tuple[tuple[str, bytes], ...] = ()


@runtime_checkable
class Exporter(Protocol):
    """What an exporter provides. Optional: `attachments`, `export_attachment` and `applies`
    (docs/exporters.md)."""

    name: str
    suffix: str  # file suffix without the leading dot, e.g. "html" or "dpv.jsonld"
    media_type: str
    api_version: int

    def export(self, document: RenderedDocument, context: ExportContext) -> bytes: ...


@dataclass(frozen=True)
class Registration:
    """One name in the entry point group, before anything is imported."""

    name: str
    target: str  # "module:attribute"
    origin: str  # the distribution that registered it, e.g. "privgen-plaintext 1.0.0"
    builtin: bool
    problem: str | None = None  # why this registration cannot be used


def _origin(ep) -> str:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "an unknown package"
    return f"{dist.name} {dist.version}"


def _describe(reg: Registration) -> str:
    return f"exporter plugin {reg.name!r} from {reg.origin} ({reg.target})"


@cache
def registrations() -> dict[str, Registration]:
    """Every exporter name installed, with problems found without importing anything."""
    from .. import __version__

    found: dict[str, Registration] = {}
    claims: dict[str, list[Registration]] = {}
    for ep in entry_points(group=GROUP):
        if BUILTIN.get(ep.name) == ep.value:
            continue  # a built-in, registered by privgen's own package
        claims.setdefault(ep.name, []).append(Registration(ep.name, ep.value, _origin(ep), False))
    # The built-ins, also when running from a source tree that was never installed.
    for name, target in BUILTIN.items():
        found[name] = Registration(name, target, f"privgen {__version__} (built in)", True)
    for name, regs in claims.items():
        described = " and ".join(_describe(r) for r in regs)
        if name in BUILTIN:
            problem = (
                f"{described} claims the built-in name {name!r}; built-in formats cannot be "
                f"replaced: uninstall it or register it under another name"
            )
            found[name] = Registration(name, BUILTIN[name], found[name].origin, True, problem)
        elif len(regs) > 1:
            problem = f"{described} register the same name {name!r}; uninstall one of them"
            found[name] = Registration(name, regs[0].target, regs[0].origin, False, problem)
        elif not NAME.fullmatch(name):
            problem = f"{described} has an invalid name: expected [a-z0-9-], at most 32 characters"
            found[name] = Registration(name, regs[0].target, regs[0].origin, False, problem)
        else:
            found[name] = regs[0]
    return dict(sorted(found.items()))


def targets() -> dict[str, str]:
    """Exporter name -> 'module:attribute' (problematic names included, so asking for one
    reports its problem instead of 'unknown format')."""
    return {name: reg.target for name, reg in registrations().items()}


def reset() -> None:
    """Forget what was discovered and loaded (after installing a plugin, and in tests)."""
    registrations.cache_clear()
    get.cache_clear()


class LoadedExporter:
    """An exporter as the registry hands it out: checked once, and every call guarded."""

    def __init__(self, registration: Registration, impl: Exporter):
        self.registration = registration
        self.impl = impl
        self.name: str = impl.name
        self.suffix: str = impl.suffix
        self.media_type: str = impl.media_type
        self.api_version: int = impl.api_version
        self.attachments: tuple[str, ...] = tuple(getattr(impl, "attachments", ()) or ())

    @property
    def origin(self) -> str:
        return self.registration.origin

    @property
    def builtin(self) -> bool:
        return self.registration.builtin

    @property
    def suffixes(self) -> tuple[str, ...]:
        return (self.suffix, *self.attachments)

    def _guard(self, what: str, call, document: RenderedDocument, context: ExportContext) -> bytes:
        where = f"{document.lang}/{document.document}"
        try:
            data = call()
        except Exception as exc:  # a plugin may fail in any way; the CLI shows a message, not a traceback
            if self.builtin:
                raise  # privgen's own errors are already clear; its bugs keep their traceback
            detail = str(exc) if isinstance(exc, PrivgenError) else f"{type(exc).__name__}: {exc}"
            raise ExportError(
                f"{_describe(self.registration)} failed on {where} ({what}): {detail}"
            ) from None
        if not isinstance(data, bytes):
            raise ExportError(
                f"{_describe(self.registration)} returned {type(data).__name__} from {what} "
                f"for {where}; expected bytes"
            )
        return data

    def export(self, document: RenderedDocument, context: ExportContext) -> bytes:
        return self._guard("export", lambda: self.impl.export(document, context), document, context)

    def applies(self, document: RenderedDocument) -> bool:
        """Whether this format makes a file for the document: the optional `applies(document)`
        hook (e.g. csv only for documents with a table); without it, every document."""
        hook = getattr(self.impl, "applies", None)
        if hook is None:
            return True
        try:
            return bool(hook(document))
        except Exception as exc:
            if self.builtin:
                raise
            raise ExportError(
                f"{_describe(self.registration)} failed on {document.lang}/{document.document} "
                f"(applies): {type(exc).__name__}: {exc}"
            ) from None

    def files(self, document: RenderedDocument, context: ExportContext) -> dict[str, bytes]:
        """suffix -> bytes: the document itself and the attachments written beside it."""
        out = {self.suffix: self.export(document, context)}
        for suffix in self.attachments:
            out[suffix] = self._guard(
                f"export_attachment({suffix!r})",
                lambda s=suffix: self.impl.export_attachment(s, document, context),
                document,
                context,
            )
        return out


def _check(reg: Registration, impl) -> list[str]:
    """What is wrong with a loaded exporter object (empty when nothing is)."""
    missing = [a for a in ("name", "suffix", "media_type", "api_version") if not hasattr(impl, a)]
    if missing or not callable(getattr(impl, "export", None)):
        return [f"does not implement the Exporter protocol (missing: {', '.join(missing or ['export'])})"]
    problems = []
    if impl.api_version != API_VERSION:
        problems.append(f"needs exporter API version {impl.api_version!r}; this privgen offers {API_VERSION}")
    if impl.name != reg.name:
        problems.append(f"is registered as {reg.name!r} but calls itself {impl.name!r}")
    attachments = tuple(getattr(impl, "attachments", ()) or ())
    for suffix in (impl.suffix, *attachments):
        if not isinstance(suffix, str) or not SUFFIX.fullmatch(suffix):
            problems.append(
                f"has an invalid file suffix {suffix!r}: expected lower-case letters and digits, "
                f"parts joined by '.' or '-' (e.g. 'txt' or 'fragment.html')"
            )
        elif not reg.builtin and suffix in BUILTIN_SUFFIXES:
            problems.append(f"uses the suffix {suffix!r}, which a built-in format writes")
    if attachments and not callable(getattr(impl, "export_attachment", None)):
        problems.append("declares attachments but has no export_attachment method")
    if not isinstance(impl.media_type, str) or "/" not in impl.media_type:
        problems.append(f"has an invalid media type {impl.media_type!r}")
    return problems


def _load(reg: Registration) -> LoadedExporter:
    if reg.problem:
        raise ExportError(reg.problem)
    module_name, _, attr = reg.target.split("[", 1)[0].strip().partition(":")  # "mod:attr [extras]"
    try:
        obj = import_module(module_name)
        for part in attr.split(".") if attr else ():
            obj = getattr(obj, part)
        impl = obj() if isinstance(obj, type) else obj
    except Exception as exc:  # a plugin may fail in any way on import
        raise ExportError(f"{_describe(reg)} failed to load: {type(exc).__name__}: {exc}") from None
    problems = _check(reg, impl)
    if problems:
        raise ExportError(f"{_describe(reg)} " + "; ".join(problems))
    return LoadedExporter(reg, impl)


@cache
def get(name: str) -> LoadedExporter:
    """The exporter for one format; ExportError (naming the plugin) when it cannot be used."""
    known = registrations()
    if name not in known:
        raise ExportError(f"unknown format {name!r}; installed: {', '.join(known)}")
    return _load(known[name])


def select(names: Iterable[str]) -> list[LoadedExporter]:
    """The exporters for a build, checked to write distinct files."""
    chosen: list[LoadedExporter] = []
    owner: dict[str, str] = {}
    for name in dict.fromkeys(names):
        exporter = get(name)
        for suffix in exporter.suffixes:
            if suffix in owner:
                raise ExportError(
                    f"formats {owner[suffix]!r} and {name!r} would both write "
                    f"'<document>.{suffix}'; build them in separate runs or output folders"
                )
            owner[suffix] = name
        chosen.append(exporter)
    return chosen


def describe() -> list[tuple[Registration, LoadedExporter | None, str | None]]:
    """Every installed exporter, loaded if possible: (registration, exporter, error)."""
    out = []
    for reg in registrations().values():
        try:
            out.append((reg, get(reg.name), None))
        except ExportError as exc:
            out.append((reg, None, str(exc)))
    return out
