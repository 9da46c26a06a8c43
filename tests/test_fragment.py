"""The embeddable HTML fragment (format html-fragment) and its optional stylesheet.

Static checks on every example profile (no style, script or event-handler attribute; stable,
prefixed, unique ids; every clause present), then the fragment embedded in a page served with
a strict Content-Security-Policy in Chromium: no violation, the stylesheet applies, anchors
work, and axe-core finds no WCAG 2.1 AA problem.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from browser_support import AXE, VNU, chromium
from conftest import PROFILES, TEST_PROFILES, tool_missing

CASES = sorted(PROFILES.glob("*.yaml")) + sorted(TEST_PROFILES.glob("*.yaml"))
CSP = "default-src 'none'; style-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'"
FORBIDDEN_TAGS = {"script", "style", "link", "iframe", "img", "object", "embed", "form", "base", "meta"}


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Every example profile built as html-fragment and json, once."""
    from click.testing import CliRunner

    from generator.cli import main

    out = tmp_path_factory.mktemp("fragments")
    env = {"SOURCE_DATE_EPOCH": "1796083200"}
    for profile in CASES:
        result = CliRunner(env=env).invoke(
            main, ["build", str(profile), "-o", str(out), "--format", "html-fragment,json"]
        )
        assert result.exit_code == 0, result.output
    return out


def fragments(built: Path) -> list[Path]:
    found = sorted(built.glob("*/*/*.fragment.html"))
    assert len(found) >= len(CASES)
    return found


def test_fragment_has_no_styles_scripts_or_handlers(built):
    for path in fragments(built):
        for tag, attrs in parse(path.read_text(encoding="utf-8")):
            assert tag not in FORBIDDEN_TAGS, f"{path}: <{tag}>"
            for name, value in attrs.items():
                assert name != "style" and not name.startswith("on"), f"{path}: <{tag} {name}>"
                if name in ("href", "src", "action", "formaction"):
                    assert value and not value.strip().lower().startswith(("javascript:", "data:")), value


def test_fragment_ids_classes_and_anchors_are_stable_and_prefixed(built):
    for path in fragments(built):
        elements = parse(path.read_text(encoding="utf-8"))
        assert elements[0][0] == "div" and elements[0][1]["class"] == "privgen-document"
        assert elements[0][1]["lang"] == path.parent.name
        ids = [a["id"] for _, a in elements if "id" in a]
        assert len(ids) == len(set(ids)), f"{path}: duplicate ids"
        assert all(i.startswith("privgen-") for i in ids), ids
        classes = [c for _, a in elements for c in (a.get("class") or "").split()]
        assert classes and all(c.startswith("privgen-") for c in classes), classes
        for _, a in elements:
            href = a.get("href") or ""
            if href.startswith("#"):
                assert href[1:] in ids, f"{path}: link to missing anchor {href}"
        assert [tag for tag, _ in elements if tag in ("h1", "h2")] == ["h2"], "one h2 (the title), no h1"


def test_fragment_carries_every_section_and_clause(built):
    for path in sorted(built.glob("*/*/*.fragment.html")):
        doc = json.loads(
            path.with_name(path.name.replace(".fragment.html", ".json")).read_text(encoding="utf-8")
        )
        elements = parse(path.read_text(encoding="utf-8"))
        by_id = {a["id"]: a for _, a in elements if "id" in a}
        for section in doc["sections"]:
            assert by_id[f"privgen-{section['anchor']}"]["data-privgen-section"] == section["id"]
            for clause in section["clauses"]:
                node = by_id[f"privgen-{clause['anchor']}"]
                assert node["data-privgen-clause"] == clause["id"]
                assert node["data-privgen-clause-version"] == str(clause["version"])
                assert clause["html"].strip() in path.read_text(encoding="utf-8")


def test_stylesheet_is_beside_the_fragment_and_loads_nothing(built):
    for path in fragments(built):
        css = path.with_name(path.name.replace(".fragment.html", ".fragment.css"))
        text = css.read_text(encoding="utf-8")
        for word in ("url(", "@import", "@font-face", "expression("):
            assert word not in text, f"{css}: {word}"
        rules = [r.strip() for r in text.split("}") if "{" in r and not r.strip().startswith("@media")]
        for rule in rules:
            selector = rule.split("{")[0].split("*/")[-1].strip()
            assert selector.startswith(".privgen-document"), f"unscoped rule: {selector!r}"


def test_hostile_values_stay_text_in_the_fragment(tmp_path, run):
    text = (PROFILES / "beispiel-shop.yaml").read_text(encoding="utf-8")
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)> " onmouseover="x'
    profile = tmp_path / "evil.yaml"
    profile.write_text(
        text.replace("id: beispiel-shop", "id: evil").replace(
            "name: Beispiel Shop GmbH", "name: " + json.dumps(evil)
        ),
        encoding="utf-8",
    )
    result = run("build", profile, "-o", tmp_path / "out", "--format", "html-fragment")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "evil" / "en" / "privacy-policy.fragment.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in html
    for tag, attrs in parse(html):
        assert tag not in FORBIDDEN_TAGS
        assert not any(name.startswith("on") for name in attrs)


