"""Publish built documents to WordPress pages through the REST API (`/wp/v2/pages`).

One page per document and language. The first run creates the page; later runs update the
same page. The page is found by the id remembered in `<output>/<id>/wordpress.json` (per
site), else by its slug, so a fresh build folder still updates the existing page instead
of adding a second one. Authentication: HTTP Basic with a WordPress application password.

Only the standard library: urllib with certificate checks on, redirects refused (a
redirect could carry the credentials elsewhere), proxies bypassed for loopback hosts.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import ipaddress
import json
import re
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import InputError, OutputError, RemoteError
from ..outputs import safe_target, write_atomic
from .credentials import Credentials
from .sources import Source, slugify

STATE_FILE = "wordpress.json"
STATE_FORMAT = ("privgen-wordpress-state", 1)
ENV_USER = "PRIVGEN_WP_USER"
ENV_PASSWORD = "PRIVGEN_WP_APP_PASSWORD"  # noqa: S105 - the variable's name, not a secret
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,198}[a-z0-9])?$")
MAX_RESPONSE = 32 * 1024 * 1024
# WordPress error codes that mean "these credentials are wrong" (the user's input: exit 2).
BAD_CREDENTIALS = {"incorrect_password", "invalid_username", "invalid_email", "empty_username"}
# Statuses a page can have that we look at when searching by slug (not "trash").
LIVE_STATUSES = "publish,future,draft,pending,private"


class CredentialsRejected(InputError):
    """WordPress refused the user name or application password (exit code 2)."""


class WordPressError(RemoteError):
    """WordPress answered with an error, or not like WordPress (exit code 1)."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code


# -- the site address ---------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def site_url(url: str, allow_insecure_http: bool = False) -> str:
    """The site's base address, normalised (no trailing slash); InputError when unusable."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InputError(f"--url: expected the site's address, such as https://www.example.org; got {url!r}")
    if parts.username is not None or parts.password is not None:
        raise InputError(
            "--url: the address contains a user name or password; never put credentials on "
            f"the command line: use {ENV_USER} and {ENV_PASSWORD}, or --credentials FILE"
        )
    if parts.query or parts.fragment:
        raise InputError(f"--url: expected the site's address without ?query or #fragment; got {url!r}")
    try:
        port = parts.port
    except ValueError:
        raise InputError(f"--url: invalid port in {url!r}") from None
    if parts.scheme == "http" and not is_loopback(parts.hostname) and not allow_insecure_http:
        raise InputError(
            f"--url: {url} is plain http://: the application password would cross the network "
            "unencrypted. Use https://, or pass --allow-insecure-http if you really mean it"
        )
    host = parts.hostname
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


# -- the REST client ------------------------------------------------------------------------


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """urllib would resend the Authorization header to wherever a redirect points."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError for the 3xx answer


def _wp_message(body: bytes) -> tuple[str | None, str | None]:
    """(code, message) of a WordPress REST error body, or (None, None)."""
    try:
        data = json.loads(body)
    except ValueError:
        return None, None
    if not isinstance(data, dict) or "message" not in data:
        return None, None
    message = unescape(re.sub(r"<[^>]+>", "", str(data.get("message") or ""))).strip()
    return (str(data["code"]) if data.get("code") else None), message


