"""Legal situations under review (clauses/watch.yaml): pending cases and announced guidance that
may change what the documents must say. `privgen check` and `privgen audit` report those that
concern a profile as warnings, with what to do.

An item concerns a profile when its conditions hold: `transfer_basis` (one of the profile's
third-country transfers rests on this basis: dpf, scc, bcr, adequacy) and/or `when` (a condition
on the names of a privacy-policy clause, as in a clause's `when:`, plus `transfer_bases`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import yaml

from .errors import ClauseError
from .render import evaluate
from .resources import clauses_dir

NAME = "watch.yaml"
LANGS = ("de", "en")
BASES = ("dpf", "scc", "bcr", "adequacy")
_KEYS = {"id", "title", "status", "since", "checked", "transfer_basis", "when", "summary", "action", "source"}
STATUSES = ("pending", "announced")
UNKNOWN = "unknown"  # audit without the profile: cannot tell


@dataclass(frozen=True)
class Item:
    id: str
    title: dict[str, str]
    status: str
    since: dt.date
    checked: dt.date  # when the status was last checked
    summary: dict[str, str]
    action: dict[str, str]
    source: str
    transfer_basis: str | None = None
    when: str | None = None

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "title": dict(self.title),
            "status": self.status,
            "since": self.since.isoformat(),
            "checked": self.checked.isoformat(),
            "summary": dict(self.summary),
            "action": dict(self.action),
            "source": self.source,
        }


def _texts(raw: object, where: str) -> dict[str, str]:
    if (
        not isinstance(raw, dict)
        or set(raw) != set(LANGS)
        or not all(isinstance(raw[lang], str) and raw[lang].strip() for lang in LANGS)
    ):
        raise ClauseError(f"{where}: expected a text in German and English ({{de: ..., en: ...}})")
    return {lang: " ".join(raw[lang].split()) for lang in LANGS}


def _item(raw: object, where: str) -> Item:
    if not isinstance(raw, dict):
        raise ClauseError(f"{where}: expected a mapping")
    unknown = set(raw) - _KEYS
    if unknown:
        raise ClauseError(f"{where}: unknown keys {sorted(unknown)}")
    if not isinstance(raw.get("id"), str) or not raw["id"]:
        raise ClauseError(f"{where}.id: expected an id")
    for key in ("since", "checked"):
        if not isinstance(raw.get(key), dt.date):
            raise ClauseError(f"{where}.{key}: expected a date (YYYY-MM-DD)")
    if raw.get("status") not in STATUSES:
        raise ClauseError(f"{where}.status: expected one of {', '.join(STATUSES)}")
    basis = raw.get("transfer_basis")
    if basis is not None and basis not in BASES:
        raise ClauseError(f"{where}.transfer_basis: expected one of {', '.join(BASES)}")
    when = raw.get("when")
    if when is not None and (not isinstance(when, str) or not when.strip()):
        raise ClauseError(f"{where}.when: expected a condition")
    if basis is None and when is None:
        raise ClauseError(f"{where}: expected transfer_basis and/or when (which profiles it concerns)")
    if not isinstance(raw.get("source"), str) or not raw["source"].strip():
        raise ClauseError(f"{where}.source: expected the source")
    return Item(
        id=raw["id"],
        title=_texts(raw.get("title"), f"{where}.title"),
        status=raw["status"],
        since=raw["since"],
        checked=raw["checked"],
        summary=_texts(raw.get("summary"), f"{where}.summary"),
        action=_texts(raw.get("action"), f"{where}.action"),
        source=" ".join(raw["source"].split()),
        transfer_basis=basis,
        when=when,
    )


def parse(data: object, where: str = f"clauses/{NAME}") -> tuple[Item, ...]:
    if not isinstance(data, dict) or data.get("format") != 1 or not isinstance(data.get("items"), list):
        raise ClauseError(f"{where}: expected format: 1 and a list of items")
    items = tuple(_item(x, f"{where}: items[{n}]") for n, x in enumerate(data["items"]))
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise ClauseError(f"{where}: duplicate ids")
    return items


@cache
def load() -> tuple[Item, ...]:
    path = clauses_dir() / NAME
    if not path.is_file():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ClauseError(f"{path}: cannot load: {exc}") from None
    return parse(data, str(path))


def concerns(item: Item, names: dict) -> bool | str:
    """Whether an item concerns a profile, given the names of its context (a clause context, or
    what a manifest knows: `transfer_bases`, `used_providers`). UNKNOWN when a condition needs a
    name that is not there."""
    bases = names.get("transfer_bases")
    if item.transfer_basis is not None:
        if bases is None:
            return UNKNOWN
        if item.transfer_basis not in bases:
            return False
    if item.when is not None:
        try:
            return evaluate(item.when, names, f"clauses/{NAME}: {item.id}")
        except ClauseError:
            return UNKNOWN
    return True


def matching_transfers(item: Item, context: dict) -> list[dict]:
    """The profile's transfers that rest on the item's basis (for the message)."""
    if item.transfer_basis is None:
        return []
    return [t for t in context.get("transfers") or [] if item.transfer_basis in (t.get("bases") or [])]


def context_names(context: dict) -> dict:
    """A clause context plus `transfer_bases`: the names a watch condition may use."""
    from .versions import transfer_bases

    return {**context, "transfer_bases": transfer_bases(context)}


LABELS = {
    "de": {"under_review": "Rechtslage unter Beobachtung", "todo": "Was zu tun ist", "source": "Quelle",
           "since": "bekannt seit", "checked": "Stand geprüft am", "concerns": "betrifft"},
    "en": {"under_review": "under review", "todo": "What to do", "source": "source",
           "since": "known since", "checked": "status checked on", "concerns": "concerns"},
}  # fmt: skip


def message(
    item: Item, lang: str, transfers: list[dict] | None = None, stale: bool = False, short: bool = False
) -> str:
    """What is under review, whom it concerns, what to do (`short`: the first line only)."""
    words = LABELS[lang]
    text = f"{words['under_review']}: {item.title[lang]}"
    if transfers:
        listed = ", ".join(
            f"{t.get('provider')} → {t.get('recipient')} ({t.get('country')})" for t in transfers
        )
        text += f" ({words['concerns']}: {listed})"
    if short:
        return text
    text += f". {item.summary[lang]} ({words['since']} {item.since.isoformat()}, "
    text += f"{words['checked']} {item.checked.isoformat()})."
    if stale:
        text += (
            " Der Stand dieses Punkts ist älter als das eingestellte Höchstalter: aktualisieren Sie privgen."
            if lang == "de"
            else " This status is older than the maximum age set: update privgen."
        )
    return f"{text} {words['todo']}: {item.action[lang]} ({words['source']}: {item.source})"
