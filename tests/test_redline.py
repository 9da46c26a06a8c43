"""`privgen diff OLD NEW`: the redline between two builds, in Markdown and as a standalone HTML page.

Golden files: tests/golden/redline/ (regenerate with `pytest tests/test_redline.py --update-golden`
and review the diff)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from batch_support import client, write_clients
from conftest import GOLDEN, ROOT, tool_missing
from staleness_support import change_library, library_copy

from generator.redline import line_kinds, word_diff

FORMATS = ("--format", "md,json")
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The same client built before and after the library changed: (profiles, old, new)."""
    from click.testing import CliRunner

    from generator.cli import main

    tmp = tmp_path_factory.mktemp("redline")
    folder = tmp / "clients"
    write_clients(folder, ["shop"], provider="mailjet", languages=("de", "en"))
    runner = CliRunner(env={"SOURCE_DATE_EPOCH": "1796083200"})
    old, new = tmp / "old", tmp / "new"
    assert runner.invoke(main, ["build", str(folder), "-o", str(old), *FORMATS]).exit_code == 0
    with library_copy(tmp) as lib:
        change_library(lib)
        result = runner.invoke(main, ["build", str(folder), "-o", str(new), *FORMATS])
        assert result.exit_code == 0, result.output
    return folder, old, new


def normalised(text: str, *paths: Path) -> str:
    for n, path in enumerate(paths):
        text = text.replace(str(path), f"<{'old' if n == 0 else 'new'}>")
    return text


def golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / "redline" / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} missing: run pytest tests/test_redline.py --update-golden"
    assert text == path.read_text(encoding="utf-8"), f"{path} differs: review and --update-golden"


def test_word_diff_marks_only_the_changed_words():
    lines = word_diff(
        "Wir senden keine Werbung.\nZweite Zeile.", "Wir senden weder Werbung noch Links.\nZweite Zeile."
    )
    assert len(lines) == 2
    first = [(s.kind, s.text) for s in lines[0]]
    # "Werbung" alone between two changes is folded into one change: easier to read
    assert first == [
        ("equal", "Wir senden "),
        ("delete", "keine Werbung"),
        ("insert", "weder Werbung noch Links"),
        ("equal", "."),
    ]
    assert [(s.kind, s.text) for s in lines[1]] == [("equal", "Zweite Zeile.")]
    assert word_diff("gleich", "gleich") == [[type(lines[0][0])("equal", "gleich")]]


def test_a_single_word_between_two_changes_joins_them():
    (line,) = word_diff("enthält keine Werbung.", "enthält keinerlei Werbung und keine Links.")
    kinds = [s.kind for s in line]
    assert kinds == ["equal", "delete", "insert", "equal"], line


def test_line_kinds_follow_the_markdown():
    assert line_kinds("Intro:\n\n- a\n- b\n\n1. eins\n\nEnde.") == [
        "para",
        "bullet",
        "bullet",
        "ordered",
        "para",
    ]


def test_markdown_redline(builds, run, tmp_path: Path, update_golden):
    folder, old, new = builds
    with library_copy(tmp_path) as lib:  # the installed library's changelog gives the reasons
        change_library(lib)
        result = run("diff", old / "shop", new / "shop")
    assert result.exit_code == 0, result.output
    md = result.output
    assert "enthält ~~keine Werbung~~ **weder Werbung noch Links zu Angeboten**." in md
    assert "contains ~~no advertising~~ **neither advertising nor links to offers**." in md
    assert "~~4~~ **6** rue Jules Lefebvre" in md
    assert "Version 1 → 2" in md and "version 1 → 2" in md  # German and English parts
    assert "Warum: Klarstellung (Testeintrag)." in md and "Why: Clarification (test entry)." in md
    assert "Anbieterkatalog: `providers/mailjet` Version 1 → 2" in md
    assert "> 2027-02-02: Mailjet: neue Anschrift." in md
    assert re.search(r"\d+ weitere Abschnitte unverändert", md)
    golden("shop.md", normalised(md, old, new), update_golden)


def test_html_redline(builds, run, tmp_path: Path, update_golden):
    _, old, new = builds
    target = tmp_path / "changes.html"
    with library_copy(tmp_path) as lib:
        change_library(lib)
        result = run("diff", old / "shop", new / "shop", "-o", target)
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert "Warum: Klarstellung (Testeintrag)." in page
    assert page.startswith("<!DOCTYPE html>") and '<html lang="de">' in page
    assert re.search(r"<del><span class=\"visually-hidden\">\[gelöscht: </span>4<span", page)
    assert re.search(
        r"<ins( class=\"next\")?><span class=\"visually-hidden\">\[eingefügt: </span>6<span", page
    )
    assert '<section lang="en"' in page and "[inserted: " in page
    assert "default-src 'none'" in page
    check_self_contained(page)
    golden("shop.html", normalised(page, old, new), update_golden)


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def check_self_contained(page: str) -> None:
    parser = Tags()
    parser.feed(page)
    tags = [t for t, _ in parser.tags]
    assert "script" not in tags and "link" not in tags and "img" not in tags and "iframe" not in tags
    for _, attrs in parser.tags:
        for name in ("src", "href", "action", "srcset"):
            assert name not in attrs, attrs
    assert "@import" not in page and "url(" not in page
    headings = [int(t[1]) for t in tags if re.fullmatch(r"h[1-6]", t)]
    assert headings[0] == 1 and tags.count("h1") == 1
    assert all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False)), headings
    assert tags.count("main") == 1