@dataclass
class WordPressClient:
    """A small client for the parts of the REST API the publisher needs."""

    base_url: str
    credentials: Credentials | None = None
    timeout: float = 30.0
    style: str | None = None  # "pretty" (/wp-json/...) or "query" (/?rest_route=...), set by discover()
    _opener: urllib.request.OpenerDirector = field(init=False, repr=False)

    def __post_init__(self) -> None:
        host = urllib.parse.urlsplit(self.base_url).hostname or ""
        handlers: list[urllib.request.BaseHandler] = [
            _RefuseRedirects(),
            urllib.request.HTTPSHandler(context=ssl.create_default_context()),
        ]
        if is_loopback(host):
            handlers.append(urllib.request.ProxyHandler({}))
        self._opener = urllib.request.build_opener(*handlers)

    @property
    def host(self) -> str:
        return urllib.parse.urlsplit(self.base_url).netloc

    def url(self, route: str, params: dict[str, str] | None = None) -> str:
        query = urllib.parse.urlencode(params or {})
        if self.style == "query":
            url = f"{self.base_url}/?rest_route={urllib.parse.quote(route, safe='/')}"
            return f"{url}&{query}" if query else url
        url = f"{self.base_url}/wp-json{route}"
        return f"{url}?{query}" if query else url

    def call(
        self,
        method: str,
        route: str,
        params: dict[str, str] | None = None,
        body: dict | None = None,
        auth: bool = True,
    ) -> Any:
        """One REST request; the parsed JSON answer. Raises WordPressError and friends."""
        url = self.url(route, params)
        headers = {
            "Accept": "application/json",
            "User-Agent": f"privgen/{__version__} (+https://pypi.org/project/privgen/)",
        }
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        if auth and self.credentials is not None:
            pair = f"{self.credentials.user}:{self.credentials.password}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
        where = f"{method} {url}"
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                raw = response.read(MAX_RESPONSE + 1)
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc, where) from None
        except urllib.error.URLError as exc:
            raise self._unreachable(exc.reason) from None
        except TimeoutError:
            raise RemoteError(f"{self.host}: no answer within {self.timeout:g} s ({where})") from None
        except (OSError, http.client.HTTPException) as exc:
            raise RemoteError(f"{self.host}: the connection failed ({where}): {exc}") from None
        if len(raw) > MAX_RESPONSE:
            raise WordPressError(f"{self.host}: the answer to {where} is larger than 32 MiB")
        try:
            return json.loads(raw)
        except ValueError:
            raise WordPressError(
                f"{self.host}: the answer to {where} is not JSON: is this the WordPress address, "
                "or is a cache, firewall or maintenance page in the way?"
            ) from None

    def _unreachable(self, reason: object) -> RemoteError:
        if isinstance(reason, ssl.SSLCertVerificationError):
            return RemoteError(
                f"{self.host}: the TLS certificate could not be verified ({reason.verify_message}); "
                "privgen does not publish to a site it cannot authenticate"
            )
        if isinstance(reason, TimeoutError):
            return RemoteError(f"{self.host}: no answer within {self.timeout:g} s")
        if isinstance(reason, socket.gaierror):
            return RemoteError(f"{self.host}: cannot resolve the host name ({reason.strerror})")
        if isinstance(reason, ConnectionRefusedError):
            return RemoteError(f"{self.base_url}: unreachable (connection refused)")
        text = getattr(reason, "strerror", None) or str(reason)
        return RemoteError(f"{self.base_url}: unreachable ({text})")

    def _http_error(self, exc: urllib.error.HTTPError, where: str) -> Exception:
        status = exc.code
        try:
            body = exc.read(MAX_RESPONSE)
        except OSError:
            body = b""
        if 300 <= status < 400:
            location = exc.headers.get("Location", "")
            hint = ""
            if location:
                parts = urllib.parse.urlsplit(urllib.parse.urljoin(exc.url, location))
                path = parts.path.split("/wp-json", 1)[0].rstrip("/")
                hint = f"; use --url {urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, '', ''))}"
            return InputError(
                f"{self.host}: {where} redirects ({status}) to {location or 'another address'}; "
                f"privgen does not follow redirects with credentials{hint}"
            )
        code, message = _wp_message(body)
        reason = http.client.responses.get(status, "")
        detail = f": {message}" if message else " (not a WordPress REST API answer)"
        if code:
            detail += f" [{code}]"
        text = f"{self.host}: WordPress answered {status} {reason} to {where}{detail}"
        if status == 401 and self.credentials is not None:
            user, origin = self.credentials.user, self.credentials.origin
            if code in BAD_CREDENTIALS:
                why = f"The user name or application password (from {origin}) is wrong."
            else:
                # WordPress 6.1 also says rest_not_logged_in for a wrong application password.
                why = (
                    f"WordPress did not accept the user {user!r} with the application password from "
                    f"{origin}: either they are wrong, or the site does not accept application "
                    "passwords (they need HTTPS, or WP_ENVIRONMENT_TYPE 'local'; some servers, such "
                    "as Apache with CGI/FastCGI, drop the Authorization header)."
                )
            return CredentialsRejected(
                f"{text}\n{why} Create an application password in WordPress under "
                "Users → Profile → Application Passwords"
            )
        return WordPressError(text, status=status, code=code)

    # -- the calls the publisher makes --

    def discover(self) -> dict:
        """Find the REST API (pretty permalinks or ?rest_route=); returns the index."""
        tried = []
        for style in ("pretty", "query"):
            self.style = style
            tried.append(self.url("/"))
            try:
                index = self.call("GET", "/", auth=False)
            except WordPressError:
                continue
            if isinstance(index, dict) and "wp/v2" in (index.get("namespaces") or []):
                return index
        self.style = None
        raise WordPressError(
            f"{self.base_url}: no WordPress REST API found (tried {' and '.join(tried)}); is this "
            "the WordPress address, and is the REST API enabled?"
        )

    def _object(self, answer: Any, what: str) -> dict:
        if not isinstance(answer, dict) or (
            what != "the signed-in user" and not isinstance(answer.get("id"), int)
        ):
            raise WordPressError(f"{self.host}: unexpected answer for {what} (is this WordPress?)")
        return answer

    def me(self) -> dict:
        return self._object(self.call("GET", "/wp/v2/users/me", {"context": "edit"}), "the signed-in user")

    def page(self, page_id: int) -> dict | None:
        """A page by id (edit context), or None when it does not exist."""
        try:
            answer = self.call("GET", f"/wp/v2/pages/{page_id}", {"context": "edit"})
        except WordPressError as exc:
            if exc.status == 404:
                return None
            raise
        return self._object(answer, f"page {page_id}")

    def pages_with_slug(self, slug: str) -> list[dict]:
        found = self.call(
            "GET",
            "/wp/v2/pages",
            {"slug": slug, "status": LIVE_STATUSES, "context": "edit", "per_page": "100"},
        )
        if not isinstance(found, list):
            raise WordPressError(f"{self.host}: unexpected answer to the page search for slug {slug!r}")
        return [self._object(page, f"the page search for slug {slug!r}") for page in found]

    def create_page(self, fields: dict) -> dict:
        return self._object(self.call("POST", "/wp/v2/pages", body=fields), "the new page")

    def update_page(self, page_id: int, fields: dict) -> dict:
        return self._object(self.call("POST", f"/wp/v2/pages/{page_id}", body=fields), f"page {page_id}")


