"""`privgen serve` in a real browser: Debian's Chromium driven by Playwright, against a live
server on 127.0.0.1.

- the newsletter + SMS case from start to download, in German with JavaScript off and in
  English with it on, wrong answers first; the downloaded PDF says what was answered;
- keyboard only: skip link, every control reachable, focus always visible, Enter continues,
  the error summary takes the focus and its links lead to the fields, the language switch;
- axe-core finds no WCAG 2.1 AA violation on any page (light and dark), the Nu HTML checker
  no error in any page that was served; no Content-Security-Policy violation, no request to
  another host, no sideways scrolling on a 320 px screen;
- a screenshot of every page goes to snapshots/web/ (git-ignored): look at them.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import threading

import pytest
from browser_support import axe_violations, chromium, vnu_css_errors, vnu_errors
from conftest import PROFILES, ROOT
from pdftext import pdf_text
from web_case import NAME, STEPS, WRONG

pytest.importorskip("flask")

SHOTS = ROOT / "snapshots" / "web"
VIEWPORT = {"width": 1280, "height": 900}
MOBILE_SHOTS = ("start", "controller-error", "newsletter-more", "review", "preview")
RECORD_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective));
"""


@pytest.fixture(scope="module")
def server():
    """The app on a free port of 127.0.0.1, in a thread of this process."""
    from werkzeug.serving import make_server

    from generator.web.app import create_app

    app = create_app()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PRIVGEN_PORT"] = httpd.port
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        if SHOTS.is_dir():  # this run's pictures only
            shutil.rmtree(SHOTS)
        yield b


class Recorder:
    """Every request of a browser context, and every HTML page the server sent (for vnu)."""

    pages: dict[str, str] = {}  # shared by the module's tests: name -> HTML

    def __init__(self, context, base: str, name: str):
        self.base, self.name = base, name
        self.requests: list[str] = []
        context.on("request", lambda r: self.requests.append(r.url))
        context.on("response", self._response)

    def _response(self, response):
        kind = response.headers.get("content-type", "")
        if response.request.resource_type == "document" and kind.startswith("text/html"):
            path = response.url[len(self.base) :].split("?")[0].strip("/").replace("/", "-") or "start"
            key = f"{self.name}-{path}-{response.status}-{len(Recorder.pages)}"
            with contextlib.suppress(Exception):  # a download, or a page left before it was read
                Recorder.pages[key] = response.text()

    def elsewhere(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(self.base) and not u.startswith("data:")]


def shoot(page, flow: str, name: str) -> None:
    folder = SHOTS / flow
    folder.mkdir(parents=True, exist_ok=True)
    count = len(list(folder.glob("*.png")))
    page.screenshot(path=str(folder / f"{count:02d}-{name}.png"), full_page=True)


def fill(page, values: dict) -> None:
    """Answer like a person: type, tick, choose."""
    for name, value in values.items():
        field = page.locator(f'[name="{name}"]').first
        kind = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind == "input:checkbox":
            for box in page.locator(f'input[name="{name}"]').all():
                box.set_checked(box.get_attribute("value") in value)
        elif kind == "input:radio":
            page.check(f'input[name="{name}"][value="{value}"]')
        elif kind.startswith("select"):
            field.select_option(value)
        else:
            field.fill(value)


def next_page(page) -> None:
    page.locator(".actions button[value=next]").click()


def check_page(page, flow: str, name: str, axe: bool) -> None:
    """A screenshot; on pages with JavaScript on, axe-core and the 320 px check."""
    shoot(page, flow, name)
    if not axe:
        return
    problems = axe_violations(page)
    assert not problems, f"{flow}/{name}:\n" + "\n".join(problems)
    width = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if name in MOBILE_SHOTS:
        shoot(page, flow, f"{name}-320px")
    page.set_viewport_size(width)
    assert overflow <= 0, f"{flow}/{name}: {overflow}px sideways scrolling at 320px"


