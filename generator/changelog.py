"""The clause library's changelog for site owners: clauses/changelog.yaml (what changed, why, the
source, in German and English), and clauses/CHANGELOG.md, generated from it.

Every version of a clause or catalog entry after the first has an entry: an item with the id and
`from_version` → `to_version` (one step). `from_version: null` adds a clause or entry after the
first release, `to_version: null` removes one, and `from_version` = `to_version` records a review
or a wording fix that does not change the meaning. The first entry (`initial: true`) is the first
release: every clause and catalog entry at version 1. `privgen audit` quotes these entries as the
reasons why a document is out of date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import yaml

from .errors import ClauseError
from .resources import clauses_dir

NAME = "changelog.yaml"
MARKDOWN = "CHANGELOG.md"
LANGS = ("de", "en")
CLAUSE = "clause"
CATALOG = "catalog"
_ENTRY_KEYS = {"date", "initial", "items", "what", "why", "source"}
_ITEM_KEYS = {CLAUSE, CATALOG, "from_version", "to_version", "facts"}


@dataclass(frozen=True)
class Item:
    """One clause or catalog entry an entry is about, and the versions it moved between."""

    kind: str  # clause | catalog
    id: str
    from_version: int | None  # None: added
    to_version: int | None  # None: removed
    facts: tuple[str, ...] = ()  # catalog: the facts or parts that changed (empty: the entry as a whole)

    @property
    def change(self) -> str:
        if self.from_version is None:
            return "added"
        if self.to_version is None:
            return "removed"
        return "reviewed" if self.from_version == self.to_version else "changed"


@dataclass(frozen=True)
class Entry:
    date: dt.date
    what: dict[str, str]
    why: dict[str, str]
    source: str
    items: tuple[Item, ...] = ()
    initial: bool = False

    def text(self, lang: str) -> dict[str, str]:
        return {"what": self.what[lang], "why": self.why[lang], "source": self.source}

    def as_json(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "initial": self.initial,
            "what": dict(self.what),
            "why": dict(self.why),
            "source": self.source,
        }


def _texts(raw: object, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or set(raw) != set(LANGS):
        raise ClauseError(f"{where}: expected a text in German and English ({{de: ..., en: ...}})")
    for lang in LANGS:
        if not isinstance(raw[lang], str) or not raw[lang].strip():
            raise ClauseError(f"{where}.{lang}: expected a text")
    return {lang: " ".join(raw[lang].split()) for lang in LANGS}


def _version(raw: object, where: str) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise ClauseError(f"{where}: expected a version (a whole number from 1) or null")
    return raw


def _item(raw: object, where: str) -> Item:
    if not isinstance(raw, dict):
        raise ClauseError(f"{where}: expected a mapping with clause or catalog, from_version, to_version")
    unknown = set(raw) - _ITEM_KEYS
    if unknown:
        raise ClauseError(f"{where}: unknown keys {sorted(unknown)}")
    kinds = [k for k in (CLAUSE, CATALOG) if k in raw]
    if len(kinds) != 1 or not isinstance(raw[kinds[0]], str) or not raw[kinds[0]]:
        raise ClauseError(
            f"{where}: expected exactly one of clause: <id> or catalog: <providers/id|authorities>"
        )
    if "from_version" not in raw or "to_version" not in raw:
        raise ClauseError(f"{where}: from_version and to_version are required (null: added or removed)")
    start = _version(raw["from_version"], f"{where}.from_version")
    end = _version(raw["to_version"], f"{where}.to_version")
    if start is None and end is None:
        raise ClauseError(f"{where}: from_version and to_version cannot both be null")
    if start is not None and end is not None and end not in (start, start + 1):
        raise ClauseError(
            f"{where}: to_version must be from_version + 1 (a change) or equal to it (a review), "
            f"got {start} → {end}: one item per version"
        )
    if start is None and end != 1:
        raise ClauseError(f"{where}: an added {kinds[0]} starts at to_version: 1")
    facts = raw.get("facts") or []
    if kinds[0] == CLAUSE and facts:
        raise ClauseError(f"{where}.facts: only catalog items name facts")
    if not isinstance(facts, list) or not all(isinstance(f, str) and f for f in facts):
        raise ClauseError(f"{where}.facts: expected a list of fact names")
    return Item(kinds[0], raw[kinds[0]], start, end, tuple(facts))


def _entry(raw: object, where: str) -> Entry:
    if not isinstance(raw, dict):
        raise ClauseError(f"{where}: expected a mapping")
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise ClauseError(f"{where}: unknown keys {sorted(unknown)}")
    if not isinstance(raw.get("date"), dt.date):
        raise ClauseError(f"{where}.date: expected a date (YYYY-MM-DD)")
    if not isinstance(raw.get("source"), str) or not raw["source"].strip():
        raise ClauseError(
            f"{where}.source: expected the source (law, decision, FACTS.md section, URL and date)"
        )
    initial = raw.get("initial", False)
    if not isinstance(initial, bool):
        raise ClauseError(f"{where}.initial: expected true or false")
    items = raw.get("items") or []
    if not isinstance(items, list):
        raise ClauseError(f"{where}.items: expected a list")
    if initial == bool(items):
        raise ClauseError(f"{where}: expected either initial: true (the first release) or items")
    return Entry(
        date=raw["date"],
        what=_texts(raw.get("what"), f"{where}.what"),
        why=_texts(raw.get("why"), f"{where}.why"),
        source=" ".join(raw["source"].split()),
        items=tuple(_item(x, f"{where}.items[{n}]") for n, x in enumerate(items)),
        initial=initial,
    )


def parse(data: object, where: str = f"clauses/{NAME}") -> tuple[Entry, ...]:
    """The entries of a changelog, oldest first; ClauseError naming the place of any mistake."""
    if not isinstance(data, dict) or data.get("format") != 1 or not isinstance(data.get("entries"), list):
        raise ClauseError(f"{where}: expected format: 1 and a list of entries")
    entries = tuple(_entry(x, f"{where}: entries[{n}]") for n, x in enumerate(data["entries"]))
    if not entries or not entries[0].initial or any(e.initial for e in entries[1:]):
        raise ClauseError(f"{where}: the first entry, and only it, is the first release (initial: true)")
    for n in range(1, len(entries)):
        if entries[n].date < entries[n - 1].date:
            raise ClauseError(f"{where}: entries[{n}]: dates must not go back (add new entries at the end)")
    seen: dict[tuple[str, str, int | None, int | None], int] = {}
    for n, entry in enumerate(entries):
        for item in entry.items:
            key = (item.kind, item.id, item.from_version, item.to_version)
            if key in seen and item.change != "reviewed":
                raise ClauseError(
                    f"{where}: entries[{n}]: {item.kind} {item.id} {item.from_version} → {item.to_version} "
                    f"is already in entries[{seen[key]}]"
                )
            seen[key] = n
    return entries


@cache
def load() -> tuple[Entry, ...]:
    path = clauses_dir() / NAME
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ClauseError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise ClauseError(f"{path}: {exc}") from None
    return parse(data, str(path))


def initial() -> Entry:
    return load()[0]


def _matches(item: Item, kind: str, target: str) -> bool:
    return item.kind == kind and item.id == target


def between(kind: str, target: str, old: int | None, new: int | None) -> list[tuple[Entry, Item]]:
    """The entries that took a clause or catalog entry from version `old` to `new` (new None: removed)."""
    never = 10**9  # "removed" comes after every version
    low, high = old or 0, never if new is None else new
    found = []
    for entry in load():
        for item in entry.items:
            if not _matches(item, kind, target) or item.change == "reviewed":
                continue
            reached = never if item.to_version is None else item.to_version
            if low < reached <= high:
                found.append((entry, item))
    return found


def reviews(kind: str, target: str, version: int) -> list[tuple[Entry, Item]]:
    """Entries that reviewed or reworded a clause or catalog entry without a new version."""
    return [
        (entry, item)
        for entry in load()
        for item in entry.items
        if _matches(item, kind, target) and item.change == "reviewed" and item.to_version == version
    ]


def missing_bumps(kind: str, target: str, old: int, new: int) -> list[int]:
    """Versions in (old, new] that no changelog entry explains."""
    covered = {item.to_version for _, item in between(kind, target, old, new)}
    return [v for v in range(old + 1, new + 1) if v not in covered]


def latest() -> dt.date:
    return load()[-1].date


def _covered(kind: str, target: str, current: int, dates: dict[str, dt.date], where: str) -> list[str]:
    """Problems with the changelog's account of one clause or catalog entry (see coverage_problems)."""
    entries = load()
    mine = [(e, i) for e in entries for i in e.items if _matches(i, kind, target)]
    problems = []
    added = [i for _, i in mine if i.change == "added"]
    for version in range(2, current + 1):
        if not any(i.change == "changed" and i.to_version == version for _, i in mine):
            problems.append(f"{where}: version {version} has no changelog entry ({kind}: {target}, "
                            f"from_version: {version - 1}, to_version: {version})")  # fmt: skip
    for _, item in mine:
        if item.to_version is not None and item.to_version > current:
            problems.append(
                f"{where}: the changelog names version {item.to_version}, the library has {current}"
            )
        if item.change == "removed":
            problems.append(f"{where}: the changelog says it was removed, but it is in the library")
    # every check or review after the last entry that covers it needs an entry of its own
    covered_until = max([e.date for e, _ in mine] + [entries[0].date])
    for name, date in sorted(dates.items()):
        if date > covered_until:
            problems.append(
                f"{where}: {name} {date.isoformat()} is after the last changelog entry for it "
                f"({covered_until.isoformat()}): add an entry (a new version for a change of meaning, "
                "from_version = to_version for a review or check without one)"
            )
    if added and added[0].to_version != 1:
        problems.append(f"{where}: an added {kind} starts at version 1")
    return problems