def test_values_are_escaped_in_both_formats(tmp_path: Path, run):
    folder = tmp_path / "clients"
    folder.mkdir()
    path = folder / "evil.yaml"
    text = client("evil", provider=None).replace("Evil GmbH", "'Evil *GmbH* <b>x</b>'")
    path.write_text(text, encoding="utf-8")
    old, new = tmp_path / "old", tmp_path / "new"
    assert run("build", folder, "-o", old, *FORMATS).exit_code == 0
    path.write_text(
        text.replace("<b>x</b>", "<script>alert(1)</script> _y_ [z](javascript:q)"), encoding="utf-8"
    )
    assert run("build", folder, "-o", new, *FORMATS).exit_code == 0
    md = run("diff", old / "evil", new / "evil").output
    assert "\\<script\\>" in md and "\\*GmbH\\*" in md and "\\[z\\]" in md and "\\_y\\_" in md
    assert "<script>" not in md
    page = run("diff", old / "evil", new / "evil", "--format", "html").output
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    check_self_contained(page)


def test_a_profile_as_new_shows_what_a_rebuild_would_change(builds, run, tmp_path: Path):
    folder, old, new = builds
    with library_copy(tmp_path) as lib:
        change_library(lib)
        built = run("diff", old / "shop", new / "shop").output
        preview = run("diff", old / "shop", folder / "shop.yaml")
    assert preview.exit_code == 0, preview.output
    strip = lambda text: text.split("\n", 3)[3]  # noqa: E731 - without the line naming the inputs
    assert strip(preview.output) == strip(built)


def test_json_files_and_manifests_can_be_compared(builds, run):
    _, old, new = builds
    files = run(
        "diff", old / "shop" / "de" / "privacy-policy.json", new / "shop" / "de" / "privacy-policy.json"
    )
    assert files.exit_code == 0 and "~~4~~ **6**" in files.output and "(en)" not in files.output
    manifests = run("diff", old / "shop" / "manifest.json", new / "shop" / "manifest.json", "--lang", "en")
    assert manifests.exit_code == 0 and "Changes: " in manifests.output and "(de)" not in manifests.output
    whole = run("diff", old, new, "--documents", "all")
    assert whole.exit_code == 0
    headings = [line for line in whole.output.splitlines() if line.startswith("## ")]
    assert len(headings) > 4 and "## Datenschutzerklärung (de)" in headings  # every document, by title


def test_no_difference_and_exit_code(builds, run):
    _, old, new = builds
    same = run("diff", old / "shop", old / "shop", "--exit-code")
    assert same.exit_code == 0 and "Keine Änderungen am Text." in same.output
    assert run("diff", old / "shop", new / "shop", "--exit-code").exit_code == 1


def test_bad_input(builds, run, tmp_path: Path):
    _, old, new = builds
    missing = run("diff", tmp_path / "nothing", new / "shop")
    assert missing.exit_code == 2 and "no such file or folder" in missing.output
    md_only = tmp_path / "md-only"
    shutil.copytree(old / "shop", md_only / "shop")
    manifest = json.loads((md_only / "shop" / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["documents"]:
        entry["files"] = {k: v for k, v in entry["files"].items() if not k.endswith(".json")}
    (md_only / "shop" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run("diff", md_only / "shop", new / "shop")
    assert result.exit_code == 2 and "has no JSON export" in result.output and "--format" in result.output
    not_json = tmp_path / "x.json"
    not_json.write_text("[1, 2]", encoding="utf-8")
    assert run("diff", not_json, new / "shop").exit_code == 2
    bad_lang = run("diff", old / "shop", new / "shop", "--lang", "fr")
    assert bad_lang.exit_code == 2


def test_the_html_redline_is_valid(builds, run, tmp_path: Path):
    _, old, new = builds
    target = tmp_path / "changes.html"
    run("diff", old / "shop", new / "shop", "-o", target, "--documents", "all")
    java = shutil.which("java")
    if not java:
        tool_missing("java", "the Nu HTML checker runs on Java (apt-get install default-jre-headless)")
    if not VNU.is_file():
        tool_missing("vnu-jar", "npm ci --ignore-scripts (package.json) installs the Nu HTML checker")
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", str(target)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert not messages, messages[:10]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_html_redline_is_accessible(builds, run, tmp_path: Path, scheme: str):
    _, old, new = builds
    target = tmp_path / "changes.html"
    run("diff", old / "shop", new / "shop", "-o", target)
    if not Path(CHROMIUM).exists():
        tool_missing(
            "chromium", "Debian's /usr/bin/chromium (apt-get install chromium), driven by Playwright"
        )
    if not AXE.is_file():
        tool_missing("axe-core", "npm ci --ignore-scripts (package.json) installs axe-core")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        tool_missing("playwright", "pip install playwright (the [test] extra); never a browser download")
    args = [
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            page = browser.new_context(color_scheme=scheme, bypass_csp=True).new_page()  # axe is injected
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(target.resolve().as_uri())
            page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
            violations = page.evaluate(
                """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v =>
                    `${v.id}: ${v.nodes.slice(0, 3).map(n => n.target).join(' | ')}`)"""
            )
            background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        finally:
            browser.close()
    assert not violations, violations
    assert [u for u in requests if not u.startswith("file:")] == []
    assert (background == "rgb(18, 18, 18)") == (scheme == "dark")
