"""A small stand-in for WordPress's REST API, on 127.0.0.1, for the publisher's error paths.

It speaks the few routes the publisher uses (index, users/me, pages) the way WordPress 6
does, and can be told to misbehave: fail a request, redirect, answer HTML, or serve the API
only under `?rest_route=` (plain permalinks). The happy path is also tested against a real
WordPress in test_wordpress.py.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PASSWORD = "abcd efgh ijkl mnop"  # noqa: S105 - a test application password
ADMIN_CAPS = {"edit_pages": True, "publish_pages": True, "unfiltered_html": True}


class FakeWordPress:
    def __init__(
        self,
        user: str = "editor",
        password: str = PASSWORD,
        pretty: bool = True,
    ):
        self.user = user
        self.password = password
        self.pretty = pretty
        self.caps = dict(ADMIN_CAPS)
        self.pages: dict[int, dict] = {}
        self.next_id = 40
        self.requests: list[tuple[str, str, str | None]] = []  # (method, route, Authorization)
        self.fail: dict[tuple[str, str], tuple[int, bytes]] = {}  # (method, route) -> answer
        self.fail_slug: dict[str, tuple[int, bytes]] = {}  # a create/update with this slug fails
        self.redirect: str | None = None
        self.not_wordpress = False
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeWordPress:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def writes(self) -> list[tuple[str, str]]:
        return [(m, r) for m, r, _ in self.requests if m != "GET"]

    # -- the REST API --

    def _page(self, fields: dict, page_id: int) -> dict:
        slug = fields["slug"]
        return {
            "id": page_id,
            "slug": slug,
            "status": fields.get("status", "draft"),
            "link": f"{self.url}/{slug}/",
            "title": {"raw": fields["title"], "rendered": fields["title"]},
            "content": {"raw": fields["content"], "rendered": fields["content"]},
            "modified_gmt": "2026-12-01T00:00:00",
        }

    def answer(self, method: str, route: str, query: dict, auth: str | None, body: dict | None):
        """(status, JSON body) like WordPress would answer."""
        if route == "/":
            return 200, {"name": "Fake", "namespaces": ["oembed/1.0", "wp/v2"]}
        expected = "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        if auth is None:
            return 401, {
                "code": "rest_not_logged_in",
                "message": "You are not currently logged in.",
                "data": {"status": 401},
            }
        if auth != expected:
            return 401, {
                "code": "incorrect_password",
                "message": "The provided password is an invalid application password.",
                "data": {"status": 401},
            }
        if route == "/wp/v2/users/me":
            return 200, {"id": 1, "slug": self.user, "roles": ["editor"], "capabilities": self.caps}
        if route == "/wp/v2/pages" and method == "GET":
            slug = query.get("slug")
            found = [p for p in self.pages.values() if p["slug"] == slug and p["status"] != "trash"]
            return 200, found
        if route == "/wp/v2/pages" and method == "POST":
            if body["slug"] in self.fail_slug:
                return self.fail_slug[body["slug"]]
            self.next_id += 1
            self.pages[self.next_id] = self._page(body, self.next_id)
            return 201, self.pages[self.next_id]
        if route.startswith("/wp/v2/pages/"):
            page_id = int(route.rsplit("/", 1)[1])
            if page_id not in self.pages:
                return 404, {"code": "rest_post_invalid_id", "message": "Invalid post ID.", "data": {}}
            if method == "GET":
                return 200, self.pages[page_id]
            if body["slug"] in self.fail_slug:
                return self.fail_slug[body["slug"]]
            self.pages[page_id] = self._page(body, page_id)
            return 200, self.pages[page_id]
        return 404, {"code": "rest_no_route", "message": "No route was found.", "data": {}}

    def _handler(self):
        wp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _send(self, status: int, payload, content_type="application/json; charset=UTF-8"):
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _route(self) -> tuple[str | None, dict]:
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                if parts.path.startswith("/wp-json") and wp.pretty:
                    return parts.path[len("/wp-json") :] or "/", query
                if parts.path == "/" and "rest_route" in query:
                    return query.pop("rest_route"), query
                return None, query

            def _handle(self, method: str):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                route, query = self._route()
                wp.requests.append((method, route or self.path, self.headers.get("Authorization")))
                if wp.redirect:
                    self.send_response(301)
                    self.send_header("Location", wp.redirect + self.path)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if wp.not_wordpress:
                    return self._send(200, b"<!DOCTYPE html><title>Shop</title>", "text/html")
                if route is None:
                    return self._send(404, b"<!DOCTYPE html><title>Not found</title>", "text/html")
                if (method, route) in wp.fail:
                    status, payload = wp.fail[(method, route)]
                    return self._send(status, payload)
                body = json.loads(raw) if raw else None
                status, payload = wp.answer(method, route, query, self.headers.get("Authorization"), body)
                self._send(status, payload)

            def do_GET(self):  # noqa: N802
                self._handle("GET")

            def do_POST(self):  # noqa: N802
                self._handle("POST")

        return Handler
