"""`privgen publish wordpress`: addresses, credentials, sources, slugs and the REST conversation.

These run everywhere, against a stand-in for WordPress's REST API (fake_wordpress.py) for
the error paths a real site rarely produces on demand. test_wordpress.py runs the same
command against a real WordPress.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket

import pytest
from conftest import PROFILES
from fake_wordpress import FakeWordPress

from generator.cli import main
from generator.errors import InputError
from generator.publish import credentials as creds
from generator.publish import wordpress
from generator.publish.sources import body_from_json, load_sources, slugify
from generator.publish.wordpress import STATE_FILE, plan, site_url

PASSWORD = "abcd efgh ijkl mnop"  # noqa: S105 - a test application password


@pytest.fixture
def fake():
    server = FakeWordPress(password=PASSWORD).start()
    yield server
    server.stop()


@pytest.fixture
def built(run, tmp_path):
    """beispiel-shop (de, en) built as JSON and html-fragment; returns its output folder."""

    def _build(profile=PROFILES / "beispiel-shop.yaml", formats="json,html-fragment", out=None):
        out = out or tmp_path / "out"
        result = run(
            "build", profile, "-o", out, "--format", formats, "--documents", "privacy-policy", "-j", "1"
        )
        assert result.exit_code == 0, result.output
        return out / profile.stem

    return _build


@pytest.fixture
def env(monkeypatch):
    monkeypatch.delenv("PRIVGEN_WP_CREDENTIALS", raising=False)
    monkeypatch.setenv("PRIVGEN_WP_USER", "editor")
    monkeypatch.setenv("PRIVGEN_WP_APP_PASSWORD", PASSWORD)


def publish(run, folder, url, *args):
    return run("publish", "wordpress", folder, "--url", url, *args)


def state_ids(folder) -> dict[str, int]:
    state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    (site,) = state["sites"].values()
    return {lang: entry["page_id"] for lang, entry in site["privacy-policy"].items()}


# -- the site address -------------------------------------------------------------------


def test_site_url_normalises_and_keeps_a_subfolder():
    assert site_url("https://WWW.Example.org/") == "https://www.example.org"
    assert site_url("https://example.org/blog/") == "https://example.org/blog"
    assert site_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert site_url("http://localhost/wp") == "http://localhost/wp"
    assert site_url("http://[::1]:8000") == "http://[::1]:8000"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.example.org", "--allow-insecure-http"),
        ("http://10.0.0.5", "unencrypted"),
        ("https://admin:secret@example.org", "never put credentials on the command line"),
        ("ftp://example.org", "expected the site's address"),
        ("example.org", "expected the site's address"),
        ("https://example.org/?p=1", "without ?query"),
        ("https://example.org:99999", "invalid port"),
    ],
)
def test_site_url_refuses(url, expected):
    with pytest.raises(InputError, match="--url") as info:
        site_url(url)
    assert expected in str(info.value)
    assert "secret" not in str(info.value)


def test_plain_http_to_another_host_only_with_the_flag():
    assert site_url("http://www.example.org", allow_insecure_http=True) == "http://www.example.org"


def test_plain_http_refused_on_the_command_line(run, built, env):
    result = publish(run, built(), "http://www.example.org")
    assert result.exit_code == 2
    assert "--allow-insecure-http" in result.output


# -- credentials --------------------------------------------------------------------------


def netrc_file(tmp_path, text, mode=0o600):
    path = tmp_path / "wp.netrc"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def test_credentials_file_by_host_with_quoted_password(tmp_path):
    path = netrc_file(
        tmp_path,
        'machine other.example login x password "y"\n'
        f'machine www.example.org login editor password "{PASSWORD}"\n',
    )
    found, warnings = creds.from_file(path, "www.example.org")
    assert (found.user, found.password, warnings) == ("editor", PASSWORD, [])
    assert PASSWORD not in repr(found)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_world_readable_credentials_file_is_refused_group_readable_warned(tmp_path):
    path = netrc_file(tmp_path, f'machine h login u password "{PASSWORD}"\n', mode=0o644)
    with pytest.raises(InputError, match="readable or writable by other users.*chmod 600"):
        creds.from_file(path, "h")
    os.chmod(path, 0o640)
    _found, warnings = creds.from_file(path, "h")
    assert len(warnings) == 1 and "group" in warnings[0]


def test_credentials_file_errors_never_show_the_secret(tmp_path):
    path = netrc_file(tmp_path, f"machine h login u password {PASSWORD.replace(' ', '')} bogus\n")
    with pytest.raises(InputError) as info:
        creds.from_file(path, "h")
    assert "not in netrc format" in str(info.value)
    assert PASSWORD.replace(" ", "") not in str(info.value)
    ok = netrc_file(tmp_path, 'machine h login u password "p"\n')
    with pytest.raises(InputError, match="no entry for machine other"):
        creds.from_file(ok, "other")


def test_credentials_only_from_environment_or_file(run, built, fake, monkeypatch):
    params = {p.name for p in main.commands["publish"].commands["wordpress"].params}
    assert not params & {"password", "user", "app_password", "username"}
    monkeypatch.delenv("PRIVGEN_WP_USER", raising=False)
    monkeypatch.delenv("PRIVGEN_WP_APP_PASSWORD", raising=False)
    monkeypatch.delenv("PRIVGEN_WP_CREDENTIALS", raising=False)
    folder = built()
    result = publish(run, folder, fake.url)
    assert result.exit_code == 2
    assert "PRIVGEN_WP_USER" in result.output and "--credentials" in result.output
    monkeypatch.setenv("PRIVGEN_WP_USER", "editor")
    result = publish(run, folder, fake.url)
    assert result.exit_code == 2
    assert "PRIVGEN_WP_APP_PASSWORD is not set" in result.output
    assert fake.requests == []  # nothing was sent without credentials


def test_publish_with_a_credentials_file(run, built, fake, tmp_path, monkeypatch):
    monkeypatch.delenv("PRIVGEN_WP_USER", raising=False)
    monkeypatch.delenv("PRIVGEN_WP_APP_PASSWORD", raising=False)
    path = netrc_file(tmp_path, f'machine 127.0.0.1 login editor password "{PASSWORD}"\n')
    result = publish(run, built(), fake.url, "--credentials", path)
    assert result.exit_code == 0, result.output
    assert len(fake.pages) == 2
    os.chmod(path, 0o604)
    result = publish(run, built(), fake.url, "--credentials", path)
    assert result.exit_code == 2
    assert "chmod 600" in result.output


# -- what is published ----------------------------------------------------------------------


def test_body_from_json_is_the_fragment_markup(built):
    """Without an html-fragment build the page gets the same markup, assembled from the JSON."""
    folder = built()
    for lang in ("de", "en"):
        data = json.loads((folder / lang / "privacy-policy.json").read_text(encoding="utf-8"))
        fragment = (folder / lang / "privacy-policy.fragment.html").read_text(encoding="utf-8")
        assert body_from_json(data) == fragment.strip(), (
            f"{lang}: generator/publish/sources.py body_from_json no longer matches the html-fragment "
            "exporter's markup; update it to match"
        )


def changed_profile(tmp_path, name="Neuer Name AG"):
    path = tmp_path / "beispiel-shop.yaml"
    text = (PROFILES / "beispiel-shop.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("Beispiel Shop GmbH", name), encoding="utf-8")
    return path


def test_sources_prefer_the_fragment_only_while_it_is_current(built, tmp_path):
    folder = built()
    sources = load_sources(folder, "privacy-policy", None)
    assert [s.lang for s in sources] == ["de", "en"]
    assert all(s.origin.name == "privacy-policy.fragment.html" for s in sources)
    assert sources[0].title == "Datenschutzerklärung"
    # The profile changed and only JSON was rebuilt: the old fragments are still there, outdated.
    built(changed_profile(tmp_path), formats="json")
    assert (folder / "de" / "privacy-policy.fragment.html").exists()
    sources = load_sources(folder, "privacy-policy", ("en",))
    assert [(s.lang, s.origin.name) for s in sources] == [("en", "privacy-policy.json")]
    assert "Neuer Name AG" in sources[0].body_html


def test_a_changed_built_file_is_refused(run, built, fake, env):
    folder = built()
    fragment = folder / "de" / "privacy-policy.fragment.html"
    fragment.write_text(fragment.read_text(encoding="utf-8") + "<p>edited</p>", encoding="utf-8")
    result = publish(run, folder, fake.url)
    assert result.exit_code == 2
    assert "privacy-policy.fragment.html: changed since it was built" in result.output
    assert fake.writes() == []


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda f: (f / "manifest.json").unlink(), "no manifest.json"),
        (lambda f: (f / "manifest.json").write_text("{", encoding="utf-8"), "not valid JSON"),
        (lambda f: (f / "en" / "privacy-policy.json").unlink(), "listed in manifest.json but missing"),
    ],
)
def test_unusable_output_folder(run, built, fake, env, setup, expected):
    folder = built()
    setup(folder)
    result = publish(run, folder, fake.url)
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output


def test_missing_language_and_json(run, built, fake, env):
    folder = built()
    result = publish(run, folder, fake.url, "--lang", "fr")
    assert result.exit_code == 2 and "not built in fr" in result.output
    folder = built(formats="html-fragment", out=folder.parent.parent / "nojson")
    result = publish(run, folder, fake.url)
    assert result.exit_code == 2 and "build with the json format" in result.output


def test_slugify():
    assert slugify("Datenschutzerklärung") == "datenschutzerklaerung"
    assert slugify("Privacy Policy") == "privacy-policy"
    assert slugify("Größe & Maß") == "groesse-mass"


def test_slug_planning(built):
    sources = load_sources(built(), "privacy-policy", None)
    slugs = lambda *opts: [t.slug for t in plan(sources, opts)]  # noqa: E731
    assert slugs() == ["datenschutzerklaerung", "privacy-policy"]
    assert slugs("datenschutz") == ["datenschutz-de", "datenschutz-en"]
    assert slugs("en=privacy") == ["datenschutzerklaerung", "privacy"]
    assert slugs("datenschutz", "en=privacy") == ["datenschutz-de", "privacy"]
    assert plan(sources[:1], ("datenschutz",))[0].slug == "datenschutz"
    assert [t.page_id for t in plan(sources, (), ("de=7", "en=9"))] == [7, 9]
    for opts, message in [
        (("de=same", "en=same"), "would both get the slug"),
        (("Daten Schutz",), "not a usable slug"),
        (("fr=x",), "not published here"),
        (("a", "b"), "one value for all languages"),
    ]:
        with pytest.raises(InputError, match=message):
            plan(sources, opts)
    with pytest.raises(InputError, match="use LANG=ID"):
        plan(sources, (), ("7",))
    with pytest.raises(InputError, match="expected a page number"):
        plan(sources, (), ("de=x",))


# -- the REST conversation ----------------------------------------------------------------------


def test_create_once_then_update_the_same_pages(run, built, fake, env, tmp_path):
    folder = built()
    first = publish(run, folder, fake.url)
    assert first.exit_code == 0, first.output
    assert "de: created page" in first.output and "en: created page" in first.output
    ids = state_ids(folder)
    assert sorted(ids.values()) == sorted(fake.pages)
    assert fake.pages[ids["de"]]["slug"] == "datenschutzerklaerung"
    assert fake.pages[ids["de"]]["status"] == "publish"
    fragment = (folder / "de" / "privacy-policy.fragment.html").read_text(encoding="utf-8")
    assert (
        fake.pages[ids["de"]]["content"]["raw"] == f"<!-- wp:html -->\n{fragment.strip()}\n<!-- /wp:html -->"
    )
    assert all(auth and auth.startswith("Basic ") for m, r, auth in fake.requests if r != "/")

    built(changed_profile(tmp_path))
    fake.requests.clear()
    second = publish(run, folder, fake.url)
    assert second.exit_code == 0, second.output
    assert "de: updated page" in second.output and "en: updated page" in second.output
    assert state_ids(folder) == ids and len(fake.pages) == 2
    assert "Neuer Name AG" in fake.pages[ids["en"]]["content"]["raw"]
    assert sorted(fake.writes()) == sorted(("POST", f"/wp/v2/pages/{i}") for i in ids.values())

    fake.requests.clear()
    third = publish(run, folder, fake.url)
    assert third.exit_code == 0
    assert third.output.count(": unchanged page") == 2
    assert fake.writes() == []  # no new revision when nothing changed


def test_without_state_the_page_is_found_by_slug(run, built, fake, env):
    folder = built()
    assert publish(run, folder, fake.url).exit_code == 0
    ids = state_ids(folder)
    (folder / STATE_FILE).unlink()
    fresh = built(out=folder.parent.parent / "fresh")  # e.g. a CI job that builds into a new folder
    result = publish(run, fresh, fake.url)
    assert result.exit_code == 0, result.output
    assert "found the existing page" in result.output
    assert state_ids(fresh) == ids and len(fake.pages) == 2


def test_a_deleted_page_is_created_again(run, built, fake, env):
    folder = built()
    assert publish(run, folder, fake.url).exit_code == 0
    ids = state_ids(folder)
    del fake.pages[ids["de"]]
    fake.pages[ids["en"]]["status"] = "trash"
    fake.pages[ids["en"]]["slug"] = "privacy-policy__trashed"
    result = publish(run, folder, fake.url)
    assert result.exit_code == 0, result.output
    assert f"page {ids['de']} no longer exists" in result.output
    assert f"page {ids['en']} is in the trash" in result.output
    new = state_ids(folder)
    assert new["de"] not in ids.values() and new["en"] not in ids.values()


def test_page_id_and_status_options(run, built, fake, env):
    folder = built(PROFILES / "berlin-studio.yaml")  # English only
    fake.pages[7] = fake._page({"slug": "legal", "title": "Old", "content": "old", "status": "draft"}, 7)
    result = publish(run, folder, fake.url, "--page-id", "7", "--slug", "privacy", "--status", "draft")
    assert result.exit_code == 0, result.output
    assert list(fake.pages) == [7]
    assert (fake.pages[7]["slug"], fake.pages[7]["status"]) == ("privacy", "draft")
    result = publish(run, folder, fake.url, "--page-id", "8")
    assert result.exit_code == 2 and "has no page 8" in result.output


def test_a_slug_changed_in_wordpress_is_kept_unless_given(run, built, fake, env):
    folder = built()
    assert publish(run, folder, fake.url).exit_code == 0
    ids = state_ids(folder)
    fake.pages[ids["de"]]["slug"] = "datenschutz"  # renamed by hand in WordPress
    fake.pages[ids["de"]]["content"]["raw"] = "edited by hand"
    result = publish(run, folder, fake.url)
    assert result.exit_code == 0, result.output
    assert fake.pages[ids["de"]]["slug"] == "datenschutz"
    assert fake.pages[ids["de"]]["content"]["raw"].startswith("<!-- wp:html -->")
    result = publish(run, folder, fake.url, "--slug", "de=datenschutzhinweise")
    assert result.exit_code == 0, result.output
    assert fake.pages[ids["de"]]["slug"] == "datenschutzhinweise"
    assert state_ids(folder) == ids


def test_dry_run_changes_nothing(run, built, fake, env):
    folder = built()
    result = publish(run, folder, fake.url, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.count("would create") == 2
    assert fake.writes() == [] and fake.pages == {}
    assert not (folder / STATE_FILE).exists()


def test_plain_permalinks_use_rest_route(run, built, env):
    server = FakeWordPress(password=PASSWORD, pretty=False).start()
    try:
        result = publish(run, built(), server.url)
        assert result.exit_code == 0, result.output
        assert len(server.pages) == 2
    finally:
        server.stop()


def test_wrong_password_is_exit_2_with_wordpress_message(run, built, fake, monkeypatch):
    monkeypatch.setenv("PRIVGEN_WP_USER", "editor")
    monkeypatch.setenv("PRIVGEN_WP_APP_PASSWORD", "wrong")
    result = publish(run, built(), fake.url)
    assert result.exit_code == 2
    assert "401 Unauthorized" in result.output
    assert "The provided password is an invalid application password. [incorrect_password]" in result.output
    assert "wrong" not in result.output.replace("is wrong", "")
    assert fake.writes() == []


def test_account_that_may_not_publish(run, built, fake, env):
    fake.caps = {"edit_pages": True}
    result = publish(run, built(), fake.url)
    assert result.exit_code == 2
    assert "may not publish pages" in result.output and "--status pending" in result.output
    result = publish(run, built(), fake.url, "--status", "pending")
    assert result.exit_code == 0, result.output
    assert "lacks the unfiltered_html capability" in result.output


def test_server_error_shows_status_and_message_and_other_language_goes_on(run, built, fake, env):
    fake.fail_slug["privacy-policy"] = (
        500,
        json.dumps(
            {"code": "db_insert_error", "message": "Could not insert post into the <b>database</b>.\x1b[2J"}
        ).encode(),
    )
    folder = built()
    result = publish(run, folder, fake.url)
    assert result.exit_code == 1
    assert "de: created page" in result.output
    assert "WordPress answered 500 Internal Server Error to POST" in result.output
    assert "Could not insert post into the database.\\x1b[2J [db_insert_error]" in result.output
    assert "\x1b" not in result.output  # remote text cannot drive the terminal
    assert list(state_ids(folder)) == ["de"]  # what was created is remembered


def test_unreachable_site_is_exit_1(run, built, env):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = publish(run, built(), f"http://127.0.0.1:{port}")
    assert result.exit_code == 1
    assert "unreachable (connection refused)" in result.output


def test_redirect_is_not_followed_with_credentials(run, built, fake, env):
    fake.redirect = "https://www.example.org"
    result = publish(run, built(), fake.url)
    assert result.exit_code == 2
    assert "redirects (301) to https://www.example.org/wp-json/" in result.output
    assert "use --url https://www.example.org" in result.output
    assert len(fake.requests) == 1


def test_not_a_wordpress_site(run, built, fake, env):
    fake.not_wordpress = True
    result = publish(run, built(), fake.url)
    assert result.exit_code == 1
    assert "no WordPress REST API found" in result.output


def test_a_corrupt_state_file_is_named(run, built, fake, env):
    folder = built()
    (folder / STATE_FILE).write_text("[]", encoding="utf-8")
    result = publish(run, folder, fake.url)
    assert result.exit_code == 2
    assert f"{STATE_FILE}: format" in result.output and "delete it" in result.output


def test_state_that_cannot_be_written(run, built, fake, env, monkeypatch):
    def disk_full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(wordpress, "write_atomic", disk_full)
    result = publish(run, built(), fake.url, "--lang", "de")
    assert result.exit_code == 1
    assert "wordpress.json: cannot write: No space left on device" in result.output
    assert "finds it by its slug" in result.output and "Traceback" not in result.output


def test_output_folder_is_copied_elsewhere(run, built, fake, env, tmp_path):
    """The state travels with the folder; the manifest's relative paths still hold."""
    folder = built()
    assert publish(run, folder, fake.url).exit_code == 0
    moved = tmp_path / "moved"
    shutil.copytree(folder, moved)
    fake.requests.clear()
    result = publish(run, moved, fake.url)
    assert result.exit_code == 0 and result.output.count("unchanged") == 2
    assert fake.writes() == []
