"""`privgen serve` through Flask's test client: pages, answers and their checks, language,
CSRF and the other security rules, uploads and downloads, and that nothing touches the disk.

The same pages in a real browser (Chromium): tests/test_web_browser.py.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from html import unescape

import pytest
import yaml
from conftest import PROFILES, ROOT
from web_case import NAME, PROFILE, STEPS, WRONG, Page, form_data

from generator.profile import MAX_BYTES, load_raw, parse_yaml
from generator.questionnaire import load, profile_to_answers
from generator.validate import validate

pytest.importorskip("flask")

from generator.web import forms  # noqa: E402
from generator.web.app import CSP, MAX_CONTENT_LENGTH, create_app  # noqa: E402
from generator.web.store import SessionStore  # noqa: E402
from generator.web.texts import UI  # noqa: E402


def page_of(response) -> Page:
    return Page(response.get_data(as_text=True))


# -- driving the app -----------------------------------------------------------------------


@pytest.fixture
def app():
    return create_app()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf(client) -> str:
    return page_of(client.get("/")).value("csrf_token")


def send(client, sid: str, values: dict, op: str = "next", expect: int | None = None):
    """Open a section page and send it with these values (like a person would)."""
    page = page_of(client.get(f"/s/{sid}"))
    response = client.post(f"/s/{sid}", data=form_data(page, values, op))
    if expect is not None:
        assert response.status_code == expect, page_of(response).words[:2000]
    return response


def answer_all(client, steps=STEPS):
    for sid, values in steps:
        response = send(client, sid, values)
        assert response.status_code in (200, 303), (sid, page_of(response).words[:1500])
    return client


def session_of(app, client):
    store = app.extensions["privgen_sessions"]
    cookie = client.get_cookie("privgen_session")
    return store.get(cookie.value)


def errors_on(response) -> list[str]:
    """The messages next to the fields (without the "Error:" that only screen readers say)."""
    html = response.get_data(as_text=True)
    found = re.findall(r'class="error-message"[^>]*>(.*?)</p>', html)
    return [unescape(re.sub(r'<span class="visually-hidden">.*?</span>|<[^>]+>', "", m)) for m in found]


# -- texts ---------------------------------------------------------------------------------


def test_german_and_english_texts_have_the_same_keys_and_placeholders():
    assert set(UI["de"]) == set(UI["en"])
    for key in UI["de"]:
        de = set(re.findall(r"{(\w+)}", UI["de"][key]))
        en = set(re.findall(r"{(\w+)}", UI["en"][key]))
        assert de == en, key
        assert UI["de"][key].strip() and UI["en"][key].strip(), key


# -- pages and headers ---------------------------------------------------------------------


def test_every_page_sends_the_security_headers_and_a_strict_session_cookie(client):
    response = client.get("/")
    assert response.status_code == 200
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP
    directives = ("default-src 'none'", "style-src 'self'", "form-action 'self'", "frame-ancestors 'none'")
    for directive in (*directives, "base-uri 'none'"):
        assert directive in CSP
    assert "script-src" not in CSP and "unsafe" not in CSP  # no JavaScript at all
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age" not in cookie
    for path in (
        "/s/controller",
        "/review",
        "/preview",
        "/nowhere",
        "/static/app.css",
        "/assets/document.css",
    ):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CSP, path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path


def test_pages_load_nothing_from_other_hosts_and_have_no_scripts(client):
    answer_all(client)
    for path in (
        "/",
        "/s/controller",
        "/s/newsletter",
        "/review",
        "/preview",
        "/preview?doc=sms-opt-in&lang=en",
    ):
        page = page_of(client.get(path))
        assert not page.find("script") and not page.find("iframe"), path
        for tag, a in page.elements:
            for attr in ("src", "action", "srcset", "formaction") + (("href",) if tag != "a" else ()):
                assert not re.match(r"[a-z]+:|//", a.get(attr, "")), (path, tag, a[attr])
            assert not any(name.startswith("on") for name in a), (path, tag)
            assert "style" not in a, (path, tag)
    css = client.get("/static/app.css").get_data(as_text=True)
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


def test_pages_are_structured_for_assistive_technology(client):
    send(client, "controller", {"controller.email": "nope"}, expect=200)
    for path in ("/", "/s/documents", "/s/controller", "/s/newsletter", "/review", "/preview", "/missing"):
        response = client.get(path)
        page = page_of(response)
        html = page.find("html")[0]
        assert html["lang"] in ("de", "en"), path
        assert len(page.find("h1")) == 1, path
        assert len(page.find("main")) == 1 and page.find("main")[0]["id"] == "main", path
        assert page.find("a")[0]["href"] == "#main", f"{path}: the skip link comes first"
        ids = page.ids
        assert len(ids) == len(set(ids)), f"{path}: duplicate ids"
        for tag, a in page.elements:
            for ref in ("aria-describedby", "aria-labelledby"):
                for target in a.get(ref, "").split():
                    assert target in ids, f"{path}: {tag} {ref}={target}"
            if a.get("href", "").startswith("#") and len(a["href"]) > 1:
                assert a["href"][1:] in ids, f"{path}: link to {a['href']}"
        labelled = {a["for"] for _, a in page.elements if a.get("for")}
        for tag, a in page.elements:
            if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden",):
                assert a.get("id") in labelled, f"{path}: <{tag} name={a.get('name')}> has no label"


def test_radio_and_check_box_groups_are_fieldsets_with_a_legend(client):
    response = client.get("/s/newsletter")
    html = response.get_data(as_text=True)
    groups = re.findall(r"<fieldset.*?</fieldset>", html, re.S)
    assert groups
    for group in groups:
        assert "<legend" in group
        assert 'type="radio"' in group or 'type="checkbox"' in group
    radios = re.findall(r'<input[^>]*type="radio"[^>]*>', html)
    assert radios and all(any(r in g for g in groups) for r in radios)


# -- answering -----------------------------------------------------------------------------


def test_the_whole_newsletter_and_sms_case_makes_a_valid_profile(app, client):
    answer_all(client)
    session = session_of(app, client)
    for path, expected in PROFILE.items():
        assert session.answers[path] == expected, path
    response = client.get("/download/profile.yaml")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="nordlicht-versand-gmbh.yaml"'
    text = response.get_data(as_text=True)
    raw = parse_yaml(text, "download.yaml")
    data, issues = validate(raw, "download.yaml", "x")
    assert not issues, issues
    assert data["id"] == "nordlicht-versand-gmbh"
    assert raw["sms"]["keyword"] == "NORDLICHT" and raw["newsletter"]["provider"] == "brevo"
    assert raw["providers"] == {"brevo": {"eu_only": True}, "mailjet": {"contracting_entity": "mailjet-sas"}}
    assert "dpo" not in raw and "transactional_email" not in raw
    assert text.startswith("# privgen profile, written by `privgen serve`")
    review = page_of(client.get("/review")).words
    assert "Das fehlt noch" not in review and "Nordlicht Versand GmbH" in review


@pytest.mark.parametrize("lang", ["de", "en"])
def test_wrong_answers_are_refused_next_to_the_field_and_in_the_summary(client, lang):
    client.post("/language", data={"csrf_token": csrf(client), "lang": lang, "next": "/"})
    for sid, path, wrong, word_de, word_en in WRONG:
        steps = [s for s in STEPS if s[0] == sid]
        for step_sid, values in steps[:-1]:
            send(client, step_sid, values)
        values = dict(steps[-1][1])
        values[path] = wrong
        response = send(client, sid, values, expect=200)
        page = page_of(response)
        word = word_de if lang == "de" else word_en
        messages = errors_on(response)
        assert len(messages) == 1 and word in messages[0], messages
        assert page.find("title")  # "Fehler: ..." / "Error: ..."
        assert re.search(r"<title>(Fehler|Error):", response.get_data(as_text=True))
        field = forms.html_id(path)
        summary = page.find("div", **{"class": "error-summary"})
        assert summary and summary[0].get("role") == "alert" and "autofocus" in summary[0]
        assert page.find("a", href=f"#{field}"), "the summary links to the field"
        control = next(a for _, a in page.elements if a.get("id") == field)
        assert f"{field}-error" in control["aria-describedby"] and control["aria-invalid"] == "true"
        assert control["value"] == wrong, "what was typed stays in the field"
        right = next(v[path] for s, v in steps if path in v)
        send(client, sid, {**steps[-1][1], path: right}, expect=303)  # corrected: on to the next page


def test_required_answers_and_unanswered_yes_no_questions_are_reported(client):
    response = send(client, "controller", {}, expect=200)
    messages = errors_on(response)
    assert messages.count("Diese Angabe ist nötig.") == 6  # name, street, postcode, city, country, e-mail
    response = send(client, "newsletter", {}, expect=200)
    assert errors_on(response) == ["Bitte mit ja oder nein antworten."]


def test_a_yes_adds_questions_to_the_same_page_marked_new(client):
    response = send(client, "newsletter", {"newsletter": "yes"}, expect=200)
    page = page_of(response)
    assert "Nach Ihren Antworten gibt es weitere Fragen" in page.words
    assert page.find("input", name="newsletter.provider")
    assert "neu" in page.words.split()
    first = page.find("input", name="newsletter.provider")[0]
    assert "autofocus" in first, "focus goes to the first new question"
    response = send(client, "newsletter", {"newsletter": "no"}, expect=303)
    assert response.headers["Location"].endswith("/s/transactional_email")


def test_conditions_follow_the_answers(client):
    page = page_of(send(client, "controller", {"controller.address.country": "AT"}, expect=200))
    assert not page.find("select", name="controller.address.region"), "no Land outside Germany"
    page = page_of(send(client, "controller", {"controller.address.country": "DE"}, expect=200))
    assert page.find("select", name="controller.address.region")
    send(client, "sms", {"sms": "yes"})
    send(client, "sms", {"sms.provider": "mailjet"})
    page = page_of(client.get("/s/providers"))
    assert page.find("h2", **{"class": "group-heading"}), "questions per provider under its name"
    assert page.find("input", name="providers.mailjet.contracting_entity")
    labels = page.words
    assert "Mit welcher Gesellschaft von Mailjet" in labels


def test_back_and_forward_keep_every_answer_even_one_that_does_not_fit_yet(app, client):
    send(
        client,
        "controller",
        {"controller.name": "Alpha GmbH", "controller.email": "wrong"},
        op="back",
        expect=303,
    )
    page = page_of(client.get("/s/controller"))
    assert page.value("controller.name") == "Alpha GmbH"
    assert page.value("controller.email") == "wrong"
    assert errors_on(client.get("/s/controller")) == [
        "Erwartet wird eine E-Mail-Adresse wie name@beispiel.de, nicht 'wrong'"
    ], "an answer that does not fit is marked, but empty required fields are not (yet)"
    response = send(client, "controller", {"controller.email": "a@alpha.example"}, op="back", expect=303)
    assert response.headers["Location"].endswith("/s/documents")
    assert session_of(app, client).answers["controller.email"] == "a@alpha.example"
    assert not session_of(app, client).errors


def test_switching_the_language_keeps_answers_and_what_was_typed(app, client):
    typed = {"controller.name": "Beta AG", "controller.email": "x@"}
    response = send(client, "controller", typed, op="lang-en", expect=303)
    page = page_of(client.get(response.headers["Location"]))
    assert page.find("html")[0]["lang"] == "en"
    assert "Your organisation (controller)" in page.words
    assert page.value("controller.name") == "Beta AG" and page.value("controller.email") == "x@"
    client.post("/language", data={"csrf_token": csrf(client), "lang": "de", "next": "/s/controller"})
    page = page_of(client.get("/s/controller"))
    assert page.find("html")[0]["lang"] == "de" and page.value("controller.name") == "Beta AG"
    assert session_of(app, client).lang == "de"


def test_the_id_is_made_from_the_name_when_left_empty(app, client):
    send(client, "controller", {"controller.name": "Müller & Söhne GmbH", "id": ""})
    assert session_of(app, client).answers["id"] == "mueller-soehne-gmbh"
    assert page_of(client.get("/s/controller")).value("id") == "mueller-soehne-gmbh"


def test_the_progress_shows_the_steps_that_apply(client):
    page = page_of(client.get("/s/documents"))
    assert "Schritt 1 von 9" in page.words  # no "service providers" step while none is used
    assert page.find("span", **{"aria-current": "step"})
    assert "Ihre Dienstleister" not in page.words
    send(client, "sms", {"sms": "yes"})
    send(client, "sms", {"sms.provider": "mailjet"})
    page = page_of(client.get("/s/documents"))
    assert "Schritt 1 von 10" in page.words and "Ihre Dienstleister" in page.words


def test_values_are_escaped_everywhere(client):
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    steps = [(sid, dict(v)) for sid, v in STEPS]
    steps[1][1]["controller.name"] = hostile
    answer_all(client, steps)
    for path in ("/s/controller", "/review", "/preview", "/download/privacy-policy/de.html"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;" in html, path


# -- review, preview, downloads ------------------------------------------------------------


def test_review_lists_what_is_missing_with_links_and_downloads_wait_for_it(client):
    page = page_of(client.get("/review"))
    assert "Das fehlt noch" in page.words
    links = [a["href"] for a in page.find("a") if a.get("href", "").startswith("/s/controller#")]
    assert "/s/controller#f-controller-name" in links
    assert client.get("/download/profile.yaml").status_code == 303
    assert client.get("/download/documents.zip").status_code == 303
    assert client.get("/download/privacy-policy/de.pdf").status_code == 303
    preview = page_of(client.get("/preview"))
    assert "Die Vorschau erscheint, sobald diese Angaben stimmen" in preview.words


def test_preview_shows_each_document_in_each_language(client):
    answer_all(client)
    page = page_of(client.get("/preview"))
    assert page.find("div", **{"class": "privgen-document", "lang": "de"})
    assert "Datenschutzerklärung" in page.words and NAME in page.words
    nav = [a["href"] for a in page.find("a") if "doc=" in a.get("href", "")]
    assert any("doc=sms-opt-in" in href for href in nav) and any(
        "doc=newsletter-consent" in href for href in nav
    )
    page = page_of(client.get("/preview?doc=sms-opt-in&lang=en"))
    assert page.find("div", **{"class": "privgen-document", "lang": "en"})
    assert "NORDLICHT" in page.words
    assert page.find("a", href="/download/sms-opt-in/en.pdf")
    assert client.get("/preview?doc=../../etc/passwd&lang=xx").status_code == 200  # falls back, no error
    assert client.get("/download/no-such-document/de.pdf").status_code == 404


def test_downloads_are_the_documents_of_privgen_build(client):
    answer_all(client)
    html = client.get("/download/privacy-policy/de.html")
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert html.headers["Content-Disposition"] == (
        'attachment; filename="nordlicht-versand-gmbh-privacy-policy-de.html"'
    )
    assert NAME in html.get_data(as_text=True)
    md = client.get("/download/newsletter-consent/en.md")
    assert md.mimetype == "text/markdown" and "Brevo" in md.get_data(as_text=True)
    pdf = client.get("/download/sms-opt-in/de.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")


# -- upload --------------------------------------------------------------------------------


def upload(client, data: bytes, name: str = "shop.yaml", token: str | None = None):
    return client.post(
        "/upload",
        data={"csrf_token": token or csrf(client), "profile": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_uploaded_profile_is_taken_over_for_editing(app, client):
    source = PROFILES / "beispiel-shop.yaml"
    response = upload(client, source.read_bytes(), "beispiel-shop.yaml")
    assert response.status_code == 303 and response.headers["Location"].endswith("/review")
    expected, _ = profile_to_answers(load_raw(source))
    assert session_of(app, client).answers == expected
    review = page_of(client.get("/review"))
    assert "Das Profil beispiel-shop.yaml wurde geladen." in review.words
    assert "Das fehlt noch" not in review.words
    assert page_of(client.get("/s/controller")).value("controller.name") == "Beispiel Shop GmbH"
    downloaded = parse_yaml(client.get("/download/profile.yaml").get_data(as_text=True), "x")
    assert downloaded == {k: v for k, v in load_raw(source).items()}, (
        "an unchanged profile comes back unchanged"
    )


def test_an_invalid_upload_shows_its_problems_next_to_the_fields(client):
    raw = yaml.safe_load((PROFILES / "beispiel-shop.yaml").read_text(encoding="utf-8"))
    raw["controller"]["email"] = "not-an-address"
    raw["newsletter"]["tracking"] = "always"
    raw["unknown_key"] = 1
    upload(client, yaml.safe_dump(raw, allow_unicode=True).encode(), "broken.yaml")
    review = page_of(client.get("/review"))
    assert "Einige Antworten passen noch nicht" in review.words
    assert "unknown_key" in review.words, "what the questionnaire does not take is named"
    links = [a["href"] for a in review.find("a")]
    assert "/s/controller#f-controller-email" in links and "/s/newsletter#f-newsletter-tracking" in links
    response = client.get("/s/controller")
    assert any("E-Mail-Adresse" in m for m in errors_on(response))
    assert page_of(response).value("controller.email") == "not-an-address"


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"profile: 1\ncontroller: [unclosed\n", "a.yaml", "YAML syntax error at line"),
        (b"\xff\xfe\x00bad", "a.yaml", "not UTF-8"),
        (b"- a list\n", "a.yaml", "Die Datei enthält kein Profil"),
        (b"extends: _base.yaml\nprofile: 1\n", "a.yaml", "baut mit extends:"),
        (b"profile: 1\n", "profile.txt", "muss auf .yaml oder .yml enden"),
        (b"x" * (MAX_BYTES + 1), "big.yaml", "Die Datei ist zu groß"),
    ],
)
def test_unusable_uploads_are_refused_with_a_message_at_the_file_field(app, client, data, name, expected):
    response = upload(client, data, name)
    assert response.status_code == 200
    page = page_of(response)
    assert expected in page.words
    assert page.find("a", href="#profile-file") and page.find("input", id="profile-file")[0]["aria-invalid"]
    assert session_of(app, client).answers == {}


def test_requests_over_the_size_limit_are_refused(client):
    token = csrf(client)
    big = b"x" * (MAX_CONTENT_LENGTH + 1)
    response = client.post(
        "/upload",
        data={"csrf_token": token, "profile": (io.BytesIO(big), "a.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "Die Datei ist zu groß" in page_of(response).words
    response = client.post(
        "/s/controller", data={"csrf_token": token, "controller.name": "x" * MAX_CONTENT_LENGTH}
    )
    assert response.status_code == 413


# -- security ------------------------------------------------------------------------------


def test_posts_without_the_sessions_token_change_nothing(app, client):
    csrf(client)
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(
            "/s/controller", data={**data, "shown": "controller.name", "controller.name": "X"}
        )
        assert response.status_code == 400
        assert "Ihre Sitzung ist abgelaufen" in page_of(response).words
    other = create_app().test_client()
    response = other.post("/reset", data={"csrf_token": csrf(client)})  # a token, but not its session's
    assert response.status_code == 400
    assert "controller.name" not in session_of(app, client).answers


def test_forms_from_other_sites_are_refused(app, client):
    token = csrf(client)
    data = {"csrf_token": token, "shown": "controller.name", "controller.name": "X"}
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        assert client.post("/s/controller", data=data, headers=headers).status_code == 403
    assert "controller.name" not in session_of(app, client).answers
    ok = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/s/controller", data=data, headers=ok).status_code == 200  # more questions follow
    assert session_of(app, client).answers["controller.name"] == "X"
    data["controller.name"] = "Y"  # under Referrer-Policy: no-referrer, a browser's own form says "null"
    assert client.post("/s/controller", data=data, headers={"Origin": "null"}).status_code == 200
    assert session_of(app, client).answers["controller.name"] == "Y"


def test_other_host_names_are_refused_against_dns_rebinding(client):
    assert client.get("/", headers={"Host": "evil.example:8000"}).status_code == 400
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host
    anywhere = create_app(allowed_hosts=None).test_client()
    assert anywhere.get("/", headers={"Host": "laptop.fritz.box:8000"}).status_code == 200


def test_redirects_stay_on_this_server(client):
    token = csrf(client)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/language", data={"csrf_token": token, "lang": "en", "next": target})
        assert response.status_code == 303 and response.headers["Location"] == "/", target


def test_sessions_expire_and_are_bounded():
    store = SessionStore(idle_seconds=0.0, max_sessions=2)
    first = store.create("de")
    first.answers["controller.name"] = "X"
    assert store.get(first.id) is None and first.answers == {}, "an expired session forgets its answers"
    store = SessionStore(max_sessions=2)
    a, b, c = store.create("de"), store.create("de"), store.create("en")
    assert len(store) == 2 and store.get(a.id) is None and store.get(b.id) and store.get(c.id)


def test_deleting_the_answers_forgets_them_and_the_documents(app, client):
    answer_all(client)
    client.get("/download/privacy-policy/de.md")
    session = session_of(app, client)
    assert session.cache
    response = client.post("/reset", data={"csrf_token": session.csrf})
    assert response.status_code == 303
    assert session.answers == {} and not session.cache and not session.drafts
    assert "Alle Antworten wurden gelöscht." in page_of(client.get("/")).words


def test_the_zip_holds_everything_and_nothing_is_written_to_disk(client, tmp_path, monkeypatch):
    """The ZIP holds every document in every language and format, and the profile. Answers,
    uploads and documents stay in memory: no file appears in the working folder or the
    temporary folder during a whole session with an upload and the downloads."""
    import tempfile

    work, temp = tmp_path / "work", tmp_path / "tmp"
    work.mkdir()
    temp.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    answer_all(client)
    response = client.get("/download/documents.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    root = "nordlicht-versand-gmbh"
    assert f"{root}/{root}.yaml" in names
    for lang in ("de", "en"):
        for suffix in ("html", "md", "pdf", "json"):
            assert f"{root}/{lang}/privacy-policy.{suffix}" in names
        assert f"{root}/{lang}/sms-opt-in.pdf" in names
        assert f"{root}/{lang}/records-of-processing.csv" in names
        assert f"{root}/{lang}/double-opt-in-email.pdf" in names  # double opt-in: its e-mails
    assert all(not n.startswith(("/", "..")) and ".." not in n for n in names)
    upload(client, (PROFILES / "beispiel-shop.yaml").read_bytes(), "beispiel-shop.yaml")
    for path in ("/review", "/preview", "/download/profile.yaml", "/download/privacy-policy/en.pdf"):
        assert client.get(path).status_code == 200
    assert list(work.iterdir()) == [] and list(temp.iterdir()) == []


# -- the command ---------------------------------------------------------------------------


def test_other_commands_do_not_import_flask():
    code = "import sys, generator.cli; assert 'flask' not in sys.modules and 'werkzeug' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


class _FakeServer:
    def __init__(self, host, port, app, threaded, request_handler, fd):
        self.host, self.port, self.app = host, port, app

    def serve_forever(self):
        raise KeyboardInterrupt

    def server_close(self):
        pass


def test_serve_listens_on_this_computer_and_warns_loudly_otherwise(run, monkeypatch):
    import werkzeug.serving

    from generator.web import command

    bound, started = [], []
    real_listen = command.listen
    monkeypatch.setattr(
        command, "listen", lambda host, port: bound.append((host, port)) or real_listen(host, 0)
    )
    monkeypatch.setattr(
        werkzeug.serving, "make_server", lambda *a, **k: started.append(a) or _FakeServer(*a, **k)
    )
    result = run("serve")
    assert result.exit_code == 0
    assert bound[0] == ("127.0.0.1", 8000) and started[0][0] == "127.0.0.1"
    assert f"open http://127.0.0.1:{started[0][1]}/" in result.output and "WARNING" not in result.output
    assert "the answers are gone" in result.output
    everywhere = "0.0.0.0"  # noqa: S104 - never bound: listen() is replaced above
    result = run("serve", "--host", everywhere, "--port", "9000")
    assert "WARNING: privgen serve listens on 0.0.0.0" in result.output
    assert "no password" in result.output
    assert bound[1] == (everywhere, 9000)
    for host in ("localhost", "127.0.0.2", "::1", "[::1]"):
        assert command.is_loopback(host), host
    for host in (everywhere, "::", "192.168.1.20", "example.org"):
        assert not command.is_loopback(host), host


def test_serve_reports_a_busy_port_and_an_unknown_host(run, tmp_path):
    import socket

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        result = run("serve", "--port", busy.getsockname()[1])
        assert result.exit_code == 1 and "choose another port with --port" in result.output
    finally:
        busy.close()
    result = run("serve", "--host", "no-such-host.invalid")
    assert result.exit_code == 2 and "unknown address" in result.output


def test_serve_is_a_real_server(tmp_path):
    """`privgen serve --port 0` in its own process: it names its address and answers there."""
    import urllib.request

    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server
            assert response.status == 200
            assert response.headers["Content-Security-Policy"] == CSP
            assert response.headers["Server"] == "privgen", "no software versions are given away"
            assert "privgen" in response.read().decode("utf-8")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_every_question_of_the_questionnaire_can_be_shown(client):
    """Each question renders (in both languages), whatever its type."""
    for lang in ("de", "en"):
        for section in load().sections:
            for q in section.questions:
                for pid in ["mailjet", "brevo"] if q.each else [None]:
                    view = forms.field_view((q, q.path(pid), pid), lang, {}, {}, {})
                    assert view.label and view.widget in ("text", "radios", "checkboxes", "select")
                    if view.widget != "text":
                        assert view.options, q.id


def test_profile_paths_resolve_to_their_questions():
    section = forms.section_by_id("providers")
    assert forms.resolve(section, "providers.mailjet.extra_data")[1] == "mailjet"
    assert forms.resolve(section, "providers.nope.extra_data") is None
    assert forms.issue_target("newsletter.fields[1]")[1] == "newsletter.fields"
    assert forms.issue_target("controller.name.en")[1] == "controller.name"
    assert forms.issue_target("controller")[1] == "controller.name"
    assert forms.issue_target("") is None


def test_a_text_given_per_language_is_edited_per_language(app, client):
    raw = yaml.safe_load((PROFILES / "beispiel-shop.yaml").read_text(encoding="utf-8"))
    raw["controller"]["name"] = {"de": "Beispiel Laden GmbH", "en": "Example Shop Ltd"}
    upload(client, yaml.safe_dump(raw, allow_unicode=True).encode(), "two.yaml")
    page = page_of(client.get("/s/controller"))
    assert page.value("controller.name.de") == "Beispiel Laden GmbH"
    assert page.value("controller.name.en") == "Example Shop Ltd"
    assert page.find("input", name="controller.name.en")[0]["lang"] == "en"
    send(client, "controller", {"controller.name.en": "Example Store Ltd"}, expect=303)
    assert session_of(app, client).answers["controller.name"] == {
        "de": "Beispiel Laden GmbH",
        "en": "Example Store Ltd",
    }
    response = send(client, "controller", {"controller.name.en": ""}, expect=200)
    assert any("Englisch" in m or "en" in m for m in errors_on(response)), errors_on(response)


def test_a_no_to_a_confirmation_is_saved_with_a_reminder(client):
    answer_all(client)
    response = send(client, "confirmations", {"confirmations.https": "no"}, expect=303)
    assert response.headers["Location"].endswith("/review")
    page = page_of(client.get("/s/confirmations"))
    assert "Stellen Sie die Website auf https:// um" in page.words
    review = page_of(client.get("/review"))
    assert "Vor dem Veröffentlichen erledigen" in review.words
    assert "Stellen Sie die Website auf https:// um" in review.words
    assert client.get("/download/profile.yaml").status_code == 200, "a no does not block the documents"


def test_problems_of_questions_no_longer_asked_are_dropped(client):
    send(client, "newsletter", {"newsletter": "yes"})
    typed = {"newsletter.provider": "brevo", "newsletter.proof_retention_years": "x"}
    send(client, "newsletter", typed, op="back")
    assert "ganze Zahl" in page_of(client.get("/review")).words
    send(client, "newsletter", {"newsletter": "no"}, expect=303)  # its questions are not asked now
    assert "ganze Zahl" not in page_of(client.get("/review")).words
    send(client, "newsletter", {"newsletter": "yes", "newsletter.proof_retention_years": "x"}, expect=200)
    response = send(client, "newsletter", {"newsletter": "no", "newsletter.proof_retention_years": "x"})
    assert response.status_code == 303, "a wrong answer to a question no longer asked does not hold one up"
