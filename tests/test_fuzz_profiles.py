"""Random and mutated profiles never crash privgen.

Whatever a profile holds (wrong types, missing and extra keys, huge strings, deep nesting,
Unicode edge cases, YAML tags, anchors and aliases, bytes that are no UTF-8 at all), a build
either writes complete documents (exit 0) or stops with exit code 2 and a message that names
the file and the field path (or, for YAML that cannot be read, the line), writes nothing and
shows no traceback.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import PROFILES
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from robust_support import (
    FULL,
    assert_complete,
    files_of,
    free_text_fields,
    parse_html,
    privgen,
    shown,
    with_values,
    write_profile,
)

from generator import catalog
from generator.errors import printable
from generator.schema import GERMAN_LAENDER, Field, walk
from generator.validate import show

# PRIVGEN_FUZZ_SCALE=20 runs twenty times the examples (a deeper search before a release).
SCALE = max(1, int(os.environ.get("PRIVGEN_FUZZ_SCALE", "1")))
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Characters that break naive text handling: bidirectional controls and marks, zero-width and
# joiners, combining marks (also at the start), variation selectors, tag characters, line and
# paragraph separators, C0/C1 controls, lone surrogates, noncharacters, private use (privgen's
# own marker characters among them), homoglyphs, full-width brackets, emoji sequences.
EDGE = [
    "\u202e", "\u202d", "\u202a", "\u2066", "\u2067", "\u2069", "\u200f", "\u200e", "\u061c",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u0301", "\u0308", "\u20dd",
    "\ufe0f", "\U000e0041", "\u00a0", "\u2007", "\u3000", "\u2028", "\u2029", "\x85", "\x00",
    "\x1b", "\x7f", "\x9b", "\r", "\n", "\t", "\ud800", "\udfff", "\uffff", "\ufdd0", "\ue000",
    "\ue001", "\ufffd", "😀", "👩\u200d👩\u200d👧", "ß", "ẞ", "ǅ", "ﬁ", "ב", "ع", "漢", "क्ष", "＜", "ѕ",
]  # fmt: skip
MARKUP = list("<>&\"'`*_[]()#!|\\{}~=+-.:;/%$@^")
TEXT = st.lists(st.one_of(st.sampled_from(EDGE + MARKUP), st.characters()), max_size=30).map("".join)
TRICKY = st.sampled_from([
    "yes", "NO", "on", "Off", "~", "null", "0x1F", "0o17", "01067", "1:20", "1_000", "2026-13-45",
    "2026-02-30", "9999-12-31", "0001-01-01", ".nan", "-.inf", "1e999", "", " ", "\t", "de", "en",
    "mailjet", "DE", "BY", "con", "..", "../x", "/etc/passwd", "x" * 2001, "ä" * 301, "0" * 5000,
])  # fmt: skip
KEYS = st.one_of(
    st.sampled_from(["de", "en", "fr", "name", "email", "provider", "address", "region", "profile"]),
    st.from_regex(r"[a-z_]{1,10}", fullmatch=True),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(),
    TEXT,
    TRICKY,
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=8,
)


def plausible(spec: Field) -> st.SearchStrategy:
    """Values a site owner could mean for a field: mostly valid, so that mutated profiles
    often still build and the documents get exercised, not only the validator."""
    words = st.from_regex(r"[A-Za-zÄÖÜäöüß0-9 .,&'()/-]{1,40}", fullmatch=True)
    kind = spec.kind
    if kind == "text":
        return st.one_of(words, VISIBLE_TEXT, st.fixed_dictionaries({"de": words, "en": words}))
    if kind == "line":
        return words.map(lambda s: s[: spec.max_length])
    if kind == "bool":
        return st.booleans()
    if kind == "int":
        low = spec.min if spec.min is not None else 1
        return st.integers(low, spec.max if spec.max is not None else low)
    if kind == "date":
        return st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))
    if kind == "choice":
        return st.sampled_from(spec.choices)
    if kind == "multichoice":
        return st.lists(st.sampled_from(spec.choices), unique=True, max_size=len(spec.choices))
    patterns = {
        "email": r"[a-z0-9._%+'-]{1,20}@[a-z0-9]{1,10}\.(de|example|com)",
        "url": r"https://[a-z]{1,10}\.example(/[A-Za-z0-9._~%()*'!&=+-]{0,20}){0,2}",
        "phone": r"\+49 [0-9]{2,4} [0-9]{4,8}",
        "keyword": r"[A-Z0-9]{2,20}",
        "id": r"[a-z0-9-]{1,64}",
    }
    if kind in patterns:
        return st.from_regex(patterns[kind], fullmatch=True)
    if kind == "country":
        return st.sampled_from(["DE", "AT", "FR", "NL", "NO", "IE", "US", "GB"])
    if kind == "region":
        return st.sampled_from(GERMAN_LAENDER)
    if kind == "provider":
        return st.sampled_from(sorted(catalog.providers()))
    return st.none()


FIELDS = [(p.replace("<id>", "mailjet"), f) for p, f in walk()]


def _deep(depth: int) -> Any:
    value: Any = "x"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


def _locations(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into a parsed profile: mapping keys and list indexes."""
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _locations(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _locations(value, (*prefix, i))
    return out


def _get(doc: Any, where: tuple) -> Any:
    for part in where:
        doc = doc[part]
    return doc


def _shown_key(key: Any) -> str:
    """A mapping key as validate.py writes it into a field path, as the terminal shows it."""
    text = str(key) if isinstance(key, (str, int, bool, type(None))) else show(key)
    return printable(text if len(text) <= 64 else text[:60] + "…")


def resolves(doc: Any, path: str) -> bool:
    """Whether a reported field path points into the profile (or names a missing key)."""
    if path == "(top level)":
        return True
    return _resolve(doc, path)


def _resolve(node: Any, rest: str) -> bool:
    if not rest:
        return True
    if rest.startswith("["):
        match = re.match(r"\[(\d+)\]", rest)
        if not match:
            return False
        index, tail = int(match.group(1)), rest[match.end() :]
        if isinstance(node, list) and index < len(node):
            return _resolve(node[index], tail.removeprefix("."))
        return not tail
    keys = {_shown_key(k): k for k in node} if isinstance(node, dict) else {}
    for shown_key in sorted(keys, key=len, reverse=True):  # keys may hold dots themselves
        here = rest == shown_key or rest.startswith((shown_key + ".", shown_key + "["))
        if here and _resolve(node[keys[shown_key]], rest[len(shown_key) :].removeprefix(".")):
            return True
    return "." not in rest and "[" not in rest  # a missing key: "required", a missing language


def issue_lines(output: str, profile: Path) -> list[str]:
    """The problems reported for a profile: lines "<file>: <path>: <message>" (however the
    build report indents them), without progress lines such as "<file>: failed"."""
    lines = [line.strip() for line in output.splitlines()]
    return [
        x for x in lines if x.startswith(f"{profile}: ") and not x.endswith(("failed (see below)", "failed"))
    ]


def assert_rejected_well(result, profile: Path, out: Path, doc: Any | None) -> None:
    """Exit 2; every problem names the file, then the field path (or the YAML line); no traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    lines = issue_lines(result.output, profile)
    assert lines, f"no message naming {profile}: {result.output!r}"
    for line in lines:
        rest = line[len(f"{profile}: ") :]
        if doc is None or rest.startswith("YAML"):
            continue  # a whole-file problem: encoding, size, YAML syntax (with its line)
        path = rest.split(": ", 1)[0]
        assert resolves(doc, path), f"{path!r} is no field path of the profile: {line!r}"
    if out.exists():
        assert not files_of(out), "an invalid profile must write nothing"


def assert_built_well(result, out: Path) -> None:
    assert result.exit_code == 0, result.output
    files = files_of(out)
    assert any(name.endswith("/privacy-policy.html") for name in files), sorted(files)
    for path in files.values():
        assert_complete(path)


def build(profile: Path, out: Path, *, everything: bool = False):
    """privgen build in md, html and json; the privacy policy only unless `everything` (every
    document prints the same values through the same code; the injection tests build them all)."""
    only = () if everything else ("--documents", "privacy-policy")
    return privgen("build", profile, "-o", out, "--format", "md,html,json", "--jobs", "1", *only)


# -- mutated profiles ---------------------------------------------------------------------
@settings(FUZZ, max_examples=150 * SCALE)
@given(data=st.data())
def test_mutated_profile_builds_or_names_the_field(data):
    doc = copy.deepcopy(FULL)
    del doc["id"]  # the id comes from the file name unless a mutation adds one
    doc["languages"] = ["de"]  # one language keeps the examples fast; mutations may change it
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        where = data.draw(st.sampled_from(_locations(doc)), label="where")
        ops = ["plausible"] * 5 + ["set", "set", "delete", "add", "wrap", "deep"]
        op = data.draw(st.sampled_from(ops), label="op")
        target = _get(doc, where)
        if op == "plausible":
            path, spec = data.draw(st.sampled_from(FIELDS), label="field")
            node = doc
            *parents, last = path.split(".")
            for part in parents:
                node = node.setdefault(part, {}) if isinstance(node, dict) else {}
            if isinstance(node, dict):
                node[last] = data.draw(plausible(spec), label=path)
        elif op == "add" and isinstance(target, dict):
            target[data.draw(KEYS, label="key")] = data.draw(VALUES, label="value")
        elif not where:
            continue  # the root itself: only "add" applies
        elif op == "delete":
            del _get(doc, where[:-1])[where[-1]]
        elif op == "wrap":
            _get(doc, where[:-1])[where[-1]] = data.draw(
                st.sampled_from([[target], {"de": target}, {"de": target, "en": target}, {"x": target}])
            )
        elif op == "deep":
            _get(doc, where[:-1])[where[-1]] = _deep(data.draw(st.integers(15, 30), label="depth"))
        else:
            _get(doc, where[:-1])[where[-1]] = data.draw(VALUES, label="value")
    with tempfile.TemporaryDirectory() as tmp:
        profile = write_profile(Path(tmp) / "fuzz.yaml", doc, ascii_only=True)
        out = Path(tmp) / "out"
        result = build(profile, out)
        event(f"exit code {result.exit_code}")
        if result.exit_code == 0:
            assert_built_well(result, out)
        else:
            assert_rejected_well(result, profile, out, yaml.safe_load(profile.read_text(encoding="utf-8")))


# -- Unicode in every free-text field -------------------------------------------------------
# What a name, street or company may hold and still be printed: every script, combining marks,
# joiners, zero-width characters, directional marks (not overrides), odd spaces, Markdown and
# HTML syntax. None of it may become markup.
REFUSED = ("Cc", "Cs", "Zl", "Zp", "Cn")
ACCEPTED = [
    s
    for s in EDGE + MARKUP
    if all(
        unicodedata.category(c) not in REFUSED and c not in "\u202e\u202d\u202a\u2066\u2067\u2069\ue000\ue001"
        for c in s
    )
]
VISIBLE_TEXT = (
    st.lists(
        st.one_of(
            st.sampled_from(ACCEPTED),
            st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn", "Cf")),
        ),
        min_size=1,
        max_size=40,
    )
    .map("".join)
    .filter(lambda s: any(unicodedata.category(c)[0] in "LNPS" for c in s))
)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> dict[str, Any]:
    """The structure of the FULL profile's documents: what any text must leave unchanged."""
    tmp = tmp_path_factory.mktemp("baseline")
    out = tmp / "out"
    assert build(write_profile(tmp / "full.yaml", FULL), out).exit_code == 0
    return _structures(out / "full")


def _structures(folder: Path) -> dict[str, Any]:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    out = {}
    for lang in ("de", "en"):
        html = parse_html((folder / lang / "privacy-policy.html").read_text(encoding="utf-8"))
        source = (folder / lang / "privacy-policy.md").read_text(encoding="utf-8")
        out[lang] = {
            "html": html.events,
            "md": parse_html(md.render(source)).events,
            "text": html.plain.replace("\u00a0", " "),
            "md_text": parse_html(md.render(source)).plain.replace("\u00a0", " "),
        }
    return out


@settings(
    FUZZ,
    max_examples=25 * SCALE,
    suppress_health_check=[*FUZZ.suppress_health_check, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_unicode_text_is_printed_as_given_and_never_markup(data, baseline):
    values = {}
    for path, limit in free_text_fields():
        values[path] = data.draw(VISIBLE_TEXT, label=path)[:limit]
        if not shown(values[path]) or not any(unicodedata.category(c)[0] in "LNPS" for c in values[path]):
            values[path] = "x" + values[path]
    with tempfile.TemporaryDirectory() as tmp:
        profile = write_profile(Path(tmp) / "uni.yaml", with_values(values))
        out = Path(tmp) / "out"
        result = build(profile, out)
        assert_built_well(result, out)
        got = _structures(out / "full")
    for lang in ("de", "en"):
        assert got[lang]["html"] == baseline[lang]["html"], "a value changed the HTML structure"
        assert got[lang]["md"] == baseline[lang]["md"], "a value became Markdown syntax"
        for path, value in values.items():
            want = shown(value).replace("\u00a0", " ")
            if path.endswith(("representative", "dpo.name", "dpo.organisation")) or "hosting" in path:
                continue  # printed in some documents only; the name, address and city always
            assert want in got[lang]["text"], f"{path}: {want!r} not shown literally in HTML"
            assert want in got[lang]["md_text"], f"{path}: {want!r} not shown literally from Markdown"


# -- hostile characters that are refused --------------------------------------------------
@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("Shop\u202egnirts", "bidirectional control characters (U+202E)"),
        ("Shop \u2066x\u2069", "bidirectional control characters"),
        ("Shop\x1b[31m", "control characters"),
        ("Shop\u2028GmbH", "line breaks"),
        ("Shop\nGmbH", "line breaks"),
        ("Shop\ud800", "lone surrogate"),
        ("\u200b\u200d", "no visible characters"),
        ("\u0301", "no visible characters"),
        ("   ", "is empty"),
    ],
)
@pytest.mark.parametrize("field", [p for p, _ in free_text_fields()])
def test_hostile_characters_are_refused_with_the_field(tmp_path: Path, field: str, value: str, words: str):
    profile = write_profile(tmp_path / "p.yaml", with_values({field: value}), ascii_only=True)
    result = build(profile, tmp_path / "out")
    assert_rejected_well(result, profile, tmp_path / "out", None)
    assert f"{profile}: {field}: " in result.output and words in result.output, result.output


@pytest.mark.parametrize(
    ("field", "value"),
    [("controller.email", "dsb\u200b@x.example"), ("controller.email", "a\ud800@x.example"),
     ("dpo.email", "a\x1b@x.example"), ("controller.website", "https://x.example/\u202e"),
     ("newsletter.provider", "mail\u200bjet")],
)  # fmt: skip
def test_invisible_characters_in_addresses_are_refused(tmp_path: Path, field: str, value: str):
    profile = write_profile(tmp_path / "p.yaml", with_values({field: value}), ascii_only=True)
    result = build(profile, tmp_path / "out")
    assert_rejected_well(result, profile, tmp_path / "out", None)
    assert f"{field}: contains invisible or control characters" in result.output


# -- bytes and YAML -----------------------------------------------------------------------
VALID_TEXT = (PROFILES / "beispiel-shop.yaml").read_bytes()


SNIPPETS = [
    b"&a ", b"*a", b"!!binary ", b"{", b"[", b": ", b"\t", b"\xff", b"\xc3", b"\x00", b"\n  - ", b"'", b'"',
    b"%YAML 1.1\n", b"---\n", b"!!python/object:os.system ", b"<<: *a\n", b"!!timestamp ", b"!!bool ",
    b"!!float ", b"!!int ", b"!!map ", b"!!set ", b"!!omap ", b"!!str ", b"? ", b"|\n", b">-\n",
]  # fmt: skip


@st.composite
def damaged(draw) -> bytes:
    data = bytearray(VALID_TEXT)
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate"]))
        if kind == "flip" and pos < len(data):
            data[pos] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[pos:pos] = draw(st.sampled_from(SNIPPETS))
        elif kind == "delete":
            del data[pos : pos + draw(st.integers(1, 20))]
        elif kind == "truncate":
            del data[pos:]
        elif kind == "duplicate":
            line_start = data.rfind(b"\n", 0, pos) + 1
            line_end = data.find(b"\n", pos)
            data[line_start:line_start] = data[line_start : (line_end if line_end >= 0 else len(data)) + 1]
    return bytes(data)


@settings(FUZZ, max_examples=120 * SCALE)
@given(
    content=st.one_of(
        st.binary(max_size=400), damaged(), TEXT.map(lambda s: s.encode("utf-8", "surrogatepass"))
    )
)
def test_damaged_and_binary_files_never_crash(content: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "damaged.yaml"
        profile.write_bytes(content)
        out = Path(tmp) / "out"
        result = build(profile, out)
        event(f"exit code {result.exit_code}")
        if result.exit_code == 0:
            assert_built_well(result, out)
            return
        try:
            doc = yaml.safe_load(content.decode("utf-8"))
        except Exception:  # noqa: BLE001 - whatever PyYAML's own loader makes of it
            doc = None
        assert_rejected_well(result, profile, out, doc if isinstance(doc, dict) else None)
        check = privgen("check", profile)
        assert check.exit_code == 2 and "Traceback" not in check.output


def _alias_bomb(levels: int, width: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


VALID = (
    "profile: 1\ncontroller:\n  name: Test GmbH\n"
    "  address: {street: A 1, postal_code: '10115', city: Berlin, country: DE, region: BE}\n"
    "  email: a@test.example\n"
)


BOMB = _alias_bomb(24, 2)
HOSTILE_YAML = [
    # exponential expansion in 47 aliases: nothing may walk or print it whole
    ("alias-bomb-values", BOMB + VALID + "languages: [*a23]\n", ["languages[0]", "expected one of"]),
    ("alias-bomb-region", BOMB + VALID.replace("region: BE", "region: *a23"), ["controller.address.region"]),
    ("alias-bomb-name", BOMB + VALID.replace("name: Test GmbH", "name: *a23"), ["controller.name"]),
    ("merge-key", "base: &b {name: X}\n" + VALID.replace("  name: Test GmbH\n", "  <<: *b\n"),
     ["line 4", "merge keys (<<: *name) are not supported"]),
    ("flow-depth", VALID + "x: " + "[" * 5000 + "]" * 5000 + "\n", ["nesting deeper than 20"]),
    ("block-depth", VALID + "".join(f"{'  ' * i}k{i}:\n" for i in range(40)) + "  " * 40 + "v: 1\n",
     ["nesting deeper than 20"]),
    ("bad-date", VALID + "effective_date: 2026-13-45\n", ["effective_date: expected a date", "2026-13-45"]),
    ("bad-timezone", VALID + "effective_date: 2026-01-01 10:00:00 +99:00\n",
     ["effective_date: expected a date"]),
    ("huge-int", VALID.replace("profile: 1", "profile: " + "9" * 5000), ["profile: expected a whole number"]),
    ("long-int", VALID.replace("profile: 1", "profile: " + "9" * 4000), ["profile: expected 1"]),
    ("octal", VALID + "hosting: {log_retention_days: 014}\n", ["hosting.log_retention_days", "whole number"]),
    ("set-key", VALID + "? !!set {a: null}\n: x\n", ["line 6", "mapping key must be a plain value"]),
    ("python-tag", VALID + "x: !!python/object/apply:os.system [id]\n", ["line 6", "could not determine"]),
    ("binary-tag", VALID.replace("name: Test GmbH", "name: !!binary aGVsbG8="),
     ["controller.name", "got bytes"]),
    ("norway", VALID.replace("country: DE, region: BE", "country: NO"),
     ["controller.address.country", "got true/false", "put the text in quotes"]),
    ("reserved-id", "id: con\n" + VALID, ["id: 'con' is a reserved file name on Windows"]),
    ("long-key", VALID + "k" * 200 + ": 1\n", ["unknown key", "…"]),
    ("escape-in-key", VALID + '"\\e]0;pwned\\a\\e[2J": 1\n', ["\\x1b]0;pwned\\x07\\x1b[2J: unknown key"]),
    ("two-documents", VALID + "---\n" + VALID, ["expected a single document"]),
    ("bool-tag", VALID + "x: !!bool maybe\n", ["line 6", "cannot read 'maybe' as bool"]),
    ("float-tag", VALID + "x: !!float hello\n", ["line 6", "cannot read 'hello' as float"]),
    ("timestamp-tag", VALID + "effective_date: !!timestamp hello\n", ["effective_date: expected a date"]),
    ("map-tag", VALID + "x: !!map [a]\n", ["line 6", "expected a mapping node"]),
    ("set-tag", VALID + "languages: !!set {de: null}\n", ["languages: expected a list of de, en, got set"]),
    # a flood of problems is summed up, not printed 20,000 times
    ("many-items", VALID + "languages: [" + ",".join(["x"] * 20000) + "]\n",
     ["languages: 19995 more items are not one of de, en", "languages[4]"]),
    ("many-keys", VALID + "".join(f"k{i}: 1\n" for i in range(5000)), ["... and 4950 more problems"]),
    ("too-long-text", VALID.replace("Test GmbH", "x" * 2001),
     ["controller.name: too long (2001 characters; at most 2000)"]),
    ("too-long-line", VALID.replace("'10115'", "'" + "1" * 17 + "'"),
     ["controller.address.postal_code: too long (17 characters; at most 16)"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "words"), HOSTILE_YAML, ids=[c[0] for c in HOSTILE_YAML])
def test_hostile_yaml(tmp_path: Path, name: str, text: str, words: list[str]):
    profile = tmp_path / f"{name}.yaml"
    profile.write_text(text, encoding="utf-8")
    result = build(profile, tmp_path / "out")
    assert result.exit_code == 2, result.output[:2000]
    assert "Traceback" not in result.output
    assert len(result.output) < 20_000, "messages must stay readable, whatever the profile holds"
    for word in words:
        assert word in result.output, f"{word!r} not in {result.output[:2000]!r}"
    assert "\x1b" not in result.output, "escape sequences from a profile must not reach the terminal"
    assert not (tmp_path / "out").exists() or not files_of(tmp_path / "out")


def test_text_at_its_length_limit_is_accepted(tmp_path: Path):
    values = {path: "ä" * limit for path, limit in free_text_fields()}
    profile = write_profile(tmp_path / "p.yaml", with_values(values))
    assert_built_well(build(profile, tmp_path / "out", everything=True), tmp_path / "out")


def test_postal_codes_with_leading_zero_stay_as_written(tmp_path: Path):
    """YAML 1.1 reads 01067 as the octal number 567: Dresden's postal code must not change."""
    profile = tmp_path / "dresden.yaml"
    profile.write_text(
        VALID.replace("postal_code: '10115'", "postal_code: 01067").replace("region: BE", "region: SN")
    )
    assert_built_well(build(profile, tmp_path / "out"), tmp_path / "out")
    md = (tmp_path / "out" / "dresden" / "de" / "privacy-policy.md").read_text(encoding="utf-8")
    assert "01067 Berlin" in md and "567 Berlin" not in md


def test_profile_size_is_bounded_even_when_the_size_lies(tmp_path: Path, monkeypatch):
    """The limit holds for what is read, not only for what stat() reports (/proc, growing files)."""
    from generator import profile as profile_module

    big = tmp_path / "big.yaml"
    big.write_text(VALID + "# " + "x" * (profile_module.MAX_BYTES + 10) + "\n")
    real_stat = Path.stat

    def lying_stat(self, *args, **kwargs):
        result = real_stat(self, *args, **kwargs)
        if self == big:
            return type(result)((*result[:6], 0, *result[7:]))  # st_size = 0
        return result

    monkeypatch.setattr(Path, "stat", lying_stat)
    result = build(big, tmp_path / "out")
    assert result.exit_code == 2 and f"a profile may be at most {profile_module.MAX_BYTES}" in result.output


def test_every_free_text_field_is_fuzzed():
    """The fuzzing covers the schema's free-text fields, not a hand-made list."""
    paths = [p for p, _ in free_text_fields()]
    assert "controller.name" in paths and "hosting.address" in paths
    assert {p for p, f in walk() if f.kind == "text"} <= set(paths)
