"""From a profile file to documents on disk: load, validate, render, export, write."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, catalog, clauses, fingerprint, inherit, manifest, versions
from .context import build_context
from .document import Provenance, RenderedDocument, assemble
from .errors import InputError, Issue, OutputError, ProfileError
from .exporters import ExportContext, select
from .outputs import safe_target, write_atomic, write_files_atomic
from .profile import parse_yaml, read_text
from .validate import validate

# The default formats: the four of the output contract, plus csv, which only documents with a
# table get (the record of processing activities); see generator/exporters/csv.py.
FORMATS = ("html", "md", "pdf", "json", "csv")


@dataclass(frozen=True)
class LoadedProfile:
    path: Path
    data: dict
    sha256: str  # of the profile file's bytes
    bases: tuple[tuple[Path, str], ...] = ()  # its `extends:` chain: (file, sha256), nearest first

    @property
    def sha256s(self) -> list[str]:
        """The hashes of every file the profile was built from, the profile first."""
        return [self.sha256, *(digest for _, digest in self.bases)]


@dataclass
class BuildResult:
    profile: Path
    profile_id: str | None = None
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # up to date, left as they were
    removed: list[Path] = field(default_factory=list)  # of documents that no longer apply
    outdated: list[str] = field(default_factory=list)  # older files of formats not built this time
    error: str | None = None
    exit_code: int = 0


def load_profile(path: Path, *, allow_extends: bool = True) -> LoadedProfile:
    """Read, parse, resolve `extends:` and validate one profile; ProfileError with every issue.

    `allow_extends=False` refuses `extends:` (for profiles from untrusted sources, which must
    not name other files).
    """
    text = read_text(path)
    raw = parse_yaml(text, str(path))
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if allow_extends:
        sources = inherit.chain(path, raw, digest)
    elif isinstance(raw, dict) and raw.get(inherit.KEY) is not None:
        raise ProfileError([Issue(str(path), inherit.KEY, "not allowed here; expected a complete profile")])
    else:
        sources = [inherit.Source(path, digest, raw)]
    data, issues = validate(inherit.resolve(sources), str(path), path.name.split(".")[0])
    if issues:
        raise ProfileError(inherit.locate(issues, sources))
    bases = tuple((s.path, s.sha256) for s in sources[1:])
    return LoadedProfile(path=path, data=data, sha256=digest, bases=bases)


def effective_date(profile: dict) -> dt.date:
    """The 'Stand' date: the profile's, else SOURCE_DATE_EPOCH's, else today."""
    if profile.get("effective_date"):
        return profile["effective_date"]
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise InputError(f"SOURCE_DATE_EPOCH: expected seconds since 1970, got {epoch!r}") from None
    return dt.date.today()


def _prepare(
    loaded: LoadedProfile, document: str, lang: str, date: dt.date
) -> tuple[dict, list[clauses.Clause], Provenance]:
    """The context, the chosen clauses and the provenance of a document: everything but rendering."""
    profile = loaded.data
    context = build_context(profile, lang, date, document)
    chosen = clauses.select(document, lang, context)
    providers = catalog.providers()
    used = context["used_providers"]
    provenance = Provenance(
        generator_version=__version__,
        profile_id=profile["id"],
        profile_sha256=loaded.sha256,
        clauses=tuple((c.id, c.version, c.sha256) for c in chosen),
        catalog=tuple((f"providers/{pid}", providers[pid].sha256) for pid in used)
        + (("authorities", catalog.authorities_sha256()),),
    )
    return context, chosen, provenance


def render_document(loaded: LoadedProfile, document: str, lang: str) -> RenderedDocument:
    """Select and render one document in one language."""
    context, chosen, provenance = _prepare(loaded, document, lang, effective_date(loaded.data))
    return assemble(document, lang, chosen, context, provenance)


_TEMPORARY = re.compile(r"^\..+\.tmp$")  # what write_atomic leaves behind when killed


def _remove_temporary(folder: Path) -> None:
    """Delete temporary files an interrupted run left (see outputs.write_atomic)."""
    if not folder.is_dir():
        return
    for sub in (folder, *(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())):
        for p in sub.iterdir():
            if _TEMPORARY.match(p.name) and p.is_file() and not p.is_symlink():
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()


def _up_to_date(spec: object, key: str, previous: dict, root: Path) -> bool:
    """Whether a format's files recorded in a manifest entry still hold and are on disk."""
    if not isinstance(spec, dict) or spec.get("key") != key or not isinstance(spec.get("files"), list):
        return False
    recorded = previous.get("files") or {}
    return all(isinstance(n, str) and n in recorded and (root / n).is_file() for n in spec["files"])


