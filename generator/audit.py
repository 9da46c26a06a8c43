"""`privgen audit`: is every document built into an output folder still current?

Each client folder's manifest.json says what its documents were built from. The audit compares
that with the installed clause library and, where the profiles are at hand, with the profiles:

- a clause or catalog entry with a newer version (or removed, or changed without a new version):
  the document is *stale*; the reasons are the clause library's changelog entries;
- a profile (or a base it `extends:`) that changed since the build: stale;
- with the profile: clauses the library now selects, or no longer selects, for it: stale;
- files of a format that was not rebuilt last time (marked `outdated` in the manifest): stale;
- warnings, which do not make a document stale: another privgen version, catalog facts checked
  longer ago than the maximum age, legal situations under review that concern the profile.

Nothing is written and nothing is rendered; profiles are only read and their clauses selected.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, catalog, changelog, clauses, fingerprint, manifest, versions, watch
from .errors import InputError, PrivgenError
from .expiry import DEFAULT, Age, advice, expired_facts, grouped, parse_age

CURRENT = "current"
STALE = "stale"
ERROR = "error"

PROFILE_UNCHANGED = "unchanged"
PROFILE_CHANGED = "changed"
PROFILE_MISSING = "missing"
PROFILE_NOT_CHECKED = "not-checked"
PROFILE_INVALID = "invalid"


@dataclass
class Reason:
    """Why a document is stale; `changes` are the changelog entries that explain it."""

    kind: str  # clause | catalog | profile | selection | outdated-files
    id: str | None
    message: str
    from_version: int | None = None
    to_version: int | None = None
    facts: list[str] = field(default_factory=list)
    changes: list[changelog.Entry] = field(default_factory=list)

    def key(self) -> tuple:
        return (self.kind, self.id, self.message, self.from_version, self.to_version, tuple(self.facts))

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "id": self.id,
            "message": self.message,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "facts": list(self.facts),
            "changes": [e.as_json() for e in self.changes],
        }


@dataclass
class DocumentAudit:
    document: str
    lang: str
    status: str = CURRENT
    reasons: list[Reason] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    effective_date: str | None = None
    generator_version: str | None = None

    def stale(self, reason: Reason) -> None:
        self.status = STALE
        if all(r.key() != reason.key() for r in self.reasons):
            self.reasons.append(reason)

    def as_json(self) -> dict:
        return {
            "document": self.document,
            "lang": self.lang,
            "status": self.status,
            "effective_date": self.effective_date,
            "generator_version": self.generator_version,
            "files": list(self.files),
            "reasons": [r.as_json() for r in self.reasons],
            "notes": list(self.notes),
        }


@dataclass
class Finding:
    kind: str  # expiring-fact | under-review | generator-version | profile | selection
    message: dict[str, str]  # de, en: the whole warning
    details: dict = field(default_factory=dict)
    short: dict[str, str] | None = None  # de, en: one line for the client's block
    shared: dict[str, str] | None = None  # de, en: the whole text without what is the client's own

    def as_json(self) -> dict:
        return {"kind": self.kind, "message": dict(self.message), "details": dict(self.details)}


@dataclass
class ProfileAudit:
    folder: Path
    id: str | None = None
    profile_file: str | None = None
    profile_path: Path | None = None
    profile_status: str = PROFILE_NOT_CHECKED
    documents: list[DocumentAudit] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    exit_code: int = 0

    @property
    def status(self) -> str:
        if self.error:
            return ERROR
        return STALE if self.stale else CURRENT

    @property
    def stale(self) -> list[DocumentAudit]:
        return [d for d in self.documents if d.status == STALE]

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "folder": str(self.folder),
            "status": self.status,
            "error": self.error,
            "profile": {
                "file": self.profile_file,
                "path": str(self.profile_path) if self.profile_path else None,
                "status": self.profile_status,
            },
            "documents": [d.as_json() for d in self.documents],
            "warnings": [w.as_json() for w in self.warnings],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Options:
    profiles: tuple[Path, ...] = ()
    today: dt.date = field(default_factory=dt.date.today)
    max_age: Age = field(default_factory=lambda: parse_age(DEFAULT))


@dataclass
class Audit:
    out_dir: Path
    options: Options
    profiles: list[ProfileAudit]

    @property
    def documents(self) -> list[DocumentAudit]:
        return [d for p in self.profiles for d in p.documents]

    @property
    def warnings(self) -> list[Finding]:
        return [w for p in self.profiles for w in p.warnings]

    def exit_code(self, strict: bool = False) -> int:
        code = max((p.exit_code for p in self.profiles), default=0)
        if any(p.stale for p in self.profiles) or (strict and self.warnings):
            code = max(code, 1)
        return code

    def as_json(self) -> dict:
        documents = self.documents
        stale = sum(1 for d in documents if d.status == STALE)
        return {
            "format": "privgen-audit",
            "format_version": 1,
            "generator": {"name": "privgen", "version": __version__},
            "output": str(self.out_dir),
            "today": self.options.today.isoformat(),
            "max_age": str(self.options.max_age),
            "library": {"changelog": changelog.latest().isoformat()},
            "profiles_checked": bool(self.options.profiles),
            "status": STALE if stale else (ERROR if any(p.error for p in self.profiles) else CURRENT),
            "summary": {
                "profiles": len(self.profiles),
                "documents": len(documents),
                "current": len(documents) - stale,
                "stale": stale,
                "warnings": len(self.warnings),
                "errors": sum(1 for p in self.profiles if p.error),
            },
            "profiles": [p.as_json() for p in self.profiles],
        }


# -- finding the manifests --------------------------------------------------------------------


def folders(out_dir: Path) -> list[Path]:
    """The client folders in an output folder (or the client folder itself)."""
    if not out_dir.is_dir():
        raise InputError(f"{out_dir}: not a folder (expected an output folder of privgen build)")
    if (out_dir / manifest.NAME).exists():
        return [out_dir]
    found = sorted(
        Path(e.path)
        for e in os.scandir(out_dir)
        if e.is_dir(follow_symlinks=False) and (Path(e.path) / manifest.NAME).exists()
    )
    if not found:
        raise InputError(f"{out_dir}: no built documents found (no <id>/{manifest.NAME}); build first")
    return found


# -- clauses and catalog entries ------------------------------------------------------------


def _clause_reasons(doc: DocumentAudit, recorded: dict) -> None:
    clause_id, version = recorded.get("id"), recorded.get("version")
    if not isinstance(clause_id, str) or not isinstance(version, int):
        doc.stale(Reason("clause", str(clause_id), "unreadable clause record in the manifest"))
        return
    now = versions.clause(doc.lang, clause_id)
    if now is None:
        changes = [e for e, _ in changelog.between(changelog.CLAUSE, clause_id, version, None)]
        doc.stale(
            Reason("clause", clause_id, "removed from the clause library", version, None, changes=changes)
        )
        return
    if now.version > version:
        changes = [e for e, _ in changelog.between(changelog.CLAUSE, clause_id, version, now.version)]
        missing = changelog.missing_bumps(changelog.CLAUSE, clause_id, version, now.version)
        message = f"version {version} → {now.version}"
        if missing:
            message += f" (no changelog entry for version {', '.join(map(str, missing))})"
        doc.stale(Reason("clause", clause_id, message, version, now.version, changes=changes))
    elif now.version < version:
        doc.stale(
            Reason(
                "clause",
                clause_id,
                f"the installed library has an older version ({version} → {now.version}): "
                "was privgen downgraded?",
                version,
                now.version,
            )
        )
    elif now.sha256 != recorded.get("sha256"):
        if recorded.get("text_sha256") == versions.text_sha256(now):
            doc.notes.append(
                f"clause {clause_id}: reviewed again on {now.reviewed.isoformat()} or its sources changed; "
                "the text is the same (a rebuild updates the review date in the JSON export)"
            )
        else:
            changes = [e for e, _ in changelog.reviews(changelog.CLAUSE, clause_id, version)]
            doc.stale(
                Reason(
                    "clause",
                    clause_id,
                    "changed text without version bump",
                    version,
                    version,
                    changes=changes,
                )
            )


def _changed_parts(before: dict, now: dict) -> list[str]:
    names = sorted(set(before) | set(now))
    return [
        n
        for n in names
        if not isinstance(before.get(n), dict)
        or not isinstance(now.get(n), dict)
        or before[n].get("sha256") != now[n].get("sha256")
    ]


def _part_label(name: str) -> str:
    return name.removeprefix("facts.")


def _catalog_reasons(doc: DocumentAudit, recorded: dict, details: dict | None) -> None:
    entry, digest = recorded.get("id"), recorded.get("sha256")
    if not isinstance(entry, str):
        doc.stale(Reason("catalog", str(entry), "unreadable catalog record in the manifest"))
        return
    try:
        now_version = versions.catalog_version(entry)
    except PrivgenError as exc:
        doc.stale(Reason("catalog", entry, f"the installed catalog entry is broken: {exc}"))
        return
    old_version = details.get("version") if isinstance(details, dict) else None
    if now_version is None:
        changes = [e for e, _ in changelog.between(changelog.CATALOG, entry, old_version, None)]
        doc.stale(Reason("catalog", entry, "removed from the catalog", old_version, None, changes=changes))
        return
    if fingerprint.current_catalog(entry) == digest:
        return
    parts_before = details.get("parts") if isinstance(details, dict) else None
    changed: list[str] | None = None
    if isinstance(parts_before, dict):
        authority = next(iter(parts_before), None) if entry == versions.AUTHORITIES else None
        changed = [
            _part_label(n) for n in _changed_parts(parts_before, versions.catalog_parts(entry, authority))
        ]
    if not isinstance(old_version, int):  # a manifest from before catalog versions
        doc.stale(Reason("catalog", entry, "changed since the build", None, now_version, facts=changed or []))
        return
    if changed == []:  # only what no document of this profile states: check dates, sources, others' data
        if now_version != old_version:
            doc.notes.append(
                f"catalog {entry}: version {old_version} → {now_version}, but nothing this document "
                "depends on changed"
            )
        else:
            doc.notes.append(
                f"catalog {entry}: checked again (dates or sources); nothing this document states changed"
            )
        return
    facts = changed or []
    if now_version > old_version:
        changes = [e for e, _ in changelog.between(changelog.CATALOG, entry, old_version, now_version)]
        missing = changelog.missing_bumps(changelog.CATALOG, entry, old_version, now_version)
        message = f"version {old_version} → {now_version}"
        if facts:
            message += f", changed: {', '.join(facts)}"
        if missing:
            message += f" (no changelog entry for version {', '.join(map(str, missing))})"
        doc.stale(Reason("catalog", entry, message, old_version, now_version, facts=facts, changes=changes))
    elif now_version < old_version:
        doc.stale(
            Reason(
                "catalog",
                entry,
                f"the installed catalog has an older version ({old_version} → {now_version}): "
                "was privgen downgraded?",
                old_version,
                now_version,
            )
        )
    else:
        changes = [e for e, _ in changelog.reviews(changelog.CATALOG, entry, old_version)]
        message = "changed without version bump" + (f": {', '.join(facts)}" if facts else "")
        doc.stale(Reason("catalog", entry, message, old_version, old_version, facts=facts, changes=changes))


def _document(entry: dict, data: dict) -> DocumentAudit:
    doc = DocumentAudit(
        document=str(entry.get("document")),
        lang=str(entry.get("lang")),
        files=sorted(entry.get("files") or {}),
        effective_date=entry.get("effective_date"),
        generator_version=entry.get("generator_version"),
    )
    if entry.get("outdated"):
        doc.stale(
            Reason(
                "outdated-files",
                None,
                "files of a format that was not rebuilt last time: older than the document's other formats",
            )
        )
        return doc
    if doc.lang not in clauses.LANGS:
        doc.stale(Reason("document", None, f"unknown language {doc.lang!r} in the manifest"))
        return doc
    for recorded in entry.get("clauses") or []:
        _clause_reasons(doc, recorded if isinstance(recorded, dict) else {})
    for recorded in entry.get("catalog") or []:
        recorded = recorded if isinstance(recorded, dict) else {}
        _catalog_reasons(doc, recorded, versions.recorded(data, recorded.get("id"), recorded.get("sha256")))
    return doc


# -- profiles ------------------------------------------------------------------------------


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _find_profile(block: dict, searched: tuple[Path, ...]) -> Path | None:
    name, pid = str(block.get("file") or ""), str(block.get("id") or "")
    for place in searched:
        if place.is_file():
            candidates = [place] if place.name == name or place.stem == pid else []
        else:
            candidates = [
                place / n for n in (name, f"{pid}.yaml", f"{pid}.yml") if n and n not in (".yaml", ".yml")
            ]
        for candidate in candidates:
            if candidate.is_file():
                return candidate
    return None


def _compare_profile(report: ProfileAudit, block: dict, options: Options) -> None:
    """Whether the profile and its bases are as they were; sets report.profile_status/path."""
    if not options.profiles:
        return
    path = _find_profile(block, options.profiles)
    if path is None:
        report.profile_status = PROFILE_MISSING
        where = ", ".join(map(str, options.profiles))
        report.warnings.append(
            Finding(
                "profile",
                {
                    "de": f"Kein Profil {block.get('file')} in {where}: Gibt es den Kunden noch? Die "
                    "Texte wurden nicht mit einem Profil verglichen.",
                    "en": f"no profile {block.get('file')} in {where}: was the client removed? The "
                    "documents were not compared with a profile.",
                },
                {"file": block.get("file")},
            )
        )
        return
    report.profile_path = path
    report.profile_status = PROFILE_UNCHANGED
    changed = []
    if _sha256(path) != block.get("sha256"):
        changed.append(Reason("profile", path.name, f"the profile {path} changed since the build"))
    for base in block.get("extends") or []:
        if not isinstance(base, dict):
            continue
        base_path = path.parent / str(base.get("file"))
        if _sha256(base_path) != base.get("sha256"):
            changed.append(
                Reason(
                    "profile", str(base.get("file")), f"the base profile {base_path} changed since the build"
                )
            )
    if changed:
        report.profile_status = PROFILE_CHANGED
        for doc in report.documents:
            for reason in changed:
                doc.stale(reason)


def _selection(report: ProfileAudit, data: dict, options: Options) -> dict | None:
    """With an unchanged profile: the clauses the library selects for it now, against the manifest.
    Returns the profile's privacy-policy context (for watch items), or None."""
    from .build import load_profile
    from .context import build_context

    try:
        loaded = load_profile(report.profile_path)
    except InputError as exc:
        report.profile_status = PROFILE_INVALID
        first = str(exc).splitlines()[0] if str(exc) else "invalid"
        reason = Reason(
            "profile",
            report.profile_path.name,
            f"the profile is no longer valid with the installed library: {first}",
        )
        for doc in report.documents:
            doc.stale(reason)
        return None
    profile = loaded.data
    by_key = {
        (d.document, d.lang): d
        for d in report.documents
        if d.files and "outdated-files" not in {r.kind for r in d.reasons}
    }
    first_context = None
    for lang in profile["languages"]:
        for document in clauses.documents(lang):
            entry = manifest.current(data, document, lang)
            date = options.today
            if entry and entry.get("effective_date"):
                with contextlib.suppress(ValueError, TypeError):
                    date = dt.date.fromisoformat(entry["effective_date"])
            context = build_context(profile, lang, date, document)
            if first_context is None and document == "privacy-policy":
                first_context = context
            chosen = [c.id for c in clauses.select(document, lang, context)]
            doc = by_key.get((document, lang))
            if doc is not None and entry is not None:
                _compare_selection(doc, entry, chosen)
            elif chosen and manifest.not_applicable(data, document, lang) is not None:
                new = DocumentAudit(document=document, lang=lang)
                new.stale(Reason("selection", document, "now applies to this profile; it was never built"))
                report.documents.append(new)
            elif chosen:
                report.warnings.append(
                    Finding(
                        "selection",
                        {
                            "de": f"{document} ({lang}) betrifft dieses Profil, wurde aber nicht erstellt "
                            "(neu in der Bibliothek, oder mit --documents ausgelassen)",
                            "en": f"{document} ({lang}) applies to this profile but was not built (new in "
                            "the library, or left out with --documents)",
                        },
                        {"document": document, "lang": lang},
                    )
                )
    return first_context