def coverage_problems() -> list[str]:
    """Where the changelog does not account for the installed library. Every version after the
    first has an entry; no entry names a version the library does not have, or removes what is
    still there; every review date of a clause and check date of a catalog fact is covered by an
    entry (the first release, or a later one for that clause or entry); every id an entry names
    exists unless that entry removed it."""
    from . import catalog, clauses, versions

    problems = []
    library = {c.id: c for c in clauses.library("de")}
    for clause_id, clause in sorted(library.items()):
        dates = {"reviewed": clause.reviewed}
        problems += _covered(CLAUSE, clause_id, clause.version, dates, f"clause {clause_id}")
    entries = {f"{versions.PROVIDERS}{pid}": p for pid, p in catalog.providers().items()}
    for entry_id, provider in sorted(entries.items()):
        if "version" not in provider.raw:
            problems.append(f"catalog {entry_id}: no version (add `version: 1` at the top of the file)")
        dates = {f"fact {f.name} checked": f.checked for f in provider.facts.values() if f.checked}
        problems += _covered(
            CATALOG, entry_id, versions.catalog_version(entry_id) or 1, dates, f"catalog {entry_id}"
        )
    data = catalog.authorities()
    if "version" not in data:
        problems.append("catalog authorities: no version (add `version: 1` to authorities.yaml)")
    checked = data.get("checked")
    dates = {"checked": checked} if isinstance(checked, dt.date) else {}
    problems += _covered(CATALOG, versions.AUTHORITIES, versions.catalog_version("authorities") or 1, dates,
                         "catalog authorities")  # fmt: skip
    known = (
        {(CLAUSE, i) for i in library} | {(CATALOG, e) for e in entries} | {(CATALOG, versions.AUTHORITIES)}
    )
    for entry in load():
        for item in entry.items:
            if (item.kind, item.id) not in known and item.change != "removed":
                problems.append(
                    f"changelog {entry.date.isoformat()}: {item.kind} {item.id} is not in the library "
                    "(a typo, or say it was removed: to_version: null)"
                )
    return problems


