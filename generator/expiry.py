"""Facts that expire: catalog facts whose `checked` date is older than a maximum age (default
12 months), for `privgen check` and `privgen audit`."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from . import catalog
from .errors import InputError

DEFAULT = "12m"
_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
_PATTERN = re.compile(r"^\s*(\d{1,4})\s*(d|w|m|y|days?|weeks?|months?|years?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Age:
    count: int
    unit: str  # days | weeks | months | years

    def limit(self, today: dt.date) -> dt.date:
        """The oldest check date that is still current on `today`."""
        if self.unit == "days":
            return today - dt.timedelta(days=self.count)
        if self.unit == "weeks":
            return today - dt.timedelta(weeks=self.count)
        months = self.count * (12 if self.unit == "years" else 1)
        year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
        month += 1
        return dt.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))

    def expired(self, checked: dt.date, today: dt.date) -> bool:
        return checked < self.limit(today)

    def __str__(self) -> str:
        unit = self.unit if self.count != 1 else self.unit.rstrip("s")
        return f"{self.count} {unit}"


def parse_age(text: str) -> Age:
    """`12m`, `365d`, `2y`, `6w` (or `12 months` ...) -> Age; InputError otherwise."""
    match = _PATTERN.match(str(text))
    if not match or int(match.group(1)) < 1:
        raise InputError(
            f"--max-age: expected a number and a unit, e.g. 12m (months), 365d (days), 8w, 1y; got {text!r}"
        )
    unit = match.group(2).lower()
    return Age(int(match.group(1)), _UNITS.get(unit[0]))


@dataclass(frozen=True)
class ExpiredFact:
    entry: str  # providers/<id> | authorities
    fact: str  # the fact's name ("" for authorities: the file as a whole)
    checked: dt.date
    source: str

    def as_json(self) -> dict:
        return {
            "catalog": self.entry,
            "fact": self.fact,
            "checked": self.checked.isoformat(),
            "source": self.source,
        }


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def expired_facts(entries: list[str], today: dt.date, age: Age) -> list[ExpiredFact]:
    """The confirmed facts of these catalog entries (the ones documents state) checked before the limit."""
    found = []
    providers = catalog.providers()
    for entry in sorted(set(entries)):
        if entry == "authorities":
            data = catalog.authorities()
            checked = _as_date(data.get("checked"))
            if checked and age.expired(checked, today):
                found.append(ExpiredFact(entry, "", checked, str(data.get("source", ""))))
            continue
        provider = providers.get(entry.removeprefix("providers/"))
        if provider is None:
            continue
        for fact in provider.facts.values():
            if fact.confirmed and fact.checked and age.expired(fact.checked, today):
                found.append(ExpiredFact(entry, fact.name, fact.checked, fact.source))
    return found


def grouped(facts: list[ExpiredFact]) -> list[list[ExpiredFact]]:
    """Expired facts by catalog entry and check date (one warning each)."""
    groups: dict[tuple[str, dt.date], list[ExpiredFact]] = {}
    for fact in facts:
        groups.setdefault((fact.entry, fact.checked), []).append(fact)
    return list(groups.values())


def advice(facts: list[ExpiredFact], age: Age, lang: str = "en", short: bool = False) -> str:
    """Which facts of one catalog entry (checked on one date), how old, what to do
    (`short`: without what to do)."""
    first = facts[0]
    names = ", ".join(f.fact for f in facts if f.fact)
    sources = "; ".join(f"{f.fact}: {f.source}" if f.fact else f.source for f in facts)
    if lang == "de":
        what = (
            f"{first.entry}: {'Angabe' if len(facts) == 1 else 'Angaben'} {names}"
            if names
            else f"{first.entry}: die Daten"
        )
        text = f"{what} zuletzt geprüft am {first.checked.isoformat()}, vor mehr als {_de(age)}"
        if short:
            return text
        return (
            f"{text}. Was zu tun ist: privgen aktualisieren (eine neuere Fassung hat sie vielleicht erneut "
            f"geprüft) und neu erstellen; gibt es keine, selbst an der Quelle prüfen: {sources}"
        )
    what = (
        f"{first.entry}: {'fact' if len(facts) == 1 else 'facts'} {names}"
        if names
        else f"{first.entry}: the data"
    )
    text = f"{what} last checked on {first.checked.isoformat()}, more than {age} ago"
    if short:
        return text
    return (
        f"{text}. What to do: update privgen (a newer release may have checked it again) and rebuild; "
        f"if there is none, check it yourself against the source: {sources}"
    )


def _de(age: Age) -> str:
    words = {"days": ("Tag", "Tagen"), "weeks": ("Woche", "Wochen"), "months": ("Monat", "Monaten"),
             "years": ("Jahr", "Jahren")}[age.unit]  # fmt: skip
    return f"{age.count} {words[0] if age.count == 1 else words[1]}"
