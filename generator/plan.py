"""Before a batch builds anything: which profiles, which ids, and which are already up to date.

Deciding "up to date" loads no profile and renders nothing: the profile's bytes (and its
bases') are hashed and compared with its manifest, and the recorded clause and catalog
hashes with the library's. Only profiles that may have changed go to the workers, which
then decide per document and format (build.py).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import fingerprint, manifest
from .build import FORMATS, documents_for
from .errors import InputError, ProfileError
from .exporters import ExportContext
from .profile import MAX_BYTES, parse_yaml

_TEMPORARY = re.compile(r"^\..+\.tmp$")

BUILD = "build"  # to be built (or at least looked at) by a worker
FRESH = "unchanged"  # everything asked for is up to date
FAILED = "failed"
BASE = "base"  # a base profile that others extend: not built on its own


@dataclass(frozen=True)
class Options:
    """What a batch builds, and how."""

    out_dir: Path
    formats: tuple[str, ...] = FORMATS
    langs: tuple[str, ...] | None = None
    documents: tuple[str, ...] | None = None
    force: bool = False
    jobs: int | None = None  # worker processes; default: the usable CPUs
    export_context: ExportContext | None = None


@dataclass
class Job:
    path: Path
    explicit: bool  # named on the command line (not found in a folder)
    profile_id: str | None = None
    bases: tuple[Path, ...] = ()
    state: str = BUILD
    message: str | None = None
    exit_code: int = 0
    extended_by: list[Path] = field(default_factory=list)


def discover(paths: list[Path]) -> list[Job]:
    """Profile files from files and folders, each once (see build.find_profiles)."""
    jobs: list[Job] = []
    seen: set[Path] = set()
    for p in paths:
        if p.is_dir():
            found = sorted(
                x
                for x in p.iterdir()
                if x.suffix in (".yaml", ".yml") and not x.name.startswith(("_", ".")) and x.is_file()
            )
            explicit = False
        else:
            found, explicit = [p], True
        for x in found:
            key = x.resolve() if x.exists() else x.absolute()
            if key not in seen:
                seen.add(key)
                jobs.append(Job(path=x, explicit=explicit))
    return jobs


def _manifests(out_dir: Path) -> dict[tuple[str, str], tuple[Path, dict]]:
    """(profile file name, profile sha256) -> (output folder, manifest), for every folder in DIR."""
    index: dict[tuple[str, str], tuple[Path, dict]] = {}
    try:
        folders = [e for e in os.scandir(out_dir) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return index
    for entry in folders:
        root = Path(entry.path)
        data = manifest.read(root)
        if data is None:
            continue
        profile = data["profile"]
        if profile.get("id") != entry.name or not isinstance(profile.get("sha256"), str):
            continue
        index.setdefault((str(profile.get("file")), profile["sha256"]), (root, data))
    return index


class _Hashes:
    """sha256 of files, each read once per run (bases are shared by many profiles)."""

    def __init__(self) -> None:
        self._known: dict[Path, str | None] = {}

    def of(self, path: Path) -> str | None:
        key = path.absolute()
        if key not in self._known:
            try:
                self._known[key] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self._known[key] = None
        return self._known[key]


class _Listing:
    """The names in an output folder and its language folders, read once."""

    def __init__(self, root: Path):
        self.names: dict[str, set[str]] = {}
        self.temporary = False
        try:
            top = list(os.scandir(root))
            self.names[""] = {e.name for e in top}
            for entry in top:
                if entry.is_dir(follow_symlinks=False):
                    self.names[entry.name] = set(os.listdir(entry.path))
        except OSError:
            self.temporary = True  # unreadable: let a worker look at it
        self.temporary = self.temporary or any(
            _TEMPORARY.match(n) for names in self.names.values() for n in names
        )

    def has(self, name: str) -> bool:
        folder, _, file = name.rpartition("/")
        return file in self.names.get(folder, ())


def _fresh_entry(
    entry: dict, sha256s: list[str], document: str, lang: str, options: Options, listing: _Listing
) -> bool:
    clause_list = []
    for c in entry.get("clauses") or []:
        found = fingerprint.current_clause(lang, c.get("id"))
        if found is None:
            return False
        clause_list.append((c["id"], *found))
    catalog_list = []
    for c in entry.get("catalog") or []:
        found = fingerprint.current_catalog(c.get("id"))
        if found is None:
            return False
        catalog_list.append((c["id"], found))
    setting = fingerprint.date_setting(entry.get("date_source") == fingerprint.DATE_FROM_PROFILE)
    key = fingerprint.document_key(sha256s, setting, document, lang, clause_list, catalog_list)
    if key != entry.get("inputs_sha256"):
        return False
    if "clauses" not in entry or "files" not in entry:  # a not-applicable record ends here
        return True
    context = options.export_context or _default_context()
    recorded = entry.get("files") or {}
    for name in options.formats:
        spec = (entry.get("formats") or {}).get(name)
        if not isinstance(spec, dict) or spec.get("key") != fingerprint.format_key(key, name, context):
            return False
        files = spec.get("files")
        if not isinstance(files, list) or not all(
            isinstance(n, str) and n in recorded and listing.has(n) for n in files
        ):
            return False
    return True


def _default_context() -> ExportContext:
    from . import __version__

    return ExportContext(generator_version=__version__)


def is_fresh(job: Job, root: Path, data: dict, options: Options, hashes: _Hashes) -> bool:
    """Whether everything the options ask for is built and up to date, by the manifest alone."""
    profile = data["profile"]
    sha256s = [profile["sha256"]]
    for base in profile.get("extends") or []:
        if not isinstance(base, dict) or hashes.of(job.path.parent / str(base.get("file"))) != base.get(
            "sha256"
        ):
            return False
        sha256s.append(base["sha256"])
    languages = profile.get("languages")
    if not isinstance(languages, list):
        return False
    chosen = [lang for lang in languages if options.langs is None or lang in options.langs]
    if not chosen:
        return False  # the worker says what is wrong
    listing = _Listing(root)
    if listing.temporary:
        return False  # an interrupted run left a temporary file: the worker removes it
    for lang in chosen:
        for document in documents_for(lang, options.documents):
            selection = fingerprint.selection_sha256(document, lang)
            entry = manifest.current(data, document, lang) or manifest.not_applicable(data, document, lang)
            if entry is None or entry.get("selection_sha256") != selection:
                return False
            if not _fresh_entry(entry, sha256s, document, lang, options, listing):
                return False
    return True


def _identify(job: Job, index: dict, options: Options, hashes: _Hashes) -> None:
    """Set the job's id and bases, and whether it is up to date, reading as little as possible."""
    path = job.path
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return  # the worker reports it
        data = path.read_bytes()
    except OSError:
        return
    digest = hashlib.sha256(data).hexdigest()
    found = index.get((path.name, digest))
    if found is not None:
        root, recorded = found
        job.profile_id = recorded["profile"]["id"]
        job.bases = tuple(
            path.parent / str(b.get("file"))
            for b in recorded["profile"].get("extends") or []
            if isinstance(b, dict)
        )
        if not options.force and is_fresh(job, root, recorded, options, hashes):
            job.state = FRESH
        return
    try:
        raw = parse_yaml(data.decode("utf-8").removeprefix("\ufeff"), str(path))
    except UnicodeDecodeError:
        return  # the worker reports it
    except ProfileError as exc:
        job.state, job.message, job.exit_code = FAILED, str(exc), exc.exit_code
        return
    job.profile_id = path.name.split(".")[0]
    if isinstance(raw, dict):
        if isinstance(raw.get("id"), str):
            job.profile_id = raw["id"].strip()
        if isinstance(raw.get("extends"), str):
            job.bases = (path.parent / raw["extends"].strip(),)


