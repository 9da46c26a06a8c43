"""`privgen publish wordpress` against a real WordPress (Debian's packages, on 127.0.0.1 only).

The site is started once for this module by wordpress_site.py: a private MariaDB on a Unix
socket and a private Apache on a loopback port, both stopped at the end. Without the
packages (or without root, which Debian's /etc/wordpress needs) the tests skip locally and
fail on CI (`.ci/setup` installs the packages there).
"""

from __future__ import annotations

import html
import json

import pytest
import wordpress_site
from conftest import PROFILES, tool_missing

from generator.publish.wordpress import STATE_FILE


@pytest.fixture(scope="module")
def site():
    reason = wordpress_site.missing()
    if reason:
        tool_missing("WordPress", reason)
    wp = wordpress_site.LocalWordPress().start()
    yield wp
    wp.stop()


@pytest.fixture
def as_admin(site, monkeypatch):
    monkeypatch.delenv("PRIVGEN_WP_CREDENTIALS", raising=False)
    monkeypatch.setenv("PRIVGEN_WP_USER", site.user)
    monkeypatch.setenv("PRIVGEN_WP_APP_PASSWORD", site.app_password)


def build(run, profile, out, formats):
    result = run("build", profile, "-o", out, "--format", formats, "--documents", "privacy-policy", "-j", "1")
    assert result.exit_code == 0, result.output
    return out / "beispiel-shop"


def profile_named(tmp_path, name: str):
    path = tmp_path / "beispiel-shop.yaml"
    text = (PROFILES / "beispiel-shop.yaml").read_text(encoding="utf-8")
    assert "Beispiel Shop GmbH" in text
    path.write_text(text.replace("Beispiel Shop GmbH", name), encoding="utf-8")
    return path


def pages_by_slug(site, slug: str) -> list[dict]:
    status, pages = site.rest("/wp/v2/pages", auth=True, slug=slug, status="any", context="edit")
    assert status == 200
    return pages


def all_pages(site) -> list[int]:
    status, pages = site.rest("/wp/v2/pages", auth=True, status="any", per_page="100", context="edit")
    assert status == 200
    return sorted(p["id"] for p in pages)


def read_back(site, page_id: int) -> dict:
    """The page as a visitor's client sees it through the REST API (no credentials)."""
    status, page = site.rest(f"/wp/v2/pages/{page_id}")
    assert status == 200, page
    return page


def fragment(folder, lang: str) -> str:
    return (folder / lang / "privacy-policy.fragment.html").read_text(encoding="utf-8").strip()


TYPOGRAPHY = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"'})


def shown(markup: str) -> str:
    """Markup as a reader sees it: WordPress's display filter (wptexturize) turns straight
    quotes into typographic ones and writes them as entities; undo both on either side."""
    return html.unescape(markup).translate(TYPOGRAPHY).strip()


