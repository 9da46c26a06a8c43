"""Reading and writing profile YAML: size limit, strict safe loading, line numbers."""

from __future__ import annotations

import re
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

    def construct_object(self, node, deep=False):  # noqa: ANN001
        try:
            return super().construct_object(node, deep=deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception as exc:  # noqa: BLE001 - PyYAML's constructors fail in many ways
            # a value PyYAML's constructors cannot take: "!!bool maybe", "!!float x", a time
            # zone of +99:00 ...
            shown = str(node.value)[:40] if isinstance(node, yaml.ScalarNode) else "this value"
            kind = str(node.tag).rsplit(":", 1)[-1]
            detail = "" if isinstance(exc, KeyError) else f": {exc}"
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {shown!r} as {kind}{detail}", node.start_mark
            ) from None

    def construct_lenient(self, node):  # noqa: ANN001
        """An int or date out of range (2026-13-45, 5000 digits) stays text: validation
        then names the field and what it expects."""
        try:
            return self.yaml_constructors_strict[node.tag](self, node)
        except (ValueError, OverflowError, AttributeError):  # AttributeError: "!!timestamp x"
            return self.construct_scalar(node)

    def construct_mapping(self, node, deep=False):  # noqa: ANN001
        if not isinstance(node, yaml.MappingNode):  # "!!map [a]": PyYAML's own error, with the line
            return super().construct_mapping(node, deep=deep)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise yaml.constructor.ConstructorError(
                    None, None, "merge keys (<<: *name) are not supported; write the keys out, "
                    "or keep shared answers in a base profile (extends:)", key_node.start_mark
                )  # fmt: skip
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                key = []
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


# Integers are decimal only. YAML 1.1 would read the postal code 01067 (Dresden) as the
# octal number 567 and 1:20 as 80; no profile value is meant that way, so such scalars
# stay text (and an int field then says "expected a whole number, got text").
_DECIMAL_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, _DECIMAL_INT if tag == "tag:yaml.org,2002:int" else regexp) for tag, regexp in resolvers]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_StrictLoader.yaml_constructors_strict = {}
for _tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:timestamp"):
    _StrictLoader.yaml_constructors_strict[_tag] = yaml.SafeLoader.yaml_constructors[_tag]
    _StrictLoader.add_constructor(_tag, _StrictLoader.construct_lenient)


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text strictly; errors become a ProfileError with the line."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - subclass of SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        what = "; ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        kind = "YAML error" if isinstance(exc, yaml.constructor.ConstructorError) else "YAML syntax error"
        raise ProfileError([Issue(file, "", f"{kind} at {line}: {what}")]) from None
    except yaml.YAMLError as exc:
        raise ProfileError([Issue(file, "", f"YAML error: {exc}")]) from None
    except RecursionError:
        raise ProfileError([Issue(file, "", "YAML nesting is too deep")]) from None
    except (ValueError, TypeError, OverflowError) as exc:  # a constructor PyYAML does not guard
        raise ProfileError([Issue(file, "", f"YAML error: unreadable value: {exc}")]) from None


def read_text(path: Path) -> str:
    """Read a profile file as UTF-8 text, bounded in size."""
    file = str(path)
    try:
        if not path.is_file():
            raise InputError(f"{file}: not a file")
        size = path.stat().st_size
        with path.open("rb") as fh:  # bounded read: the size may lie (/proc, a growing file)
            data = fh.read(MAX_BYTES + 1)
        if max(size, len(data)) > MAX_BYTES:
            got = f"{size} bytes" if size > MAX_BYTES else f"more than {MAX_BYTES} bytes"
            raise ProfileError([Issue(file, "", f"file is {got}; a profile may be at most {MAX_BYTES}")])
    except OSError as exc:
        raise InputError(f"{file}: cannot read: {exc.strerror}") from None
    return decode_text(data, file)


def decode_text(data: bytes, file: str) -> str:
    """Profile bytes (read from a file, or uploaded to `privgen serve`) as text: at most
    MAX_BYTES, UTF-8 (a byte order mark is dropped), no NUL bytes."""
    if len(data) > MAX_BYTES:
        got = f"file is {len(data)} bytes; a profile may be at most {MAX_BYTES}"
        raise ProfileError([Issue(file, "", got)])
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
