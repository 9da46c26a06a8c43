"""Injection: every payload of tests/corpus/injection.txt in every free-text field stays text.

Other generators shipped stored XSS (the avalex WordPress plugin, CVE-2023-25059). Here a value
from a profile may hold HTML, JavaScript, Markdown, Jinja and other template syntax, CSS, URL
schemes, PDF syntax or spreadsheet formulas: in every output format it is shown literally.

How it is proved, without guessing at substrings:
- HTML (the page, the fragment, the HTML inside the JSON): parsed with html.parser, the
  sequence of tags and attribute names is exactly that of the same profile with harmless
  values, and the payload is in the text as written;
- Markdown: rendered by markdown-it with raw HTML *allowed*, the same holds;
- JSON: same shape as with harmless values, the payload as a string;
- CSV: no cell a spreadsheet would run as a formula;
- PDF: no request to a local server that counts them, no byte of a canary file, no
  JavaScript, launch or attachment, no link but the document's own, the payload as text.

Three passes keep the time reasonable: (1) each payload in all free-text fields at once, in the
privacy policy (which prints every field), alternating the language; (2) the payloads spread
over the fields, every document, both languages, every text format; (3) the payloads that
could make a renderer fetch or embed something, spread over the fields of a few PDFs.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pikepdf
import pytest
import yaml
from conftest import which_or_skip
from markdown_it import MarkdownIt
from robust_support import (
    FULL,
    CountingServer,
    files_of,
    free_text_fields,
    parse_html,
    privgen,
    shown,
    with_values,
    write_profile,
)

import generator
from generator.exporters import targets

CORPUS = Path(__file__).resolve().parent / "corpus"
MARKDOWN_WITH_HTML = MarkdownIt("commonmark", {"html": True}).enable("table")
FIELDS = free_text_fields()
CANARY_TEXT = "CANARY-c4f1e2-do-not-embed"
# formats beyond md/html/json that write text, when installed
EXTRA_FORMATS = [f for f in ("html-fragment", "csv", "dpv") if f in targets()]


def corpus() -> list[tuple[str, str]]:
    """(category, payload) for every line of injection.txt."""
    out, category = [], ""
    for line in (CORPUS / "injection.txt").read_text(encoding="utf-8").split("\n"):
        header = re.fullmatch(r";; \[(\w+)\]", line)
        if header:
            category = header.group(1)
        elif line and not line.startswith(";;"):
            out.append((category, line))
    return out


PAYLOADS = corpus()


def test_corpus_covers_every_kind_of_attack():
    kinds = {c for c, _ in PAYLOADS}
    assert {"html", "url", "markdown", "template", "css", "pdf", "spreadsheet", "unicode"} <= kinds
    assert len(PAYLOADS) >= 150


@pytest.fixture(scope="module")
def server():
    s = CountingServer()
    yield s
    s.close()


@pytest.fixture(scope="module")
def canary(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("secret") / "canary.txt"
    path.write_text(CANARY_TEXT)
    return path


def concrete(payload: str, port: int, canary: Path) -> str:
    return payload.replace("{PORT}", str(port)).replace("{CANARY}", str(canary))


SEPARATOR = " · "


def spread(values: list[str], per_field: int) -> list[dict[str, list[str]]]:
    """The values dealt out to profiles: each free-text field gets `per_field` of them, joined
    by SEPARATOR (a one-line field such as the postal code gets one, cut to its limit)."""
    profiles, i = [], 0
    while i < len(values):
        fields: dict[str, list[str]] = {}
        for path, limit in FIELDS:
            take = per_field if limit >= 300 else 1
            fields[path] = values[i : i + take] or values[:1]
            i += take
        profiles.append(fields)
    return profiles


def fill(fields: dict[str, list[str]]) -> dict[str, str]:
    """Field path -> the joined value, cut to the field's limit."""
    limits = dict(FIELDS)
    return {path: SEPARATOR.join(parts)[: limits[path]] for path, parts in fields.items()}


