"""`privgen serve`: the questionnaire as a local web page. `create_app()` is the Flask app factory.

Pages: the start page (with the upload of an existing profile), one page per section of
the questionnaire, the review with the downloads, the preview. Every page works without
JavaScript (there is none) and loads nothing from other hosts. Security: a random session
id is the only cookie (SameSite=Strict, HttpOnly); every POST carries the session's CSRF
token and a same-origin Origin; requests for other host names are refused (DNS rebinding);
request bodies are bounded; uploads stay in memory; a strict Content-Security-Policy and the
usual headers go with every response.
"""

from __future__ import annotations

import hmac
import io
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Request, Response, abort, g, redirect, render_template, request, url_for
from jinja2 import StrictUndefined
from markupsafe import Markup
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .. import __version__
from ..answers import show_value, translate
from ..errors import ProfileError
from ..exporters.fragment import render_fragment
from ..exporters.html import stylesheet
from ..profile import MAX_BYTES, decode_text, parse_yaml
from ..questionnaire import load, localise, profile_to_answers
from . import documents, forms
from .store import IDLE_SECONDS, SessionStore, WebSession
from .texts import LANGS, Texts, text

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
MAX_CONTENT_LENGTH = MAX_BYTES + 64 * 1024  # a profile plus the form around it
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "yaml": "application/yaml; charset=utf-8",
    "zip": "application/zip",
}
SAFE_NEXT = re.compile(r"/(?!/)[A-Za-z0-9/_.-]*(\?[A-Za-z0-9=&_.-]*)?")


class _Request(Request):
    """Uploads stay in memory (Werkzeug would spool large ones to a temporary file)."""

    max_content_length = MAX_CONTENT_LENGTH
    max_form_memory_size = MAX_CONTENT_LENGTH

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):  # noqa: ANN001
        return io.BytesIO()


class _Flask(Flask):
    request_class = _Request
    jinja_options = {
        "autoescape": True,
        "undefined": StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
    }