def _mark_bases(jobs: list[Job]) -> None:
    """A file found in a folder that other profiles of the batch extend is their base, not a client."""
    users: dict[Path, list[Path]] = {}
    for job in jobs:
        for base in job.bases:
            users.setdefault(base.resolve(), []).append(job.path)
    for job in jobs:
        clients = users.get(job.path.resolve())
        if clients and not job.explicit:
            job.state, job.message, job.exit_code = BASE, None, 0
            job.extended_by = clients


def _mark_duplicates(jobs: list[Job], out_dir: Path) -> None:
    """Two profiles with one id would write one folder: both fail, each naming the other."""
    by_id: dict[str, list[Job]] = {}
    for job in jobs:
        if job.state in (BUILD, FRESH) and job.profile_id:
            by_id.setdefault(job.profile_id, []).append(job)
    for profile_id, group in by_id.items():
        if len(group) < 2:
            continue
        for job in group:
            others = ", ".join(str(j.path) for j in group if j is not job)
            job.state, job.exit_code = FAILED, 2
            job.message = (
                f"{job.path}: id: {profile_id!r} is also the id of {others}; both would be built "
                f"into {out_dir / profile_id}. Give each profile its own `id:`"
            )


def plan(paths: list[Path], options: Options) -> list[Job]:
    """Every profile of the batch with its state: build, unchanged, failed or base."""
    jobs = discover(paths)
    if not jobs:
        raise InputError(f"no profiles (*.yaml) found in {', '.join(map(str, paths))}")
    index = _manifests(options.out_dir)
    hashes = _Hashes()
    for job in jobs:
        _identify(job, index, options, hashes)
    _mark_bases(jobs)
    _mark_duplicates(jobs, options.out_dir)
    return jobs
