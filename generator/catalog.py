"""The provider catalog, supervisory authorities and labels of the clause library."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from .errors import ClauseError
from .resources import clauses_dir

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: faster, same results

CONFIRMED = "confirmed"
LANGS = ("de", "en")


@dataclass(frozen=True)
class Fact:
    name: str
    value: Any
    status: str
    source: str
    checked: dt.date | None
    note: str | None = None

    @property
    def confirmed(self) -> bool:
        return self.status == CONFIRMED


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    services: tuple[str, ...]
    description: dict[str, str]
    facts: dict[str, Fact]
    entities: tuple[dict, ...] = ()
    aliases: tuple[str, ...] = ()
    open_points: tuple[dict, ...] = ()
    sha256: str = ""
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    def fact(self, name: str) -> Any:
        """The value of a confirmed fact, else None."""
        f = self.facts.get(name)
        return f.value if f is not None and f.confirmed else None

    def default_entity(self) -> dict | None:
        for entity in self.entities:
            if entity.get("default"):
                return entity
        return None


def _load_yaml(path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506 - safe
    except (OSError, yaml.YAMLError) as exc:
        raise ClauseError(f"{path}: cannot load: {exc}") from None


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _provider(path) -> Provider:
    data = _load_yaml(path)
    if not isinstance(data, dict) or data.get("id") != path.stem:
        raise ClauseError(f"{path}: 'id' must equal the file name stem {path.stem!r}")
    facts = {}
    for name, raw in (data.get("facts") or {}).items():
        if not isinstance(raw, dict) or "value" not in raw:
            raise ClauseError(f"{path}: facts.{name}: expected a mapping with 'value'")
        facts[name] = Fact(
            name=name,
            value=raw["value"],
            status=str(raw.get("status", "unconfirmed")),
            source=str(raw.get("source", "")),
            checked=_as_date(raw.get("checked")),
            note=raw.get("note"),
        )
    return Provider(
        id=data["id"],
        name=str(data.get("name", data["id"])),
        services=tuple(data.get("services") or ()),
        description=dict(data.get("description") or {}),
        facts=facts,
        entities=tuple(data.get("entities") or ()),
        aliases=tuple(data.get("aliases") or ()),
        open_points=tuple(data.get("open_points") or ()),
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        raw=data,
    )


@cache
def providers() -> dict[str, Provider]:
    """Every provider in the catalog, by id."""
    folder = clauses_dir() / "providers"
    return {p.stem: _provider(p) for p in sorted(folder.glob("*.yaml"))}


def suggest_provider(name: str) -> str | None:
    """The nearest known provider id for an unknown one (aliases included)."""
    known = providers()
    lowered = str(name).lower()
    for p in known.values():
        if lowered in p.aliases:
            return p.id
    close = difflib.get_close_matches(lowered, list(known), n=1, cutoff=0.5)
    return close[0] if close else None


@cache
def authorities() -> dict:
    """Supervisory authorities: de_laender, federal, countries."""
    path = clauses_dir() / "authorities.yaml"
    data = _load_yaml(path)
    if not isinstance(data, dict):
        raise ClauseError(f"{path}: expected a mapping")
    return data


def authorities_sha256() -> str:
    return hashlib.sha256((clauses_dir() / "authorities.yaml").read_bytes()).hexdigest()


def competent_authority(country: str, region: str | None) -> dict | None:
    """The authority a controller in country/region answers to."""
    data = authorities()
    if country == "DE":
        return (data.get("de_laender") or {}).get(region or "")
    return (data.get("countries") or {}).get(country)


@cache
def labels(lang: str) -> dict[str, dict[str, str]]:
    """Words for profile ids (data categories, purposes ...) in one language."""
    data = _load_yaml(clauses_dir() / lang / "labels.yaml")
    if not isinstance(data, dict):
        raise ClauseError(f"clauses/{lang}/labels.yaml: expected a mapping")
    return data


def label_ids(kind: str) -> list[str]:
    """The ids known for one kind of label (from the German file, the reference)."""
    return list(labels("de").get(kind, {}))