def _latest_change(clause_id: str) -> list[changelog.Entry]:
    found = changelog.between(changelog.CLAUSE, clause_id, None, None)
    return [found[-1][0]] if found else []


def _compare_selection(doc: DocumentAudit, entry: dict, chosen: list[str]) -> None:
    before = [c.get("id") for c in entry.get("clauses") or [] if isinstance(c, dict)]
    if not chosen:
        doc.stale(
            Reason("selection", doc.document, "no longer applies to this profile (a rebuild deletes it)")
        )
        return
    for clause_id in chosen:
        if clause_id not in before:
            doc.stale(
                Reason(
                    "selection", clause_id, "now applies to this profile", changes=_latest_change(clause_id)
                )
            )
    for clause_id in before:
        if clause_id not in chosen and versions.clause(doc.lang, clause_id) is not None:
            doc.stale(
                Reason(
                    "selection",
                    clause_id,
                    "no longer applies to this profile",
                    changes=_latest_change(clause_id),
                )
            )


# -- warnings -----------------------------------------------------------------------------


def _used_entries(documents: list[DocumentAudit], data: dict) -> list[str]:
    wanted = {(d.document, d.lang) for d in documents if d.files}
    return sorted(
        {
            c.get("id")
            for e in data.get("documents") or []
            if isinstance(e, dict) and not e.get("outdated") and (e.get("document"), e.get("lang")) in wanted
            for c in e.get("catalog") or []
            if isinstance(c, dict) and isinstance(c.get("id"), str)
        }
    )


