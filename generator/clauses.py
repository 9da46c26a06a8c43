"""Clause discovery, front matter and selection."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from .errors import ClauseError
from .render import evaluate
from .resources import clauses_dir

# libyaml's parser when installed (10x faster; the same results as yaml.safe_load)
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

LANGS = ("de", "en")
KEYS = {"id", "title", "version", "reviewed", "document", "section", "order", "when",
        "legal_refs", "covers", "sources"}  # fmt: skip
REQUIRED = KEYS - {"when"}
ART13 = tuple(f"art13-1-{x}" for x in "abcdef") + tuple(f"art13-2-{x}" for x in "abcdef")
# Items of other articles a clause may provide (compliance kit): access replies (Art. 15),
# processor contracts (Art. 28(3)) and records of processing (Art. 30(1)).
ART15 = tuple(f"art15-1-{x}" for x in "abcdefgh") + ("art15-2", "art15-3")
ART28 = tuple(f"art28-3-{x}" for x in "abcdefgh")
ART30 = tuple(f"art30-1-{x}" for x in "abcdefg")
COVERABLE = ART13 + ART15 + ART28 + ART30


@dataclass(frozen=True)
class Clause:
    id: str
    title: str
    version: int
    reviewed: dt.date
    document: str
    section: str
    order: int
    when: str | None
    legal_refs: tuple[str, ...]
    covers: tuple[str, ...]
    sources: tuple[str, ...]
    body: str
    lang: str
    path: str  # relative to the language folder
    sha256: str

    def meta(self) -> dict:
        """The language-neutral front matter (what must match between languages)."""
        return {k: getattr(self, k) for k in sorted(REQUIRED | {"when"}) if k != "title"}


def split_front_matter(text: str, name: str) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        raise ClauseError(f"{name}: must start with '---' front matter")
    end = text.find("\n---\n", 4)
    if end < 0:
        raise ClauseError(f"{name}: front matter is not closed with '---'")
    try:
        meta = yaml.load(text[4:end], Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise ClauseError(f"{name}: front matter: {exc}") from None
    if not isinstance(meta, dict):
        raise ClauseError(f"{name}: front matter must be a mapping")
    return meta, text[end + 5 :]


def _parse(path: Path, lang: str, root: Path) -> Clause:
    name = f"clauses/{lang}/{path.relative_to(root).as_posix()}"
    raw = path.read_bytes()
    meta, body = split_front_matter(raw.decode("utf-8"), name)
    unknown = set(meta) - KEYS
    missing = REQUIRED - set(meta)
    if unknown or missing:
        raise ClauseError(f"{name}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    for key in ("legal_refs", "covers", "sources"):
        if not isinstance(meta[key], list):
            raise ClauseError(f"{name}: {key}: expected a list")
    bad = set(meta["covers"]) - set(COVERABLE)
    if bad:
        raise ClauseError(f"{name}: covers: unknown items {sorted(bad)}")
    if not isinstance(meta["reviewed"], dt.date) or not isinstance(meta["version"], int):
        raise ClauseError(f"{name}: reviewed must be a date and version a whole number")
    return Clause(
        id=str(meta["id"]),
        title=str(meta["title"]),
        version=meta["version"],
        reviewed=meta["reviewed"],
        document=str(meta["document"]),
        section=str(meta["section"]),
        order=int(meta["order"]),
        when=meta.get("when"),
        legal_refs=tuple(meta["legal_refs"]),
        covers=tuple(meta["covers"]),
        sources=tuple(str(s) for s in meta["sources"]),
        body=body,
        lang=lang,
        path=path.relative_to(root).as_posix(),
        sha256=hashlib.sha256(raw).hexdigest(),
    )


@cache
def library(lang: str) -> tuple[Clause, ...]:
    """Every clause of one language, sorted by path."""
    root = clauses_dir() / lang
    found = tuple(_parse(p, lang, root) for p in sorted(root.rglob("*.md.j2")))
    ids = [c.id for c in found]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ClauseError(f"clauses/{lang}: duplicate clause ids {sorted(dupes)}")
    return found


@cache
def sections(lang: str) -> dict:
    """sections.yaml: per document its title and ordered sections."""
    path = clauses_dir() / lang / "sections.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ClauseError(f"clauses/{lang}/sections.yaml: expected a mapping")
    return data


def documents(lang: str) -> list[str]:
    """The documents of the library (sections.yaml order), e.g. privacy-policy."""
    return list(sections(lang))


def select(document: str, lang: str, context: dict) -> list[Clause]:
    """The clauses of a document whose `when` holds, in section then clause order."""
    order = {s["id"]: i for i, s in enumerate(sections(lang)[document]["sections"])}
    chosen = []
    for clause in library(lang):
        if clause.document != document:
            continue
        if clause.section not in order:
            raise ClauseError(f"clauses/{lang}/{clause.path}: unknown section {clause.section!r}")
        if clause.when is None or evaluate(clause.when, context, clause.path):
            chosen.append(clause)
    return sorted(chosen, key=lambda c: (order[c.section], c.order, c.id))


def parity_problems() -> list[str]:
    """Differences between the German and English libraries (paths and front matter)."""
    problems = []
    de = {c.path: c for c in library("de")}
    en = {c.path: c for c in library("en")}
    for path in sorted(set(de) ^ set(en)):
        problems.append(f"{path}: only in {'de' if path in de else 'en'}")
    for path in sorted(set(de) & set(en)):
        if de[path].meta() != en[path].meta():
            diff = [k for k in de[path].meta() if de[path].meta()[k] != en[path].meta()[k]]
            problems.append(f"{path}: front matter differs in {diff}")
    return problems
