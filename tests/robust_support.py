"""Shared by the robustness tests: a profile that uses every block, the free-text fields from
the schema, running the CLI, and checks that an output file is complete and inert."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from generator.schema import walk

# Every block of the profile format, with benign values (the baseline the hostile builds are
# compared with).
FULL: dict[str, Any] = {
    "profile": 1,
    "id": "full",
    "languages": ["de", "en"],
    "effective_date": "2026-11-29",
    "controller": {
        "name": "Beispiel Shop GmbH",
        "representative": "Erika Mustermann",
        "address": {
            "street": "Musterstraße 1",
            "postal_code": "80331",
            "city": "München",
            "country": "DE",
            "region": "BY",
        },
        "email": "datenschutz@beispiel-shop.example",
        "phone": "+49 89 1234567",
        "website": "https://www.beispiel-shop.example",
    },
    "dpo": {
        "name": "Dr. Max Berater",
        "organisation": "Berater Datenschutz GmbH",
        "email": "dsb@beispiel-shop.example",
        "phone": "+49 89 7654321",
    },
    "hosting": {
        "name": "Muster Hosting GmbH",
        "address": "Serverweg 5, 90402 Nürnberg",
        "country": "DE",
        "log_retention_days": 14,
    },
    "contact": {"form": True},
    "newsletter": {
        "provider": "mailjet",
        "double_opt_in": True,
        "fields": ["email", "name"],
        "tracking": "consent",
        "existing_customers": True,
    },
    "transactional_email": {"provider": "mailjet", "purposes": ["order_confirmation", "password_reset"]},
    "sms": {
        "provider": "mailjet",
        "purposes": ["two_factor"],
        "keyword": "START",
        "sender": "+49 151 1234567",
    },
    "providers": {"mailjet": {"contracting_entity": "mailjet-sas", "extra_data": ["orders"]}},
}

# Formats of the output contract whose files are text (PDF is slower and tested on its own).
TEXT_FORMATS = ("md", "html", "json")


def free_text_fields() -> list[tuple[str, int]]:
    """(dotted path, maximum length) of every free-text value the documents may print.

    Taken from the schema, so a field added later is covered too. Per-provider settings are
    left out: their one free-text value (contracting_entity) must name a catalog entity.
    """
    out = []
    for path, spec in walk():
        if spec.kind in ("text", "line") and "<id>" not in path:
            out.append((path, max(spec.max_length, 2000) if spec.kind == "text" else spec.max_length))
    return out


def with_values(values: dict[str, Any], base: dict | None = None) -> dict:
    """A copy of base (default FULL) with the dotted paths set (blocks created as needed)."""
    data = copy.deepcopy(FULL if base is None else base)
    for path, value in values.items():
        node = data
        *parents, last = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return data


def write_profile(path: Path, data: Any, *, ascii_only: bool = False) -> Path:
    text = yaml.safe_dump(data, allow_unicode=not ascii_only, sort_keys=False, width=10_000)
    path.write_text(text, encoding="utf-8")
    return path


def privgen(*args: Any):
    """Run the CLI in-process; an uncaught exception fails the test with its traceback."""
    from generator.cli import main

    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def shown(value: str) -> str:
    """What a free-text value looks like in the documents: NFC, outer whitespace dropped."""
    return unicodedata.normalize("NFC", value).strip()


# -- HTML ---------------------------------------------------------------------------------
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# Wrappers privgen itself puts around text it recognises (typography.py marks e-mail and web
# addresses written as text with <span class="addr">): presentation, not structure.
OWN_WRAPPERS = {("span", "addr")}


class Page(HTMLParser):
    """Tags, attributes and text of an HTML document, as a browser's tokenizer sees them.

    `events` leaves out privgen's own wrappers (OWN_WRAPPERS); `attrs` keeps everything."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self._wrapped: list[bool] = []  # per open <span>: one of privgen's own wrappers
        self.events: list[tuple] = []  # ("start", tag, attribute names) / ("end", tag)
        self.attrs: list[tuple[str, str, str | None]] = []  # (tag, name, value)
        self.text: list[str] = []
        self.open: list[str] = []
        self.problems: list[str] = []
        self.comments: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.attrs += [(tag, n, v) for n, v in attrs]
        if tag == "span":
            own = (tag, dict(attrs).get("class")) in OWN_WRAPPERS and len(attrs) == 1
            self._wrapped.append(own)
            if own:
                self.open.append(tag)
                return
        self.events.append(("start", tag, tuple(sorted(n for n, _ in attrs))))
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.events.append(("start", tag, tuple(sorted(n for n, _ in attrs))))
        self.attrs += [(tag, n, v) for n, v in attrs]

    def handle_endtag(self, tag):
        if tag == "span" and self._wrapped and self._wrapped.pop():
            if self.open and self.open[-1] == "span":
                self.open.pop()
            return
        self.events.append(("end", tag))
        if tag in VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_pi(self, data):
        self.problems.append(f"processing instruction {data!r}")

    def unknown_decl(self, data):
        self.problems.append(f"declaration {data!r}")

    @property
    def plain(self) -> str:
        return "".join(self.text)

    def hrefs(self) -> list[str]:
        return [v or "" for _, n, v in self.attrs if n in ("href", "src", "action", "data", "srcset")]