def _the_date(setting: tuple[str, str | None], profile: dict, previous: dict | None, same: bool) -> dt.date:
    """The 'Stand' date: the profile's, else SOURCE_DATE_EPOCH's, else the date of the build that
    last changed the document (today, when it changes now)."""
    if setting[0] == fingerprint.DATE_FROM_BUILD and same and previous and previous.get("effective_date"):
        with contextlib.suppress(TypeError, ValueError):
            return dt.date.fromisoformat(previous["effective_date"])
    return effective_date(profile)


def _build_document(
    loaded: LoadedProfile,
    document: str,
    lang: str,
    old: dict | None,
    exporters: list,
    context: ExportContext,
    root: Path,
    force: bool,
) -> tuple[manifest.DocumentRecord, dict[str, bytes]]:
    """Decide what of one document must be rebuilt, and render only that."""
    profile = loaded.data
    setting = fingerprint.date_setting(profile.get("effective_date") is not None)
    previous = manifest.current(old, document, lang)
    ctx, chosen, provenance = _prepare(loaded, document, lang, effective_date(profile))
    key = fingerprint.document_key(
        loaded.sha256s, setting, document, lang, list(provenance.clauses), list(provenance.catalog)
    )
    record = manifest.DocumentRecord(
        document=document,
        lang=lang,
        applicable=bool(chosen),
        inputs=key,
        selection=fingerprint.selection_sha256(document, lang),
        catalog=list(provenance.catalog),
        clauses=list(provenance.clauses),
        date_source=setting[0],
        facts=versions.document_facts(profile, ctx),  # for `privgen audit`
    )
    if not chosen:
        return record, {}  # nothing in this document applies to the profile
    same = previous is not None and previous.get("inputs_sha256") == key
    date = _the_date(setting, profile, previous, same)
    record.effective_date = date.isoformat()
    requested = {e.name for e in exporters}
    needed = []
    for exporter in exporters:
        fkey = fingerprint.format_key(key, exporter.name, context)
        spec = (previous.get("formats") or {}).get(exporter.name) if same else None
        if not force and _up_to_date(spec, fkey, previous, root):
            record.formats[exporter.name] = spec
            record.files.update({n: previous["files"][n] for n in spec["files"]})
        else:
            needed.append((exporter, fkey))
    if same:  # formats not built this time stay current while their key holds
        for name, spec in (previous.get("formats") or {}).items():
            fkey = fingerprint.format_key(key, name, context)
            if name not in requested and _up_to_date(spec, fkey, previous, root):
                record.formats[name] = spec
                record.files.update({n: previous["files"][n] for n in spec["files"]})
    rendered: dict[str, bytes] = {}
    if needed:
        if date != ctx["effective_date"]:
            ctx = build_context(profile, lang, date, document)
        doc = assemble(document, lang, chosen, ctx, provenance)
        for exporter, fkey in needed:
            files = {}
            if exporter.applies(doc):  # e.g. csv: only documents with a table
                for suffix, data in exporter.files(doc, context).items():  # document + attachments
                    files[f"{lang}/{document}.{suffix}"] = data
            record.formats[exporter.name] = {"key": fkey, "files": sorted(files)}
            record.files.update({n: hashlib.sha256(d).hexdigest() for n, d in files.items()})
            rendered.update(files)
    return record, rendered


def _profile_block(loaded: LoadedProfile) -> dict:
    return {
        "id": loaded.data["id"],
        "file": loaded.path.name,
        "sha256": loaded.sha256,
        "languages": list(loaded.data["languages"]),
        "extends": [
            {"file": Path(os.path.relpath(base, loaded.path.parent)).as_posix(), "sha256": digest}
            for base, digest in loaded.bases
        ],
    }


def _locked(root: Path, path: Path):
    """Hold an exclusive lock on a profile's output folder (created when missing) while it is
    built: two runs never write one folder at once. The folder goes again if it stays empty."""
    created = not root.is_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create {root}: {exc.strerror or exc}") from None
    return _Lock(root, path, created)


class _Lock:
    def __init__(self, root: Path, path: Path, created: bool):
        self.root, self.path, self.created, self.fd = root, path, created, None

    def __enter__(self) -> None:
        try:
            import fcntl
        except ImportError:  # Windows: no locking
            return
        self.fd = os.open(self.root, os.O_RDONLY)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self.fd = None
            raise OutputError(
                f"{self.path}: {self.root} is being written by another privgen build; "
                "build it again when that one has finished"
            ) from None

    def __exit__(self, *exc) -> None:
        if self.created:
            with contextlib.suppress(OSError):
                self.root.rmdir()  # only when nothing was written
        if self.fd is not None:
            os.close(self.fd)