def placed(fields: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(field, payload) for every payload that fits whole into its field."""
    limits = dict(FIELDS)
    return [(path, part) for path, parts in fields.items() for part in parts if len(part) <= limits[path]]


# -- what a document looks like, apart from the values in it --------------------------------
def shape(value):
    """JSON without its strings: keys, list lengths and types."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return type(value).__name__


def embedded_html(value, path: str = "") -> dict[str, list]:
    """The tag structure of every "html" string inside a JSON document, by JSON path."""
    found = {}
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "html" and isinstance(v, str):
                found[f"{path}.{k}"] = parse_html(v).events
            else:
                found.update(embedded_html(v, f"{path}.{k}"))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found.update(embedded_html(v, f"{path}[{i}]"))
    return found


def strings(value) -> list[str]:
    """Every string in a JSON document."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def structure(path: Path) -> dict:
    """What must not change when only the values change, with the visible text."""
    data = path.read_bytes()
    name = path.name
    if name.endswith(".html"):
        page = parse_html(data.decode("utf-8"))
        return {"events": page.events, "text": flat(page.plain), "links": page.hrefs(), "attrs": page.attrs}
    if name.endswith(".md"):
        page = parse_html(MARKDOWN_WITH_HTML.render(data.decode("utf-8")))
        return {"events": page.events, "text": flat(page.plain), "links": page.hrefs(), "attrs": page.attrs}
    if name.endswith((".json", ".jsonld")):
        doc = json.loads(data)
        return {
            "shape": shape(doc),
            "html": embedded_html(doc),
            "text": "\n".join(map(flat, strings(doc))),
        }
    if name.endswith(".csv"):
        rows = list(
            csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";" if "/de/" in str(path) else ",")
        )
        return {"rows": [len(r) for r in rows], "cells": [c for r in rows for c in r]}
    return {"bytes": data}


def differences(got: dict, want: dict, label: str) -> list[str]:
    """Why a file built from hostile values differs in structure from the harmless one."""
    problems = []
    for key in ("events", "shape", "html", "rows", "bytes"):
        if key in want and got.get(key) != want[key]:
            detail = ""
            if key == "events":
                extra = [e for e in got[key] if e not in want[key]]
                detail = (
                    f": new {extra[:5]}" if extra else f": {len(got[key])} events instead of {len(want[key])}"
                )
            problems.append(f"{label}: the {key} changed{detail}")
    for tag, attr, _ in got.get("attrs", []):
        if attr.startswith("on") or attr in ("style", "srcdoc", "formaction"):
            problems.append(f"{label}: active attribute {attr} on <{tag}>")
    for link in got.get("links", []):
        scheme = urlsplit(link).scheme.lower()
        if not (link.startswith("#") or scheme in ("http", "https", "mailto")):
            problems.append(f"{label}: link {link!r}")
    for cell in got.get("cells", []):
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            problems.append(f"{label}: CSV cell {cell[:40]!r} would run as a formula")
    return problems


def tree(folder: Path) -> dict[str, dict]:
    """The documents of one profile's output folder: "lang/file" -> structure."""
    return {name: structure(path) for name, path in files_of(folder).items() if name != "manifest.json"}


def build_folder(folder: Path, out: Path, *options: str):
    result = privgen("build", folder, "-o", out, *options)
    assert result.exit_code == 0, result.output[-3000:]
    return result


# -- pass 1: each payload in every field ---------------------------------------------------
@pytest.fixture(scope="module")
def privacy_baseline(tmp_path_factory) -> dict[str, dict]:
    tmp = tmp_path_factory.mktemp("baseline1")
    (tmp / "in").mkdir()
    write_profile(tmp / "in" / "baseline.yaml", FULL)
    build_folder(tmp / "in", tmp / "out", "--format", "md,html,json", "--documents", "privacy-policy")
    return tree(tmp / "out" / FULL["id"])


def test_each_payload_in_every_field_is_inert(tmp_path: Path, server, canary, privacy_baseline):
    folder = tmp_path / "in"
    folder.mkdir()
    for i, (_, payload) in enumerate(PAYLOADS):
        value = concrete(payload, server.port, canary)
        data = with_values({path: value[:limit] for path, limit in FIELDS})
        data["id"] = f"p{i:03d}"
        data["languages"] = ["de"] if i % 2 == 0 else ["en"]  # each payload in one language here
        write_profile(folder / f"p{i:03d}.yaml", data)
    build_folder(folder, tmp_path / "out", "--format", "md,html,json", "--documents", "privacy-policy")
    problems = []
    for i, (category, payload) in enumerate(PAYLOADS):
        lang = "de" if i % 2 == 0 else "en"
        value = concrete(payload, server.port, canary)
        want = flat(shown(value))
        built = tree(tmp_path / "out" / f"p{i:03d}")
        assert sorted(built) == sorted(n for n in privacy_baseline if n.startswith(f"{lang}/")), payload
        for name, got in built.items():
            label = f"[{category}] {payload!r} in {name}"
            problems += differences(got, privacy_baseline[name], label)
            if want not in got.get("text", want):
                problems.append(f"{label}: not shown literally")
        data = json.loads((tmp_path / "out" / f"p{i:03d}" / lang / "privacy-policy.json").read_text("utf-8"))
        if data["controller"] != shown(value):
            problems.append(f"[{category}] {payload!r}: JSON controller is {data['controller']!r}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    assert server.hits == [], f"building fetched {server.hits}"


# -- pass 2: every document, every text format, both languages -----------------------------
@pytest.fixture(scope="module")
def full_formats() -> str:
    return ",".join(["md", "html", "json", *EXTRA_FORMATS])


def test_payloads_are_inert_in_every_document_and_text_format(tmp_path: Path, server, canary, full_formats):
    base_in, folder = tmp_path / "base", tmp_path / "in"
    base_in.mkdir()
    folder.mkdir()
    write_profile(base_in / "full.yaml", FULL)
    build_folder(base_in, tmp_path / "base-out", "--format", full_formats)
    baseline = tree(tmp_path / "base-out" / FULL["id"])
    values = [concrete(p, server.port, canary) for _, p in PAYLOADS]
    groups = spread(values, per_field=3)  # line starts are covered by the first pass
    for g, group in enumerate(groups):
        data = with_values(fill(group))
        data["id"] = f"g{g:02d}"
        write_profile(folder / f"g{g:02d}.yaml", data)
    build_folder(folder, tmp_path / "out", "--format", full_formats)
    problems = []
    for g, group in enumerate(groups):
        built = tree(tmp_path / "out" / f"g{g:02d}")
        assert sorted(built) == sorted(baseline), "the hostile values changed which files are written"
        for name, got in built.items():
            problems += differences(got, baseline[name], f"group {g} {name}")
        for lang in ("de", "en"):
            text = built[f"{lang}/privacy-policy.html"]["text"]
            for path, value in placed(group):
                if flat(shown(value)) not in text:
                    problems.append(f"group {g} {lang}: {path}: {value!r} not shown literally")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    assert server.hits == [], f"building fetched {server.hits}"


# -- pass 3: PDF -------------------------------------------------------------------------------
ACTIVE_PDF_KEYS = {
    "/JavaScript", "/JS", "/Launch", "/OpenAction", "/AA", "/EmbeddedFile", "/EmbeddedFiles",
    "/RichMedia", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/XFA", "/Sound", "/Movie",
}  # fmt: skip


def pdf_findings(path: Path, allowed_uris: set[str]) -> list[str]:
    problems = []
    raw = path.read_bytes()
    if CANARY_TEXT.encode() in raw:
        problems.append(f"{path.name}: holds the canary")
    with pikepdf.open(path) as pdf:
        if len(pdf.attachments):
            problems.append(f"{path.name}: attachments {list(pdf.attachments)}")
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    if CANARY_TEXT.encode() in obj.read_bytes():
                        problems.append(f"{path.name}: a stream holds the canary")
                except pikepdf.PdfError:
                    pass
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                keys = set(obj.keys())
                if keys & ACTIVE_PDF_KEYS:
                    problems.append(f"{path.name}: active PDF content {sorted(keys & ACTIVE_PDF_KEYS)}")
                if obj.get("/S") == pikepdf.Name("/URI"):
                    uri = str(obj.get("/URI"))
                    if uri not in allowed_uris:
                        problems.append(f"{path.name}: link to {uri!r}")
    return problems


def squash(text: str) -> str:
    """Text without spaces and hyphens (WeasyPrint breaks long words with U+2010)."""
    return re.sub(r"[\s\u00a0\u202f\u2009\u3000\u2010\u00ad-]+", "", unicodedata.normalize("NFC", text))


def pdftotext(path: Path) -> str:
    """The PDF's text by poppler (it keeps full-width and combined characters, unlike pypdf)."""
    exe = which_or_skip("pdftotext")
    return subprocess.run(
        [exe, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


def pdf_body(text: str, title: str) -> str:
    """pdftotext's text without the running header (up to the title line, from page 2 on) and
    footer ("Stand: ... Seite n von m"), which interrupt a paragraph at a page break."""
    pages = []
    for n, page in enumerate(text.split("\f")):
        page = re.sub(r"\n[^\n]*\n+\S+ \d+ \S+ \d+\s*$", "", page.rstrip())  # date line, page n of m
        if n:
            head = re.search(rf"^{re.escape(title)}$", page, re.M)
            page = page[head.end() :] if head else page
        pages.append(page)
    return "\n".join(pages)


def test_pdf_fetches_nothing_embeds_nothing_and_shows_payloads(tmp_path: Path, server, canary):
    values = [concrete(p, server.port, canary) for _, p in PAYLOADS]
    groups = spread(values, per_field=6)  # what reaches the renderer matters, not where
    folder = tmp_path / "in"
    folder.mkdir()
    for g, group in enumerate(groups):
        data = with_values(fill(group))
        data["id"] = f"pdf{g:02d}"
        data["languages"] = ["de"]
        data["controller"]["website"] = f"http://127.0.0.1:{server.port}/website"  # a link, never fetched
        write_profile(folder / f"pdf{g:02d}.yaml", data)
    build_folder(folder, tmp_path / "out", "--format", "pdf,html", "--documents", "privacy-policy")
    assert server.hits == [], f"PDF rendering fetched {server.hits}"
    problems = []
    for g, group in enumerate(groups):
        base = tmp_path / "out" / f"pdf{g:02d}" / "de"
        html = parse_html((base / "privacy-policy.html").read_text(encoding="utf-8"))
        allowed = {h for h in html.hrefs() if not h.startswith("#")}
        pdf = base / "privacy-policy.pdf"
        problems += pdf_findings(pdf, allowed)
        text = squash(pdf_body(pdftotext(pdf), "Datenschutzerklärung"))
        for path, value in placed(group):
            if value.isascii() and squash(shown(value)) not in text:  # the fonts cover Latin
                problems.append(f"{pdf.name} (group {g}): {path}: {value!r} not in the PDF's text")
        with pikepdf.open(pdf) as doc:
            title = str(doc.docinfo.get("/Title", ""))
        if shown(fill(group)["controller.name"]) not in title:
            problems.append(f"group {g}: PDF title {title!r} lost the controller's name")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


# -- e-mail addresses and web addresses that pass validation ---------------------------------
def structured() -> dict[str, list[str]]:
    return yaml.safe_load((CORPUS / "injection.yaml").read_text(encoding="utf-8"))


def test_hostile_addresses_become_plain_links(tmp_path: Path, server, privacy_baseline):
    data = structured()
    emails, urls, phones = data["emails"], data["urls"], data["phones"]
    count = max(len(emails), len(urls))
    folder = tmp_path / "in"
    folder.mkdir()
    cases = []
    for i in range(count):
        case = {
            "controller.email": emails[i % len(emails)],
            "dpo.email": emails[(i + 1) % len(emails)],
            "controller.website": urls[i % len(urls)].replace("{PORT}", str(server.port)),
            "controller.phone": phones[i % len(phones)],
            "dpo.phone": phones[(i + 1) % len(phones)],
        }
        cases.append(case)
        profile = with_values(case)
        profile["id"] = f"a{i:02d}"
        profile["languages"] = ["de"] if i % 2 == 0 else ["en"]
        write_profile(folder / f"a{i:02d}.yaml", profile)
    build_folder(folder, tmp_path / "out", "--format", "md,html,json", "--documents", "privacy-policy")
    problems = []
    for i, case in enumerate(cases):
        lang = "de" if i % 2 == 0 else "en"
        for name in ("privacy-policy.html", "privacy-policy.md"):
            path = tmp_path / "out" / f"a{i:02d}" / lang / name
            got = structure(path)
            want = privacy_baseline[f"{lang}/{name}"]
            if [e[:2] for e in got["events"]] != [e[:2] for e in want["events"]]:
                problems.append(f"{case}: {name}: the tags changed")
            problems += differences({"attrs": got["attrs"], "links": got["links"]}, {}, f"{case} {name}")
            known = {case["controller.email"], case["dpo.email"]} | {
                unquote(urlsplit(x).path) for x in want["links"] if x.startswith("mailto:")
            }
            website = urlsplit(case["controller.website"])
            for link in got["links"]:
                parts = urlsplit(link)
                if parts.scheme == "mailto" and (
                    parts.query or parts.fragment or unquote(parts.path) not in known
                ):
                    problems.append(f"{name}: mailto link {link!r} is not an address as written")
                if re.search(r"[\s\"'<>`]", link):
                    problems.append(f"{name}: unencoded character in link {link!r}")
            if not any(urlsplit(x).netloc == website.netloc for x in got["links"]):
                problems.append(f"{name}: no link to the website {case['controller.website']!r}")
            for value in case.values():
                if flat(unicodedata.normalize("NFC", value)) not in got["text"]:
                    problems.append(f"{name}: {value!r} not shown literally")
    assert not problems, "\n".join(problems[:40])
    assert server.hits == []


# -- reads, not only embeds: every file the PDF build opens -----------------------------------
_OPENED: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        _OPENED.append(os.fsdecode(args[0]))


def test_pdf_build_opens_no_file_a_profile_names_audited(tmp_path: Path, server, canary):
    """With an audit hook on every open() of the build process: the canary file named by the
    payloads is never opened, and nothing outside the package but the profile and the output
    folder is (Python's own modules aside)."""
    global _OPENED
    values = [concrete(p, server.port, canary) for c, p in PAYLOADS if c in ("html", "css", "pdf", "url")]
    group = spread(values, per_field=20)[0]
    data = with_values(fill(group))
    data["id"], data["languages"] = "audit", ["de"]
    profile = write_profile(tmp_path / "audit.yaml", data)
    sys.addaudithook(_audit)  # stays installed, but records only while _OPENED is a list
    _OPENED = []
    try:
        options = ("--format", "pdf", "--jobs", "1", "--documents", "privacy-policy")
        result = privgen("build", profile, "-o", tmp_path / "out", *options)
    finally:
        opened, _OPENED = _OPENED, None
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "audit" / "de" / "privacy-policy.pdf").is_file()
    assert str(canary) not in opened and not any(o.startswith(str(canary.parent)) for o in opened)
    package = Path(generator.__file__).resolve().parent
    weasyprint_dir = Path(importlib.util.find_spec("weasyprint").origin).resolve().parent

    def unexpected(name: str) -> bool:
        path = Path(name).resolve() if os.path.isabs(name) else (Path.cwd() / name).resolve()
        if path.is_relative_to(tmp_path):  # the test's folder: only the profile and the output
            return not (path == profile or path.is_relative_to(tmp_path / "out"))
        # fonts and stylesheets only from privgen (and WeasyPrint's own user-agent stylesheets)
        trusted = path.is_relative_to(package) or path.is_relative_to(weasyprint_dir)
        return path.suffix in (".ttf", ".otf", ".woff", ".woff2", ".css") and not trusted

    outside = [name for name in opened if unexpected(name)]
    assert outside == [], f"the PDF build opened {outside}"
    assert server.hits == []
