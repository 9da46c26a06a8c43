"""Helpers for tests that use a real browser and the HTML checkers.

Debian's Chromium (never a downloaded browser) driven by Playwright, axe-core injected from
node_modules, the Nu HTML checker (vnu.jar from npm) on the system Java. Each helper calls
conftest.tool_missing() when its tool is absent: a skip locally, a failure on CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import ROOT, tool_missing

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium (Debian's), for a test module's `browser` fixture."""
    if not os.path.exists(CHROMIUM):
        tool_missing(
            "chromium", "Debian's /usr/bin/chromium (apt-get install chromium), driven by Playwright"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        tool_missing("playwright", "pip install playwright (the [test] extra); never a browser download")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_source() -> str:
    if not AXE.is_file():
        tool_missing("axe-core", "npm ci --ignore-scripts (package.json) installs node_modules/axe-core")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, tags: list[str] | None = None, rules: list[str] | None = None) -> list[str]:
    """axe-core's WCAG 2.1 AA violations on the page, one line each. The page's context needs
    bypass_csp=True when the page forbids scripts (axe is injected as one)."""
    page.add_script_tag(content=axe_source())
    options: dict = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    else:
        options["runOnly"] = {"type": "tag", "values": tags or WCAG_AA}
    return page.evaluate(
        """async (options) => (await axe.run(document, options)).violations.map(v =>
            `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target).join(' | ')}`)""",
        options,
    )


def vnu_errors(paths: list[Path]) -> list[str]:
    """The Nu HTML checker's errors in the files, one line each (empty: all valid)."""
    java = shutil.which("java")
    if not java:
        tool_missing("java", "the Nu HTML checker runs on Java (apt-get install default-jre-headless)")
    if not VNU.is_file():
        tool_missing("vnu-jar", "npm ci --ignore-scripts (package.json) installs the Nu HTML checker")
    if not paths:
        return []
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in messages]


def vnu_css_errors(paths: list[Path]) -> list[str]:
    """The Nu HTML checker's errors in stylesheets."""
    java = shutil.which("java")
    if not java:
        tool_missing("java", "the Nu HTML checker runs on Java (apt-get install default-jre-headless)")
    if not VNU.is_file():
        tool_missing("vnu-jar", "npm ci --ignore-scripts (package.json) installs the Nu HTML checker")
    result = subprocess.run(
        [java, "-jar", str(VNU), "--css", "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in messages]