# -- CHANGELOG.md -------------------------------------------------------------------------------

_MD = {
    "de": {
        "title": "Änderungen der Klauselbibliothek",
        "intro": (
            "Was sich an den Texten von privgen geändert hat, warum und nach welcher Quelle: für "
            "Website-Betreiber, getrennt vom Änderungsprotokoll des Programms. `privgen audit` "
            "nennt diese Einträge, wenn ein erstellter Text nicht mehr aktuell ist. Diese Datei "
            "wird aus `changelog.yaml` erzeugt (`privgen changelog`)."
        ),
        "initial": "alle Klauseln und Katalogeinträge in Version 1",
        "clause": "Klausel",
        "catalog": "Katalogeintrag",
        "added": "neu",
        "removed": "entfernt",
        "reviewed": "geprüft, ohne Änderung der Bedeutung",
        "why": "Warum",
        "source": "Quelle",
        "facts": "Angaben",
        "watch": "Rechtslage unter Beobachtung",
        "watch_intro": (
            "`privgen check` und `privgen audit` weisen auf diese Punkte hin, wenn sie ein Profil betreffen."
        ),
        "since": "bekannt seit",
        "checked": "Stand geprüft am",
        "todo": "Was zu tun ist",
    },
    "en": {
        "title": "Changes to the clause library",
        "intro": (
            "What changed in privgen's texts, why, and on what source: for site owners, apart from "
            "the program's own changelog. `privgen audit` quotes these entries when a document you "
            "built is out of date. This file is generated from `changelog.yaml` "
            "(`privgen changelog`)."
        ),
        "initial": "every clause and catalog entry at version 1",
        "clause": "Clause",
        "catalog": "Catalog entry",
        "added": "new",
        "removed": "removed",
        "reviewed": "reviewed, meaning unchanged",
        "why": "Why",
        "source": "Source",
        "facts": "facts",
        "watch": "Legal situations under review",
        "watch_intro": "`privgen check` and `privgen audit` point these out when they concern a profile.",
        "since": "known since",
        "checked": "status checked on",
        "todo": "What to do",
    },
}