def parse_html(text: str) -> Page:
    return Page(text)


# -- output trees ---------------------------------------------------------------------------
TEMPORARY = re.compile(r"^\..+\.tmp$")


def files_of(root: Path) -> dict[str, Path]:
    """Relative path -> file, without temporary files."""
    return {
        p.relative_to(root).as_posix(): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and not TEMPORARY.match(p.name)
    }


def temporaries(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and TEMPORARY.match(p.name)]


def assert_complete(path: Path) -> None:
    """A written file is whole: it parses as what its name says."""
    data = path.read_bytes()
    name = path.name
    assert data, f"{path} is empty"
    if name.endswith(".pdf"):
        from pypdf import PdfReader

        assert data.rstrip().endswith(b"%%EOF"), f"{path}: no %%EOF"
        reader = PdfReader(io.BytesIO(data), strict=True)
        assert len(reader.pages) > 0
        assert reader.pages[-1].extract_text() is not None
        return
    text = data.decode("utf-8-sig")
    if name.endswith((".json", ".jsonld")):
        json.loads(text)
    elif name.endswith(".html"):
        page = parse_html(text)
        assert not page.problems and not page.open, f"{path}: unbalanced HTML {page.problems} {page.open}"
        if not name.endswith(".fragment.html"):
            assert text.rstrip().endswith("</html>"), f"{path}: no </html> at the end"
    elif name.endswith(".csv"):
        assert text.endswith("\r\n"), f"{path}: last line incomplete"
        list(csv.reader(io.StringIO(text)))
    else:
        assert text.endswith("\n"), f"{path}: last line incomplete"


def manifest_hashes(manifest: Path) -> dict[str, str]:
    """Every "lang/file" -> sha256 a manifest vouches for (whatever its layout)."""
    found: dict[str, str] = {}

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                digest = isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value)
                if isinstance(key, str) and "/" in key and digest:
                    found[key] = value
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(json.loads(manifest.read_text(encoding="utf-8")))
    return found


def assert_manifest_holds(folder: Path) -> None:
    """A manifest is written last: the files it lists exist with the hashes it records."""
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        return
    for name, digest in manifest_hashes(manifest).items():
        target = folder / name
        assert target.is_file(), f"{manifest} lists {name}, which is missing"
        assert hashlib.sha256(target.read_bytes()).hexdigest() == digest, (
            f"{target}: not what {manifest} says"
        )


# -- a local server that counts requests ----------------------------------------------------
class CountingServer:
    """An HTTP server on 127.0.0.1 that answers everything and records each request path."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"body { color: red }")

            do_POST = do_HEAD = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        self.hits = hits
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