def test_nu_html_checker_finds_no_error_in_the_embedded_fragment_or_stylesheet(built, tmp_path):
    java = shutil.which("java")
    if not java:
        tool_missing("java", "the Nu HTML checker runs on Java (apt-get install default-jre-headless)")
    if not VNU.is_file():
        tool_missing("vnu-jar", "npm ci --ignore-scripts (package.json) installs the Nu HTML checker")
    pages = []
    for path in fragments(built):
        page = tmp_path / f"{path.parent.parent.name}-{path.parent.name}-{path.name}"
        page.write_text(_page(path.parent.name, path.read_text(encoding="utf-8"), "x.css"), encoding="utf-8")
        pages.append(str(page))
    css = next(iter(built.glob("*/*/privacy-policy.fragment.css")))
    for args in (["--errors-only", *pages], ["--css", str(css)]):
        result = subprocess.run([java, "-jar", str(VNU), *args], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]


# In a browser, under a strict Content-Security-Policy.


class _CspHandler(SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def csp_server(tmp_path):
    handler = partial(_CspHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _page(lang: str, body: str, css: str | None) -> str:
    link = f'<link rel="stylesheet" href="{css}">' if css else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>CMS page</title>{link}</head><body><header><p>Site</p></header>"
        f"<main><h1>CMS page</h1>{body}</main></body></html>"
    )


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:  # Debian's Chromium (tests/browser_support.py)
        yield b


RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def _open(browser, url: str):
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(200)  # violation events are dispatched asynchronously
    return context, page, console, requests


def test_fragment_under_strict_csp_in_chromium(browser, built, csp_server):
    root, base = csp_server
    source = built / "beispiel-shop" / "de"
    (root / "privacy-policy.fragment.css").write_bytes((source / "privacy-policy.fragment.css").read_bytes())
    fragment = (source / "privacy-policy.fragment.html").read_text(encoding="utf-8")
    (root / "embed.html").write_text(_page("de", fragment, "privacy-policy.fragment.css"), encoding="utf-8")
    context, page, console, requests = _open(browser, f"{base}/embed.html")
    try:
        assert page.evaluate("window.__violations") == []
        assert not [m for m in console if "Content Security Policy" in m or "Refused" in m], console
        loaded = {r.rsplit("/", 1)[1] for r in requests} - {"favicon.ico"}
        assert loaded == {"embed.html", "privacy-policy.fragment.css"}, requests
        # the stylesheet applied (style-src 'self' allows it)
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.privgen-document')).maxWidth") == "768px"
        )
        # the anchors work: a table-of-contents link targets its section
        page.click("nav.privgen-toc a[href='#privgen-newsletter']")
        assert page.evaluate("location.hash") == "#privgen-newsletter"
        assert page.evaluate("document.querySelector(':target').id") == "privgen-newsletter"
    finally:
        context.close()


def test_the_csp_check_detects_inline_styles_and_scripts(browser, csp_server):
    """The check above would see a violation: an inline style and script are reported."""
    root, base = csp_server
    bad = '<div class="privgen-document"><p style="color:red">x</p><script>document.title="x"</script></div>'
    (root / "bad.html").write_text(_page("en", bad, None), encoding="utf-8")
    context, page, _console, _requests = _open(browser, f"{base}/bad.html")
    try:
        violations = page.evaluate("window.__violations")
        assert any(v.startswith("style-src") for v in violations), violations
        assert any(v.startswith("script-src") for v in violations), violations
        assert page.title() == "CMS page"
    finally:
        context.close()


def test_embedded_fragment_is_accessible(browser, built, csp_server):
    if not AXE.is_file():
        tool_missing("axe-core", "npm ci --ignore-scripts installs node_modules/axe-core (.ci/setup)")
    root, base = csp_server
    for lang in ("de", "en"):
        source = built / "beispiel-shop" / lang
        (root / "privacy-policy.fragment.css").write_bytes(
            (source / "privacy-policy.fragment.css").read_bytes()
        )
        fragment = (source / "privacy-policy.fragment.html").read_text(encoding="utf-8")
        (root / f"a11y-{lang}.html").write_text(
            _page(lang, fragment, "privacy-policy.fragment.css"), encoding="utf-8"
        )
        context = browser.new_context(bypass_csp=True)  # axe is injected as a script
        try:
            page = context.new_page()
            page.goto(f"{base}/a11y-{lang}.html", wait_until="load")
            page.add_script_tag(path=str(AXE))
            tags = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']"
            result = page.evaluate(f"axe.run(document, {{runOnly: {{type: 'tag', values: {tags}}}}})")
            problems = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
            assert not problems, problems
        finally:
            context.close()