def run_case(page, flow: str, lang: str, axe: bool) -> None:
    """The newsletter + SMS case, with the wrong answers of web_case.WRONG first."""
    wrong = {(sid, path): (value, de, en) for sid, path, value, de, en in WRONG}
    seen = set()
    for sid, values in STEPS:
        assert f"/s/{sid}" in page.url, (page.url, sid)
        check_page(page, flow, sid if sid not in seen else f"{sid}-more", axe)
        seen.add(sid)
        for (wsid, path), (value, word_de, word_en) in wrong.items():
            if wsid == sid and path in values:
                fill(page, {**values, path: value})
                next_page(page)
                summary = page.locator(".error-summary")
                assert summary.is_visible()
                assert (word_de if lang == "de" else word_en) in page.locator(".error-message").inner_text()
                assert page.title().startswith("Fehler:" if lang == "de" else "Error:")
                check_page(page, flow, f"{sid}-error", axe)
        fill(page, values)
        next_page(page)
    assert page.url.endswith("/review"), page.url
    check_page(page, flow, "review", axe)


def open_context(browser, server, name: str, lang: str, **options):
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE" if lang == "de" else "en-GB", **options)
    return context, Recorder(context, server, name)


def test_newsletter_and_sms_in_german_with_javascript_off(browser, server, tmp_path):
    context, recorder = open_context(
        browser, server, "de-nojs", "de", java_script_enabled=False, accept_downloads=True
    )
    try:
        page = context.new_page()
        page.goto(server + "/")
        shoot(page, "de-nojs", "start")
        assert page.locator("html").get_attribute("lang") == "de"
        page.get_by_role("link", name="Fragen beantworten").click()
        run_case(page, "de-nojs", "de", axe=False)
        assert "Das fehlt noch" not in page.content()
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile(r"^PDF herunterladen.*Deutsch")).click()
        target = tmp_path / "policy.pdf"
        download.value.save_as(target)
        assert download.value.suggested_filename == "nordlicht-versand-gmbh-privacy-policy-de.pdf"
        text = pdf_text(target)
        for expected in (NAME, "Datenschutzerklärung", "Hafenstraße 7", "20457 Hamburg", "Brevo", "Mailjet",
                         "NORDLICHT"):  # fmt: skip
            assert expected in text, expected
        page.get_by_role("link", name=re.compile(r"^Vorschau.*Datenschutzerklärung.*Deutsch")).click()
        assert page.locator(".privgen-document").get_attribute("lang") == "de"
        shoot(page, "de-nojs", "preview")
        page.get_by_role("link", name="Texte für die SMS-Anmeldung").click()
        assert "NORDLICHT" in page.locator(".paper").inner_text()
        page.get_by_role("link", name="Englisch", exact=True).click()  # the document's language
        assert page.locator(".privgen-document").get_attribute("lang") == "en"
        shoot(page, "de-nojs", "preview-sms-en")
        page.goto(server + "/")  # back at the start, the answers are still there
        assert page.get_by_role("link", name="Antworten prüfen").is_visible()
        shoot(page, "de-nojs", "start-with-answers")
        assert not recorder.elsewhere(), recorder.elsewhere()
    finally:
        context.close()


