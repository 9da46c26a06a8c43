"""`extends:`: a profile built on a base profile (an agency's shared answers).

The base is read first, then the profile is merged over it: mappings merge key by key
(the profile wins), everything else (text, numbers, lists, a free text by language
`{de: .., en: ..}`) is replaced whole. `null` in the profile removes a key of the base.
A base may itself extend another base. `id` is never inherited: every profile has its
own (its file name by default), so two clients of one base never share an output folder.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import Issue, ProfileError
from .profile import parse_yaml, read_text
from .schema import LANGUAGES

KEY = "extends"
MAX_CHAIN = 10  # profile + up to 9 bases
SUFFIXES = (".yaml", ".yml")
NOT_INHERITED = ("id", KEY)
_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Source:
    """One file a profile was built from: the profile itself, then its bases in order."""

    path: Path
    sha256: str
    data: Any  # the parsed YAML of this file alone


def _is_language_map(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= set(LANGUAGES)


def merge(base: dict, child: dict) -> dict:
    """child over base: mappings merge recursively, anything else is replaced."""
    out = dict(base)
    for key, value in child.items():
        old = out.get(key)
        if (
            isinstance(value, dict)
            and isinstance(old, dict)
            and not _is_language_map(value)
            and not _is_language_map(old)
        ):
            out[key] = merge(old, value)
        else:
            out[key] = value
    return out


def _base_path(source: Path, ref: Any) -> Path:
    """Where `extends: ref` in `source` points; ProfileError when ref is unusable."""
    expected = "the file name of a base profile, relative to this file, like _agency.yaml"
    if not isinstance(ref, str) or not ref.strip():
        raise ProfileError([Issue(str(source), KEY, f"expected {expected}")])
    ref = ref.strip()
    if "\x00" in ref or Path(ref).is_absolute() or ref.startswith(("~", "\\")) or ":" in ref:
        raise ProfileError([Issue(str(source), KEY, f"expected {expected}; got {ref!r}")])
    if not ref.endswith(SUFFIXES):
        raise ProfileError([Issue(str(source), KEY, f"expected a .yaml or .yml file; got {ref!r}")])
    return source.parent / ref


def _read(path: Path) -> tuple[Any, str]:
    text = read_text(path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:  # vanished between the two reads
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return parse_yaml(text, str(path)), digest


def chain(path: Path, raw: Any, sha256: str) -> list[Source]:
    """The profile and every base it extends, nearest first; errors name file and `extends`."""
    sources = [Source(path, sha256, raw)]
    seen = [path.resolve()]
    current = sources[0]
    while isinstance(current.data, dict) and current.data.get(KEY) is not None:
        ref = current.data[KEY]
        base = _base_path(current.path, ref)
        where = str(current.path)
        if base.resolve() in seen:
            loop = " -> ".join(str(s.path) for s in sources) + f" -> {base}"
            raise ProfileError([Issue(where, KEY, f"{ref!r} makes a cycle: {loop}")])
        if len(sources) >= MAX_CHAIN:
            raise ProfileError(
                [Issue(where, KEY, f"more than {MAX_CHAIN - 1} bases in a row; expected a shorter chain")]
            )
        if not base.is_file():
            raise ProfileError([Issue(where, KEY, f"base profile {ref!r} not found (looked for {base})")])
        data, digest = _read(base)
        if not isinstance(data, dict):
            got = "an empty file" if data is None else "no mapping"
            raise ProfileError(
                [
                    Issue(
                        str(base),
                        "",
                        f"a base profile (extended by {where}) must be a mapping of keys; got {got}",
                    )
                ]
            )
        seen.append(base.resolve())
        current = Source(base, digest, data)
        sources.append(current)
    return sources


def resolve(sources: list[Source]) -> Any:
    """The merged profile data of a chain (as YAML data, before validation)."""
    own = sources[0].data
    if len(sources) == 1 or not isinstance(own, dict):
        if isinstance(own, dict) and KEY in own:
            return {k: v for k, v in own.items() if k != KEY}
        return own
    merged: dict = {}
    for source in reversed(sources[1:]):
        layer = {k: v for k, v in source.data.items() if k not in NOT_INHERITED}
        merged = merge(merged, layer)
    child = {k: v for k, v in own.items() if k != KEY}
    return merge(merged, child)


def _has(data: Any, parts: list[str]) -> bool:
    for part in parts:
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def locate(issues: list[Issue], sources: list[Source]) -> list[Issue]:
    """Point each issue at the file its value came from (a base, when the profile did not set it)."""
    if len(sources) == 1:
        return issues
    child = sources[0]
    out = []
    for issue in issues:
        parts = [p for p in _INDEX.sub("", issue.path).split(".") if p]
        origin = child
        # the file that set the longest prefix of the path (the profile first: it wins)
        for length in range(len(parts) if parts[:1] != ["id"] else 0, 0, -1):
            found = [s for s in sources if _has(s.data, parts[:length])]
            if found:
                origin = found[0]
                break
        if origin is child:
            out.append(issue)
        else:
            out.append(replace(issue, file=f"{origin.path} (base of {child.path})"))
    return out
