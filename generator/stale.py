"""The stale-statement lint: known outdated phrases, kept as data in clauses/stale-phrases.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from .resources import clauses_dir


@dataclass(frozen=True)
class StalePhrase:
    pattern: re.Pattern
    allow_if: re.Pattern | None
    why: str
    source: str


@cache
def phrases() -> tuple[StalePhrase, ...]:
    data = yaml.safe_load((clauses_dir() / "stale-phrases.yaml").read_text(encoding="utf-8"))
    return tuple(
        StalePhrase(
            pattern=re.compile(item["pattern"], re.IGNORECASE),
            allow_if=re.compile(item["allow_if"], re.IGNORECASE) if item.get("allow_if") else None,
            why=item["why"],
            source=item["source"],
        )
        for item in data
    )


def find_stale(text: str) -> list[tuple[str, StalePhrase]]:
    """Lines of text that contain an outdated statement (unless its line also shows it is handled)."""
    found = []
    for line in text.splitlines():
        for phrase in phrases():
            if phrase.pattern.search(line) and not (phrase.allow_if and phrase.allow_if.search(line)):
                found.append((line.strip(), phrase))
    return found