def _md_escape(text: str) -> str:
    from .markup import escape

    return escape(text)


def item_label(item: Item, lang: str) -> str:
    words = _MD[lang]
    if item.change == "changed":
        versions = f"{item.from_version} → {item.to_version}"
    elif item.change == "reviewed":
        versions = f"{item.to_version}, {words['reviewed']}"
    elif item.change == "added":
        versions = f"{words['added']}, 1"
    else:
        versions = f"{item.from_version}, {words['removed']}"
    facts = f" ({words['facts']}: {', '.join(item.facts)})" if item.facts else ""
    return f"{words[item.kind]} `{item.id}` ({versions}){facts}"


def markdown_part(lang: str, entries: tuple[Entry, ...] | None = None, since: dt.date | None = None) -> str:
    """The changelog in one language, newest first, with the legal situations under review."""
    from . import watch

    words = _MD[lang]
    entries = load() if entries is None else entries
    lines = [f"# {words['title']}", "", words["intro"], ""]
    for entry in reversed(entries):
        if since is not None and entry.date < since:
            continue
        lines += [f"## {entry.date.isoformat()}: {_md_escape(entry.what[lang])}", ""]
        if entry.initial:
            lines += [f"- {words['initial']}"]
        lines += [f"- {item_label(item, lang)}" for item in entry.items]
        lines += [
            "",
            f"**{words['why']}:** {_md_escape(entry.why[lang])}",
            "",
            f"**{words['source']}:** {_md_escape(entry.source)}",
            "",
        ]
    items = watch.load()
    if items:
        lines += [f"## {words['watch']}", "", words["watch_intro"], ""]
        for item in items:
            lines += [
                f"### {_md_escape(item.title[lang])}",
                "",
                f"{_md_escape(item.summary[lang])} ({words['since']} {item.since.isoformat()}, "
                f"{words['checked']} {item.checked.isoformat()})",
                "",
                f"**{words['todo']}:** {_md_escape(item.action[lang])}",
                "",
                f"**{words['source']}:** {_md_escape(item.source)}",
                "",
            ]
    return "\n".join(lines).rstrip("\n") + "\n"


def markdown(since: dt.date | None = None, langs: tuple[str, ...] = LANGS) -> str:
    """CHANGELOG.md: the German part, then the English part."""
    return "\n".join(markdown_part(lang, since=since) for lang in langs)
