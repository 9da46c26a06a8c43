"""Reading and writing profile YAML: size limit, strict safe loading, line numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Issue, ProfileError

MAX_BYTES = 256 * 1024
MAX_ALIASES = 50
MAX_DEPTH = 20


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys and bounds aliases and nesting."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML signature
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise yaml.constructor.ConstructorError(
                    None, None, f"more than {MAX_ALIASES} aliases (*name) are not allowed", mark
                )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"nesting deeper than {MAX_DEPTH} levels is not allowed", mark
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):  # noqa: ANN001
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, (list, dict)):
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text strictly; errors become a ProfileError with the line."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - subclass of SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        what = exc.problem or exc.context or "invalid YAML"
        raise ProfileError([Issue(file, "", f"YAML syntax error at {line}: {what}")]) from None
    except yaml.YAMLError as exc:
        raise ProfileError([Issue(file, "", f"YAML error: {exc}")]) from None
    except RecursionError:
        raise ProfileError([Issue(file, "", "YAML nesting is too deep")]) from None


def read_text(path: Path) -> str:
    """Read a profile file as UTF-8 text, bounded in size."""
    file = str(path)
    try:
        if not path.is_file():
            raise InputError(f"{file}: not a file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ProfileError(
                [Issue(file, "", f"file is {size} bytes; a profile may be at most {MAX_BYTES}")]
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{file}: cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProfileError(
            [Issue(file, "", f"not UTF-8 text (invalid byte at offset {exc.start})")]
        ) from None
    if "\x00" in text:
        raise ProfileError([Issue(file, "", "binary file (contains NUL bytes), expected YAML")])
    return text.removeprefix("\ufeff")


def load_raw(path: Path) -> Any:
    """Read and parse a profile file, without validation."""
    return parse_yaml(read_text(path), str(path))


def dump(data: dict) -> str:
    """Serialise a profile mapping as YAML (keys in the given order)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
