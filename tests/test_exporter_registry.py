"""The exporter registry: discovery through entry points, and every way a plugin can go wrong.

Fake entry points (tests/fake_exporters.py) replace the installed ones; each failure must be
a clear message naming the plugin and its package, with no traceback and nothing written.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import PROFILES

from generator import exporters
from generator.build import load_profile, render_document
from generator.errors import ExportError
from generator.exporters import BUILTIN, BUILTIN_SUFFIXES, GROUP, ExportContext

PROFILE = PROFILES / "beispiel-shop.yaml"
DIST = SimpleNamespace(name="privgen-fake", version="0.3")


def _ep(name: str, value: str, dist=DIST):
    return SimpleNamespace(name=name, value=value, group=GROUP, dist=dist)


@pytest.fixture
def plugins(monkeypatch):
    """Install fake entry points: plugins({'name': 'module:attr', ...})."""

    def install(eps: dict[str, str] | list):
        items = eps if isinstance(eps, list) else [_ep(n, v) for n, v in eps.items()]
        monkeypatch.setattr(exporters, "entry_points", lambda group: [e for e in items if e.group == group])
        exporters.reset()

    yield install
    exporters.reset()


@pytest.fixture
def document():
    return render_document(load_profile(PROFILE), "privacy-policy", "en")


def test_a_good_plugin_is_discovered_and_exports(plugins, document):
    plugins({"fake-good": "fake_exporters:Good"})
    assert exporters.registrations()["fake-good"].origin == "privgen-fake 0.3"
    exporter = exporters.get("fake-good")
    assert not exporter.builtin
    data = exporter.files(document, ExportContext(generator_version="9.9"))
    assert data == {"fake.txt": b"Privacy Policy|en|9.9\n"}


def test_builtins_work_without_any_entry_point(plugins):
    plugins({})  # a source tree that was never installed
    assert set(exporters.targets()) == set(BUILTIN)
    for name in BUILTIN:
        assert exporters.get(name).builtin


def test_builtin_suffixes_are_the_files_the_builtins_write(plugins):
    plugins({})
    written = {s for name in BUILTIN for s in exporters.get(name).suffixes}
    assert written == set(BUILTIN_SUFFIXES)


@pytest.mark.parametrize(
    ("name", "target", "words"),
    [
        ("fake-missing", "fake_exporters_not_there:X", ["failed to load", "ModuleNotFoundError"]),
        ("fake-crash", "fake_exporter_crash:Exporter", ["failed to load", "plugin crashed on import"]),
        ("fake-attr", "fake_exporters:NoSuchClass", ["failed to load", "AttributeError"]),
        ("fake-api2", "fake_exporters:WrongApi", ["needs exporter API version 2", "offers 1"]),
        ("fake-nothing", "fake_exporters:NotAnExporter", ["does not implement the Exporter protocol"]),
        ("fake-suffix", "fake_exporters:BadSuffix", ["invalid file suffix '../../escape'"]),
        ("fake-json", "fake_exporters:BuiltinSuffix", ["suffix 'json', which a built-in format writes"]),
        ("fake-name", "fake_exporters:WrongName", ["registered as 'fake-name'", "'something-else'"]),
        ("Bad_Name", "fake_exporters:Good", ["invalid name"]),
    ],
)
def test_a_plugin_that_cannot_be_used_gets_a_clear_error(plugins, name, target, words):
    plugins({name: target})
    with pytest.raises(ExportError) as info:
        exporters.get(name)
    message = str(info.value)
    assert f"exporter plugin {name!r} from privgen-fake 0.3 ({target})" in message
    for word in words:
        assert word in message


def test_a_plugin_claiming_a_builtin_name_is_refused(plugins):
    plugins({"html": "fake_exporters:ClaimsHtml"})
    with pytest.raises(ExportError) as info:
        exporters.get("html")
    assert "exporter plugin 'html' from privgen-fake 0.3 (fake_exporters:ClaimsHtml)" in str(info.value)
    assert "claims the built-in name 'html'" in str(info.value)
    exporters.get("md")  # the other formats are unaffected


def test_two_plugins_with_one_name(plugins):
    other = SimpleNamespace(name="privgen-other", version="2.0")
    plugins([_ep("fake-good", "fake_exporters:Good"), _ep("fake-good", "fake_exporters:Good", other)])
    with pytest.raises(ExportError, match="privgen-fake 0.3.*privgen-other 2.0.*the same name"):
        exporters.get("fake-good")


def test_a_plugin_without_distribution_is_still_named(plugins):
    plugins([_ep("fake-api2", "fake_exporters:WrongApi", dist=None)])
    with pytest.raises(ExportError, match="'fake-api2' from an unknown package"):
        exporters.get("fake-api2")


@pytest.mark.parametrize(
    ("name", "target", "words"),
    [
        ("fake-raises", "fake_exporters:Raises", ["RuntimeError: boom in the plugin", "en/privacy-policy"]),
        ("fake-text", "fake_exporters:ReturnsText", ["returned str", "expected bytes"]),
        ("fake-applies", "fake_exporters:BadApplies", ["(applies)", "ValueError: cannot decide"]),
    ],
)
def test_a_plugin_failing_during_export_is_named(plugins, document, name, target, words):
    plugins({name: target})
    exporter = exporters.get(name)
    with pytest.raises(ExportError) as info:
        if exporter.applies(document):
            exporter.files(document, ExportContext(generator_version="1"))
    assert f"exporter plugin {name!r} from privgen-fake 0.3" in str(info.value)
    for word in words:
        assert word in str(info.value)


def test_two_formats_writing_the_same_file_are_refused(plugins):
    plugins({"fake-good": "fake_exporters:Good", "fake-same": "fake_exporters:SameSuffix"})
    with pytest.raises(
        ExportError, match="'fake-good' and 'fake-same' would both write '<document>.fake.txt'"
    ):
        exporters.select(["md", "fake-good", "fake-same"])


def test_unknown_format(plugins):
    plugins({})
    with pytest.raises(ExportError, match="unknown format 'nope'; installed: "):
        exporters.get("nope")


# The command line: messages, exit codes, nothing written.


def test_build_with_a_plugin_that_raises(plugins, run, tmp_path: Path):
    plugins({"fake-raises": "fake_exporters:Raises"})
    result = run("build", PROFILE, "-o", tmp_path, "--format", "md,fake-raises")
    assert result.exit_code == 1
    assert "exporter plugin 'fake-raises' from privgen-fake 0.3" in result.output
    assert "RuntimeError: boom in the plugin" in result.output
    assert "Traceback" not in result.output
    assert not any(tmp_path.rglob("*")), "nothing may be written when an exporter fails"


@pytest.mark.parametrize(
    ("plugin", "target", "fmt", "words"),
    [
        ("fake-api2", "fake_exporters:WrongApi", "fake-api2", "needs exporter API version 2"),
        ("fake-crash", "fake_exporter_crash:Exporter", "md,fake-crash", "plugin crashed on import"),
        ("html", "fake_exporters:ClaimsHtml", "html", "claims the built-in name 'html'"),
    ],
)
def test_build_refuses_a_broken_plugin_before_any_profile(plugins, run, tmp_path, plugin, target, fmt, words):
    plugins({plugin: target})
    result = run("build", PROFILES, "-o", tmp_path, "--format", fmt)
    assert result.exit_code == 1
    assert result.output.count("error: ") == 1, "one message, not one per profile"
    assert f"exporter plugin {plugin!r} from privgen-fake 0.3" in result.output
    assert words in result.output
    assert not any(tmp_path.rglob("*"))


def test_build_with_an_unknown_format_is_a_usage_error(plugins, run, tmp_path):
    plugins({})
    result = run("build", PROFILE, "-o", tmp_path, "--format", "md,nope")
    assert result.exit_code == 2
    assert "dpv" in result.output and "html-fragment" in result.output  # the choices are listed


def test_build_with_a_good_plugin_writes_its_file_and_records_it(plugins, run, tmp_path):
    plugins({"fake-good": "fake_exporters:Good"})
    result = run("build", PROFILE, "-o", tmp_path, "--format", "fake-good")
    assert result.exit_code == 0, result.output
    for lang, title in (("de", "Datenschutzerklärung"), ("en", "Privacy Policy")):
        written = (tmp_path / "beispiel-shop" / lang / "privacy-policy.fake.txt").read_text(encoding="utf-8")
        assert written.startswith(f"{title}|{lang}|")
    manifest = json.loads((tmp_path / "beispiel-shop" / "manifest.json").read_text(encoding="utf-8"))
    for d in manifest["documents"]:  # every document of the profile, each with its file
        assert list(d["files"]) == [f"{d['lang']}/{d['document']}.fake.txt"]
    assert {"de", "en"} == {d["lang"] for d in manifest["documents"] if d["document"] == "privacy-policy"}


def test_exporters_command_lists_everything_and_reports_broken_plugins(plugins, run):
    plugins({"fake-good": "fake_exporters:Good", "fake-api2": "fake_exporters:WrongApi"})
    result = run("exporters")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    good = next(line for line in lines if line.startswith("fake-good "))
    for cell in ("*.fake.txt", "text/plain; charset=utf-8", " 1 ", "privgen-fake 0.3"):
        assert cell in good
    fragment = next(line for line in lines if line.startswith("html-fragment "))
    assert "*.fragment.html *.fragment.css" in fragment and "(built in)" in fragment
    assert next(line for line in lines if line.startswith("html (default)"))
    assert "error: exporter plugin 'fake-api2' from privgen-fake 0.3" in result.output


def test_exporters_command_json(plugins, run):
    plugins({"fake-good": "fake_exporters:Good"})
    result = run("exporters", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    by_name = {e["name"]: e for e in data["exporters"]}
    assert data["api_version"] == exporters.API_VERSION
    assert by_name["fake-good"] == {
        "name": "fake-good",
        "suffix": "fake.txt",
        "attachments": [],
        "media_type": "text/plain; charset=utf-8",
        "api_version": 1,
        "origin": "privgen-fake 0.3",
        "builtin": False,
        "default": False,
        "error": None,
    }
    assert by_name["dpv"]["suffix"] == "dpv.jsonld" and not by_name["dpv"]["default"]
    assert by_name["html-fragment"]["attachments"] == ["fragment.css"]
    assert {n for n, e in by_name.items() if e["default"]} >= {"html", "md", "pdf", "json"}