# -- what goes onto the page -------------------------------------------------------------


def page_content(source: Source) -> str:
    """The page content: the body in one Custom HTML block.

    The block keeps the markup as it is in the block editor, and WordPress does not run
    wpautop over it (which would add <p> and <br> between the tags).
    """
    return f"<!-- wp:html -->\n{source.body_html.strip()}\n<!-- /wp:html -->"


# -- remembering pages ----------------------------------------------------------------------


def read_state(folder: Path) -> dict:
    path = folder / STATE_FILE
    if not path.exists():
        return {"format": STATE_FORMAT[0], "format_version": STATE_FORMAT[1], "sites": {}}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path}: unreadable ({exc}); delete it and privgen finds the pages by their slug again"
        ) from None
    if (
        not isinstance(state, dict)
        or (state.get("format"), state.get("format_version")) != STATE_FORMAT
        or not isinstance(state.get("sites"), dict)
    ):
        raise InputError(
            f"{path}: format: expected {STATE_FORMAT[0]!r} version {STATE_FORMAT[1]}; delete it and "
            "privgen finds the pages by their slug again"
        )
    return state


def remembered(state: dict, site: str, document: str, lang: str) -> int | None:
    entry = state["sites"].get(site, {}).get(document, {}).get(lang)
    page_id = entry.get("page_id") if isinstance(entry, dict) else None
    return page_id if isinstance(page_id, int) and page_id > 0 else None


def remember(state: dict, site: str, document: str, lang: str, page: dict, content: str) -> None:
    state["sites"].setdefault(site, {}).setdefault(document, {})[lang] = {
        "page_id": page["id"],
        "slug": page.get("slug"),
        "link": page.get("link"),
        "status": page.get("status"),
        "modified_gmt": page.get("modified_gmt"),
        "content_sha256": hashlib.sha256(content.encode("utf-8")).hexdigest(),
    }


def write_state(folder: Path, state: dict) -> None:
    data = json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    path = safe_target(folder, STATE_FILE)
    try:
        write_atomic(path, data.encode("utf-8"))
    except OSError as exc:
        raise OutputError(
            f"{path}: cannot write: {exc.strerror or exc}. The page was published; the next run "
            "finds it by its slug"
        ) from None


# -- publishing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where one source goes: the slug, and the page id if the user named one."""

    source: Source
    slug: str
    page_id: int | None = None
    slug_given: bool = False  # from --slug: also renames an existing page's slug