def test_newsletter_and_sms_in_english_with_axe_on_every_page(browser, server):
    # JavaScript on, and the page's CSP bypassed, only so that axe-core can be injected.
    context, recorder = open_context(browser, server, "en", "de", bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(server + "/")
        page.get_by_role("button", name="English").click()  # the start page follows the browser: de
        assert page.locator("html").get_attribute("lang") == "en"
        check_page(page, "en", "start", axe=True)
        page.get_by_role("link", name="Answer the questions").click()
        run_case(page, "en", "en", axe=True)
        page.get_by_role("link", name=re.compile(r"^Preview.*Privacy Policy.*English")).click()
        check_page(page, "en", "preview", axe=True)
        page.get_by_role("link", name="Record of processing activities (Art. 30(1) GDPR)").click()
        check_page(page, "en", "preview-records", axe=True)
        page.goto(server + "/no/such/page")
        check_page(page, "en", "not-found", axe=True)
        assert not recorder.elsewhere(), recorder.elsewhere()
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["dark"])
def test_colours_hold_in_dark_mode(browser, server, scheme):
    context, _ = open_context(browser, server, "dark", "de", bypass_csp=True, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(server + "/s/controller")
        fill(page, {"controller.email": "falsch"})
        next_page(page)
        for name in ("controller-errors", "newsletter", "review", "preview"):
            if name != "controller-errors":
                page.goto(server + {"newsletter": "/s/newsletter", "review": "/review"}.get(name, "/preview"))
            shoot(page, "dark", name)
            rules = ["color-contrast", "link-in-text-block"]
            problems = axe_violations(page, rules=rules)
            assert not problems, f"{name}:\n" + "\n".join(problems)
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert sum(int(x) for x in re.findall(r"\d+", background)[:3]) < 150, background
    finally:
        context.close()


# -- keyboard only -------------------------------------------------------------------------


def focused(page) -> dict:
    return page.evaluate(
        """() => {
        const e = document.activeElement;
        const ring = el => { const s = getComputedStyle(el);
            return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; };
        const choice = e.closest('.choice');
        return {tag: e.tagName.toLowerCase(), id: e.id, name: e.name || '', value: e.value || '',
                href: e.getAttribute('href') || '', text: (e.innerText || '').trim().slice(0, 80),
                cls: e.className || '', visible: ring(e) || (choice !== null && ring(choice))};
    }"""
    )


def tab_to(page, match, limit: int = 120, back: bool = False) -> dict:
    """Press Tab until the focused element matches; each stop on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = focused(page)
        if now["tag"] != "body":
            assert now["visible"], f"no visible focus on {now}"
        if match(now):
            return now
    raise AssertionError("not reachable with the keyboard")


def test_keyboard_only(browser, server):
    context, recorder = open_context(browser, server, "keyboard", "de")
    context.add_init_script(RECORD_CSP)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    try:
        page.goto(server + "/")
        page.keyboard.press("Tab")
        assert focused(page)["href"] == "#main", "the skip link comes first"
        assert focused(page)["visible"]
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        tab_to(page, lambda f: f["text"] == "Fragen beantworten")
        page.keyboard.press("Enter")
        page.wait_for_url("**/s/documents")

        tab_to(page, lambda f: f["name"] == "languages" and f["value"] == "en")
        page.keyboard.press("Space")
        tab_to(page, lambda f: f["name"] == "effective_date")
        page.keyboard.type("29.11.2026")
        page.keyboard.press("Enter")  # Enter in a text box: Continue
        page.wait_for_url("**/s/controller")

        answers = {
            "controller.name": NAME,
            "controller.address.street": "Hafenstraße 7",
            "controller.address.postal_code": "20457",
            "controller.address.city": "Hamburg",
            "controller.email": "datenschutz(at)nordlicht",
        }
        for name, typed in answers.items():
            tab_to(page, lambda f, n=name: f["name"] == n)
            page.keyboard.type(typed)
        tab_to(page, lambda f: f["name"] == "controller.address.country", back=True)
        page.keyboard.type("Deutschland")
        tab_to(page, lambda f: f["name"] == "controller.email")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "error-summary" in focused(page)["cls"], "the error summary takes the focus"
        link = tab_to(page, lambda f: f["href"].startswith("#f-"))
        assert link["href"] == "#f-controller-email"
        page.keyboard.press("Enter")
        assert focused(page)["name"] == "controller.email", "the summary's link leads to the field"
        page.keyboard.press("Control+A")
        page.keyboard.type("datenschutz@nordlicht-versand.example")
        assert page.locator(".field-new select").count() == 1, "the Land is asked now that the country is DE"
        tab_to(page, lambda f: f["name"] == "controller.address.region", back=True)
        page.keyboard.type("Hamburg")
        # the language switch in the header keeps what was typed
        tab_to(page, lambda f: f["text"] == "English", back=True)
        page.keyboard.press("Enter")
        page.wait_for_url("**/s/controller")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator('[name="controller.name"]').input_value() == NAME
        assert page.locator('[name="controller.address.region"]').input_value() == "HH"
        tab_to(page, lambda f: f["text"] == "Continue")
        page.keyboard.press("Enter")
        page.wait_for_url("**/s/dpo")

        tab_to(page, lambda f: f["name"] == "dpo")  # a radio group is one stop; arrows choose
        page.keyboard.press("ArrowDown")
        assert focused(page)["value"] == "no" and focused(page)["visible"]
        # Back is a button: it keeps this page's answer and returns to the previous step
        tab_to(page, lambda f: f["text"] == "Back", back=True)
        page.keyboard.press("Enter")
        page.wait_for_url("**/s/controller")
        tab_to(page, lambda f: f["text"] == "Continue")
        page.keyboard.press("Enter")
        page.wait_for_url("**/s/dpo")
        assert page.locator('input[name="dpo"][value="no"]').is_checked()
        # an explanation opens with the keyboard
        tab_to(page, lambda f: f["tag"] == "summary")
        page.keyboard.press("Enter")
        assert page.locator("details.term").first.get_attribute("open") is not None
        shoot(page, "keyboard", "dpo-explained")
        # the progress list: jump to the review
        tab_to(page, lambda f: f["text"].startswith("Check and download"), back=True)
        page.keyboard.press("Enter")
        page.wait_for_url("**/review")
        tab_to(page, lambda f: f["href"].startswith("/download/privacy-policy/en.pdf"))
        assert page.evaluate("window.__csp") == [], "Content-Security-Policy violations"
        assert not console, console
        assert not recorder.elsewhere(), recorder.elsewhere()
    finally:
        context.close()


# -- upload, and every page through the Nu HTML checker ------------------------------------


def test_upload_in_the_browser(browser, server, tmp_path):
    context, _ = open_context(browser, server, "upload", "de", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + "/")
        big = tmp_path / "big.yaml"
        big.write_text("# " + "x" * 600_000 + "\n", encoding="utf-8")
        page.set_input_files("#profile-file", str(big))
        page.get_by_role("button", name="Profil laden").click()
        assert "Die Datei ist zu groß" in page.locator(".error-summary").inner_text()
        shoot(page, "upload", "too-big")
        broken = tmp_path / "broken.yaml"
        source = (PROFILES / "beispiel-shop.yaml").read_text(encoding="utf-8")
        broken.write_text(source.replace("dsb@beispiel-shop.de", "dsb-at-beispiel"), encoding="utf-8")
        page.set_input_files("#profile-file", str(broken))
        page.get_by_role("button", name="Profil laden").click()
        page.wait_for_url("**/review")
        shoot(page, "upload", "review-problems")
        page.get_by_role(
            "link", name=re.compile("E-Mail-Adresse der oder des Datenschutzbeauftragten")
        ).click()
        assert page.locator('[name="dpo.email"]').input_value() == "dsb-at-beispiel"
        assert "E-Mail-Adresse" in page.locator(".error-message").inner_text()
        shoot(page, "upload", "dpo-error")
        page.fill('[name="dpo.email"]', "dsb@beispiel-shop.de")
        next_page(page)
        page.goto(server + "/review")
        assert "Das fehlt noch" not in page.content()
        shoot(page, "upload", "review")
    finally:
        context.close()


def test_every_page_served_is_valid_html(browser, server, tmp_path):
    """Runs after the flows above (file order): every HTML page they received, through vnu."""
    if len(Recorder.pages) < 10:
        context, _ = open_context(browser, server, "vnu", "de", java_script_enabled=False)
        page = context.new_page()
        for path in ("/", "/s/controller", "/s/newsletter", "/review", "/preview", "/missing"):
            page.goto(server + path)
        context.close()
    files = []
    for name, html in Recorder.pages.items():
        target = tmp_path / f"{name}.html"
        target.write_text(html, encoding="utf-8")
        files.append(target)
    assert any("review" in f.name for f in files) and any("s-newsletter" in f.name for f in files)
    problems = vnu_errors(files)
    assert not problems, "\n".join(problems[:40])
    css = [ROOT / "generator" / "web" / "static" / "app.css"]
    problems = vnu_css_errors(css)
    assert not problems, "\n".join(problems[:40])


def test_screenshots_were_taken(browser):
    shots = sorted(p.relative_to(SHOTS).as_posix() for p in SHOTS.rglob("*.png")) if SHOTS.is_dir() else []
    assert len(shots) >= 20, shots