def create_app(
    *,
    allowed_hosts: Iterable[str] | None = LOOPBACK,
    store: SessionStore | None = None,
    port: int | None = None,
) -> Flask:
    """The web app. allowed_hosts: the host names it answers to (None: any, for a server
    bound to every interface); port names the session cookie, so that two servers on one
    machine keep apart."""
    app = _Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH, PRIVGEN_PORT=port)
    hosts = None if allowed_hosts is None else frozenset(h.strip("[]").lower() for h in allowed_hosts)
    sessions = store or SessionStore()
    app.extensions["privgen_sessions"] = sessions

    def cookie_name() -> str:
        port = app.config.get("PRIVGEN_PORT")
        return f"privgen_session_{port}" if port else "privgen_session"

    # -- every request -----------------------------------------------------------------

    @app.before_request
    def guard() -> Any:
        g.new_session = False
        g.session = None
        hostname = (urlsplit("//" + request.host).hostname or "").lower()
        if hosts is not None and hostname not in hosts:
            message = "privgen serve: not an address it was started for; open the address it printed\n"
            return Response(message, 400, mimetype="text/plain")
        session = sessions.get(request.cookies.get(cookie_name()))
        if request.endpoint in (None, "static", "document_css"):  # no new session for these
            g.session = session
            return None
        if request.method == "POST":
            # Browsers say where a form comes from: Sec-Fetch-Site, and Origin (which is
            # "null" under Referrer-Policy: no-referrer). Another site's form is refused
            # before its token is even looked at.
            origin = request.headers.get("Origin")
            if origin not in (None, "null") and urlsplit(origin).netloc != request.host:
                abort(403)
            if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
                abort(403)
            token = request.form.get("csrf_token", "")
            if session is None or not hmac.compare_digest(token.encode(), session.csrf.encode()):
                g.session = new_session()
                return expired()
        elif session is None:
            session = new_session()
        g.session = session
        return None

    def new_session() -> WebSession:
        best = request.accept_languages.best_match(LANGS) or "de"
        g.new_session = True
        return sessions.create(best)

    @app.after_request
    def headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers[name] = value
        response.headers["Cache-Control"] = "no-cache" if request.endpoint == "static" else "no-store"
        if g.get("new_session") and g.get("session") is not None:
            response.set_cookie(cookie_name(), g.session.id, httponly=True, samesite="Strict", path="/")
        return response

    def ui_lang() -> str:
        session: WebSession | None = g.get("session")
        return session.lang if session else (request.accept_languages.best_match(LANGS) or "de")

    @app.context_processor
    def common() -> dict:
        session: WebSession | None = g.get("session")
        lang = ui_lang()
        return {
            "lang": lang,
            "t": Texts(lang),
            "csrf": session.csrf if session else "",
            "languages": [(code, text(code, "lang_name")) for code in LANGS],
            "here": request.full_path.rstrip("?") if request.method == "GET" else "/",
            "version": __version__,
            "form_id": None,
            "title_error": False,
            "hours": IDLE_SECONDS // 3600,
        }

    # -- helpers -------------------------------------------------------------------------

    def current() -> WebSession:
        return g.session

    def page(template: str, status: int = 200, **values: Any) -> tuple[str, int]:
        lang = ui_lang()
        if "title" not in values:
            values["title"] = text(lang, values.get("title_key", "welcome_title"))
        return render_template(template, **values), status

    def expired() -> tuple[str, int]:
        return page("message.html", 400, title_key="expired_title", body_key="expired_text")

    def active() -> list:
        return forms.active_sections(current().answers)

    def live_errors() -> dict[str, str]:
        """The stored problems of questions that still apply (a "no" to the newsletter drops
        the problems of its questions, which are no longer asked)."""
        session = current()
        asked = {path for s in active() for _, path, _ in forms.applicable(s, session.answers)}
        return {p: m for p, m in session.errors.items() if p in asked}

    def steps(section_id: str | None) -> dict:
        """The progress indicator: every section that applies, then the review."""
        session = current()
        items = []
        pending = live_errors()
        for section in active():
            done = section.id in session.visited and not any(forms.resolve(section, p) for p in pending)
            items.append(
                {
                    "id": section.id,
                    "title": localise(section.title, session.lang),
                    "done": done,
                    "current": section.id == section_id,
                }
            )
        items.append(
            {
                "id": None,
                "title": text(session.lang, "review_step"),
                "done": False,
                "current": section_id is None,
            }
        )
        index = next((i for i, s in enumerate(items, 1) if s["current"]), len(items))
        return {"items": items, "index": index, "total": len(items)}

    def neighbour(section_id: str, step: int) -> str:
        ids = [s.id for s in load().sections]
        live = {s.id for s in active()}
        i = ids.index(section_id) + step
        while 0 <= i < len(ids):
            if ids[i] in live:
                return url_for("section", sid=ids[i])
            i += step
        return url_for("review") if step > 0 else url_for("welcome")

    def resume() -> str:
        session = current()
        for section in active():
            if section.id not in session.visited:
                return url_for("section", sid=section.id)
        return url_for("review")

    def problems(issues: list) -> list[dict]:
        """Pending answers that do not fit and validation issues, with a link to the question."""
        session = current()
        lang = session.lang
        out, seen = [], set()
        for path, message in live_errors().items():
            found = forms.issue_target(path)
            if found:
                out.append(problem(found, message, lang))
                seen.add(found[1])
        for issue in issues:
            found = forms.issue_target(issue.path)
            if found and found[1] in seen:
                continue
            message = forms.sentence(translate(issue.message, lang))
            if found:
                out.append(problem(found, message, lang))
                seen.add(found[1])
            else:
                out.append({"text": f"{issue.path}: {message}" if issue.path else message, "href": None})
        return out

    def problem(found: tuple, message: str, lang: str) -> dict:
        section, path = found
        resolved = forms.resolve(section, path)
        name = path
        if resolved:
            q, pid = resolved
            name = forms.label(q, lang, current().answers, pid)
        href = url_for("section", sid=section.id) + "#" + forms.html_id(path)
        return {"text": forms.with_label(name, message), "href": href}

    def built_or_none() -> tuple[documents.Built | None, list]:
        return documents.profile_of(current().answers)

    # -- pages ---------------------------------------------------------------------------

    @app.get("/")
    def welcome() -> Any:
        session = current()
        notices, session.notices = session.notices, []
        return page(
            "welcome.html",
            started=bool(session.answers),
            resume=resume(),
            first=url_for("section", sid=active()[0].id),
            notices=notices,
            upload_error=None,
            kib=MAX_BYTES // 1024,
        )

    def section_page(section, status: int = 200, appeared: list[str] | None = None) -> tuple[str, int]:
        session = current()
        entries = forms.applicable(section, session.answers)
        appeared = appeared or []
        fields = forms.field_views(
            entries, session.lang, session.answers, session.drafts, session.errors, appeared
        )
        errors = [{"text": forms.with_label(f.label, f.error), "href": f"#{f.id}"} for f in fields if f.error]
        return page(
            "section.html",
            status,
            section=section,
            title=localise(section.title, session.lang),
            intro=localise(section.intro, session.lang),
            fields=fields,
            errors=errors,
            title_error=bool(errors),
            appeared=bool(appeared),
            focus=(errors and "summary") or (appeared and forms.html_id(appeared[0])) or None,
            shown=" ".join(f.path for f in fields),
            progress=steps(section.id),
            last=neighbour(section.id, 1) == url_for("review"),
            form_id="qform",
        )

    @app.get("/s/<sid>")
    def section(sid: str) -> Any:
        found = forms.section_by_id(sid)
        if found is None:
            abort(404)
        if found.id not in {s.id for s in active()}:
            return redirect(neighbour(found.id, 1), 303)
        return section_page(found)

    @app.post("/s/<sid>")
    def section_post(sid: str) -> Any:
        found = forms.section_by_id(sid)
        if found is None:
            abort(404)
        session = current()
        op = request.form.get("op", "next")
        with session.lock:
            outcome = forms.submit(
                found,
                request.form.getlist,
                request.form.get("shown", "").split(),
                session.answers,
                session.lang,
            )
            session.answers = outcome.answers
            for path in outcome.saved:
                session.drafts.pop(path, None)
                session.errors.pop(path, None)
            errors = outcome.errors
            if op != "next":  # leaving the page: keep what was typed, but no "required" yet
                errors = {p: m for p, m in errors.items() if outcome.drafts.get(p) not in ("", [], None)}
                for path in set(outcome.errors) - set(errors):
                    session.errors.pop(path, None)
                    session.drafts.pop(path, None)
            session.drafts.update({p: outcome.drafts[p] for p in errors})
            session.errors.update(errors)
        if op == "next":
            if errors:
                return section_page(found, 200, outcome.appeared)  # the page again, with its errors
            if outcome.appeared:
                return section_page(found, 200, outcome.appeared)
            session.visited.add(found.id)
            return redirect(neighbour(found.id, 1), 303)
        if op == "back":
            return redirect(neighbour(found.id, -1), 303)
        if op == "preview":
            return redirect(url_for("preview", **{"from": found.id}), 303)
        if op.startswith("lang-") and op[5:] in LANGS:
            session.lang = op[5:]
            return redirect(url_for("section", sid=found.id), 303)
        if op == "review":
            return redirect(url_for("review"), 303)
        if op.startswith("goto-") and forms.section_by_id(op[5:]):
            return redirect(url_for("section", sid=op[5:]), 303)
        abort(400)

    @app.get("/review")
    def review() -> Any:
        session = current()
        lang = session.lang
        built, issues = built_or_none()
        summary = []
        for section in active():
            rows = []
            for q, path, pid in forms.applicable(section, session.answers):
                value = session.answers.get(path)
                if value in (None, [], ""):  # left out: what the profile format assumes
                    value = forms.suggestion(q, path, session.answers)
                shown = show_value(q, value, lang, pid) if value not in (None, [], "") else None
                if value == [] and q.type == "multichoice":  # chosen: none of them
                    shown = text(lang, "none_chosen")
                rows.append(
                    {
                        "label": forms.label(q, lang, session.answers, pid),
                        "value": shown,
                        "error": path in session.errors,
                    }
                )
            summary.append({"id": section.id, "title": localise(section.title, lang), "rows": rows})
        notes = []
        for section in active():
            for q, path, _ in forms.applicable(section, session.answers):
                if q.if_false and session.answers.get(path) is False:
                    notes.append(localise(q.if_false, lang))
        notices, session.notices = session.notices, []
        docs = [document_links(d, langs) for d, langs in documents.available(session, built)] if built else []
        feature = docs[0] if docs and docs[0]["id"] == "privacy-policy" else None
        return page(
            "review.html",
            title=text(lang, "review_title"),
            summary=summary,
            problems=problems(issues),
            notes=notes,
            notices=notices,
            built=built,
            feature=feature,
            kit=[d for d in docs if d is not feature],
            kit_langs=[(code, text(lang, f"in_{code}")) for code in (built.languages if built else [])],
            progress=steps(None),
        )

    def document_links(document: str, langs: list[str]) -> dict:
        """A document's title and, per language, its preview and download addresses."""
        lang = current().lang
        return {
            "id": document,
            "title": documents.title(document, lang if lang in langs else langs[0]),
            "langs": {
                code: {
                    "name": text(lang, f"in_{code}"),
                    "preview": url_for("preview", doc=document, lang=code),
                    "files": [
                        (fmt, url_for("download", document=document, doc_lang=code, fmt=fmt))
                        for fmt in documents.DOWNLOAD_FORMATS
                    ],
                }
                for code in langs
            },
        }

    @app.get("/preview")
    def preview() -> Any:
        session = current()
        lang = session.lang
        origin = request.args.get("from")
        back = url_for("section", sid=origin) if origin and forms.section_by_id(origin) else url_for("review")
        built, issues = built_or_none()
        if built is None:
            return page(
                "preview.html",
                title=text(lang, "preview_title"),
                problems=problems(issues),
                back=back,
                built=None,
                origin=origin,
            )
        docs = documents.available(session, built)
        names = dict(docs)
        document = request.args.get("doc", "privacy-policy")
        if document not in names:
            document = docs[0][0]
        doc_langs = names[document]
        doc_lang = request.args.get("lang") or (lang if lang in doc_langs else doc_langs[0])
        if doc_lang not in doc_langs:
            doc_lang = doc_langs[0]
        rendered = documents.rendered(session, built, document, doc_lang)
        body = Markup(render_fragment(rendered, __version__))  # noqa: S704 - privgen's own escaped output
        extra = {"from": origin} if origin and forms.section_by_id(origin) else {}
        nav = [
            {
                "title": documents.title(d, lang if lang in ls else ls[0]),
                "href": url_for("preview", doc=d, lang=doc_lang if doc_lang in ls else ls[0], **extra),
                "current": d == document,
            }
            for d, ls in docs
        ]
        lang_links = [
            {
                "code": code,
                "name": text(lang, f"in_{code}"),
                "current": code == doc_lang,
                "href": url_for("preview", doc=document, lang=code, **extra),
            }
            for code in doc_langs
        ]
        return page(
            "preview.html",
            title=f"{text(lang, 'preview_title')}: {rendered.title}",
            built=built,
            body=body,
            nav=nav,
            lang_links=lang_links,
            document=document,
            doc_lang=doc_lang,
            doc_title=rendered.title,
            origin=extra.get("from"),
            back=back,
            problems=[],
        )

    # -- downloads -----------------------------------------------------------------------

    def attachment(data: bytes, name: str, kind: str) -> Response:
        response = Response(data, mimetype=MEDIA_TYPES[kind])
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @app.get("/download/<document>/<any(de, en):doc_lang>.<any(html, pdf, md):fmt>")
    def download(document: str, doc_lang: str, fmt: str) -> Any:
        built, _ = built_or_none()
        if built is None:
            return redirect(url_for("review"), 303)
        names = dict(documents.available(current(), built))
        if doc_lang not in names.get(document, []):
            abort(404)
        files = documents.export(current(), built, document, doc_lang, fmt)
        return attachment(files[fmt], documents.file_name(built, document, doc_lang, fmt), fmt)

    @app.get("/download/profile.yaml")
    def download_profile() -> Any:
        built, _ = built_or_none()
        if built is None:
            return redirect(url_for("review"), 303)
        return attachment(built.yaml.encode("utf-8"), f"{built.id}.yaml", "yaml")

    @app.get("/download/documents.zip")
    def download_zip() -> Any:
        built, _ = built_or_none()
        if built is None:
            return redirect(url_for("review"), 303)
        return attachment(documents.zip_all(current(), built), f"{built.id}-privgen.zip", "zip")

    @app.get("/assets/document.css")
    def document_css() -> Response:
        return Response(stylesheet("fragment.css"), mimetype="text/css")

    # -- actions -------------------------------------------------------------------------

    def upload_failed(message: str, status: int = 200) -> tuple[str, int]:
        session = current()
        return page(
            "welcome.html",
            status,
            started=bool(session.answers),
            resume=resume(),
            first=url_for("section", sid=active()[0].id),
            notices=[],
            upload_error=message,
            title_error=True,
            kib=MAX_BYTES // 1024,
        )

    @app.post("/upload")
    def upload() -> Any:
        session = current()
        lang = session.lang
        sent = request.files.get("profile")
        if sent is None or not sent.filename:
            return upload_failed(text(lang, "upload_none"))
        name = re.sub(r"[^\w .-]", "_", sent.filename.replace("\\", "/").rsplit("/", 1)[-1])[:80]
        if not name.lower().endswith((".yaml", ".yml")):
            return upload_failed(text(lang, "upload_suffix"))
        data = sent.stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return upload_failed(text(lang, "upload_too_big", kib=MAX_BYTES // 1024))
        try:
            raw = parse_yaml(decode_text(data, name), name)
        except ProfileError as exc:
            return upload_failed("; ".join(i.message for i in exc.issues))
        if not isinstance(raw, dict):
            return upload_failed(text(lang, "upload_not_profile"))
        if raw.get("extends") is not None:
            return upload_failed(text(lang, "upload_extends"))
        answers, ignored = profile_to_answers(raw)
        with session.lock:
            session.clear()
            session.answers = answers
            session.visited = {s.id for s in active()}
            built, issues = documents.profile_of(answers, name)
            for issue in issues:
                found = forms.issue_target(issue.path)
                if found and found[1] not in session.errors:
                    session.errors[found[1]] = forms.sentence(translate(issue.message, lang))
            session.notices = [text(lang, "loaded_problems" if issues else "loaded", file=name)]
            if ignored:
                session.notices.append(text(lang, "upload_ignored", paths=", ".join(ignored)))
        return redirect(url_for("review"), 303)

    @app.post("/language")
    def language() -> Any:
        chosen = request.form.get("lang", "")
        if chosen not in LANGS:
            abort(400)
        current().lang = chosen
        target = request.form.get("next", "/")
        return redirect(target if SAFE_NEXT.fullmatch(target) else url_for("welcome"), 303)

    @app.post("/reset")
    def reset() -> Any:
        session = current()
        with session.lock:
            session.clear()
            session.notices = [text(session.lang, "reset_done")]
        return redirect(url_for("welcome"), 303)

    # -- errors --------------------------------------------------------------------------

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: HTTPException) -> Any:
        if g.get("session") is None:
            g.session = sessions.get(request.cookies.get(cookie_name())) or new_session()
        if request.path == "/upload":
            return upload_failed(text(current().lang, "upload_too_big", kib=MAX_BYTES // 1024), 413)
        return page("message.html", 413, title_key="too_big_title", body_key="bad_request_text")

    @app.errorhandler(404)
    def not_found(exc: HTTPException) -> Any:
        return page("message.html", 404, title_key="not_found_title", body_key="not_found_text")

    @app.errorhandler(400)
    @app.errorhandler(403)
    @app.errorhandler(405)
    def bad_request(exc: HTTPException) -> Any:
        return page(
            "message.html", exc.code or 400, title_key="bad_request_title", body_key="bad_request_text"
        )

    @app.errorhandler(500)
    def server_error(exc: Exception) -> Any:
        return page("message.html", 500, title_key="server_error_title", body_key="server_error_text")

    return app