def _per_language(
    values: tuple[str, ...], option: str, langs: list[str]
) -> tuple[str | None, dict[str, str]]:
    """Split `VALUE` / `LANG=VALUE` options into (plain value, {lang: value})."""
    plain: list[str] = []
    mapped: dict[str, str] = {}
    for value in values:
        lang, sep, rest = value.partition("=")
        if not sep:
            plain.append(value)
            continue
        if lang not in langs:
            raise InputError(
                f"{option}: {value!r}: {lang!r} is not published here (languages: {', '.join(langs)})"
            )
        if lang in mapped:
            raise InputError(f"{option}: {lang} is given twice")
        mapped[lang] = rest
    if len(plain) > 1:
        raise InputError(f"{option}: give one value for all languages, or LANG=VALUE per language")
    return (plain[0] if plain else None), mapped


def plan(sources: list[Source], slugs: tuple[str, ...] = (), page_ids: tuple[str, ...] = ()) -> list[Target]:
    """Decide each language's slug (and page id, if named).

    Slug: `LANG=SLUG` for that language; a plain `SLUG` for a single language, or
    `SLUG-<lang>` for each of several; else the document title as a slug
    (Datenschutzerklärung -> datenschutzerklaerung, Privacy Policy -> privacy-policy).
    """
    langs = [s.lang for s in sources]
    plain_slug, slug_map = _per_language(slugs, "--slug", langs)
    plain_id, id_map = _per_language(page_ids, "--page-id", langs)
    if plain_id is not None and len(langs) > 1:
        raise InputError(f"--page-id: several languages are published ({', '.join(langs)}); use LANG=ID")
    targets = []
    for source in sources:
        if source.lang in slug_map:
            slug = slug_map[source.lang]
        elif plain_slug is not None:
            slug = plain_slug if len(sources) == 1 else f"{plain_slug}-{source.lang}"
        else:
            slug = slugify(source.title) or f"{source.document}-{source.lang}"
        if not SLUG.match(slug):
            raise InputError(
                f"--slug: {slug!r} is not a usable slug: use lowercase letters a-z, digits and "
                "inner hyphens, such as datenschutz"
            )
        raw_id = id_map.get(source.lang, plain_id)
        page_id = None
        if raw_id is not None:
            if not raw_id.isdigit() or int(raw_id) < 1:
                raise InputError(f"--page-id: expected a page number such as 42, got {raw_id!r}")
            page_id = int(raw_id)
        given = source.lang in slug_map or plain_slug is not None
        targets.append(Target(source=source, slug=slug, page_id=page_id, slug_given=given))
    seen: dict[str, str] = {}
    for t in targets:
        if t.slug in seen:
            raise InputError(
                f"--slug: {seen[t.slug]} and {t.source.lang} would both get the slug {t.slug!r}; "
                "give each language its own with --slug LANG=SLUG"
            )
        seen[t.slug] = t.source.lang
    ids = [t.page_id for t in targets if t.page_id is not None]
    if len(ids) != len(set(ids)):
        raise InputError("--page-id: two languages name the same page")
    return targets


@dataclass
class Outcome:
    lang: str
    action: str  # created | updated | unchanged | would create | would update
    page_id: int | None
    slug: str
    link: str | None
    status: str | None
    notes: list[str] = field(default_factory=list)
    page: dict | None = field(default=None, repr=False)  # WordPress's answer


def check_account(client: WordPressClient, status: str) -> tuple[dict, list[str]]:
    """Sign in; refuse an account that may not edit (or publish) pages. Returns (user, warnings)."""
    me = client.me()
    caps = me.get("capabilities") if isinstance(me.get("capabilities"), dict) else {}
    name = str(me.get("slug") or me.get("name") or "?")
    roles = ", ".join(str(r) for r in me.get("roles") or []) or "none"
    if not caps.get("edit_pages"):
        raise CredentialsRejected(
            f"{client.host}: the account {name!r} (roles: {roles}) may not edit pages; "
            "use an account with the Editor or Administrator role"
        )
    if status in ("publish", "private") and not caps.get("publish_pages"):
        raise CredentialsRejected(
            f"{client.host}: the account {name!r} (roles: {roles}) may not publish pages; "
            "use an Editor or Administrator, or --status pending"
        )
    warnings = []
    if not caps.get("unfiltered_html"):
        warnings.append(
            f"warning: {client.host}: the account {name!r} lacks the unfiltered_html capability; "
            "WordPress may strip ids, classes and attributes from the published HTML"
        )
    return me, warnings


