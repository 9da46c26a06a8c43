"""Hostile values appear literally in every format: never markup, a link, an image or 49."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import PROFILES
from markdown_it import MarkdownIt
from pdftext import pdf_text


class _Counter(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def counting_server():
    _Counter.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], _Counter.hits
    server.shutdown()


def hostile(port: int) -> str:
    return (
        f"<script>alert(1)</script> {{{{ 7*7 }}}} *x* | # y [l](javascript:x) "
        f"![i](http://127.0.0.1:{port}/i.png)"
    )


def test_hostile_controller_name_is_inert_everywhere(tmp_path: Path, run, counting_server):
    port, hits = counting_server
    name = hostile(port)
    text = (PROFILES / "beispiel-shop.yaml").read_text(encoding="utf-8")
    profile = tmp_path / "hostile.yaml"
    profile.write_text(
        text.replace("id: beispiel-shop", "id: hostile").replace(
            "name: Beispiel Shop GmbH", "name: " + json.dumps(name)
        ),
        encoding="utf-8",
    )
    result = run("build", profile, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    for lang in ("de", "en"):
        base = tmp_path / "out" / "hostile" / lang
        # Markdown: inert even under a renderer that allows raw HTML
        md = (base / "privacy-policy.md").read_text(encoding="utf-8")
        html_from_md = MarkdownIt("commonmark", {"html": True}).render(md)
        for rendered in (html_from_md, (base / "privacy-policy.html").read_text(encoding="utf-8")):
            assert "<script" not in rendered
            assert "javascript:" not in rendered.replace("[l](javascript:x)", "")
            assert "<img" not in rendered
            assert 'href="javascript' not in rendered
            assert "{{ 7*7 }}" in rendered
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
        assert "\\{\\{ 7\\*7 \\}\\}" in md  # the template syntax stayed text, escaped
        # JSON: the literal value
        data = json.loads((base / "privacy-policy.json").read_text(encoding="utf-8"))
        assert data["controller"] == name
        assert any(name in c["text"] for s in data["sections"] for c in s["clauses"])
        # PDF: the literal text, and no request to the server
        text = pdf_text(base / "privacy-policy.pdf")
        assert "<script>alert(1)</script> {{ 7*7 }} *x* | # y [l](javascript:x)" in text
    assert hits == [], f"PDF rendering fetched {hits}"