def test_publish_twice_updates_the_same_pages(site, as_admin, run, tmp_path):
    out = tmp_path / "out"
    folder = build(run, profile_named(tmp_path, "Beispiel Shop GmbH"), out, "json,html-fragment")
    before = all_pages(site)

    first = run("publish", "wordpress", folder, "--url", site.url)
    assert first.exit_code == 0, first.output
    state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    ids = {lang: e["page_id"] for lang, e in state["sites"][site.url]["privacy-policy"].items()}
    assert set(ids) == {"de", "en"}
    for lang, slug, title in (
        ("de", "datenschutzerklaerung", "Datenschutzerklärung"),
        ("en", "privacy-policy", "Privacy Policy"),
    ):
        page = read_back(site, ids[lang])
        assert (page["slug"], page["status"], page["title"]["rendered"]) == (slug, "publish", title)
        assert page["link"] == f"{site.url}/{slug}/"
        assert shown(page["content"]["rendered"]) == shown(fragment(folder, lang))
        assert "Beispiel Shop GmbH" in page["content"]["rendered"]
    # WordPress's own draft privacy page (slug privacy-policy) was taken over, not duplicated.
    assert len(all_pages(site)) - len(before) == 1

    # The profile changes; this time only JSON is built, so the page body comes from the JSON.
    changed = profile_named(tmp_path, "Beispielhaus Nord GmbH")
    build(run, changed, out, "json")
    second = run("publish", "wordpress", folder, "--url", site.url)
    assert second.exit_code == 0, second.output
    assert second.output.count(": updated page") == 2
    # What the page should now show, built independently as html-fragment.
    expected = build(run, changed, tmp_path / "expected", "html-fragment")
    for lang in ("de", "en"):
        (page,) = pages_by_slug(site, "datenschutzerklaerung" if lang == "de" else "privacy-policy")
        assert page["id"] == ids[lang]
        published = read_back(site, ids[lang])["content"]["rendered"]
        assert shown(published) == shown(fragment(expected, lang))
        assert "Beispielhaus Nord GmbH" in published and "Beispiel Shop GmbH" not in published
    assert len(all_pages(site)) - len(before) == 1

    # Nothing changed: no request that writes, no new revision.
    revisions = site.rest(f"/wp/v2/pages/{ids['de']}/revisions", auth=True)[1]
    assert isinstance(revisions, list) and revisions  # the update above made one
    third = run("publish", "wordpress", folder, "--url", site.url)
    assert third.exit_code == 0, third.output
    assert third.output.count(": unchanged page") == 2
    assert site.rest(f"/wp/v2/pages/{ids['de']}/revisions", auth=True)[1] == revisions

    # A fresh build folder (no state file) finds the same pages by their slugs.
    fresh = build(run, changed, tmp_path / "fresh", "json,html-fragment")
    fourth = run("publish", "wordpress", fresh, "--url", site.url)
    assert fourth.exit_code == 0, fourth.output
    assert fourth.output.count("found the existing page") == 2
    assert len(all_pages(site)) - len(before) == 1


def test_wrong_application_password(site, run, tmp_path, monkeypatch):
    folder = build(run, PROFILES / "beispiel-shop.yaml", tmp_path, "json")
    monkeypatch.setenv("PRIVGEN_WP_USER", site.user)
    monkeypatch.setenv("PRIVGEN_WP_APP_PASSWORD", "AAAA BBBB CCCC DDDD EEEE FFFF")
    result = run("publish", "wordpress", folder, "--url", site.url)
    assert result.exit_code == 2, result.output
    assert "WordPress answered 401 Unauthorized" in result.output
    # WordPress 6.1 answers rest_not_logged_in (newer versions: incorrect_password).
    assert "[rest_not_logged_in]" in result.output or "[incorrect_password]" in result.output
    assert f"did not accept the user {site.user!r}" in result.output or "is wrong" in result.output
    assert "Traceback" not in result.output


def test_an_account_that_may_not_edit_pages(site, run, tmp_path, monkeypatch):
    folder = build(run, PROFILES / "beispiel-shop.yaml", tmp_path, "json")
    monkeypatch.setenv("PRIVGEN_WP_USER", "reader")
    monkeypatch.setenv("PRIVGEN_WP_APP_PASSWORD", site.add_user("reader", "subscriber"))
    result = run("publish", "wordpress", folder, "--url", site.url)
    assert result.exit_code == 2
    assert "the account 'reader' (roles: subscriber) may not edit pages" in result.output


def test_plain_permalinks(site, as_admin, run, tmp_path):
    """Without pretty permalinks /wp-json/ does not exist; the publisher uses ?rest_route=."""
    folder = build(run, PROFILES / "beispiel-shop.yaml", tmp_path, "json,html-fragment")
    site.pretty_permalinks(False)
    try:
        assert site.get("/wp-json/")[0] == 404
        result = run(
            "publish", "wordpress", folder, "--url", site.url, "--lang", "de", "--slug", "datenschutz"
        )
        assert result.exit_code == 0, result.output
        (page,) = pages_by_slug(site, "datenschutz")
        assert page["content"]["raw"] == f"<!-- wp:html -->\n{fragment(folder, 'de')}\n<!-- /wp:html -->"
    finally:
        site.pretty_permalinks(True)