def _manifest_names(data: dict, entries: list[str]) -> dict:
    """What a manifest tells about the profile's situation, for watch conditions."""
    recorded = [
        e["transfer_bases"]
        for e in data.get("documents") or []
        if isinstance(e, dict) and not e.get("outdated") and isinstance(e.get("transfer_bases"), list)
    ]
    providers = [e.removeprefix(versions.PROVIDERS) for e in entries if e.startswith(versions.PROVIDERS)]
    if recorded:
        bases = sorted({b for r in recorded for b in r})
    else:  # an older manifest: the catalog's confirmed transfers of the providers used
        bases = set()
        for pid in providers:
            p = catalog.providers().get(pid)
            fact = p.facts.get("transfers") if p else None
            if fact is not None and fact.confirmed:
                bases.update(b for t in fact.value or [] for b in t.get("bases") or [])
        bases = sorted(bases)
    return {"transfer_bases": bases, "used_providers": providers}


def _warnings(report: ProfileAudit, data: dict, options: Options, context: dict | None) -> None:
    versions_seen = sorted(
        {d.generator_version for d in report.documents if d.generator_version} - {__version__}
    )
    if versions_seen:
        report.warnings.append(
            Finding(
                "generator-version",
                {
                    "de": f"erstellt mit privgen {', '.join(versions_seen)}, installiert ist {__version__}: "
                    "neu erstellen, um Änderungen an Layout und Formaten zu übernehmen",
                    "en": f"built with privgen {', '.join(versions_seen)}, installed is {__version__}: "
                    "rebuild to pick up changes to layout and formats",
                },
                {"built_with": versions_seen, "installed": __version__},
            )
        )
    entries = _used_entries(report.documents, data)
    for facts in grouped(expired_facts(entries, options.today, options.max_age)):
        text = {lang: advice(facts, options.max_age, lang) for lang in ("de", "en")}
        report.warnings.append(
            Finding(
                "expiring-fact",
                text,
                {
                    "catalog": facts[0].entry,
                    "checked": facts[0].checked.isoformat(),
                    "facts": [f.as_json() for f in facts],
                },
                {lang: advice(facts, options.max_age, lang, short=True) for lang in ("de", "en")},
                text,
            )
        )
    names = watch.context_names(context) if context is not None else _manifest_names(data, entries)
    unknown = 0
    for item in watch.load():
        verdict = watch.concerns(item, names)
        if verdict == watch.UNKNOWN:
            unknown += 1
            continue
        if not verdict:
            continue
        transfers = watch.matching_transfers(item, context) if context is not None else []
        stale = options.max_age.expired(item.checked, options.today)
        report.warnings.append(
            Finding(
                "under-review",
                {lang: watch.message(item, lang, transfers, stale) for lang in ("de", "en")},
                {**item.as_json(), "status_outdated": stale},
                {lang: watch.message(item, lang, transfers, stale, short=True) for lang in ("de", "en")},
                {lang: watch.message(item, lang, None, stale) for lang in ("de", "en")},
            )
        )
    if unknown:
        report.notes.append(
            f"{unknown} legal situation(s) under review could not be checked without the profile: "
            "pass --profiles DIR"
        )
    if context is None and report.profile_status == PROFILE_NOT_CHECKED:
        for doc in report.documents:
            entry = manifest.current(data, doc.document, doc.lang)
            if (
                entry
                and doc.lang in clauses.LANGS
                and doc.document in clauses.documents(doc.lang)
                and entry.get("selection_sha256") != fingerprint.selection_sha256(doc.document, doc.lang)
            ):
                report.warnings.append(
                    Finding(
                        "selection",
                        {
                            "de": f"{doc.document} ({doc.lang}): Die Bibliothek wählt die Klauseln dieses "
                            "Dokuments jetzt nach anderen Bedingungen aus; mit --profiles prüfen, ob es "
                            "dieses Profil betrifft",
                            "en": f"{doc.document} ({doc.lang}): the library now chooses this document's "
                            "clauses by other conditions; pass --profiles to tell whether it affects "
                            "this profile",
                        },
                        {"document": doc.document, "lang": doc.lang},
                    )
                )