def documents_for(lang: str, documents: tuple[str, ...] | None) -> list[str]:
    """The library's documents in one language, limited to the ones asked for."""
    return [d for d in clauses.documents(lang) if documents is None or d in documents]


def _with_sources(context: ExportContext, loaded: LoadedProfile) -> ExportContext:
    """For the PDF/A-3b variant: the profile files themselves, which the PDF embeds."""
    if context.pdf_variant != "pdf/a-3b":
        return context
    files = []
    for source, digest in ((loaded.path, loaded.sha256), *loaded.bases):
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise InputError(f"{source}: cannot read: {exc.strerror or exc}") from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise InputError(f"{source}: changed while it was being built; build again")
        files.append((Path(os.path.relpath(source, loaded.path.parent)).as_posix(), data))
    (name, data), *bases = files
    return dataclasses.replace(context, profile_name=name, profile_bytes=data, profile_bases=tuple(bases))


def build_profile(
    path: Path,
    out_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    langs: tuple[str, ...] | None = None,
    documents: tuple[str, ...] | None = None,
    *,
    force: bool = False,
    export_context: ExportContext | None = None,
) -> BuildResult:
    """Build what is not up to date of one profile's documents (everything with `force`).

    Everything is rendered before anything is written; files are written atomically and the
    manifest last, so an interrupted build leaves complete files and the next one finishes.
    """
    loaded = load_profile(path)
    profile = loaded.data
    result = BuildResult(profile=path, profile_id=profile["id"])
    chosen_langs = [lang for lang in profile["languages"] if langs is None or lang in langs]
    if not chosen_langs:
        raise InputError(
            f"{path}: none of the requested languages {list(langs or [])} "
            f"is in the profile's languages {profile['languages']}"
        )
    context = _with_sources(export_context or ExportContext(generator_version=__version__), loaded)
    exporters = select(formats)
    try:
        root = safe_target(out_dir, profile["id"])
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    with _locked(root, path):
        _remove_temporary(root)  # left by an interrupted run (we hold the folder's lock)
        old = manifest.read(root)
        records: list[manifest.DocumentRecord] = []
        rendered: dict[str, bytes] = {}
        for lang in chosen_langs:
            for document in documents_for(lang, documents):
                record, files = _build_document(loaded, document, lang, old, exporters, context, root, force)
                records.append(record)
                rendered.update(files)
        data, remove = manifest.updated(old, _profile_block(loaded), records)
        try:  # every target is checked before the first write: a refusal leaves nothing half-written
            targets = {name: safe_target(out_dir, profile["id"], *name.split("/")) for name in rendered}
            doomed = [safe_target(out_dir, profile["id"], *name.split("/")) for name in remove]
            manifest_path = safe_target(out_dir, profile["id"], manifest.NAME)
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from None
        for record in records:
            result.unchanged += [targets.get(n) or root / n for n in record.files if n not in rendered]
        result.outdated = sorted(
            n for e in data["documents"] if e.get("outdated") for n in e.get("files", {})
        )
        text = manifest.serialise(data)
        try:
            old_text = manifest_path.read_bytes() if manifest_path.is_file() else None
        except OSError:
            old_text = None
        if not rendered and not remove and text == old_text:
            return result  # nothing to do
        try:
            write_files_atomic([(targets[name], blob) for name, blob in rendered.items()])
            result.written += [targets[name] for name in rendered]
            for target in doomed:
                if target.is_file():
                    target.unlink()
                    result.removed.append(target)
            if text != old_text:
                write_atomic(manifest_path, text)  # last: it vouches for the files above
                result.written.append(manifest_path)
        except OSError as exc:
            where = exc.filename or root
            raise OutputError(f"{path}: cannot write {where}: {exc.strerror or exc}") from None
        return result


def find_profiles(paths: list[Path]) -> list[Path]:
    """Profile files from files and folders (*.yaml, *.yml; folders not recursive).

    A folder's files whose names start with `_` or `.` are not profiles of their own: that is
    where an agency keeps the base profiles its clients `extends:`. Each file is listed once.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        if p.is_dir():
            batch = sorted(
                x
                for x in p.iterdir()
                if x.suffix in (".yaml", ".yml") and not x.name.startswith(("_", ".")) and x.is_file()
            )
        else:
            batch = [p]
        for x in batch:
            key = x.resolve() if x.exists() else x.absolute()
            if key not in seen:
                seen.add(key)
                found.append(x)
    return found