def _find_page(
    client: WordPressClient, target: Target, known_id: int | None, notes: list[str]
) -> dict | None:
    """The page to update: the named id, else the remembered one, else the one with the slug."""
    if target.page_id is not None:
        page = client.page(target.page_id)
        if page is None or page.get("status") == "trash":
            raise InputError(f"--page-id: {client.host} has no page {target.page_id} (or it is in the trash)")
        return page
    if known_id is not None:
        page = client.page(known_id)
        if page is not None and page.get("status") != "trash":
            return page
        gone = "is in the trash" if page is not None else "no longer exists"
        notes.append(f"page {known_id} {gone}; looking for a page with slug {target.slug!r}")
    found = client.pages_with_slug(target.slug)
    if len(found) > 1:
        ids = ", ".join(str(p.get("id")) for p in found)
        raise InputError(
            f"{client.host}: several pages have the slug {target.slug!r} (ids {ids}); "
            f"name the one to update with --page-id {target.source.lang}=ID"
        )
    if found:
        if known_id is None:
            notes.append(f"found the existing page {found[0].get('id')} by its slug {target.slug!r}")
        return found[0]
    return None


def _raw(page: dict, key: str) -> str | None:
    """The stored (unfiltered) text of a rendered field, e.g. content.raw (edit context)."""
    value = page.get(key)
    return value.get("raw") if isinstance(value, dict) else None


def _same(page: dict, fields: dict) -> bool:
    return (
        _raw(page, "content") == fields["content"]
        and _raw(page, "title") == fields["title"]
        and page.get("slug") == fields["slug"]
        and page.get("status") == fields["status"]
    )


def publish_one(
    client: WordPressClient, target: Target, status: str, known_id: int | None, dry_run: bool
) -> tuple[Outcome, str]:
    """Create or update the page for one source. Returns the outcome and the content sent."""
    source = target.source
    content = page_content(source)
    fields = {"title": source.title, "slug": target.slug, "content": content, "status": status}
    notes: list[str] = []
    page = _find_page(client, target, known_id, notes)
    if page is not None and not target.slug_given and page.get("slug"):
        fields["slug"] = page["slug"]  # keep a slug changed in WordPress: links to it stay valid
    if page is not None and _same(page, fields):
        action, result = "unchanged", page
    elif dry_run:
        action, result = ("would update", page) if page is not None else ("would create", None)
    elif page is not None:
        action, result = "updated", client.update_page(int(page["id"]), fields)
    else:
        action, result = "created", client.create_page(fields)
    if result is not None and action in ("created", "updated"):
        if result.get("slug") != fields["slug"]:
            notes.append(
                f"WordPress gave the page the slug {result.get('slug')!r} instead of {fields['slug']!r} "
                "(the slug is taken, perhaps by a trashed page or an attachment)"
            )
        if _raw(result, "content") not in (None, content):
            notes.append("WordPress changed the HTML on saving (filtered); check the page")
    outcome = Outcome(
        lang=source.lang,
        action=action,
        page_id=result["id"] if result else None,
        slug=(result or {}).get("slug") or target.slug,
        link=(result or {}).get("link"),
        status=(result or {}).get("status") or status,
        notes=notes,
        page=result,
    )
    return outcome, content


def publish(
    client: WordPressClient,
    folder: Path,
    targets: list[Target],
    status: str,
    dry_run: bool = False,
    report=lambda outcome: None,
) -> list[Exception]:
    """Publish every target; one failing language does not stop the others.

    The state file is written after each page, so an interrupted run never forgets a page
    it created. Returns the errors (already-raised exceptions) per failed language.
    """
    state = read_state(folder)
    site = client.base_url
    errors: list[Exception] = []
    for target in targets:
        source = target.source
        known = remembered(state, site, source.document, source.lang)
        try:
            outcome, content = publish_one(client, target, status, known, dry_run)
        except (RemoteError, InputError) as exc:
            if isinstance(exc, CredentialsRejected):
                raise
            errors.append(exc)
            continue
        report(outcome)
        changed = outcome.action != "unchanged" or known != outcome.page_id
        if not dry_run and outcome.page is not None and changed:
            remember(state, site, source.document, source.lang, outcome.page, content)
            write_state(folder, state)
    return errors
