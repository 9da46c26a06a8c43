"""The PDF renderer fetches nothing from the network or the disk outside the package."""

from __future__ import annotations

from pathlib import Path

import pikepdf
from test_hostile import counting_server  # noqa: F401 - fixture

from generator.exporters.pdf import render_pdf


def test_allow_list_fetcher_blocks_network_and_files(tmp_path: Path, counting_server):  # noqa: F811
    port, hits = counting_server
    canary = tmp_path / "canary.txt"
    canary.write_text("CANARY-SECRET")
    html = f"""<!DOCTYPE html><html lang="de"><head>
    <link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
    <link rel="attachment" href="{canary.as_uri()}">
    <style>@import url("http://127.0.0.1:{port}/import.css");
    body {{ background: url("http://127.0.0.1:{port}/bg.png"); }}
    @font-face {{ font-family: X; src: url("{canary.as_uri()}"); }}</style></head>
    <body><p>Hallo</p><img src="http://127.0.0.1:{port}/i.png" alt="">
    <img src="{canary.as_uri()}" alt=""><img src="../../../../etc/passwd" alt=""></body></html>"""
    pdf = render_pdf(html, "de", "Test")
    assert hits == []
    assert b"CANARY-SECRET" not in pdf
    out = tmp_path / "t.pdf"
    out.write_bytes(pdf)
    with pikepdf.open(out) as doc:
        assert len(doc.attachments) == 0
