"""A third-party exporter package installed beside privgen: tests/plugins/privgen-plaintext.

.ci/setup installs it (pip install -e); here privgen finds it through its entry point, lists
it and builds with it, in-process and through the installed console script. The guide
(docs/exporters.md) must document every part of the interface the plugin relies on.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest
from conftest import PROFILES, ROOT, tool_missing

from generator import exporters

PLUGIN = ROOT / "tests" / "plugins" / "privgen-plaintext"
GUIDE = ROOT / "docs" / "exporters.md"


@pytest.fixture
def plaintext():
    try:
        dist = distribution("privgen-plaintext")
    except PackageNotFoundError:
        tool_missing("privgen-plaintext", "the example plugin; .ci/setup installs it with pip install -e")
    exporters.reset()
    yield dist
    exporters.reset()


def test_the_installed_plugin_is_discovered(plaintext):
    reg = exporters.registrations()["txt"]
    assert reg.origin == f"privgen-plaintext {plaintext.version}"
    assert not reg.builtin and reg.problem is None
    exporter = exporters.get("txt")
    assert (exporter.suffix, exporter.media_type, exporter.api_version) == (
        "txt",
        "text/plain; charset=utf-8",
        1,
    )


def test_privgen_exporters_lists_it(plaintext, run):
    result = run("exporters")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("txt "))
    assert "*.txt" in line and "text/plain" in line and f"privgen-plaintext {plaintext.version}" in line


def test_build_with_the_plugin(plaintext, run, tmp_path: Path):
    result = run("build", PROFILES / "beispiel-shop.yaml", "-o", tmp_path, "--format", "json,txt")
    assert result.exit_code == 0, result.output
    for lang in ("de", "en"):
        base = tmp_path / "beispiel-shop" / lang
        doc = json.loads((base / "privacy-policy.json").read_text(encoding="utf-8"))
        text = (base / "privacy-policy.txt").read_text(encoding="utf-8")
        assert text.startswith(f"{doc['title']}\n")
        assert doc["date_line"] in text
        for line in text.splitlines():  # wrapped at 78 columns; only a single long word (a URL) may exceed it
            assert len(line) <= 78 or " " not in line.strip(), line
        flat = " ".join(text.split())
        for section in doc["sections"]:
            assert f"{section['number']}. {section['title']}" in text
            for clause in section["clauses"]:
                for line in clause["text"].splitlines():
                    assert " ".join(line.split()) in flat, f"{clause['id']}: {line!r} missing"
    manifest = json.loads((tmp_path / "beispiel-shop" / "manifest.json").read_text(encoding="utf-8"))
    assert any("en/privacy-policy.txt" in d["files"] for d in manifest["documents"])


def test_the_console_script_finds_it_in_a_fresh_process(plaintext, tmp_path: Path):
    privgen = shutil.which("privgen", path=str(Path(sys.executable).parent))
    if not privgen:
        tool_missing("privgen console script", "the venv's privgen, installed by pip install -e .")
    out = tmp_path / "out"
    done = subprocess.run(
        [privgen, "build", str(PROFILES / "berlin-studio.yaml"), "-o", str(out), "--format", "txt"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "berlin-studio" / "en" / "privacy-policy.txt").is_file()


def test_the_example_uses_only_what_the_guide_documents():
    guide = GUIDE.read_text(encoding="utf-8")
    for term in (
        '[project.entry-points."privgen.exporters"]',
        "api_version",
        "media_type",
        "suffix",
        "export(self, document, context)",
        "attachments",
        "export_attachment",
        "applies",
        "generator_version",
        "pdf_variant",
        "privgen exporters",
        "tests/plugins/privgen-plaintext",
    ):
        assert term in guide, f"docs/exporters.md does not document {term!r}"
    # every RenderedDocument field and every processing field a plugin may read is documented
    from dataclasses import fields

    from generator.document import RenderedClause, RenderedDocument, RenderedSection
    from generator.processing import Activity, Party, Processing, Transfer

    for cls in (RenderedDocument, RenderedSection, RenderedClause, Processing, Party, Activity, Transfer):
        for f in fields(cls):
            assert f"`{f.name}`" in guide, f"docs/exporters.md: {cls.__name__}.{f.name} is undocumented"
    # the guide shows the plugin's registration as it is
    assert 'txt = "privgen_plaintext:PlainTextExporter"' in (PLUGIN / "pyproject.toml").read_text()
    assert 'txt = "privgen_plaintext:PlainTextExporter"' in guide


def test_every_builtin_format_is_documented():
    guide = GUIDE.read_text(encoding="utf-8")
    for name in exporters.BUILTIN:
        assert f"`{name}`" in guide, f"docs/exporters.md does not describe the format {name!r}"
