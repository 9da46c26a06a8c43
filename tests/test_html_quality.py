"""The standalone HTML page: valid, semantic and accessible, in every golden case and language.

- structure (no tool needed): `lang`, one h1 and no skipped heading level, landmarks, a skip
  link to the main content, unique ids, every in-page link resolves, the stable anchors
  (section id, clause id with dots as dashes), nothing loaded from anywhere;
- the Nu HTML checker (vnu.jar from npm, on the system Java): zero errors, CSS included;
- axe-core in Debian's Chromium (Playwright), light and dark colour scheme: zero violations;
- in the browser: the skip link is the first stop of the keyboard and moves focus to the
  content, a 320 px screen needs no sideways scrolling, dark mode is dark, print hides what
  only a screen needs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser_support import AXE, VNU, chromium
from conftest import PROFILES, TEST_PROFILES, tool_missing

from generator.document import anchor_of

CASES = sorted(PROFILES.glob("*.yaml")) + sorted(TEST_PROFILES.glob("*.yaml"))


class Page(HTMLParser):
    """Elements in document order, with attributes, and the text of the <title> and <style>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in ("title", "style"):
            self._open = tag

    def handle_endtag(self, tag):
        if tag == self._open:
            self._open = None

    def handle_data(self, data):
        if self._open:
            self.texts[self._open] = self.texts.get(self._open, "") + data


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Every golden case built as HTML (and JSON, for the anchors), once."""
    from click.testing import CliRunner

    from generator.cli import main

    out = tmp_path_factory.mktemp("pages")
    for profile in CASES:
        result = CliRunner(env={"SOURCE_DATE_EPOCH": "1796083200"}).invoke(
            main, ["build", str(profile), "-o", str(out), "--format", "html,json"]
        )
        assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def pages(built: Path) -> list[Path]:
    found = sorted(p for p in built.glob("*/*/*.html") if not p.name.endswith(".fragment.html"))
    assert {p.parent.name for p in found} == {"de", "en"}, "both languages"
    assert len({p.parts[-3] for p in found}) == len(CASES), "a page for every case"
    return found


def test_pages_are_semantic_and_self_contained(pages: list[Path]):
    for path in pages:
        page = parse(path)
        tags = [tag for tag, _ in page.elements]
        attrs = {tag: a for tag, a in reversed(page.elements)}  # first occurrence of each tag
        assert attrs["html"].get("lang") == path.parent.name, f"{path}: lang"
        assert page.texts.get("title", "").strip(), f"{path}: empty <title>"
        headings = [int(t[1]) for t in tags if t in ("h1", "h2", "h3", "h4", "h5", "h6")]
        assert headings.count(1) == 1 and headings[0] == 1, f"{path}: one h1, first"
        skipped = [(a, b) for a, b in zip(headings, headings[1:], strict=False) if b > a + 1]
        assert not skipped, f"{path}: heading levels skipped: {skipped}"
        assert tags.count("main") == 1 and tags.count("article") == 1, f"{path}: landmarks"
        ids = [a["id"] for _, a in page.elements if a.get("id")]
        assert len(ids) == len(set(ids)), f"{path}: duplicate ids"
        for tag, a in page.elements:
            href = a.get("href") or ""
            if href.startswith("#"):
                assert href[1:] in ids, f"{path}: <{tag} href={href}> points nowhere"
            for ref in ("aria-labelledby", "aria-describedby"):
                if a.get(ref):
                    assert all(i in ids for i in a[ref].split()), f"{path}: {ref}={a[ref]}"
            # nothing is loaded: no scripts, images, frames, external styles or fonts
            assert tag not in ("script", "img", "iframe", "link", "object", "embed"), f"{path}: <{tag}>"
            assert "src" not in a and "srcset" not in a, f"{path}: <{tag} src>"
        first_link = next(a for tag, a in page.elements if tag == "a")
        assert first_link.get("href") == "#main" and "skip" in (first_link.get("class") or ""), (
            f"{path}: the skip link must come first"
        )
        style = page.texts.get("style", "")
        for word in ("url(", "@import", "@font-face", "http:", "https:"):
            assert word not in style, f"{path}: {word} in the stylesheet"


def test_anchors_are_the_stable_ids(built: Path, pages: list[Path]):
    """Section: its id; clause: its id with dots as dashes (integrations link to these)."""
    for path in pages:
        data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        ids = {a["id"]: a for _, a in parse(path).elements if a.get("id")}
        for section in data["sections"]:
            assert section["anchor"] == anchor_of(section["id"])
            assert ids[section["anchor"]] is not None, f"{path}: section {section['id']}"
            assert f"{section['anchor']}-h" in ids
            for clause in section["clauses"]:
                assert clause["anchor"] == clause["id"].replace(".", "-")
                node = ids[clause["anchor"]]
                assert node.get("data-clause") == clause["id"]
                assert node.get("data-version") == str(clause["version"])


def test_long_documents_have_a_linked_table_of_contents(pages: list[Path]):
    for path in pages:
        page = parse(path)
        sections = [a for tag, a in page.elements if tag == "section"]
        navs = [a for tag, a in page.elements if tag == "nav"]
        if len(sections) < 4:
            continue
        assert len(navs) == 1 and navs[0].get("aria-labelledby") == "toc-heading", path
        links = [a["href"] for tag, a in page.elements if tag == "a" and a.get("href", "").startswith("#")]
        assert [f"#{s['id']}" for s in sections] == links[1 : 1 + len(sections)], f"{path}: contents"


def test_nu_html_checker_finds_no_error(pages: list[Path]):
    java = shutil.which("java")
    if not java:
        tool_missing("java", "the Nu HTML checker runs on Java (apt-get install default-jre-headless)")
    if not VNU.is_file():
        tool_missing("vnu-jar", "npm ci --ignore-scripts (package.json) installs the Nu HTML checker")
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    problems = [f"{m.get('url', '')}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert not problems, "\n".join(problems[:30])
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:  # Debian's Chromium (tests/browser_support.py)
        yield b


# Dark mode changes colours only: there, the rules about colour run.
COLOUR_RULES = ["color-contrast", "link-in-text-block", "focus-order-semantics"]


def axe_pages(pages: list[Path]) -> list[Path]:
    """Every privacy policy (every case, both languages) and each other document in each
    language once: all pages share one template and stylesheet, so this covers every kind of
    content the clauses produce, in a time CI can afford (axe's contrast rule is slow)."""
    chosen: dict[tuple[str, str], Path] = {}
    for path in pages:
        key = (path.name, path.parent.name) if path.name != "privacy-policy.html" else (str(path), "")
        chosen.setdefault(key, path)
    return sorted(chosen.values())


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_core_finds_no_violation(pages: list[Path], browser, scheme: str):
    if not AXE.is_file():
        tool_missing("axe-core", "npm ci --ignore-scripts (package.json) installs axe-core")
    axe = AXE.read_text(encoding="utf-8")
    options = {"resultTypes": ["violations"]}
    if scheme == "dark":
        options["runOnly"] = {"type": "rule", "values": COLOUR_RULES}
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    problems = []
    try:
        for path in axe_pages(pages):
            page.goto(path.resolve().as_uri())
            page.add_script_tag(content=axe)
            violations = page.evaluate(
                """async (options) => (await axe.run(document, options)).violations.map(v =>
                    `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target).join(' | ')}`)""",
                options,
            )
            problems += [f"{path.relative_to(path.parents[2])}: {v}" for v in violations]
    finally:
        context.close()
    assert not problems, "\n".join(problems[:30])


def _one_page_per_language(pages: list[Path]) -> list[Path]:
    chosen = {}
    for path in pages:
        if path.name == "privacy-policy.html":
            chosen.setdefault(path.parent.name, path)
    return sorted(chosen.values())


def test_keyboard_reaches_the_content_through_the_skip_link(pages: list[Path], browser):
    for path in _one_page_per_language(pages):
        page = browser.new_page()
        try:
            page.goto(path.resolve().as_uri())
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.getAttribute('href')")
            assert focused == "#main", f"{path}: the first Tab stop is {focused!r}"
            box = page.evaluate("JSON.stringify(document.activeElement.getBoundingClientRect())")
            rect = json.loads(box)
            assert rect["top"] >= 0 and rect["left"] >= 0 and rect["width"] > 0, f"{path}: skip link hidden"
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.id") == "main", f"{path}: focus not moved"
        finally:
            page.close()


def test_no_sideways_scrolling_on_a_320px_screen(pages: list[Path], browser):
    page = browser.new_page(viewport={"width": 320, "height": 640})
    try:
        for path in axe_pages(pages):
            page.goto(path.resolve().as_uri())
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path}: {overflow}px sideways scrolling at 320px"
    finally:
        page.close()


def test_narrow_screens_dark_mode_and_print(pages: list[Path], browser):
    for path in _one_page_per_language(pages):
        for scheme, expect_dark in (("light", False), ("dark", True)):
            page = browser.new_page(color_scheme=scheme, viewport={"width": 320, "height": 640})
            try:
                page.goto(path.resolve().as_uri())
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"{path}: {overflow}px sideways scrolling at 320px"
                background = page.evaluate("getComputedStyle(document.body).backgroundColor")
                rgb = [int(x) for x in background[background.index("(") + 1 : -1].split(",")[:3]]
                assert (sum(rgb) < 200) == expect_dark, f"{path}: {scheme} background {background}"
                page.emulate_media(media="print")
                hidden = page.evaluate("getComputedStyle(document.querySelector('.skip')).display")
                assert hidden == "none", f"{path}: the skip link is printed"
                color = page.evaluate("getComputedStyle(document.body).color")
                assert color in ("rgb(0, 0, 0)",), f"{path}: printed text is {color}"
            finally:
                page.close()