# -- the audit ---------------------------------------------------------------------------------


def audit_folder(folder: Path, options: Options) -> ProfileAudit:
    report = ProfileAudit(folder=folder)
    data = manifest.read(folder)
    if data is None:
        report.error = (
            f"{folder / manifest.NAME}: not a privgen manifest, or damaged: build this client again"
        )
        report.exit_code = 2
        return report
    block = data["profile"]
    report.id = block.get("id")
    report.profile_file = block.get("file")
    for entry in data.get("documents") or []:
        if isinstance(entry, dict):
            report.documents.append(_document(entry, data))
    _compare_profile(report, block, options)
    context = None
    if report.profile_status == PROFILE_UNCHANGED:
        context = _selection(report, data, options)
    report.documents.sort(key=lambda d: (d.document, d.lang, d.status))
    _warnings(report, data, options, context)
    return report


def run(out_dir: Path, options: Options) -> Audit:
    """Audit every client folder in out_dir (or out_dir itself, a client folder)."""
    changelog.load()  # a broken changelog or watch list stops the audit at once
    watch.load()
    reports = []
    for folder in folders(out_dir):
        try:
            reports.append(audit_folder(folder, options))
        except PrivgenError as exc:
            reports.append(ProfileAudit(folder=folder, error=f"{folder}: {exc}", exit_code=exc.exit_code))
    return Audit(out_dir=out_dir, options=options, profiles=reports)
