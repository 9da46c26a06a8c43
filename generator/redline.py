"""`privgen diff OLD NEW`: what changed between two builds of a declaration, as a redline.

Each side is a client's output folder (or its manifest.json), a whole output folder (every
client in it), a document's JSON export (`<lang>/<document>.json`), or a profile, which is then
rendered in memory with the installed library ("what would a rebuild change?"). Documents are
compared section by section and clause by clause (clauses are matched by id), and changed
clauses word by word (difflib). Where the clause versions differ, the clause library's
changelog says why; where both sides have a manifest, catalog entries that changed are named
with their changelog entries too.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, changelog, manifest, versions
from .errors import InputError
from .outputs import read_regular

MAX_JSON = 32 * 1024 * 1024
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_TOKENS = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]")
LANGS = ("de", "en")


# -- the two sides ------------------------------------------------------------------------------


@dataclass
class Built:
    """One document in one language as one side has it."""

    data: dict  # the JSON export's structure
    catalog: dict[str, int | None] = field(default_factory=dict)  # entry -> version, when known
    profile_sha256: str | None = None


@dataclass
class Side:
    label: str
    documents: dict[tuple[str, str, str], Built] = field(default_factory=dict)  # (client, document, lang)

    @property
    def clients(self) -> set[str]:
        return {k[0] for k in self.documents}


def _json_file(path: Path) -> dict:
    raw = read_regular(path, MAX_JSON)
    if raw is None:
        raise InputError(f"{path}: cannot read (not a regular file, or too large)")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise InputError(f"{path}: not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a privgen document (JSON export) or manifest")
    return data


def _check_document(data: dict, where: Path) -> dict:
    if data.get("format") != "privgen-document" or not isinstance(data.get("sections"), list):
        raise InputError(
            f"{where}: not a privgen document (expected the JSON export, format privgen-document)"
        )
    if data.get("lang") not in LANGS or not _NAME.match(str(data.get("document", ""))):
        raise InputError(f"{where}: document or lang missing or not valid")
    return data


def _from_client(folder: Path, side: Side, documents: tuple[str, ...] | None, langs: tuple[str, ...]) -> None:
    data = manifest.read(folder)
    if data is None:
        raise InputError(f"{folder / manifest.NAME}: not a privgen manifest, or damaged")
    client = str(data["profile"].get("id") or folder.name)
    found = 0
    for entry in data["documents"]:
        if not isinstance(entry, dict) or entry.get("outdated"):
            continue
        document, lang = str(entry.get("document")), str(entry.get("lang"))
        if not _NAME.match(document) or lang not in langs:
            continue
        if documents is not None and document not in documents:
            continue
        name = f"{lang}/{document}.json"
        if name not in (entry.get("files") or {}):
            raise InputError(
                f"{folder}: {document} ({lang}) has no JSON export: "
                "build it with a --format that includes json"
            )
        built = _check_document(_json_file(folder / lang / f"{document}.json"), folder / name)
        catalog = {
            str(c.get("id")): (versions.recorded(data, c.get("id"), c.get("sha256")) or {}).get("version")
            for c in entry.get("catalog") or []
            if isinstance(c, dict)
        }
        side.documents[(client, document, lang)] = Built(built, catalog, entry.get("profile_sha256"))
        found += 1
    if not found:
        asked = ", ".join(documents) if documents else "any document"
        raise InputError(f"{folder}: no built {asked} in {', '.join(langs)}")


def _from_profile(path: Path, side: Side, documents: tuple[str, ...] | None, langs: tuple[str, ...]) -> None:
    from . import clauses
    from .build import load_profile, render_document
    from .exporters.json import as_dict

    loaded = load_profile(path)
    client = loaded.data["id"]
    for lang in loaded.data["languages"]:
        if lang not in langs:
            continue
        for document in clauses.documents(lang):
            if documents is not None and document not in documents:
                continue
            doc = render_document(loaded, document, lang)
            if not doc.sections:
                continue  # does not apply to the profile
            catalog = {entry: versions.catalog_version(entry) for entry, _ in doc.provenance.catalog}
            side.documents[(client, document, lang)] = Built(
                as_dict(doc, __version__), catalog, loaded.sha256
            )


def load_side(path: Path, documents: tuple[str, ...] | None, langs: tuple[str, ...]) -> Side:
    """Read one side of a comparison (see the module's docstring for what a side may be)."""
    side = Side(label=str(path))
    if path.is_file() and path.name == manifest.NAME:
        path = path.parent
    if path.is_dir():
        if (path / manifest.NAME).exists():
            _from_client(path, side, documents, langs)
            return side
        clients = sorted(
            p for p in path.iterdir() if p.is_dir() and not p.is_symlink() and (p / manifest.NAME).exists()
        )
        if not clients:
            raise InputError(f"{path}: no built documents (no manifest.json here or in its subfolders)")
        for folder in clients:
            try:
                _from_client(folder, side, documents, langs)
            except InputError:
                continue  # a client without these documents: compared as missing
        return side
    if not path.is_file():
        raise InputError(f"{path}: no such file or folder")
    if path.suffix in (".yaml", ".yml"):
        _from_profile(path, side, documents, langs)
        return side
    data = _json_file(path)
    if data.get("format") == manifest.FORMAT:
        raise InputError(f"{path}: a manifest must be named {manifest.NAME} inside its client folder")
    built = _check_document(data, path)
    if built["lang"] in langs and (documents is None or built["document"] in documents):
        client = str((built.get("profile") or {}).get("id") or "")
        side.documents[(client, built["document"], built["lang"])] = Built(
            built, {}, (built.get("profile") or {}).get("sha256")
        )
    return side


# -- comparing ---------------------------------------------------------------------------------


@dataclass
class Segment:
    kind: str  # equal | insert | delete
    text: str


@dataclass
class ClauseChange:
    id: str
    status: str  # changed | added | removed
    number: str
    title: list[Segment]
    lines: list[list[Segment]]
    old_version: int | None = None
    new_version: int | None = None
    moved_from: str | None = None  # the section it was in before
    reasons: list[changelog.Entry] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # per line: para | bullet | ordered (line_kinds)


@dataclass
class SectionChange:
    id: str
    number: str
    title: list[Segment]
    status: str  # changed | added | removed
    clauses: list[ClauseChange] = field(default_factory=list)


@dataclass
class CatalogChange:
    entry: str
    old_version: int | None
    new_version: int | None
    reasons: list[changelog.Entry] = field(default_factory=list)


@dataclass
class DocumentDiff:
    client: str
    document: str
    lang: str
    status: str  # changed | same | added | removed
    title: str = ""
    controller: str = ""
    old_date: str | None = None
    new_date: str | None = None
    sections: list[SectionChange] = field(default_factory=list)
    unchanged_sections: int = 0
    profile_changed: bool = False
    catalog: list[CatalogChange] = field(default_factory=list)


def line_kinds(markdown: str) -> list[str]:
    """For each line of a clause's plain text (markup.to_text: one line per paragraph, list item or
    table cell), whether it is a paragraph, a bullet or a numbered item, so a redline can keep lists."""
    from .markup import _md

    kinds, lists = [], []
    for token in _md().parse(markdown or ""):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append("bullet" if token.type == "bullet_list_open" else "ordered")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "inline":
            kinds.append(lists[-1] if lists else "para")
    return kinds


def _kinds(markdown: str, lines: list) -> list[str]:
    kinds = line_kinds(markdown)
    return kinds if len(kinds) == len(lines) else ["para"] * len(lines)


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def _short(tokens: list[str]) -> bool:
    """No line break and at most one word: too little to stand between two changes."""
    return "\n" not in tokens and sum(1 for t in tokens if not t.isspace()) <= 1


def word_diff(old: str, new: str) -> list[list[Segment]]:
    """Lines (paragraphs, list items) of segments: the new text with the old words struck out."""
    a, b = _tokens(old), _tokens(new)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    # a space or a single word matched between two changes splits one change into many: fold it in
    merged: list[list] = []
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if (
            tag == "equal"
            and 0 < n < len(ops) - 1
            and _short(a[i1:i2])
            and ops[n - 1][0] != "equal"
            and ops[n + 1][0] != "equal"
        ):
            tag = "replace"
        if merged and tag != "equal" and merged[-1][0] != "equal":
            merged[-1] = ["replace", merged[-1][1], i2, merged[-1][3], j2]
        else:
            merged.append([tag, i1, i2, j1, j2])
    lines: list[list[Segment]] = [[]]

    def add(kind: str, tokens: list[str]) -> None:
        for word in tokens:
            if word == "\n" and kind != "delete":
                lines.append([])
                continue
            word = " " if word == "\n" else word
            line = lines[-1]
            if line and line[-1].kind == kind:
                line[-1] = Segment(kind, line[-1].text + word)
            else:
                line.append(Segment(kind, word))

    for tag, i1, i2, j1, j2 in merged:
        if tag == "equal":
            add("equal", b[j1:j2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return [line for line in lines if line]


def _whole(kind: str, text: str) -> list[list[Segment]]:
    return [[Segment(kind, line)] for line in text.split("\n") if line]


def _title(old: str | None, new: str | None) -> list[Segment]:
    if old is None:
        return [Segment("insert", new or "")]
    if new is None:
        return [Segment("delete", old)]
    if old == new:
        return [Segment("equal", new)]
    lines = word_diff(old, new)
    return [seg for line in lines for seg in line]


def _latest(clause_id: str, version: int | None) -> list[changelog.Entry]:
    """The newest changelog entry that brought a clause to this version (why it appears now)."""
    found = changelog.between(changelog.CLAUSE, clause_id, None, version) if isinstance(version, int) else []
    return [found[-1][0]] if found else []


def _clauses(data: dict) -> dict[str, tuple[dict, dict]]:
    return {c["id"]: (s, c) for s in data.get("sections") or [] for c in s.get("clauses") or [] if "id" in c}


def _why(clause_id: str, old: int | None, new: int | None) -> list[changelog.Entry]:
    if old is None or new is None or new <= old:
        return []
    return [e for e, _ in changelog.between(changelog.CLAUSE, clause_id, old, new)]


def _compare(client: str, document: str, lang: str, old: Built, new: Built) -> DocumentDiff:
    o, n = old.data, new.data
    diff = DocumentDiff(
        client, document, lang, "same", n.get("title", ""), n.get("controller", ""),
        o.get("effective_date"), n.get("effective_date"),
    )  # fmt: skip
    old_clauses = _clauses(o)
    new_ids = {c.get("id") for s in n.get("sections") or [] for c in s.get("clauses") or []}
    old_sections = {s.get("id"): s for s in o.get("sections") or []}
    seen_sections = set()
    for section in n.get("sections") or []:
        sid = section.get("id")
        seen_sections.add(sid)
        before = old_sections.get(sid)
        change = SectionChange(
            sid, section.get("number", ""),
            _title(before.get("title") if before else None, section.get("title")),
            "changed" if before else "added",
        )  # fmt: skip
        for clause in section.get("clauses") or []:
            cid = clause.get("id")
            found = old_clauses.get(cid)
            if found is None:
                change.clauses.append(
                    ClauseChange(
                        cid,
                        "added",
                        clause.get("number", ""),
                        [Segment("insert", clause.get("title", ""))],
                        lines := _whole("insert", clause.get("text", "")),
                        None,
                        clause.get("version"),
                        reasons=_latest(cid, clause.get("version")),
                        kinds=_kinds(clause.get("markdown", ""), lines),
                    )  # fmt: skip
                )
                continue
            old_section, old_clause = found
            moved = old_section.get("title") if old_section.get("id") != sid else None
            if (
                old_clause.get("text") == clause.get("text")
                and old_clause.get("title") == clause.get("title")
                and not moved
            ):
                continue
            lines = word_diff(old_clause.get("text", ""), clause.get("text", ""))
            change.clauses.append(
                ClauseChange(
                    cid,
                    "changed",
                    clause.get("number", ""),
                    _title(old_clause.get("title"), clause.get("title")),
                    lines,
                    old_clause.get("version"),
                    clause.get("version"),
                    moved,
                    _why(cid, old_clause.get("version"), clause.get("version")),
                    _kinds(clause.get("markdown", ""), lines),
                )  # fmt: skip
            )
        if before is not None:
            for clause in before.get("clauses") or []:
                if clause.get("id") not in new_ids:
                    change.clauses.append(_removed(clause))
        if change.clauses or not before or before.get("title") != section.get("title"):
            diff.sections.append(change)
        else:
            diff.unchanged_sections += 1
    for sid, section in old_sections.items():
        if sid in seen_sections:
            continue
        gone = [_removed(c) for c in section.get("clauses") or [] if c.get("id") not in new_ids]
        if gone:
            diff.sections.append(
                SectionChange(
                    sid,
                    section.get("number", ""),
                    [Segment("delete", section.get("title", ""))],
                    "removed",
                    gone,
                )
            )
    diff.profile_changed = bool(
        old.profile_sha256 and new.profile_sha256 and old.profile_sha256 != new.profile_sha256
    )
    for entry in sorted(set(old.catalog) | set(new.catalog)):
        before, after = old.catalog.get(entry), new.catalog.get(entry)
        if entry in old.catalog and entry in new.catalog and before != after and before and after:
            reasons = [e for e, _ in changelog.between(changelog.CATALOG, entry, before, after)]
            diff.catalog.append(CatalogChange(entry, before, after, reasons))
    if diff.sections:
        diff.status = "changed"
    return diff


def _removed(clause: dict) -> ClauseChange:
    cid = clause.get("id", "")
    lines = _whole("delete", clause.get("text", ""))
    return ClauseChange(
        cid, "removed", clause.get("number", ""), [Segment("delete", clause.get("title", ""))],
        lines, clause.get("version"), None, kinds=_kinds(clause.get("markdown", ""), lines),
    )  # fmt: skip


def compare(old: Side, new: Side) -> list[DocumentDiff]:
    """Every document of either side, matched by client, document and language (by document and
    language alone when each side holds one client)."""

    def key(k: tuple[str, str, str], single: bool) -> tuple[str, str, str]:
        return ("", k[1], k[2]) if single else k

    single = len(old.clients) <= 1 and len(new.clients) <= 1
    olds = {key(k, single): (k, v) for k, v in old.documents.items()}
    news = {key(k, single): (k, v) for k, v in new.documents.items()}
    result = []
    for k in sorted(
        set(olds) | set(news), key=lambda x: (x[0], x[1], LANGS.index(x[2]) if x[2] in LANGS else 9)
    ):
        if k in olds and k in news:
            (client, document, lang), before = olds[k]
            (client, _, _), after = news[k]
            result.append(_compare(client, document, lang, before, after))
        else:
            (client, document, lang), built = news[k] if k in news else olds[k]
            result.append(
                DocumentDiff(
                    client,
                    document,
                    lang,
                    "added" if k in news else "removed",
                    built.data.get("title", ""),
                    built.data.get("controller", ""),
                )  # fmt: skip
            )
    return result
